// @ts-check
/**
 * Source maps for tslab cells, so a runtime error's stack names the line of
 * the cell the student wrote (`In[3]:7:12`) instead of a line of the
 * JavaScript that tslab generated from it.
 *
 * tslab 1.0.22 compiles a cell in two steps and keeps no source map:
 *   cell.ts --(watch program, converter.js)--> ES module JS
 *           --(ts.transpileModule, esModuleToCommonJSModule)--> CommonJS JS,
 * then runs the CommonJS text with vm.runInThisContext (file "evalmachine.<anonymous>").
 * Its compiler options are private, so this module wraps the TypeScript module
 * tslab loads (before tslab loads it) to
 *   1. add `inlineSourceMap` to the watch program (map A: ESM -> cell),
 *   2. ask the CommonJS transpile for a map too (map B: CommonJS -> ESM), and strip
 *      both map comments so the code tslab runs is byte-for-byte what it ran before;
 * and wraps vm.runInThisContext to give each cell its own file name `In[n]`.
 * Upstream, the same thing is three small edits in converter.ts/executor.ts
 * (see kernel/README.md).
 */
const Module = require("module");
const path = require("path");
const vm = require("vm");

const tslabDist = path.dirname(require.resolve("tslab/dist/converter.js"));
const tsPath = require.resolve("@tslab/typescript-for-tslab", { paths: [tslabDist] });

const INLINE_MAP = /\n?\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;
const FILE_MAP = /\/\/# sourceMappingURL=custom\.js\.map\s*$/;
// executor.js wraps each cell's CommonJS output in exactly these strings.
const PREFIXES = ["(function(exports, require) { ", "(async function(exports, require) { "];
const SUFFIX = "\n})(__tslab__.exports, __tslab__.require)";
/** tslab prepends this line to every cell (converter.js `srcPrefix`). */
const SRC_PREFIX_LINES = 1;

/** CommonJS output text -> its two maps, filled by the transpile hook, consumed when the cell runs. */
const pending = new Map();
/** file name given to a cell ("In[3]") -> {maps, prefixLength}. */
const cells = new Map();
let installed = false;
/** @type {() => string} */
let nextFileName = () => "cell";

/**
 * Installs the hooks. Must run before anything requires tslab's converter.
 * @param {{fileName: () => string}} opts fileName() names the cell about to run (e.g. `In[3]`).
 */
function install(opts) {
  nextFileName = opts.fileName;
  if (installed) return;
  installed = true;
  const ts = require(tsPath);
  if (require.cache[path.join(tslabDist, "converter.js")]) {
    throw new Error("kernel/source-maps.js must be installed before tslab/dist/converter.js is loaded");
  }
  // The TypeScript bundle's exports are getters (not writable), so tslab gets a
  // delegating copy with two functions replaced.
  const shim = Object.create(null);
  for (const key of Object.keys(ts)) {
    Object.defineProperty(shim, key, { enumerable: true, configurable: true, get: () => ts[key] });
  }
  Object.defineProperty(shim, "createWatchCompilerHost", {
    enumerable: true,
    value: (/** @type {any[]} */ ...args) => {
      if (args[1] && typeof args[1] === "object") args[1] = { ...args[1], inlineSourceMap: true };
      return ts.createWatchCompilerHost.apply(ts, /** @type {any} */ (args));
    },
  });
  Object.defineProperty(shim, "transpileModule", {
    enumerable: true,
    value: (/** @type {string} */ input, /** @type {any} */ options) => {
      if (!options || options.fileName !== "custom.js") return ts.transpileModule(input, options);
      // tslab's ESM -> CommonJS step.
      const m = INLINE_MAP.exec(input);
      const esm = m ? input.slice(0, m.index) + "\n" : input;
      const out = ts.transpileModule(esm, {
        ...options,
        compilerOptions: { ...options.compilerOptions, sourceMap: true },
      });
      const text = out.outputText.replace(FILE_MAP, "");
      if (m && out.sourceMapText) {
        pending.set(text, {
          toEsm: new Module.SourceMap(JSON.parse(out.sourceMapText)),
          toCell: new Module.SourceMap(JSON.parse(Buffer.from(m[1], "base64").toString("utf8"))),
        });
      }
      return { ...out, outputText: text, sourceMapText: undefined };
    },
  });
  const tsModule = new Module(tsPath);
  tsModule.filename = tsPath;
  tsModule.loaded = true;
  tsModule.exports = shim;
  require.cache[tsPath] = tsModule;

  const runInThisContext = vm.runInThisContext;
  vm.runInThisContext = function (code, options) {
    const prefix = typeof code === "string" && code.endsWith(SUFFIX) ? PREFIXES.find((p) => code.startsWith(p)) : undefined;
    if (prefix === undefined) return runInThisContext.call(vm, code, options);
    const body = code.slice(prefix.length, code.length - SUFFIX.length);
    const fileName = nextFileName();
    const maps = pending.get(body);
    pending.clear();
    cells.set(fileName, { maps, prefixLength: prefix.length, lastLine: code.split("\n").length });
    const opts = typeof options === "object" && options ? options : {};
    return runInThisContext.call(vm, code, { ...opts, filename: fileName });
  };
}

/**
 * Maps a position in a cell's generated code (1-based line and column, as in a
 * stack frame) to the cell's own source; null when unknown; line 0 for the
 * line executor.js appends to call the cell (not the student's code).
 * @param {string} fileName
 * @param {number} line
 * @param {number} column
 * @returns {{line: number, column: number} | null}
 */
function cellPosition(fileName, line, column) {
  const cell = cells.get(fileName);
  if (!cell) return null;
  if (line === cell.lastLine) return { line: 0, column: 0 };
  if (!cell.maps) return null;
  const col0 = column - 1 - (line === 1 ? cell.prefixLength : 0);
  const a = /** @type {any} */ (cell.maps.toEsm.findEntry(line - 1, Math.max(col0, 0)));
  if (!a || a.originalLine === undefined) return null;
  const b = /** @type {any} */ (cell.maps.toCell.findEntry(a.originalLine, a.originalColumn));
  if (!b || b.originalLine === undefined) return null;
  const srcLine = b.originalLine - SRC_PREFIX_LINES;
  if (srcLine < 0) return null;
  return { line: srcLine + 1, column: b.originalColumn + 1 };
}

module.exports = { install, cellPosition };
