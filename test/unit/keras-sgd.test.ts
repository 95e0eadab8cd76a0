/**
 * sgdTimeDecay (src/keras-sgd.ts): Keras's SGD(lr, decay, momentum, nesterov)
 * in tfjs, matched step for step against the float64 Momentum of src/optim.ts
 * (velocity form, inverseTimeDecay schedule), against tf.train for decay 0,
 * and trained inside trainModel without leaking tensors.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../../src/random";
import * as O from "../../src/optim";
import { sgdTimeDecay } from "../../src/keras-sgd";
import { trainModel } from "../../src/train";

before(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

const D = 5, STEPS = 80;

/** Feeds one fixed float32 gradient sequence to both optimizers; returns the largest relative difference. */
function compare(ours: (v: tf.Variable, g: Float64Array) => void, reference: (w: Float64Array, g: Float64Array) => void, seed: number): number {
  const rng = new Rng(seed);
  const x0 = Float64Array.from({ length: D }, () => Math.fround(rng.normal()));
  const w = Float64Array.from(x0);
  const v = tf.variable(tf.tensor1d(Array.from(x0)));
  let worst = 0;
  for (let t = 0; t < STEPS; t++) {
    const g = Float64Array.from({ length: D }, () => Math.fround(rng.normal(0, 2)));
    reference(w, g);
    ours(v, g);
    const got = v.dataSync();
    for (let i = 0; i < D; i++) worst = Math.max(worst, Math.abs(got[i] - w[i]) / (1e-3 + Math.abs(w[i])));
  }
  v.dispose();
  return worst;
}

const apply = (opt: tf.Optimizer) => (v: tf.Variable, g: Float64Array) => tf.tidy(() => opt.applyGradients({ [v.name]: tf.tensor1d(Array.from(g)) }));

for (const nesterov of [false, true]) {
  test(`time decay with momentum${nesterov ? " (Nesterov)" : ""} follows v ← μv − η₀/(1+decay·t)·g step for step`, () => {
    const decay = 0.05; // large, so that a wrong t or a wrong form shows within 80 steps
    const ours = sgdTimeDecay({ learningRate: 0.1, momentum: 0.9, decay, nesterov });
    const ref = new O.Momentum(O.inverseTimeDecay(0.1, decay), 0.9, { nesterov, form: "velocity" });
    const err = compare(apply(ours), (w, g) => ref.step(w, g), 11);
    assert.ok(err < 1e-4, `relative difference ${err}`);
    // The accumulation form (tf.train.momentum's) under the same schedule is measurably different.
    const acc = new O.Momentum(O.inverseTimeDecay(0.1, decay), 0.9, { nesterov, form: "accumulation" });
    const ours2 = sgdTimeDecay({ learningRate: 0.1, momentum: 0.9, decay, nesterov });
    assert.ok(compare(apply(ours2), (w, g) => acc.step(w, g), 11) > 1e-3);
    ours.dispose();
    ours2.dispose();
  });
}

test("decay 0 is tf.train.momentum; momentum 0 is plain SGD with the decayed rate", () => {
  const ours = sgdTimeDecay({ learningRate: 0.05, momentum: 0.9 });
  const theirs = tf.train.momentum(0.05, 0.9);
  const rng = new Rng(3);
  const a = tf.variable(tf.randomNormal([D], 0, 1, "float32", 1));
  const b = tf.variable(a.clone());
  let worst = 0;
  for (let t = 0; t < STEPS; t++) {
    const g = Float64Array.from({ length: D }, () => rng.normal(0, 2));
    apply(ours)(a, g);
    apply(theirs)(b, g);
    const [x, y] = [a.dataSync(), b.dataSync()];
    for (let i = 0; i < D; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / (1e-3 + Math.abs(y[i])));
  }
  assert.ok(worst < 1e-4, `relative difference to tf.train.momentum ${worst}`);
  const s = sgdTimeDecay({ learningRate: 0.2, decay: 0.01 });
  const sgdRef = new O.SGD(O.inverseTimeDecay(0.2, 0.01));
  const sgdErr = compare(apply(s), (w, g) => sgdRef.step(w, g), 4);
  assert.ok(sgdErr < 1e-4, `relative difference to decayed SGD ${sgdErr}`);
  tf.dispose([a, b]);
  ours.dispose();
  theirs.dispose();
});

test("currentLearningRate is η₀/(1 + decay·iterations), starting at η₀", () => {
  const opt = sgdTimeDecay({ learningRate: 0.01, momentum: 0.9, decay: 1e-3 });
  assert.equal(opt.currentLearningRate(), 0.01);
  const v = tf.variable(tf.zeros([3]));
  for (let t = 0; t < 10; t++) apply(opt)(v, new Float64Array([1, 2, 3]));
  assert.equal(opt.iterations, 10);
  assert.ok(Math.abs(opt.currentLearningRate() - 0.01 / 1.01) < 1e-15);
  v.dispose();
  opt.dispose();
});

test("bad options are refused with a message", () => {
  assert.throws(() => sgdTimeDecay({ learningRate: 0 }), /learningRate must be a finite number > 0/);
  assert.throws(() => sgdTimeDecay({ learningRate: 0.1, momentum: 1 }), /momentum must be in \[0, 1\)/);
  assert.throws(() => sgdTimeDecay({ learningRate: 0.1, decay: -1 }), /decay must be ≥ 0/);
});

test("trains a model inside trainModel, deterministically and without leaking tensors", async () => {
  const rng = new Rng(5);
  const n = 200;
  const x = new Float32Array(n * 4), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.int(3);
    for (let d = 0; d < 4; d++) x[i * 4 + d] = rng.normal(d === y[i] ? 1.5 : 0, 0.7);
  }
  const data = { x, y, n, inputShape: [4], numClasses: 3 };
  const run = async () => {
    const model = tf.sequential({ layers: [
      tf.layers.dense({ inputShape: [4], units: 8, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ] });
    model.compile({ optimizer: sgdTimeDecay({ learningRate: 0.05, momentum: 0.9, decay: 1e-3 }), loss: "categoricalCrossentropy" });
    const before = tf.memory().numTensors;
    const h = await trainModel(model, data, { epochs: 4, batchSize: 20, seed: 9 });
    const grown = tf.memory().numTensors - before;
    model.optimizer.dispose();
    model.dispose();
    return { h, grown };
  };
  const a = await run();
  const b = await run();
  assert.ok(a.h.loss[3] < a.h.loss[0] * 0.7, `loss ${a.h.loss}`);
  assert.deepEqual(a.h.loss, b.h.loss);
  // One velocity per weight (4 variables) is all the optimizer may keep.
  assert.ok(a.grown <= 4, `${a.grown} tensors left behind`);
});
