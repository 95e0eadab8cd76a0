/**
 * Exercise checks of lab 03b (activation functions and vanishing gradients).
 * Each check calls the student's functions on inputs drawn here and compares
 * with the reference implementations in src/scratch/activations.ts (the
 * dead-unit count is defined here, where its check is).
 */
import { callStudent, expect, expectAllClose, expectClose, passed, fmt } from "../check";
import { Rng } from "../random";
import { sigmoidDeriv, tanhDeriv, leakyReluDeriv, softmax } from "../scratch/activations";

export interface Derivatives {
  sigmoid: (x: number) => number;
  tanh: (x: number) => number;
  leakyRelu: (x: number, alpha: number) => number;
}

/**
 * Exercise "activation-derivatives": σ′, tanh′ and leaky-ReLU′ at random
 * points and far out (±40, ±1000). Far out the derivatives are tiny or 0: a
 * correct formula must return a finite number there. (The naive
 * e^{−x}/(1 + e^{−x})² returns NaN at x = −1000, where e^{1000} = Infinity
 * and Infinity/Infinity is NaN; at +1000 it gives 0, which is right.)
 */
export function checkActivationDerivatives(d: Derivatives): void {
  const ex = "activation-derivatives";
  expect(ex, !!d && ["sigmoid", "tanh", "leakyRelu"].every((k) => typeof (d as unknown as Record<string, unknown>)[k] === "function"),
    "pass an object {sigmoid, tanh, leakyRelu} of three functions.");
  const rng = new Rng(351);
  const xs = [...Array.from({ length: 20 }, () => rng.uniform(-6, 6)), -40, 40, -1000, 1000, 0];
  for (const x of xs) {
    const sig = callStudent(ex, d.sigmoid, x);
    expect(ex, !(Math.abs(x) >= 40 && typeof sig === "number" && !Number.isFinite(sig)),
      `sigmoid'(${x}) should be ${fmt(sigmoidDeriv(x))}, got ${sig}. Far out e^{−x} overflows to Infinity (at x = −1000, e^{1000} does), and a quotient like e^{−x}/(1 + e^{−x})² becomes ∞/∞ = NaN; write σ'(x) = σ(x)(1 − σ(x)) with a σ that does not overflow.`);
    expectClose(ex, `sigmoid'(${x.toFixed(4)})`, sig, sigmoidDeriv(x), { atol: 1e-12, rtol: 1e-9 });
    expectClose(ex, `tanh'(${x.toFixed(4)})`, callStudent(ex, d.tanh, x), tanhDeriv(x), { atol: 1e-12, rtol: 1e-9 });
    if (x !== 0) {
      const alpha = [0.01, 0.1, 0.3][rng.int(3)];
      expectClose(ex, `leakyRelu'(${x.toFixed(4)}, alpha=${alpha})`, callStudent(ex, d.leakyRelu, x, alpha), leakyReluDeriv(x, alpha), { atol: 0, rtol: 0 });
    }
  }
  passed(ex, `${xs.length} points each`);
}

/** Exercise "softmax": a numerically stable softmax, checked on random vectors and on very large entries. */
export function checkSoftmax(studentSoftmax: (z: number[]) => number[]): void {
  const ex = "softmax";
  const rng = new Rng(352);
  const cases: number[][] = [[-1, 0, 1, 2, 4], [-1, 0, 1, 2, 8], [1000, 1001, 1002], [-1000, -1000], [3]];
  for (let t = 0; t < 8; t++) cases.push(Array.from({ length: 1 + rng.int(8) }, () => rng.normal(0, 5)));
  for (const z of cases) {
    const got = callStudent(ex, studentSoftmax, z.slice());
    const want = softmax(z);
    expectAllClose(ex, `softmax([${z.map((v) => +v.toFixed(3)).join(", ")}])`, got, want, { atol: 1e-12, rtol: 1e-9 });
  }
  passed(ex, `${cases.length} vectors, including entries of ±1000`);
}

/** A unit is dead on a batch if its pre-activation is ≤ 0 for every example (ReLU then outputs 0 and passes back no gradient). */
function referenceDeadUnits(pre: number[][]): number {
  if (pre.length === 0) return 0;
  let dead = 0;
  for (let j = 0; j < pre[0].length; j++) if (pre.every((row) => row[j] <= 0)) dead++;
  return dead;
}

/** Exercise "dead-relu": count the dead units of a layer from its pre-activations (rows = examples, columns = units). */
export function checkDeadUnits(countDead: (pre: number[][]) => number): void {
  const ex = "dead-relu";
  const rng = new Rng(353);
  for (let t = 0; t < 12; t++) {
    const n = 1 + rng.int(10), units = 1 + rng.int(8);
    // Shift some columns down so that dead units actually occur.
    const shift = Array.from({ length: units }, () => (rng.next() < 0.4 ? -3 : 0));
    const pre = Array.from({ length: n }, () => Array.from({ length: units }, (_, j) => rng.normal() + shift[j]));
    if (t === 0) { pre.forEach((r) => (r[0] = -Math.abs(r[0]))); pre[0][0] = 0; } // exactly 0 counts as inactive
    const got = callStudent(ex, countDead, pre.map((r) => r.slice()));
    const want = referenceDeadUnits(pre);
    expect(ex, got === want, `for a batch of ${n} examples × ${units} units the number of dead units is ${want}, you returned ${fmt(got)}.`);
  }
  passed(ex);
}
