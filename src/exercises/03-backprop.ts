/**
 * Exercise checks of lab 03 (backpropagation by hand). Each check calls the
 * student's function on inputs drawn here, and compares with a reference or,
 * for the layer's backward pass, with a numerical gradient check.
 */
import { callStudent, CheckError, expect, expectClose, passed, fmt } from "../check";
import { Rng } from "../random";
import { gradientCheck, numericalDerivative } from "../scratch/gradient-check";
import { sigmoid, sigmoidDeriv } from "../scratch/activations";

/** The function of the chain-rule exercise: f(x) = log(1 + (2x + 1)²). */
export function chainRuleFunction(x: number): number {
  return Math.log(1 + (2 * x + 1) ** 2);
}

/** Exercise "chain-rule": the student's f'(x) must match a centered difference of f at random points. */
export function checkChainRule(dfdx: (x: number) => number): void {
  const ex = "chain-rule";
  const rng = new Rng(301);
  for (let t = 0; t < 20; t++) {
    const x = rng.uniform(-3, 3);
    const got = callStudent(ex, dfdx, x);
    const want = numericalDerivative(chainRuleFunction, x);
    expectClose(ex, `f'(${x.toFixed(4)})`, got, want, { atol: 1e-7, rtol: 1e-6 });
  }
  passed(ex, "20 random points agree with the numerical derivative");
}

/** Exercise "output-delta": Δ = (y − σ(in))·σ'(in) of a sigmoid output unit under E = ½(y − a)². */
export function checkOutputDelta(outputDelta: (y: number, input: number) => number): void {
  const ex = "output-delta";
  const rng = new Rng(302);
  for (let t = 0; t < 20; t++) {
    const y = rng.next() < 0.5 ? 0 : 1, input = rng.uniform(-4, 4);
    const got = callStudent(ex, outputDelta, y, input);
    const want = (y - sigmoid(input)) * sigmoidDeriv(input);
    expectClose(ex, `outputDelta(y=${y}, in=${input.toFixed(4)})`, got, want, { atol: 1e-12, rtol: 1e-9 });
  }
  passed(ex);
}

export interface DenseGrads { dW: number[][]; db: number[]; dx: number[] }
export type DenseBackward = (x: number[], W: number[][], b: number[], dOut: number[]) => DenseGrads;

/** Forward pass of the exercise's layer, a = tanh(W x + b). */
export function denseTanhForward(x: ArrayLike<number>, W: number[][], b: ArrayLike<number>): number[] {
  return W.map((row, j) => Math.tanh(row.reduce((s, w, i) => s + w * x[i], b[j])));
}

function checkShape(ex: string, what: string, got: unknown, rows: number, cols?: number): void {
  const ok = Array.isArray(got) && got.length === rows &&
    (cols === undefined ? got.every((v) => typeof v === "number") : got.every((r) => Array.isArray(r) && r.length === cols && r.every((v) => typeof v === "number")));
  expect(ex, ok, `${what} should be ${cols === undefined ? `an array of ${rows} numbers` : `${rows} rows of ${cols} numbers`}, got ${fmt(got)}.`);
}

/**
 * Exercise "dense-backward": given ∂E/∂a for the layer a = tanh(W x + b),
 * return ∂E/∂W, ∂E/∂b and ∂E/∂x. Checked by a gradient check of
 * E = Σ_j dOut_j · a_j, which has exactly that ∂E/∂a; the check passes at a
 * max relative error of 1e-6 (a right answer gives about 1e-9).
 */
export function checkDenseBackward(denseBackward: DenseBackward): void {
  const ex = "dense-backward";
  const rng = new Rng(303);
  let worst = 0;
  for (const [nIn, nOut] of [[3, 2], [1, 4], [5, 3]]) {
    const x = Array.from({ length: nIn }, () => rng.normal());
    const W = Array.from({ length: nOut }, () => Array.from({ length: nIn }, () => rng.normal(0, 0.8)));
    const b = Array.from({ length: nOut }, () => rng.normal(0, 0.5));
    const dOut = Array.from({ length: nOut }, () => rng.normal());
    const g = callStudent(ex, denseBackward, x.slice(), W.map((r) => r.slice()), b.slice(), dOut.slice());
    expect(ex, typeof g === "object" && g !== null, `return {dW, db, dx}, got ${fmt(g)}.`);
    checkShape(ex, "dW", g.dW, nOut, nIn);
    checkShape(ex, "db", g.db, nOut);
    checkShape(ex, "dx", g.dx, nIn);
    // One flat vector θ = [W (rows), b, x]; E(θ) = Σ dOut_j a_j(θ).
    const theta = Float64Array.from([...W.flat(), ...b, ...x]);
    const E = (p: Float64Array) => {
      const Wp = Array.from({ length: nOut }, (_, j) => Array.from(p.subarray(j * nIn, (j + 1) * nIn)));
      const bp = p.subarray(nIn * nOut, nIn * nOut + nOut), xp = p.subarray(nIn * nOut + nOut);
      return denseTanhForward(xp, Wp, bp).reduce((s, a, j) => s + dOut[j] * a, 0);
    };
    const analytic = [...g.dW.flat(), ...g.db, ...g.dx];
    const r = gradientCheck(E, theta, analytic);
    const names = [...W.flatMap((row, j) => row.map((_, i) => `dW[${j}][${i}]`)), ...b.map((_, j) => `db[${j}]`), ...x.map((_, i) => `dx[${i}]`)];
    if (!(r.maxRelError <= 1e-6)) {
      throw new CheckError(ex, `gradient check failed for a ${nOut}×${nIn} layer: ${names[r.worst]} is ${fmt(analytic[r.worst])} but the numerical gradient is ${fmt(r.numerical[r.worst])} (relative error ${r.maxRelError.toExponential(2)}).`);
    }
    worst = Math.max(worst, r.maxRelError);
  }
  passed(ex, `max relative error ${worst.toExponential(2)} over three layer shapes`);
}
