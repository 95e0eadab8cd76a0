// Checks of trainModel's tape-free step on wasm (src/wasm/fused-update.ts,
// src/wasm/dense-step.ts), run by test/unit/train.test.ts on plain wasm and by
// test/unit/native-kernels.test.ts with the native addon.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { sgdTimeDecay } from "../../src/keras-sgd";
import { Rng } from "../../src/random";
import { trainModel, type ClassificationData } from "../../src/train";
import { fusedKind, fusedUpdate } from "../../src/wasm/fused-update";
import { denseLayers } from "../../src/wasm/dense-step";

export /** Three Gaussian blobs in 4-D: easy, but not trivially separable at step 0. */
function blobs(n: number, seed: number): ClassificationData {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.int(3);
    for (let d = 0; d < 4; d++) x[i * 4 + d] = rng.normal(d === y[i] ? 1.5 : 0, 0.7);
  }
  return { x, y, n, inputShape: [4], numClasses: 3 };
}

/** Fused optimizer updates against tfjs's applyGradients (SGD, momentum, Nesterov, Adam): weights, slots, products. */
export async function checkFusedUpdates(): Promise<void> {
  const rng = new Rng(31);
  const make: [string, () => tf.Optimizer][] = [
    ["sgd", () => tf.train.sgd(0.1)],
    ["momentum", () => tf.train.momentum(0.05, 0.9)],
    ["nesterov", () => tf.train.momentum(0.05, 0.8, true)],
    ["adam", () => tf.train.adam(0.01, 0.85, 0.99)],
    // Lab 07's Keras SGD: the decay must change the rate between the steps (a large decay, on purpose).
    ["keras-sgd", () => sgdTimeDecay({ learningRate: 0.05, decay: 0.3, momentum: 0.9 })],
    ["keras-sgd nesterov", () => sgdTimeDecay({ learningRate: 0.05, decay: 0.3, momentum: 0.8, nesterov: true })],
    ["keras-sgd plain", () => sgdTimeDecay({ learningRate: 0.1, decay: 0.5 })],
  ];
  const shapes = [[7, 5], [5], [3, 2, 4]];
  const init = shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1)));
  const gradSteps = [0, 1, 2].map(() => init.map((w) => Float32Array.from(w, () => rng.uniform(-1, 1))));
  for (const [name, opt] of make) {
    const results: Float32Array[][] = [];
    for (const useFused of [false, true]) {
      const o = opt();
      assert.equal(fusedKind(o), name === "nesterov" ? "momentum" : name.split(" ")[0]);
      const vars = init.map((w, i) => tf.variable(tf.tensor(w, shapes[i])));
      const keepAlive = tf.clone(vars[0]); // shares the buffer: the fused path must not write through it
      const products: Float32Array[] = [];
      for (const step of gradSteps) {
        // A product with the weight between steps: the stock wasm matMul caches packed weights by tensor id.
        products.push(tf.tidy(() => tf.matMul(tf.ones([2, 7]), vars[0]).dataSync().slice() as Float32Array));
        const grads = step.map((g, i) => tf.tensor(g, shapes[i]));
        if (useFused) fusedUpdate(o, vars, grads);
        else o.applyGradients(Object.fromEntries(vars.map((v, i) => [v.name, grads[i]])));
        tf.dispose(grads);
      }
      products.push(tf.tidy(() => tf.matMul(tf.ones([2, 7]), vars[0]).dataSync().slice() as Float32Array));
      assert.deepEqual(keepAlive.dataSync(), init[0], `${name}: a clone of a variable changed`);
      assert.equal(o.iterations, 3);
      const slots = o.getWeights ? (await o.getWeights()).slice(1).map((w) => w.tensor.dataSync().slice() as Float32Array) : [];
      results.push([...vars.map((v) => v.dataSync().slice() as Float32Array), ...slots, ...products]);
      tf.dispose([...vars, keepAlive]);
      o.dispose();
    }
    const [ref, got] = results;
    assert.equal(got.length, ref.length, `${name}: same number of weights, slots and products`);
    ref.forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(got[i][j] - v) <= 1e-5 * Math.max(1, Math.abs(v)), `${name} tensor ${i}[${j}]: ${got[i][j]} vs ${v}`)));
  }
}

/** The tape-free dense step of trainModel against the tfjs step: history, weights, no leaks. */
export async function checkDenseStep(data: ClassificationData): Promise<void> {
  for (const [acts, opt] of [[["relu", "tanh"], () => tf.train.momentum(0.05, 0.9)], [["sigmoid", "linear"], () => tf.train.adam(0.01)]] as const) {
    const runs: { loss: number[]; acc: number[]; weights: Float32Array[] }[] = [];
    for (const viaTape of [false, true]) {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [4], units: 12, activation: acts[0], kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
          tf.layers.dense({ units: 8, activation: acts[1], kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }),
          tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }),
        ],
      });
      // The same loss as a function: trainModel then takes the tfjs step.
      const loss = viaTape ? (yt: tf.Tensor, yp: tf.Tensor) => tf.metrics.categoricalCrossentropy(yt, yp) : "categoricalCrossentropy";
      model.compile({ optimizer: opt(), loss });
      const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
      assert.equal(denseLayers(model, variables, false) === undefined, viaTape, "which step trainModel takes");
      await trainModel(model, data, { epochs: 1, batchSize: 32, seed: 3 }); // creates the optimizer's slots
      const tensors = tf.memory().numTensors, buffers = tf.engine().backend.numDataIds();
      const h = await trainModel(model, data, { epochs: 3, batchSize: 32, seed: 4 });
      assert.equal(tf.memory().numTensors, tensors, "tensors leaked");
      assert.equal(tf.engine().backend.numDataIds(), buffers, "heap buffers leaked");
      runs.push({ loss: h.loss, acc: h.acc, weights: model.getWeights().map((w) => w.dataSync().slice() as Float32Array) });
      model.optimizer.dispose();
      model.dispose();
    }
    const [dense, tape] = runs;
    assert.deepEqual(dense.acc, tape.acc, `${acts}: accuracy per epoch`);
    dense.loss.forEach((l, i) => assert.ok(Math.abs(l - tape.loss[i]) <= 1e-4 * Math.abs(tape.loss[i]), `${acts}: loss ${l} vs ${tape.loss[i]}`));
    assert.ok(dense.loss[2] < dense.loss[0], `${acts}: the loss falls: ${dense.loss}`);
    dense.weights.forEach((w, i) => w.forEach((v, j) => assert.ok(Math.abs(v - tape.weights[i][j]) <= 1e-4 * Math.max(1, Math.abs(v)), `${acts}: weight ${i}[${j}] ${v} vs ${tape.weights[i][j]}`)));
  }
}
