import { test } from "node:test";
import assert from "node:assert/strict";
import { rejects, run } from "../support/checks";
import { checkBalancedWeights, checkCrossEntropy, checkFocalLoss, checkStableSoftmax } from "../../src/exercises/04-loss-functions";


const stable = (z: number[]) => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

test("stable-softmax: a right answer passes; the naive formula and a wrong one are caught", () => {
  assert.equal(run(() => checkStableSoftmax(stable)), undefined);
  const naive = (z: number[]) => {
    const e = z.map(Math.exp);
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  rejects(() => checkStableSoftmax(naive), /not finite.*subtract max\(z\)/);
  rejects(() => checkStableSoftmax((z) => z.map(() => 1 / z.length)), /stable-softmax: softmax\(.*\)\[\d\] should be/);
  rejects(() => checkStableSoftmax(() => { throw new Error("oops"); }), /your function threw/);
  assert.throws(() => checkStableSoftmax(() => { throw new Error("not implemented: stable-softmax"); }), /^Error: not implemented: stable-softmax$/);
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
