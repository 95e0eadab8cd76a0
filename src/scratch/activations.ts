/**
 * Activation functions and their derivatives in float64 (introduced in lab
 * 03b, activation functions; used by the by-hand network of lab 03).
 *
 * Each scalar activation comes with its derivative written in terms of the
 * pre-activation x, so that the backward pass reads g'(in_j) as in the
 * lecture's sensitivity rule Δ_j = g'(in_j) Σ_i w_ji Δ_i.
 */

export type ActivationName = "step" | "sigmoid" | "tanh" | "relu" | "leakyRelu" | "identity";

export interface Activation {
  name: ActivationName;
  f: (x: number) => number;
  /** g'(x). For step, 0 everywhere (undefined at 0): nothing for gradient descent to follow. */
  df: (x: number) => number;
}

/** The step activation: 1 if x > 0, else 0 (fire only when strictly positive; docs/lectures.md notes the lecture that uses ≥). */
export function step(x: number): number { return x > 0 ? 1 : 0; }

/** σ(x) = 1/(1+e^−x), evaluated without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
/** σ'(x) = σ(x)(1 − σ(x)). @answer 03b-activation-functions/activation-derivatives */
export function sigmoidDeriv(x: number): number { const s = sigmoid(x); return s * (1 - s); }

/** tanh'(x) = 1 − tanh²(x). @answer 03b-activation-functions/activation-derivatives */
export function tanhDeriv(x: number): number { const t = Math.tanh(x); return 1 - t * t; }

export function relu(x: number): number { return x > 0 ? x : 0; }
/** 1 for x > 0, else 0 (the derivative at exactly 0 is taken as 0). */
export function reluDeriv(x: number): number { return x > 0 ? 1 : 0; }

export const LEAKY_SLOPE = 0.01;
export function leakyRelu(x: number, alpha = LEAKY_SLOPE): number { return x > 0 ? x : alpha * x; }
/** 1 for x > 0, else alpha. @answer 03b-activation-functions/activation-derivatives */
export function leakyReluDeriv(x: number, alpha = LEAKY_SLOPE): number { return x > 0 ? 1 : alpha; }

export const ACTIVATIONS: Record<ActivationName, Activation> = {
  step: { name: "step", f: step, df: () => 0 },
  sigmoid: { name: "sigmoid", f: sigmoid, df: sigmoidDeriv },
  tanh: { name: "tanh", f: Math.tanh, df: tanhDeriv },
  relu: { name: "relu", f: relu, df: reluDeriv },
  leakyRelu: { name: "leakyRelu", f: (x) => leakyRelu(x), df: (x) => leakyReluDeriv(x) },
  identity: { name: "identity", f: (x) => x, df: () => 1 },
};

export function activation(name: string): Activation {
  const a = (ACTIVATIONS as Record<string, Activation>)[name];
  if (!a) throw new Error(`Unknown activation "${name}"; use one of ${Object.keys(ACTIVATIONS).join(", ")}.`);
  return a;
}

/**
 * softmax(z)_i = e^{z_i} / Σ_k e^{z_k} (lab 04; the activation-functions lab asks students to write it). Subtracting max(z)
 * first changes nothing mathematically and keeps e^{z} from overflowing.
 */
export function softmax(z: ArrayLike<number>): Float64Array {
  if (z.length === 0) throw new Error("softmax: got an empty vector; softmax needs at least one score.");
  let m = -Infinity;
  for (let i = 0; i < z.length; i++) {
    if (typeof z[i] !== "number" || !Number.isFinite(z[i])) {
      throw new Error(`softmax: z[${i}] is ${z[i]}; every score must be a finite number (NaN or ±Infinity usually means training diverged — lower the learning rate).`);
    }
    m = Math.max(m, z[i]);
  }
  const out = new Float64Array(z.length);
  let total = 0;
  for (let i = 0; i < z.length; i++) { out[i] = Math.exp(z[i] - m); total += out[i]; }
  for (let i = 0; i < z.length; i++) out[i] /= total;
  return out;
}

/** The softmax Jacobian J_ij = ∂s_i/∂z_j = s_i(δ_ij − s_j), as rows. */
export function softmaxJacobian(z: ArrayLike<number>): number[][] {
  const s = softmax(z);
  return Array.from(s, (si, i) => Array.from(s, (sj, j) => si * ((i === j ? 1 : 0) - sj)));
}
