/**
 * Gradient-descent optimizers written out in float64 (lab 05, "Gradient
 * descent and optimizers"): plain SGD, momentum (incl. Nesterov), Adagrad,
 * RMSprop, Adam and Nadam, with learning-rate schedules. Each follows tf.train's
 * update rule exactly (Nadam, which tf.train lacks, its paper's), so that
 * test/unit/optim.test.ts can match it step for step against tfjs; where tfjs
 * differs from the textbook the doc comment says how.
 *
 * An optimizer updates one flat parameter vector in place:
 *   const opt = adam(0.01);
 *   for (...) opt.step(params, gradientAt(params));
 */

import type { Vector } from "./vector";
export type { Vector };

/** A fixed learning rate, or a schedule giving the rate for step t = 0, 1, 2, … */
export type LearningRate = number | ((iteration: number) => number);

/**
 * The lecture's decay η_t = η₀ / (1 + decay·t) (Keras's legacy `decay`
 * argument), with t the number of updates already made.
 * @answer 05-gradient-descent/lr-decay
 */
export function inverseTimeDecay(initialRate: number, decay: number): (iteration: number) => number {
  if (!(initialRate > 0)) throw new Error(`inverseTimeDecay: initialRate must be > 0, got ${initialRate}.`);
  if (!(decay >= 0)) throw new Error(`inverseTimeDecay: decay must be ≥ 0, got ${decay}.`);
  return (t) => initialRate / (1 + decay * t);
}

/**
 * One step of the lecture's batch rule for linear regression h(x) = w1·x + w0
 * (lab 05): w0 ← w0 + α Σ (y − h(x)), w1 ← w1 + α Σ (y − h(x))·x, every
 * error taken at the old weights.
 * @answer 05-gradient-descent/linreg-batch-step
 */
export function linregBatchStepReference(w0: number, w1: number, xs: ArrayLike<number>, ys: ArrayLike<number>, alpha: number): [number, number] {
  if (xs.length !== ys.length) throw new Error(`linregBatchStep: ${xs.length} inputs but ${ys.length} targets.`);
  let s0 = 0;
  let s1 = 0;
  for (let j = 0; j < xs.length; j++) {
    const r = ys[j] - (w1 * xs[j] + w0);
    s0 += r;
    s1 += r * xs[j];
  }
  return [w0 + alpha * s0, w1 + alpha * s1];
}

/** Common state and checks of every optimizer. */
export abstract class Optimizer {
  /** Number of updates made so far. */
  iterations = 0;
  private size = -1;

  constructor(readonly name: string, readonly learningRate: LearningRate) {
    if (typeof learningRate === "number" && !(learningRate > 0 && Number.isFinite(learningRate))) {
      throw new Error(`${name}: learningRate must be a finite number > 0, got ${learningRate}.`);
    }
  }

  /** The learning rate used by the next step. */
  currentLearningRate(): number {
    const lr = typeof this.learningRate === "number" ? this.learningRate : this.learningRate(this.iterations);
    if (!(lr > 0 && Number.isFinite(lr))) throw new Error(`${this.name}: the learning-rate schedule gave ${lr} at step ${this.iterations}; it must be a finite number > 0.`);
    return lr;
  }

  /** Updates `params` in place, one step against the gradient `grad` (evaluated at `params`). */
  step(params: Float64Array, grad: Vector): void {
    if (!(params instanceof Float64Array)) throw new Error(`${this.name}.step: params must be a Float64Array (updated in place), got ${Object.prototype.toString.call(params)}.`);
    if (grad.length !== params.length) throw new Error(`${this.name}.step: the gradient has ${grad.length} entries but there are ${params.length} parameters; they must match.`);
    if (this.size === -1) {
      this.size = params.length;
      this.init(params.length);
    } else if (params.length !== this.size) {
      throw new Error(`${this.name}.step: this optimizer was used for ${this.size} parameters and now got ${params.length}; make one optimizer per parameter vector.`);
    }
    for (let i = 0; i < grad.length; i++) {
      if (!Number.isFinite(grad[i])) throw new Error(`${this.name}.step: gradient[${i}] is ${grad[i]} at step ${this.iterations}; the loss has probably diverged (try a smaller learning rate).`);
    }
    this.update(params, grad, this.currentLearningRate());
    this.iterations++;
  }

