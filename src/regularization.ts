/**
 * Regularization pieces that TensorFlow.js lacks or gets wrong for a seeded
 * course (lab 07, "Training and evaluating a network on MNIST").
 *
 * - tf.layers.dropout({seed}) passes its seed to every random draw, and a
 *   seeded draw in tfjs returns the *same* numbers each time: every step uses
 *   the same mask, so the network trains one fixed thinned sub-network instead
 *   of a new one per step. Without a seed it is random but not reproducible.
 *   tf.layers.gaussianNoise has no seed at all. `seededDropout` and
 *   `seededGaussianNoise` draw a fresh seed per training step from the lab's
 *   `Rng`: a new mask (new noise) every step, the same sequence every run.
 * - Weight constraints (`kernelConstraint: tf.constraints.maxNorm(...)`) are
 *   stored by tfjs layers but never applied by its training loop (nor by
 *   trainModel, which calls the optimizer directly). `withConstraints` wraps
 *   the optimizer so that every update is followed by the projection, as in
 *   Keras.
 */
import * as tf from "@tensorflow/tfjs";
import type { NamedTensor } from "./keras-sgd";
import { Rng } from "./random";

/** A tensor with its variable name, as tf.Optimizer passes gradients and weights. */
type Kwargs = Record<string, unknown>;

/** A per-layer source of fresh integer seeds, one per training step. */
class SeedStream {
  private readonly rng: Rng;
  constructor(seed: number) {
    this.rng = new Rng(seed);
  }
  next(): number {
    return this.rng.int(2 ** 31 - 1);
  }
}

/**
 * A layer that perturbs its input during training only, with a fresh seed
 * for every training step drawn from its own seeded stream. Subclasses say
 * when they are a no-op and how they perturb.
 */
abstract class SeededTrainingNoise extends tf.layers.Layer {
  readonly seed: number;
  private readonly seeds: SeedStream;

  constructor(name: string | undefined, seed: number, who: string) {
    super({ name });
    if (!Number.isFinite(seed)) throw new Error(`${who}: seed must be a finite number, got ${seed}.`);
    this.seed = seed;
    this.seeds = new SeedStream(seed);
  }

  protected abstract isIdentity(): boolean;
  protected abstract perturb(x: tf.Tensor, seed: number): tf.Tensor;

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.isIdentity()) return tf.clone(x);
    const seed = this.seeds.next();
    return tf.tidy(() => this.perturb(x, seed));
  }
}

export interface SeededDropoutArgs {
  /** Fraction of units zeroed during training, in [0, 1). */
  rate: number;
  seed: number;
  name?: string;
}

/**
 * Inverted dropout: in training, each unit is kept with probability 1 − rate
 * and scaled by 1/(1 − rate), so that nothing changes at test time.
 */
export class SeededDropout extends SeededTrainingNoise {
  static className = "SeededDropout";
  readonly rate: number;

  constructor(args: SeededDropoutArgs) {
    super(args.name, args.seed, "seededDropout");
    if (!(args.rate >= 0 && args.rate < 1)) throw new Error(`seededDropout: rate must be in [0, 1), got ${args.rate}.`);
    this.rate = args.rate;
  }

  protected isIdentity(): boolean {
    return this.rate === 0;
  }

  protected perturb(x: tf.Tensor, seed: number): tf.Tensor {
    // The scaled mask is drawn on the host with the course's Rng. A seeded tf.randomUniform draws each
    // number through seedrandom's alea: for the 1.2M units after the bench CNN's pooling, its mask took
    // 12.5–14.6 ms and this one 6.9–7.7 ms (side by side, wasm), of a training step of about 130 ms.
    const keep = 1 - this.rate;
    return tf.mul(x, tf.tensor(new Rng(seed).bernoulliMask(x.size, keep, 1 / keep), x.shape, "float32"));
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(SeededDropout);

export interface SeededGaussianNoiseArgs {
  /** Standard deviation of the zero-mean noise added during training. */
  stddev: number;
  seed: number;
  name?: string;
}

/** Adds N(0, stddev²) noise to its input during training only. */
export class SeededGaussianNoise extends SeededTrainingNoise {
  static className = "SeededGaussianNoise";
  readonly stddev: number;

  constructor(args: SeededGaussianNoiseArgs) {
    super(args.name, args.seed, "seededGaussianNoise");
    if (!(args.stddev >= 0 && Number.isFinite(args.stddev))) throw new Error(`seededGaussianNoise: stddev must be a finite number ≥ 0, got ${args.stddev}.`);
    this.stddev = args.stddev;
  }

  protected isIdentity(): boolean {
    return this.stddev === 0;
  }

  protected perturb(x: tf.Tensor, seed: number): tf.Tensor {
    return tf.add(x, tf.randomNormal(x.shape, 0, this.stddev, "float32", seed));
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), stddev: this.stddev, seed: this.seed };
  }
}
tf.serialization.registerClass(SeededGaussianNoise);

