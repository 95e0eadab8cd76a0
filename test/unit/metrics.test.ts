import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../../src/random";
import { accuracy, confusionMatrix, classificationReport, spread, operatingPoints, rocAuc, averagePrecision, bestF1Threshold, areaUnderCurve } from "../../src/metrics";

before(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

const rng = new Rng(11);
const K = 4;
const N = 200;
const yTrue = Int32Array.from({ length: N }, () => rng.int(K));
// a noisy classifier: right 70% of the time
const yPred = yTrue.map((c) => (rng.next() < 0.7 ? c : rng.int(K)));

test("confusionMatrix matches tf.math.confusionMatrix", () => {
  const ours = confusionMatrix(yTrue, yPred, K);
  const theirs = tf.math.confusionMatrix(tf.tensor1d(Array.from(yTrue), "int32"), tf.tensor1d(Array.from(yPred), "int32"), K).arraySync();
  assert.deepEqual(ours, theirs);
  assert.equal(ours.flat().reduce((a, b) => a + b, 0), N);
});

test("accuracy matches tf.metrics.categoricalAccuracy", () => {
  const oh = (y: Int32Array) => tf.oneHot(tf.tensor1d(Array.from(y), "int32"), K);
  const theirs = tf.mean(tf.metrics.categoricalAccuracy(oh(yTrue), oh(yPred))).dataSync()[0];
  assert.ok(Math.abs(accuracy(yTrue, yPred) - theirs) < 1e-6, `${accuracy(yTrue, yPred)} vs ${theirs}`);
  assert.equal(accuracy([0, 1, 2, 2], [0, 1, 1, 2]), 0.75);
});

test("per-class precision and recall match tf.metrics.precision / recall one-vs-rest", () => {
  const r = classificationReport(yTrue, yPred, K);
  for (let c = 0; c < K; c++) {
    const t = tf.tensor1d(Array.from(yTrue, (y) => (y === c ? 1 : 0)));
    const p = tf.tensor1d(Array.from(yPred, (y) => (y === c ? 1 : 0)));
    const prec = tf.metrics.precision(t, p).dataSync()[0];
    const rec = tf.metrics.recall(t, p).dataSync()[0];
    assert.ok(Math.abs(r.perClass[c].precision - prec) < 1e-6, `class ${c} precision ${r.perClass[c].precision} vs ${prec}`);
    assert.ok(Math.abs(r.perClass[c].recall - rec) < 1e-6, `class ${c} recall ${r.perClass[c].recall} vs ${rec}`);
    const f1 = (2 * prec * rec) / (prec + rec);
    assert.ok(Math.abs(r.perClass[c].f1 - f1) < 1e-6, `class ${c} f1`);
  }
});

test("classificationReport on a small case worked out by hand", () => {
  // true 0 0 0 1 1 2 ; predicted 0 0 1 1 2 2
  // class 0: TP 2, FP 0, FN 1 → P 1, R 2/3, F1 0.8
  // class 1: TP 1, FP 1, FN 1 → P 0.5, R 0.5, F1 0.5
  // class 2: TP 1, FP 1, FN 0 → P 0.5, R 1, F1 2/3
  const r = classificationReport([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], 3, { classNames: ["a", "b", "c"] });
  const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);
  const expected = [[1, 2 / 3, 0.8, 3], [0.5, 0.5, 0.5, 2], [0.5, 1, 2 / 3, 1]];
  expected.forEach(([p, rc, f, s], c) => {
    close(r.perClass[c].precision, p, `precision ${c}`);
    close(r.perClass[c].recall, rc, `recall ${c}`);
    close(r.perClass[c].f1, f, `f1 ${c}`);
    assert.equal(r.perClass[c].support, s);
  });
  close(r.accuracy, 4 / 6, "accuracy");
  close(r.macro.recall, (2 / 3 + 0.5 + 1) / 3, "macro recall");
  close(r.weighted.recall, (3 * (2 / 3) + 2 * 0.5 + 1) / 6, "weighted recall");
  close(r.weighted.f1, (3 * 0.8 + 2 * 0.5 + 2 / 3) / 6, "weighted f1");
  const text = r.toString();
  assert.match(text, /precision\s+recall\s+f1\s+support/);
  assert.match(text, /\n\s+a\s+1\.000\s+0\.667\s+0\.800\s+3/);
  assert.match(text, /macro avg/);
});

test("a class never predicted gets precision 0 (scikit-learn's zero_division default), not NaN", () => {
  const r = classificationReport([0, 1, 1], [0, 0, 0], 2);
  assert.equal(r.perClass[1].precision, 0);
  assert.equal(r.perClass[1].recall, 0);
  assert.equal(r.perClass[1].f1, 0);
});