  protected abstract init(n: number): void;
  protected abstract update(params: Float64Array, grad: Vector, lr: number): void;
}

/** Plain (stochastic) gradient descent, θ ← θ − η ∇L. tf.train.sgd. */
export class SGD extends Optimizer {
  constructor(learningRate: LearningRate) {
    super("sgd", learningRate);
  }
  protected init(): void {}
  protected update(w: Float64Array, g: Vector, lr: number): void {
    for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
  }
}

export interface MomentumOptions {
  /** Nesterov's accelerated gradient, in tfjs's (and Keras's) form. */
  nesterov?: boolean;
  /**
   * "accumulation" (default) is tf.train.momentum's a ← μa + g, θ ← θ − η a.
   * "velocity" is the lecture's v ← μv − η g, θ ← θ + v. They are the same
   * for a constant η (v = −η a) but not under a schedule: the velocity form
   * keeps each old gradient at the rate it was taken with, the accumulation
   * form rescales all of them by today's η.
   */
  form?: "accumulation" | "velocity";
}

/**
 * Momentum. tf.train.momentum(η, μ, useNesterov). With Nesterov, tfjs (like
 * Keras) uses the "look-ahead" rewrite θ ← θ − η (g + μ a_new) with g taken at
 * the current θ, rather than the textbook v ← μv − η∇L(θ + μv); the two
 * produce the same sequence up to a shift of where the gradient is taken.
 */
export class Momentum extends Optimizer {
  readonly nesterov: boolean;
  readonly form: "accumulation" | "velocity";
  private buf = new Float64Array(0);

  constructor(learningRate: LearningRate, readonly momentum: number, opts: MomentumOptions = {}) {
    super(opts.nesterov ? "nesterov" : "momentum", learningRate);
    if (!(momentum >= 0 && momentum < 1)) throw new Error(`momentum: μ must be in [0, 1), got ${momentum}.`);
    this.nesterov = opts.nesterov ?? false;
    this.form = opts.form ?? "accumulation";
  }
  protected init(n: number): void {
    this.buf = new Float64Array(n);
  }
  protected update(w: Float64Array, g: Vector, lr: number): void {
    const mu = this.momentum;
    const b = this.buf;
    for (let i = 0; i < w.length; i++) {
      if (this.form === "accumulation") {
        b[i] = mu * b[i] + g[i];
        w[i] -= lr * (this.nesterov ? g[i] + mu * b[i] : b[i]);
      } else {
        b[i] = mu * b[i] - lr * g[i];
        w[i] += this.nesterov ? mu * b[i] - lr * g[i] : b[i];
      }
    }
  }
}

export interface RMSpropOptions {
  /** Decay ρ of the running mean of squared gradients (default 0.9). */
  decay?: number;
  /** Momentum on the scaled step (default 0). */
  momentum?: number;
  /** Default 1e-7, tfjs's float32 backend epsilon. */
  epsilon?: number;
  /** Also track the mean gradient and divide by the (estimated) standard deviation. */
  centered?: boolean;
}

/**
 * RMSprop exactly as tf.train.rmsprop computes it:
 *   s ← ρ s + (1 − ρ) g²
 *   m ← μ m + η g / √(s + ε)          (ε *inside* the root; Hinton's slides and
 *   θ ← θ − m                          Keras put it outside: g / (√s + ε))
 * Centered: also ḡ ← ρ ḡ + (1 − ρ) g and the root becomes √(s − ḡ² − ε) — tfjs
 * subtracts ε there (TensorFlow's C++ kernel adds it), so a step whose
 * s − ḡ² < ε gives NaN in both tfjs and here.
 */
export class RMSprop extends Optimizer {
  readonly decay: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;
  private ms = new Float64Array(0);
  private mom = new Float64Array(0);
  private mg = new Float64Array(0);

