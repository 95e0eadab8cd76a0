/**
 * Transposed matrix products on the wasm backend (installed by initBackend in every lab).
 *
 * The stock wasm BatchMatMul (and _FusedMatMul) hands a product to XNNPACK
 * only when neither operand is transposed; otherwise it runs a scalar loop,
 * about 15× slower. Backpropagation through a dense layer asks for exactly
 * those products (dx = dy·Wᵀ, dW = xᵀ·dy), so we transpose the operand
 * explicitly (a fast memory-bound kernel) and take the XNNPACK path.
 *
 * The stock _FusedMatMul also adds the bias wrongly outside the XNNPACK path
 * (batch > 1, or a transposed operand: row i gets bias[i] instead of bias[j]),
 * so a batched fused product is done as BatchMatMul, Add and the activation.
 */
import * as tf from "@tensorflow/tfjs";
import { free, runStock, transposeInfo, type KernelArgs, type WasmBackend } from "./heap";

function swapLastTwo(backend: WasmBackend, t: tf.TensorInfo): tf.TensorInfo {
  const r = t.shape.length;
  const perm = [...Array(r).keys()];
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return transposeInfo(backend, t, perm);
}

function untransposed(name: string) {
  return ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo => {
    const { transposeA, transposeB } = attrs;
    if (!transposeA && !transposeB) return runStock(name, backend, inputs, attrs);
    const a = transposeA ? swapLastTwo(backend, inputs.a) : inputs.a;
    const b = transposeB ? swapLastTwo(backend, inputs.b) : inputs.b;
    const out = runStock(name, backend, { ...inputs, a, b }, { ...attrs, transposeA: false, transposeB: false });
    free(backend, transposeA ? a : undefined, transposeB ? b : undefined);
    return out;
  };
}

export const batchMatMul = untransposed("BatchMatMul");
const fusedUntransposed = untransposed("_FusedMatMul");

/** The stock kernel, with its attributes, for each fusable activation. */
const ACTIVATIONS: Record<string, (x: tf.TensorInfo, alpha: tf.TensorInfo | undefined, leak: number) => [string, Record<string, tf.TensorInfo>, Record<string, unknown>] | undefined> = {
  linear: () => undefined,
  relu: (x) => ["Relu", { x }, {}],
  relu6: (x) => ["Relu6", { x }, {}],
  sigmoid: (x) => ["Sigmoid", { x }, {}],
  elu: (x) => ["Elu", { x }, {}],
  leakyrelu: (x, _a, leak) => ["LeakyRelu", { x }, { alpha: leak }],
  prelu: (x, alpha) => ["Prelu", { x, alpha: alpha! }, {}],
};

export function fusedMatMul(args: KernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const batch = Math.max(inputs.a.shape.length > 2 ? inputs.a.shape[0] : 1, inputs.b.shape.length > 2 ? inputs.b.shape[0] : 1);
  if (batch === 1) return fusedUntransposed(args);
  const activation: string = attrs.activation ?? "linear";
  const act = ACTIVATIONS[activation];
  if (!act) throw new Error(`_FusedMatMul on wasm: activation '${activation}' is not supported; use one of ${Object.keys(ACTIVATIONS).join(", ")}.`);
  let y = batchMatMul({ inputs: { a: inputs.a, b: inputs.b }, backend, attrs: { transposeA: attrs.transposeA, transposeB: attrs.transposeB } });
  if (inputs.bias) {
    const withBias = runStock("Add", backend, { a: y, b: inputs.bias });
    free(backend, y);
    y = withBias;
  }
  const step = act(y, inputs.preluActivationWeights, attrs.leakyreluAlpha ?? 0.2);
  if (!step) return y;
  const out = runStock(step[0], backend, step[1], step[2]);
  free(backend, y);
  return out;
}
