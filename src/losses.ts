/**
 * Loss functions and their gradients, written out in float64 (lab 04,
 * "Loss functions"). Every one is cross-checked against TensorFlow.js in
 * test/unit/losses.test.ts where tfjs has an equivalent, and every gradient
 * against tf.grad.
 *
 * Conventions (the same as tf.losses and scikit-learn): arguments are
 * `(yTrue, yPred)`; batched class scores are flat row-major n×k arrays with
 * the number of classes `k` passed alongside; every loss is the *mean* over
 * examples unless `reduction: "sum"` is asked for. Bad input (NaN, a
 * "probability" outside [0, 1], a label outside 0..k-1, mismatched lengths)
 * throws an Error that says what was wrong; nothing is silently clipped, so a
 * probability of exactly 0 for the true class gives an honest `Infinity`.
 * Use the `…FromLogits` functions when training: they never take log(0).
 */

import { sigmoid, softmax } from "./scratch/activations";

import type { Vector } from "./vector";
export type { Vector };
export type Reduction = "mean" | "sum";

// ---------------------------------------------------------------- validation

function fail(fn: string, msg: string): never {
  throw new Error(`${fn}: ${msg}`);
}

/** Throws unless every entry of `x` is a finite number. */
export function assertFinite(fn: string, what: string, x: Vector): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      fail(fn, `${what}[${i}] is ${v}; every entry must be a finite number (NaN or ±Infinity usually means training diverged — lower the learning rate).`);
    }
  }
}

/** Throws unless every entry of `p` is a probability in [0, 1]. */
export function assertProbabilities(fn: string, what: string, p: Vector): void {
  assertFinite(fn, what, p);
  for (let i = 0; i < p.length; i++) {
    if (p[i] < 0 || p[i] > 1) {
      fail(fn, `${what}[${i}] = ${p[i]} is not a probability in [0, 1]. Pass probabilities (apply sigmoid/softmax first), or use the …FromLogits variant for raw scores.`);
    }
  }
}

/** Throws unless `a` and `b` have the same length. */
export function assertSameLength(fn: string, a: Vector, b: Vector, names = ["yTrue", "yPred"]): void {
  if (a.length !== b.length) fail(fn, `${names[0]} has ${a.length} entries but ${names[1]} has ${b.length}; they must match one to one.`);
  if (a.length === 0) fail(fn, `${names[0]} and ${names[1]} are empty; a loss needs at least one example.`);
}

/** Throws unless k is a class count ≥ 2 and `flat` holds whole rows of k. Returns the number of rows. */
export function rowsOf(fn: string, what: string, flat: Vector, k: number): number {
  if (!Number.isInteger(k) || k < 1) fail(fn, `numClasses must be a positive integer, got ${k}.`);
  if (flat.length === 0 || flat.length % k !== 0) {
    fail(fn, `${what} has ${flat.length} entries, which is not a whole number of rows of numClasses = ${k} (expected n×${k}, row-major).`);
  }
  return flat.length / k;
}

/** Throws unless every label is an integer in 0..k-1. */
export function assertLabels(fn: string, labels: Vector, k: number): void {
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= k) {
      fail(fn, `label ${i} is ${c}, but labels must be integers in 0..${k - 1} (numClasses = ${k}).`);
    }
  }
}

/** Throws unless each row of k probabilities sums to 1 (within tol). */
export function assertRowsSumToOne(fn: string, what: string, p: Vector, k: number, tol = 1e-4): void {
  const n = p.length / k;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += p[i * k + j];
    if (Math.abs(s - 1) > tol) {
      fail(fn, `row ${i} of ${what} sums to ${s}, not 1; pass a probability distribution per example (apply softmax first, or use the …FromLogits variant).`);
    }
  }
}

function reduce(total: number, n: number, reduction: Reduction): number {
  return reduction === "sum" ? total : total / n;
}

// ------------------------------------------------------------ regression

