/**
 * Looking inside a trained network (lab 07, the St. Gallen lecture's "which neurons fire
 * for which digit"): the activations of hidden layers, their mean per class,
 * and a selectivity score saying how much a unit prefers one class.
 */
import * as tf from "@tensorflow/tfjs";

/**
 * The outputs of the layers `layerIndices` of `model` for the n examples in
 * `x` (row-major, each of the model's input shape), computed in batches in
 * inference mode. Returns one n × units Float32Array per layer, with its width.
 */
export function layerActivations(model: tf.LayersModel, layerIndices: number[], x: Float32Array, n: number, batchSize = 512): { values: Float32Array; units: number }[] {
  if (layerIndices.length === 0) throw new Error("layerActivations: give at least one layer index.");
  for (const i of layerIndices) {
    if (!Number.isInteger(i) || i < 0 || i >= model.layers.length) throw new Error(`layerActivations: layer index ${i} is outside 0..${model.layers.length - 1}.`);
  }
  const inShape = model.inputs[0].shape.slice(1) as number[];
  const per = inShape.reduce((a, b) => a * b, 1);
  if (x.length !== n * per) throw new Error(`layerActivations: x has ${x.length} numbers but ${n} examples of shape [${inShape}] need ${n * per}.`);
  const outputs = layerIndices.map((i) => model.layers[i].output as tf.SymbolicTensor);
  const probe = tf.model({ inputs: model.inputs, outputs });
  const units = outputs.map((o) => (o.shape.slice(1) as number[]).reduce((a, b) => a * b, 1));
  const result = units.map((u) => ({ values: new Float32Array(n * u), units: u }));
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const outs = tf.tidy(() => {
      const batch = tf.tensor(x.subarray(start * per, (start + size) * per), [size, ...inShape]);
      const o = probe.predict(batch);
      return Array.isArray(o) ? o : [o];
    });
    outs.forEach((t, k) => result[k].values.set(t.dataSync(), start * units[k]));
    tf.dispose(outs);
  }
  return result;
}

/** units × numClasses: the mean activation of every unit over the examples of each class. */
export function meanActivationPerClass(values: ArrayLike<number>, units: number, labels: ArrayLike<number>, numClasses: number): number[][] {
  const n = labels.length;
  if (values.length !== n * units) throw new Error(`meanActivationPerClass: ${values.length} values are not ${n} examples × ${units} units.`);
  const sums = Array.from({ length: units }, () => new Array<number>(numClasses).fill(0));
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) throw new Error(`meanActivationPerClass: labels[${i}] = ${c} is not a class in 0..${numClasses - 1}.`);
    counts[c]++;
    for (let u = 0; u < units; u++) sums[u][c] += values[i * units + u];
  }
  const empty = counts.findIndex((k) => k === 0);
  if (empty >= 0) throw new Error(`meanActivationPerClass: class ${empty} has no example; use a sample with every class.`);
  return sums.map((row) => row.map((s, c) => s / counts[c]));
}

export interface Selectivity {
  /** (top − mean of the others) / (top + mean of the others): 0 = no preference, 1 = fires for one class only. */
  score: number;
  /** The class with the highest mean activation. */
  preferred: number;
}

/**
 * How strongly a unit prefers one class, from its mean activation per class
 * (non-negative, e.g. after ReLU). A unit that never fires scores 0.
 */
export function selectivity(means: ArrayLike<number>): Selectivity {
  if (means.length < 2) throw new Error(`selectivity: need the means of at least 2 classes, got ${means.length}.`);
  let preferred = 0;
  for (let c = 0; c < means.length; c++) {
    if (!(means[c] >= 0)) throw new Error(`selectivity: means[${c}] = ${means[c]}; mean activations must be ≥ 0 (use ReLU outputs).`);
    if (means[c] > means[preferred]) preferred = c;
  }
  const top = means[preferred];
  let others = 0;
  for (let c = 0; c < means.length; c++) if (c !== preferred) others += means[c];
  others /= means.length - 1;
  return { score: top + others === 0 ? 0 : (top - others) / (top + others), preferred };
}
