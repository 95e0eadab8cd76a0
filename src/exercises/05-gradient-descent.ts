/**
 * Checks for the exercises of lab 05, "Gradient descent and optimizers". Each
 * calls the student's function on inputs of its own and compares with a
 * reference: the lecture's update rules written out here, or src/optim.ts.
 */
import { CheckError, callStudent, expectAllClose, expectClose, fmt, passed } from "../check";
import { Rng } from "../random";
import { adam, inverseTimeDecay, momentum } from "../optim";

/**
 * Reference for "linreg-batch-step": one step of the lecture's batch rule for
 * h(x) = w1·x + w0: w0 ← w0 + α Σ (y − h(x)), w1 ← w1 + α Σ (y − h(x))·x.
 */
export function linregBatchStepReference(w0: number, w1: number, xs: ArrayLike<number>, ys: ArrayLike<number>, alpha: number): [number, number] {
  if (xs.length !== ys.length) throw new Error(`linregBatchStep: ${xs.length} inputs but ${ys.length} targets.`);
  let s0 = 0;
  let s1 = 0;
  for (let j = 0; j < xs.length; j++) {
    const r = ys[j] - (w1 * xs[j] + w0);
    s0 += r;
    s1 += r * xs[j];
  }
  return [w0 + alpha * s0, w1 + alpha * s1];
}

/** Exercise "linreg-batch-step": (w0, w1, xs, ys, alpha) => [w0, w1] after one batch step. */
export function checkLinregBatchStep(step: (w0: number, w1: number, xs: number[], ys: number[], alpha: number) => ArrayLike<number>): void {
  const ex = "linreg-batch-step";
  const rng = new Rng(505);
  const cases: [number, number, number[], number[], number][] = [
    [0, 0, [1, 2, 3], [2, 4, 6], 0.01],
    [0.5, -1, [0, 1], [1, 1], 0.1],
  ];
  const xs = Array.from({ length: 20 }, () => rng.uniform(-2, 2));
  cases.push([rng.normal(), rng.normal(), xs, xs.map((x) => 3 * x - 1 + rng.normal(0, 0.3)), 0.005]);
  for (const [w0, w1, x, y, a] of cases) {
    const got = callStudent(ex, step, w0, w1, [...x], [...y], a);
    const want = linregBatchStepReference(w0, w1, x, y, a);
    const arr = Array.from(got ?? []);
    if (arr.length === 2) {
      // the per-example rule applied in sequence is a common mix-up; say so
      let p0 = w0, p1 = w1;
      for (let j = 0; j < x.length; j++) {
        const r = y[j] - (p1 * x[j] + p0);
        p0 += a * r;
        p1 += a * r * x[j];
      }
      if (x.length > 1 && Math.abs(arr[0] - p0) < 1e-12 && Math.abs(arr[1] - p1) < 1e-12 && Math.abs(p0 - want[0]) > 1e-9) {
        throw new CheckError(ex, `you updated the weights after every example (the stochastic rule); the batch rule sums the errors of all examples at the *old* weights, then updates once.`);
      }
    }
    expectAllClose(ex, `step(w0=${fmt(w0)}, w1=${fmt(w1)}, ${x.length} points, α=${a})`, arr, want, { atol: 1e-10, rtol: 1e-9 });
  }
  passed(ex);
}

/** Exercise "lr-decay": (lr0, decay, t) => lr0 / (1 + decay·t). */
export function checkLrDecay(decayed: (lr0: number, decay: number, t: number) => number): void {
  const ex = "lr-decay";
  for (const [lr0, d] of [[0.01, 1e-6], [0.1, 0.5], [1, 0.01]]) {
    const sched = inverseTimeDecay(lr0, d);
    for (const t of [0, 1, 10, 1000, 100000]) {
      expectClose(ex, `decayed(${lr0}, ${d}, t=${t})`, callStudent(ex, decayed, lr0, d, t), sched(t), { atol: 0, rtol: 1e-12 });
    }
  }
  passed(ex);
}

/** Exercise "momentum-step": one step of v ← μv − η g, w ← w + v, returning the new w and v. */
export function checkMomentumStep(step: (w: number[], v: number[], grad: number[], lr: number, mu: number) => { w: ArrayLike<number>; v: ArrayLike<number> }): void {
  const ex = "momentum-step";
  const rng = new Rng(55);
  const w = [rng.normal(), rng.normal(), rng.normal()];
  let v = [0, 0, 0];
  const ref = momentum(0.05, 0.9, false, "velocity");
  const wRef = Float64Array.from(w);
  let wStudent = [...w];
  for (let t = 0; t < 5; t++) {
    const g = [rng.normal(), rng.normal(0, 3), rng.normal(0, 0.1)];
    const out = callStudent(ex, step, [...wStudent], [...v], [...g], 0.05, 0.9);
    if (!out || typeof out !== "object" || !("w" in out) || !("v" in out)) throw new CheckError(ex, `return an object {w, v}, got ${fmt(out)}.`);
    ref.step(wRef, g);
    expectAllClose(ex, `w after step ${t + 1}`, Array.from(out.w), wRef, { atol: 1e-12, rtol: 1e-9 });
    wStudent = Array.from(out.w);
    v = Array.from(out.v);
  }
  passed(ex, "5 steps match");
}

export interface AdamState {
  m: number[];
  v: number[];
  /** Steps taken before this one (0 on the first call). */
  t: number;
}

/** Exercise "adam-step": one Adam step with bias correction; returns the new w and state. */
export function checkAdamStep(step: (w: number[], grad: number[], state: AdamState, lr: number, beta1: number, beta2: number, eps: number) => { w: ArrayLike<number>; state: AdamState }): void {
  const ex = "adam-step";
  const rng = new Rng(5005);
  const ref = adam(0.01, 0.9, 0.999, 1e-7);
  const wRef = Float64Array.from([rng.normal(), rng.normal(), rng.normal(), rng.normal()]);
  let w = Array.from(wRef);
  let state: AdamState = { m: [0, 0, 0, 0], v: [0, 0, 0, 0], t: 0 };
  for (let t = 0; t < 10; t++) {
    const g = [rng.normal(), rng.normal(0, 10), rng.normal(0, 0.01), t % 2 ? 1 : -1];
    const out = callStudent(ex, step, [...w], [...g], { m: [...state.m], v: [...state.v], t: state.t }, 0.01, 0.9, 0.999, 1e-7);
    if (!out || typeof out !== "object" || !out.state) throw new CheckError(ex, `return an object {w, state: {m, v, t}}, got ${fmt(out)}.`);
    ref.step(wRef, g);
    if (t === 0) {
      // a missing bias correction shows at once: the first step is 10× too small
      const noCorr = w.map((wi, i) => wi - (0.01 * 0.1 * g[i]) / (Math.sqrt(0.001 * g[i] * g[i]) + 1e-7));
      if (Array.from(out.w).every((x, i) => Math.abs(x - noCorr[i]) < 1e-12)) {
        throw new CheckError(ex, "your first step equals Adam without bias correction; divide m by (1 − β₁ᵗ) and v by (1 − β₂ᵗ), with t counting from 1.");
      }
    }
    expectAllClose(ex, `w after step ${t + 1}`, Array.from(out.w), wRef, { atol: 1e-12, rtol: 1e-9 });
    expectClose(ex, `state.t after step ${t + 1}`, out.state.t, t + 1, { atol: 0, rtol: 0 });
    w = Array.from(out.w);
    state = out.state;
  }
  passed(ex, "10 steps match");
}
