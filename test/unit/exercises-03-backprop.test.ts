import { test } from "node:test";
import assert from "node:assert/strict";
import { checkChainRule, checkOutputDelta, checkDenseBackward, DenseBackward } from "../../src/exercises/03-backprop";
import { numericalDerivative } from "../../src/scratch/gradient-check";
import { quiet, rejects } from "../support/checks";


test("chain-rule: the right derivative passes, wrong ones throw", () => {
  quiet(() => checkChainRule((x) => (4 * (2 * x + 1)) / (1 + (2 * x + 1) ** 2)));
  // other ways of writing the same formula pass too
  quiet(() => checkChainRule((x) => (8 * x + 4) / (4 * x * x + 4 * x + 2)));
  quiet(() => checkChainRule((x) => { const u = 2 * x + 1; return (1 / (1 + u ** 2)) * (2 * u) * 2; }));
  rejects(() => checkChainRule((x) => (2 * (2 * x + 1)) / (1 + (2 * x + 1) ** 2)), /chain-rule: f'\(.*\) is .*, you returned .* \(relative error 5\.0e-1\)\.$/); // forgot the inner 2
  rejects(() => checkChainRule(() => NaN), /chain-rule: f'\(.*\) should be a finite number close to .*, got NaN\./);
});

test("chain-rule: a numerical derivative of f is rejected, however it is taken", () => {
  const f = (x: number) => Math.log(1 + (2 * x + 1) ** 2);
  const finite = /That is the accuracy of a finite difference, not of a formula/;
  rejects(() => checkChainRule((x) => numericalDerivative(f, x)), finite);
  for (const h of [1e-4, 1e-5, 1e-6, 1e-7]) rejects(() => checkChainRule((x) => (f(x + h) - f(x - h)) / (2 * h)), finite);
  // a step relative to |x|, and a fourth-order (five-point) stencil, are still far from float64 exactness
  rejects(() => checkChainRule((x) => { const h = 1e-5 * Math.max(1, Math.abs(x)); return (f(x + h) - f(x - h)) / (2 * h); }), finite);
  for (const h of [1e-2, 1e-3, 1e-4]) {
    rejects(() => checkChainRule((x) => { const s = h * Math.max(1, Math.abs(x)); return (f(x - 2 * s) - 8 * f(x - s) + 8 * f(x + s) - f(x + 2 * s)) / (12 * s); }), /chain-rule: f'/);
  }
  assert.throws(() => checkChainRule(() => { throw new Error("not implemented: chain-rule"); }), /^Error: not implemented|not implemented: chain-rule/);
});

test("output-delta: right passes, sign error throws", () => {
  const s = (z: number) => 1 / (1 + Math.exp(-z));
  quiet(() => checkOutputDelta((y, z) => (y - s(z)) * s(z) * (1 - s(z))));
  rejects(() => checkOutputDelta((y, z) => (s(z) - y) * s(z) * (1 - s(z))), /∂E\/∂in, the δ of the convention that follows the gradient \(Mollineda's lecture\)\. This lab uses Δ = Err·g'\(in\)/);
  rejects(() => checkOutputDelta((y, z) => 2 * (y - s(z)) * s(z) * (1 - s(z))), /twice that: you differentiated E = \(y − a\)² \(the convention without the ½\)/);
  rejects(() => checkOutputDelta((y, z) => 2 * (s(z) - y) * s(z) * (1 - s(z))), /minus twice that/);
  rejects(() => checkOutputDelta((y, z) => y - s(z)), /output-delta: outputDelta\(y=\d, in=.*\) should be .*, got/);
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