/** L1 loss, mean (or sum) of |y − ŷ|. tf.losses.absoluteDifference is the mean. */
export function l1Loss(yTrue: Vector, yPred: Vector, reduction: Reduction = "mean"): number {
  const fn = "l1Loss";
  assertSameLength(fn, yTrue, yPred);
  assertFinite(fn, "yTrue", yTrue);
  assertFinite(fn, "yPred", yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += Math.abs(yTrue[i] - yPred[i]);
  return reduce(s, yTrue.length, reduction);
}

/**
 * ∂L1/∂ŷ = sign(ŷ − y) (/n for the mean). At a tie ŷ = y, |r| has no derivative
 * and any value in [−1, 1] is a subgradient: we take 0 (like Math.sign and
 * PyTorch); tfjs's tf.grad gives +1 there.
 */
export function l1Grad(yTrue: Vector, yPred: Vector, reduction: Reduction = "mean"): Float64Array {
  l1Loss(yTrue, yPred, reduction); // validates
  const scale = reduction === "sum" ? 1 : 1 / yTrue.length;
  const g = new Float64Array(yTrue.length);
  for (let i = 0; i < g.length; i++) g[i] = Math.sign(yPred[i] - yTrue[i]) * scale;
  return g;
}

/** Mean squared error (L2 loss with the mean; `reduction: "sum"` gives the seed's L2 = Σ(y − ŷ)²). */
export function mseLoss(yTrue: Vector, yPred: Vector, reduction: Reduction = "mean"): number {
  const fn = "mseLoss";
  assertSameLength(fn, yTrue, yPred);
  assertFinite(fn, "yTrue", yTrue);
  assertFinite(fn, "yPred", yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += (yTrue[i] - yPred[i]) ** 2;
  return reduce(s, yTrue.length, reduction);
}

/** L2 loss as in the lecture: the sum of squared errors. */
export function l2Loss(yTrue: Vector, yPred: Vector): number {
  return mseLoss(yTrue, yPred, "sum");
}

/** ∂MSE/∂ŷ = 2(ŷ − y) (/n for the mean). */
export function mseGrad(yTrue: Vector, yPred: Vector, reduction: Reduction = "mean"): Float64Array {
  mseLoss(yTrue, yPred, reduction);
  const scale = reduction === "sum" ? 2 : 2 / yTrue.length;
  const g = new Float64Array(yTrue.length);
  for (let i = 0; i < g.length; i++) g[i] = scale * (yPred[i] - yTrue[i]);
  return g;
}

// ------------------------------------------------------------ binary

/** Natural log of p, scaled to another base if asked (the lecture's tables use log10). */
function logIn(p: number, base: number): number {
  return base === Math.E ? Math.log(p) : Math.log(p) / Math.log(base);
}

function checkBase(fn: string, base: number): void {
  if (!(base > 0) || base === 1 || !Number.isFinite(base)) fail(fn, `log base must be a positive number other than 1 (Math.E, 2 or 10), got ${base}.`);
}

/**
 * Log loss (binary cross-entropy): mean of −y·log p − (1 − y)·log(1 − p).
 * `yTrue` may be soft targets in [0, 1]; a term with zero weight is skipped, so
 * y = 0, p = 0 costs 0, while y = 1, p = 0 costs Infinity.
 */
export function binaryCrossEntropy(yTrue: Vector, p: Vector, opts: { reduction?: Reduction; base?: number } = {}): number {
  const fn = "binaryCrossEntropy";
  const { reduction = "mean", base = Math.E } = opts;
  checkBase(fn, base);
  assertSameLength(fn, yTrue, p);
  assertProbabilities(fn, "yTrue", yTrue);
  assertProbabilities(fn, "yPred", p);
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    if (yTrue[i] > 0) s -= yTrue[i] * logIn(p[i], base);
    if (yTrue[i] < 1) s -= (1 - yTrue[i]) * logIn(1 - p[i], base);
  }
  return reduce(s, p.length, reduction);
}

/** ∂(log loss)/∂p = (p − y) / (p(1 − p)) (/n for the mean). */
export function binaryCrossEntropyGrad(yTrue: Vector, p: Vector, reduction: Reduction = "mean"): Float64Array {
  binaryCrossEntropy(yTrue, p, { reduction });
  const scale = reduction === "sum" ? 1 : 1 / p.length;
  const g = new Float64Array(p.length);
  for (let i = 0; i < g.length; i++) g[i] = (scale * (-yTrue[i] / p[i] + (1 - yTrue[i]) / (1 - p[i])));
  return g;
}

/**
 * Log loss computed from the logit z (p = σ(z)) without ever forming log(0):
 * max(z, 0) − z·y + log(1 + e^(−|z|)), the form tf.nn / tfjs use.
 */
export function binaryCrossEntropyFromLogits(yTrue: Vector, z: Vector, reduction: Reduction = "mean"): number {
  const fn = "binaryCrossEntropyFromLogits";
  assertSameLength(fn, yTrue, z, ["yTrue", "logits"]);
  assertProbabilities(fn, "yTrue", yTrue);
  assertFinite(fn, "logits", z);
  let s = 0;
  for (let i = 0; i < z.length; i++) s += Math.max(z[i], 0) - z[i] * yTrue[i] + Math.log1p(Math.exp(-Math.abs(z[i])));
  return reduce(s, z.length, reduction);
}

/** ∂/∂z of the logit form: σ(z) − y (/n for the mean). @answer 04-loss-functions/bce-logit-grad */
export function binaryCrossEntropyFromLogitsGrad(yTrue: Vector, z: Vector, reduction: Reduction = "mean"): Float64Array {
  binaryCrossEntropyFromLogits(yTrue, z, reduction);
  const scale = reduction === "sum" ? 1 : 1 / z.length;
  const g = new Float64Array(z.length);
  for (let i = 0; i < g.length; i++) g[i] = scale * (sigmoid(z[i]) - yTrue[i]);
  return g;
}


// ------------------------------------------------------------ softmax

/** The textbook softmax e^z_i / Σ e^z_k, kept only to show that it overflows (z = 1000 → NaN). */
export function softmaxNaive(z: Vector): Float64Array {
  const e = Float64Array.from(z, Math.exp);
  let s = 0;
  for (const v of e) s += v;
  return e.map((v) => v / s);
}

/** Stable log-softmax: z_i − max z − log Σ e^(z_k − max z). Never −Infinity for finite z unless it underflows in float64. */
export function logSoftmax(z: Vector): Float64Array {
  const fn = "logSoftmax";
  if (z.length === 0) fail(fn, "got an empty vector; log-softmax needs at least one score.");
  assertFinite(fn, "z", z);
  let m = -Infinity;
  for (let i = 0; i < z.length; i++) m = Math.max(m, z[i]);
  let s = 0;
  for (let i = 0; i < z.length; i++) s += Math.exp(z[i] - m);
  const lse = m + Math.log(s);
  return Float64Array.from(z, (v) => v - lse);
}

/** Row-wise stable softmax of a flat n×k matrix of logits. */
export function softmaxRows(logits: Vector, k: number): Float64Array {
  const n = rowsOf("softmaxRows", "logits", logits, k);
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) out.set(softmax(Array.prototype.slice.call(logits, i * k, i * k + k)), i * k);
  return out;
}

