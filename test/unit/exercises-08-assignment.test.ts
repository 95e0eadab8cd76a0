import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { rejects, run } from "../support/checks";
import { checkFBeta, checkScaler, checkTrainEpoch } from "../../src/exercises/08-assignment";
import { applyScaler, fitScaler, type Scaler } from "../../src/data/scaler";
import { fBeta } from "../../src/metrics";
import { classWeightedEpoch, weightedCrossEntropy, type EpochOptions } from "../../src/class-weights";
import { Rng } from "../../src/random";
import type { ClassificationData } from "../../src/train";

test("scaler: the population mean/std pass; n − 1, a zero std, a mutated input and a wrong standardize are caught", () => {
  assert.equal(run(() => checkScaler(fitScaler, applyScaler)), undefined);
  const sampleStd = (x: Float32Array, d: number): Scaler => {
    const s = fitScaler(x, d), n = x.length / d;
    return { mean: s.mean, std: s.std.map((v) => v * Math.sqrt(n / (n - 1))) };
  };
  rejects(() => checkScaler(sampleStd, applyScaler), /divides by n − 1/);
  rejects(() => checkScaler((x, d) => { const s = fitScaler(x, d); return { mean: s.mean, std: s.std.map((v) => (v === 1 ? 0 : v)) }; }, applyScaler), /use 1 for a constant column/);
  rejects(() => checkScaler((x, d) => { const s = fitScaler(x, d); x.fill(0); return s; }, applyScaler), /changed its input/);
  rejects(() => checkScaler(fitScaler, (x, s) => Float32Array.from(x, (v, i) => v - s.mean[i % s.mean.length])), /standardize\(rows, stats\)/);
  assert.throws(() => checkScaler(() => { throw new Error("not implemented: scaler"); }, applyScaler), /^Error: not implemented: scaler$/);
});

test("f-beta: the library's F-beta passes; swapped precision/recall, NaN for 0/0 and F1 for every beta are caught", () => {
  assert.equal(run(() => checkFBeta((t, p, b) => fBeta(t, p, b))), undefined);
  rejects(() => checkFBeta((t, p, b) => fBeta(p, t, b)), /wrong way round/);
  rejects(() => checkFBeta((t, p, b) => { const v = fBeta(t, p, b); return v === 0 ? NaN : v; }), /return 0/);
  rejects(() => checkFBeta((t, p) => fBeta(t, p, 1)), /should be/);
});

/** A trainEpoch that forgets the class weights. */
const unweighted = (m: tf.LayersModel, d: ClassificationData, o: EpochOptions) => classWeightedEpoch(m, d, { ...o, classWeights: o.classWeights.map(() => 1) });

test("train-epoch: the reference loop passes; no class weights, another order, a leak and no update are caught", () => {
  assert.equal(run(() => checkTrainEpoch(classWeightedEpoch)), undefined);
  rejects(() => checkTrainEpoch(unweighted), /weight tensor|mean loss/);
  rejects(() => checkTrainEpoch((m, d, o) => classWeightedEpoch(m, d, { ...o, seed: o.seed + 1 })), /weight tensor|mean loss/);
  rejects(() => checkTrainEpoch((m, d, o) => { const v = classWeightedEpoch(m, d, o); tf.keep(tf.scalar(v)); return v; }), /left 1 tensor\(s\) alive/);
  rejects(() => checkTrainEpoch(() => 0.5), /weights did not change/);
});

test("weightedCrossEntropy: w[y]·−log p[y] averaged over the batch, and classWeightedEpoch does not leak", () => {
  const probs = tf.tensor2d([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]);
  const labels = tf.tensor1d([0, 1, 1], "int32");
  const got = weightedCrossEntropy(probs, labels, [1, 3]).dataSync()[0];
  const want = (-Math.log(0.9) - 3 * Math.log(0.8) - 3 * Math.log(0.4)) / 3;
  assert.ok(Math.abs(got - want) < 1e-6, `${got} vs ${want}`);
  tf.dispose([probs, labels]);
  const rng = new Rng(3);
  const data: ClassificationData = { x: Float32Array.from({ length: 40 }, () => rng.normal()), y: Int32Array.from({ length: 20 }, () => rng.int(2)), n: 20, inputShape: [2], numClasses: 2 };
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2], activation: "softmax" })] });
  const opt = tf.train.adam(0.05);
  classWeightedEpoch(model, data, { optimizer: opt, batchSize: 6, seed: 1, classWeights: [1, 2] }); // creates Adam's slots
  const before = tf.memory().numTensors;
  const losses = Array.from({ length: 30 }, (_, e) => classWeightedEpoch(model, data, { optimizer: opt, batchSize: 6, seed: e, classWeights: [1, 2] }));
  assert.equal(tf.memory().numTensors, before);
  assert.ok(losses[29] < losses[0], `the loss should fall: ${losses[0]} → ${losses[29]}`);
  assert.throws(() => classWeightedEpoch(model, data, { optimizer: opt, batchSize: 6, seed: 1, classWeights: [1] }), /classWeights must hold 2 positive numbers/);
  model.dispose(); opt.dispose();
});
