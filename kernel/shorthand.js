// @ts-check
/**
 * Object shorthand that names an earlier cell's declaration: `{ f }` after a
 * cell declared `function f`.
 *
 * tslab keeps earlier cells' declarations as properties of `exports` and, in
 * an emit transformer (converter.js `wrapPrevIdentifier`), rewrites every
 * identifier whose symbol is declared in its `__prev__.d.ts` to `exports.f`.
 * It asks `checker.getSymbolAtLocation(identifier)`, which for the name of a
 * shorthand property returns the *property's* symbol (declared in the cell
 * itself), not the variable it reads. So `{ f }` stays `{ f }` in the code that
 * runs, where no `f` exists: it type-checks, then throws `ReferenceError: f is
 * not defined`; and `({ a, b } = obj)` silently writes globals instead of the
 * earlier cell's variables.
 *
 * This adds a transformer, run just before tslab's, that spells such a
 * property out: `{ f }` becomes `{ f: exports.f }` (and `{ a = 1 } = obj`
 * becomes `{ a: exports.a = 1 } = obj`). It is installed on the builder
 * program tslab emits with (see wrapHost), so no tslab file changes.
 */
const path = require("path");

/** The file in which tslab declares earlier cells' names (converter.js `declFilename`). */
const PREV_DECLS = "__prev__.d.ts";

/**
 * @param {typeof import("typescript")} ts
 * @param {import("typescript").TypeChecker} checker
 * @returns {import("typescript").TransformerFactory<import("typescript").SourceFile>}
 */
function shorthandTransformer(ts, checker) {
  /** @param {import("typescript").Node} node */
  const namesEarlierCell = (node) => {
    const original = ts.getParseTreeNode(node);
    if (!original || !ts.isShorthandPropertyAssignment(original)) return false;
    const symbol = checker.getShorthandAssignmentValueSymbol(original);
    return (symbol?.declarations ?? []).some((d) => path.basename(d.getSourceFile().fileName) === PREV_DECLS);
  };
  return (context) => {
    const f = context.factory;
    /** @type {import("typescript").Visitor} */
    const visit = (node) => {
      if (ts.isShorthandPropertyAssignment(node) && namesEarlierCell(node)) {
        const name = node.name.text;
        /** @type {import("typescript").Expression} */
        let value = f.createPropertyAccessExpression(f.createIdentifier("exports"), f.createIdentifier(name));
        const init = node.objectAssignmentInitializer;
        if (init) value = f.createAssignment(value, ts.visitNode(init, visit, ts.isExpression) ?? init);
        return ts.setTextRange(f.createPropertyAssignment(f.createIdentifier(name), value), node);
      }
      return ts.visitEachChild(node, visit, context);
    };
    return (sourceFile) => /** @type {import("typescript").SourceFile} */ (ts.visitNode(sourceFile, visit));
  };
}

/**
 * Wraps the watch compiler host tslab creates, so that each builder program
 * tslab receives (host.afterProgramCreate) emits with shorthandTransformer
 * ahead of tslab's own `after` transformers.
 * @param {typeof import("typescript")} ts
 * @param {any} host
 */
function wrapHost(ts, host) {
  /** @type {(builder: any) => void} */
  let received = () => {};
  Object.defineProperty(host, "afterProgramCreate", {
    configurable: true,
    get: () => (/** @type {any} */ builder) => {
      const emit = builder.emit.bind(builder);
      builder.emit = (/** @type {any[]} */ ...args) => {
        const transformers = args[4] ?? {};
        const ours = shorthandTransformer(ts, builder.getProgram().getTypeChecker());
        args[4] = { ...transformers, after: [ours, ...(transformers.after ?? [])] };
        return emit(...args);
      };
      received(builder);
    },
    set: (fn) => {
      received = fn;
    },
  });
  return host;
}

module.exports = { shorthandTransformer, wrapHost };