export const seededDropout = (args: SeededDropoutArgs) => new SeededDropout(args);
export const seededGaussianNoise = (args: SeededGaussianNoiseArgs) => new SeededGaussianNoise(args);

/** A layer weight as tfjs-layers holds it: its constraint and its variable. */
export interface ConstrainedWeight {
  constraint: { apply(w: tf.Tensor): tf.Tensor } | null;
  read(): tf.Tensor;
}

/** The weights of `model` that carry a constraint (e.g. a layer's kernelConstraint). */
export function constrainedWeights(model: tf.LayersModel): ConstrainedWeight[] {
  return (model.weights as unknown as ConstrainedWeight[]).filter((w) => w.constraint != null);
}

/**
 * Projects each weight back into its constraint (max-norm rescales, non-neg
 * clips, …). tfjs stores layer constraints but neither `model.fit` nor an
 * optimizer applies them, so `trainModel` calls this after every step.
 */
export function applyConstraints(weights: ConstrainedWeight[]): void {
  for (const w of weights) {
    const v = w.read() as tf.Variable;
    tf.tidy(() => v.assign(w.constraint!.apply(v)));
  }
}

/**
 * An optimizer that applies every weight constraint of `model` (e.g.
 * max-norm) right after each update of `inner`, as Keras does. Only
 * `model.fit` needs it: `trainModel` applies the constraints itself.
 * Throws if the model has no constraint, since wrapping would then be a no-op
 * by mistake.
 */
export class ConstrainedOptimizer extends tf.Optimizer {
  static get className(): string {
    return "ConstrainedOptimizer";
  }
  private readonly constrained: ConstrainedWeight[];

  constructor(readonly inner: tf.Optimizer, model: tf.LayersModel) {
    super();
    this.constrained = constrainedWeights(model);
    if (this.constrained.length === 0) {
      throw new Error("withConstraints: the model has no weight with a constraint; set kernelConstraint (e.g. tf.constraints.maxNorm({maxValue: 3})) on a layer first.");
    }
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    this.inner.applyGradients(variableGradients);
    applyConstraints(this.constrained);
    this.incrementIterations();
  }

  dispose(): void {
    this.inner.dispose();
  }

  getConfig(): tf.serialization.ConfigDict {
    return { inner: this.inner.getClassName() };
  }
}

/** Wraps `optimizer` so that `model`'s weight constraints hold after every step of `model.fit` (`trainModel` needs no wrapper). */
export function withConstraints(optimizer: tf.Optimizer, model: tf.LayersModel): ConstrainedOptimizer {
  return new ConstrainedOptimizer(optimizer, model);
}

/** How many of a model's dense kernel weights are near zero: see smallWeights. */
export interface SmallWeights {
  /** Kernel weights with |w| < threshold. */
  small: number;
  /** Kernel weights exactly 0. */
  zero: number;
  total: number;
}

/**
 * Counts the kernel weights of a model's dense layers (not biases) with
 * |w| < threshold and those exactly 0 (lab 07: does L1 make weights sparse?).
 * Optionally only the layers at `layerIndices`.
 */
export function smallWeights(model: tf.LayersModel, threshold = 1e-3, layerIndices?: number[]): SmallWeights {
  if (!(threshold > 0)) throw new Error(`smallWeights: threshold must be a positive number, got ${threshold}.`);
  const layers = (layerIndices ?? model.layers.map((_, i) => i)).map((i) => {
    const layer = model.layers[i];
    if (!layer) throw new Error(`smallWeights: the model has no layer ${i} (it has ${model.layers.length}).`);
    return layer;
  }).filter((l) => l.getClassName() === "Dense");
  const counts = { small: 0, zero: 0, total: 0 };
  for (const layer of layers) {
    for (const w of layer.getWeights(true).filter((t) => t.rank === 2).map((t) => t.dataSync())) {
      for (let i = 0; i < w.length; i++) {
        const a = Math.abs(w[i]);
        if (a < threshold) counts.small++;
        if (a === 0) counts.zero++;
      }
      counts.total += w.length;
    }
  }
  return counts;
}
