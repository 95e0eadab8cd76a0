/**
 * One training step of a dense network in a handful of kernel calls, on the
 * wasm heap (trainModel on the wasm backend, with or without the native BLAS).
 *
 * Through tfjs, a step of a 3-layer MLP is ~110 engine calls (forward ops, the
 * tape's saved copies, every gradient op, the loss's dozen ops), each a few µs
 * of bookkeeping on top of tiny kernels: the MLP recipe is bound by that, not
 * by arithmetic. For a model that is only Dense layers (relu, sigmoid, tanh
 * or linear; softmax last) trained with (sparse) categorical cross-entropy,
 * `denseStep` does the same step directly: the products through the wasm
 * backend's BatchMatMul kernel (OpenBLAS where the addon is built, XNNPACK
 * otherwise), bias, activations and their derivatives, softmax and the loss
 * in loops over the heap (in the native addon where it is installed,
 * else in WebAssembly SIMD, ./loops.wat), then the optimizer's fused update. The
 * loss is Keras's (probabilities clipped to [ε, 1 − ε], rows whose label's
 * probability is clipped pass no gradient, as through tfjs's clip). Results
 * agree with the tfjs step up to float rounding (test/unit/train.test.ts).
 */
import * as tf from "@tensorflow/tfjs";
import type { NativeBlas } from "../native";
import { free, type WasmBackend } from "./heap";
import { fusedKind, fusedUpdate } from "./fused-update";
import { activeNativeBlas } from "./index";
import { ACT, heapOf, offset } from "./native";
import { ACT_GRAD, loopsFor } from "./loops";

type Act = "relu" | "linear" | "sigmoid" | "tanh" | "softmax";
interface DenseLayer { kernel: tf.Variable; bias?: tf.Variable; act: Act; units: number }

/** The layers of `model` if denseStep can train it with this optimizer, else undefined. */
export function denseLayers(model: tf.LayersModel, variables: tf.Variable[], hasConstraints: boolean): DenseLayer[] | undefined {
  if (tf.getBackend() !== "wasm" || hasConstraints || !model.optimizer || !fusedKind(model.optimizer)) return undefined;
  const loss = Array.isArray(model.loss) ? model.loss[0] : model.loss;
  if (typeof loss !== "string" || !/^(sparse_?)?categorical_?crossentropy$/i.test(loss)) return undefined;
  if (model.inputs.length !== 1 || model.inputs[0].shape.length !== 2 || model.outputs.length !== 1) return undefined;
  const layers = model.layers.filter((l) => l.getClassName() !== "InputLayer");
  const out: DenseLayer[] = [];
  for (const [i, layer] of layers.entries()) {
    const d = layer as unknown as {
      kernel?: { read(): tf.Variable }; bias?: { read(): tf.Variable }; useBias: boolean; units: number;
      activation?: { getClassName(): string }; kernelRegularizer?: unknown; biasRegularizer?: unknown; activityRegularizer?: unknown;
    };
    if (layer.getClassName() !== "Dense" || d.kernelRegularizer || d.biasRegularizer || d.activityRegularizer || !d.kernel) return undefined;
    const act = (d.activation?.getClassName() ?? "linear") as Act;
    const last = i === layers.length - 1;
    if (last ? act !== "softmax" : !["relu", "linear", "sigmoid", "tanh"].includes(act)) return undefined;
    out.push({ kernel: d.kernel.read(), bias: d.useBias ? d.bias?.read() : undefined, act, units: d.units });
  }
  // Exactly the trainable variables, each once: nothing frozen, nothing shared.
  const mine = out.flatMap((l) => (l.bias ? [l.kernel, l.bias] : [l.kernel]));
  if (mine.length !== variables.length || !mine.every((v) => variables.includes(v)) || !variables.every((v) => v.trainable)) return undefined;
  return out.length ? out : undefined;
}

