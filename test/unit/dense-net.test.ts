import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { denseNet } from "../../src/dense-net";
import { fitRegression, predict1d } from "../../src/regression";
import { unitGridFigure } from "../../src/plot/units";

test("denseNet: layer sizes, activations, batch norm, seeded weights, clear errors", async () => {
  await tf.setBackend("cpu");
  const start = tf.memory().numTensors;
  const m = denseNet([3, 5, 4, 2], { activation: "relu", output: "softmax", seed: 7 });
  assert.equal(m.countParams(), (3 + 1) * 5 + (5 + 1) * 4 + (4 + 1) * 2);
  assert.deepEqual(m.layers.map((l) => (l.getConfig() as { activation: string }).activation), ["relu", "relu", "softmax"]);
  const again = denseNet([3, 5, 4, 2], { activation: "relu", output: "softmax", seed: 7 });
  assert.deepEqual(Array.from(m.getWeights()[0].dataSync()), Array.from(again.getWeights()[0].dataSync()), "same seed, same weights");
  const bn = denseNet([3, 5, 2], { activation: "tanh", seed: 1, batchNorm: true });
  assert.deepEqual(bn.layers.map((l) => l.getClassName()), ["Dense", "BatchNormalization", "Activation", "Dense"]);
  const wide = denseNet([100, 50, 1], { activation: "tanh", seed: 1, init: { std: 0.5 } });
  const w = Array.from(wide.getWeights()[0].dataSync());
  const sd = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
  assert.ok(Math.abs(sd - 0.5) < 0.05, `std of the initial weights ${sd}`);
  assert.throws(() => denseNet([3], { activation: "relu", seed: 1 }), /at least 2 positive integers/);
  assert.throws(() => denseNet([3, 2], { activation: "relu", seed: 1, init: { std: 0 } }), /init.std/);
  [m, again, bn, wide].forEach((x) => x.dispose());
  assert.equal(tf.memory().numTensors, start);
});

test("fitRegression fits a line and leaks nothing; predict1d reads the model", async () => {
  await tf.setBackend("cpu");
  const m = denseNet([1, 1], { activation: "linear", seed: 3 });
  const start = tf.memory().numTensors;
  const xs = [-1, -0.5, 0, 0.5, 1];
  const losses = fitRegression(m, { x: xs, y: xs.map((x) => 2 * x - 1) }, { steps: 400, learningRate: 0.05 });
  assert.equal(losses.length, 400);
  assert.ok(losses[399] < 1e-3 && losses[399] < losses[0], `final loss ${losses[399]}`);
  const p = predict1d(m, [0, 1]);
  assert.ok(Math.abs(p[0] + 1) < 0.05 && Math.abs(p[1] - 1) < 0.05, `predictions ${p}`);
  assert.equal(tf.memory().numTensors, start);
  assert.throws(() => fitRegression(m, { x: [1, 2], y: [1] }, { steps: 1, learningRate: 0.1 }), /one y per x/);
  assert.throws(() => fitRegression(m, { x: [1], y: [1] }, { steps: 0, learningRate: 0.1 }), /steps/);
  m.dispose();
});

test("unitGridFigure: one heatmap per unit plus a data panel per layer, each on its own axes", async () => {
  await tf.setBackend("cpu");
  const m = denseNet([2, 3, 2, 1], { activation: "tanh", seed: 1 });
  const X = [0, 0, 1, 1, -1, 0.5], y = [0, 1, 0];
  const fig = unitGridFigure(m, X, y, { resolution: 8 });
  const heat = fig.data.filter((t) => t.type === "heatmap");
  assert.equal(heat.length, 3 + 2 + 1);
  for (const h of heat) assert.equal((h.z as number[][]).length, 8);
  // The first unit of layer 0 is tanh(w·x + b) at the grid's corner.
  const [W, b] = m.layers[0].getWeights().map((t) => Array.from(t.dataSync()));
  const h0 = heat[0] as { x: number[]; y: number[]; z: number[][] };
  assert.ok(Math.abs(h0.z[0][0] - Math.tanh(W[0] * h0.x[0] + W[3] * h0.y[0] + b[0])) < 1e-5);
  const axes = new Set(fig.data.map((t) => `${t.xaxis}/${t.yaxis}`));
  assert.equal(axes.size, (1 + 3) + (1 + 2) + (1 + 1), "one pair of axes per panel: a data panel and one per unit, in every row");
  assert.throws(() => unitGridFigure(denseNet([3, 1], { activation: "tanh", seed: 1 }), X, y), /2 inputs/);
  m.dispose();
});