  constructor(learningRate: LearningRate, opts: RMSpropOptions = {}) {
    super("rmsprop", learningRate);
    this.decay = opts.decay ?? 0.9;
    this.momentum = opts.momentum ?? 0;
    this.epsilon = opts.epsilon ?? 1e-7;
    this.centered = opts.centered ?? false;
    if (!(this.decay >= 0 && this.decay < 1)) throw new Error(`rmsprop: decay ρ must be in [0, 1), got ${this.decay}.`);
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new Error(`rmsprop: momentum must be in [0, 1), got ${this.momentum}.`);
    if (!(this.epsilon >= 0)) throw new Error(`rmsprop: epsilon must be ≥ 0, got ${this.epsilon}.`);
  }
  protected init(n: number): void {
    this.ms = new Float64Array(n);
    this.mom = new Float64Array(n);
    this.mg = new Float64Array(n);
  }
  protected update(w: Float64Array, g: Vector, lr: number): void {
    const rho = this.decay;
    for (let i = 0; i < w.length; i++) {
      this.ms[i] = rho * this.ms[i] + (1 - rho) * g[i] * g[i];
      let denom: number;
      if (this.centered) {
        this.mg[i] = rho * this.mg[i] + (1 - rho) * g[i];
        denom = Math.sqrt(this.ms[i] - (this.mg[i] * this.mg[i] + this.epsilon));
      } else {
        denom = Math.sqrt(this.ms[i] + this.epsilon);
      }
      this.mom[i] = this.momentum * this.mom[i] + (lr * g[i]) / denom;
      w[i] -= this.mom[i];
    }
  }
}

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  /** Default 1e-7, tfjs's float32 backend epsilon (the paper uses 1e-8). */
  epsilon?: number;
}

/**
 * Adam as tf.train.adam computes it (Kingma & Ba's Algorithm 1):
 *   m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²
 *   m̂ = m / (1 − β₁ᵗ),       v̂ = v / (1 − β₂ᵗ)        (t = 1 on the first step)
 *   θ ← θ − η m̂ / (√v̂ + ε)
 * ε sits outside the root and is added to the *bias-corrected* √v̂. (Keras and
 * TensorFlow's C++ kernel instead fold the corrections into the rate and add ε
 * to √v, an "ε-hat" that differs slightly while v̂ is small.)
 */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  protected m = new Float64Array(0);
  protected v = new Float64Array(0);

  /** `name` lets a variant (Nadam) share the moments and their checks. */
  constructor(learningRate: LearningRate = 0.001, opts: AdamOptions = {}, name = "adam") {
    super(name, learningRate);
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-7;
    for (const [k, b] of [["beta1", this.beta1], ["beta2", this.beta2]] as const) {
      if (!(b >= 0 && b < 1)) throw new Error(`${name}: ${k} must be in [0, 1), got ${b}.`);
    }
    if (!(this.epsilon >= 0)) throw new Error(`${name}: epsilon must be ≥ 0, got ${this.epsilon}.`);
  }
  protected init(n: number): void {
    this.m = new Float64Array(n);
    this.v = new Float64Array(n);
  }
  protected update(w: Float64Array, g: Vector, lr: number): void {
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    const t = this.iterations + 1;
    const c1 = 1 - b1 ** t;
    const c2 = 1 - b2 ** t;
    for (let i = 0; i < w.length; i++) {
      this.m[i] = b1 * this.m[i] + (1 - b1) * g[i];
      this.v[i] = b2 * this.v[i] + (1 - b2) * g[i] * g[i];
      w[i] -= (lr * (this.m[i] / c1)) / (Math.sqrt(this.v[i] / c2) + eps);
    }
  }
}

export interface AdagradOptions {
  /** Starting value of every accumulator (default 0.1, as tf.train.adagrad). */
  initialAccumulatorValue?: number;
  /** Default 1e-7, tfjs's float32 backend epsilon. */
  epsilon?: number;
}

/**
 * Adagrad as tf.train.adagrad computes it (Duchi, Hazan & Singer, 2011):
 *   s ← s + g²                 (s starts at 0.1, not 0)
 *   θ ← θ − η g / √(s + ε)     (ε inside the root)
 * The sum never forgets, so every component's step only shrinks: fast at first,
 * then slower and slower — the reason RMSprop replaced the sum by a running mean.
 */
