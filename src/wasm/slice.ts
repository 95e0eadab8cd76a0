/**
 * Slice on the wasm backend without a full copy (installed by initBackend in every lab).
 *
 * The stock wasm Slice first copies the *whole* source tensor out of the heap
 * (`readSync`) and then picks the slice, so taking a 100-row batch from a
 * [60000, 784] tensor costs as much as copying all of it. Here we read the
 * source through a heap view: a contiguous slice is one `set`, any other slice
 * copies its innermost contiguous runs.
 */
import * as tf from "@tensorflow/tfjs";
import { runStock, type KernelArgs } from "./heap";

export function slice({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x } = inputs;
  if (x.dtype === "string") return runStock("Slice", backend, inputs, attrs);
  const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin, attrs.size);
  const out = backend.makeOutput(size, x.dtype);
  const n = tf.util.sizeFromShape(size);
  if (n === 0) return out;
  // Views only after makeOutput: an allocation may grow (and detach) the heap.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const strides = tf.util.computeStrides(x.shape);
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const off = tf.slice_util.computeFlatOffset(begin, strides);
    dst.set(src.subarray(off, off + n));
    return out;
  }
  // Merge trailing axes that are taken whole into one contiguous run that
  // starts at axis `inner`; an odometer walks the axes before it.
  const rank = x.shape.length;
  const st = (a: number) => (a < rank - 1 ? strides[a] : 1);
  let inner = rank - 1;
  let run = size[inner];
  while (inner > 0 && size[inner] === x.shape[inner]) {
    inner--;
    run *= size[inner];
  }
  let start = 0;
  for (let a = 0; a < rank; a++) start += begin[a] * st(a);
  const idx = new Array(inner).fill(0);
  for (let o = 0; o < n; o += run) {
    let off = start;
    for (let a = 0; a < inner; a++) off += idx[a] * st(a);
    dst.set(src.subarray(off, off + run), o);
    for (let a = inner - 1; a >= 0 && ++idx[a] === size[a]; a--) idx[a] = 0;
  }
  return out;
}
