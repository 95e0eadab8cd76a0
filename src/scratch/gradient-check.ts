/**
 * Gradient checking (introduced in lab 03): compare an analytic gradient with
 * centered finite differences,
 *   ∂f/∂θ_k ≈ (f(θ + h·e_k) − f(θ − h·e_k)) / 2h,
 * using the relative error of CS231n, |a − b| / max(|a|, |b|).
 *
 * In float64 with h ≈ 1e-6 a correct gradient of a smooth function agrees to
 * about 1e-7 or better; 1e-2 or worse almost always means a bug. Near a kink
 * (ReLU at 0) finite differences are unreliable whatever the code does.
 */

/** |a − b| / max(|a|, |b|); 0 when both are exactly 0. Throws on NaN. */
export function relativeError(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) throw new Error(`relativeError: got NaN (a=${a}, b=${b}); a gradient that is NaN cannot be checked.`);
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
}

/** The largest relative error over two gradients of the same length. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxRelativeError: the gradients have ${a.length} and ${b.length} entries; they must match.`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, relativeError(a[i], b[i]));
  return worst;
}

/**
 * Centered-difference gradient of f at `params`. f reads the array it is given;
 * each entry is nudged by ±h and restored, so `params` is unchanged afterwards.
 * Costs 2 evaluations of f per parameter.
 */
export function numericalGradient(f: (params: Float64Array) => number, params: Float64Array, h = 1e-6): Float64Array {
  if (!(h > 0)) throw new Error(`numericalGradient: h must be a positive step, got ${h}.`);
  const grad = new Float64Array(params.length);
  for (let k = 0; k < params.length; k++) {
    const old = params[k];
    params[k] = old + h;
    const fPlus = f(params);
    params[k] = old - h;
    const fMinus = f(params);
    params[k] = old;
    if (!Number.isFinite(fPlus) || !Number.isFinite(fMinus)) {
      throw new Error(`numericalGradient: f returned ${fPlus} / ${fMinus} at parameter ${k} ± ${h}; f must be finite near the point checked.`);
    }
    grad[k] = (fPlus - fMinus) / (2 * h);
  }
  return grad;
}

/** A one-number derivative by centered differences (chain-rule warm-ups). */
export function numericalDerivative(f: (x: number) => number, x: number, h = 1e-6): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}

export interface GradientCheckResult {
  numerical: Float64Array;
  relErrors: Float64Array;
  maxRelError: number;
  /** Index of the parameter with the largest error. */
  worst: number;
}

/**
 * Checks `analytic` (the gradient your code computed at `params`) against the
 * centered-difference gradient of f.
 */
export function gradientCheck(f: (params: Float64Array) => number, params: Float64Array, analytic: ArrayLike<number>, h = 1e-6): GradientCheckResult {
  if (analytic.length !== params.length) {
    throw new Error(`gradientCheck: the analytic gradient has ${analytic.length} entries but there are ${params.length} parameters.`);
  }
  const numerical = numericalGradient(f, params, h);
  const relErrors = new Float64Array(params.length);
  let worst = 0;
  for (let k = 0; k < params.length; k++) {
    relErrors[k] = relativeError(analytic[k], numerical[k]);
    if (relErrors[k] > relErrors[worst]) worst = k;
  }
  return { numerical, relErrors, maxRelError: params.length ? relErrors[worst] : 0, worst };
}

/**
 * A plain-text table of gradients side by side, one row per parameter:
 * columns whose name contains "err" are printed in exponent form.
 */
export function gradientTable(names: string[], columns: Record<string, ArrayLike<number>>): string {
  const keys = Object.keys(columns);
  for (const k of keys) {
    if (columns[k].length !== names.length) throw new Error(`gradientTable: column "${k}" has ${columns[k].length} entries for ${names.length} parameters.`);
  }
  const cell = (k: string, v: number) => (/err/i.test(k) ? v.toExponential(1) : v.toFixed(10));
  const rows = names.map((n, r) => [n, ...keys.map((k) => cell(k, columns[k][r]))]);
  const header = ["parameter", ...keys];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
