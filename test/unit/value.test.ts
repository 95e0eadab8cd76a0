import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Value, value, dot, matVec, addVec, sum, values, zeroGrads } from "../../src/scratch/value";
import { numericalDerivative, relativeError } from "../../src/scratch/gradient-check";
import { Rng } from "../../src/random";

before(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

// Each unary op, its domain for random inputs, and the plain-number function it must match.
const unary: [string, (v: Value) => Value, (x: number) => number, [number, number]][] = [
  ["exp", (v) => v.exp(), Math.exp, [-3, 3]],
  ["log", (v) => v.log(), Math.log, [0.1, 5]],
  ["sin", (v) => v.sin(), Math.sin, [-4, 4]],
  ["cos", (v) => v.cos(), Math.cos, [-4, 4]],
  ["tanh", (v) => v.tanh(), Math.tanh, [-3, 3]],
  ["sigmoid", (v) => v.sigmoid(), (x) => 1 / (1 + Math.exp(-x)), [-6, 6]],
  ["relu", (v) => v.relu(), (x) => Math.max(0, x), [-3, 3]],
  ["leakyRelu", (v) => v.leakyRelu(0.1), (x) => (x > 0 ? x : 0.1 * x), [-3, 3]],
  ["neg", (v) => v.neg(), (x) => -x, [-3, 3]],
  ["pow 3", (v) => v.pow(3), (x) => x ** 3, [-2, 2]],
  ["pow -1.5", (v) => v.pow(-1.5), (x) => x ** -1.5, [0.3, 3]],
  ["pow 0.5", (v) => v.pow(0.5), Math.sqrt, [0.2, 4]],
];

for (const [name, op, ref, [lo, hi]] of unary) {
  test(`${name}: value and gradient match finite differences on random inputs`, () => {
    const rng = new Rng(name.length * 7 + 1);
    for (let t = 0; t < 25; t++) {
      let x = rng.uniform(lo, hi);
      if ((name === "relu" || name === "leakyRelu") && Math.abs(x) < 1e-3) x += 0.01; // away from the kink
      const v = value(x);
      const out = op(v);
      assert.ok(Math.abs(out.data - ref(x)) <= 1e-12 * (1 + Math.abs(ref(x))), `${name}(${x}) = ${out.data}, expected ${ref(x)}`);
      out.backward();
      const num = numericalDerivative(ref, x);
      assert.ok(relativeError(v.grad, num) < 1e-7 || Math.abs(v.grad - num) < 1e-9, `${name}'(${x}): autograd ${v.grad}, numerical ${num}`);
    }
  });
}

const binary: [string, (a: Value, b: Value) => Value, (a: number, b: number) => number][] = [
  ["add", (a, b) => a.add(b), (a, b) => a + b],
  ["sub", (a, b) => a.sub(b), (a, b) => a - b],
  ["mul", (a, b) => a.mul(b), (a, b) => a * b],
  ["div", (a, b) => a.div(b), (a, b) => a / b],
];

for (const [name, op, ref] of binary) {
  test(`${name}: both partial derivatives match finite differences`, () => {
    const rng = new Rng(100 + name.length);
    for (let t = 0; t < 25; t++) {
      const x = rng.uniform(-3, 3);
      let y = rng.uniform(-3, 3);
      if (name === "div" && Math.abs(y) < 0.2) y += 0.5;
      const a = value(x), b = value(y);
      const out = op(a, b);
      assert.ok(Math.abs(out.data - ref(x, y)) < 1e-12 * (1 + Math.abs(ref(x, y))));
      out.backward();
      const da = numericalDerivative((u) => ref(u, y), x), db = numericalDerivative((u) => ref(x, u), y);
      assert.ok(relativeError(a.grad, da) < 1e-7, `∂${name}/∂a at (${x}, ${y}): ${a.grad} vs ${da}`);
      assert.ok(relativeError(b.grad, db) < 1e-7, `∂${name}/∂b at (${x}, ${y}): ${b.grad} vs ${db}`);
    }
  });
}

test("numbers mix with Values on either operand", () => {
  const x = value(2);
  const y = x.mul(3).add(1).sub(x.div(4)); // 3x + 1 − x/4
  y.backward();
  assert.equal(y.data, 6.5);
  assert.equal(x.grad, 2.75);
});

test("a node used twice gets the sum of both contributions", () => {
  const x = value(3);
  const y = x.mul(x).add(x); // x² + x
  y.backward();
  assert.equal(x.grad, 7);
});

test("whole expressions: gradients agree with tf.grad (float32 tolerance)", () => {
  const rng = new Rng(7);
  for (let t = 0; t < 10; t++) {
    const [a0, b0, c0] = [rng.uniform(-1.5, 1.5), rng.uniform(-1.5, 1.5), rng.uniform(0.5, 2)];
    // f(a,b,c) = tanh(a·b + c)·σ(a − b) + log(c)·exp(−a²) + relu(b)·c / (1 + c²)
    const a = value(a0), b = value(b0), c = value(c0);
    const f = a.mul(b).add(c).tanh().mul(a.sub(b).sigmoid())
      .add(c.log().mul(a.pow(2).neg().exp()))
      .add(b.relu().mul(c).div(c.pow(2).add(1)));
    f.backward();
    const tfF = (v: tf.Tensor) => {
      const [ta, tb, tc] = [v.slice(0, 1), v.slice(1, 1), v.slice(2, 1)];
      return tf.tanh(ta.mul(tb).add(tc)).mul(tf.sigmoid(ta.sub(tb)))
        .add(tf.log(tc).mul(tf.exp(ta.square().neg())))
        .add(tf.relu(tb).mul(tc).div(tc.square().add(1))).sum();
    };
    const g = tf.tidy(() => tf.grad(tfF)(tf.tensor1d([a0, b0, c0])).dataSync());
    const fv = tf.tidy(() => tfF(tf.tensor1d([a0, b0, c0])).dataSync()[0]);
    assert.ok(Math.abs(fv - f.data) < 1e-5, `f: ${f.data} vs tf ${fv}`);
    [a, b, c].forEach((v, i) => assert.ok(Math.abs(v.grad - g[i]) <= 1e-4 * (1 + Math.abs(g[i])), `grad ${i}: ${v.grad} vs tf ${g[i]}`));
  }
});

test("a small neuron built with dot/matVec matches tf.grad", () => {
  const rng = new Rng(11);
  const W0 = [[rng.normal(), rng.normal(), rng.normal()], [rng.normal(), rng.normal(), rng.normal()]];
  const x0 = [rng.normal(), rng.normal(), rng.normal()];
  const W = W0.map((r) => values(r));
  const x = values(x0);
  const h = matVec(W, x).map((v) => v.tanh());
  const loss = sum(h.map((v) => v.pow(2)));
  loss.backward();
  const g = tf.tidy(() => tf.grad((w: tf.Tensor) => tf.tanh(tf.matMul(w, tf.tensor2d(x0, [3, 1]))).square().sum())(tf.tensor2d(W0)).arraySync() as number[][]);
  W.forEach((row, j) => row.forEach((w, i) => assert.ok(Math.abs(w.grad - g[j][i]) < 1e-4 * (1 + Math.abs(g[j][i])))));
});

test("backward on a long chain (deeper than the call stack) works", () => {
  const x = value(1);
  let y: Value = x;
  for (let i = 0; i < 50000; i++) y = y.mul(1.00001);
  y.backward();
  assert.ok(Math.abs(x.grad - 1.00001 ** 50000) < 1e-9 * x.grad);
});

test("bad inputs: NaN and infinite data are refused with a message", () => {
  assert.throws(() => value(NaN), /not a finite number/);
  assert.throws(() => value(Infinity), /not a finite number/);
  assert.throws(() => value(-1).log(), /log is only defined for positive numbers, got log\(-1\)/);
  assert.throws(() => value(0).log(), /positive/);
  assert.throws(() => value(-2).pow(0.5), /result of \^0\.5\(-2\) is NaN/);
  assert.throws(() => value(1000).exp(), /exp overflow|not a finite number/);
  assert.throws(() => value(1).div(0), /division by zero/);
  assert.throws(() => value(1).pow(NaN), /exponent must be a finite number/);
  assert.throws(() => value(2).add(NaN), /not a finite number/);
});

test("running backward twice without zeroGrad is an error, zeroGrad makes it work", () => {
  const x = value(2, "x");
  const y = x.mul(x);
  y.backward();
  assert.equal(x.grad, 4);
  assert.throws(() => y.backward(), /already has grad .* Call zeroGrad\(\)/);
  y.zeroGrad();
  y.backward();
  assert.equal(x.grad, 4);
  y.zeroGrad();
  y.backward();
  y.backward({ accumulate: true });
  assert.equal(x.grad, 8);
});

test("a parameter reused in a new graph after a step must be zeroed first", () => {
  const w = value(0.5, "w");
  const loss1 = w.mul(3).pow(2);
  loss1.backward();
  const loss2 = w.mul(2).pow(2); // a new graph sharing the leaf w
  assert.throws(() => loss2.backward(), /node #\d+ \(leaf w\) already has grad/);
  zeroGrads([w]);
  loss2.backward();
  assert.equal(w.grad, 4);
});

test("a cycle in the graph is detected instead of looping", () => {
  const a = value(1, "a");
  const b = a.mul(2);
  const c = b.add(1);
  // Nothing in the public API makes a cycle; simulate a corrupted graph.
  (a as unknown as { children: Value[] }).children = [c];
  assert.throws(() => c.backward(), /cycle/);
});

test("vector form: shape mismatches are refused", () => {
  assert.throws(() => dot(values([1, 2]), values([1, 2, 3])), /dot: shape mismatch, 2 entries vs 3/);
  assert.throws(() => matVec([values([1, 2]), values([3])], values([1, 2])), /row 1 of W has 1 entries but x has 2/);
  assert.throws(() => addVec(values([1]), [1, 2]), /addVec: shape mismatch/);
  const d = dot(values([1, 2, 3]), [4, 5, 6]);
  assert.equal(d.data, 32);
});
