import { test } from "node:test";
import assert from "node:assert/strict";
import { rejects, run } from "../support/checks";
import { checkBalancedWeights, checkBceLogitGrad, checkCrossEntropy, checkFocalLoss } from "../../src/exercises/04-loss-functions";


const sig = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
const grad = (y: number[], z: number[]) => z.map((zi, i) => (sig(zi) - y[i]) / z.length);

test("bce-logit-grad: (σ(z) − y)/n passes, with the naive σ too; the usual slips are named", () => {
  assert.equal(run(() => checkBceLogitGrad(grad)), undefined);
  assert.equal(run(() => checkBceLogitGrad((y, z) => z.map((zi, i) => (1 / (1 + Math.exp(-zi)) - y[i]) / z.length))), undefined);
  rejects(() => checkBceLogitGrad((y, z) => grad(y, z).map((g) => g * z.length)), /the gradient of the \*sum\*\. The lab's losses are means over the n = 4 examples: divide by n\./);
  rejects(() => checkBceLogitGrad((y, z) => grad(y, z).map((g) => -g)), /the gradient with the opposite sign/);
  rejects(() => checkBceLogitGrad((y, z) => z.map((zi, i) => { const p = sig(zi); return (-y[i] / p + (1 - y[i]) / (1 - p)) / z.length; })), /you returned ∂L\/∂p, the gradient with respect to the probability/);
  rejects(() => checkBceLogitGrad((y, z) => z.map((zi, i) => -y[i] * Math.log(sig(zi)) / z.length)), /bce-logit-grad: the gradient for y = \[1, 0, 1, 1\], z = \[2, -1, 0, -3\]\[0\] should be/);
  rejects(() => checkBceLogitGrad((y, z) => z.map((zi, i) => (Math.exp(zi) / (1 + Math.exp(zi)) - y[i]) / z.length)), /which is not finite/);
  rejects(() => checkBceLogitGrad((y) => y.slice(1)), /should have 4 entries \(one per logit\)/);
  assert.throws(() => checkBceLogitGrad(() => { throw new Error("not implemented: bce-logit-grad"); }), /^Error: not implemented: bce-logit-grad$/);
});

test("cross-entropy: natural log passes, base 10 and a wrong formula are caught", () => {
  const ce = (y: number[], p: number[]) => -y.reduce((a, yi, i) => a + (yi > 0 ? yi * Math.log(p[i]) : 0), 0);
  assert.equal(run(() => checkCrossEntropy(ce)), undefined);
  rejects(() => checkCrossEntropy((y, p) => ce(y, p) / Math.LN10), /base-10 value/);
  rejects(() => checkCrossEntropy((y, p) => -p.reduce((a, pi) => a + Math.log(pi), 0)), /should be/);
});

test("balanced-weights: n/(k·n_c) passes, n_c/n is caught", () => {
  const good = (y: number[], k: number) => Array.from({ length: k }, (_, c) => y.length / (k * y.filter((v) => v === c).length));
  assert.equal(run(() => checkBalancedWeights(good)), undefined);
  rejects(() => checkBalancedWeights((y, k) => Array.from({ length: k }, (_, c) => y.filter((v) => v === c).length / y.length)), /should be/);
});

test("focal-loss: −(1−p)^γ log p passes; a missing minus or the wrong factor is caught", () => {
  assert.equal(run(() => checkFocalLoss((p, g) => -((1 - p) ** g) * Math.log(p))), undefined);
  rejects(() => checkFocalLoss((p, g) => (1 - p) ** g * Math.log(p)), /should be/);
  rejects(() => checkFocalLoss((p, g) => -(p ** g) * Math.log(p)), /should be/);
});
