/**
 * Relu's gradient as one kernel on the wasm backend.
 *
 * tfjs computes the gradient through relu(x) as dy · cast(step(x)): Step,
 * Cast and Multiply, three passes over each of a CNN's largest tensors (a
 * [128, 24, 24, 64] batch: 4.7M elements each). `installReluGradient()`
 * replaces Relu's gradient with one that, on the wasm backend, runs the kernel
 * `LabsReluGrad` instead: one pass, in the native addon on all cores where it
 * is built, else in the course's WebAssembly SIMD loops (./loops.wat). It
 * gives the same floats as tfjs's three kernels, NaN included; on any other
 * backend, or for other dtypes, the gradient is tfjs's own.
 * Checked against the cpu backend in test/unit/wasm-kernels.test.ts and
 * test/unit/native-kernels.test.ts.
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelArgs, WasmKernelFunc } from "./heap";
import { activeNativeBlas } from "./index";
import { loopsFor } from "./loops";
import { heapOf, offset } from "./native";

/** The kernel's name (tfjs has none for relu's gradient; the prefix keeps clear of any it may add). */
export const RELU_GRAD = "LabsReluGrad";

/** dy · step(x) for float32 dy and x of one shape. */
export const reluGradKernel: WasmKernelFunc = ({ inputs: { dy, x }, backend }: KernelArgs) => {
  const out = backend.makeOutput(x.shape, "float32");
  const n = tf.util.sizeFromShape(x.shape);
  if (n === 0) return out;
  const blas = activeNativeBlas();
  if (blas) blas.reluGrad(heapOf(backend), offset(backend, dy), offset(backend, x), offset(backend, out), n);
  else loopsFor(backend).reluGrad(n, offset(backend, dy), offset(backend, x), offset(backend, out));
  return out;
};

let tfjsReluGrad: tf.GradConfig | undefined;

const fusable = (dy: tf.Tensor, x: tf.Tensor) =>
  tf.getBackend() === "wasm" && dy.dtype === "float32" && x.dtype === "float32" &&
  tf.util.arraysEqual(dy.shape, x.shape) && tf.getKernel(RELU_GRAD, "wasm") !== undefined;

/** dy · step(x): the kernel where it applies, else tfjs's own gradient. */
function reluGrad(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  if (fusable(dy, x)) return tf.engine().runKernel(RELU_GRAD, { dy, x }, {}) as tf.Tensor;
  return (tfjsReluGrad!.gradFunc(dy, [x], {}) as { x: () => tf.Tensor }).x();
}

/** Makes Relu's gradient use reluGrad (idempotent). The kernel's own gradient keeps second derivatives working. */
export function installReluGradient(): void {
  if (tfjsReluGrad) return;
  tfjsReluGrad = tf.getGradient("Relu");
  tf.registerGradient({
    kernelName: "Relu",
    inputsToSave: ["x"],
    gradFunc: (dy, saved) => ({ x: () => reluGrad(dy as tf.Tensor, saved[0]) }),
  });
  tf.registerGradient({
    kernelName: RELU_GRAD,
    inputsToSave: ["x"],
    gradFunc: (ddx, saved) => ({ dy: () => reluGrad(ddx as tf.Tensor, saved[0]), x: () => tf.zerosLike(saved[0]) }),
  });
}
