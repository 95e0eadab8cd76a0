/**
 * The fast training loop for tfjs classifiers (introduced in lab 06, used by
 * every lab that trains a LayersModel).
 *
 * `model.fit` wants the whole data set as one tensor and re-slices it every
 * step; `trainModel` keeps the data in host typed arrays and builds each batch
 * as a fresh tensor (freed right after the step), shuffles with the lab's
 * seeded `Rng`, validates after every epoch, stops early when asked, and stops
 * with a clear message as soon as the loss stops being a finite number (a
 * `TrainingDivergedError` that carries the history up to that point).
 *
 * Each step is `optimizer.minimize` on the model's compiled loss (plus any
 * regularisation penalties), exactly what `model.fit` computes, without its
 * per-step bookkeeping; then every layer's weight constraint (e.g. max-norm)
 * is applied, as Keras does and tfjs's `model.fit` does not. On the wasm
 * backend, SGD, momentum and Adam apply the gradients in one pass per
 * variable instead of a dozen kernels (src/wasm/fused-update.ts), and a
 * network of Dense layers takes the whole step in a few kernel calls
 * (src/wasm/dense-step.ts), with the same arithmetic.
 *
 * History keys: `loss`, `acc` (training, averaged over the epoch's batches
 * while the weights move, as Keras reports them), `val_loss`, `val_acc`
 * (after the epoch; empty without validation data), `epochTimes` (seconds of
 * training per epoch, validation excluded), plus `stoppedEarly` and
 * `bestEpoch` (0-based) when early stopping is on.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "./random";
import { applyConstraints, constrainedWeights, ConstrainedOptimizer } from "./regularization";
import { fusedKind, fusedUpdate } from "./wasm/fused-update";
import { denseLayers, denseStep } from "./wasm/dense-step";

/** A classification data set held in host memory. */
export interface ClassificationData {
  /** n examples, each of `inputShape` (row-major), concatenated. */
  x: Float32Array;
  /** n integer class labels in [0, numClasses). */
  y: Uint8Array | Int32Array;
  n: number;
  /** Shape of one example, e.g. [784] or [28, 28, 1]. */
  inputShape: number[];
  numClasses: number;
}

export type Monitor = "val_loss" | "val_acc" | "loss" | "acc";

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  /** Seeds the order of the examples in every epoch. */
  seed: number;
  validation?: ClassificationData;
  /** Stop after `patience` epochs without improvement of `monitor` (default val_loss). */
  earlyStopping?: { patience: number; monitor?: Monitor; restoreBestWeights?: boolean };
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void | Promise<void>;
  /** Redraw training curves after each epoch (inside a notebook kernel). */
  live?: boolean;
  /** Print one line per epoch. */
  verbose?: boolean;
  /**
   * Learning rate for each epoch (0-based), set on the optimizer before the
   * epoch starts — a step or exponential decay, as Keras's LearningRateScheduler.
   */
  learningRate?: (epoch: number) => number;
}

export interface EpochLogs {
  loss: number;
  acc: number;
  val_loss?: number;
  val_acc?: number;
  seconds: number;
}

export interface TrainHistory {
  loss: number[];
  acc: number[];
  val_loss: number[];
  val_acc: number[];
  epochTimes: number[];
  stoppedEarly: boolean;
  /** Epoch (0-based) with the best monitored value, when early stopping is on. */
  bestEpoch?: number;
}

export interface Evaluation {
  /** Mean loss over the examples (the compiled loss, without regularisation). */
  loss: number;
  acc: number;
  /** The predicted class of every example. */
  predictions: Int32Array;
}

/**
 * Thrown by `trainModel` when the loss stops being a finite number. `history`
 * holds the epochs completed before it, so the curves of a run that blew up
 * can still be plotted (lab 07's learning-rate experiment).
 */
export class TrainingDivergedError extends Error {
  constructor(message: string, readonly history: TrainHistory, readonly epoch: number, readonly step: number, readonly loss: number) {
    super(message);
    this.name = "TrainingDivergedError";
  }
}

