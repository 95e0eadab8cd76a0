import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import { fastOr, isFast } from "../../src/mode";
import { expectClose, expectAllClose, callStudent, CheckError } from "../../src/check";
import { requestedBackend } from "../../src/backend";

test("Rng is deterministic per seed and roughly uniform/normal", () => {
  const a = new Rng(1), b = new Rng(1), c = new Rng(2);
  const xs = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b.next()));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c.next()));
  const r = new Rng(3);
  const n = 20000;
  let s = 0, s2 = 0;
  for (let i = 0; i < n; i++) { const v = r.normal(); s += v; s2 += v * v; }
  assert.ok(Math.abs(s / n) < 0.03, `mean ${s / n}`);
  assert.ok(Math.abs(s2 / n - 1) < 0.05, `variance ${s2 / n}`);
  const p = new Rng(4).permutation(100);
  assert.deepEqual([...p].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
  assert.throws(() => new Rng(NaN), /finite/);
  assert.throws(() => r.int(0), /positive integer/);
});

test("Rng.bernoulliMask is the stream of next() compared with p, and continues it; bad n or p is refused", () => {
  const a = new Rng(9), b = new Rng(9);
  const mask = a.bernoulliMask(1001, 0.7, 2.5);
  mask.forEach((v, i) => assert.equal(v, b.next() < 0.7 ? 2.5 : 0, `unit ${i}`));
  assert.equal(a.next(), b.next(), "the generator goes on where the mask stopped");
  const ones = new Rng(1).bernoulliMask(50000, 0.3).reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(ones / 50000 - 0.3) < 0.01, `share kept ${ones / 50000}`);
  assert.deepEqual([...new Rng(1).bernoulliMask(4, 0)], [0, 0, 0, 0]);
  assert.deepEqual([...new Rng(1).bernoulliMask(4, 1)], [1, 1, 1, 1]);
  assert.throws(() => a.bernoulliMask(-1, 0.5), /n must be a whole number/);
  assert.throws(() => a.bernoulliMask(3, 1.5), /p must be in \[0, 1\]/);
});

test("fast mode follows LABS_FAST", () => {
  const old = process.env.LABS_FAST;
  process.env.LABS_FAST = "1";
  assert.equal(isFast(), true); assert.equal(fastOr(100, 5), 5);
  process.env.LABS_FAST = "0";
  assert.equal(isFast(), false); assert.equal(fastOr(100, 5), 100);
  if (old === undefined) delete process.env.LABS_FAST; else process.env.LABS_FAST = old;
});

test("checks throw a CheckError that says expected and got", () => {
  assert.throws(() => expectClose("ex", "f(2)", 3.5, 4), (e: Error) => e instanceof CheckError && /f\(2\) should be 4, got 3\.5/.test(e.message));
  assert.throws(() => expectClose("ex", "f(2)", NaN, 4), /should be a number/);
  expectClose("ex", "f(2)", 4 + 1e-9, 4);
  assert.throws(() => expectAllClose("ex", "v", [1, 2], [1, 2, 3]), /3 entries, got 2/);
  assert.throws(() => expectAllClose("ex", "v", [1, 5, 3], [1, 2, 3]), /v\[1\] should be 2, got 5/);
  assert.throws(() => callStudent("ex", () => { throw new Error("boom"); }), /your function threw on input : boom/);
  assert.throws(() => callStudent("ex", () => { throw new Error("not implemented: ex"); }), /^Error: not implemented: ex$/);
});

test("LABS_BACKEND is validated", () => {
  assert.equal(requestedBackend({ LABS_BACKEND: "wasm" }), "wasm");
  assert.equal(requestedBackend({ LABS_BACKEND: "tfjs-node" }), "tensorflow");
  assert.equal(requestedBackend({}), undefined);
  assert.throws(() => requestedBackend({ LABS_BACKEND: "gpu" }), /not a backend; use one of tensorflow, wasm, cpu/);
});
