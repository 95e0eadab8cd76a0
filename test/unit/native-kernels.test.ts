/**
 * The native BLAS kernels (native/labs_blas.c via src/wasm/native.ts) against
 * the cpu backend: products with every transpose, batch 1 and broadcast
 * batches, fused bias and activations; convolutions and both their gradients
 * with strides, padding, dilation, 1×1 filters, batch 1, non-square shapes and
 * batches long enough to be split into chunks; bias-gradient sums and
 * max-pooling gradients. Each case also checks that the
 * addon really ran (a counting wrapper), so a silent fall-back cannot pass.
 *
 * Skipped, saying so, where the addon is not built; under CI on a machine with
 * apt-get (where scripts/setup.sh builds it) a missing addon is a failure.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execSync } from "child_process";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { loadNativeBlas, type NativeBlas } from "../../src/native";
import { describeBackend } from "../../src/backend";
import { installNativeKernels, nativeKernelsInstalled } from "../../src/wasm";
import { Rng } from "../../src/random";
import { blobs, checkDenseStep, checkFusedUpdates } from "../support/train-checks";
import { compare, convCases, randomArray, relErr, reluGradOn, runOn, size, TOL, type ConvCase } from "../support/kernels";

type Case = ConvCase & { dil?: number };

const load = loadNativeBlas({});
const hasApt = (() => { try { execSync("command -v apt-get", { stdio: "ignore" }); return true; } catch { return false; } })();
const mustRun = !!process.env.CI && hasApt;
const skip = load.addon || mustRun ? false : `${load.why}; run bash native/build.sh (or scripts/setup.sh) to test it`;
if (skip) console.log(`native-kernels: skipped: ${skip}`);

/** The addon, with a count of its calls. */
const calls = { n: 0 };
const counted: NativeBlas | undefined = load.addon && (Object.fromEntries(Object.entries(load.addon).map(([k, f]) =>
  [k, (...args: unknown[]) => { calls.n++; return (f as (...a: unknown[]) => unknown)(...args); }])) as unknown as NativeBlas);

before(async () => {
  if (skip) return;
  assert.ok(counted, `under CI the native addon must be built by scripts/setup.sh: ${load.why}`);
  assert.ok(await tf.setBackend("wasm"), "wasm backend should initialise");
  await tf.ready();
  installNativeKernels(counted);
});

/** compare(), and that the addon served it (or, with native = false, that it did not). */
async function compareNative(kernel: string, inputs: Parameters<typeof compare>[1], attrs: Record<string, unknown>, label: string, native = true) {
  const n0 = calls.n;
  await compare(kernel, inputs, attrs, label);
  assert.equal(calls.n > n0, native, native ? `${label}: the native addon did not run` : `${label}: expected the fall-back kernel`);
}

test("the native kernels are registered and the backend line names the BLAS", { skip }, () => {
  assert.ok(nativeKernelsInstalled(counted!));
  const info = counted!.info();
  assert.ok(info.threads >= 1, `OpenBLAS threads: ${info.threads}`);
  assert.equal(describeBackend({ name: "wasm", tfjsVersion: "4.22.0", skipped: [], native: { blas: "OpenBLAS", threads: 2 } }),
    "Backend: wasm + native BLAS (OpenBLAS, 2 threads), TensorFlow.js 4.22.0");
});

test("LABS_NATIVE=0 turns the addon off; other values are refused", () => {
  assert.match(loadNativeBlas({ LABS_NATIVE: "0" }).why!, /LABS_NATIVE=0/);
  assert.throws(() => loadNativeBlas({ LABS_NATIVE: "yes" }), /LABS_NATIVE=yes: use 0/);
});