/** Checks that `data` is what it claims to be; throws saying what is wrong. */
export function validateData(data: ClassificationData, what = "data"): void {
  const { x, y, n, inputShape, numClasses } = data;
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${what}: n must be a positive integer, got ${n}.`);
  if (!Array.isArray(inputShape) || inputShape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new Error(`${what}: inputShape must be a list of positive integers, got ${JSON.stringify(inputShape)}.`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new Error(`${what}: numClasses must be an integer ≥ 2, got ${numClasses}.`);
  const per = inputShape.reduce((a, b) => a * b, 1);
  if (!(x instanceof Float32Array)) throw new Error(`${what}: x must be a Float32Array.`);
  if (x.length !== n * per) {
    throw new Error(`${what}: x has ${x.length} numbers but n × ${JSON.stringify(inputShape)} needs ${n * per}; check n and inputShape.`);
  }
  if (y.length !== n) throw new Error(`${what}: y has ${y.length} labels for n = ${n} examples.`);
  for (let i = 0; i < n; i++) {
    if (!(y[i] >= 0 && y[i] < numClasses && Number.isInteger(y[i]))) {
      throw new Error(`${what}: label y[${i}] = ${y[i]} is not a class in 0..${numClasses - 1}.`);
    }
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      throw new Error(`${what}: x[${i}] (example ${Math.floor(i / per)}) is ${x[i]}; clean or impute the inputs before training.`);
    }
  }
}

function checkModel(model: tf.LayersModel, data: ClassificationData): void {
  if (!model.optimizer) throw new Error("trainModel: the model is not compiled; call model.compile({optimizer, loss}) first.");
  const shape = model.inputs[0].shape.slice(1);
  if (shape.length !== data.inputShape.length || shape.some((d, i) => d != null && d !== data.inputShape[i])) {
    throw new Error(`The model expects inputs of shape [${shape}], the data has inputShape [${data.inputShape}].`);
  }
  const out = model.outputs[0].shape;
  if (out[out.length - 1] !== data.numClasses) {
    throw new Error(`The model has ${out[out.length - 1]} outputs but the data has ${data.numClasses} classes.`);
  }
}

/** True when the compiled loss takes integer labels rather than one-hot rows. */
function wantsSparseLabels(model: tf.LayersModel): boolean {
  const loss = Array.isArray(model.loss) ? model.loss[0] : model.loss;
  const name = typeof loss === "string" ? loss : (loss as { name?: string })?.name ?? "";
  return /sparse/i.test(name);
}

/** Builds batches from host arrays, reusing one host buffer per batch size. */
class Batcher {
  private readonly per: number;
  private readonly buffers = new Map<number, { x: Float32Array; y: Float32Array; labels: Int32Array }>();
  constructor(private readonly data: ClassificationData, private readonly sparse: boolean) {
    this.per = data.inputShape.reduce((a, b) => a * b, 1);
  }

  /** Tensors for examples order[start..start+size): x, the loss's targets and integer labels. */
  make(order: ArrayLike<number>, start: number, size: number): { x: tf.Tensor; target: tf.Tensor; labels: tf.Tensor1D; hostLabels: Int32Array } {
    const { data, per } = this;
    const k = data.numClasses;
    let buf = this.buffers.get(size);
    if (!buf) {
      buf = { x: new Float32Array(size * per), y: new Float32Array(this.sparse ? size : size * k), labels: new Int32Array(size) };
      this.buffers.set(size, buf);
    }
    if (!this.sparse) buf.y.fill(0);
    for (let i = 0; i < size; i++) {
      const j = order[start + i];
      buf.x.set(data.x.subarray(j * per, (j + 1) * per), i * per);
      const label = data.y[j];
      buf.labels[i] = label;
      if (this.sparse) buf.y[i] = label;
      else buf.y[i * k + label] = 1;
    }
    return {
      x: tf.tensor(buf.x, [size, ...data.inputShape]),
      target: this.sparse ? tf.tensor2d(buf.y, [size, 1]) : tf.tensor2d(buf.y, [size, k]),
      labels: tf.tensor1d(buf.labels, "int32"),
      hostLabels: buf.labels,
    };
  }
}

type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
/** The compiled loss function (a Sequential keeps it on its inner model). */
function lossFunctionOf(model: tf.LayersModel): LossFn {
  const m = model as unknown as { lossFunctions?: LossFn[]; model?: { lossFunctions?: LossFn[] } };
  const fn = m.lossFunctions?.[0] ?? m.model?.lossFunctions?.[0];
  if (!fn) throw new Error("The model has no compiled loss; call model.compile({optimizer, loss}) first.");
  return fn;
}
const countCorrect = (out: tf.Tensor, labels: tf.Tensor1D): tf.Scalar => tf.sum(tf.cast(tf.equal(tf.argMax(out, -1), labels), "int32"));

/** Loss, accuracy and predicted classes of `model` on `data`, in batches (lab 06). */
export function evaluateModel(model: tf.LayersModel, data: ClassificationData, batchSize = 256): Evaluation {
  validateData(data, "evaluateModel");
  checkModel(model, data);
  const batcher = new Batcher(data, wantsSparseLabels(model));
  const lossFn = lossFunctionOf(model);
  const order = Int32Array.from({ length: data.n }, (_, i) => i);
  const predictions = new Int32Array(data.n);
  let lossSum = 0, correct = 0;
  for (let start = 0; start < data.n; start += batchSize) {
    const size = Math.min(batchSize, data.n - start);
    const b = batcher.make(order, start, size);
    const [loss, pred] = tf.tidy(() => {
      const out = model.predictOnBatch(b.x) as tf.Tensor;
      return [tf.sum(lossFn(b.target, out)), tf.argMax(out, -1)];
    });
    lossSum += loss.dataSync()[0];
    const p = pred.dataSync() as Int32Array;
    predictions.set(p, start);
    for (let i = 0; i < size; i++) if (p[i] === data.y[start + i]) correct++;
    tf.dispose([loss, pred, b.x, b.target, b.labels]);
  }
  return { loss: lossSum / data.n, acc: correct / data.n, predictions };
}

/**
 * Trains a compiled classifier on host arrays (lab 06): seeded shuffles,
 * per-step batches, validation and early stopping, NaN guard. Returns the
 * history (see the module comment for its keys).
 */
export async function trainModel(model: tf.LayersModel, data: ClassificationData, opts: TrainOptions): Promise<TrainHistory> {
  const { epochs, batchSize, seed } = opts;
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`trainModel: epochs must be a positive integer, got ${epochs}.`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`trainModel: batchSize must be a positive integer, got ${batchSize}.`);
  validateData(data, "trainModel: training data");
  checkModel(model, data);
  if (opts.validation) {
    validateData(opts.validation, "trainModel: validation data");
    checkModel(model, opts.validation);
  }
  const stop = opts.earlyStopping;
  const monitor: Monitor = stop?.monitor ?? "val_loss";
  if (stop) {
    if (!Number.isInteger(stop.patience) || stop.patience < 0) throw new Error(`trainModel: earlyStopping.patience must be an integer ≥ 0, got ${stop.patience}.`);
    if (monitor.startsWith("val_") && !opts.validation) throw new Error(`trainModel: early stopping on ${monitor} needs validation data (opts.validation).`);
  }

  const rng = new Rng(seed);
  const batcher = new Batcher(data, wantsSparseLabels(model));
  const lossFn = lossFunctionOf(model);
  const optimizer = model.optimizer;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const regularizers = () => (model as unknown as { calculateLosses(): tf.Scalar[] }).calculateLosses();
  // A ConstrainedOptimizer (for model.fit) applies them already, and projecting twice is not a no-op: tfjs's
  // maxNorm scales by clip(n)/(1e-7 + n), so each pass shrinks the weights by ~1e-7/n. Not `instanceof`:
  // tf.Optimizer's Symbol.hasInstance is duck-typed, so every optimizer would match.
  const constrained = ConstrainedOptimizer.prototype.isPrototypeOf(optimizer) ? [] : constrainedWeights(model);
  const history: TrainHistory = { loss: [], acc: [], val_loss: [], val_acc: [], epochTimes: [], stoppedEarly: false };
  const live = opts.live ? await liveCurves() : undefined;
  const steps = Math.ceil(data.n / batchSize);
  // On wasm, SGD, momentum and Adam update each variable in one pass (src/wasm/fused-update.ts),
  // and a network of Dense layers takes its whole step without the tape (src/wasm/dense-step.ts).
  const fused = fusedKind(optimizer) !== undefined;
  const dense = denseLayers(model, variables, constrained.length > 0);
  let bestEpoch = -1, bestWeights: tf.Tensor[] | undefined;
  const scores: number[] = []; // the monitored value per epoch, negated for accuracies (lower is better)

  for (let epoch = 0; epoch < epochs; epoch++) {
    if (opts.learningRate) setLearningRate(optimizer, opts.learningRate(epoch), epoch);
    const t0 = performance.now();
    const order = rng.permutation(data.n);
    let lossSum = 0, correct = 0;
    for (let step = 0; step < steps; step++) {
      const start = step * batchSize;
      const size = Math.min(batchSize, data.n - start);
      const b = batcher.make(order, start, size);
      let value: number;
      if (dense) {
        const r = denseStep(optimizer, variables, dense, b.x, b.labels, b.hostLabels);
        value = r.loss;
        correct += r.correct;
        tf.dispose([b.x, b.target, b.labels]);
      } else {
        let hits: tf.Scalar | undefined;
        const objective = () => {
          const out = model.apply(b.x, { training: true }) as tf.Tensor;
          hits = tf.keep(countCorrect(out, b.labels));
          let total = tf.mean(lossFn(b.target, out)) as tf.Scalar;
          for (const r of regularizers()) total = tf.add(total, r);
          return total;
        };
        let loss: tf.Scalar;
        if (fused) {
          const { value: v, grads } = tf.variableGrads(objective, variables);
          fusedUpdate(optimizer, variables, variables.map((w) => grads[w.name]));
          tf.dispose(Object.values(grads));
          loss = v;
        } else {
          loss = optimizer.minimize(objective, true, variables)!;
        }
        applyConstraints(constrained);
        value = loss.dataSync()[0];
        correct += hits!.dataSync()[0];
        tf.dispose([loss, hits!, b.x, b.target, b.labels]);
      }
      if (!Number.isFinite(value)) {
        live?.done();
        tf.dispose(bestWeights ?? []);
        throw new TrainingDivergedError(`trainModel: the loss became ${value} at epoch ${epoch + 1}, step ${step + 1} of ${steps}. ` +
          "Training diverged: lower the learning rate (e.g. by 10×), and check the inputs are scaled (e.g. to [0, 1]). " +
          `The error's history holds the ${epoch} epoch(s) completed before.`, history, epoch, step, value);
      }
      lossSum += value * size;
    }
    const seconds = (performance.now() - t0) / 1000;
    const logs: EpochLogs = { loss: lossSum / data.n, acc: correct / data.n, seconds };
    history.loss.push(logs.loss);
    history.acc.push(logs.acc);
    history.epochTimes.push(seconds);
    if (opts.validation) {
      const v = evaluateModel(model, opts.validation, Math.max(batchSize, 256));
      logs.val_loss = v.loss;
      logs.val_acc = v.acc;
      history.val_loss.push(v.loss);
      history.val_acc.push(v.acc);
    }
    if (opts.verbose) console.log(formatEpoch(epoch, epochs, logs));
    live?.update(epoch, { loss: logs.loss, acc: logs.acc, ...(opts.validation ? { val_loss: logs.val_loss!, val_acc: logs.val_acc! } : {}) });
    await opts.onEpochEnd?.(epoch, logs);
    await new Promise((resolve) => setImmediate(resolve)); // let displays and timers run

    if (stop) {
      const value = logs[monitor]!;
      scores.push(monitor.endsWith("acc") ? -value : value);
      const rule = earlyStoppingPoint(scores, stop.patience);
      if (rule.bestEpoch === epoch) {
        bestEpoch = epoch;
        if (stop.restoreBestWeights) {
          tf.dispose(bestWeights ?? []);
          bestWeights = model.getWeights().map((w) => tf.keep(w.clone()));
        }
      } else if (rule.stopped) {
        history.stoppedEarly = true;
        if (opts.verbose) console.log(`Early stop: ${monitor} has not improved for ${epoch - bestEpoch} epochs (best at epoch ${bestEpoch + 1}).`);
        break;
      }
    }
  }
  if (stop) {
    history.bestEpoch = bestEpoch;
    if (bestWeights) {
      model.setWeights(bestWeights);
      tf.dispose(bestWeights);
    }
  }
  live?.done();
  return history;
}

