// @ts-check
/**
 * Turns what tslab reports about a failed cell into a Jupyter `error`
 * (ename, evalue, traceback): TypeScript diagnostics become one `TSError`
 * naming line and column in the cell; a thrown value keeps its own name and
 * message, and its stack is rewritten to the cell's own line numbers.
 */
const path = require("path");
const util = require("util");

/**
 * @typedef {{file?: string, line: number, column: number, message: string}} Diagnostic
 *   line and column are 1-based, in the cell unless `file` names another file.
 * @typedef {{ename: string, evalue: string, traceback: string[]}} JupyterError
 * @typedef {(fileName: string, line: number, column: number) => ({line: number, column: number} | null)} PositionMapper
 */

/** Frames from these places are tslab's or this kernel's plumbing, not the student's code. */
const internalFrame = [
  `${path.sep}node_modules${path.sep}tslab${path.sep}`,
  __dirname + path.sep,
  "(node:",
  "at node:",
];

/**
 * A source excerpt with a caret under `column`, for a traceback.
 * @param {string} src @param {number} line @param {number} column
 */
function excerpt(src, line, column) {
  const lines = src.split("\n");
  if (line < 1 || line > lines.length) return [];
  const out = [];
  const width = String(Math.min(line + 1, lines.length)).length;
  for (let l = Math.max(1, line - 1); l <= Math.min(lines.length, line + 1); l++) {
    out.push(`${l === line ? "-->" : "   "} ${String(l).padStart(width)} | ${lines[l - 1]}`);
    if (l === line) out.push(`    ${" ".repeat(width)} | ${" ".repeat(Math.max(0, column - 1))}^`);
  }
  return out;
}

/**
 * The error for a cell that did not type-check.
 * @param {Diagnostic[]} diags @param {string} src the cell @param {string} cellName e.g. "In[3]"
 * @returns {JupyterError}
 */
function diagnosticsError(diags, src, cellName) {
  const where = (/** @type {Diagnostic} */ d) => `${d.file ? d.file + " " : ""}line ${d.line}, column ${d.column}`;
  const evalue = diags.map((d) => `${where(d)}: ${d.message}`).join("\n");
  const traceback = [];
  for (const d of diags) {
    traceback.push(`TSError: ${d.file ?? cellName} line ${d.line}, column ${d.column}: ${d.message}`);
    if (!d.file) traceback.push(...excerpt(src, d.line, d.column));
  }
  return { ename: "TSError", evalue, traceback };
}

/**
 * The error for a cell whose code threw `value`.
 * @param {unknown} value
 * @param {PositionMapper} mapPosition maps a generated position in a cell file to the cell source
 * @param {(fileName: string) => string | undefined} cellSource the source of a cell by file name
 * @returns {JupyterError}
 */
function exceptionError(value, mapPosition, cellSource) {
  if (!(value instanceof Error)) {
    const evalue = util.inspect(value);
    return { ename: "Uncaught", evalue, traceback: [`Uncaught ${evalue}`] };
  }
  const ename = value.name || value.constructor?.name || "Error";
  const evalue = value.message ?? "";
  const frames = [];
  /** The innermost frame in a cell, for the source excerpt. @type {{file: string, line: number, column: number} | null} */
  let first = /** @type {any} */ (null);
  let skipped = { pkg: "", count: 0 };
  const flushSkipped = () => {
    if (skipped.count > 0) frames.push(`    … ${skipped.count} more frame${skipped.count > 1 ? "s" : ""} in ${skipped.pkg}`);
    skipped = { pkg: "", count: 0 };
  };
  for (const raw of String(value.stack ?? "").split("\n")) {
    if (!/^\s+at /.test(raw)) continue;
    if (internalFrame.some((s) => raw.includes(s))) continue;
    // "at f (In[3]:12:5)" or "at In[3]:12:5"
    let wrapper = false;
    const line = raw.replace(/(In\[[^\]]*\]):(\d+):(\d+)/, (m, file, l, c) => {
      const pos = mapPosition(file, Number(l), Number(c));
      if (!pos) return m;
      if (pos.line === 0) wrapper = true;
      if (!first) first = { file, ...pos };
      return `${file}:${pos.line}:${pos.column}`;
    });
    if (wrapper) continue;
    const pkg = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(line)?.[1];
    if (pkg && pkg === skipped.pkg) {
      skipped.count++;
      continue;
    }
    flushSkipped();
    frames.push(line);
    if (pkg) skipped = { pkg, count: 0 };
  }
  flushSkipped();
  const traceback = [`${ename}: ${evalue}`, ...frames];
  if (first) {
    const src = cellSource(first.file);
    if (src !== undefined) traceback.push("", `${first.file} line ${first.line}:`, ...excerpt(src, first.line, first.column));
  }
  return { ename, evalue, traceback };
}

module.exports = { diagnosticsError, exceptionError, excerpt };
