/** layerActivations, meanActivationPerClass, selectivity (src/hidden-units.ts). */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { layerActivations, meanActivationPerClass, selectivity } from "../../src/hidden-units";

before(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

test("layerActivations returns each layer's outputs, batch by batch, equal to a direct forward pass", () => {
  const model = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [3], units: 4, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), biasInitializer: "ones" }),
    tf.layers.dense({ units: 2, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  ] });
  const n = 7;
  const x = Float32Array.from({ length: n * 3 }, (_, i) => Math.sin(i));
  const before = tf.memory().numTensors;
  const [h, out] = layerActivations(model, [0, 1], x, n, 3);
  assert.equal(tf.memory().numTensors - before, 0);
  assert.equal(h.units, 4);
  assert.equal(out.units, 2);
  const want = tf.tidy(() => {
    const xt = tf.tensor2d(x, [n, 3]);
    const hidden = model.layers[0].apply(xt) as tf.Tensor;
    return [hidden.dataSync(), (model.predict(xt) as tf.Tensor).dataSync()];
  });
  want[0].forEach((v, i) => assert.ok(Math.abs(v - h.values[i]) < 1e-6));
  want[1].forEach((v, i) => assert.ok(Math.abs(v - out.values[i]) < 1e-6));
  assert.throws(() => layerActivations(model, [2], x, n), /layer index 2 is outside 0..1/);
  assert.throws(() => layerActivations(model, [0], x, n + 1), /x has 21 numbers but 8 examples/);
  model.dispose();
});

test("meanActivationPerClass averages each unit over each class", () => {
  // 2 units, 4 examples of classes 0, 1, 1, 2.
  const values = [1, 0, 3, 2, 5, 4, 0, 6];
  const m = meanActivationPerClass(values, 2, [0, 1, 1, 2], 3);
  assert.deepEqual(m, [[1, 4, 0], [0, 3, 6]]);
  assert.throws(() => meanActivationPerClass(values, 2, [0, 1, 1, 1], 3), /class 2 has no example/);
  assert.throws(() => meanActivationPerClass(values, 2, [0, 1, 1, 5], 3), /labels\[3\] = 5/);
  assert.throws(() => meanActivationPerClass(values, 3, [0, 1, 1, 2], 3), /8 values are not 4 examples × 3 units/);
});

test("selectivity: 1 for a unit firing for one class only, 0 for a uniform or silent one, in between otherwise", () => {
  assert.deepEqual(selectivity([0, 0, 2, 0]), { score: 1, preferred: 2 });
  assert.deepEqual(selectivity([1, 1, 1]), { score: 0, preferred: 0 });
  assert.deepEqual(selectivity([0, 0, 0]), { score: 0, preferred: 0 });
  const s = selectivity([1, 3, 1, 1]);
  assert.equal(s.preferred, 1);
  assert.ok(Math.abs(s.score - 0.5) < 1e-12); // (3 − 1) / (3 + 1)
  assert.throws(() => selectivity([1, -1]), /must be ≥ 0/);
  assert.throws(() => selectivity([1]), /at least 2 classes/);
});