const view = (backend: WasmBackend, t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;

function product(backend: WasmBackend, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): tf.TensorInfo {
  const k = tf.getKernel("BatchMatMul", "wasm")!.kernelFunc as unknown as (args: object) => tf.TensorInfo;
  return k({ inputs: { a, b }, backend, attrs: { transposeA, transposeB } });
}

/**
 * Trains `layers` one step on x [n, d] with integer labels; returns the mean
 * loss and the number of rows whose argmax is the label (before the update).
 */
export function denseStep(optimizer: tf.Optimizer, variables: tf.Variable[], layers: DenseLayer[], x: tf.Tensor, labels: tf.Tensor1D, hostLabels: Int32Array): { loss: number; correct: number } {
  const backend = tf.backend() as unknown as WasmBackend;
  const blas = activeNativeBlas();
  if (blas) return nativeDenseStep(blas, backend, optimizer, variables, layers, x, labels);
  const n = x.shape[0];
  const loops = loopsFor(backend);
  const scratch: tf.TensorInfo[] = [];
  try {
    // Forward: acts[l] = act(acts[l−1] · W + b); the last holds the logits, then the probabilities.
    const acts: tf.TensorInfo[] = [x];
    for (const layer of layers) {
      const z = product(backend, acts[acts.length - 1], layer.kernel, false, false);
      scratch.push(z);
      loops.biasRelu(offset(backend, z), layer.bias ? offset(backend, layer.bias) : 0, n, layer.units, layer.bias ? 1 : 0, layer.act === "relu" ? 1 : 0);
      if (layer.act === "sigmoid" || layer.act === "tanh") {
        // Math.exp and Math.tanh have no WebAssembly instruction; these layers are rare in the recipes.
        const zv = view(backend, z);
        if (layer.act === "sigmoid") for (let i = 0; i < zv.length; i++) zv[i] = 1 / (1 + Math.exp(-zv[i]));
        else for (let i = 0; i < zv.length; i++) zv[i] = Math.tanh(zv[i]);
      }
      acts.push(z);
    }
    // Softmax, Keras's clipped cross-entropy, and dLoss/dlogits = (p − y) / n (0 where clipped).
    const k = layers[layers.length - 1].units;
    const top = view(backend, acts[acts.length - 1]);
    const eps = backend.epsilon();
    let lossSum = 0, correct = 0;
    for (let r = 0; r < n; r++) {
      const o = r * k;
      let max = -Infinity, arg = 0;
      for (let j = 0; j < k; j++) if (top[o + j] > max) { max = top[o + j]; arg = j; }
      let sum = 0;
      for (let j = 0; j < k; j++) sum += (top[o + j] = Math.exp(top[o + j] - max));
      for (let j = 0; j < k; j++) top[o + j] /= sum;
      const c = hostLabels[r], p = top[o + c];
      if (arg === c) correct++;
      lossSum += -Math.log(Math.min(Math.max(p, eps), 1 - eps));
      const passes = p >= eps && p <= 1 - eps;
      for (let j = 0; j < k; j++) top[o + j] = passes ? (top[o + j] - (j === c ? 1 : 0)) / n : 0;
    }
    // Backward: dW = aᵀ · dz, db = Σ_rows dz, dz_prev = (dz · Wᵀ) ⊙ act′.
    const grads = new Map<tf.Variable, tf.TensorInfo>();
    let dz = acts[acts.length - 1];
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l], u = layer.units;
      const dw = product(backend, acts[l], dz, true, false);
      scratch.push(dw);
      grads.set(layer.kernel, dw);
      if (layer.bias) {
        const db = backend.makeOutput([u], "float32");
        scratch.push(db);
        loops.sumRows(offset(backend, dz), n, u, offset(backend, db));
        grads.set(layer.bias, db);
      }
      if (l === 0) break;
      const da = product(backend, dz, layer.kernel, false, true);
      scratch.push(da);
      const prev = layers[l - 1].act;
      if (prev !== "linear") loops.actGrad(n * layer.kernel.shape[0], offset(backend, da), offset(backend, acts[l]), ACT_GRAD[prev as keyof typeof ACT_GRAD]);
      dz = da;
    }
    fusedUpdate(optimizer, variables, variables.map((v) => grads.get(v)!));
    return { loss: lossSum / n, correct };
  } finally {
    free(backend, ...scratch);
  }
}

/** denseStep with every loop in the native addon: per layer one product with bias and activation, and three calls back. */
function nativeDenseStep(blas: NativeBlas, backend: WasmBackend, optimizer: tf.Optimizer, variables: tf.Variable[], layers: DenseLayer[], x: tf.Tensor, labels: tf.Tensor1D): { loss: number; correct: number } {
  const n = x.shape[0];
  const scratch: tf.TensorInfo[] = [];
  const alloc = (shape: number[]) => {
    const t = backend.makeOutput(shape, "float32");
    scratch.push(t);
    return t;
  };
  try {
    const acts: tf.TensorInfo[] = [x];
    for (const layer of layers) {
      const a = acts[acts.length - 1], k = a.shape[1], u = layer.units;
      const z = alloc([n, u]);
      blas.gemm(heapOf(backend), 1, 0, 0, n, u, k, offset(backend, a), 0, offset(backend, layer.kernel), 0, offset(backend, z),
        layer.bias ? offset(backend, layer.bias) : -1, ACT[layer.act === "softmax" ? "linear" : layer.act], 0);
      acts.push(z);
    }
    const k = layers[layers.length - 1].units;
    let dz = acts[acts.length - 1];
    const [lossSum, correct] = blas.softmaxXent(heapOf(backend), offset(backend, dz), n, k, offset(backend, labels), backend.epsilon());
    const grads = new Map<tf.Variable, tf.TensorInfo>();
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l], u = layer.units, a = acts[l], din = a.shape[1];
      const dw = alloc([din, u]);
      blas.gemm(heapOf(backend), 1, 1, 0, din, u, n, offset(backend, a), 0, offset(backend, dz), 0, offset(backend, dw), -1, 0, 0);
      grads.set(layer.kernel, dw);
      if (layer.bias) {
        const db = alloc([u]);
        blas.sumRows(heapOf(backend), offset(backend, dz), n, u, offset(backend, db));
        grads.set(layer.bias, db);
      }
      if (l === 0) break;
      const da = alloc([n, din]);
      blas.gemm(heapOf(backend), 1, 0, 1, n, din, u, offset(backend, dz), 0, offset(backend, layer.kernel), 0, offset(backend, da), -1, 0, 0);
      blas.actGrad(heapOf(backend), offset(backend, da), offset(backend, a), n * din, ACT[layers[l - 1].act]);
      dz = da;
    }
    fusedUpdate(optimizer, variables, variables.map((v) => grads.get(v)!));
    return { loss: lossSum / n, correct };
  } finally {
    free(backend, ...scratch);
  }
}
