/**
 * Checks for the exercises of lab 07, "Training and evaluating a network on
 * MNIST". Each calls the student's function on inputs of its own and compares
 * with the library: earlyStoppingPoint (src/train.ts), classificationReport
 * (src/metrics.ts) and bestTrial (src/search.ts).
 */
import { CheckError, callStudent, expect, expectClose, fmt, passed } from "../check";
import { Rng } from "../random";
import { earlyStoppingPoint } from "../train";
import { classificationReport, confusionMatrix } from "../metrics";
import { bestTrial, type Config } from "../search";

export interface EarlyStopAnswer {
  /** How many epochs are trained (the stopping epoch included). */
  epochs: number;
  /** The 0-based epoch whose weights are restored (the lowest validation loss; −1 if no epoch improved). */
  bestEpoch: number;
}

/**
 * Exercise "early-stopping": (valLoss, patience) => {epochs, bestEpoch}, the
 * rule trainModel applies (Keras's EarlyStopping): on hand-made histories with
 * ties, plateaus and NaN, and on random ones.
 */
export function checkEarlyStopping(earlyStop: (valLoss: number[], patience: number) => EarlyStopAnswer): void {
  const ex = "early-stopping";
  const rng = new Rng(708);
  const cases: [number[], number][] = [
    [[0.9, 0.7, 0.6, 0.65, 0.66, 0.64, 0.7, 0.71], 3], // stops 3 epochs after the minimum
    [[0.9, 0.7, 0.6, 0.65, 0.59, 0.62, 0.63], 2], // a late improvement resets the count
    [[1.0, 0.8, 0.8, 0.8, 0.8], 2], // a tie is not an improvement
    [[0.5, 0.4, 0.3, 0.2], 1], // never stops: all epochs, the last one best
    [[0.5, 0.6, 0.4], 0], // patience 0 stops at the first epoch without improvement, like Keras
    [[0.7, NaN, NaN, NaN], 2], // NaN never improves
    [[0.3], 5],
  ];
  for (let t = 0; t < 6; t++) {
    let v = 1 + rng.next();
    cases.push([Array.from({ length: 5 + rng.int(20) }, (_, e) => (v = Math.max(0.05, v - 0.1 * rng.next() + (e > 5 ? 0.08 * rng.next() : 0)))), 1 + rng.int(4)]);
  }
  for (const [losses, patience] of cases) {
    const got = callStudent(ex, earlyStop, [...losses], patience);
    if (got == null || typeof got !== "object") throw new CheckError(ex, `return an object {epochs, bestEpoch}; got ${fmt(got)}.`);
    const want = earlyStoppingPoint(losses, patience);
    const where = `for validation losses ${fmt(losses.map((l) => +l.toFixed(3)))} and patience ${patience}`;
    expect(ex, got.bestEpoch === want.bestEpoch, `${where} the best epoch (0-based, lowest loss, the first one on a tie) is ${want.bestEpoch}, you returned ${fmt(got.bestEpoch)}.`);
    const hint = got.epochs === want.epochs - 1 ? " (The epoch that runs out the patience is trained too: count it.)" : "";
    expect(ex, got.epochs === want.epochs, `${where} training runs ${want.epochs} epochs${want.stopped ? `, stopping after epoch ${want.epochs - 1} (0-based), ${Math.max(1, patience)} past the best` : " (it never stops early)"}; you returned ${fmt(got.epochs)}.${hint}`);
  }
  passed(ex, `${cases.length} validation-loss histories`);
}

/** Labels whose confusion matrix is `cm` (rows true, columns predicted). */
function labelsOf(cm: number[][]): { yTrue: number[]; yPred: number[] } {
  const yTrue: number[] = [], yPred: number[] = [];
  cm.forEach((row, t) => row.forEach((count, p) => {
    for (let i = 0; i < count; i++) { yTrue.push(t); yPred.push(p); }
  }));
  return { yTrue, yPred };
}

export interface ClassScoresAnswer {
  precision: number;
  recall: number;
  f1: number;
}

