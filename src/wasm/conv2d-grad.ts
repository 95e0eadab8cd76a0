/**
 * Gradients of a 2-D convolution on the wasm backend (installed by initBackend in every lab).
 *
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel (so a conv net
 * cannot train at all) and its Conv2DBackpropInput is a naive loop. Both are
 * rewritten here on top of the backend's fast XNNPACK kernels:
 *
 * - filter gradient:  dW[K, Cout] = colsᵀ[K, M] · dy[M, Cout], where colsᵀ is
 *   the im2col matrix built directly in transposed layout (K = fh·fw·Cin rows,
 *   M = N·OH·OW columns) from x transposed to [Cin, N, H, W], so every row is
 *   filled from one contiguous plane.
 * - input gradient, stride 1: a "full" convolution of dy with the filter
 *   rotated by 180° and its channel axes swapped, run by the stock Conv2D.
 * - input gradient, other strides: dcols[M, K] = dy[M, Cout] · Wᵀ[Cout, K],
 *   then col2im (scatter-add of each column block back into dx).
 *
 * Long batches are processed in chunks so the im2col scratch stays bounded.
 */
import * as tf from "@tensorflow/tfjs";
import { f32, free, matmulInfo, reshapeInfo, runStock, transposeInfo, type KernelArgs, type WasmBackend } from "./heap";
import { loopsFor } from "./loops";
import { offset } from "./native";

/**
 * Largest im2col scratch, in floats (4 MiB), before we split the batch: a block
 * that stays in the last-level cache. With 64 MiB blocks XNNPACK's product
 * colsᵀ · dy streamed colsᵀ from memory, and the filter gradient of the cnn
 * recipe's second convolution took 436 ms instead of 275.
 */
const MAX_COLS_FLOATS = 1 << 20;

interface Geometry {
  N: number; H: number; W: number; Cin: number;
  OH: number; OW: number; Cout: number;
  fh: number; fw: number; sh: number; sw: number;
  pt: number; pl: number; pb: number; pr: number;
}

function geometry(xShape: number[], filterShape: number[], strides: any, pad: any, dimRoundingMode: any): Geometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    strides, 1, pad, dimRoundingMode, false, "channelsLast");
  return {
    N: info.batchSize, H: info.inHeight, W: info.inWidth, Cin: info.inChannels,
    OH: info.outHeight, OW: info.outWidth, Cout: info.outChannels,
    fh: info.filterHeight, fw: info.filterWidth, sh: info.strideHeight, sw: info.strideWidth,
    pt: info.padInfo.top, pl: info.padInfo.left, pb: info.padInfo.bottom, pr: info.padInfo.right,
  };
}

const NCHW_TO_NHWC = [0, 2, 3, 1];
const NHWC_TO_NCHW = [0, 3, 1, 2];
const toNhwcShape = (s: number[]) => [s[0], s[2], s[3], s[1]];

/** Runs `body` on NHWC tensors, converting from and back to NCHW when asked. */
function inNhwc(backend: WasmBackend, dataFormat: string | undefined, inputs: tf.TensorInfo[], body: (nhwc: tf.TensorInfo[]) => tf.TensorInfo, outIsImage: boolean): tf.TensorInfo {
  if (dataFormat !== "NCHW") return body(inputs);
  const converted = inputs.map((t) => transposeInfo(backend, t, NCHW_TO_NHWC));
  const out = body(converted);
  free(backend, ...converted);
  if (!outIsImage) return out;
  const back = transposeInfo(backend, out, NHWC_TO_NCHW);
  free(backend, out);
  return back;
}

/** Row range of output columns whose input column ow·s + k − p lies in [0, size). */
function validRange(k: number, p: number, s: number, size: number, outSize: number): [number, number] {
  const lo = Math.max(0, Math.ceil((p - k) / s));
  const hi = Math.min(outSize, Math.floor((size - 1 + p - k) / s) + 1);
  return [lo, Math.max(lo, hi)];
}

