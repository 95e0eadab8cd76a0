/**
 * The optional native BLAS addon (native/labs_blas.c), built by
 * `scripts/setup.sh` where a C compiler and a BLAS exist (docs/backends.md).
 *
 * It runs matrix products and convolutions with the system BLAS (OpenBLAS,
 * on all cores; Accelerate on macOS) straight on the wasm backend's heap.
 * `LABS_NATIVE=0` turns it off; `LABS_NATIVE=1` makes a missing addon an
 * error instead of a silent fall-back to plain wasm.
 */
import * as path from "path";

/** The addon's functions; heap is the wasm memory's ArrayBuffer, offsets are in bytes. */
export interface NativeBlas {
  gemm(heap: ArrayBuffer, batch: number, transA: number, transB: number, m: number, n: number, k: number,
    aOff: number, aStride: number, bOff: number, bStride: number, cOff: number, biasOff: number, act: number, alpha: number): void;
  conv2d(heap: ArrayBuffer, xOff: number, wOff: number, yOff: number, biasOff: number, act: number, alpha: number, ...geometry: number[]): void;
  conv2dBackpropFilter(heap: ArrayBuffer, xOff: number, dyOff: number, dwOff: number, ...geometry: number[]): void;
  conv2dBackpropInput(heap: ArrayBuffer, dyOff: number, wOff: number, dxOff: number, ...geometry: number[]): void;
  sumRows(heap: ArrayBuffer, xOff: number, rows: number, cols: number, outOff: number): void;
  maxPoolGrad(heap: ArrayBuffer, xOff: number, dyOff: number, dxOff: number, ...geometry: number[]): void;
  softmaxXent(heap: ArrayBuffer, zOff: number, n: number, k: number, labelsOff: number, eps: number): [number, number];
  actGrad(heap: ArrayBuffer, daOff: number, aOff: number, count: number, act: number): void;
  optimizerUpdate(heap: ArrayBuffer, kind: number, count: number, wOff: number, newOff: number, gOff: number, s1Off: number, s2Off: number,
    lr: number, p1: number, p2: number, p3: number, c1: number, c2: number): void;
  reluGrad(heap: ArrayBuffer, dyOff: number, xOff: number, outOff: number, count: number): void;
  info(): { blas: string; threads: number };
  setThreads(n: number): void;
}

export const NATIVE_ADDON_PATH = path.join(__dirname, "..", "native", "build", "labs_blas.node");

export type NativeLoad = { addon: NativeBlas; why?: undefined } | { addon?: undefined; why: string };

/** Loads the addon unless LABS_NATIVE=0; says why when it is not used. Throws if LABS_NATIVE=1 and it cannot load. */
export function loadNativeBlas(env: NodeJS.ProcessEnv = process.env): NativeLoad {
  const flag = env.LABS_NATIVE?.trim();
  if (flag === "0") return { why: "native BLAS turned off by LABS_NATIVE=0" };
  if (flag && flag !== "1") throw new Error(`LABS_NATIVE=${env.LABS_NATIVE}: use 0 (off), 1 (required) or leave it unset (use it when built).`);
  try {
    return { addon: require(NATIVE_ADDON_PATH) as NativeBlas };
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === "MODULE_NOT_FOUND"
      ? "native BLAS not built (bash native/build.sh builds it; it needs a C compiler and OpenBLAS)"
      : `native BLAS does not load (${(e as Error).message.split("\n")[0]})`;
    if (flag === "1") throw new Error(`LABS_NATIVE=1 but ${why}. Unset LABS_NATIVE to run on plain wasm.`);
    return { why };
  }
}