test("BatchMatMul matches cpu: transposes, batch 1, broadcast batches, non-square", { skip }, async () => {
  const rng = new Rng(21);
  const shapes: [number[], number[]][] = [[[1], [1]], [[3], [3]], [[3], [1]], [[1], [4]], [[2, 3], [2, 3]], [[], []]];
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
    for (const [m, k, n] of [[5, 7, 3], [1, 9, 4], [64, 100, 10], [33, 1, 17]]) {
      for (const [oa, ob] of shapes) {
        const a = [...oa, ...(ta ? [k, m] : [m, k])], b = [...ob, ...(tb ? [n, k] : [k, n])];
        await compareNative("BatchMatMul",
          { a: { shape: a, values: randomArray(rng, size(a)) }, b: { shape: b, values: randomArray(rng, size(b)) } },
          { transposeA: ta, transposeB: tb }, `matmul tA=${ta} tB=${tb} ${a} × ${b}`);
      }
    }
  }
});

test("_FusedMatMul matches cpu: bias, every activation, transposes", { skip }, async () => {
  const rng = new Rng(22);
  for (const activation of ["linear", "relu", "relu6", "leakyrelu", "elu", "sigmoid"]) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      const [m, k, n] = [7, 12, 5];
      const a = ta ? [1, k, m] : [1, m, k], b = tb ? [1, n, k] : [1, k, n];
      const ins = { a: { shape: a, values: randomArray(rng, size(a)).map((v) => v * 4) }, b: { shape: b, values: randomArray(rng, size(b)) } };
      const attrs = { transposeA: ta, transposeB: tb, activation, leakyreluAlpha: 0.3 };
      await compareNative("_FusedMatMul", { ...ins, bias: { shape: [n], values: randomArray(rng, n) } }, attrs, `fused ${activation} bias tA=${ta} tB=${tb}`);
      await compareNative("_FusedMatMul", ins, attrs, `fused ${activation} no bias tA=${ta} tB=${tb}`);
    }
  }
  // PReLU is left to the course's kernel.
  const ins = { a: { shape: [1, 4, 3], values: randomArray(rng, 12) }, b: { shape: [1, 3, 2], values: randomArray(rng, 6) } };
  await compareNative("_FusedMatMul", { ...ins, preluActivationWeights: { shape: [2], values: randomArray(rng, 2) } },
    { transposeA: false, transposeB: false, activation: "prelu" }, "fused prelu (fall-back)", false);
});

/** convCases plus cases only the forward convolution and the native path add: dilation, 1×1, long batches (chunks). */
const moreCases: Case[] = [
  { n: 2, h: 9, w: 8, cin: 3, cout: 4, fh: 3, fw: 3, stride: 1, pad: "same", dil: 2 },
  { n: 1, h: 11, w: 7, cin: 2, cout: 3, fh: 2, fw: 3, stride: 1, pad: "valid", dil: 2 },
  { n: 3, h: 5, w: 6, cin: 7, cout: 4, fh: 1, fw: 1, stride: 1, pad: "valid" },
  { n: 2, h: 7, w: 6, cin: 5, cout: 3, fh: 1, fw: 1, stride: 2, pad: "same" },
  { n: 40, h: 16, w: 16, cin: 16, cout: 8, fh: 3, fw: 3, stride: 1, pad: "same" },
  // Above 2^24 multiply-adds, so the addon splits the 5 images over its threads (where it has two or more).
  { n: 5, h: 40, w: 36, cin: 16, cout: 24, fh: 3, fw: 3, stride: 1, pad: "same" },
];

function shapesOf(c: Case) {
  const info = tf.backend_util.computeConv2DInfo([c.n, c.h, c.w, c.cin], [c.fh, c.fw, c.cin, c.cout], c.stride as any, c.dil ?? 1, c.pad, undefined, false, "channelsLast");
  return { x: [c.n, c.h, c.w, c.cin], f: [c.fh, c.fw, c.cin, c.cout], y: info.outShape as number[] };
}