export class Adagrad extends Optimizer {
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  private s = new Float64Array(0);

  constructor(learningRate: LearningRate, opts: AdagradOptions = {}) {
    super("adagrad", learningRate);
    this.initialAccumulatorValue = opts.initialAccumulatorValue ?? 0.1;
    this.epsilon = opts.epsilon ?? 1e-7;
    if (!(this.initialAccumulatorValue >= 0)) throw new Error(`adagrad: initialAccumulatorValue must be ≥ 0, got ${this.initialAccumulatorValue}.`);
    if (!(this.epsilon >= 0)) throw new Error(`adagrad: epsilon must be ≥ 0, got ${this.epsilon}.`);
  }
  protected init(n: number): void {
    this.s = new Float64Array(n).fill(this.initialAccumulatorValue);
  }
  protected update(w: Float64Array, g: Vector, lr: number): void {
    for (let i = 0; i < w.length; i++) {
      this.s[i] += g[i] * g[i];
      w[i] -= (lr * g[i]) / Math.sqrt(this.s[i] + this.epsilon);
    }
  }
}

/**
 * Nadam: Adam with a Nesterov look-ahead on the first moment (Dozat, 2016),
 * in the form without a momentum schedule (Ruder's overview, eq. for Nadam):
 *   m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²
 *   m̄ = β₁ m / (1 − β₁ᵗ⁺¹) + (1 − β₁) g / (1 − β₁ᵗ)     (t = 1 on the first step)
 *   θ ← θ − η m̄ / (√v̂ + ε),  v̂ = v / (1 − β₂ᵗ)
 * Where Adam steps along m̂ (the momentum so far), Nadam steps along the
 * momentum it will have after this step. tf.train has no Nadam; Keras's adds a
 * schedule on β₁ (0.96^(t/250)), which this omits. With β₁ = 0 it is Adam.
 */
export class Nadam extends Adam {
  constructor(learningRate: LearningRate = 0.001, opts: AdamOptions = {}) {
    super(learningRate, opts, "nadam");
  }
  protected update(w: Float64Array, g: Vector, lr: number): void {
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    const t = this.iterations + 1;
    const c1 = 1 - b1 ** t, c1Next = 1 - b1 ** (t + 1), c2 = 1 - b2 ** t;
    for (let i = 0; i < w.length; i++) {
      this.m[i] = b1 * this.m[i] + (1 - b1) * g[i];
      this.v[i] = b2 * this.v[i] + (1 - b2) * g[i] * g[i];
      const mBar = (b1 * this.m[i]) / c1Next + ((1 - b1) * g[i]) / c1;
      w[i] -= (lr * mBar) / (Math.sqrt(this.v[i] / c2) + eps);
    }
  }
}

// Factories with tf.train's argument order, so the two read alike side by side.

/** tf.train.sgd(η). */
export function sgd(learningRate: LearningRate): SGD {
  return new SGD(learningRate);
}
/** tf.train.momentum(η, μ, useNesterov). */
export function momentum(learningRate: LearningRate, mu: number, useNesterov = false, form: "accumulation" | "velocity" = "accumulation"): Momentum {
  return new Momentum(learningRate, mu, { nesterov: useNesterov, form });
}
/** tf.train.rmsprop(η, decay, momentum, epsilon, centered). */
export function rmsprop(learningRate: LearningRate, decay = 0.9, mom = 0, epsilon = 1e-7, centered = false): RMSprop {
  return new RMSprop(learningRate, { decay, momentum: mom, epsilon, centered });
}
/** tf.train.adam(η, β₁, β₂, ε). */
export function adam(learningRate: LearningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7): Adam {
  return new Adam(learningRate, { beta1, beta2, epsilon });
}

/** tf.train.adagrad(η, initialAccumulatorValue). */
export function adagrad(learningRate: LearningRate, initialAccumulatorValue = 0.1): Adagrad {
  return new Adagrad(learningRate, { initialAccumulatorValue });
}
/** Nadam(η, β₁, β₂, ε), with Adam's argument order (tf.train has none). */
export function nadam(learningRate: LearningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7): Nadam {
  return new Nadam(learningRate, { beta1, beta2, epsilon });
}

