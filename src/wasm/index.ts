/**
 * Training kernels for the wasm backend (installed by initBackend in every lab; the CNNs of lab 06 need them).
 *
 * tfjs-backend-wasm 4.22 cannot train a convolutional network (no
 * Conv2DBackpropFilter, tfjs issue #8474; no depthwise gradients) and is slow
 * on the rest of a training step. `installWasmTrainingKernels()` registers
 * the missing kernels and replaces the slow ones for backendName 'wasm':
 *
 * | kernel                               | stock wasm                    | ours                                  |
 * |--------------------------------------|-------------------------------|---------------------------------------|
 * | Conv2DBackpropFilter                 | missing                       | im2colᵀ + XNNPACK matmul              |
 * | Conv2DBackpropInput                  | naive loop                    | rotated-filter Conv2D / col2im        |
 * | DepthwiseConv2dNativeBackpropFilter  | missing                       | direct loop over the heap             |
 * | DepthwiseConv2dNativeBackpropInput   | missing                       | direct loop over the heap             |
 * | Slice                                | copies the whole source       | reads a heap view                     |
 * | BatchMatMul, _FusedMatMul transposed | scalar loop                   | explicit Transpose + XNNPACK          |
 * | MaxPoolGrad                          | slow (~200 ms per CNN batch)  | one pass over the windows             |
 * | Sum over leading axes (bias grads)   | transposes the whole input    | row sums from the heap                |
 * | Identity (tensors saved for backprop)| copies the tensor             | shares the heap buffer                |
 * | Relu's gradient                      | Step, Cast, Multiply          | one pass (./relu-grad.ts)             |
 *
 * Every kernel is checked against the cpu backend in
 * test/unit/wasm-kernels.test.ts.
 *
 * Where the optional native BLAS addon is built, `installNativeKernels` puts
 * OpenBLAS products and convolutions over these (./native.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { conv2DBackpropFilter, conv2DBackpropInput } from "./conv2d-grad";
import { identity } from "./identity";
import { depthwiseBackpropFilter, depthwiseBackpropInput } from "./depthwise-grad";
import { rememberStockKernel, type WasmKernelFunc } from "./heap";
import { batchMatMul, fusedMatMul } from "./matmul";
import { maxPoolGrad } from "./pool-grad";
import { sum } from "./reduce";
import { slice } from "./slice";
import { installReluGradient, RELU_GRAD, reluGradKernel } from "./relu-grad";
import { nativeKernels } from "./native";
import type { NativeBlas } from "../native";

/** The kernels this module provides, by tfjs kernel name. */
export const WASM_TRAINING_KERNELS: Readonly<Record<string, WasmKernelFunc>> = {
  Conv2DBackpropFilter: conv2DBackpropFilter,
  Conv2DBackpropInput: conv2DBackpropInput,
  DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilter,
  DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInput,
  Slice: slice,
  BatchMatMul: batchMatMul,
  _FusedMatMul: fusedMatMul,
  MaxPoolGrad: maxPoolGrad,
  Sum: sum,
  Identity: identity,
  [RELU_GRAD]: reluGradKernel,
};

/** Registers `kernels` for backendName 'wasm', remembering the stock ones they replace. */
function registerWasmKernels(kernels: Readonly<Record<string, WasmKernelFunc>>): string[] {
  for (const [name, fn] of Object.entries(kernels)) {
    const existing = tf.getKernel(name, "wasm");
    if (existing && (existing.kernelFunc as unknown) === fn) continue; // already ours
    if (existing) {
      rememberStockKernel(name, existing.kernelFunc as unknown as WasmKernelFunc);
      tf.unregisterKernel(name, "wasm");
    }
    tf.registerKernel({
      kernelName: name,
      backendName: "wasm",
      kernelFunc: fn as unknown as tf.KernelFunc,
      // Keep the stock set-up (it binds the C++ entry point we call), in case
      // the wasm backend is initialised after this runs.
      setupFunc: existing?.setupFunc,
    });
  }
  return Object.keys(kernels);
}

/**
 * Registers the course's training kernels for the wasm backend. Call it after
 * the wasm backend is initialised (initBackend does); calling it again is a
 * no-op, and undoes installNativeKernels. Returns the names of the kernels now
 * served by this module.
 */
export function installWasmTrainingKernels(): string[] {
  active = undefined;
  installReluGradient();
  return registerWasmKernels(WASM_TRAINING_KERNELS);
}

/** True when every course kernel is the one registered for 'wasm'. */
export function wasmTrainingKernelsInstalled(): boolean {
  return Object.entries(WASM_TRAINING_KERNELS).every(([name, fn]) => (tf.getKernel(name, "wasm")?.kernelFunc as unknown) === fn);
}

const nativeSets = new WeakMap<NativeBlas, Record<string, WasmKernelFunc>>();
/** The addon whose kernels are installed, for the tape-free training step (./dense-step.ts, ./fused-update.ts). */
let active: NativeBlas | undefined;
export const activeNativeBlas = (): NativeBlas | undefined => active;

/**
 * Puts the native-BLAS products and convolutions (./native.ts) over the
 * course's kernels; each falls back to the kernel it replaced for what it
 * does not cover. Returns their names.
 */
export function installNativeKernels(blas: NativeBlas): string[] {
  installWasmTrainingKernels();
  let set = nativeSets.get(blas);
  if (!set) nativeSets.set(blas, (set = nativeKernels(blas)));
  const names = registerWasmKernels(set);
  active = blas;
  return names;
}

/** True when the kernels of installNativeKernels(blas) are the ones registered for 'wasm'. */
export function nativeKernelsInstalled(blas: NativeBlas): boolean {
  const set = nativeSets.get(blas);
  return !!set && Object.entries(set).every(([name, fn]) => (tf.getKernel(name, "wasm")?.kernelFunc as unknown) === fn);
}
