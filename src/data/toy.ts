/**
 * Seeded 2-D toy data sets (labs 01–04): points X (n×2, row-major) with
 * integer labels y. Same seed, same points.
 */
import { Rng } from "../random";

export interface Dataset2d {
  X: Float64Array;
  y: Int32Array;
  n: number;
  numClasses: number;
}

export interface ToyOptions {
  n: number;
  seed: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. */
  noise?: number;
}

function checkN(n: number, who: string, multipleOf = 1): void {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${who}: n must be a positive integer, got ${n}.`);
  if (n % multipleOf !== 0) throw new Error(`${who}: n must be a multiple of ${multipleOf} (one share per class), got ${n}.`);
}

function build(n: number, numClasses: number, point: (i: number, out: [number, number]) => number): Dataset2d {
  const X = new Float64Array(2 * n);
  const y = new Int32Array(n);
  const p: [number, number] = [0, 0];
  for (let i = 0; i < n; i++) {
    y[i] = point(i, p);
    X[2 * i] = p[0];
    X[2 * i + 1] = p[1];
  }
  return { X, y, n, numClasses };
}

/** Two (or more) Gaussian blobs; with the default centres, linearly separable. */
export function makeBlobs(opts: ToyOptions & { centers?: Array<[number, number]> }): Dataset2d {
  const centers = opts.centers ?? [[-2, -2], [2, 2]];
  checkN(opts.n, "makeBlobs");
  const rng = new Rng(opts.seed);
  const s = opts.noise ?? 0.8;
  return build(opts.n, centers.length, (i, p) => {
    const c = i % centers.length;
    p[0] = centers[c][0] + rng.normal(0, s);
    p[1] = centers[c][1] + rng.normal(0, s);
    return c;
  });
}

/** XOR: points around the four corners (±1, ±1); the label is 1 where the signs differ. */
export function makeXor(opts: ToyOptions): Dataset2d {
  checkN(opts.n, "makeXor");
  const rng = new Rng(opts.seed);
  const s = opts.noise ?? 0.25;
  return build(opts.n, 2, (i, p) => {
    const a = i % 2, b = Math.floor(i / 2) % 2;
    p[0] = (a ? 1 : -1) + rng.normal(0, s);
    p[1] = (b ? 1 : -1) + rng.normal(0, s);
    return a ^ b;
  });
}

/** Two concentric circles: class 0 outside (radius 1), class 1 inside (radius `factor`). */
export function makeCircles(opts: ToyOptions & { factor?: number }): Dataset2d {
  checkN(opts.n, "makeCircles");
  const factor = opts.factor ?? 0.5;
  if (!(factor > 0 && factor < 1)) throw new Error(`makeCircles: factor must be in (0, 1), got ${factor}.`);
  const rng = new Rng(opts.seed);
  const s = opts.noise ?? 0.08;
  return build(opts.n, 2, (i, p) => {
    const c = i % 2;
    const t = rng.uniform(0, 2 * Math.PI), r = c ? factor : 1;
    p[0] = r * Math.cos(t) + rng.normal(0, s);
    p[1] = r * Math.sin(t) + rng.normal(0, s);
    return c;
  });
}

/** Two interleaving half-moons. */
export function makeMoons(opts: ToyOptions): Dataset2d {
  checkN(opts.n, "makeMoons");
  const rng = new Rng(opts.seed);
  const s = opts.noise ?? 0.1;
  return build(opts.n, 2, (i, p) => {
    const c = i % 2;
    const t = rng.uniform(0, Math.PI);
    p[0] = (c ? 1 - Math.cos(t) : Math.cos(t)) + rng.normal(0, s);
    p[1] = (c ? 0.5 - Math.sin(t) : Math.sin(t)) + rng.normal(0, s);
    return c;
  });
}

/** `classes` interleaved spiral arms (CS231n's classic non-linear set). */
export function makeSpirals(opts: ToyOptions & { classes?: number; turns?: number }): Dataset2d {
  const k = opts.classes ?? 3;
  if (!Number.isInteger(k) || k < 2) throw new Error(`makeSpirals: classes must be an integer ≥ 2, got ${k}.`);
  checkN(opts.n, "makeSpirals", k);
  const rng = new Rng(opts.seed);
  const s = opts.noise ?? 0.2;
  const turns = opts.turns ?? 1;
  const per = opts.n / k;
  return build(opts.n, k, (i, p) => {
    const c = i % k, j = Math.floor(i / k);
    const r = per > 1 ? j / (per - 1) : 1;
    const t = (c * 2 * Math.PI) / k + r * turns * 2 * Math.PI + rng.normal(0, s);
    p[0] = r * Math.sin(t);
    p[1] = r * Math.cos(t);
    return c;
  });
}
