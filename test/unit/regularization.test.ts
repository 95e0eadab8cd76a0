/**
 * seededDropout, seededGaussianNoise and withConstraints (src/regularization.ts):
 * a fresh mask per step yet reproducible runs, identity at inference, and
 * max-norm holding after every update, in trainModel and in model.fit with
 * withConstraints (plain model.fit skips it).
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { seededDropout, seededGaussianNoise, smallWeights, withConstraints } from "../../src/regularization";
import { trainModel } from "../../src/train";
import { Rng } from "../../src/random";

before(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

const ones = () => tf.ones([200, 50]);

test("seededDropout: drops about `rate` of the units, scales the rest by 1/(1−rate), new mask each step, same sequence for the same seed", () => {
  const a = seededDropout({ rate: 0.3, seed: 1 });
  const b = seededDropout({ rate: 0.3, seed: 1 });
  const x = ones();
  const before = tf.memory().numTensors;
  const [a1, a2, b1, inf] = [a.apply(x, { training: true }), a.apply(x, { training: true }), b.apply(x, { training: true }), a.apply(x)] as tf.Tensor[];
  const v1 = a1.dataSync(), v2 = a2.dataSync();
  const zeros = v1.filter((v) => v === 0).length / v1.length;
  assert.ok(Math.abs(zeros - 0.3) < 0.02, `dropped fraction ${zeros}`);
  assert.ok(v1.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6));
  assert.notDeepEqual(Array.from(v1), Array.from(v2), "the second step must use a new mask");
  assert.deepEqual(Array.from(b1.dataSync()), Array.from(v1), "the same seed must give the same first mask");
  assert.deepEqual(Array.from(inf.dataSync()), Array.from(x.dataSync()), "inference is the identity");
  tf.dispose([a1, a2, b1, inf]);
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
  assert.throws(() => seededDropout({ rate: 1, seed: 1 }), /rate must be in \[0, 1\)/);
});

test("seededGaussianNoise: adds N(0, σ²) in training only, fresh each step, reproducible", () => {
  const x = ones();
  const a = seededGaussianNoise({ stddev: 0.5, seed: 3 });
  const b = seededGaussianNoise({ stddev: 0.5, seed: 3 });
  const n1 = tf.tidy(() => tf.sub(a.apply(x, { training: true }) as tf.Tensor, x));
  const n2 = tf.tidy(() => tf.sub(a.apply(x, { training: true }) as tf.Tensor, x));
  const m1 = tf.tidy(() => tf.sub(b.apply(x, { training: true }) as tf.Tensor, x));
  const { mean, variance } = tf.moments(n1);
  assert.ok(Math.abs(mean.dataSync()[0]) < 0.03);
  assert.ok(Math.abs(Math.sqrt(variance.dataSync()[0]) - 0.5) < 0.02);
  assert.notDeepEqual(Array.from(n1.dataSync()), Array.from(n2.dataSync()));
  assert.deepEqual(Array.from(n1.dataSync()), Array.from(m1.dataSync()));
  const inf = a.apply(x) as tf.Tensor;
  assert.deepEqual(Array.from(inf.dataSync()), Array.from(x.dataSync()));
  tf.dispose([x, n1, n2, m1, mean, variance, inf]);
  assert.throws(() => seededGaussianNoise({ stddev: -1, seed: 1 }), /stddev must be a finite number ≥ 0/);
});

function data() {
  const rng = new Rng(2);
  const n = 100;
  const x = new Float32Array(n * 6), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.int(2);
    for (let d = 0; d < 6; d++) x[i * 6 + d] = rng.normal(y[i] * 3, 1);
  }
  return { x, y, n, inputShape: [6], numClasses: 2 };
}

function constrainedModel(): tf.Sequential {
  return tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [6], units: 8, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), kernelConstraint: tf.constraints.maxNorm({ maxValue: 0.5, axis: 0 }) }),
    seededDropout({ rate: 0.2, seed: 4 }),
    tf.layers.dense({ units: 2, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  ] });
}

const maxColumnNorm = (m: tf.LayersModel) => tf.tidy(() => tf.max(tf.norm(m.layers[0].getWeights()[0], "euclidean", 0)).dataSync()[0]);

/** model.fit on `data()`, for the paths that do not go through trainModel. */
async function fit(m: tf.LayersModel, epochs: number): Promise<void> {
  const d = data();
  const xs = tf.tensor2d(d.x, [d.n, 6]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(d.y, "int32"), 2));
  await m.fit(xs, ys, { epochs, batchSize: 10, shuffle: false, verbose: 0 });
  tf.dispose([xs, ys]);
}

