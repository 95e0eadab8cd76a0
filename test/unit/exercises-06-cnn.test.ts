import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { checkConv2dValid, checkConvOutputSize, checkPool2d, checkConvParams } from "../../src/exercises/06-cnn";
import { conv2dReference, convOutputSize, pool2dReference, convLayerParams, receptiveField, Image } from "../../src/scratch/conv";
import { denseLayerParams } from "../../src/scratch/mlp";
import { Rng } from "../../src/random";
import { quiet, rejects } from "../support/checks";


test("the references agree with tfjs (conv with padding and stride, max and mean pooling)", async () => {
  await tf.setBackend("cpu");
  const rng = new Rng(1);
  const img = (h: number, w: number): Image => Array.from({ length: h }, () => Array.from({ length: w }, () => rng.uniform(-1, 1)));
  for (const [h, w, f, p, s] of [[5, 7, 3, 1, 2], [6, 6, 2, 0, 1], [9, 5, 3, 2, 3]]) {
    const x = img(h, w), k = img(f, f);
    const ours = conv2dReference(x, k, s, p).flat();
    const theirs = tf.conv2d(tf.tensor4d(x.flat(), [1, h, w, 1]), tf.tensor4d(k.flat(), [f, f, 1, 1]), s, [[0, 0], [p, p], [p, p], [0, 0]]).dataSync();
    assert.equal(ours.length, theirs.length);
    ours.forEach((v, i) => assert.ok(Math.abs(v - theirs[i]) < 1e-5));
  }
  const x = img(7, 6);
  const t = tf.tensor4d(x.flat(), [1, 7, 6, 1]);
  const mx = tf.maxPool(t, 3, 2, "valid").dataSync(), av = tf.avgPool(t, 3, 2, "valid").dataSync();
  pool2dReference(x, 3, 2, "max").flat().forEach((v, i) => assert.ok(Math.abs(v - mx[i]) < 1e-6));
  pool2dReference(x, 3, 2, "mean").flat().forEach((v, i) => assert.ok(Math.abs(v - av[i]) < 1e-6));
});

test("formulas: the lecture's numbers", () => {
  assert.deepEqual([convOutputSize(5, 3, 1, 2), convOutputSize(7, 3, 1, 2)], [3, 4]);
  assert.equal(denseLayerParams(100 * 100, 1000), 10_001_000);
  assert.equal(convLayerParams(3, 3, 1, 32), 320);
  assert.equal(receptiveField([[3, 1], [3, 1]]), 5);
  assert.equal(receptiveField([[3, 1], [2, 2], [3, 1]]), 8);
  assert.throws(() => convOutputSize(2, 5, 0, 1), /does not fit/);
});

test("conv2d-valid: right passes; a flipped kernel, an off-by-one size, or a throw fail", () => {
  quiet(() => checkConv2dValid((x, k) => conv2dReference(x, k)));
  assert.throws(() => checkConv2dValid((x, k) => conv2dReference(x, k.slice().reverse().map((r) => r.slice().reverse()))), /flipped/);
  rejects(() => checkConv2dValid((x, k) => conv2dReference(x, k, 1, 1)), /conv2d-valid: the output for a 3×3 image and a 2×2 kernel should be 2×2, got 4×4\./);
  rejects(() => checkConv2dValid((x, k) => conv2dReference(x, k).map((r) => r.map((v) => v + 1))), /conv2d-valid: output for the 3×3 image\[0\] should be -4, got -3/);
  assert.throws(() => checkConv2dValid(() => { throw new Error("not implemented: conv2d-valid"); }), /not implemented: conv2d-valid/);
});

test("conv-output-size: right passes; no floor or no padding fail with a hint", () => {
  quiet(() => checkConvOutputSize((n, f, p, s) => Math.floor((n + 2 * p - f) / s) + 1));
  assert.throws(() => checkConvOutputSize((n, f, p, s) => Math.floor((n - f) / s) + 1), /2P/);
  assert.throws(() => checkConvOutputSize((n, f, p, s) => (n + 2 * p - f) / s + 1), /Round down/);
  rejects(() => checkConvOutputSize((n, f, p, s) => Math.ceil((n + 2 * p - f) / s) + 1), /conv-output-size: N=\d+, F=\d+, P=\d+, S=\d+ gives \d+, your function returned \d+\./);
});

test("pool2d: right passes; max for mean, ignoring the stride fail", () => {
  quiet(() => checkPool2d((x, size, stride, mode) => pool2dReference(x, size, stride, mode)));
  rejects(() => checkPool2d((x, size, stride) => pool2dReference(x, size, stride, "max")), /pool2d: mean pooling 2×2, stride 2 of a 4×4 image\[0\] should be/);
  rejects(() => checkPool2d((x, size, _stride, mode) => pool2dReference(x, size, size, mode)), /pool2d: max pooling 3×3, stride 2 of a 7×6 image should be 3×2, got 2×2\./);
});

test("conv-params: right passes; forgetting the bias or the input channels fail with a hint", () => {
  quiet(() => checkConvParams(convLayerParams));
  assert.throws(() => checkConvParams((fh, fw, cin, cout) => fh * fw * cin * cout), /One bias per filter/);
  assert.throws(() => checkConvParams((fh, fw, _cin, cout) => (fh * fw + 1) * cout), /all input channels/);
});
