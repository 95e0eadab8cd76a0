/**
 * The SIMD loops of src/wasm/loops.wat, on the wasm backend's own memory,
 * against float32 arithmetic done in JavaScript (Math.fround after every
 * operation): every length 0–9 and 37, so both the 4-lane loop and the
 * one-lane tail run, at offsets that are not 16-byte aligned. And dist/ holds
 * the binary that the .wat assembles to today.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { loopsBinaryPath, loopsFor, ACT_GRAD } from "../../src/wasm/loops";
import type { WasmBackend } from "../../src/wasm/heap";
import { offset } from "../../src/wasm/native";
import { Rng } from "../../src/random";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { assemble } = require("../../scripts/build-wasm.js") as { assemble(): Promise<Buffer> };

const f = Math.fround;
let backend: WasmBackend;
before(async () => {
  assert.ok(await tf.setBackend("wasm"));
  await tf.ready();
  backend = tf.backend() as unknown as WasmBackend;
});

test("dist/wasm/loops.wasm is what src/wasm/loops.wat assembles to (run npm run build if not)", async () => {
  assert.deepEqual(fs.readFileSync(loopsBinaryPath()), await assemble());
});

/** k float arrays of length n in the heap, one float past a 16-byte boundary; returns byte offsets and views. */
function heapArrays(values: Float32Array[]): { at: number[]; view: (i: number) => Float32Array; dispose(): void } {
  const n = values[0].length;
  const t = backend.makeOutput([values.length * (n + 8) + 4], "float32");
  const base = offset(backend, t) + 4;
  const at = values.map((_, i) => base + i * (n + 8) * 4);
  const heap = () => new Float32Array(backend.wasm.HEAPU8.buffer);
  values.forEach((v, i) => heap().set(v, at[i] / 4));
  return { at, view: (i) => heap().slice(at[i] / 4, at[i] / 4 + n), dispose: () => { backend.disposeData(t.dataId); } };
}

const LENGTHS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 37];
const rng = new Rng(3);
const random = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-2, 2));

function same(got: Float32Array, want: number[], what: string) {
  assert.deepEqual(Array.from(got), want.map(f), what);
}

test("optimizer updates: sgd, momentum (plain and Nesterov), adam, Keras's SGD (plain and Nesterov)", () => {
  const loops = loopsFor(backend);
  const [lr, mu, b1, b2, eps, c1, c2] = [0.05, 0.9, 0.85, 0.99, 1e-7, 0.3, 0.02].map(f);
  const q1 = f(1 - b1), q2 = f(1 - b2);
  for (const n of LENGTHS) {
    const w = random(n), g = random(n), s1 = random(n), s2 = Float32Array.from(random(n), Math.abs);
    for (const nesterov of [0, 1]) {
      let h = heapArrays([w, new Float32Array(n), g, s1]);
      loops.momentum(n, h.at[0], h.at[1], h.at[2], h.at[3], lr, mu, nesterov);
      const acc = Array.from(s1, (a, j) => f(f(mu * a) + g[j]));
      same(h.view(3), acc, `momentum slot n=${n}`);
      same(h.view(1), Array.from(w, (x, j) => f(x + f(-lr * (nesterov ? f(g[j] + f(acc[j] * mu)) : acc[j])))), `momentum n=${n} nesterov=${nesterov}`);
      h.dispose();
      h = heapArrays([w, new Float32Array(n), g, s1]);
      loops.kerasSgd(n, h.at[0], h.at[1], h.at[2], h.at[3], lr, mu, nesterov);
      const u = Array.from(s1, (v, j) => f(f(mu * v) - f(lr * g[j])));
      same(h.view(3), u, `kerasSgd slot n=${n}`);
      same(h.view(1), Array.from(w, (x, j) => f(x + (nesterov ? f(f(mu * u[j]) - f(lr * g[j])) : u[j]))), `kerasSgd n=${n} nesterov=${nesterov}`);
      h.dispose();
    }
    let h = heapArrays([w, new Float32Array(n), g]);
    loops.sgd(n, h.at[0], h.at[1], h.at[2], lr);
    same(h.view(1), Array.from(w, (x, j) => f(x + f(-lr * g[j]))), `sgd n=${n}`);
    h.dispose();
    h = heapArrays([w, new Float32Array(n), g, s1, s2]);
    loops.adam(n, h.at[0], h.at[1], h.at[2], h.at[3], h.at[4], lr, b1, b2, q1, q2, eps, c1, c2);
    const m = Array.from(s1, (x, j) => f(f(x * b1) + f(g[j] * q1)));
    const v = Array.from(s2, (x, j) => f(f(x * b2) + f(f(g[j] * g[j]) * q2)));
    same(h.view(3), m, `adam m n=${n}`);
    same(h.view(4), v, `adam v n=${n}`);
    same(h.view(1), Array.from(w, (x, j) => f(x + f(-lr * f(f(m[j] / c1) / f(f(Math.sqrt(f(v[j] / c2))) + eps))))), `adam n=${n}`);
    h.dispose();
  }
});