// ---------------------------------------------------------------- test problems

/** A differentiable function of a parameter vector, for the lab's optimizer races. */
export interface Objective {
  name: string;
  f(x: Vector): number;
  grad(x: Vector): Float64Array;
  /** Where the minimum is. */
  minimum: number[];
}

/**
 * A long narrow valley: f(x, y) = ½(a x² + b y²). The condition number b/a is
 * the ratio of the steepest to the flattest curvature; gradient descent must
 * keep η < 2/b to stay stable and then crawls along x at a rate set by η·a.
 */
export function quadraticValley(a = 1, b = 20): Objective {
  if (!(a > 0 && b > 0)) throw new Error(`quadraticValley: curvatures must be > 0, got a=${a}, b=${b}.`);
  return {
    name: `quadratic valley (condition number ${b / a})`,
    f: (x) => 0.5 * (a * x[0] * x[0] + b * x[1] * x[1]),
    grad: (x) => Float64Array.of(a * x[0], b * x[1]),
    minimum: [0, 0],
  };
}

/** Rosenbrock's banana: f(x, y) = (a − x)² + b(y − x²)², minimum at (a, a²). */
export function rosenbrock(a = 1, b = 100): Objective {
  return {
    name: "Rosenbrock",
    f: (x) => (a - x[0]) ** 2 + b * (x[1] - x[0] ** 2) ** 2,
    grad: (x) => Float64Array.of(-2 * (a - x[0]) - 4 * b * x[0] * (x[1] - x[0] ** 2), 2 * b * (x[1] - x[0] ** 2)),
    minimum: [a, a * a],
  };
}

export interface Trajectory {
  /** (steps+1)×d positions, row-major: the start, then after every step. */
  path: Float64Array;
  /** f at every position. */
  losses: Float64Array;
  /** Set when the run stopped early because the loss left the finite numbers. */
  divergedAt?: number;
  /** With `whileDecreasing`: the step count at which the loss stopped decreasing (the path ends there). */
  stoppedAt?: number;
}

/**
 * Runs `opt` for `steps` updates on `objective` from `x0`, recording the path.
 * A run that diverges (a position, f or the gradient becomes non-finite) stops
 * and sets `divergedAt` to the step that failed, instead of throwing, so a lab
 * can plot it; the recorded path and losses hold only finite values.
 *
 * `whileDecreasing`: the Mollineda lecture's rule "repeat as long as
 * L(θᵢ₊₁) < L(θᵢ)". The first step that does not lower the loss is undone and
 * the run ends at θᵢ, with `stoppedAt` = i (the number of steps kept).
 */
export function minimize(objective: Objective, x0: Vector, opt: Optimizer, steps: number, opts: { whileDecreasing?: boolean } = {}): Trajectory {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`minimize: steps must be an integer ≥ 0, got ${steps}.`);
  const d = x0.length;
  const x = Float64Array.from(x0);
  const path = new Float64Array((steps + 1) * d);
  const losses = new Float64Array(steps + 1);
  path.set(x, 0);
  losses[0] = objective.f(x);
  if (!Number.isFinite(losses[0])) throw new Error(`minimize: ${objective.name} is ${losses[0]} at the starting point ${Array.from(x0)}.`);
  for (let t = 1; t <= steps; t++) {
    const g = objective.grad(x);
    if (!g.every(Number.isFinite)) return { path: path.slice(0, t * d), losses: losses.slice(0, t), divergedAt: t };
    opt.step(x, g);
    const f = objective.f(x);
    if (!Number.isFinite(f) || !x.every(Number.isFinite)) return { path: path.slice(0, t * d), losses: losses.slice(0, t), divergedAt: t };
    if (opts.whileDecreasing && !(f < losses[t - 1])) return { path: path.slice(0, t * d), losses: losses.slice(0, t), stoppedAt: t - 1 };
    path.set(x, t * d);
    losses[t] = f;
  }
  return { path, losses };
}
