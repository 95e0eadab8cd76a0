/**
 * Checks for the exercises of lab 04, "Loss functions". Each calls the
 * student's function on inputs of its own and compares with the library's
 * reference in src/losses.ts.
 */
import { CheckError, callStudent, expect, expectAllClose, expectClose, fmt, passed } from "../check";
import { Rng } from "../random";
import { balancedClassWeights, focalLoss, nllLoss, softmax } from "../losses";

/** Exercise "stable-softmax": (z: number[]) => number[], finite even for z = 1000. */
export function checkStableSoftmax(stableSoftmax: (z: number[]) => ArrayLike<number>): void {
  const ex = "stable-softmax";
  const rng = new Rng(404);
  const inputs = [[-1, 0, 1, 2, 4], [3], [1000, 999, 990], [-1000, -1001, -1002], [0, 0, 0, 0], Array.from({ length: 6 }, () => rng.normal(0, 5))];
  for (const z of inputs) {
    const got = callStudent(ex, stableSoftmax, [...z]);
    const arr = Array.from(got ?? []);
    if (arr.some((v) => !Number.isFinite(v))) {
      throw new CheckError(ex, `for z = ${fmt(z)} you returned ${fmt(arr)}, which is not finite. e^1000 overflows: subtract max(z) from every score before exponentiating.`);
    }
    expectAllClose(ex, `softmax(${fmt(z)})`, arr, softmax(z), { atol: 1e-9, rtol: 1e-7 });
  }
  passed(ex);
}

/** Exercise "cross-entropy": (yTrue one-hot, yPred probabilities) => −Σ y log ŷ with the natural log. */
export function checkCrossEntropy(crossEntropy: (yTrue: number[], yPred: number[]) => number): void {
  const ex = "cross-entropy";
  const cases: [number[], number[]][] = [
    [[0, 0, 1, 0, 0], [0.05, 0.05, 0.8, 0.05, 0.05]],
    [[0, 0, 1, 0, 0], [0.2, 0.2, 0.2, 0.2, 0.2]],
    [[1, 0], [0.999, 0.001]],
    [[0, 1, 0], [0.7, 0.1, 0.2]],
  ];
  for (const [y, p] of cases) {
    const got = callStudent(ex, crossEntropy, [...y], [...p]);
    const want = nllLoss([y.indexOf(1)], p, p.length);
    if (typeof got === "number" && Math.abs(got - want / Math.LN10) < 1e-9 && Math.abs(want) > 1e-9) {
      throw new CheckError(ex, `for ŷ = ${fmt(p)} you returned ${fmt(got)}, which is the base-10 value; use the natural log (Math.log), as frameworks do.`);
    }
    expectClose(ex, `crossEntropy(${fmt(y)}, ${fmt(p)})`, got, want, { atol: 1e-9, rtol: 1e-9 });
  }
  passed(ex);
}

/** Exercise "balanced-weights": (labels, k) => α_c = n / (k·n_c). */
export function checkBalancedWeights(classWeights: (labels: number[], k: number) => ArrayLike<number>): void {
  const ex = "balanced-weights";
  const rng = new Rng(7);
  const cases: [number[], number][] = [
    [[0, 0, 0, 0, 0, 0, 1, 1, 2], 3],
    [[1, 0, 1, 1], 2],
    [Array.from({ length: 50 }, (_, i) => (i < 40 ? 0 : i < 48 ? 1 + rng.int(2) : 3)), 4],
  ];
  for (const [y, k] of cases) {
    const got = callStudent(ex, classWeights, [...y], k);
    expectAllClose(ex, `classWeights(labels with counts ${fmt(Array.from({ length: k }, (_, c) => y.filter((v) => v === c).length))}, ${k})`, Array.from(got ?? []), balancedClassWeights(y, k), { atol: 1e-12, rtol: 1e-9 });
  }
  passed(ex);
}

/** Exercise "focal-loss": (pTrue, gamma) => −(1 − p)^γ log p for one example. */
export function checkFocalLoss(focal: (pTrue: number, gamma: number) => number): void {
  const ex = "focal-loss";
  for (const gamma of [0, 0.5, 1, 2, 5]) {
    for (const p of [0.01, 0.2, 0.5, 0.9, 0.999]) {
      const got = callStudent(ex, focal, p, gamma);
      expectClose(ex, `focal(p=${p}, γ=${gamma})`, got, focalLoss([0], [p, 1 - p], 2, { gamma }), { atol: 1e-12, rtol: 1e-9 });
    }
  }
  const atOne = callStudent(ex, focal, 1, 2);
  expect(ex, atOne === 0, `a perfectly confident right answer (p = 1) should cost 0, got ${fmt(atOne)}.`);
  passed(ex);
}
