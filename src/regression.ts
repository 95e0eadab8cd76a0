/**
 * Fitting a function y = f(x) with a network (lab 02b's universal
 * approximation): full-batch Adam on the mean squared error.
 */
import * as tf from "@tensorflow/tfjs";

/** n samples of a 1-D function: x[i] and y[i] = f(x[i]). */
export interface RegressionData {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/**
 * Trains `model` for `steps` full-batch Adam steps on the mean squared error
 * between model(x) and y (1-D input and output). Returns the loss before each
 * step; the model keeps the trained weights.
 */
export function fitRegression(model: tf.LayersModel, data: RegressionData, opts: { steps: number; learningRate: number }): number[] {
  const n = data.x.length;
  if (n === 0 || data.y.length !== n) throw new Error(`fitRegression: x has ${n} values and y ${data.y.length}; give one y per x (at least one).`);
  if (!Number.isInteger(opts.steps) || opts.steps < 1) throw new Error(`fitRegression: steps must be a positive integer, got ${opts.steps}.`);
  const x = tf.tensor2d(Float32Array.from(data.x), [n, 1]);
  const y = tf.tensor2d(Float32Array.from(data.y), [n, 1]);
  const opt = tf.train.adam(opts.learningRate);
  const losses: number[] = [];
  try {
    for (let s = 0; s < opts.steps; s++) {
      const loss = opt.minimize(() => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar, true)!;
      losses.push(loss.dataSync()[0]);
      loss.dispose();
    }
  } finally {
    tf.dispose([x, y]);
    opt.dispose();
  }
  return losses;
}

/** model(x) for n 1-D inputs, as a Float32Array. */
export function predict1d(model: tf.LayersModel, x: ArrayLike<number>): Float32Array {
  const out = tf.tidy(() => model.predict(tf.tensor2d(Float32Array.from(x), [x.length, 1])) as tf.Tensor);
  const v = out.dataSync() as Float32Array;
  out.dispose();
  return v;
}
