// history_request replies of the course kernel (kernel/history.js), in ipykernel's shapes.
import { test } from "node:test";
import assert from "node:assert/strict";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { History, globToRegExp } = require("../../kernel/history.js");

function sample() {
  const h = new History();
  h.add(1, "const lr = 0.1;");
  h.add(2, "lr * 2");
  h.setOutput(2, "0.2");
  h.add(3, "lr * 2");
  h.add(5, "train()");
  return h;
}

test("tail returns the last n inputs, oldest first, with outputs on request", () => {
  const h = sample();
  assert.deepEqual(h.reply({ hist_access_type: "tail", n: 2, raw: true }), {
    status: "ok",
    history: [[1, 3, "lr * 2"], [1, 5, "train()"]],
  });
  assert.deepEqual(h.reply({ hist_access_type: "tail", n: 4, output: true }).history[1], [1, 2, ["lr * 2", "0.2"]]);
  assert.deepEqual(h.reply({ hist_access_type: "tail", n: 0 }).history, []);
});

test("range selects execution counts start <= line < stop in the current session only", () => {
  const h = sample();
  assert.deepEqual(h.reply({ hist_access_type: "range", session: 1, start: 2, stop: 5 }).history.map((e: unknown[]) => e[1]), [2, 3]);
  assert.deepEqual(h.reply({ hist_access_type: "range", session: 0, start: 3 }).history.map((e: unknown[]) => e[1]), [3, 5]);
  assert.deepEqual(h.reply({ hist_access_type: "range", session: -1, start: 1 }).history, []);
});

test("search matches a glob against the whole input; unique keeps the last of equal inputs", () => {
  const h = sample();
  assert.deepEqual(h.reply({ hist_access_type: "search", pattern: "lr*" }).history.map((e: unknown[]) => e[1]), [2, 3]);
  assert.deepEqual(h.reply({ hist_access_type: "search", pattern: "lr*", unique: true }).history.map((e: unknown[]) => e[1]), [3]);
  assert.deepEqual(h.reply({ hist_access_type: "search", pattern: "*lr*", n: 1 }).history.map((e: unknown[]) => e[1]), [3]);
});

test("globToRegExp: * and ? span newlines, [!…] negates, other characters are literal", () => {
  assert.ok(globToRegExp("a*b").test("a\nxyz b"));
  assert.ok(globToRegExp("a?c").test("abc"));
  assert.ok(!globToRegExp("a?c").test("ac"));
  assert.ok(globToRegExp("[!x]1").test("y1"));
  assert.ok(!globToRegExp("[!x]1").test("x1"));
  assert.ok(globToRegExp("f(x).y").test("f(x).y"));
  assert.ok(!globToRegExp("f(x).y").test("f(x)zy"));
});

test("an unknown access type is an error reply that names it", () => {
  const r = sample().reply({ hist_access_type: "everything" });
  assert.equal(r.status, "error");
  assert.match(r.evalue, /unknown hist_access_type "everything"/);
});