test("Conv2D and FusedConv2D match cpu", { skip }, async () => {
  const rng = new Rng(23);
  for (const c of [...convCases, ...moreCases] as Case[]) {
    const s = shapesOf(c);
    const ins = { x: { shape: s.x, values: randomArray(rng, size(s.x)) }, filter: { shape: s.f, values: randomArray(rng, size(s.f)) } };
    const attrs = { strides: c.stride, pad: c.pad, dataFormat: "NHWC", dilations: c.dil ?? 1 };
    await compareNative("Conv2D", ins, attrs, `conv2d ${JSON.stringify(c)}`);
    await compareNative("FusedConv2D", { ...ins, bias: { shape: [c.cout], values: randomArray(rng, c.cout) } },
      { ...attrs, activation: "relu" }, `fusedConv2d relu ${JSON.stringify(c)}`);
  }
});

test("Conv2DBackpropFilter and Conv2DBackpropInput match cpu", { skip }, async () => {
  const rng = new Rng(24);
  // tfjs's gradient kernels take no dilation.
  for (const c of [...convCases, ...moreCases.filter((m) => !m.dil)]) {
    const s = shapesOf(c);
    const attrs = { strides: c.stride, pad: c.pad, dataFormat: "NHWC" };
    await compareNative("Conv2DBackpropFilter",
      { x: { shape: s.x, values: randomArray(rng, size(s.x)) }, dy: { shape: s.y, values: randomArray(rng, size(s.y)) } },
      { ...attrs, filterShape: s.f }, `filter grad ${JSON.stringify(c)}`);
    await compareNative("Conv2DBackpropInput",
      { dy: { shape: s.y, values: randomArray(rng, size(s.y)) }, filter: { shape: s.f, values: randomArray(rng, size(s.f)) } },
      { ...attrs, inputShape: s.x }, `input grad ${JSON.stringify(c)}`);
  }
});

test("NCHW convolutions fall back to the course's kernels and still match cpu", { skip }, async () => {
  const rng = new Rng(25);
  const c = convCases[2];
  const s = shapesOf(c);
  const nchw = (t: number[]) => [t[0], t[3], t[1], t[2]];
  await compareNative("Conv2DBackpropFilter",
    { x: { shape: nchw(s.x), values: randomArray(rng, size(s.x)) }, dy: { shape: nchw(s.y), values: randomArray(rng, size(s.y)) } },
    { strides: c.stride, pad: c.pad, dataFormat: "NCHW", filterShape: s.f }, "filter grad NCHW", false);
});

test("Sum over leading axes and MaxPoolGrad match cpu", { skip }, async () => {
  const rng = new Rng(27);
  const sums: [number[], number | number[], boolean, boolean][] = [
    [[6, 5, 4, 3], [0, 1, 2], false, true], [[6, 5, 4, 3], [2, 0, 1], true, true], [[50, 7], 0, false, true],
    [[1, 9], 0, true, true], [[4, 5, 6], [1, 2], false, false], [[4, 5, 6], [0, 1, 2], false, false],
  ];
  for (const [shape, axis, keepDims, native] of sums) {
    await compareNative("Sum", { x: { shape, values: randomArray(rng, size(shape)) } }, { axis, keepDims }, `sum ${shape} ${axis} ${keepDims}`, native);
  }
  const pools: [number[], number | [number, number], number | [number, number], string][] = [
    [[2, 6, 8, 3], 2, 2, "valid"], [[1, 7, 5, 4], 2, 2, "same"], [[3, 9, 7, 2], [3, 2], [2, 1], "same"], [[2, 8, 8, 5], 3, 1, "valid"],
    // Tiling windows (stride = window, no padding) with rows and columns left over; the last is big enough to be split over threads.
    [[2, 7, 9, 3], 2, 2, "valid"], [[1, 8, 9, 2], [3, 2], [3, 2], "valid"], [[5, 25, 23, 40], 2, 2, "valid"],
  ];
  for (const [shape, filterSize, strides, pad] of pools) {
    const xv = randomArray(rng, size(shape));
    for (let i = 0; i < xv.length; i += 3) xv[i] = Math.max(0, xv[i]); // ties, as after a relu
    const yShape = tf.backend_util.computePool2DInfo(shape as any, filterSize, strides, 1, pad as any).outShape as number[];
    const y = await runOn("cpu", "MaxPool", { x: { shape, values: xv } }, { filterSize, strides, pad });
    await compareNative("MaxPoolGrad",
      { dy: { shape: yShape, values: randomArray(rng, size(yShape)) }, input: { shape, values: xv }, output: { shape: yShape, values: y.values as Float32Array } },
      { filterSize, strides, pad }, `maxPoolGrad ${shape} ${filterSize} ${strides} ${pad}`);
  }
});