/** Row-wise stable log-softmax of a flat n×k matrix of logits. */
export function logSoftmaxRows(logits: Vector, k: number): Float64Array {
  const n = rowsOf("logSoftmaxRows", "logits", logits, k);
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) out.set(logSoftmax(Array.prototype.slice.call(logits, i * k, i * k + k)), i * k);
  return out;
}

/** Index of the largest entry in each row of a flat n×k matrix (the predicted class). */
export function argmaxRows(scores: Vector, k: number): Int32Array {
  const n = rowsOf("argmaxRows", "scores", scores, k);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (scores[i * k + j] > scores[i * k + best]) best = j;
    out[i] = best;
  }
  return out;
}

// ------------------------------------------------------------ multi-class

/** One-hot encoding: label c of n labels becomes row c of the k×k identity, as a flat n×k array. */
export function oneHot(labels: Vector, k: number): Float64Array {
  const fn = "oneHot";
  if (!Number.isInteger(k) || k < 1) fail(fn, `numClasses must be a positive integer, got ${k}.`);
  assertLabels(fn, labels, k);
  const out = new Float64Array(labels.length * k);
  for (let i = 0; i < labels.length; i++) out[i * k + labels[i]] = 1;
  return out;
}

/**
 * Categorical cross-entropy −Σ_i y_i log ŷ_i per example, averaged: `yTrue`
 * one-hot (or soft) n×k targets, `yPred` n×k probabilities. `base` picks the
 * logarithm: the lecture's worked example uses base 10, frameworks use e.
 */
