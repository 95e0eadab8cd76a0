/**
 * Checks for the exercises of lab 05, "Gradient descent and optimizers". Each
 * calls the student's function on inputs of its own and compares with a
 * reference: the lecture's update rules written out here, or src/optim.ts.
 */
import { CheckError, callStudent, expectAllClose, expectClose, fmt, passed } from "../check";
import { Rng } from "../random";
import { adam, inverseTimeDecay, linregBatchStepReference, momentum } from "../optim";

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

/** The two other ways Adam is written, to name the convention of an answer that uses one of them. */
function otherAdamConvention(w: number[], g: number[], state: AdamState, lr: number, b1: number, b2: number, eps: number): { folded: number[]; epsInside: number[] } {
  const t = state.t + 1;
  const m = state.m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
  const v = state.v.map((vi, i) => b2 * vi + (1 - b2) * g[i] * g[i]);
  const lrT = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
  return {
    folded: w.map((wi, i) => wi - (lrT * m[i]) / (Math.sqrt(v[i]) + eps)),
    epsInside: w.map((wi, i) => wi - (lr * (m[i] / (1 - b1 ** t))) / Math.sqrt(v[i] / (1 - b2 ** t) + eps)),
  };
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
    const conv = otherAdamConvention(w, g, state, 0.01, 0.9, 0.999, 1e-7);
    const matches = (c: number[]) => Array.from(out.w).every((x, i) => Math.abs(x - c[i]) <= 1e-12 + 1e-9 * Math.abs(c[i]));
    if (!matches(Array.from(wRef)) && matches(conv.folded)) {
      throw new CheckError(ex, `w after step ${t + 1} is Adam in Keras/TensorFlow's form (the bias corrections folded into the rate, η·√(1 − β₂ᵗ)/(1 − β₁ᵗ), and ε added to √v). This exercise follows tf.train.adam and Kingma & Ba's Algorithm 1: w − η·m̂/(√v̂ + ε) with m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ). The two differ only through where ε goes.`);
    }
    if (!matches(Array.from(wRef)) && matches(conv.epsInside)) {
      throw new CheckError(ex, `w after step ${t + 1} puts ε inside the square root, √(v̂ + ε) (the convention of some texts and of RMSprop in tfjs). This exercise follows tf.train.adam: η·m̂/(√v̂ + ε).`);
    }
    expectAllClose(ex, `w after step ${t + 1}`, Array.from(out.w), wRef, { atol: 1e-12, rtol: 1e-9 });
    expectClose(ex, `state.t after step ${t + 1}`, out.state.t, t + 1, { atol: 0, rtol: 0 });
    w = Array.from(out.w);
    state = out.state;
  }
  passed(ex, "10 steps match");
}
