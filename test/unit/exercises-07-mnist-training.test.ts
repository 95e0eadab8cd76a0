import { test } from "node:test";
import assert from "node:assert/strict";
import { rejects, run } from "../support/checks";
import { checkEarlyStopping, checkPickBest, checkPrecisionRecall, type SearchTrial } from "../../src/exercises/07-mnist-training";
import { earlyStoppingPoint } from "../../src/train";


function keras(losses: number[], patience: number) {
  // Keras's EarlyStopping, written as its callback counts: wait resets on an improvement
  let best = Infinity, bestEpoch = -1, wait = 0;
  for (let e = 0; e < losses.length; e++) {
    if (losses[e] < best) { best = losses[e]; bestEpoch = e; wait = 0; continue; }
    wait++;
    if (wait >= patience) return { epochs: e + 1, bestEpoch };
  }
  return { epochs: losses.length, bestEpoch };
}

test("early-stopping: Keras's rule passes; an off-by-one, ≤ for ties and a throw are caught", () => {
  assert.equal(run(() => checkEarlyStopping(keras)), undefined);
  rejects(() => checkEarlyStopping((l, p) => { const k = keras(l, p); return { ...k, epochs: k.epochs < l.length ? k.epochs - 1 : k.epochs }; }), /The epoch that runs out the patience is trained too/);
  rejects(() => checkEarlyStopping((l, p) => {
    let best = Infinity, bestEpoch = -1;
    for (let e = 0; e < l.length; e++) if (l[e] <= best) { best = l[e]; bestEpoch = e; }
    return { epochs: keras(l, p).epochs, bestEpoch };
  }), /the best epoch \(0-based, lowest loss, the first one on a tie\) is 1, you returned 4\./);
  rejects(() => checkEarlyStopping(() => 3 as never), /return an object \{epochs, bestEpoch\}/);
  rejects(() => checkEarlyStopping(() => { throw new Error("oops"); }), /your function threw/);
  assert.throws(() => checkEarlyStopping(() => { throw new Error("not implemented: early-stopping"); }), /^Error: not implemented: early-stopping$/);
});

test("earlyStoppingPoint: the rule trainModel applies", () => {
  assert.deepEqual(earlyStoppingPoint([0.9, 0.7, 0.6, 0.65, 0.66, 0.64], 3), { epochs: 6, bestEpoch: 2, stopped: true });
  assert.deepEqual(earlyStoppingPoint([0.9, 0.7], 3), { epochs: 2, bestEpoch: 1, stopped: false });
  assert.deepEqual(earlyStoppingPoint([NaN, NaN], 1), { epochs: 1, bestEpoch: -1, stopped: true });
  assert.throws(() => earlyStoppingPoint([1], -1), /patience must be an integer ≥ 0, got -1/);
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
