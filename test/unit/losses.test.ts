import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../../src/random";
import * as L from "../../src/losses";
import { softmax } from "../../src/scratch/activations";

// float32 tfjs against float64 code: agreement to a few float32 ulps.
const TOL = 2e-5;

function close(actual: ArrayLike<number> | number, expected: ArrayLike<number> | number, tol = TOL, what = ""): void {
  const a = typeof actual === "number" ? [actual] : Array.from(actual);
  const e = typeof expected === "number" ? [expected] : Array.from(expected);
  assert.equal(a.length, e.length, `${what}: length ${a.length} vs ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i] - e[i]) / Math.max(1, Math.abs(e[i]));
    if (tol === TOL && err > worst.err) worst = { err, what: `${what}[${i}]` };
    assert.ok(err <= tol, `${what}[${i}]: ${a[i]} vs ${e[i]} (relative error ${err.toExponential(2)} > ${tol})`);
  }
}

/** The largest disagreement with tfjs seen in this file (printed at the end). */
let worst = { err: 0, what: "" };
after(() => console.log(`largest relative disagreement with tfjs: ${worst.err.toExponential(2)} (${worst.what})`));

const data = (t: tf.Tensor) => Array.from(t.dataSync());
// tfjs takes plain arrays or Float32Array, not Float64Array.
const T1 = (x: ArrayLike<number>, dtype?: "int32") => tf.tensor1d(Array.from(x), dtype);
const T2 = (x: ArrayLike<number>, shape: [number, number]) => tf.tensor2d(Array.from(x), shape);

before(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

const rng = new Rng(4);
const n = 7;
const k = 4;
const yReg = rng.normalArray(n);
const yHat = rng.normalArray(n);
const logits = rng.normalArray(n * k, 0, 2);
const labels = Int32Array.from({ length: n }, () => rng.int(k));
const probs = L.softmaxRows(logits, k);
const pBin = Float64Array.from({ length: n }, () => rng.uniform(0.05, 0.95));
const yBin = Float64Array.from({ length: n }, () => rng.int(2));

test("l1Loss and mseLoss match tf.losses (mean reduction) and the seed's sums", () => {
  close(L.l1Loss(yReg, yHat), data(tf.losses.absoluteDifference(T1(yReg), T1(yHat))), TOL, "l1");
  close(L.mseLoss(yReg, yHat), data(tf.losses.meanSquaredError(T1(yReg), T1(yHat))), TOL, "mse");
  close(L.l1Loss(yReg, yHat, "sum"), L.l1Loss(yReg, yHat) * n, 1e-12, "l1 sum");
  close(L.l2Loss(yReg, yHat), L.mseLoss(yReg, yHat) * n, 1e-12, "l2 = n·mse");
  close(L.mseLoss([1, 2, 3], [1, 2, 5]), 4 / 3, 1e-12, "mse small");
});

test("l1Grad and mseGrad match tf.grad", () => {
  const t = T1(yReg);
  close(L.l1Grad(yReg, yHat), data(tf.grad((p: tf.Tensor) => tf.losses.absoluteDifference(t, p))(T1(yHat))), TOL, "l1 grad");
  close(L.mseGrad(yReg, yHat), data(tf.grad((p: tf.Tensor) => tf.losses.meanSquaredError(t, p))(T1(yHat))), TOL, "mse grad");
  // at a tie (ŷ = y) both are subgradients but they differ: ours 0, tfjs +1 (documented in l1Grad)
  assert.equal(L.l1Grad([1], [1])[0], 0);
  assert.equal(data(tf.grad((p: tf.Tensor) => tf.losses.absoluteDifference(T1([1]), p))(T1([1])))[0], 1);
  close(L.mseGrad(yReg, yHat, "sum"), data(tf.grad((p: tf.Tensor) => tf.sum(tf.square(tf.sub(p, t))))(T1(yHat))), TOL, "l2 grad");
});

test("binaryCrossEntropy matches tf.losses.logLoss and tf.metrics.binaryCrossentropy; its gradient matches tf.grad", () => {
  const y = T1(yBin);
  close(L.binaryCrossEntropy(yBin, pBin), data(tf.losses.logLoss(y, T1(pBin), undefined, 0)), TOL, "logLoss");
  close(L.binaryCrossEntropy(yBin, pBin), data(tf.mean(tf.metrics.binaryCrossentropy(y, T1(pBin)))), TOL, "metrics bce");
  const g = tf.grad((p: tf.Tensor) => tf.losses.logLoss(y, p, undefined, 0))(T1(pBin));
  close(L.binaryCrossEntropyGrad(yBin, pBin), data(g), TOL, "bce grad");
  // base 10 is the natural-log value divided by ln 10
  close(L.binaryCrossEntropy(yBin, pBin, { base: 10 }), L.binaryCrossEntropy(yBin, pBin) / Math.LN10, 1e-12, "base 10");
  // y=1, p=0 is an honest Infinity; y=0, p=0 costs nothing
  assert.equal(L.binaryCrossEntropy([1], [0]), Infinity);
  assert.equal(L.binaryCrossEntropy([0], [0]), 0);
});

test("binaryCrossEntropyFromLogits matches tf.losses.sigmoidCrossEntropy, also for huge logits", () => {
  const z = Float64Array.from([...logits.slice(0, n - 2), 80, -80]);
  const y = T1(yBin);
  close(L.binaryCrossEntropyFromLogits(yBin, z), data(tf.losses.sigmoidCrossEntropy(y, T1(z))), TOL, "sigmoid ce");
  const g = tf.grad((zz: tf.Tensor) => tf.losses.sigmoidCrossEntropy(y, zz))(T1(z));
  close(L.binaryCrossEntropyFromLogitsGrad(yBin, z), data(g), TOL, "sigmoid ce grad");
  assert.ok(Number.isFinite(L.binaryCrossEntropyFromLogits([0], [1000])));
});

test("softmax and logSoftmax match tf.softmax / tf.logSoftmax; the naive form overflows at z = 1000", () => {
  const z = [-1, 0, 1, 2, 4];
  close(softmax(z), data(tf.softmax(T1(z))), TOL, "softmax");
  close(L.logSoftmax(z), data(tf.logSoftmax(T1(z))), TOL, "logSoftmax");
  const big = [1000, 999, 990];
  assert.ok(L.softmaxNaive(big).some(Number.isNaN), "naive softmax should overflow to NaN");
  close(softmax(big), data(tf.softmax(T1(big))), TOL, "stable softmax at 1000");
  close(L.logSoftmax(big), data(tf.logSoftmax(T1(big))), TOL, "stable logSoftmax at 1000");
  close(L.softmaxRows(logits, k), data(tf.softmax(T2(logits, [n, k]))), TOL, "softmaxRows");
  close(L.logSoftmaxRows(logits, k), data(tf.logSoftmax(T2(logits, [n, k]))), TOL, "logSoftmaxRows");
  assert.deepEqual(Array.from(L.argmaxRows(logits, k)), data(tf.argMax(T2(logits, [n, k]), 1)));
  // shifting every score by a constant changes nothing
  close(softmax(z.map((v) => v + 50)), softmax(z), 1e-12, "shift invariance");
});

test("oneHot matches tf.oneHot", () => {
  assert.deepEqual(Array.from(L.oneHot(labels, k)), data(tf.oneHot(T1(Array.from(labels), "int32"), k)));
});

test("categoricalCrossEntropy and nllLoss match tf.metrics.categoricalCrossentropy; gradient matches tf.grad", () => {
  const Y = L.oneHot(labels, k);
  const tfVal = data(tf.mean(tf.metrics.categoricalCrossentropy(T2(Y, [n, k]), T2(probs, [n, k]))))[0];
  close(L.categoricalCrossEntropy(Y, probs, k), tfVal, TOL, "cce");
  close(L.nllLoss(labels, probs, k), tfVal, TOL, "nll");
  const g = tf.grad((p: tf.Tensor) => tf.mean(tf.neg(tf.sum(tf.mul(T2(Y, [n, k]), tf.log(p)), 1))))(T2(probs, [n, k]));
  close(L.categoricalCrossEntropyGrad(Y, probs, k), data(g), TOL, "cce grad");
  close(L.categoricalCrossEntropy(Y, probs, k, { base: 10 }), tfVal / Math.LN10, TOL, "cce base 10");
});

test("crossEntropyFromLogits (plain and class-weighted) matches tf.losses.softmaxCrossEntropy and its gradient", () => {
  const Y = T2(L.oneHot(labels, k), [n, k]);
  const Z = T2(logits, [n, k]);
  const plain = L.crossEntropyFromLogits(labels, logits, k);
  close(plain.loss, data(tf.losses.softmaxCrossEntropy(Y, Z)), TOL, "ce");
  close(plain.gradLogits, data(tf.grad((z: tf.Tensor) => tf.losses.softmaxCrossEntropy(Y, z))(Z)), TOL, "ce grad");
  // balanced: per-example weights α_{label}; tfjs divides by the number of non-zero weights (= n here)
  const alpha = [0.5, 1, 2, 3];
  const w = T1(Array.from(labels, (c) => alpha[c]));
  const bal = L.crossEntropyFromLogits(labels, logits, k, { classWeights: alpha });
  close(bal.loss, data(tf.losses.softmaxCrossEntropy(Y, Z, w)), TOL, "balanced ce");
  close(bal.gradLogits, data(tf.grad((z: tf.Tensor) => tf.losses.softmaxCrossEntropy(Y, z, w))(Z)), TOL, "balanced ce grad");
  close(L.balancedCrossEntropy(labels, probs, k, alpha), bal.loss, 1e-9, "balancedCrossEntropy(probs) = from logits");
});

/** The α-balanced focal loss written in tfjs ops, as an independent reference for its gradient. */
function focalTf(Y: tf.Tensor, z: tf.Tensor, alphaPerExample: tf.Tensor, gamma: number): tf.Scalar {
  const logp = tf.sum(tf.mul(Y, tf.logSoftmax(z)), 1);
  const p = tf.exp(logp);
  return tf.mean(tf.mul(tf.neg(alphaPerExample), tf.mul(tf.pow(tf.sub(1, p), gamma), logp)));
}

test("focalLossFromLogits matches a tfjs-ops focal loss and its gradient under tf.grad, for several γ", () => {
  const Y = T2(L.oneHot(labels, k), [n, k]);
  const Z = T2(logits, [n, k]);
  const alpha = [0.5, 1, 2, 3];
  const w = T1(Array.from(labels, (c) => alpha[c]));
  for (const gamma of [0, 0.5, 1, 2, 5]) {
    const ours = L.focalLossFromLogits(labels, logits, k, { gamma, classWeights: alpha });
    close(ours.loss, data(focalTf(Y, Z, w, gamma)), TOL, `focal γ=${gamma}`);
    close(ours.gradLogits, data(tf.grad((z: tf.Tensor) => focalTf(Y, z, w, gamma))(Z)), TOL, `focal grad γ=${gamma}`);
    close(L.focalLoss(labels, probs, k, { gamma, classWeights: alpha }), ours.loss, 1e-9, `focal(probs) γ=${gamma}`);
  }
});

test("focal loss: γ = 0 is cross-entropy, and γ > 0 only ever lowers each term", () => {
  close(L.focalLoss(labels, probs, k, { gamma: 0 }), L.nllLoss(labels, probs, k), 1e-12, "γ=0");
  const ce = L.nllLoss(labels, probs, k);
  let prev = ce;
  for (const gamma of [0.5, 1, 2, 5]) {
    const f = L.focalLoss(labels, probs, k, { gamma });
    assert.ok(f < prev, `focal γ=${gamma} (${f}) should be below γ smaller (${prev})`);
    prev = f;
  }
  // finite at p → 1 for γ < 1 (the gradient's (1−p)^(γ−1) term has limit 0 there)
  const r = L.focalLossFromLogits([0], [60, 0], 2, { gamma: 0.5 });
  assert.ok(r.gradLogits.every(Number.isFinite), `gradient at p≈1 should be finite, got ${Array.from(r.gradLogits)}`);
});

test("balancedClassWeights is n/(k·n_c), scikit-learn's 'balanced'", () => {
  // 6 of class 0, 2 of class 1, 1 of class 2 → 9/(3·6), 9/(3·2), 9/(3·1)
  const y = [0, 0, 0, 0, 0, 0, 1, 1, 2];
  close(L.balancedClassWeights(y, 3), [0.5, 1.5, 3], 1e-12, "weights");
  // with these weights every class carries the same total weight
  const w = L.balancedClassWeights(y, 3);
  const totals = [0, 1, 2].map((c) => y.filter((v) => v === c).length * w[c]);
  close(totals, [3, 3, 3], 1e-12, "class totals");
  assert.throws(() => L.balancedClassWeights([0, 0, 2], 3), /class\(es\) 1 have no examples/);
});

test("bad inputs get clear errors", () => {
  assert.throws(() => L.binaryCrossEntropy([1, 0], [1.2, 0.5]), /yPred\[0\] = 1.2 is not a probability in \[0, 1\]/);
  assert.throws(() => L.binaryCrossEntropy([1, 0], [-0.1, 0.5]), /not a probability/);
  assert.throws(() => L.binaryCrossEntropy([1, 0, 1], [0.2, 0.5]), /yTrue has 3 entries but yPred has 2/);
  assert.throws(() => L.mseLoss([1, NaN], [1, 2]), /yTrue\[1\] is NaN; every entry must be a finite number/);
  assert.throws(() => L.l1Loss([1, 2], [1, Infinity]), /yPred\[1\] is Infinity/);
  assert.throws(() => L.mseLoss([], []), /empty/);
  assert.throws(() => L.nllLoss([0, 3], [0.5, 0.5, 0.5, 0.5], 2), /label 1 is 3, but labels must be integers in 0\.\.1/);
  assert.throws(() => L.nllLoss([0, 1.5], [0.5, 0.5, 0.5, 0.5], 2), /label 1 is 1.5/);
  assert.throws(() => L.nllLoss([0, -1], [0.5, 0.5, 0.5, 0.5], 2), /label 1 is -1/);
  assert.throws(() => L.nllLoss([0], [0.5, 0.5, 0.5, 0.5], 2), /there are 1 labels but probs has 2 rows of 2/);
  assert.throws(() => L.nllLoss([0, 1], [0.5, 0.5, 0.5], 2), /3 entries, which is not a whole number of rows of numClasses = 2/);
  assert.throws(() => L.nllLoss([0, 1], [0.5, 0.5, 0.9, 0.5], 2), /row 1 of probs sums to 1.4, not 1/);
  assert.throws(() => L.nllLoss([0, 1], [0.5, 0.5, NaN, 0.5], 2), /probs\[2\] is NaN/);
  assert.throws(() => L.categoricalCrossEntropy([1, 0], [0.5, 0.5], 2, { base: 1 }), /log base must be/);
  assert.throws(() => L.oneHot([0, 4], 3), /label 1 is 4/);
  assert.throws(() => softmax([1, NaN]), /z\[1\] is NaN; every score must be a finite number/);
  assert.throws(() => L.focalLoss([0], [0.5, 0.5], 2, { gamma: -1 }), /gamma must be a finite number ≥ 0/);
  assert.throws(() => L.focalLoss([0], [0.5, 0.5], 2, { classWeights: [1] }), /classWeights has 1 entries but there are 2 classes/);
  assert.throws(() => L.focalLossFromLogits([0], [1, NaN], 2), /logits\[1\] is NaN/);
  assert.throws(() => L.crossEntropyFromLogits([2], [1, 0], 2), /label 0 is 2/);
});
