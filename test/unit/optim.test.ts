import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../../src/random";
import * as O from "../../src/optim";

before(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

let worst = { err: 0, what: "" };
after(() => console.log(`largest relative disagreement with tf.train: ${worst.err.toExponential(2)} (${worst.what})`));

const D = 6;
const STEPS = 60;
// Float32 state against float64 state, compounded over 60 steps.
const TOL = 1e-5;

/** A fixed sequence of float32-representable gradients, so both sides see exactly the same input. */
function gradientSequence(seed: number): Float64Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: STEPS }, () => Float64Array.from({ length: D }, () => Math.fround(rng.normal(0, rng.uniform(0.1, 3)))));
}

/**
 * Feeds the same gradients to our optimizer and to tf.train's, and compares
 * the parameters after every step. Returns the largest relative error.
 */
function matchStepForStep(name: string, ours: O.Optimizer, theirs: tf.Optimizer, seed: number, onStep?: (t: number) => void): number {
  const rng = new Rng(seed + 1000);
  const x0 = Float64Array.from({ length: D }, () => Math.fround(rng.normal()));
  const w = Float64Array.from(x0);
  const v = tf.variable(tf.tensor1d(Array.from(x0)));
  let maxErr = 0;
  gradientSequence(seed).forEach((g, t) => {
    onStep?.(t);
    ours.step(w, g);
    tf.tidy(() => theirs.applyGradients({ [v.name]: tf.tensor1d(Array.from(g)) }));
    const tv = v.dataSync();
    for (let i = 0; i < D; i++) {
      const err = Math.abs(w[i] - tv[i]) / Math.max(1, Math.abs(w[i]));
      maxErr = Math.max(maxErr, err);
      assert.ok(err <= TOL, `${name}: step ${t + 1}, parameter ${i}: ours ${w[i]}, tfjs ${tv[i]} (relative error ${err.toExponential(2)})`);
    }
  });
  v.dispose();
  theirs.dispose();
  if (maxErr > worst.err) worst = { err: maxErr, what: name };
  return maxErr;
}

const cases: [string, () => O.Optimizer, () => tf.Optimizer][] = [
  ["sgd", () => O.sgd(0.1), () => tf.train.sgd(0.1)],
  ["momentum", () => O.momentum(0.05, 0.9), () => tf.train.momentum(0.05, 0.9)],
  ["momentum (velocity form)", () => O.momentum(0.05, 0.9, false, "velocity"), () => tf.train.momentum(0.05, 0.9)],
  ["nesterov", () => O.momentum(0.05, 0.9, true), () => tf.train.momentum(0.05, 0.9, true)],
  ["nesterov (velocity form)", () => O.momentum(0.05, 0.9, true, "velocity"), () => tf.train.momentum(0.05, 0.9, true)],
  ["rmsprop", () => O.rmsprop(0.01), () => tf.train.rmsprop(0.01)],
  ["rmsprop ρ=0.8 μ=0.5 ε=1e-4", () => O.rmsprop(0.01, 0.8, 0.5, 1e-4), () => tf.train.rmsprop(0.01, 0.8, 0.5, 1e-4)],
  ["rmsprop centered", () => O.rmsprop(0.01, 0.9, 0.3, 1e-7, true), () => tf.train.rmsprop(0.01, 0.9, 0.3, 1e-7, true)],
  ["adam", () => O.adam(0.01), () => tf.train.adam(0.01)],
  ["adam β=(0.8, 0.99) ε=1e-3", () => O.adam(0.05, 0.8, 0.99, 1e-3), () => tf.train.adam(0.05, 0.8, 0.99, 1e-3)],
];

cases.forEach(([name, ours, theirs], i) => {
  test(`${name} matches tf.train step for step over ${STEPS} steps`, () => {
    matchStepForStep(name, ours(), theirs(), 10 + i);
  });
});

test("with the lecture's decay η/(1 + decay·t), sgd and momentum (accumulation form) match tfjs given setLearningRate each step", () => {
  const schedule = O.inverseTimeDecay(0.1, 0.05);
  for (const [name, ours, theirs] of [
    ["sgd+decay", O.sgd(schedule), tf.train.sgd(0.1)],
    ["momentum+decay", O.momentum(schedule, 0.9), tf.train.momentum(0.1, 0.9)],
  ] as const) {
    matchStepForStep(name, ours, theirs, 7, (t) => theirs.setLearningRate(schedule(t)));
  }
});

test("momentum: the velocity and accumulation forms agree for a constant rate and differ under decay", () => {
  const gs = gradientSequence(3);
  const run = (opt: O.Optimizer) => {
    const w = new Float64Array(D);
    for (const g of gs) opt.step(w, g);
    return w;
  };
  const a = run(O.momentum(0.05, 0.9));
  const v = run(O.momentum(0.05, 0.9, false, "velocity"));
  for (let i = 0; i < D; i++) assert.ok(Math.abs(a[i] - v[i]) < 1e-12, `constant rate: ${a[i]} vs ${v[i]}`);
  const sched = O.inverseTimeDecay(0.05, 0.5);
  const a2 = run(O.momentum(sched, 0.9));
  const v2 = run(O.momentum(sched, 0.9, false, "velocity"));
  const gap = Math.max(...a2.map((x, i) => Math.abs(x - v2[i])));
  assert.ok(gap > 1e-3, `under decay the forms should differ, largest gap ${gap}`);
});

