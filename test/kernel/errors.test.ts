// Unit tests of kernel/errors.js: how a failed cell becomes ename/evalue/traceback.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { diagnosticsError, exceptionError, excerpt } = require("../../kernel/errors.js");

type Pos = { line: number; column: number } | null;

test("a type error names the cell's line and column and shows the line with a caret", () => {
  const src = 'const a = 1;\nconst n: number = "x";\nconsole.log(n);';
  const err = diagnosticsError([{ line: 2, column: 7, message: "Type 'string' is not assignable to type 'number'." }], src, "In[4]");
  assert.equal(err.ename, "TSError");
  assert.equal(err.evalue, "line 2, column 7: Type 'string' is not assignable to type 'number'.");
  assert.deepEqual(err.traceback, [
    "TSError: In[4] line 2, column 7: Type 'string' is not assignable to type 'number'.",
    "    1 | const a = 1;",
    '--> 2 | const n: number = "x";',
    "      |       ^",
    "    3 | console.log(n);",
  ]);
});

test("every diagnostic is in evalue; one in another file is named by that file", () => {
  const err = diagnosticsError(
    [
      { line: 1, column: 1, message: "Cannot find name 'f'." },
      { file: "helper.ts", line: 3, column: 5, message: "Unused." },
    ],
    "f(1)",
    "In[2]",
  );
  assert.equal(err.evalue, "line 1, column 1: Cannot find name 'f'.\nhelper.ts line 3, column 5: Unused.");
  assert.ok(err.traceback.includes("TSError: helper.ts line 3, column 5: Unused."));
});

test("a thrown error keeps its name and message; cell frames are mapped, plumbing frames dropped", () => {
  const e = new RangeError("units must be > 0");
  const tslab = path.join("/repo", "node_modules", "tslab", "dist", "executor.js");
  e.stack = [
    "RangeError: units must be > 0",
    "    at check (In[3]:12:9)",
    "    at In[3]:14:1",
    "    at In[3]:20:3",
    `    at Object.execute (${tslab}:170:40)`,
    "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
  ].join("\n");
  const positions: Record<string, Pos> = { "12:9": { line: 5, column: 3 }, "14:1": { line: 7, column: 1 }, "20:3": { line: 0, column: 0 } };
  const src = ["interface L {}", "", "function check() {", "  // why", "  throw new RangeError('units must be > 0');", "}", "check();"].join("\n");
  const err = exceptionError(
    e,
    (file: string, line: number, column: number) => (file === "In[3]" ? positions[`${line}:${column}`] ?? null : null),
    (file: string) => (file === "In[3]" ? src : undefined),
  );
  assert.equal(err.ename, "RangeError");
  assert.equal(err.evalue, "units must be > 0");
  assert.deepEqual(err.traceback.slice(0, 3), ["RangeError: units must be > 0", "    at check (In[3]:5:3)", "    at In[3]:7:1"]);
  assert.deepEqual(err.traceback.slice(3), [
    "",
    "In[3] line 5:",
    "    4 |   // why",
    "--> 5 |   throw new RangeError('units must be > 0');",
    "      |   ^",
    "    6 | }",
  ]);
});

test("runs of library frames collapse to the first one; unmapped frames stay as they are", () => {
  const lib = (f: string) => `    at ${f} (/repo/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js:1:1)`;
  const e = new Error("Size(2) must match the product of shape 3");
  e.stack = [e.message, lib("a"), lib("b"), lib("c"), "    at In[9]:1:5"].join("\n");
  const err = exceptionError(e, () => null, () => undefined);
  assert.deepEqual(err.traceback, [
    "Error: Size(2) must match the product of shape 3",
    lib("a"),
    "    … 2 more frames in @tensorflow/tfjs-core",
    "    at In[9]:1:5",
  ]);
});

test("a thrown non-Error is reported as Uncaught with its inspected value", () => {
  const err = exceptionError("oops", () => null, () => undefined);
  assert.deepEqual(err, { ename: "Uncaught", evalue: "'oops'", traceback: ["Uncaught 'oops'"] });
});

test("excerpt stays inside the cell", () => {
  assert.deepEqual(excerpt("only", 1, 1), ["--> 1 | only", "      | ^"]);
  assert.deepEqual(excerpt("only", 3, 1), []);
});
