/**
 * Native-BLAS kernels for the wasm backend (docs/backends.md).
 *
 * Where the optional addon (src/native.ts) loads, these replace the wasm
 * backend's matrix products and convolutions: the addon reads the operands
 * and writes the result in place in the wasm heap, through OpenBLAS on every
 * core. Convolutions are im2col + GEMM; the input gradient is GEMM + col2im.
 * Bias gradients (Sum over leading axes) and MaxPoolGrad, memory-bound loops
 * that JavaScript runs slowly, are done by the addon too.
 * Anything the addon does not cover (int tensors, NCHW, odd broadcasts, PReLU)
 * goes to the kernel that served before (the course's or the stock one).
 * Each kernel is checked against the cpu backend in test/unit/native-kernels.test.ts.
 */
import * as tf from "@tensorflow/tfjs";
import type { NativeBlas } from "../native";
import { runStock, type KernelArgs, type WasmBackend, type WasmKernelFunc } from "./heap";
import { conv2DBackpropFilter, conv2DBackpropInput } from "./conv2d-grad";
import { batchMatMul, fusedMatMul } from "./matmul";
import { maxPoolGrad } from "./pool-grad";
import { sum } from "./reduce";

/** Activation codes of native/labs_blas.c. */
export const ACT: Record<string, number> = { linear: 0, relu: 1, relu6: 2, leakyrelu: 3, elu: 4, sigmoid: 5, tanh: 6 };

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
export const offset = (backend: WasmBackend, t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId)!.memoryOffset;
/** The heap's buffer, read after the last allocation (a makeOutput may grow and replace it). */
export const heapOf = (backend: WasmBackend) => backend.wasm.HEAPU8.buffer as ArrayBuffer;
const allFloat = (...ts: (tf.TensorInfo | undefined)[]) => ts.every((t) => !t || (t.dtype === "float32" && size(t.shape) > 0));

function matmulKernel(blas: NativeBlas, fallback: WasmKernelFunc, fused: boolean): WasmKernelFunc {
  return (args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    const { a, b, bias } = inputs;
    const act = fused ? ACT[attrs.activation ?? "linear"] : 0;
    if (!allFloat(a, b, bias) || act === undefined || inputs.preluActivationWeights) return fallback(args);
    const ra = a.shape.length, rb = b.shape.length;
    const ta = !!attrs.transposeA, tb = !!attrs.transposeB;
    const m = ta ? a.shape[ra - 1] : a.shape[ra - 2], k = ta ? a.shape[ra - 2] : a.shape[ra - 1];
    const n = tb ? b.shape[rb - 2] : b.shape[rb - 1];
    const outerA = a.shape.slice(0, -2), outerB = b.shape.slice(0, -2);
    const batchA = size(outerA), batchB = size(outerB);
    const outer = batchA >= batchB ? outerA : outerB, batch = Math.max(batchA, batchB);
    // One operand is the same batch as the output, the other the same or a single matrix.
    if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return fallback(args);
    if (bias && (size(bias.shape) !== n || bias.shape[bias.shape.length - 1] !== n)) return fallback(args);
    const out = backend.makeOutput([...outer, m, n], "float32");
    blas.gemm(heapOf(backend), batch, ta ? 1 : 0, tb ? 1 : 0, m, n, k,
      offset(backend, a), batchA === 1 ? 0 : m * k, offset(backend, b), batchB === 1 ? 0 : k * n,
      offset(backend, out), bias ? offset(backend, bias) : -1, act, attrs.leakyreluAlpha ?? 0.2);
    return out;
  };
}

/** The 15 geometry numbers of native/labs_blas.c, or undefined for a layout the addon does not do. */
function geometry(xShape: number[], filterShape: number[], attrs: Record<string, any>): number[] | undefined {
  if (attrs.dataFormat === "NCHW") return undefined;
  const c = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, false, "channelsLast");
  if (c.inChannels !== filterShape[2]) return undefined; // grouped convolutions are not ours
  return [c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth, c.outChannels,
    c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth, c.padInfo.top, c.padInfo.left];
}

