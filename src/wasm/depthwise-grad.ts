/**
 * Gradients of a depthwise convolution on the wasm backend (installed by initBackend in every lab).
 *
 * tfjs-backend-wasm 4.22 registers neither DepthwiseConv2dNativeBackpropFilter
 * nor DepthwiseConv2dNativeBackpropInput. Depthwise layers are light (one
 * small filter per channel), so direct loops over the heap are fast enough.
 *
 * Forward: y[n, oh, ow, c·mult + q] = Σ_{kh, kw} x[n, oh·sh + kh·dh − pt, ow·sw + kw·dw − pl, c] · W[kh, kw, c, q].
 */
import * as tf from "@tensorflow/tfjs";
import { f32, type KernelArgs } from "./heap";

function depthwiseInfo(xShape: number[], filterShape: number[], attrs: Record<string, any>) {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true, "channelsLast");
  return {
    N: info.batchSize, H: info.inHeight, W: info.inWidth, C: info.inChannels,
    OH: info.outHeight, OW: info.outWidth, mult: filterShape[3],
    fh: info.filterHeight, fw: info.filterWidth, sh: info.strideHeight, sw: info.strideWidth,
    dh: info.dilationHeight, dw: info.dilationWidth, pt: info.padInfo.top, pl: info.padInfo.left,
  };
}

export function depthwiseBackpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x, dy } = inputs;
  const filterShape: number[] = attrs.filterShape;
  const { N, H, W, C, OH, OW, mult, fh, fw, sh, sw, dh, dw, pt, pl } = depthwiseInfo(x.shape, filterShape, attrs);
  const out = backend.makeOutput(filterShape, "float32");
  const dW = f32(backend, out);
  dW.fill(0);
  const xv = f32(backend, x);
  const dyv = f32(backend, dy);
  const CO = C * mult;
  for (let kh = 0; kh < fh; kh++) {
    for (let kw = 0; kw < fw; kw++) {
      const wBase = (kh * fw + kw) * CO;
      for (let n = 0; n < N; n++) {
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * sh + kh * dh - pt;
          if (ih < 0 || ih >= H) continue;
          for (let ow = 0; ow < OW; ow++) {
            const iw = ow * sw + kw * dw - pl;
            if (iw < 0 || iw >= W) continue;
            const xo = ((n * H + ih) * W + iw) * C;
            const yo = ((n * OH + oh) * OW + ow) * CO;
            for (let c = 0; c < C; c++) {
              const xval = xv[xo + c];
              for (let q = 0; q < mult; q++) dW[wBase + c * mult + q] += xval * dyv[yo + c * mult + q];
            }
          }
        }
      }
    }
  }
  return out;
}

export function depthwiseBackpropInput({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs;
  const inputShape: number[] = attrs.inputShape;
  const { N, H, W, C, OH, OW, mult, fh, fw, sh, sw, dh, dw, pt, pl } = depthwiseInfo(inputShape, filter.shape, attrs);
  const out = backend.makeOutput(inputShape, "float32");
  const dx = f32(backend, out);
  dx.fill(0);
  const wv = f32(backend, filter);
  const dyv = f32(backend, dy);
  const CO = C * mult;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const yo = ((n * OH + oh) * OW + ow) * CO;
        for (let kh = 0; kh < fh; kh++) {
          const ih = oh * sh + kh * dh - pt;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < fw; kw++) {
            const iw = ow * sw + kw * dw - pl;
            if (iw < 0 || iw >= W) continue;
            const xo = ((n * H + ih) * W + iw) * C;
            const wo = (kh * fw + kw) * CO;
            for (let c = 0; c < C; c++) {
              let s = 0;
              for (let q = 0; q < mult; q++) s += dyv[yo + c * mult + q] * wv[wo + c * mult + q];
              dx[xo + c] += s;
            }
          }
        }
      }
    }
  }
  return out;
}