test("the seed's momentum rule v ← μv − η∇, θ ← θ + v, worked by hand for two steps", () => {
  // θ0 = 1, gradients 2 then 4, η = 0.1, μ = 0.9: v1 = −0.2, θ1 = 0.8; v2 = −0.18 − 0.4 = −0.58, θ2 = 0.22
  const w = Float64Array.of(1);
  const opt = O.momentum(0.1, 0.9, false, "velocity");
  opt.step(w, [2]);
  assert.ok(Math.abs(w[0] - 0.8) < 1e-12, `after step 1: ${w[0]}`);
  opt.step(w, [4]);
  assert.ok(Math.abs(w[0] - 0.22) < 1e-12, `after step 2: ${w[0]}`);
});

test("adam's first step moves every parameter by about η against the gradient's sign (bias correction)", () => {
  const w = Float64Array.of(0, 0, 0);
  O.adam(0.01).step(w, [5, -0.001, 300]);
  for (const [i, s] of [[0, -1], [1, 1], [2, -1]]) assert.ok(Math.abs(w[i] - s * 0.01) < 1e-4, `w[${i}] = ${w[i]}`);
});

test("inverseTimeDecay gives η/(1 + decay·t)", () => {
  const s = O.inverseTimeDecay(0.01, 1e-2);
  assert.equal(s(0), 0.01);
  assert.ok(Math.abs(s(100) - 0.005) < 1e-15);
});

test("minimize: gradient descent converges on the valley and stops cleanly when it diverges", () => {
  const valley = O.quadraticValley(1, 10);
  const ok = O.minimize(valley, [1, 1], O.sgd(0.1), 200);
  assert.equal(ok.divergedAt, undefined);
  assert.ok(ok.losses[200] < 1e-8, `final loss ${ok.losses[200]}`);
  // η > 2/b = 0.2 makes the steep direction blow up
  const bad = O.minimize(valley, [1, 1], O.sgd(0.25), 2000);
  assert.notEqual(bad.divergedAt, undefined, "expected a divergence to be reported");
  assert.ok(bad.losses.every(Number.isFinite));
  // Adam reaches Rosenbrock's minimum (1, 1)
  const r = O.minimize(O.rosenbrock(), [-1.5, 2], O.adam(0.02), 5000);
  const end = r.path.slice(-2);
  assert.ok(Math.hypot(end[0] - 1, end[1] - 1) < 0.05, `Adam ended at ${Array.from(end)}`);
});

test("objective gradients agree with finite differences", () => {
  for (const obj of [O.quadraticValley(2, 30), O.rosenbrock()]) {
    const x = [-0.7, 1.3];
    const g = obj.grad(x);
    for (let i = 0; i < 2; i++) {
      const h = 1e-6;
      const xp = [...x];
      const xm = [...x];
      xp[i] += h;
      xm[i] -= h;
      const num = (obj.f(xp) - obj.f(xm)) / (2 * h);
      assert.ok(Math.abs(num - g[i]) < 1e-4 * Math.max(1, Math.abs(num)), `${obj.name} ∂/∂x${i}: ${g[i]} vs numeric ${num}`);
    }
  }
});

test("bad inputs get clear errors", () => {
  assert.throws(() => O.sgd(0), /learningRate must be a finite number > 0, got 0/);
  assert.throws(() => O.sgd(NaN), /learningRate must be a finite number > 0, got NaN/);
  assert.throws(() => O.momentum(0.1, 1.2), /μ must be in \[0, 1\), got 1.2/);
  assert.throws(() => O.adam(0.1, 1), /beta1 must be in \[0, 1\)/);
  assert.throws(() => O.rmsprop(0.1, -0.1), /decay ρ must be in \[0, 1\)/);
  const opt = O.adam(0.1);
  assert.throws(() => opt.step(Float64Array.of(1, 2), [1, NaN]), /gradient\[1\] is NaN at step 0; the loss has probably diverged/);
  assert.throws(() => opt.step(Float64Array.of(1, 2), [1]), /the gradient has 1 entries but there are 2 parameters/);
  opt.step(Float64Array.of(1, 2), [1, 1]);
  assert.throws(() => opt.step(Float64Array.of(1, 2, 3), [1, 1, 1]), /was used for 2 parameters and now got 3/);
  assert.throws(() => opt.step([1, 2] as unknown as Float64Array, [1, 1]), /params must be a Float64Array/);
  assert.throws(() => O.sgd(() => -1).step(Float64Array.of(1), [1]), /schedule gave -1 at step 0/);
  assert.throws(() => O.minimize(O.rosenbrock(), [0, 0], O.sgd(0.1), -1), /steps must be an integer ≥ 0/);
});

test("linregBatchStepReference: one batch step of the lecture's rule, errors at the old weights", () => {
  // h(x) = 0.5x + 1 on (0, 2), (2, 2): errors 1 and 0, so w0 += α·1, w1 += α·(1·0 + 0·2)
  assert.deepEqual(O.linregBatchStepReference(1, 0.5, [0, 2], [2, 2], 0.1), [1.1, 0.5]);
  assert.throws(() => O.linregBatchStepReference(0, 0, [1, 2], [1], 0.1), /linregBatchStep: 2 inputs but 1 targets\./);
});