function conv2dKernel(blas: NativeBlas, fallback: WasmKernelFunc, fused: boolean): WasmKernelFunc {
  return (args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    const { x, filter, bias } = inputs;
    const act = fused ? ACT[attrs.activation ?? "linear"] : 0;
    if (!allFloat(x, filter, bias) || act === undefined || inputs.preluActivationWeights) return fallback(args);
    const g = geometry(x.shape, filter.shape, attrs);
    const cout = filter.shape[3];
    if (!g || (bias && (size(bias.shape) !== cout || bias.shape[bias.shape.length - 1] !== cout))) return fallback(args);
    const out = backend.makeOutput([g[0], g[4], g[5], cout], "float32");
    blas.conv2d(heapOf(backend), offset(backend, x), offset(backend, filter), offset(backend, out),
      bias ? offset(backend, bias) : -1, act, attrs.leakyreluAlpha ?? 0.2, ...g);
    return out;
  };
}

function backpropFilterKernel(blas: NativeBlas, fallback: WasmKernelFunc): WasmKernelFunc {
  return (args: KernelArgs) => {
    const { inputs: { x, dy }, backend, attrs } = args;
    const g = allFloat(x, dy) ? geometry(x.shape, attrs.filterShape, attrs) : undefined;
    if (!g) return fallback(args);
    const out = backend.makeOutput(attrs.filterShape, "float32");
    blas.conv2dBackpropFilter(heapOf(backend), offset(backend, x), offset(backend, dy), offset(backend, out), ...g);
    return out;
  };
}

function backpropInputKernel(blas: NativeBlas, fallback: WasmKernelFunc): WasmKernelFunc {
  return (args: KernelArgs) => {
    const { inputs: { dy, filter }, backend, attrs } = args;
    const g = allFloat(dy, filter) ? geometry(attrs.inputShape, filter.shape, attrs) : undefined;
    if (!g) return fallback(args);
    const out = backend.makeOutput(attrs.inputShape, "float32");
    blas.conv2dBackpropInput(heapOf(backend), offset(backend, dy), offset(backend, filter), offset(backend, out), ...g);
    return out;
  };
}

/** Sum over leading axes (bias gradients) as column sums; other reductions go to the course's kernel. */
function sumKernel(blas: NativeBlas): WasmKernelFunc {
  return (args: KernelArgs) => {
    const { inputs: { x }, backend, attrs } = args;
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(attrs.axis, x.shape).sort((a, b) => a - b);
    const k = axes.length;
    if (!allFloat(x) || k === 0 || k === rank || !axes.every((a, i) => a === i)) return sum(args);
    const cols = size(x.shape.slice(k));
    const out = backend.makeOutput(attrs.keepDims ? [...axes.map(() => 1), ...x.shape.slice(k)] : x.shape.slice(k), "float32");
    blas.sumRows(heapOf(backend), offset(backend, x), size(x.shape) / cols, cols, offset(backend, out));
    return out;
  };
}

function maxPoolGradKernel(blas: NativeBlas): WasmKernelFunc {
  return (args: KernelArgs) => {
    const { inputs: { dy, input }, backend, attrs } = args;
    if (!allFloat(dy, input)) return maxPoolGrad(args);
    const p = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    const out = backend.makeOutput(input.shape, "float32");
    blas.maxPoolGrad(heapOf(backend), offset(backend, input), offset(backend, dy), offset(backend, out),
      p.batchSize, p.inHeight, p.inWidth, p.inChannels, p.outHeight, p.outWidth,
      p.effectiveFilterHeight, p.effectiveFilterWidth, p.strideHeight, p.strideWidth, p.padInfo.top, p.padInfo.left);
    return out;
  };
}

/** The native kernels, by tfjs kernel name, each falling back to the kernel it replaces. */
export function nativeKernels(blas: NativeBlas): Record<string, WasmKernelFunc> {
  const stock = (name: string): WasmKernelFunc => (args) => runStock(name, args.backend, args.inputs, args.attrs);
  return {
    BatchMatMul: matmulKernel(blas, batchMatMul, false),
    _FusedMatMul: matmulKernel(blas, fusedMatMul, true),
    Conv2D: conv2dKernel(blas, stock("Conv2D"), false),
    FusedConv2D: conv2dKernel(blas, stock("FusedConv2D"), true),
    Conv2DBackpropFilter: backpropFilterKernel(blas, conv2DBackpropFilter),
    Conv2DBackpropInput: backpropInputKernel(blas, conv2DBackpropInput),
    Sum: sumKernel(blas),
    MaxPoolGrad: maxPoolGradKernel(blas),
  };
}
