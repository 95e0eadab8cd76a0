#!/usr/bin/env node
// @ts-check
/**
 * The course's Jupyter kernel: tslab 1.0.22 (same TypeScript compiler, type
 * checks, `tslab.display` API), wrapped so that it speaks the Jupyter
 * messaging protocol fully:
 *   - a failing cell sends an `error` message and an error reply with
 *     ename/evalue/traceback (type errors name line and column in the cell;
 *     runtime stacks point at the cell's own lines, see source-maps.js);
 *   - the last expression's value goes out as `execute_result` (Out[n]) with
 *     rich renderers from dist/page/result.js (tensors, models, number arrays)
 *     instead of being printed to stdout;
 *   - kernel_info, shutdown and comm_info replies are complete and valid;
 *     history_request is answered (history.js);
 *   - `execute_input` is broadcast; `silent` and `store_history` are honoured;
 *   - an object shorthand `{ f }` naming an earlier cell's `f` works (shorthand.js).
 * It reuses tslab's own modules (converter, executor, ZMQ server); what it
 * changes, and why, is in kernel/README.md.
 *
 * usage: node kernel/main.js [--config-path] <connection_file>
 */
const path = require("path");
const util = require("util");
const sourceMaps = require("./source-maps");
const shorthand = require("./shorthand");
const { History } = require("./history");
const { diagnosticsError, exceptionError } = require("./errors");

/** Name of the cell being run, as Jupyter shows its prompt: In[3]. */
let cellName = "In[?]";
sourceMaps.install({ fileName: () => cellName, wrapHost: shorthand.wrapHost });

// Loaded after install(), so tslab's converter compiles with source maps.
const { createConverter } = require("tslab/dist/converter");
const { createExecutor } = require("tslab/dist/executor");
const jupyter = require("tslab/dist/jupyter");
const { TaskCanceledError, TaskQueue } = require("tslab/dist/util");
const { versions } = require("tslab/dist/public");

const utf8 = new util.TextDecoder();
// tfjs stacks are deep; keep enough frames to reach the cell that called it.
Error.stackTraceLimit = Math.max(Error.stackTraceLimit, 50);

/** @returns {(value: unknown) => Record<string, string> | null} */
function loadRenderers() {
  const file = path.join(__dirname, "..", "dist", "page", "result.js");
  try {
    return require(file).cellResultBundle;
  } catch (e) {
    console.error(`tslab kernel: rich display off, cannot load ${file} (run npm run build): ${e}`);
    return (value) => ({ "text/plain": util.inspect(value) });
  }
}
const toMimeBundle = loadRenderers();

/**
 * What tslab's executor reported while running one cell. The executor reports
 * through the `console` it is given: error("%s%d:%d - %s", file, line, col, msg)
 * per diagnostic, error(e) for a thrown value, log(v) for the last expression.
 */
class CellReport {
  constructor() {
    /** @type {import("./errors").Diagnostic[]} */
    this.diagnostics = [];
    this.threw = false;
    /** @type {unknown} */
    this.thrown = undefined;
    this.hasValue = false;
    /** @type {unknown} */
    this.value = undefined;
  }
}
let report = new CellReport();
const executorConsole = {
  log: (/** @type {unknown} */ value) => {
    report.hasValue = true;
    report.value = value;
  },
  error: (/** @type {any[]} */ ...args) => {
    if (args.length === 5 && args[0] === "%s%d:%d - %s") {
      const file = String(args[1]).trim();
      report.diagnostics.push({ file: file || undefined, line: args[2], column: args[3], message: String(args[4]) });
    } else {
      report.threw = true;
      report.thrown = args[0];
    }
  },
};

class Converters {
  constructor() {
    /** @type {any} */ this._node = null;
    /** @type {any} */ this._browser = null;
  }
  get node() {
    return (this._node ??= createConverter({ isJS: false, isBrowser: false }));
  }
  get browser() {
    return (this._browser ??= createConverter({ isJS: false, isBrowser: true }));
  }
  close() {
    this._node?.close();
    this._browser?.close();
  }
}

