/**
 * Checks for the autograded exercises of lab 08, the practical assignment.
 * Each calls the student's function on inputs of its own and compares with
 * the library: fitScaler / applyScaler (src/data/scaler.ts), fBeta
 * (src/metrics.ts) and classWeightedEpoch (src/class-weights.ts). The grader
 * runs hidden tests on other inputs (grading/hidden/08-assignment.json).
 */
import * as tf from "@tensorflow/tfjs";
import { CheckError, callStudent, expect, expectAllClose, expectClose, fmt, passed } from "../check";
import { Rng } from "../random";
import { fitScaler, applyScaler, type Scaler } from "../data/scaler";
import { fBeta } from "../metrics";
import { classWeightedEpoch, type EpochOptions } from "../class-weights";
import type { ClassificationData } from "../train";

const randomRows = (rng: Rng, n: number, d: number, scale = 10) => Float32Array.from({ length: n * d }, () => rng.normal() * scale + rng.uniform(-50, 50));

/** Exercise "scaler": featureStats(x, d) → {mean, std} of the columns; standardize(x, stats) → (x − mean)/std. */
export function checkScaler(featureStats: (x: Float32Array, d: number) => Scaler, standardize: (x: Float32Array, s: Scaler) => Float32Array): void {
  const ex = "scaler";
  const rng = new Rng(808);
  const cases: [Float32Array, number][] = [
    [new Float32Array([1, 10, 3, 30]), 2],
    [randomRows(rng, 17, 3), 3],
    [new Float32Array([5, 1, 5, 2, 5, 3]), 2], // constant first column
  ];
  for (const [x, d] of cases) {
    const copy = x.slice();
    const got = callStudent(ex, featureStats, x, d);
    const want = fitScaler(x, d);
    expect(ex, !!got && Array.isArray(got.mean) && Array.isArray(got.std), `featureStats must return { mean: number[], std: number[] }, got ${fmt(got)}.`);
    expect(ex, x.every((v, i) => v === copy[i]), "featureStats changed its input; compute the statistics without modifying x.");
    expectAllClose(ex, `featureStats(${fmt(x)}, ${d}).mean`, got.mean, want.mean, { atol: 1e-6, rtol: 1e-5 });
    const n = x.length / d;
    const sample = want.std.map((s) => s * Math.sqrt(n / (n - 1)));
    const isSample = got.std.every((s, j) => Math.abs(s - sample[j]) < 1e-5 * sample[j]);
    expect(ex, !isSample, "your std divides by n − 1 (the sample standard deviation); use the population one, dividing by n, as scikit-learn's StandardScaler.");
    expect(ex, got.std.every((s) => s > 0 && Number.isFinite(s)), `std must be > 0 for every column (use 1 for a constant column, so standardising does not divide by 0); got ${fmt(got.std)}.`);
    expectAllClose(ex, `featureStats(${fmt(x)}, ${d}).std`, got.std, want.std, { atol: 1e-6, rtol: 1e-5 });
    const other = randomRows(rng, 5, d);
    const z = callStudent(ex, standardize, other, want);
    expect(ex, z instanceof Float32Array, `standardize must return a Float32Array, got ${fmt(z)}.`);
    expectAllClose(ex, `standardize(rows, stats)`, z, applyScaler(other, want), { atol: 1e-5, rtol: 1e-5 });
  }
  passed(ex);
}

/** Exercise "f-beta": fBetaScore(yTrue, yPred, beta) → F-beta of class 1 (malignant). */
export function checkFBeta(fBetaScore: (yTrue: ArrayLike<number>, yPred: ArrayLike<number>, beta: number) => number): void {
  const ex = "f-beta";
  const rng = new Rng(88);
  const random = (n: number, pPos: number, acc: number) => {
    const yTrue = Array.from({ length: n }, () => Number(rng.next() < pPos));
    return { yTrue, yPred: yTrue.map((t) => (rng.next() < acc ? t : 1 - t)) };
  };
  const cases: { yTrue: number[]; yPred: number[] }[] = [
    { yTrue: [1, 1, 0, 0, 1], yPred: [1, 0, 0, 1, 1] },
    { yTrue: [1, 1, 1, 0], yPred: [0, 0, 0, 0] }, // nothing predicted malignant: 0
    { yTrue: [0, 0, 0], yPred: [0, 0, 0] }, // no malignant case at all: 0
    random(200, 0.3, 0.8),
    random(57, 0.6, 0.6),
  ];
  for (const { yTrue, yPred } of cases) {
    for (const beta of [1, 2, 0.5]) {
      const got = callStudent(ex, fBetaScore, yTrue.slice(), yPred.slice(), beta);
      const want = fBeta(yTrue, yPred, beta);
      const swapped = fBeta(yPred, yTrue, beta);
      expect(ex, !(typeof got === "number" && Math.abs(got - swapped) < 1e-9 && Math.abs(want - swapped) > 1e-9),
        `for beta = ${beta} your score weights precision and recall the wrong way round: beta > 1 favours recall, TP / (TP + FN).`);
      expect(ex, Number.isFinite(got), `fBetaScore(${fmt(yTrue)}, ${fmt(yPred)}, ${beta}) is ${got}; when there are no true positives, return 0.`);
      expectClose(ex, `fBetaScore(${fmt(yTrue)}, ${fmt(yPred)}, ${beta})`, got, want, { atol: 1e-9, rtol: 1e-9 });
    }
  }
  passed(ex);
}

