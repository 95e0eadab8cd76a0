/**
 * The training step's elementwise loops in WebAssembly SIMD (src/wasm/loops.wat),
 * run on the wasm backend's own memory: the fused optimizer updates
 * (./fused-update.ts) and the tape-free dense step (./dense-step.ts) on plain
 * wasm, and Keras's SGD on both wasm paths.
 *
 * JavaScript loops over Float32Array views of the backend's heap ran at 3–6 ns
 * an element; this module, instantiated with the backend's WebAssembly.Memory
 * as its import (so it reads and writes the tensors where they lie), runs the
 * same loops at ~0.2 ns. The binary is assembled by `npm run build`
 * (scripts/build-wasm.js) into dist/wasm/loops.wasm.
 */
import * as fs from "fs";
import * as path from "path";
import type { WasmBackend } from "./heap";

/** The module's exports; pointers are byte offsets into the heap, counts are in floats. */
export interface Loops {
  sgd(n: number, w: number, nw: number, g: number, lr: number): void;
  momentum(n: number, w: number, nw: number, g: number, acc: number, lr: number, mu: number, nesterov: number): void;
  adam(n: number, w: number, nw: number, g: number, m: number, v: number,
    lr: number, b1: number, b2: number, q1: number, q2: number, eps: number, c1: number, c2: number): void;
  kerasSgd(n: number, w: number, nw: number, g: number, v: number, rate: number, mu: number, nesterov: number): void;
  biasRelu(z: number, bias: number, rows: number, cols: number, hasBias: number, relu: number): void;
  actGrad(n: number, da: number, a: number, kind: number): void;
  sumRows(x: number, rows: number, cols: number, out: number): void;
  reluGrad(n: number, dy: number, x: number, out: number): void;
  pool2x2Grad(x: number, dy: number, dx: number, rows: number, ow: number, c: number, w: number): void;
  copyRuns(src: number, dst: number, bytes: number, n1: number, s1: number, d1: number, n2: number, s2: number, d2: number): void;
}

/** actGrad's codes. */
export const ACT_GRAD = { relu: 1, sigmoid: 2, tanh: 3 } as const;

/** dist/wasm/loops.wasm: next to this file in dist/, or the built copy when running from src/ (tsx, the unit tests). */
export function loopsBinaryPath(): string {
  const candidates = [path.join(__dirname, "loops.wasm"), path.join(__dirname, "..", "..", "dist", "wasm", "loops.wasm")];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`wasm training loops: ${candidates[0]} is missing; run npm run build (it assembles src/wasm/loops.wat).`);
  return found;
}

let bytes: Buffer | undefined;
const instances = new WeakMap<WebAssembly.Memory, Loops>();

/** The loops, bound to `backend`'s memory (instantiated once per memory). */
export function loopsFor(backend: WasmBackend): Loops {
  const memory = (backend.wasm as unknown as { asm?: { memory?: WebAssembly.Memory } }).asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) {
    throw new Error("wasm training loops: this tfjs-backend-wasm does not expose its WebAssembly.Memory (backend.wasm.asm.memory); the course needs 4.22.");
  }
  let loops = instances.get(memory);
  if (!loops) {
    bytes ??= fs.readFileSync(loopsBinaryPath());
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as unknown as BufferSource), { env: { memory } });
    loops = instance.exports as unknown as Loops;
    instances.set(memory, loops);
  }
  return loops;
}
