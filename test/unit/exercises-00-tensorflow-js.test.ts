import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { checkBroadcastShape, checkStandardize } from "../../src/exercises/00-tensorflow-js";
import { quiet, rejects } from "../support/checks";

function rightBroadcast(a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length);
  const pa = [...Array(n - a.length).fill(1), ...a], pb = [...Array(n - b.length).fill(1), ...b];
  return pa.map((d, i) => {
    if (d !== pb[i] && d !== 1 && pb[i] !== 1) throw new Error(`axis ${i}: ${d} vs ${pb[i]}`);
    return Math.max(d, pb[i]);
  });
}

test("broadcast-shape: the rule passes; left-aligning, never throwing, or max without the rule are rejected", async () => {
  await tf.setBackend("cpu");
  quiet(() => checkBroadcastShape(rightBroadcast));
  // Aligning at the left instead of the right.
  rejects(() => checkBroadcastShape((a, b) => {
    const n = Math.max(a.length, b.length);
    const pa = [...a, ...Array(n - a.length).fill(1)], pb = [...b, ...Array(n - b.length).fill(1)];
    return pa.map((d, i) => Math.max(d, pb[i]));
  }), /broadcast-shape/);
  // The right shapes, but incompatible ones are not refused.
  rejects(() => checkBroadcastShape((a, b) => {
    const n = Math.max(a.length, b.length);
    const pa = [...Array(n - a.length).fill(1), ...a], pb = [...Array(n - b.length).fill(1), ...b];
    return pa.map((d, i) => Math.max(d, pb[i]));
  }), /should throw an Error/);
  rejects(() => checkBroadcastShape((a) => a), /broadcast-shape/);
  assert.throws(() => checkBroadcastShape(() => { throw new Error("not implemented: broadcast-shape"); }), /^Error: not implemented: broadcast-shape/);
});

test("standardize: a tidy solution passes; a leaky one, a wrong axis, a disposed input or the sample std are rejected", async () => {
  await tf.setBackend("cpu");
  const start = tf.memory().numTensors;
  quiet(() => checkStandardize((x) => tf.tidy(() => {
    const { mean, variance } = tf.moments(x, 0);
    return x.sub(mean).div(variance.sqrt()) as tf.Tensor2D;
  })));
  assert.equal(tf.memory().numTensors, start, "the check itself leaks tensors");
  rejects(() => checkStandardize((x) => {
    const { mean, variance } = tf.moments(x, 0);
    return x.sub(mean).div(variance.sqrt()) as tf.Tensor2D;
  }), /tf\.tidy/);
  rejects(() => checkStandardize((x) => tf.tidy(() => {
    const { mean, variance } = tf.moments(x, 1, true);
    return x.sub(mean).div(variance.sqrt()) as tf.Tensor2D;
  })), /standardize of a/);
  rejects(() => checkStandardize((x) => {
    const out = tf.tidy(() => { const { mean, variance } = tf.moments(x, 0); return x.sub(mean).div(variance.sqrt()) as tf.Tensor2D; });
    x.dispose();
    return out;
  }), /disposed its input/);
  // n − 1 in the denominator (the sample standard deviation) is not what the exercise asks for.
  rejects(() => checkStandardize((x) => tf.tidy(() => {
    const n = x.shape[0];
    const { mean, variance } = tf.moments(x, 0);
    return x.sub(mean).div(variance.mul(n / (n - 1)).sqrt()) as tf.Tensor2D;
  })), /standardize of a/);
  tf.disposeVariables();
});