/** Exercise "precision-recall": (cm, c) => precision, recall and F1 of class c; rows of cm are true classes. */
export function checkPrecisionRecall(scores: (cm: number[][], c: number) => ClassScoresAnswer): void {
  const ex = "precision-recall";
  const rng = new Rng(707);
  const random = (k: number) => {
    const yTrue = Array.from({ length: 300 }, () => rng.int(k));
    const yPred = yTrue.map((t) => (rng.next() < 0.7 ? t : rng.int(k)));
    return confusionMatrix(yTrue, yPred, k);
  };
  const cms: number[][][] = [
    [[50, 10], [5, 35]],
    [[90, 2, 8], [0, 3, 27], [1, 0, 69]],
    [[4, 0, 1], [3, 0, 2], [0, 0, 5]], // class 1 never predicted: precision 0/0 → 0
    random(4),
    random(10),
  ];
  for (const cm of cms) {
    const { yTrue, yPred } = labelsOf(cm);
    const report = classificationReport(yTrue, yPred, cm.length);
    for (let c = 0; c < cm.length; c++) {
      const got = callStudent(ex, scores, cm.map((r) => r.slice()), c);
      const want = report.perClass[c];
      if (got == null || typeof got !== "object") throw new CheckError(ex, `return an object {precision, recall, f1}; got ${fmt(got)}.`);
      const swapped = Math.abs(got.precision - want.recall) < 1e-9 && Math.abs(got.recall - want.precision) < 1e-9 && Math.abs(want.precision - want.recall) > 1e-9;
      expect(ex, !swapped, `for class ${c} of ${JSON.stringify(cm)} your precision and recall are swapped: rows are the true classes, so recall divides by the row sum and precision by the column sum.`);
      const where = `class ${c} of the confusion matrix ${JSON.stringify(cm)}`;
      expect(ex, Number.isFinite(got.precision), `precision for ${where} is ${got.precision}; when a class is never predicted (0/0), report 0.`);
      expectClose(ex, `precision for ${where}`, got.precision, want.precision, { atol: 1e-9, rtol: 1e-9 });
      expectClose(ex, `recall for ${where}`, got.recall, want.recall, { atol: 1e-9, rtol: 1e-9 });
      expect(ex, Number.isFinite(got.f1), `F1 for ${where} is ${got.f1}; when precision + recall = 0, report 0.`);
      expectClose(ex, `F1 for ${where}`, got.f1, want.f1, { atol: 1e-9, rtol: 1e-9 });
    }
  }
  passed(ex);
}

export interface SearchTrial {
  config: Config;
  valAcc: number;
  testAcc: number;
}

/** Exercise "pick-best": (trials) => index of the trial to keep, chosen on validation accuracy only (first on a tie). */
export function checkPickBest(pickBest: (trials: SearchTrial[]) => number): void {
  const ex = "pick-best";
  const rng = new Rng(77);
  const make = (val: number[], test: number[]): SearchTrial[] => val.map((v, i) => ({ config: { learningRate: 10 ** -(1 + i % 3), batchSize: 32 << (i % 3) }, valAcc: v, testAcc: test[i] }));
  const cases: SearchTrial[][] = [
    make([0.91, 0.95, 0.93], [0.92, 0.94, 0.96]), // the test set would pick another trial
    make([0.97, 0.97, 0.96, 0.95], [0.95, 0.97, 0.98, 0.94]), // a tie on validation: keep the first
    make([0.5], [0.6]),
    make(Array.from({ length: 12 }, () => 0.9 + 0.08 * rng.next()), Array.from({ length: 12 }, () => 0.9 + 0.08 * rng.next())),
  ];
  for (const trials of cases) {
    const copy = trials.map((t) => ({ ...t, config: { ...t.config } }));
    const got = callStudent(ex, pickBest, copy);
    const want = bestTrial(trials, "valAcc");
    const byTest = bestTrial(trials, "testAcc");
    if (got === byTest && byTest !== want) {
      throw new CheckError(ex, `you picked trial ${got}, the best on the *test* set. Choose on validation accuracy: the test set must stay unseen until the one final report.`);
    }
    expect(ex, got === want, `for validation accuracies ${fmt(trials.map((t) => t.valAcc))} the trial to keep is ${want} (highest validation accuracy, the first one on a tie), got ${fmt(got)}.`);
  }
  passed(ex);
}

// The find-the-bug check builds and inspects the student's tfjs model.
import * as tf from "@tensorflow/tfjs";

