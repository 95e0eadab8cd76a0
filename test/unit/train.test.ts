/**
 * trainModel / evaluateModel (src/train.ts): learning, determinism for a seed,
 * the NaN stop, early stopping, bad input, and no tensor leaks. Runs on wasm
 * with the course kernels (what the labs use).
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { installWasmTrainingKernels } from "../../src/wasm";
import { Rng } from "../../src/random";
import { evaluateModel, trainModel, TrainingDivergedError, type ClassificationData } from "../../src/train";
import { blobs, checkDenseStep, checkFusedUpdates } from "../support/train-checks";

before(async () => {
  assert.ok(await tf.setBackend("wasm"));
  await tf.ready();
  installWasmTrainingKernels();
});

function mlp(lr = 0.1, loss = "categoricalCrossentropy", seed = 1): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 16, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(lr), loss });
  return model;
}

test("trainModel learns, reports every key, and evaluateModel agrees with the data", async () => {
  const train = blobs(300, 1), val = blobs(120, 2);
  const model = mlp();
  const h = await trainModel(model, train, { epochs: 8, batchSize: 32, seed: 3, validation: val });
  assert.equal(h.loss.length, 8);
  assert.equal(h.acc.length, 8);
  assert.equal(h.val_loss.length, 8);
  assert.equal(h.epochTimes.length, 8);
  assert.ok(h.loss[7] < h.loss[0] * 0.7, `loss should fall: ${h.loss}`);
  assert.ok(h.val_acc[7] > 0.8, `validation accuracy ${h.val_acc[7]}`);
  const ev = evaluateModel(model, val, 50);
  assert.equal(ev.predictions.length, val.n);
  let correct = 0;
  for (let i = 0; i < val.n; i++) if (ev.predictions[i] === val.y[i]) correct++;
  assert.equal(ev.acc, correct / val.n);
  assert.ok(Math.abs(ev.loss - h.val_loss[7]) < 1e-5, "evaluateModel should repeat the last validation loss");
  // Cross-check the loss against tfjs's own evaluate on the same data.
  const xs = tf.tensor2d(val.x, [val.n, 4]);
  const ys = tf.oneHot(tf.tensor1d(val.y, "int32"), 3);
  const ref = (model.evaluate(xs, ys, { batchSize: 64 }) as tf.Scalar);
  assert.ok(Math.abs(ref.dataSync()[0] - ev.loss) < 1e-4);
  tf.dispose([xs, ys, ref]);
  model.dispose();
});

test("the same seed gives the same history and weights; another seed does not", async () => {
  const data = blobs(200, 4);
  const run = async (seed: number) => {
    const model = mlp(0.1, "categoricalCrossentropy", 7);
    const h = await trainModel(model, data, { epochs: 3, batchSize: 16, seed });
    const w = model.getWeights()[0].dataSync().slice();
    model.dispose();
    return { h, w };
  };
  const a = await run(11), b = await run(11), c = await run(12);
  assert.deepEqual(a.h.loss, b.h.loss);
  assert.deepEqual(Array.from(a.w), Array.from(b.w));
  assert.notDeepEqual(a.h.loss, c.h.loss);
});

test("sparse categorical crossentropy takes the integer labels", async () => {
  const data = blobs(200, 5);
  const model = mlp(0.1, "sparseCategoricalCrossentropy");
  const h = await trainModel(model, data, { epochs: 4, batchSize: 20, seed: 1 });
  assert.ok(h.loss[3] < h.loss[0]);
  model.dispose();
});

test("a diverging run stops with the epoch and step and suggests a lower learning rate", async () => {
  const data = blobs(100, 6);
  // A linear output under squared error with a huge step: the weights grow geometrically until the loss overflows.
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });
  model.compile({ optimizer: tf.train.sgd(50), loss: "meanSquaredError" });
  await assert.rejects(trainModel(model, data, { epochs: 5, batchSize: 10, seed: 1 }),
    (e: Error) => /epoch \d+, step \d+ of 10/.test(e.message) && /lower the learning rate/.test(e.message));
  model.dispose();
});

test("a run that diverges after some epochs hands back their history in the error", async () => {
  const data = blobs(100, 6);
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });
  // Stable for two epochs, then a learning rate that blows up.
  model.compile({ optimizer: tf.train.sgd(0.01), loss: "meanSquaredError" });
  const before = tf.memory().numTensors;
  let error: unknown;
  try {
    await trainModel(model, data, { epochs: 6, batchSize: 10, seed: 1, validation: data, learningRate: (e) => (e < 2 ? 0.01 : 1e4) });
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof TrainingDivergedError, `expected a TrainingDivergedError, got ${error}`);
  assert.equal(error.epoch, 2);
  assert.ok(!Number.isFinite(error.loss));
  assert.equal(error.history.loss.length, 2);
  assert.equal(error.history.val_loss.length, 2);
  assert.ok(error.history.loss.every(Number.isFinite));
  assert.match(error.message, /history holds the 2 epoch\(s\) completed/);
  assert.equal(tf.memory().numTensors, before, "no tensors left behind by the aborted run");
  model.dispose();
});

test("early stopping stops after `patience` epochs without improvement and can restore the best weights", async () => {
  const train = blobs(150, 7), val = blobs(60, 8);
  const model = mlp(0.05);
  const seen: number[] = [];
  const h = await trainModel(model, train, {
    epochs: 30, batchSize: 15, seed: 2, validation: val, earlyStopping: { patience: 2, monitor: "val_loss", restoreBestWeights: true },
    onEpochEnd: (e) => { seen.push(e); },
  });
  const best = h.bestEpoch!;
  const bestLoss = Math.min(...h.val_loss);
  assert.equal(h.val_loss[best], bestLoss);
  if (h.stoppedEarly) {
    assert.equal(h.loss.length, best + 3, "stops exactly patience epochs after the best one");
    const restored = evaluateModel(model, val);
    assert.ok(Math.abs(restored.loss - bestLoss) < 1e-5, "best weights restored");
  } else {
    assert.equal(h.loss.length, 30);
  }
  assert.equal(seen.length, h.loss.length);

  // A learning rate of 0 never improves after the first epoch: the stop is certain.
  const frozen = mlp(0);
  const h2 = await trainModel(frozen, train, { epochs: 10, batchSize: 15, seed: 2, validation: val, earlyStopping: { patience: 3 } });
  assert.ok(h2.stoppedEarly);
  assert.equal(h2.loss.length, 4);
  assert.equal(h2.bestEpoch, 0);
  model.dispose();
  frozen.dispose();
});

test("bad input is refused with a message saying what is wrong", async () => {
  const data = blobs(50, 9);
  const model = mlp();
  await assert.rejects(trainModel(model, { ...data, n: 49 }, { epochs: 1, batchSize: 10, seed: 1 }), /x has 200 numbers/);
  const y = Int32Array.from(data.y); y[3] = 7;
  await assert.rejects(trainModel(model, { ...data, y }, { epochs: 1, batchSize: 10, seed: 1 }), /y\[3\] = 7 is not a class in 0..2/);
  const x = Float32Array.from(data.x); x[10] = NaN;
  await assert.rejects(trainModel(model, { ...data, x }, { epochs: 1, batchSize: 10, seed: 1 }), /x\[10\] \(example 2\) is NaN/);
  await assert.rejects(trainModel(model, { ...data, inputShape: [2, 2] }, { epochs: 1, batchSize: 10, seed: 1 }), /expects inputs of shape/);
  await assert.rejects(trainModel(model, data, { epochs: 1, batchSize: 10, seed: 1, earlyStopping: { patience: 1 } }), /needs validation data/);
  model.dispose();
});

test("no tensors leak across epochs of a conv net, nor across evaluateModel", async () => {
  const rng = new Rng(10);
  const n = 64;
  const x = Float32Array.from({ length: n * 10 * 10 }, () => rng.next());
  const y = Int32Array.from({ length: n }, () => rng.int(4));
  const data: ClassificationData = { x, y, n, inputShape: [10, 10, 1], numClasses: 4 };
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [10, 10, 1], filters: 4, kernelSize: 3, activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dropout({ rate: 0.2 }),
      tf.layers.dense({ units: 4, activation: "softmax", kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
  await trainModel(model, data, { epochs: 1, batchSize: 16, seed: 1 }); // creates the optimizer's slots
  const before = tf.memory().numTensors;
  const counts: number[] = [];
  await trainModel(model, data, { epochs: 4, batchSize: 16, seed: 1, validation: data, onEpochEnd: () => { counts.push(tf.memory().numTensors); } });
  evaluateModel(model, data, 10);
  assert.deepEqual(counts, [before, before, before, before]);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

test("a learning-rate schedule is applied per epoch (SGD and Adam)", async () => {
  const data = blobs(100, 12);
  for (const optimizer of [tf.train.sgd(0.1), tf.train.momentum(0.1, 0.9), tf.train.adam(0.01)]) {
    const model = mlp();
    model.compile({ optimizer, loss: "categoricalCrossentropy" });
    const initial = Float32Array.from(model.getWeights()[0].dataSync());
    const snapshots: Float32Array[] = [];
    await trainModel(model, data, {
      epochs: 3, batchSize: 20, seed: 1, learningRate: (e) => (e === 0 ? 0.05 : 0),
      onEpochEnd: () => { snapshots.push(Float32Array.from(model.getWeights()[0].dataSync())); },
    });
    const name = optimizer.getClassName();
    assert.notDeepEqual(Array.from(snapshots[0]), Array.from(initial), `${name}: epoch 0 trains`);
    assert.deepEqual(Array.from(snapshots[1]), Array.from(snapshots[0]), `${name}: rate 0 from epoch 1 freezes the weights`);
    assert.deepEqual(Array.from(snapshots[2]), Array.from(snapshots[0]), name);
    model.dispose();
    optimizer.dispose();
  }
  const model = mlp();
  await assert.rejects(trainModel(model, data, { epochs: 1, batchSize: 20, seed: 1, learningRate: () => NaN }), /learningRate\(0\) returned NaN/);
  model.dispose();
});

test("fused optimizer updates on wasm match the optimizers' own applyGradients (SGD, momentum, Nesterov, Adam, Keras SGD with decay): weights, slots, products", checkFusedUpdates);

test("the dense step (no tape) trains as the tfjs step does, and leaks neither tensors nor heap buffers", () => checkDenseStep(blobs(300, 41)));
