/**
 * Seeded random numbers (introduced in lab 01). Every lab passes a seed so
 * that a run is reproducible for a given seed and backend.
 *
 * mulberry32: a 32-bit generator, tiny and good enough for shuffles and
 * initial weights; not for cryptography.
 */
/** mulberry32's output for an already advanced state: a 32-bit unsigned integer. */
function mix(state: number): number {
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

export class Rng {
  private state: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
    this.state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    return mix(this.state) / 4294967296;
  }

  /**
   * n draws of a Bernoulli(p) mask: `value` with probability p, else 0 (the same stream as
   * n calls of next(), compared with p), in one loop with the state in a local: dropout
   * draws a mask for every unit of its layer at every training step.
   */
  bernoulliMask(n: number, p: number, value = 1): Float32Array {
    if (!Number.isInteger(n) || n < 0) throw new Error(`Rng.bernoulliMask: n must be a whole number ≥ 0, got ${n}`);
    if (!(p >= 0 && p <= 1)) throw new Error(`Rng.bernoulliMask: p must be in [0, 1], got ${p}`);
    const out = new Float32Array(n);
    const threshold = p * 4294967296;
    let state = this.state;
    for (let i = 0; i < n; i++) {
      state = (state + 0x6d2b79f5) >>> 0;
      if (mix(state) < threshold) out[i] = value;
    }
    this.state = state;
    return out;
  }

  /** Uniform float in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal (Box-Muller), scaled to mean and std. */
  normal(mean = 0, std = 1): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Fisher-Yates shuffle in place; returns the same array. */
  shuffle<T>(items: T[]): T[];
  shuffle(items: Int32Array | Uint32Array): Int32Array | Uint32Array;
  shuffle<T>(items: T[] | Int32Array | Uint32Array): T[] | Int32Array | Uint32Array {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p) as Int32Array;
  }

  /** n numbers drawn from a normal distribution, as a Float64Array. */
  normalArray(n: number, mean = 0, std = 1): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal(mean, std);
    return out;
  }
}

/** Seed for tfjs initializers derived from a lab seed (tfjs wants an integer). */
export function tfSeed(seed: number, offset = 0): number {
  return (Math.floor(seed) * 1009 + offset) >>> 0;
}
