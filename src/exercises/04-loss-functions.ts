/**
 * Checks for the exercises of lab 04, "Loss functions". Each calls the
 * student's function on inputs of its own and compares with the library's
 * reference in src/losses.ts.
 */
import { CheckError, callStudent, expect, expectAllClose, expectClose, fmt, passed } from "../check";
import { Rng } from "../random";
import { sigmoid } from "../scratch/activations";
import { balancedClassWeights, binaryCrossEntropyFromLogitsGrad, focalLoss, nllLoss } from "../losses";

/**
 * Exercise "bce-logit-grad": (yTrue, z) => ∂L/∂z_i of the mean binary
 * cross-entropy computed from logits, (σ(z_i) − y_i)/n. Checked on random
 * batches, soft labels and logits of ±1000, with a message for the usual
 * slips: the sum instead of the mean, the opposite sign, ∂L/∂p instead of ∂L/∂z.
 */
export function checkBceLogitGrad(grad: (yTrue: number[], z: number[]) => ArrayLike<number>): void {
  const ex = "bce-logit-grad";
  const rng = new Rng(405);
  const cases: [number[], number[]][] = [
    [[1, 0, 1, 1], [2, -1, 0, -3]],
    [[1], [0.5]],
    [[0, 1, 1, 0], [1000, -1000, 1000, -1000]],
    [[0.25, 0.9, 0.5], [-0.3, 4, 0]],
  ];
  for (let t = 0; t < 4; t++) {
    const n = 1 + rng.int(8);
    cases.push([Array.from({ length: n }, () => rng.int(2)), Array.from({ length: n }, () => rng.normal(0, 3))]);
  }
  for (const [y, z] of cases) {
    const got = Array.from(callStudent(ex, grad, [...y], [...z]) ?? []);
    const want = binaryCrossEntropyFromLogitsGrad(y, z);
    const what = `the gradient for y = ${fmt(y)}, z = ${fmt(z)}`;
    expect(ex, got.length === y.length, `${what} should have ${y.length} entries (one per logit), got ${fmt(got)}.`);
    expect(ex, got.every((v) => typeof v === "number" && Number.isFinite(v)), `${what} is ${fmt(got)}, which is not finite. ∂L/∂z = (σ(z) − y)/n needs no logarithm; σ(±1000) is 1 or 0.`);
    const close = (v: ArrayLike<number>) => got.every((g, i) => Math.abs(g - v[i]) <= 1e-12 + 1e-9 * Math.abs(v[i]));
    if (!close(want) && want.some((v) => Math.abs(v) > 1e-9)) {
      const n = y.length;
      if (n > 1 && close(want.map((v) => v * n))) throw new CheckError(ex, `${what}: you returned σ(z) − y, the gradient of the *sum*. The lab's losses are means over the n = ${n} examples: divide by n.`);
      if (close(want.map((v) => -v))) throw new CheckError(ex, `${what}: you returned (y − σ(z))/n, the gradient with the opposite sign. L grows as σ(z) moves away from y, so ∂L/∂z = (σ(z) − y)/n.`);
      const dp = z.map((zi, i) => { const p = sigmoid(zi); return (-y[i] / p + (1 - y[i]) / (1 - p)) / n; });
      if (close(dp)) throw new CheckError(ex, `${what}: you returned ∂L/∂p, the gradient with respect to the probability p = σ(z). Multiply by σ'(z) = σ(z)(1 − σ(z)) (the chain rule): the result simplifies to (σ(z) − y)/n.`);
    }
    expectAllClose(ex, what, got, want, { atol: 1e-12, rtol: 1e-9 });
  }
  passed(ex, `${cases.length} batches, including logits of ±1000`);
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
