// @ts-check
/**
 * The kernel's input history, for `history_request` (JupyterLab's console
 * asks for the last cells to fill its up-arrow history; tslab has no history
 * and never answered, so the console waited on a reply that never came).
 *
 * Entries are this kernel process's cells that stored history (count advanced),
 * numbered by execution count, in session 1 (there is no history database
 * across restarts, so the current session is the only one; 0 also means it, as
 * in IPython). Replies follow ipykernel's shapes: `[session, line, input]`, or
 * `[session, line, [input, output]]` with `output: true` (output is the
 * Out[n] text, null when the cell had none).
 */

const SESSION = 1;

/** fnmatch-style glob (`*`, `?`, `[...]`) as a whole-string regular expression. */
function globToRegExp(/** @type {string} */ glob) {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") re += "[\\s\\S]*";
    else if (c === "?") re += "[\\s\\S]";
    else if (c === "[" && glob.indexOf("]", i + 2) > 0) {
      const end = glob.indexOf("]", i + 2);
      let set = glob.slice(i + 1, end).replace(/\\/g, "\\\\");
      if (set.startsWith("!")) set = "^" + set.slice(1);
      re += `[${set}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

class History {
  constructor() {
    /** @type {{line: number, input: string, output: string | null}[]} */
    this.entries = [];
  }

  /** @param {number} line the cell's execution count @param {string} input */
  add(line, input) {
    this.entries.push({ line, input, output: null });
  }

  /** Records the Out[n] text of cell `line`. @param {number} line @param {string} text */
  setOutput(line, text) {
    const e = this.entries.find((x) => x.line === line);
    if (e) e.output = text;
  }

  /**
   * The content of a history_reply.
   * @param {{hist_access_type?: string, output?: boolean, n?: number, session?: number,
   *   start?: number, stop?: number | null, pattern?: string, unique?: boolean}} req
   */
  reply(req) {
    /** @type {{line: number, input: string, output: string | null}[]} */
    let picked = [];
    const n = req.n ?? 10;
    switch (req.hist_access_type) {
      case "tail":
        picked = n > 0 ? this.entries.slice(-n) : [];
        break;
      case "range": {
        if (req.session !== undefined && req.session !== 0 && req.session !== SESSION) break;
        const start = req.start ?? 0;
        const stop = req.stop ?? Infinity;
        picked = this.entries.filter((e) => e.line >= start && e.line < stop);
        break;
      }
      case "search": {
        const re = globToRegExp(req.pattern ?? "*");
        picked = this.entries.filter((e) => re.test(e.input));
        if (req.unique) {
          const last = new Map(picked.map((e) => [e.input, e]));
          picked = picked.filter((e) => last.get(e.input) === e);
        }
        if (req.n !== undefined && req.n !== null) picked = picked.slice(-n);
        break;
      }
      default:
        return { status: "error", ename: "ValueError", evalue: `unknown hist_access_type ${JSON.stringify(req.hist_access_type)}`, traceback: [], history: [] };
    }
    return {
      status: "ok",
      history: picked.map((e) => [SESSION, e.line, req.output ? [e.input, e.output] : e.input]),
    };
  }
}

module.exports = { History, globToRegExp };
