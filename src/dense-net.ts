/**
 * Fully connected networks given by their layer sizes (labs 02b, 03b), with
 * seeded initialisers so that a run is reproducible.
 */
import * as tf from "@tensorflow/tfjs";
import { tfSeed } from "./random";

type Activation = "relu" | "tanh" | "sigmoid" | "linear" | "softmax";

export interface DenseNetOptions {
  /** Activation of every hidden layer. */
  activation: Activation;
  /** Activation of the output layer (default linear). */
  output?: Activation;
  seed: number;
  /** Initial weights: Glorot (default for tanh/sigmoid), He (default for ReLU), or normal with this standard deviation. */
  init?: "glorot" | "he" | { std: number };
  /** Batch normalisation before every hidden activation. */
  batchNorm?: boolean;
}

function initializer(init: DenseNetOptions["init"], activation: Activation, seed: number): ReturnType<typeof tf.initializers.glorotUniform> {
  const kind = init ?? (activation === "relu" ? "he" : "glorot");
  if (kind === "glorot") return tf.initializers.glorotUniform({ seed });
  if (kind === "he") return tf.initializers.heNormal({ seed });
  if (!(kind.std > 0)) throw new Error(`denseNet: init.std must be a positive number, got ${kind.std}.`);
  return tf.initializers.randomNormal({ mean: 0, stddev: kind.std, seed });
}

/** A Sequential network with layer sizes `sizes` (inputs first, outputs last). */
export function denseNet(sizes: readonly number[], opts: DenseNetOptions): tf.Sequential {
  if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s <= 0)) {
    throw new Error(`denseNet: sizes must list at least 2 positive integers (inputs, …, outputs), got [${sizes}].`);
  }
  const model = tf.sequential();
  for (let l = 1; l < sizes.length; l++) {
    const last = l === sizes.length - 1;
    const act = last ? opts.output ?? "linear" : opts.activation;
    const kernelInitializer = initializer(opts.init, act, tfSeed(opts.seed, l));
    const inputShape = l === 1 ? [sizes[0]] : undefined;
    if (opts.batchNorm && !last) {
      model.add(tf.layers.dense({ units: sizes[l], inputShape, kernelInitializer, useBias: false }));
      model.add(tf.layers.batchNormalization());
      model.add(tf.layers.activation({ activation: act }));
    } else {
      model.add(tf.layers.dense({ units: sizes[l], inputShape, activation: act, kernelInitializer }));
    }
  }
  return model;
}
