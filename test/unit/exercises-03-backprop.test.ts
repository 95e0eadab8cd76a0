import { test } from "node:test";
import assert from "node:assert/strict";
import { checkChainRule, checkOutputDelta, checkDenseBackward, DenseBackward } from "../../src/exercises/03-backprop";
import { CheckError } from "../../src/check";
import { quiet } from "../support/checks";


test("chain-rule: the right derivative passes, wrong ones throw", () => {
  quiet(() => checkChainRule((x) => (4 * (2 * x + 1)) / (1 + (2 * x + 1) ** 2)));
  assert.throws(() => checkChainRule((x) => (2 * (2 * x + 1)) / (1 + (2 * x + 1) ** 2)), CheckError); // forgot the inner 2
  assert.throws(() => checkChainRule(() => NaN), CheckError);
  assert.throws(() => checkChainRule(() => { throw new Error("not implemented: chain-rule"); }), /^Error: not implemented|not implemented: chain-rule/);
});

test("output-delta: right passes, sign error throws", () => {
  const s = (z: number) => 1 / (1 + Math.exp(-z));
  quiet(() => checkOutputDelta((y, z) => (y - s(z)) * s(z) * (1 - s(z))));
  assert.throws(() => checkOutputDelta((y, z) => (s(z) - y) * s(z) * (1 - s(z))), CheckError);
  assert.throws(() => checkOutputDelta((y, z) => y - s(z)), CheckError);
});

const right: DenseBackward = (x, W, b, dOut) => {
  const a = W.map((row, j) => Math.tanh(row.reduce((s, w, i) => s + w * x[i], b[j])));
  const d = a.map((aj, j) => dOut[j] * (1 - aj * aj));
  return {
    dW: W.map((row, j) => row.map((_, i) => d[j] * x[i])),
    db: d,
    dx: x.map((_, i) => W.reduce((s, row, j) => s + row[i] * d[j], 0)),
  };
};

test("dense-backward: a right backward pass passes the gradient check", () => {
  quiet(() => checkDenseBackward(right));
});

test("dense-backward: wrong backward passes are caught", () => {
  // Forgot tanh' (used dOut directly as the sensitivity).
  assert.throws(() => checkDenseBackward((x, W, b, dOut) => ({
    dW: W.map((row, j) => row.map((_, i) => dOut[j] * x[i])), db: dOut.slice(),
    dx: x.map((_, i) => W.reduce((s, row, j) => s + row[i] * dOut[j], 0)),
  })), /gradient check failed/);
  // dx off by a factor of 2.
  assert.throws(() => checkDenseBackward((x, W, b, dOut) => { const g = right(x, W, b, dOut); return { ...g, dx: g.dx.map((v) => 2 * v) }; }), /dx\[/);
  // Wrong shape.
  assert.throws(() => checkDenseBackward((x, W, b, dOut) => { const g = right(x, W, b, dOut); return { ...g, db: g.db.slice(1) }; }), /db should be an array of/);
});