test("relu's gradient runs in the addon, split over its threads, with cpu's floats exactly", { skip }, async () => {
  const cpu = await reluGradOn("cpu", 1 << 20 | 3); // above the size where the addon uses a second thread
  const n0 = calls.n;
  const native = await reluGradOn("wasm", 1 << 20 | 3);
  assert.ok(calls.n > n0 && native.kernels.includes("LabsReluGrad"), "the addon's reluGrad did not run");
  assert.deepEqual(native.values, cpu.values);
});

/** Gradients of a small conv + dense net's loss with respect to every weight. */
async function netGrads(backend: string, xv: Float32Array, wv: Float32Array[]) {
  await tf.setBackend(backend);
  const x = tf.tensor4d(xv, [3, 10, 9, 2]);
  const ws = [tf.tensor4d(wv[0], [3, 3, 2, 4]), tf.tensor4d(wv[1], [3, 3, 4, 5]), tf.tensor2d(wv[2], [5 * 4 * 4, 6]), tf.tensor1d(wv[3], "float32")];
  const f = (a: tf.Tensor4D, b: tf.Tensor4D, w: tf.Tensor2D, bias: tf.Tensor1D) => {
    const h1 = tf.relu(tf.conv2d(x, a, 1, "valid"));
    const h2 = tf.fused.conv2d({ x: h1, filter: b, strides: 2, pad: "same", bias: bias.slice(0, 5), activation: "linear" });
    const y = tf.fused.matMul({ a: tf.reshape(h2, [3, -1]), b: w, bias: bias, activation: "linear" });
    return tf.sum(tf.square(y));
  };
  const grads = tf.grads(f as any)(ws);
  const out = grads.map((g) => g.dataSync().slice());
  tf.dispose([x, ...ws, ...grads]);
  return out;
}

test("tf.grads of a conv + dense net agree between native and cpu", { skip }, async () => {
  const rng = new Rng(26);
  const xv = randomArray(rng, 3 * 10 * 9 * 2);
  const wv = [randomArray(rng, 3 * 3 * 2 * 4), randomArray(rng, 3 * 3 * 4 * 5), randomArray(rng, 80 * 6), randomArray(rng, 6)];
  const cpu = await netGrads("cpu", xv, wv);
  const n0 = calls.n;
  const native = await netGrads("wasm", xv, wv);
  assert.ok(calls.n - n0 >= 5, `the addon ran ${calls.n - n0} times for the forward and backward pass`);
  for (let i = 0; i < cpu.length; i++) {
    const err = relErr(native[i], cpu[i]);
    assert.ok(err <= TOL, `gradient ${i}: relative error ${err}`);
  }
});

test("with the addon, fused optimizer updates match tfjs's applyGradients", { skip }, async () => {
  const n0 = calls.n;
  await checkFusedUpdates();
  assert.ok(calls.n > n0, "the addon did not run the updates");
});

test("with the addon, the dense step trains as the tfjs step does, without leaks", { skip }, async () => {
  const n0 = calls.n;
  await checkDenseStep(blobs(300, 41));
  assert.ok(calls.n > n0, "the addon did not run the dense step");
});
