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

// find-the-bug: the lecture's first Keras script, translated to tfjs layer by layer.
import * as tf from "@tensorflow/tfjs";
import { checkLectureNetwork } from "../../src/exercises/07-mnist-training";
import { tfSeed } from "../../src/random";

function script(seed: number, opts: { hidden?: number[]; outUnits?: number; outActivation?: string; seeded?: boolean } = {}): tf.Sequential {
  const { hidden = [64, 64, 64], outUnits = 10, outActivation = "softmax", seeded = true } = opts;
  const init = (i: number) => tf.initializers.glorotUniform(seeded ? { seed: tfSeed(seed, i) } : {});
  const model = tf.sequential();
  hidden.forEach((units, i) => model.add(tf.layers.dense({ ...(i === 0 ? { inputShape: [784] } : {}), units, activation: "relu", kernelInitializer: init(i) })));
  model.add(tf.layers.dense({ units: outUnits, activation: outActivation as "softmax", kernelInitializer: init(99) }));
  return model;
}

test("find-the-bug: the fixed script passes; the lecture's bug, two hidden layers, a sigmoid output and unseeded weights are caught; no tensor is left behind", () => {
  const before = tf.memory().numTensors;
  assert.equal(run(() => checkLectureNetwork((s) => script(s))), undefined);
  rejects(() => checkLectureNetwork((s) => script(s, { outUnits: 64 })), /output layer still has 64 units/);
  rejects(() => checkLectureNetwork((s) => script(s, { hidden: [64, 64] })), /three hidden layers of 64 ReLU units/);
  rejects(() => checkLectureNetwork((s) => script(s, { outActivation: "sigmoid" })), /must stay softmax/);
  rejects(() => checkLectureNetwork((s) => script(s, { seeded: false })), /same seed must build the same initial weights/);
  rejects(() => checkLectureNetwork(() => 42 as never), /return a tf.Sequential model/);
  rejects(() => checkLectureNetwork(() => { throw new Error("oops"); }), /your function threw/);
  assert.equal(tf.memory().numTensors, before, "the check disposes every model it built");
});
