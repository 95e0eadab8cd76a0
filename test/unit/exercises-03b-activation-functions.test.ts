import { test } from "node:test";
import assert from "node:assert/strict";
import { checkActivationDerivatives, checkSoftmax, checkDeadUnits } from "../../src/exercises/03b-activation-functions";
import { quiet, rejects } from "../support/checks";

const sig = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const right = {
  sigmoid: (x: number) => sig(x) * (1 - sig(x)),
  tanh: (x: number) => 1 - Math.tanh(x) ** 2,
  leakyRelu: (x: number, a: number) => (x > 0 ? 1 : a),
};

test("activation-derivatives: right passes, common mistakes throw", () => {
  quiet(() => checkActivationDerivatives(right));
  rejects(() => checkActivationDerivatives({ ...right, sigmoid: sig }), /activation-derivatives: sigmoid'\(.*\) should be .*, got/); // σ instead of σ′
  rejects(() => checkActivationDerivatives({ ...right, tanh: (x) => 1 - Math.tanh(x) }), /activation-derivatives: tanh'\(.*\) should be .*, got/);
  assert.throws(() => checkActivationDerivatives({ ...right, leakyRelu: (x) => (x > 0 ? 1 : 0.01) }), /alpha=0\.(1|3)/); // ignores alpha
  // The textbook formula e^−x/(1+e^−x)² is right but overflows to ∞/∞ = NaN at x = −1000 …
  rejects(() => checkActivationDerivatives({ ...right, sigmoid: (x) => Math.exp(-x) / (1 + Math.exp(-x)) ** 2 }), /sigmoid'\(-1000\) should be 0, got NaN\. Far out e\^\{−x\} overflows/);
  // … while σ(1 − σ) with the naive σ = 1/(1 + e^−x) gives 0 there, which is right: it passes.
  quiet(() => checkActivationDerivatives({ ...right, sigmoid: (x) => { const s = 1 / (1 + Math.exp(-x)); return s * (1 - s); } }));
  assert.throws(() => checkActivationDerivatives({ sigmoid: right.sigmoid } as never), /three functions/);
});

test("softmax: stable passes; naive overflows and is caught; unnormalised is caught", () => {
  quiet(() => checkSoftmax((z) => { const m = Math.max(...z); const e = z.map((v) => Math.exp(v - m)); const s = e.reduce((a, b) => a + b); return e.map((v) => v / s); }));
  assert.throws(() => checkSoftmax((z) => { const e = z.map(Math.exp); const s = e.reduce((a, b) => a + b); return e.map((v) => v / s); }), /softmax\(\[1000, 1001, 1002\]\)/);
  rejects(() => checkSoftmax((z) => z.map(Math.exp)), /softmax: softmax\(\[-1, 0, 1, 2, 4\]\)\[0\] should be/);
});

test("dead-relu: right passes, off-by-one definitions throw", () => {
  const right = (pre: number[][]) => pre[0].filter((_, j) => pre.every((r) => r[j] <= 0)).length;
  quiet(() => checkDeadUnits(right));
  rejects(() => checkDeadUnits((pre) => pre[0].filter((_, j) => pre.every((r) => r[j] < 0)).length), /dead-relu: for a batch of \d+ examples × \d+ units the number of dead units is \d+, you returned \d+\./); // 0 counted as alive
  rejects(() => checkDeadUnits((pre) => pre[0].filter((_, j) => pre.some((r) => r[j] <= 0)).length), /dead-relu: for a batch of \d+ examples × \d+ units the number of dead units is \d+, you returned \d+\./); // "some" instead of "every"
});