/** Copies `n` rows (one batch chunk) of a [N, …] tensor into a scratch tensor of the given shape. */
function batchRows(backend: WasmBackend, t: tf.TensorInfo, n0: number, rows: number, rowSize: number, shape: number[]): tf.TensorInfo {
  const out = backend.makeOutput(shape, "float32");
  f32(backend, out).set(f32(backend, t).subarray(n0 * rowSize, (n0 + rows) * rowSize));
  return out;
}

export function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  return inNhwc(backend, dataFormat, [x, dy], ([xh, dyh]) => {
    const g = geometry(xh.shape, filterShape, strides, pad, dimRoundingMode);
    const { N, H, W, Cin, OH, OW, Cout, fh, fw, sh, sw, pt, pl } = g;
    const K = fh * fw * Cin;
    const perImage = OH * OW;
    const chunk = Math.max(1, Math.min(N, Math.floor(MAX_COLS_FLOATS / Math.max(1, K * perImage))));
    const xT = transposeInfo(backend, xh, [3, 0, 1, 2]); // [Cin, N, H, W]
    const acc = new Float32Array(K * Cout);
    for (let n0 = 0; n0 < N; n0 += chunk) {
      const nc = Math.min(chunk, N - n0);
      const M = nc * perImage;
      const colsT = backend.makeOutput([1, K, M], "float32");
      const dyc = nc === N ? reshapeInfo(backend, dyh, [1, M, Cout]) : batchRows(backend, dyh, n0, nc, perImage * Cout, [1, M, Cout]);
      const cols = f32(backend, colsT);
      const xv = f32(backend, xT);
      const loops = loopsFor(backend), xAt = offset(backend, xT), colsAt = offset(backend, colsT);
      const plane = N * H * W;
      for (let kh = 0; kh < fh; kh++) {
        const [ohLo, ohHi] = validRange(kh, pt, sh, H, OH);
        for (let kw = 0; kw < fw; kw++) {
          const [owLo, owHi] = validRange(kw, pl, sw, W, OW);
          const partial = ohLo > 0 || ohHi < OH || owLo > 0 || owHi < OW;
          for (let ci = 0; ci < Cin; ci++) {
            const row = ((kh * fw + kw) * Cin + ci) * M;
            if (partial) cols.fill(0, row, row + M);
            const base = ci * plane + n0 * H * W + (ohLo * sh + kh - pt) * W + kw - pl;
            if (sw === 1) {
              // Runs of owHi − owLo floats, per output row and image, copied in wasm. The cnn recipe's second
              // convolution's filter gradient took 436 ms with a JS loop here, 377 ms with this (both in 64 MiB blocks).
              if (owHi > owLo && ohHi > ohLo) {
                loops.copyRuns(xAt + 4 * (base + owLo), colsAt + 4 * (row + ohLo * OW + owLo), 4 * (owHi - owLo),
                  ohHi - ohLo, 4 * sh * W, 4 * OW, nc, 4 * H * W, 4 * OH * OW);
              }
              continue;
            }
            for (let n = 0; n < nc; n++) {
              let src = base + n * H * W;
              let dst = row + (n * OH + ohLo) * OW;
              for (let oh = ohLo; oh < ohHi; oh++) {
                for (let ow = owLo; ow < owHi; ow++) cols[dst + ow] = xv[src + ow * sw];
                src += sh * W;
                dst += OW;
              }
            }
          }
        }
      }
      const part = matmulInfo(backend, colsT, dyc); // [1, K, Cout]
      const pv = f32(backend, part);
      for (let i = 0; i < acc.length; i++) acc[i] += pv[i];
      free(backend, colsT, dyc, part);
    }
    free(backend, xT);
    const out = backend.makeOutput(filterShape, "float32");
    f32(backend, out).set(acc);
    return out;
  }, false);
}

