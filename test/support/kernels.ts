// Comparing a wasm kernel with the cpu backend's (test/unit/wasm-kernels.test.ts,
// test/unit/native-kernels.test.ts): random inputs, the same kernel run on both
// backends, relative error at most TOL, and a check that the case is not trivial.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../../src/random";

export const TOL = 1e-5;

export function randomArray(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

export type Spec = { shape: number[]; values: Float32Array | Int32Array; dtype?: tf.DataType };

/** Runs one kernel on the given backend and returns its output values and shape. */
export async function runOn(backend: string, kernel: string, inputs: Record<string, Spec>, attrs: Record<string, unknown>) {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const ts: Record<string, tf.Tensor> = {};
  for (const [k, s] of Object.entries(inputs)) ts[k] = tf.tensor(s.values, s.shape, s.dtype ?? "float32");
  const out = tf.engine().runKernel(kernel, ts as any, attrs as any) as tf.Tensor;
  const result = { shape: out.shape, values: out.dataSync().slice() };
  out.dispose();
  Object.values(ts).forEach((t) => t.dispose());
  assert.equal(tf.memory().numTensors, before, `${kernel} on ${backend} leaked tensors`);
  return result;
}

/** Max |a − b| / max(1, max|b|): relative to the scale of the reference. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0, scale = 1;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

export async function compare(kernel: string, inputs: Record<string, Spec>, attrs: Record<string, unknown>, label: string) {
  const cpu = await runOn("cpu", kernel, inputs, attrs);
  const wasm = await runOn("wasm", kernel, inputs, attrs);
  await tf.setBackend("wasm");
  assert.deepEqual(wasm.shape, cpu.shape, `${label}: shape`);
  assert.equal(wasm.values.length, cpu.values.length);
  const err = relErr(wasm.values, cpu.values);
  assert.ok(err <= TOL, `${label}: relative error ${err} > ${TOL}`);
  // A kernel that returned zeros would match a zero reference: make sure the case is not trivial.
  assert.ok(cpu.values.some((v) => v !== 0), `${label}: reference is all zeros, the case tests nothing`);
}

export interface ConvCase { n: number; h: number; w: number; cin: number; cout: number; fh: number; fw: number; stride: number | [number, number]; pad: any }

export const convCases: ConvCase[] = [
  { n: 2, h: 7, w: 5, cin: 3, cout: 4, fh: 3, fw: 3, stride: 1, pad: "valid" },
  { n: 1, h: 6, w: 9, cin: 2, cout: 5, fh: 3, fw: 2, stride: 1, pad: "same" },
  { n: 3, h: 9, w: 7, cin: 4, cout: 3, fh: 3, fw: 3, stride: 2, pad: "same" },
  { n: 2, h: 8, w: 11, cin: 3, cout: 2, fh: 2, fw: 4, stride: 2, pad: "valid" },
  { n: 1, h: 10, w: 6, cin: 1, cout: 6, fh: 5, fw: 3, stride: [2, 1], pad: "same" },
  { n: 2, h: 5, w: 5, cin: 2, cout: 3, fh: 3, fw: 3, stride: 1, pad: [[0, 0], [2, 1], [0, 2], [0, 0]] },
  { n: 4, h: 28, w: 28, cin: 1, cout: 8, fh: 3, fw: 3, stride: 1, pad: "valid" },
  { n: 3, h: 12, w: 12, cin: 8, cout: 16, fh: 3, fw: 3, stride: 1, pad: "same" },
];

export function convShapes(c: ConvCase) {
  const info = tf.backend_util.computeConv2DInfo([c.n, c.h, c.w, c.cin], [c.fh, c.fw, c.cin, c.cout], c.stride as any, 1, c.pad, undefined, false, "channelsLast");
  return { x: [c.n, c.h, c.w, c.cin], f: [c.fh, c.fw, c.cin, c.cout], y: info.outShape as number[] };
}
export const size = (s: number[]) => s.reduce((a, b) => a * b, 1);


/**
 * The gradient through relu of Σ relu(x)·dy, on `backend`: dy · step(x), computed
 * by whichever kernels that backend's Relu gradient runs (their names come back too).
 * x holds NaN, ±0 and ±∞, dy holds NaN and ∞, and the length is not a multiple of 4.
 */
export async function reluGradOn(backend: string, n = 4 * 257 + 3) {
  await tf.setBackend(backend);
  const rng = new Rng(31);
  const xv = randomArray(rng, n), dv = randomArray(rng, n);
  xv.set([NaN, 0, -0, Infinity, -Infinity, 1e-40, -1e-40]);
  dv.set([1, -2, -3, 4, 5, 6, 7, NaN, Infinity, -Infinity], 0);
  xv[8] = 0.5; xv[9] = 0.5; xv[10] = -0.5; // NaN and ±∞ in dy, above and below zero in x
  const before = tf.memory().numTensors;
  const x = tf.tensor1d(xv), dy = tf.tensor1d(dv);
  const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), dy)));
  let values: Float32Array | undefined;
  const profile = await tf.profile(() => { const g = grad(x); values = g.dataSync().slice() as Float32Array; return g; });
  tf.dispose([x, dy, profile.result as tf.Tensor]);
  assert.equal(tf.memory().numTensors, before, `relu gradient on ${backend} leaked tensors`);
  return { values: values!, kernels: profile.kernelNames, x: xv, dy: dv };
}
