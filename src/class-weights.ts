/**
 * Class-weighted training, for the practical assignment: when one kind
 * of mistake costs more than the other (a missed malignant tumour against a
 * false alarm), each example's cross-entropy is multiplied by the weight of
 * its true class, as Keras's `class_weight` does. `classWeightedEpoch` is one
 * epoch of mini-batch training with that loss, written out: the reference the
 * assignment's training-loop exercise is checked against.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "./random";
import type { ClassificationData } from "./train";

/** Keras's epsilon: probabilities are clipped to [ε, 1 − ε] before the log. */
const EPSILON = 1e-7;

export interface EpochOptions {
  optimizer: tf.Optimizer;
  batchSize: number;
  /** The order of the examples is `new Rng(seed).permutation(n)`. */
  seed: number;
  /** One weight per class; [1, 1] is the plain cross-entropy. */
  classWeights: number[];
}

/**
 * Mean over the batch of w[y] · −log p[y], for probabilities `probs` [b, k]
 * and integer labels [b]: the sum of the weighted losses divided by the
 * batch size (Keras's "sum over batch size").
 * @answer 08-assignment/train-epoch
 */
export function weightedCrossEntropy(probs: tf.Tensor2D, labels: tf.Tensor1D, classWeights: number[]): tf.Scalar {
  return tf.tidy(() => {
    const k = probs.shape[1];
    const onehot = tf.oneHot(tf.cast(labels, "int32"), k);
    const p = tf.sum(tf.mul(tf.clipByValue(probs, EPSILON, 1 - EPSILON), onehot), 1);
    const w = tf.gather(tf.tensor1d(classWeights), tf.cast(labels, "int32"));
    return tf.div(tf.sum(tf.mul(w, tf.neg(tf.log(p)))), probs.shape[0]) as tf.Scalar;
  });
}

/** Throws unless the epoch's options are usable for `data`. */
export function checkEpochOptions(data: ClassificationData, opts: EpochOptions, fn = "classWeightedEpoch"): void {
  if (!opts || !opts.optimizer || typeof opts.optimizer.minimize !== "function") throw new Error(`${fn}: opts.optimizer must be a tf.train optimizer, e.g. tf.train.adam(0.01).`);
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new Error(`${fn}: batchSize must be a positive integer, got ${opts.batchSize}.`);
  if (!Array.isArray(opts.classWeights) || opts.classWeights.length !== data.numClasses || !opts.classWeights.every((w) => Number.isFinite(w) && w > 0)) {
    throw new Error(`${fn}: classWeights must hold ${data.numClasses} positive numbers (one per class), got ${JSON.stringify(opts.classWeights)}.`);
  }
}

/**
 * One epoch: the examples in the order `new Rng(seed).permutation(n)`, cut
 * into consecutive batches of `batchSize` (the last one may be smaller); one
 * optimizer step per batch on weightedCrossEntropy of the model's output.
 * Returns the mean of the batch losses weighted by batch size. No tensor
 * outlives the call except the model's and the optimizer's own.
 * @answer 08-assignment/train-epoch
 */
export function classWeightedEpoch(model: tf.LayersModel, data: ClassificationData, opts: EpochOptions): number {
  checkEpochOptions(data, opts);
  const per = data.inputShape.reduce((a, b) => a * b, 1);
  const order = new Rng(opts.seed).permutation(data.n);
  let total = 0;
  for (let start = 0; start < data.n; start += opts.batchSize) {
    const size = Math.min(opts.batchSize, data.n - start);
    const xb = new Float32Array(size * per), yb = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const j = order[start + i];
      xb.set(data.x.subarray(j * per, (j + 1) * per), i * per);
      yb[i] = data.y[j];
    }
    const x = tf.tensor(xb, [size, ...data.inputShape]);
    const y = tf.tensor1d(yb, "int32");
    const loss = opts.optimizer.minimize(() => weightedCrossEntropy(model.apply(x, { training: true }) as tf.Tensor2D, y, opts.classWeights), true)!;
    total += loss.dataSync()[0] * size;
    tf.dispose([x, y, loss]);
  }
  return total / data.n;
}
