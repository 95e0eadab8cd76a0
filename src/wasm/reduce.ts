/**
 * Sum over leading axes on the wasm backend (installed by initBackend in every lab).
 *
 * The bias gradient of a conv layer sums dy [N, OH, OW, C] over its first
 * three axes. The stock wasm Sum first transposes the reduced axes to the
 * end (a full copy, ~30 ms per CNN batch); here we add rows straight from the
 * heap into a float64 accumulator of length C.
 */
import * as tf from "@tensorflow/tfjs";
import { f32, runStock, type KernelArgs } from "./heap";

export function sum({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x } = inputs;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(attrs.axis, x.shape).sort((a, b) => a - b);
  const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
  if (x.dtype !== "float32" || !leading) return runStock("Sum", backend, inputs, attrs);
  const k = axes.length;
  const rows = tf.util.sizeFromShape(x.shape.slice(0, k));
  const C = tf.util.sizeFromShape(x.shape.slice(k));
  const outShape = attrs.keepDims ? [...x.shape.slice(0, k).map(() => 1), ...x.shape.slice(k)] : x.shape.slice(k);
  const out = backend.makeOutput(outShape, "float32");
  const acc = new Float64Array(C);
  const xv = f32(backend, x);
  for (let r = 0, o = 0; r < rows; r++, o += C) {
    for (let c = 0; c < C; c++) acc[c] += xv[o + c];
  }
  f32(backend, out).set(acc);
  return out;
}