/** Two models with identical, seeded initial weights: one for the reference, one for the student. */
function twinModels(d: number, hidden: number, seed: number): [tf.LayersModel, tf.LayersModel] {
  const make = () => tf.sequential({ layers: [
    tf.layers.dense({ units: hidden, inputShape: [d], activation: "tanh", kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed + 1 }) }),
    tf.layers.dense({ units: 2, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }),
  ] });
  return [make(), make()];
}

/** Exercise "train-epoch": trainEpoch(model, data, opts) → one epoch of class-weighted mini-batch training; returns its mean loss. */
export function checkTrainEpoch(trainEpoch: (model: tf.LayersModel, data: ClassificationData, opts: EpochOptions) => number): void {
  const ex = "train-epoch";
  const rng = new Rng(8080);
  const cases = [
    { n: 10, d: 3, batchSize: 4, weights: [1, 1], lr: 0.3 },
    { n: 23, d: 5, batchSize: 8, weights: [1, 4], lr: 0.1 },
    { n: 16, d: 2, batchSize: 16, weights: [2, 0.5], lr: 0.5 },
  ];
  for (const [i, c] of cases.entries()) {
    const data: ClassificationData = { x: Float32Array.from({ length: c.n * c.d }, () => rng.normal()), y: Int32Array.from({ length: c.n }, () => rng.int(2)), n: c.n, inputShape: [c.d], numClasses: 2 };
    const [ref, mine] = twinModels(c.d, 4, 100 + i);
    const refOpt = tf.train.sgd(c.lr), myOpt = tf.train.sgd(c.lr);
    const seed = 7 + i;
    const want = classWeightedEpoch(ref, data, { optimizer: refOpt, batchSize: c.batchSize, seed, classWeights: c.weights });
    const start = mine.getWeights().map((w) => Array.from(w.dataSync()));
    const before = tf.memory().numTensors;
    const where = `n = ${c.n}, batchSize = ${c.batchSize}, classWeights = ${JSON.stringify(c.weights)}`;
    let got: number;
    try {
      got = callStudent(ex, trainEpoch, mine, data, { optimizer: myOpt, batchSize: c.batchSize, seed, classWeights: c.weights.slice() });
      const leaked = tf.memory().numTensors - before;
      expect(ex, leaked <= 0, `your epoch left ${leaked} tensor(s) alive (${where}); dispose each batch's tensors and the loss (tf.dispose, or compute inside tf.tidy).`);
      expect(ex, typeof got === "number" && Number.isFinite(got), `trainEpoch must return the epoch's mean loss as a finite number, got ${fmt(got)}.`);
      const wr = ref.getWeights().map((w) => w.dataSync()), wm = mine.getWeights().map((w) => w.dataSync());
      const moved = wm.some((w, k) => w.some((v, j) => v !== start[k][j]));
      expect(ex, moved, `the model's weights did not change (${where}); call optimizer.minimize(() => loss) for every batch.`);
      wr.forEach((w, k) => expectAllClose(ex, `after one epoch (${where}), weight tensor ${k}`, Array.from(wm[k]), w, { atol: 1e-4, rtol: 1e-3 }));
      expectClose(ex, `the returned mean loss (${where})`, got, want, { atol: 1e-4, rtol: 1e-3 });
    } finally {
      for (const m of [ref, mine]) m.dispose();
      refOpt.dispose(); myOpt.dispose();
    }
  }
  passed(ex);
}