test("max-norm: model.fit ignores it, withConstraints makes model.fit apply it", async () => {
  const plain = constrainedModel();
  plain.compile({ optimizer: tf.train.sgd(0.5), loss: "categoricalCrossentropy" });
  await fit(plain, 3);
  assert.ok(maxColumnNorm(plain) > 0.6, `plain model.fit lets the norm grow past the bound (${maxColumnNorm(plain)})`);
  plain.dispose();

  const wrapped = constrainedModel();
  wrapped.compile({ optimizer: withConstraints(tf.train.sgd(0.5), wrapped), loss: "categoricalCrossentropy" });
  await fit(wrapped, 3);
  assert.ok(maxColumnNorm(wrapped) <= 0.5 + 1e-5, `column norm ${maxColumnNorm(wrapped)}`);
  wrapped.dispose();

  const unconstrained = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2 })] });
  assert.throws(() => withConstraints(tf.train.sgd(0.1), unconstrained), /no weight with a constraint/);
});

test("max-norm: trainModel applies it after every step, the same as a wrapped optimizer, reproducibly", async () => {
  const runs: { loss: number[]; weights: number[] }[] = [];
  for (const wrap of [false, false, true]) {
    const m = constrainedModel();
    m.compile({ optimizer: wrap ? withConstraints(tf.train.sgd(0.5), m) : tf.train.sgd(0.5), loss: "categoricalCrossentropy" });
    const norms: number[] = [];
    const h = await trainModel(m, data(), { epochs: 3, batchSize: 10, seed: 1, onEpochEnd: () => { norms.push(maxColumnNorm(m)); } });
    assert.ok(norms.every((v) => v <= 0.5 + 1e-5), `column norms ${norms}`);
    runs.push({ loss: h.loss, weights: Array.from(m.layers[0].getWeights()[0].dataSync()) });
    m.dispose();
  }
  assert.deepEqual(runs[0], runs[1], "dropout + constraint training is reproducible");
  assert.deepEqual(runs[2], runs[0], "a wrapped optimizer is not constrained twice, and gives the same run");
});

test("smallWeights: counts dense kernel weights below the threshold and exactly 0, skips biases and other layers, leaks nothing", () => {
  const model = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [2], units: 3, useBias: true }),
    tf.layers.dropout({ rate: 0.5 }),
    tf.layers.dense({ units: 2 }),
  ] });
  tf.tidy(() => {
    model.layers[0].setWeights([tf.tensor2d([[0, 5e-4, -2e-3], [1, -1e-4, 0]]), tf.zeros([3])]);
    model.layers[2].setWeights([tf.tensor2d([[0.5, 0], [-9e-4, 3], [2, 2]]), tf.zeros([2])]);
  });
  const before = tf.memory().numTensors;
  assert.deepEqual(smallWeights(model), { small: 6, zero: 3, total: 12 });
  assert.deepEqual(smallWeights(model, 1e-3, [0]), { small: 4, zero: 2, total: 6 });
  assert.deepEqual(smallWeights(model, 1e-2, [2]), { small: 2, zero: 1, total: 6 });
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => smallWeights(model, 0), /threshold must be a positive number/);
  assert.throws(() => smallWeights(model, 1e-3, [5]), /no layer 5 \(it has 3\)/);
  model.dispose();
});
