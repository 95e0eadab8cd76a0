/**
 * Exercise checks of lab 03 (backpropagation by hand). Each check calls the
 * student's function on inputs drawn here, and compares with an exact
 * reference (autodiff, or the lecture's rule) or, for the layer's backward
 * pass, with a numerical gradient check.
 */
import { callStudent, CheckError, expect, expectClose, passed, fmt } from "../check";
import { Rng } from "../random";
import { gradientCheck } from "../scratch/gradient-check";
import { sigmoid, sigmoidDeriv } from "../scratch/activations";
import { value } from "../scratch/value";

/** f'(x) of the exercise's f(x) = log(1 + (2x + 1)²), by reverse-mode autodiff through its Value graph: exact up to float64 rounding. */
function exactDerivative(x: number): number {
  const v = value(x);
  v.mul(2).add(1).pow(2).add(1).log().backward();
  return v.grad;
}

/**
 * Exercise "chain-rule": the student's f'(x) must equal the exact derivative
 * to float64 rounding (relative 1e-12) at random points and far out
 * (|x| up to 10⁶). A finite difference is off by 1e-11 to 1e-4 there, so a
 * numerical derivative does not pass: the exercise asks for the chain rule.
 */
export function checkChainRule(dfdx: (x: number) => number): void {
  const ex = "chain-rule";
  const rng = new Rng(301);
  const xs = [...Array.from({ length: 20 }, () => rng.uniform(-3, 3)), -0.5, -0.501, 0.75, 1e3, -2.5e4, 1e6];
  for (const x of xs) {
    const got = callStudent(ex, dfdx, x);
    const want = exactDerivative(x);
    expect(ex, typeof got === "number" && Number.isFinite(got), `f'(${x}) should be a finite number close to ${fmt(want)}, got ${fmt(got)}.`);
    const err = Math.abs(got - want);
    if (!(err <= 1e-15 + 1e-12 * Math.abs(want))) {
      const relative = err / Math.max(Math.abs(want), 1e-300);
      const nearly = relative < 1e-3 || err < 1e-9;
      throw new CheckError(ex, `f'(${x}) is ${want.toPrecision(15)}, you returned ${got.toPrecision(15)} (relative error ${relative.toExponential(1)}).` +
        (nearly ? " That is the accuracy of a finite difference, not of a formula: write f'(x) with the chain rule (outer derivative × inner derivative), exact to float64 rounding." : ""));
    }
  }
  passed(ex, `${xs.length} points, exact to 1e-12 (a numerical derivative is not)`);
}

/**
 * Exercise "output-delta": Δ = (y − σ(in))·σ'(in) of a sigmoid output unit
 * under E = ½(y − a)², the lab's sign convention Δ = Err·g'(in) = −∂E/∂in.
 * An answer in another lecture's convention (δ = ∂E/∂in, or E without the ½)
 * is rejected with a message that names the convention.
 */
export function checkOutputDelta(outputDelta: (y: number, input: number) => number): void {
  const ex = "output-delta";
  const rng = new Rng(302);
  for (let t = 0; t < 20; t++) {
    const y = rng.next() < 0.5 ? 0 : 1, input = rng.uniform(-4, 4);
    const got = callStudent(ex, outputDelta, y, input);
    const want = (y - sigmoid(input)) * sigmoidDeriv(input);
    const what = `outputDelta(y=${y}, in=${input.toFixed(4)})`;
    const near = (v: number) => typeof got === "number" && Math.abs(got - v) <= 1e-12 + 1e-9 * Math.abs(v);
    if (!near(want) && Math.abs(want) > 1e-9) {
      if (near(-want)) {
        throw new CheckError(ex, `${what} should be ${fmt(want)}, you returned ${fmt(got)}: (a − y)·σ'(in) = ∂E/∂in, the δ of the convention that follows the gradient (Mollineda's lecture). This lab uses Δ = Err·g'(in) = (y − a)·σ'(in) = −∂E/∂in, the convention of the update w ← w + α·a·Δ: flip the sign.`);
      }
      if (near(2 * want) || near(-2 * want)) {
        throw new CheckError(ex, `${what} should be ${fmt(want)}, you returned ${fmt(got)}, ${near(2 * want) ? "" : "minus "}twice that: you differentiated E = (y − a)² (the convention without the ½). This exercise's E = ½(y − a)², so Δ = (y − a)·σ'(in).`);
      }
    }
    expectClose(ex, what, got, want, { atol: 1e-12, rtol: 1e-9 });
  }
  passed(ex);
}

export interface DenseGrads { dW: number[][]; db: number[]; dx: number[] }
export type DenseBackward = (x: number[], W: number[][], b: number[], dOut: number[]) => DenseGrads;

/** Forward pass of the exercise's layer, a = tanh(W x + b). */
function denseTanhForward(x: ArrayLike<number>, W: number[][], b: ArrayLike<number>): number[] {
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