/** Thrown inside the execution queue so tslab's TaskQueue aborts the cells queued after a failed one. */
class CellFailed {
  /** @param {object} reply */
  constructor(reply) {
    this.reply = reply;
  }
}

/**
 * @typedef {{
 *   stream: (name: "stdout" | "stderr", text: string) => void,
 *   display: (data: object, update: boolean) => void,
 *   publish: (msgType: string, content: object) => void,
 * }} Iopub
 */

class Handler extends jupyter.JupyterHandlerImpl {
  /** @param {any} executor */
  constructor(executor) {
    super(executor, false);
    // Own queue, counter and executor handle (tslab's are private).
    this.cells = new TaskQueue();
    this.count = 0;
    this.unnumbered = 0;
    this.exec = executor;
    /** Cell sources by name, for the code excerpt under a traceback. */
    this.sources = new Map();
    this.history = new History();
  }

  handleKernel() {
    const base = super.handleKernel();
    return {
      ...base,
      status: "ok",
      implementation: "tslab",
      implementation_version: versions.tslab,
      language_info: {
        ...base.language_info,
        name: "typescript",
        version: versions.typescript,
        mimetype: "text/typescript",
        file_extension: ".ts",
        pygments_lexer: "typescript",
      },
      banner: `tslab ${versions.tslab} (TypeScript ${versions.typescript}, Node.js ${versions.node}) with Jupyter error and rich-display support`,
      help_links: [
        { text: "tslab", url: "https://github.com/yunabe/tslab" },
        { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
        { text: "TensorFlow.js API", url: "https://js.tensorflow.org/api/latest/" },
      ],
      debugger: false,
    };
  }

  /** @param {{restart?: boolean}} req */
  handleShutdown(req) {
    return { status: "ok", restart: !!req.restart };
  }

  /**
   * @param {{code: string, silent?: boolean, store_history?: boolean, stop_on_error?: boolean}} req
   * @param {Iopub} io
   * @returns {Promise<object>} the execute_reply content
   */
  // @ts-ignore -- different signature from tslab's handleExecute, called only by Server below
  async handleExecute(req, io) {
    try {
      return await this.cells.add(() => this.run(req, io));
    } catch (e) {
      if (e instanceof CellFailed) {
        // The cells queued behind a failed one are chained to it and come back
        // "aborted"; cells sent from now on run. (tslab waits 200 ms before
        // accepting new cells, which aborts a cell sent right after the error
        // reply; ipykernel's default stop_on_error_timeout is 0.)
        this.cells.reset();
        return e.reply;
      }
      if (e instanceof TaskCanceledError) return { status: "aborted", execution_count: this.count };
      const err = { ename: "KernelError", evalue: String(e), traceback: [String(e instanceof Error ? e.stack : e)] };
      if (!req.silent) io.publish("error", err);
      return { status: "error", execution_count: this.count, ...err };
    }
  }

  /**
   * @param {{code: string, silent?: boolean, store_history?: boolean, stop_on_error?: boolean}} req
   * @param {Iopub} io
   */
  async run(req, io) {
    const silent = !!req.silent;
    const advance = !silent && req.store_history !== false;
    if (advance) this.count++;
    const count = this.count;
    // A cell that does not advance the count still needs a name of its own (source maps are per name).
    cellName = advance ? `In[${count}]` : `In[${count}.${++this.unnumbered}]`;
    this.sources.set(cellName, req.code);
    if (advance) this.history.add(count, req.code);
    if (!silent) io.publish("execute_input", { code: req.code, execution_count: count });
    // Like ipykernel, output written after the cell finished (timers, promises)
    // still goes to the last cell that ran.
    process.stdout.write = writeTo(silent ? null : (text) => io.stream("stdout", text));
    process.stderr.write = writeTo(silent ? null : (text) => io.stream("stderr", text));
    jupyter.lastWriteDisplayData = silent ? () => {} : io.display;

    report = new CellReport();
    const ok = await this.exec.execute(req.code);
    const r = report;
    if (!ok) {
      const err = r.diagnostics.length > 0
        ? diagnosticsError(r.diagnostics, req.code, cellName)
        : r.threw
          ? exceptionError(r.thrown, sourceMaps.cellPosition, (name) => this.sources.get(name))
          : { ename: "Error", evalue: "the cell failed without a message", traceback: [] };
      if (!silent) io.publish("error", err);
      const reply = { status: "error", execution_count: count, ...err };
      if (req.stop_on_error === false) return reply;
      throw new CellFailed(reply);
    }
    // `//%module` cells succeed even with diagnostics; tslab prints them.
    for (const d of r.diagnostics) {
      process.stderr.write(`${d.file ? d.file + " " : ""}${d.line}:${d.column} - ${d.message}\n`);
    }
    const data = r.hasValue && !silent ? this.render(r.value) : null;
    // null: the value is already on the page (a displayed figure), no Out[n].
    if (data) io.publish("execute_result", { execution_count: count, data, metadata: {} });
    if (data && advance) this.history.setOutput(count, data["text/plain"] ?? null);
    return { status: "ok", execution_count: count, payload: [], user_expressions: {} };
  }

  /** @param {unknown} value */
  render(value) {
    try {
      return toMimeBundle(value);
    } catch (e) {
      process.stderr.write(`(rich display failed: ${e instanceof Error ? e.message : e}; showing plain text)\n`);
      return { "text/plain": util.inspect(value) };
    }
  }
}

/**
 * A replacement for process.stdout.write / process.stderr.write.
 * @param {((text: string) => void) | null} sink null drops the output (silent requests)
 */
function writeTo(sink) {
  return /** @type {any} */ (
    (/** @type {string | Uint8Array} */ chunk, /** @type {any} */ encoding, /** @type {any} */ cb) => {
      if (sink) sink(typeof chunk === "string" ? chunk : utf8.decode(chunk));
      const done = typeof encoding === "function" ? encoding : cb;
      if (typeof done === "function") process.nextTick(done);
      return true;
    }
  );
}

/**
 * zeromq 6 rejects a send while the socket's previous send is still pending
 * ("Socket is busy writing"), and tslab does not wait for its sends: a cell
 * printing thousands of lines killed the kernel. This wraps a socket (zeromq's
 * sockets are frozen objects, so it is a proxy) so that sends queue, in order.
 * @param {any} sock
 */
function queuedSends(sock) {
  let tail = Promise.resolve();
  const send = (/** @type {unknown} */ msg) => {
    const sent = tail.then(() => sock.send(msg));
    tail = sent.catch((/** @type {unknown} */ e) => {
      process.stderr.write(`tslab kernel: a message was not sent: ${e}\n`);
    });
    return sent;
  };
  /** Resolves once every send queued so far has gone out. */
  const drained = () => tail;
  return new Proxy(sock, {
    get: (target, prop) => {
      if (prop === "send") return send;
      if (prop === "drained") return drained;
      const v = target[prop];
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/**
 * Coalesces a cell's stdout/stderr writes into few `stream` messages, as
 * ipykernel does (it flushes every 0.2 s): a loop printing 20,000 lines sends
 * a few dozen messages instead of 20,000, which overran clients and lost text.
 * @param {(msgType: string, content: object) => void} publish
 */
function bufferedStreams(publish, intervalMs = 50, maxChars = 1 << 16) {
  /** @type {string | null} */
  let name = null;
  let text = "";
  /** @type {NodeJS.Timeout | null} */
  let timer = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (text) publish("stream", { name, text });
    text = "";
  };
  const write = (/** @type {"stdout" | "stderr"} */ stream, /** @type {string} */ chunk) => {
    if (stream !== name) flush();
    name = stream;
    text += chunk;
    if (text.length >= maxChars) flush();
    else if (!timer) timer = setTimeout(flush, intervalMs);
  };
  return { write, flush };
}

class Server extends jupyter.ZmqServer {
  async init() {
    await super.init();
    const self = /** @type {any} */ (this);
    self.iopub = queuedSends(self.iopub); // every stream, display and status message
  }

  /** @param {any} sock @param {number} port */
  async bindSocket(sock, port) {
    // A PUB socket drops messages once 1,000 wait for a slow subscriber; output
    // must not vanish, so its sends wait for room instead (they are queued).
    // Set before bind: it applies to connections made afterwards.
    if (sock === /** @type {any} */ (this).iopub) sock.noDrop = true;
    return super.bindSocket(sock, port);
  }

  /** @param {any} sock @param {any} msg */
  async handleExecute(sock, msg) {
    const self = /** @type {any} */ (this);
    const publish = (/** @type {string} */ msgType, /** @type {object} */ content) => {
      const out = msg.createReply();
      out.header.msg_type = msgType;
      out.content = content;
      out.signAndSend(self.connInfo.key, self.iopub);
    };
    const streams = bufferedStreams(publish);
    /** @type {Iopub} */
    const io = {
      stream: streams.write,
      // Anything else flushes pending text first, so output keeps its order.
      display: (data, update) => {
        streams.flush();
        publish(update ? "update_display_data" : "display_data", data);
      },
      publish: (msgType, content) => {
        streams.flush();
        publish(msgType, content);
      },
    };
    const reply = msg.createReply();
    reply.header.msg_type = "execute_reply";
    reply.content = await /** @type {any} */ (this.handler).handleExecute(msg.content, io);
    streams.flush();
    // Clients (nbclient) wait only a few seconds for output after the reply,
    // so let the cell's output go out first.
    await self.iopub.drained();
    reply.signAndSend(self.connInfo.key, sock);
  }

  /**
   * tslab's dispatcher (handleShellMessage) has no case for history_request: it
   * printed "unknown msg_type" and sent no reply. Messages reach us only as raw
   * frames, and tslab's message class is not exported, so it is taken from the
   * first parsed message (publishStatus gets one before each request is handled;
   * clients always start with kernel_info_request).
   * @param {any} sock @param {Buffer[]} frames
   */
  async handleShellMessage(sock, ...frames) {
    const self = /** @type {any} */ (this);
    if (!self.Message || msgType(frames) !== "history_request") return super.handleShellMessage(sock, ...frames);
    const msg = self.Message.fromRaw(self.connInfo.key, frames);
    this.publishStatus("busy", msg);
    try {
      const reply = msg.createReply();
      reply.header.msg_type = "history_reply";
      reply.content = /** @type {any} */ (this.handler).history.reply(msg.content);
      reply.signAndSend(self.connInfo.key, sock);
    } finally {
      this.publishStatus("idle", msg);
    }
  }

  /** @param {string} status @param {any} parent */
  publishStatus(status, parent) {
    /** @type {any} */ (this).Message ??= parent.constructor;
    super.publishStatus(status, parent);
  }

  /** tslab answers comm_info_request with msg_type "complete_reply" and no status. */
  /** @param {any} sock @param {any} msg */
  handleCommInfoRequest(sock, msg) {
    const reply = msg.createReply();
    reply.header.msg_type = "comm_info_reply";
    reply.content = { status: "ok", comms: {} };
    reply.signAndSend(/** @type {any} */ (this).connInfo.key, sock);
  }
}

/** The msg_type of a raw message ([identities…, "<IDS|MSG>", hmac, header, …]); "" if unreadable. */
function msgType(/** @type {Buffer[]} */ frames) {
  const delim = frames.findIndex((f) => f.toString() === "<IDS|MSG>");
  try {
    return delim < 0 ? "" : String(JSON.parse(frames[delim + 2].toString()).msg_type);
  } catch {
    return "";
  }
}

function main() {
  const args = process.argv.slice(2).filter((a) => a !== "--config-path" && a !== "kernel");
  const configPath = args[args.length - 1];
  if (!configPath) {
    console.error("usage: node kernel/main.js [--config-path] <connection_file>");
    process.exit(2);
  }
  const convs = new Converters();
  convs.node; // compile the TypeScript lib files now, not in the first cell
  const executor = createExecutor(process.cwd(), convs, executorConsole);
  const server = new Server(new Handler(executor), configPath);
  process.on("SIGINT", () => executor.interrupt());
  // Same as tslab: report stray async failures in the cell that ran last.
  process.on("uncaughtException", (err) => console.error("UncaughtException:", err));
  process.on("unhandledRejection", (reason) => console.error("UnhandledPromiseRejection:", reason));
  server.init();
}

main();