export function categoricalCrossEntropy(yTrue: Vector, yPred: Vector, k: number, opts: { reduction?: Reduction; base?: number } = {}): number {
  const fn = "categoricalCrossEntropy";
  const { reduction = "mean", base = Math.E } = opts;
  checkBase(fn, base);
  assertSameLength(fn, yTrue, yPred);
  const n = rowsOf(fn, "yPred", yPred, k);
  assertProbabilities(fn, "yTrue", yTrue);
  assertProbabilities(fn, "yPred", yPred);
  assertRowsSumToOne(fn, "yTrue", yTrue, k);
  assertRowsSumToOne(fn, "yPred", yPred, k);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] > 0) s -= yTrue[i] * logIn(yPred[i], base);
  return reduce(s, n, reduction);
}

/** ∂CCE/∂ŷ_i = −y_i/ŷ_i (/n for the mean). */
export function categoricalCrossEntropyGrad(yTrue: Vector, yPred: Vector, k: number, reduction: Reduction = "mean"): Float64Array {
  const n = yPred.length / k;
  categoricalCrossEntropy(yTrue, yPred, k, { reduction });
  const scale = reduction === "sum" ? 1 : 1 / n;
  return Float64Array.from(yPred, (p, i) => (yTrue[i] > 0 ? (-scale * yTrue[i]) / p : 0));
}

function checkClassProbs(fn: string, labels: Vector, probs: Vector, k: number): number {
  const n = rowsOf(fn, "probs", probs, k);
  if (labels.length !== n) fail(fn, `there are ${labels.length} labels but probs has ${n} rows of ${k}; they must match one to one.`);
  assertLabels(fn, labels, k);
  assertProbabilities(fn, "probs", probs);
  assertRowsSumToOne(fn, "probs", probs, k);
  return n;
}

/**
 * Negative log-likelihood, the lecture's −Σ log ŷ_c over the correct classes,
 * averaged: integer `labels`, n×k `probs`. (It equals categorical
 * cross-entropy with one-hot targets. PyTorch's NLLLoss takes log-probabilities
 * instead; here we take the log ourselves.)
 * @answer 04-loss-functions/cross-entropy
 */
export function nllLoss(labels: Vector, probs: Vector, k: number, reduction: Reduction = "mean"): number {
  const n = checkClassProbs("nllLoss", labels, probs, k);
  let s = 0;
  for (let i = 0; i < n; i++) s -= Math.log(probs[i * k + labels[i]]);
  return reduce(s, n, reduction);
}

/**
 * Balanced class weights α_c = n / (k·n_c), scikit-learn's
 * compute_class_weight("balanced"): a class with half the average frequency
 * weighs 2. A class with no examples has no finite weight, so it is an error.
 * @answer 04-loss-functions/balanced-weights
 */
export function balancedClassWeights(labels: Vector, k: number): Float64Array {
  const fn = "balancedClassWeights";
  if (labels.length === 0) fail(fn, "no labels given.");
  if (!Number.isInteger(k) || k < 1) fail(fn, `numClasses must be a positive integer, got ${k}.`);
  assertLabels(fn, labels, k);
  const counts = new Float64Array(k);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  const empty = [...counts.keys()].filter((c) => counts[c] === 0);
  if (empty.length) fail(fn, `class(es) ${empty.join(", ")} have no examples, so n/(k·n_c) is infinite; drop the class or pick its weight by hand.`);
  return counts.map((nc) => labels.length / (k * nc));
}

/** Options shared by the class-aware losses: α (per-class weights) and γ (focal factor). */
export interface FocalOptions {
  /** Per-class weights α_c (length k); omitted means all 1. */
  classWeights?: Vector;
  /** Focusing parameter γ ≥ 0 of the focal loss; 0 gives (weighted) cross-entropy. */
  gamma?: number;
  reduction?: Reduction;
}

function checkFocal(fn: string, k: number, opts: FocalOptions): { alpha: (c: number) => number; gamma: number; reduction: Reduction } {
  const { classWeights, gamma = 0, reduction = "mean" } = opts;
  if (!(gamma >= 0) || !Number.isFinite(gamma)) fail(fn, `gamma must be a finite number ≥ 0, got ${gamma}.`);
  if (classWeights !== undefined) {
    if (classWeights.length !== k) fail(fn, `classWeights has ${classWeights.length} entries but there are ${k} classes; give one weight per class.`);
    assertFinite(fn, "classWeights", classWeights);
    for (let c = 0; c < k; c++) if (classWeights[c] < 0) fail(fn, `classWeights[${c}] = ${classWeights[c]} is negative; class weights must be ≥ 0.`);
  }
  return { alpha: (c) => (classWeights ? classWeights[c] : 1), gamma, reduction };
}

