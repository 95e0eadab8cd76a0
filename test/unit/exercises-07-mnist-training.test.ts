import { test } from "node:test";
import assert from "node:assert/strict";
import { rejects, run } from "../support/checks";
import { checkPickBest, checkPrecisionRecall, checkTimeDecay, type SearchTrial } from "../../src/exercises/07-mnist-training";


test("time-decay: lr0/(1+decay·t) passes; t+1, a linear decay and a throw are caught", () => {
  assert.equal(run(() => checkTimeDecay((lr, d, t) => lr / (1 + d * t))), undefined);
  rejects(() => checkTimeDecay((lr, d, t) => lr / (1 + d * (t + 1))), /rate of update t \+ 1/);
  rejects(() => checkTimeDecay((lr, d, t) => lr * (1 - d * t)), /time-decay: decayedRate\(.*\) should be/);
  rejects(() => checkTimeDecay(() => { throw new Error("oops"); }), /your function threw/);
  assert.throws(() => checkTimeDecay(() => { throw new Error("not implemented: time-decay"); }), /^Error: not implemented: time-decay$/);
});

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
function scores(cm: number[][], c: number) {
  const tp = cm[c][c];
  const row = cm[c].reduce((a, b) => a + b, 0);
  const col = cm.reduce((a, r) => a + r[c], 0);
  const precision = ratio(tp, col), recall = ratio(tp, row);
  return { precision, recall, f1: ratio(2 * precision * recall, precision + recall) };
}

test("precision-recall: the right formulas pass; swapped axes, 0/0 as NaN and a wrong F1 are caught", () => {
  assert.equal(run(() => checkPrecisionRecall(scores)), undefined);
  rejects(() => checkPrecisionRecall((cm, c) => { const s = scores(cm, c); return { precision: s.recall, recall: s.precision, f1: s.f1 }; }), /swapped/);
  rejects(() => checkPrecisionRecall((cm, c) => {
    const s = scores(cm, c);
    const col = cm.reduce((a, r) => a + r[c], 0);
    return { ...s, precision: cm[c][c] / col };
  }), /never predicted \(0\/0\), report 0/);
  rejects(() => checkPrecisionRecall((cm, c) => { const s = scores(cm, c); return { ...s, f1: (s.precision + s.recall) / 2 }; }), /F1 for class \d/);
  rejects(() => checkPrecisionRecall(() => 0.5 as never), /return an object/);
});

test("pick-best: validation-based choice passes; test-based, last-on-tie and a constant are caught", () => {
  const byVal = (t: SearchTrial[]) => t.reduce((best, x, i) => (x.valAcc > t[best].valAcc ? i : best), 0);
  assert.equal(run(() => checkPickBest(byVal)), undefined);
  rejects(() => checkPickBest((t) => t.reduce((best, x, i) => (x.testAcc > t[best].testAcc ? i : best), 0)), /best on the \*test\* set/);
  rejects(() => checkPickBest((t) => t.reduce((best, x, i) => (x.valAcc >= t[best].valAcc ? i : best), 0)), /first one on a tie/);
  rejects(() => checkPickBest(() => 0), /the trial to keep is/);
});
