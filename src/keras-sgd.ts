/**
 * Learning-rate decay for TensorFlow.js models (lab 07, "Training and
 * evaluating a network on MNIST").
 *
 * The lecture's Keras recipe is `SGD(lr=0.01, decay=1e-6, momentum=0.9)`.
 * Keras's (legacy) `decay` argument shrinks the rate with the number of
 * updates t already made,
 *
 *     η_t = η₀ / (1 + decay · t),
 *
 * and its momentum keeps a velocity, v ← μ v − η_t g, θ ← θ + v.
 * tf.train.momentum has neither a decay nor this form (it accumulates raw
 * gradients and multiplies by today's rate, see src/optim.ts), so
 * `sgdTimeDecay` is a small tfjs optimizer doing exactly what Keras does.
 * test/unit/keras-sgd.test.ts matches it step for step against the float64
 * `Momentum` of src/optim.ts in its "velocity" form.
 */
import * as tf from "@tensorflow/tfjs";

/** A tensor with its variable name, as tf.Optimizer passes gradients and weights. */
/** A variable's name and value, as tf.Optimizer's applyGradients, getWeights and setWeights pass them (tfjs does not export the type). */
export type NamedTensor = { name: string; tensor: tf.Tensor };

export interface TimeDecayOptions {
  /** η₀, the rate of the first update. */
  learningRate: number;
  /** Keras's `decay`: η_t = η₀ / (1 + decay·t). 0 keeps the rate constant. */
  decay?: number;
  /** μ in v ← μv − η_t g (0: plain SGD). */
  momentum?: number;
  /** Keras's Nesterov form θ ← θ + μv − η_t g (with the new v). */
  nesterov?: boolean;
}

/** Keras's legacy SGD: momentum in velocity form and time-based decay (made by `sgdTimeDecay`). */
export class SGDTimeDecay extends tf.Optimizer {
  static get className(): string {
    return "SGDTimeDecay";
  }
  readonly learningRate: number;
  readonly decay: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  private readonly rate: (t: number) => number;
  private velocities: Array<tf.Variable | undefined> = [];

  constructor(opts: TimeDecayOptions) {
    super();
    const { learningRate, decay = 0, momentum = 0, nesterov = false } = opts;
    if (!(learningRate > 0 && Number.isFinite(learningRate))) throw new Error(`sgdTimeDecay: learningRate must be a finite number > 0, got ${learningRate}.`);
    if (!(momentum >= 0 && momentum < 1)) throw new Error(`sgdTimeDecay: momentum must be in [0, 1), got ${momentum}.`);
    if (!(decay >= 0)) throw new Error(`sgdTimeDecay: decay must be ≥ 0, got ${decay}.`);
    // η_t = η₀/(1 + decay·t), lab 05's inverseTimeDecay; written out here because that function is an
    // exercise's answer, which the student library leaves out (test/unit/keras-sgd.test.ts matches the two).
    this.rate = (t: number) => learningRate / (1 + decay * t);
    this.learningRate = learningRate;
    this.decay = decay;
    this.momentum = momentum;
    this.nesterov = nesterov;
  }

  /** The rate the next update will use, η₀ / (1 + decay · iterations). */
  currentLearningRate(): number {
    return this.rate(this.iterations);
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const names = Array.isArray(variableGradients) ? variableGradients.map((g) => g.name) : Object.keys(variableGradients);
    const lr = this.currentLearningRate();
    const mu = this.momentum;
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name];
      const grad = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
      if (grad == null) return;
      tf.tidy(() => {
        if (mu === 0) {
          value.assign(tf.sub(value, tf.mul(lr, grad)));
          return;
        }
        const v = this.velocity(i, value);
        const vNew = tf.sub(tf.mul(mu, v), tf.mul(lr, grad));
        v.assign(vNew);
        const step = this.nesterov ? tf.sub(tf.mul(mu, vNew), tf.mul(lr, grad)) : vNew;
        value.assign(tf.add(value, step));
      });
    });
    this.incrementIterations();
  }

  /**
   * The velocity of the i-th variable (in the order applyGradients gets them), made on first use.
   * trainModel's one-pass update on wasm (src/wasm/fused-update.ts) keeps it in the same place.
   */
  velocity(i: number, value: tf.Variable): tf.Variable {
    return (this.velocities[i] ??= tf.tidy(() => tf.variable(tf.zerosLike(value), false, `${value.name}/velocity`)));
  }

  dispose(): void {
    tf.dispose(this.velocities.filter((v): v is tf.Variable => v !== undefined));
    this.velocities = [];
  }

  async getWeights(): Promise<NamedTensor[]> {
    const vs = this.velocities.filter((v): v is tf.Variable => v !== undefined);
    return [await this.saveIterations(), ...vs.map((v) => ({ name: v.name, tensor: v }))];
  }

  async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    this.dispose();
    this.velocities = rest.map((w) => tf.variable(w.tensor, false));
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, decay: this.decay, momentum: this.momentum, nesterov: this.nesterov };
  }

  static fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls(config as unknown as TimeDecayOptions);
  }
}
tf.serialization.registerClass(SGDTimeDecay);

/** `SGD(lr, decay, momentum, nesterov)` as in Keras (lab 07). */
export function sgdTimeDecay(opts: TimeDecayOptions): SGDTimeDecay {
  return new SGDTimeDecay(opts);
}