/**
 * Keras's EarlyStopping rule (lower is better, min_delta 0) over the monitored
 * value of each epoch so far (lab 07): an epoch improves when its value is
 * below every earlier one (NaN never does); training stops after the first
 * epoch that is max(1, patience) epochs past the best. Returns how many epochs
 * are trained, the 0-based best epoch (−1 if none improved) and whether the
 * rule stopped training.
 * @answer 07-mnist-training/early-stopping
 */
export function earlyStoppingPoint(values: ArrayLike<number>, patience: number): { epochs: number; bestEpoch: number; stopped: boolean } {
  if (!Number.isInteger(patience) || patience < 0) throw new Error(`earlyStoppingPoint: patience must be an integer ≥ 0, got ${patience}.`);
  let best = Infinity, bestEpoch = -1;
  for (let e = 0; e < values.length; e++) {
    if (values[e] < best) {
      best = values[e];
      bestEpoch = e;
    } else if (e - bestEpoch >= Math.max(1, patience)) return { epochs: e + 1, bestEpoch, stopped: true };
  }
  return { epochs: values.length, bestEpoch, stopped: false };
}

/** Sets the rate of a tf.train optimizer (they all read `learningRate` at every step). */
function setLearningRate(optimizer: tf.Optimizer, lr: number, epoch: number): void {
  if (!Number.isFinite(lr) || lr < 0) throw new Error(`trainModel: learningRate(${epoch}) returned ${lr}; it must be a number ≥ 0.`);
  const o = optimizer as unknown as { learningRate?: number; setLearningRate?: (lr: number) => void };
  if (typeof o.setLearningRate === "function") o.setLearningRate(lr); // SGD keeps a tensor copy of the rate
  else if (typeof o.learningRate === "number") o.learningRate = lr;
  else throw new Error(`trainModel: the ${optimizer.getClassName()} optimizer has no learning rate to schedule.`);
}

function formatEpoch(epoch: number, epochs: number, l: EpochLogs): string {
  const val = l.val_loss !== undefined ? `  val_loss ${l.val_loss.toFixed(4)}  val_acc ${l.val_acc!.toFixed(4)}` : "";
  return `epoch ${epoch + 1}/${epochs}  loss ${l.loss.toFixed(4)}  acc ${l.acc.toFixed(4)}${val}  (${l.seconds.toFixed(1)} s)`;
}

/** Live curves when running inside a notebook kernel; nothing elsewhere. */
async function liveCurves() {
  const plot = await import("./plot");
  return plot.inKernel() ? plot.liveTrainingCurves({ title: "Training curves", xTitle: "epoch" }) : undefined;
}
