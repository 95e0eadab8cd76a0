/**
 * The perceptron, written out in float64 (lab 01).
 *
 * A neuron computes z = w·x + b and fires (outputs 1) when z > 0. The
 * perceptron learning rule nudges w and b after every mistake:
 *   w ← w + α (y − ŷ) x,   b ← b + α (y − ŷ)
 * which increases w_i when the neuron should have fired and x_i ≥ 0, and
 * decreases it when the neuron fired but should not have (the St. Gallen lecture).
 */
import { Rng } from "../random";
import { step } from "./activations";

/** Dot product of two vectors of the same length. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`dot: vectors of different lengths (${a.length} and ${b.length}).`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** The neuron's pre-activation z = w·x + b. @answer 01-perceptron/neuron-output */
export function preActivation(x: ArrayLike<number>, w: ArrayLike<number>, b: number): number {
  return dot(x, w) + b;
}

/** Mollineda's "rigid sigmoid": max(0, min(1, (z + 1) / 2)), a piecewise-linear sigmoid. @answer 01-perceptron/rigid-sigmoid */
export function rigidSigmoid(z: number): number {
  return Math.max(0, Math.min(1, (z + 1) / 2));
}

/**
 * One perceptron update; returns new weights (w itself is not changed), the
 * new bias and whether the point was misclassified.
 * @answer 01-perceptron/perceptron-update
 */
export function perceptronUpdate(w: ArrayLike<number>, b: number, x: ArrayLike<number>, y: number, lr: number): { w: Float64Array; b: number; mistake: boolean } {
  if (y !== 0 && y !== 1) throw new Error(`perceptronUpdate: labels must be 0 or 1, got ${y}.`);
  const err = y - step(preActivation(x, w, b));
  const out = Float64Array.from(w);
  if (err !== 0) for (let i = 0; i < out.length; i++) out[i] += lr * err * x[i];
  return { w: out, b: b + lr * err, mistake: err !== 0 };
}

export interface PerceptronHistory {
  /** Misclassified training points in each epoch (counted while training). */
  errors: number[];
  /** Weights and bias at the end of each epoch. */
  snapshots: Array<{ w: Float64Array; b: number }>;
  /** Weights and bias after every update (every mistake), to watch the line move. */
  updates: Array<{ w: Float64Array; b: number }>;
  converged: boolean;
}

export interface Perceptron {
  w: Float64Array;
  b: number;
  predict(x: ArrayLike<number>): number;
}

/**
 * Trains a perceptron on X (n×d, row-major) with 0/1 labels y. Points are
 * visited in a seeded random order each epoch; training stops early after an
 * epoch with no mistakes.
 */
export function trainPerceptron(X: ArrayLike<number>, y: ArrayLike<number>, opts: { d: number; lr?: number; epochs: number; seed: number }): Perceptron & { history: PerceptronHistory } {
  const { d, epochs, seed } = opts;
  const lr = opts.lr ?? 0.1;
  if (X.length % d !== 0) throw new Error(`trainPerceptron: X has ${X.length} numbers, not a multiple of d = ${d}.`);
  const n = X.length / d;
  if (y.length !== n) throw new Error(`trainPerceptron: X has ${n} rows but y has ${y.length} labels.`);
  for (let i = 0; i < n; i++) if (y[i] !== 0 && y[i] !== 1) throw new Error(`trainPerceptron: label y[${i}] = ${y[i]}; a perceptron needs labels 0 and 1.`);
  const rng = new Rng(seed);
  let w: Float64Array = new Float64Array(d);
  let b = 0;
  const history: PerceptronHistory = { errors: [], snapshots: [], updates: [], converged: false };
  const row = (i: number) => Array.prototype.slice.call(X, i * d, (i + 1) * d) as number[];
  for (let e = 0; e < epochs; e++) {
    let mistakes = 0;
    for (const i of rng.permutation(n)) {
      const u = perceptronUpdate(w, b, row(i), y[i], lr);
      w = u.w; b = u.b;
      if (u.mistake) {
        mistakes++;
        history.updates.push({ w: Float64Array.from(w), b });
      }
    }
    history.errors.push(mistakes);
    history.snapshots.push({ w: Float64Array.from(w), b });
    if (mistakes === 0) { history.converged = true; break; }
  }
  return { w, b, history, predict: (x) => step(preActivation(x, w, b)) };
}

/**
 * The decision boundary w1·x1 + w2·x2 + b = 0 of a 2-D linear classifier, as
 * the x2 values over the given x1 values (lab 01). Throws when w2 = 0 (the
 * boundary is vertical, x1 = −b/w1).
 */
export function boundaryLine(w: ArrayLike<number>, b: number, x1: number[]): number[] {
  if (w.length !== 2) throw new Error(`boundaryLine: needs 2 weights, got ${w.length}.`);
  if (w[1] === 0) throw new Error(`boundaryLine: w2 = 0, so the boundary is the vertical line x1 = ${-b / w[0]}.`);
  return x1.map((v) => -(w[0] * v + b) / w[1]);
}

/** Fraction of rows of X (n×d) that `predict` labels correctly. */
export function accuracyOf(predict: (x: number[]) => number, X: ArrayLike<number>, y: ArrayLike<number>, d: number): number {
  const n = y.length;
  let ok = 0;
  for (let i = 0; i < n; i++) if (predict(Array.prototype.slice.call(X, i * d, (i + 1) * d)) === y[i]) ok++;
  return ok / n;
}