test("bad inputs get clear errors", () => {
  assert.throws(() => confusionMatrix([0, 1], [0], 2), /yTrue has 2 labels but yPred has 1/);
  assert.throws(() => confusionMatrix([0, 3], [0, 1], 3), /yTrue\[1\] is 3, but labels must be integers in 0\.\.2/);
  assert.throws(() => confusionMatrix([0, 1], [0, 0.7], 2), /yPred\[1\] is 0.7.*take the argmax/);
  assert.throws(() => confusionMatrix([0, NaN], [0, 1], 2), /yTrue\[1\] is NaN/);
  assert.throws(() => confusionMatrix([], [], 2), /no examples/);
  assert.throws(() => confusionMatrix([0], [0], 0), /numClasses must be a positive integer/);
  assert.throws(() => accuracy([0, -1], [0, 1]), /yTrue\[1\] is -1, but labels must be non-negative integers/);
  assert.throws(() => classificationReport([0], [0], 2, { classNames: ["x"] }), /classNames has 1 names but numClasses is 2/);
});

test("spread: mean, sample sd and range; refuses empty or non-finite input", () => {
  const s = spread([2, 4, 4, 4, 5, 5, 7, 9]);
  assert.equal(s.n, 8);
  assert.equal(s.mean, 5);
  // Σ(x − 5)² = 32, over n − 1 = 7.
  assert.ok(Math.abs(s.sd - Math.sqrt(32 / 7)) < 1e-12, `sd ${s.sd}`);
  assert.deepEqual([s.min, s.max], [2, 9]);
  assert.equal(spread([0.97]).sd, 0);
  assert.throws(() => spread([]), /no values/);
  assert.throws(() => spread([1, NaN]), /finite number/);
});

test("operatingPoints, rocAuc, averagePrecision: scikit-learn's documented example", () => {
  const y = [0, 0, 1, 1], s = [0.1, 0.4, 0.35, 0.8];
  const pts = operatingPoints(y, s);
  assert.deepEqual(pts.map((p) => p.threshold), [Infinity, 0.8, 0.4, 0.35, 0.1]);
  assert.deepEqual(pts.map((p) => p.fpr), [0, 0, 0.5, 0.5, 1]);
  assert.deepEqual(pts.map((p) => p.tpr), [0, 0.5, 0.5, 1, 1]);
  assert.equal(rocAuc(y, s), 0.75);
  // average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.8333…
  assert.ok(Math.abs(averagePrecision(y, s) - 5 / 6) < 1e-12);
});

test("rocAuc is the probability that a positive outscores a negative (ties ½), on random scores with ties", () => {
  const rng = new Rng(7);
  for (let t = 0; t < 5; t++) {
    const n = 50 + rng.int(50);
    const y = Array.from({ length: n }, (_, i) => (i < 5 ? i % 2 : rng.next() < 0.3 ? 1 : 0));
    const s = y.map((v) => Math.round((v + rng.normal(0, 1)) * 4) / 4); // rounded: many ties
    let wins = 0, pairs = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      if (y[i] === 1 && y[j] === 0) { pairs++; wins += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0; }
    }
    assert.ok(Math.abs(rocAuc(y, s) - wins / pairs) < 1e-12);
  }
});

test("a perfect ranking, a reversed one, and bestF1Threshold", () => {
  assert.equal(rocAuc([0, 0, 1, 1], [1, 2, 3, 4]), 1);
  assert.equal(rocAuc([0, 0, 1, 1], [4, 3, 2, 1]), 0);
  assert.equal(averagePrecision([0, 0, 1, 1], [1, 2, 3, 4]), 1);
  const best = bestF1Threshold([0, 1, 0, 1, 1], [0.1, 0.2, 0.3, 0.8, 0.9]);
  // Thresholds 0.8 (P 1, R 2/3, F1 0.8), 0.3 (P 2/3, R 2/3), 0.2 (P 3/4, R 1, F1 6/7): 0.2 wins.
  assert.equal(best.threshold, 0.2);
  assert.ok(Math.abs(best.f1 - 6 / 7) < 1e-12);
  assert.equal(areaUnderCurve([0, 1, 2], [0, 1, 0]), 1);
  assert.throws(() => rocAuc([0, 0], [1, 2]), /only negatives/);
  assert.throws(() => rocAuc([0, 2], [1, 2]), /must be 0 \(negative\) or 1/);
  assert.throws(() => rocAuc([0, 1], [1]), /one score per example/);
  assert.throws(() => areaUnderCurve([0, 2, 1], [0, 1, 0]), /monotonic/);
});
