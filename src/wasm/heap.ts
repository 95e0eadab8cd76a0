/**
 * The few pieces of the wasm backend our training kernels touch (installed by initBackend in every lab).
 *
 * Every tensor of the wasm backend lives in the WebAssembly heap; its
 * `dataIdMap` entry holds the byte offset. Our kernels read inputs and write
 * outputs as Float32Array views of that heap, and call the backend's own fast
 * kernels (XNNPACK matmul and convolution, Transpose) on scratch tensors they
 * allocate with `makeOutput` and free with `disposeData`.
 */
import * as tf from "@tensorflow/tfjs";

type TensorInfo = tf.TensorInfo;

/** The parts of `BackendWasm` (tfjs-backend-wasm 4.22) that we rely on. */
export interface WasmBackend {
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number; shape: number[]; dtype: string } | undefined };
  wasm: { HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
  epsilon(): number;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

export type KernelArgs = { inputs: Record<string, TensorInfo>; backend: WasmBackend; attrs: Record<string, any> };
export type WasmKernelFunc = (args: KernelArgs) => TensorInfo;

/** The stock kernels of the wasm backend, captured before we replace any. */
const stock = new Map<string, WasmKernelFunc>();

export function rememberStockKernel(name: string, fn: WasmKernelFunc): void {
  if (!stock.has(name)) stock.set(name, fn);
}

/** Runs the wasm backend's own kernel `name` (the stock one, even if we replaced it). */
export function runStock(name: string, backend: WasmBackend, inputs: Record<string, TensorInfo>, attrs: Record<string, any> = {}): TensorInfo {
  let fn = stock.get(name);
  if (!fn) {
    const cfg = tf.getKernel(name, "wasm");
    if (!cfg) throw new Error(`wasm training kernels: the wasm backend has no '${name}' kernel to build on.`);
    fn = cfg.kernelFunc as unknown as WasmKernelFunc;
    stock.set(name, fn);
  }
  return fn({ inputs, backend, attrs });
}

/**
 * A float32 view of a tensor in the heap. Take views only after the last
 * allocation of a step: a `makeOutput` may grow the heap, which detaches them.
 */
export function f32(backend: WasmBackend, t: TensorInfo): Float32Array {
  if (t.dtype !== "float32") throw new Error(`wasm training kernels: expected a float32 tensor, got ${t.dtype}.`);
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** Frees scratch tensors made inside a kernel. */
export function free(backend: WasmBackend, ...infos: (TensorInfo | undefined)[]): void {
  for (const t of infos) if (t) backend.disposeData(t.dataId);
}

/** Same data under a new shape, sharing the heap buffer (one more reference). */
export function reshapeInfo(backend: WasmBackend, t: TensorInfo, shape: number[]): TensorInfo {
  return runStock("Reshape", backend, { x: t }, { shape });
}

export function transposeInfo(backend: WasmBackend, t: TensorInfo, perm: number[]): TensorInfo {
  return runStock("Transpose", backend, { x: t }, { perm });
}

/** a[b, m, k] @ b[b, k, n] through the stock (XNNPACK) path: no transposes. */
export function matmulInfo(backend: WasmBackend, a: TensorInfo, b: TensorInfo): TensorInfo {
  return runStock("BatchMatMul", backend, { a, b }, { transposeA: false, transposeB: false });
}
