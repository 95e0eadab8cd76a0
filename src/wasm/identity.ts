/**
 * Identity on the wasm backend without a copy.
 *
 * tfjs saves every tensor a gradient needs with an Identity (engine.clone),
 * and the stock wasm Identity copies the whole tensor: in a CNN training
 * step that is hundreds of MiB of copies. No wasm kernel writes into its
 * inputs, so the saved tensor can share the heap buffer (one more
 * reference), as Reshape does and the cpu backend's Identity does.
 */
import type * as tf from "@tensorflow/tfjs";
import { runStock, type KernelArgs } from "./heap";

export function identity({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x } = inputs;
  if (x.dtype === "string") return runStock("Identity", backend, inputs, attrs);
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