/** Units and activation of each layer of a model, in order. */
function denseLayers(model: tf.LayersModel): { units: number; activation: string }[] {
  return model.layers.map((layer) => {
    const config = layer.getConfig() as { units?: number; activation?: string };
    return { units: config.units ?? NaN, activation: String(config.activation) };
  });
}

/**
 * Exercise "find-the-bug": (seed) => the lecture's first Keras script with its
 * bug fixed: 784 → 64 → 64 → 64 (ReLU) → 10 (softmax), 59,210 parameters, the
 * same weights for the same seed. The lecture's script ends in
 * Dense(64, softmax), which cannot be fitted to one-hot labels of 10 digits.
 */
export function checkLectureNetwork(build: (seed: number) => tf.LayersModel): void {
  const ex = "find-the-bug";
  const built: tf.LayersModel[] = [];
  const make = (seed: number): tf.LayersModel => {
    const model = callStudent(ex, build, seed);
    if (!model || typeof (model as tf.LayersModel).countParams !== "function" || !Array.isArray((model as tf.LayersModel).layers)) {
      throw new CheckError(ex, `return a tf.Sequential model (tf.sequential() with tf.layers.dense layers added); got ${fmt(model)}.`);
    }
    built.push(model);
    return model;
  };
  try {
    const model = make(3);
    const inShape = model.inputs[0].shape;
    expect(ex, inShape.length === 2 && inShape[1] === 784, `the network takes flattened 28×28 images, an input of shape [null, 784]; yours takes ${JSON.stringify(inShape)}. Give the first layer inputShape: [784].`);
    const others = model.layers.filter((l) => l.getClassName() !== "Dense").map((l) => l.getClassName());
    expect(ex, others.length === 0, `the lecture's script has Dense layers only; yours also has ${others.join(", ")}. Fix the bug and change nothing else.`);
    const layers = denseLayers(model);
    const out = layers[layers.length - 1];
    const hidden = layers.slice(0, -1);
    const shape = [784, ...layers.map((l) => l.units)].join("-");
    if (out.units === 64 && hidden.length === 3) {
      throw new CheckError(ex, `your output layer still has 64 units, as in the lecture's script. The labels are one-hot vectors of 10 digits and categorical cross-entropy compares the network's outputs with them entry by entry, so the last layer needs one unit per class.`);
    }
    expect(ex, out.units === 10, `the output layer must have one unit per digit, 10; yours has ${out.units} (the network is ${shape}).`);
    expect(ex, out.activation === "softmax", `the output layer's activation must stay softmax, which turns the 10 outputs into probabilities that sum to 1, as categorical cross-entropy needs; yours is ${out.activation}.`);
    const hiddenOk = hidden.length === 3 && hidden.every((l) => l.units === 64 && l.activation === "relu");
    expect(ex, hiddenOk, `the lecture's script has three hidden layers of 64 ReLU units (784-64-64-64-10), and they are not the bug; yours is ${shape} with hidden activations ${hidden.map((l) => l.activation).join(", ") || "none"}.`);
    expect(ex, model.countParams() === 59210, `the fixed network has 59,210 parameters, as in the lecture's table; yours has ${model.countParams()}. Does every layer keep its bias?`);
    const probs = tf.tidy(() => (model.predict(tf.randomUniform([4, 784], 0, 1, "float32", 11)) as tf.Tensor).arraySync() as number[][]);
    const sums = probs.map((row) => row.reduce((a, b) => a + b, 0));
    expect(ex, sums.every((s) => Math.abs(s - 1) < 1e-4), `each output row should be a probability distribution summing to 1; your network's rows sum to ${fmt(sums)}.`);
    const first = (m: tf.LayersModel) => Array.from(m.layers[0].getWeights()[0].dataSync());
    const w3 = first(model), again = first(make(3)), w4 = first(make(4));
    expect(ex, w3.every((v, i) => v === again[i]), `two calls with the same seed must build the same initial weights (the lab's runs are reproducible): seed every layer's initializer from \`seed\`, as buildMlp does with tfSeed(seed, i).`);
    expect(ex, w3.some((v, i) => v !== w4[i]), `seeds 3 and 4 built identical weights: the initializers must depend on \`seed\`.`);
  } finally {
    for (const m of built) m.dispose();
  }
  passed(ex);
}
