/**
 * Gradient of max pooling on the wasm backend (installed by initBackend in every lab).
 *
 * The stock wasm MaxPoolGrad takes ~200 ms for one CNN batch (128 × 24 × 24 × 64);
 * this loop takes a few. Each output window sends its gradient to the first
 * position holding the window's maximum (row-major order), as the cpu backend does.
 */
import * as tf from "@tensorflow/tfjs";
import { f32, type KernelArgs } from "./heap";
import { loopsFor } from "./loops";
import { offset } from "./native";

export function maxPoolGrad({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, input } = inputs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw } = info;
  const fh = info.effectiveFilterHeight, fw = info.effectiveFilterWidth;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  const out = backend.makeOutput(input.shape, "float32");
  const dx = f32(backend, out);
  const is2x2 = fh === 2 && fw === 2 && sh === 2 && sw === 2 && pt === 0 && pl === 0 && 2 * OH <= H && 2 * OW <= W;
  if (is2x2 && H === 2 * OH && C % 4 === 0) {
    // Keras's pooling on a CNN's feature maps: the SIMD loop writes every window whole; only a last odd column needs zeros.
    if (W !== 2 * OW) dx.fill(0);
    loopsFor(backend).pool2x2Grad(offset(backend, input), offset(backend, dy), offset(backend, out), N * OH, OW, C, W);
    return out;
  }
  dx.fill(0);
  const xv = f32(backend, input);
  const dyv = f32(backend, dy);
  if (is2x2) {
    pool2x2Grad(xv, dyv, dx, N, H, W, C, OH, OW);
    return out;
  }
  const best = new Float32Array(C);
  const where = new Int32Array(C);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * sh - pt;
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * sw - pl;
        best.fill(-Infinity);
        where.fill(-1);
        for (let i = Math.max(0, h0); i < Math.min(H, h0 + fh); i++) {
          for (let j = Math.max(0, w0); j < Math.min(W, w0 + fw); j++) {
            const xo = ((n * H + i) * W + j) * C;
            for (let c = 0; c < C; c++) {
              const v = xv[xo + c];
              if (v > best[c]) {
                best[c] = v;
                where[c] = xo + c;
              }
            }
          }
        }
        const yo = ((n * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) if (where[c] >= 0) dx[where[c]] += dyv[yo + c];
      }
    }
  }
  return out;
}

/** The common 2×2, stride-2, unpadded case without the general window loops. */
function pool2x2Grad(xv: Float32Array, dyv: Float32Array, dx: Float32Array, N: number, H: number, W: number, C: number, OH: number, OW: number): void {
  const rowStride = W * C;
  let yo = 0;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      let p0 = (n * H + 2 * oh) * rowStride;
      for (let ow = 0; ow < OW; ow++, p0 += 2 * C) {
        const p1 = p0 + C, p2 = p0 + rowStride, p3 = p2 + C;
        for (let c = 0; c < C; c++, yo++) {
          // First maximum in row-major window order wins (strict >), as on cpu.
          let at = p0 + c, best = xv[at];
          if (xv[p1 + c] > best) { best = xv[p1 + c]; at = p1 + c; }
          if (xv[p2 + c] > best) { best = xv[p2 + c]; at = p2 + c; }
          if (xv[p3 + c] > best) { at = p3 + c; }
          dx[at] += dyv[yo];
        }
      }
    }
  }
}
