/**
 * Exercise checks of lab 02b (what a network can represent). Both exercises
 * build, by hand, the networks behind the universal approximation theorem;
 * the checks evaluate the student's network and compare it with the function
 * it should compute.
 */
import { callStudent, expect, expectClose, fmt, passed } from "../check";
import { Rng } from "../random";
import { relu, sigmoid } from "../scratch/activations";

/** A network with one input, one hidden layer and one linear output unit: b2 + Σ_j w2[j]·g(w1[j]·x + b1[j]). */
export interface OneHiddenLayer {
  w1: number[];
  b1: number[];
  w2: number[];
  b2: number;
}

/** Evaluates a one-hidden-layer network with activation g at x. */
function oneHiddenLayerOutput(net: OneHiddenLayer, g: (z: number) => number, x: number): number {
  let out = net.b2;
  for (let j = 0; j < net.w1.length; j++) out += net.w2[j] * g(net.w1[j] * x + net.b1[j]);
  return out;
}

function checkShape(ex: string, net: unknown, maxUnits?: number): OneHiddenLayer {
  const n = net as OneHiddenLayer;
  const arrays = n && [n.w1, n.b1, n.w2].every((a) => Array.isArray(a) && a.every((v) => typeof v === "number" && Number.isFinite(v)));
  expect(ex, !!arrays && n.w1.length === n.b1.length && n.w1.length === n.w2.length && typeof n.b2 === "number" && Number.isFinite(n.b2),
    `return {w1, b1, w2: arrays of finite numbers, one entry per hidden unit, and b2: a number}, got ${JSON.stringify(net)}.`);
  if (maxUnits !== undefined) expect(ex, n.w1.length <= maxUnits, `use at most ${maxUnits} hidden units (one per gap between knots), got ${n.w1.length}.`);
  return n;
}

/** h·(σ(s(x − a)) − σ(s(x − b))): the bump the exercise asks for. */
function sigmoidBumpValue(a: number, b: number, height: number, steepness: number, x: number): number {
  return height * (sigmoid(steepness * (x - a)) - sigmoid(steepness * (x - b)));
}

/**
 * Exercise "sigmoid-bump": two sigmoid units and a linear output with no bias
 * make h·(σ(s(x − a)) − σ(s(x − b))), about h on (a, b) and about 0 outside.
 */
export function checkSigmoidBump(bump: (a: number, b: number, height: number, steepness: number) => OneHiddenLayer): void {
  const ex = "sigmoid-bump";
  const rng = new Rng(2021);
  const cases: [number, number, number, number][] = [[0.2, 0.5, 1, 50], [-1, 1, -2, 10], [3, 7, 0.5, 4]];
  for (let t = 0; t < 5; t++) {
    const a = rng.uniform(-3, 3);
    cases.push([a, a + rng.uniform(0.2, 2), rng.uniform(-3, 3), rng.uniform(5, 100)]);
  }
  for (const [a, b, h, s] of cases) {
    const net = checkShape(ex, callStudent(ex, bump, a, b, h, s));
    expect(ex, net.w1.length === 2, `the bump needs exactly 2 hidden units, got ${net.w1.length}.`);
    expect(ex, net.b2 === 0, `the output unit has no bias here (b2 = 0), got b2 = ${fmt(net.b2)}.`);
    for (let k = 0; k <= 40; k++) {
      const x = a - 1 + ((b - a + 2) * k) / 40;
      expectClose(ex, `bump(${fmt(a)}, ${fmt(b)}, height ${fmt(h)}, steepness ${fmt(s)}) at x = ${fmt(x)}`,
        oneHiddenLayerOutput(net, sigmoid, x), sigmoidBumpValue(a, b, h, s, x), { atol: 1e-9, rtol: 1e-9 });
    }
  }
  passed(ex, `${cases.length} bumps, 41 points each`);
}

/** The piecewise-linear function through the knots (xs sorted increasingly), at x in [xs[0], xs[n−1]]. */
function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  let i = 0;
  while (i < xs.length - 2 && x > xs[i + 1]) i++;
  return ys[i] + ((ys[i + 1] - ys[i]) * (x - xs[i])) / (xs[i + 1] - xs[i]);
}

/**
 * Exercise "relu-interpolant": a one-hidden-layer ReLU network with at most
 * n − 1 units equal to the piecewise-linear interpolant of n knots on [x₀, x_{n−1}].
 */
export function checkReluInterpolant(build: (xs: number[], ys: number[]) => OneHiddenLayer): void {
  const ex = "relu-interpolant";
  const rng = new Rng(2022);
  const cases: [number[], number[]][] = [[[0, 1], [2, -1]], [[0, 1, 2], [0, 1, 0]], [[-1, 0, 0.5, 2], [1, 1, -2, 3]]];
  for (let t = 0; t < 6; t++) {
    const n = 3 + rng.int(8);
    const xs = [rng.uniform(-3, 0)];
    for (let i = 1; i < n; i++) xs.push(xs[i - 1] + rng.uniform(0.1, 1.5));
    cases.push([xs, xs.map(() => rng.uniform(-2, 2))]);
  }
  for (const [xs, ys] of cases) {
    const net = checkShape(ex, callStudent(ex, build, xs.slice(), ys.slice()), xs.length - 1);
    const scale = Math.max(1, ...ys.map(Math.abs));
    const probe = [...xs];
    for (let k = 0; k < 60; k++) probe.push(xs[0] + ((xs[xs.length - 1] - xs[0]) * (k + rng.next())) / 60);
    for (const x of probe) {
      expectClose(ex, `your network for the ${xs.length} knots x = [${xs.map((v) => v.toFixed(2)).join(", ")}] at x = ${fmt(x)}`,
        oneHiddenLayerOutput(net, relu, x), interpolate(xs, ys, x), { atol: 1e-9 * scale, rtol: 1e-9 });
    }
  }
  passed(ex, `${cases.length} sets of knots, at the knots and 60 points between`);
}