test("dense-step loops: bias + relu (NaN gives 0), activation gradients, row sums", () => {
  const loops = loopsFor(backend);
  for (const cols of LENGTHS.filter((c) => c > 0)) {
    const rows = 3, z = random(rows * cols), bias = random(cols);
    z[0] = NaN;
    for (const [hasBias, relu] of [[1, 1], [1, 0], [0, 1]]) {
      const h = heapArrays([z, Float32Array.from({ length: rows * cols }, (_, i) => bias[i % cols])]);
      loops.biasRelu(h.at[0], h.at[1], rows, cols, hasBias, relu);
      same(h.view(0), Array.from(z, (x, i) => {
        const y = hasBias ? f(x + bias[i % cols]) : x;
        return relu ? (y > 0 ? y : 0) : y;
      }), `biasRelu cols=${cols} bias=${hasBias} relu=${relu}`);
      h.dispose();
    }
    const x = random(rows * cols);
    const h = heapArrays([x, new Float32Array(rows * cols)]);
    loops.sumRows(h.at[0], rows, cols, h.at[1]);
    same(h.view(1).subarray(0, cols), Array.from({ length: cols }, (_, j) => f(f(f(0 + x[j]) + x[cols + j]) + x[2 * cols + j])), `sumRows cols=${cols}`);
    h.dispose();
  }
  for (const n of LENGTHS) {
    const da = random(n), a = random(n);
    const want: Record<keyof typeof ACT_GRAD, (d: number, y: number) => number> = {
      relu: (d, y) => (y > 0 ? d : 0), sigmoid: (d, y) => f(d * f(y * f(1 - y))), tanh: (d, y) => f(d * f(1 - f(y * y))),
    };
    for (const [name, kind] of Object.entries(ACT_GRAD) as [keyof typeof ACT_GRAD, number][]) {
      const h = heapArrays([da, a]);
      loops.actGrad(n, h.at[0], h.at[1], kind);
      same(h.view(0), Array.from(da, (d, i) => want[name](d, a[i])), `actGrad ${name} n=${n}`);
      h.dispose();
    }
  }
});

test("reluGrad: dy · step(x), NaN in x giving NaN, at every length and offset", () => {
  const loops = loopsFor(backend);
  for (const n of LENGTHS) {
    const dy = random(n), x = random(n);
    [NaN, 0, -0, Infinity, -Infinity].forEach((v, i) => { if (i < n) x[n - 1 - i] = v; }); // in the tail and the 4-lane part
    if (n > 6) dy[1] = Infinity;
    const h = heapArrays([dy, x, new Float32Array(n)]);
    loops.reluGrad(n, h.at[0], h.at[1], h.at[2]);
    same(h.view(2), Array.from(dy, (d, i) => d * (x[i] > 0 ? 1 : Number.isNaN(x[i]) ? NaN : 0)), `reluGrad n=${n}`);
    h.dispose();
  }
});

test("copyRuns: a 2-D grid of strided copies, leaving the gaps untouched", () => {
  const loops = loopsFor(backend);
  const src = random(64), dst = new Float32Array(64).fill(-7);
  const h = heapArrays([src, dst]);
  // 3 rows of 2 runs of 5 floats: source runs every 6 floats, rows every 20; destination runs every 7, rows every 16.
  loops.copyRuns(h.at[0] + 4, h.at[1] + 8, 4 * 5, 2, 4 * 6, 4 * 7, 3, 4 * 20, 4 * 16);
  const want = Array.from(dst);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 5; k++) want[2 + i * 16 + j * 7 + k] = src[1 + i * 20 + j * 6 + k];
  same(h.view(1), want, "copyRuns");
  h.dispose();
});