/**
 * The α-balanced focal loss −α_c (1 − ŷ_c)^γ log ŷ_c, averaged over examples
 * (Lin et al. 2017). γ = 0 and no weights is cross-entropy; weights alone is
 * balanced cross-entropy. Takes probabilities (n×k) and integer labels.
 * @answer 04-loss-functions/focal-loss
 */
export function focalLoss(labels: Vector, probs: Vector, k: number, opts: FocalOptions = {}): number {
  const fn = "focalLoss";
  const { alpha, gamma, reduction } = checkFocal(fn, k, opts);
  const n = checkClassProbs(fn, labels, probs, k);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    const p = probs[i * k + c];
    const w = alpha(c);
    if (w === 0) continue;
    s -= w * (gamma === 0 ? 1 : (1 - p) ** gamma) * Math.log(p);
  }
  return reduce(s, n, reduction);
}

/** Balanced cross-entropy −α_c log ŷ_c, averaged over examples. */
export function balancedCrossEntropy(labels: Vector, probs: Vector, k: number, classWeights: Vector, reduction: Reduction = "mean"): number {
  return focalLoss(labels, probs, k, { classWeights, gamma: 0, reduction });
}

/**
 * The focal loss and its gradient with respect to the logits, from logits
 * (n×k), computed stably: log ŷ_c comes from log-softmax. With p = ŷ_c,
 *   ℓ = −α (1 − p)^γ log p,
 *   ∂ℓ/∂p = α [γ (1 − p)^(γ−1) log p − (1 − p)^γ / p],
 *   ∂p/∂z_j = p (δ_cj − ŷ_j),
 * so ∂ℓ/∂z_j = α [γ p (1 − p)^(γ−1) log p − (1 − p)^γ] (δ_cj − ŷ_j).
 * With γ = 0, α = 1 this is the familiar ŷ − onehot(c).
 */
export function focalLossFromLogits(labels: Vector, logits: Vector, k: number, opts: FocalOptions = {}): { loss: number; gradLogits: Float64Array } {
  const fn = "focalLossFromLogits";
  const { alpha, gamma, reduction } = checkFocal(fn, k, opts);
  const n = rowsOf(fn, "logits", logits, k);
  if (labels.length !== n) fail(fn, `there are ${labels.length} labels but logits has ${n} rows of ${k}; they must match one to one.`);
  assertLabels(fn, labels, k);
  assertFinite(fn, "logits", logits);
  const logp = logSoftmaxRows(logits, k);
  const grad = new Float64Array(n * k);
  const scale = reduction === "sum" ? 1 : 1 / n;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    const w = alpha(c);
    const lp = logp[i * k + c];
    const p = Math.exp(lp);
    const q = -Math.expm1(lp); // 1 − p, accurate when p ≈ 1
    const mod = gamma === 0 ? 1 : q ** gamma;
    s -= w * mod * lp;
    // γ p (1−p)^(γ−1) log p, written as γ p (1−p)^γ log p / (1−p); its limit at p → 1 is 0.
    const focusTerm = gamma === 0 || q === 0 ? 0 : (gamma * p * mod * lp) / q;
    const coef = w * (focusTerm - mod) * scale;
    for (let j = 0; j < k; j++) {
      const pj = Math.exp(logp[i * k + j]);
      grad[i * k + j] = coef * ((j === c ? 1 : 0) - pj);
    }
  }
  return { loss: reduce(s, n, reduction), gradLogits: grad };
}

/** Cross-entropy from logits (softmax + NLL in one stable step) and its gradient (ŷ − onehot)/n. */
export function crossEntropyFromLogits(labels: Vector, logits: Vector, k: number, opts: { classWeights?: Vector; reduction?: Reduction } = {}): { loss: number; gradLogits: Float64Array } {
  return focalLossFromLogits(labels, logits, k, { ...opts, gamma: 0 });
}
