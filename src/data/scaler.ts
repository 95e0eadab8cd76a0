/**
 * Standardisation of tabular features (lab 08): each column shifted to mean 0
 * and scaled to standard deviation 1, with statistics fitted on the training
 * split only and then applied unchanged to every other split and to the data
 * a handed-in model is scored on. (Fitting them on all rows would let the
 * validation and test rows leak into training.)
 */

export interface Scaler {
  mean: number[];
  /** Population standard deviation of each column; 1 for a constant column (as scikit-learn's StandardScaler). */
  std: number[];
}

/** Per-column mean and standard deviation of `x` (n×d, row-major). @answer 08-assignment/scaler */
export function fitScaler(x: ArrayLike<number>, d: number): Scaler {
  if (!Number.isInteger(d) || d < 1) throw new Error(`fitScaler: d (the number of columns) must be a positive integer, got ${d}.`);
  if (x.length === 0 || x.length % d !== 0) throw new Error(`fitScaler: x has ${x.length} numbers, which is not a positive multiple of d = ${d}.`);
  const n = x.length / d;
  const mean = new Array<number>(d).fill(0), sq = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sq[j] += (x[i * d + j] - mean[j]) ** 2 / n;
  return { mean, std: sq.map((v) => (v > 0 ? Math.sqrt(v) : 1)) };
}

/** Checks a scaler (e.g. one read back from a hand-in) for `d` columns; throws saying what is wrong. */
export function validateScaler(s: unknown, d: number, what = "scaler"): asserts s is Scaler {
  const sc = s as Scaler;
  if (!sc || !Array.isArray(sc.mean) || !Array.isArray(sc.std)) throw new Error(`${what}: expected { mean: number[], std: number[] }, got ${JSON.stringify(s)?.slice(0, 80)}.`);
  if (sc.mean.length !== d || sc.std.length !== d) throw new Error(`${what}: mean and std need ${d} entries (one per feature), got ${sc.mean.length} and ${sc.std.length}.`);
  sc.mean.forEach((m, j) => {
    if (typeof m !== "number" || !Number.isFinite(m)) throw new Error(`${what}: mean[${j}] is ${m}, not a finite number.`);
    const v = sc.std[j];
    if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) throw new Error(`${what}: std[${j}] is ${v}; every std must be a finite number > 0.`);
  });
}

/** (x − mean) / std per column, as a new Float32Array. @answer 08-assignment/scaler */
export function applyScaler(x: ArrayLike<number>, s: Scaler): Float32Array {
  const d = s.mean.length;
  validateScaler(s, d, "applyScaler");
  if (x.length % d !== 0) throw new Error(`applyScaler: x has ${x.length} numbers, not a multiple of the scaler's ${d} columns.`);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] - s.mean[i % d]) / s.std[i % d];
  return out;
}
