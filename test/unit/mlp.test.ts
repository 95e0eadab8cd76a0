import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { HandMlp } from "../../src/scratch/mlp";
import { gradientCheck } from "../../src/scratch/gradient-check";
import { Rng } from "../../src/random";

before(async () => { await tf.setBackend("cpu"); await tf.ready(); });

function batch(seed: number, n: number, d: number, k: number) {
  const rng = new Rng(seed);
  return { X: rng.normalArray(n * d), Y: Float64Array.from({ length: n * k }, () => rng.uniform(0, 1)) };
}

test("by-hand backward (sensitivity rules) passes a gradient check for every activation", () => {
  for (const act of ["sigmoid", "tanh", "identity"] as const) {
    const net = new HandMlp([3, 4, 3, 2], [act, act, "sigmoid"], 5);
    const { X, Y } = batch(1, 5, 3, 2);
    const { grad } = net.lossAndGradient(X, Y);
    const p = net.getParams();
    const r = gradientCheck((q) => { net.setParams(q); return net.loss(X, Y); }, p, grad);
    net.setParams(p);
    assert.ok(r.maxRelError < 1e-6, `${act}: max rel error ${r.maxRelError}`);
  }
});

test("by-hand gradients equal the Value autograd and tf.grad", () => {
  const net = new HandMlp([2, 3, 1], ["tanh", "sigmoid"], 9);
  const { X, Y } = batch(2, 4, 2, 1);
  const { loss, grad } = net.lossAndGradient(X, Y);
  const v = net.lossAsValue(X, Y);
  v.loss.backward();
  assert.ok(Math.abs(v.loss.data - loss) < 1e-14);
  v.params.forEach((p, k) => assert.ok(Math.abs(p.grad - grad[k]) < 1e-14, `param ${k}`));
  const [W1, b1, W2, b2] = [net.W[0], net.b[0], net.W[1], net.b[1]];
  const g = tf.tidy(() => {
    const x = tf.tensor2d(Array.from(X), [4, 2]), y = tf.tensor2d(Array.from(Y), [4, 1]);
    const f = (w1: tf.Tensor, c1: tf.Tensor, w2: tf.Tensor, c2: tf.Tensor) =>
      tf.sigmoid(tf.tanh(x.matMul(w1, false, true).add(c1)).matMul(w2, false, true).add(c2)).sub(y).square().mul(0.5).mean();
    const grads = tf.grads(f)([tf.tensor2d(Array.from(W1), [3, 2]), tf.tensor1d(Array.from(b1)), tf.tensor2d(Array.from(W2), [1, 3]), tf.tensor1d(Array.from(b2))]);
    return grads.flatMap((t) => Array.from(t.dataSync()));
  });
  g.forEach((gk, k) => assert.ok(Math.abs(gk - grad[k]) < 1e-4 * (1 + Math.abs(gk)), `tf param ${k}: ${gk} vs ${grad[k]}`));
});

test("gradient descent on XOR drives the loss down", () => {
  const net = new HandMlp([2, 3, 1], ["tanh", "sigmoid"], 1);
  const X = [0, 0, 0, 1, 1, 0, 1, 1], Y = [0, 1, 1, 0];
  const first = net.loss(X, Y);
  for (let t = 0; t < 3000; t++) net.sgdStep(X, Y, 2);
  assert.ok(net.loss(X, Y) < 0.05 * first, `loss ${first} → ${net.loss(X, Y)}`);
});

test("bad shapes and inputs are refused", () => {
  const net = new HandMlp([2, 2, 1], ["tanh", "sigmoid"]);
  assert.throws(() => net.forward([1, 2, 3]), /3 features but the network expects 2/);
  assert.throws(() => net.forward([1, NaN]), /input feature 1 is NaN/);
  assert.throws(() => net.loss([1, 2, 3], [1]), /not a multiple of the 2 inputs/);
  assert.throws(() => net.loss([1, 2], [1, 0]), /Y has 2 numbers/);
  assert.throws(() => new HandMlp([2, 1], ["tanh", "tanh"]), /1 layers need 1 activations/);
  assert.throws(() => HandMlp.fromWeights([2, 1], ["sigmoid"], [[[1]]], [[0]]), /1×2 rows/);
  assert.throws(() => net.setParams([1]), /expected 9 numbers/);
});