export function conv2DBackpropInput({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const xShape: number[] = dataFormat === "NCHW" ? toNhwcShape(inputShape) : inputShape;
  return inNhwc(backend, dataFormat, [dy], ([dyh]) => {
    const g = geometry(xShape, filter.shape, strides, pad, dimRoundingMode);
    const full = [g.fh - 1 - g.pt, g.fh - 1 - g.pb, g.fw - 1 - g.pl, g.fw - 1 - g.pr];
    if (g.sh === 1 && g.sw === 1 && full.every((p) => p >= 0)) return fullConvolution(backend, dyh, filter, g, full);
    return col2im(backend, dyh, filter, g, xShape);
  }, true);
}

/** dx = dy ⋆ rot180(W) with in/out channels swapped, padded by f − 1 − p. */
function fullConvolution(backend: WasmBackend, dy: tf.TensorInfo, filter: tf.TensorInfo, g: Geometry, full: number[]): tf.TensorInfo {
  const { fh, fw, Cin, Cout } = g;
  const rot = backend.makeOutput([fh, fw, Cout, Cin], "float32");
  const r = f32(backend, rot);
  const w = f32(backend, filter);
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const src = ((fh - 1 - i) * fw + (fw - 1 - j)) * Cin * Cout;
      const dst = (i * fw + j) * Cout * Cin;
      for (let ci = 0; ci < Cin; ci++) {
        for (let co = 0; co < Cout; co++) r[dst + co * Cin + ci] = w[src + ci * Cout + co];
      }
    }
  }
  const out = runStock("Conv2D", backend, { x: dy, filter: rot }, {
    strides: [1, 1], dilations: [1, 1], dataFormat: "NHWC",
    pad: [[0, 0], [full[0], full[1]], [full[2], full[3]], [0, 0]],
  });
  free(backend, rot);
  return out;
}

function col2im(backend: WasmBackend, dy: tf.TensorInfo, filter: tf.TensorInfo, g: Geometry, xShape: number[]): tf.TensorInfo {
  const { N, H, W, Cin, OH, OW, Cout, fh, fw, sh, sw, pt, pl } = g;
  const K = fh * fw * Cin;
  const perImage = OH * OW;
  const chunk = Math.max(1, Math.min(N, Math.floor(MAX_COLS_FLOATS / Math.max(1, K * perImage))));
  const w2 = reshapeInfo(backend, filter, [K, Cout]);
  const wT = transposeInfo(backend, w2, [1, 0]);
  const wT3 = reshapeInfo(backend, wT, [1, Cout, K]);
  free(backend, w2, wT);
  const dx = backend.makeOutput(xShape, "float32");
  f32(backend, dx).fill(0);
  for (let n0 = 0; n0 < N; n0 += chunk) {
    const nc = Math.min(chunk, N - n0);
    const M = nc * perImage;
    const dyc = nc === N ? reshapeInfo(backend, dy, [1, M, Cout]) : batchRows(backend, dy, n0, nc, perImage * Cout, [1, M, Cout]);
    const dcols = matmulInfo(backend, dyc, wT3); // [1, M, K]
    const c = f32(backend, dcols);
    const d = f32(backend, dx);
    for (let n = 0; n < nc; n++) {
      const img = (n0 + n) * H * W * Cin;
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          const m = ((n * OH + oh) * OW + ow) * K;
          for (let kh = 0; kh < fh; kh++) {
            const ih = oh * sh + kh - pt;
            if (ih < 0 || ih >= H) continue;
            for (let kw = 0; kw < fw; kw++) {
              const iw = ow * sw + kw - pl;
              if (iw < 0 || iw >= W) continue;
              const src = m + (kh * fw + kw) * Cin;
              const dst = img + (ih * W + iw) * Cin;
              for (let ci = 0; ci < Cin; ci++) d[dst + ci] += c[src + ci];
            }
          }
        }
      }
    }
    free(backend, dyc, dcols);
  }
  free(backend, wT3);
  return dx;
}
