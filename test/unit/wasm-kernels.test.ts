/**
 * The wasm training kernels (src/wasm) against the cpu backend: every
 * patched kernel on random shapes (strides 1 and 2, 'same' and 'valid' and
 * explicit padding, batch 1, non-square images and kernels, NCHW), then
 * gradients end to end, then a leak test of a small conv net training on wasm.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { installWasmTrainingKernels, wasmTrainingKernelsInstalled } from "../../src/wasm";
import { Rng } from "../../src/random";
import { TOL, compare, convCases, convShapes, randomArray, relErr, reluGradOn, runOn, size } from "../support/kernels";

before(async () => {
  assert.ok(await tf.setBackend("wasm"), "wasm backend should initialise");
  await tf.ready();
  installWasmTrainingKernels();
});

test("the kernels are registered, and a second install is a no-op", () => {
  assert.ok(wasmTrainingKernelsInstalled());
  const before = tf.getKernel("Conv2DBackpropFilter", "wasm")!.kernelFunc;
  installWasmTrainingKernels();
  assert.equal(tf.getKernel("Conv2DBackpropFilter", "wasm")!.kernelFunc, before);
  assert.ok(wasmTrainingKernelsInstalled());
});

test("Conv2DBackpropFilter matches cpu", async () => {
  const rng = new Rng(1);
  for (const c of convCases) {
    const s = convShapes(c);
    await compare("Conv2DBackpropFilter",
      { x: { shape: s.x, values: randomArray(rng, size(s.x)) }, dy: { shape: s.y, values: randomArray(rng, size(s.y)) } },
      { strides: c.stride, pad: c.pad, dataFormat: "NHWC", filterShape: s.f }, `filter ${JSON.stringify(c)}`);
  }
});

test("Conv2DBackpropInput matches cpu", async () => {
  const rng = new Rng(2);
  for (const c of convCases) {
    const s = convShapes(c);
    await compare("Conv2DBackpropInput",
      { dy: { shape: s.y, values: randomArray(rng, size(s.y)) }, filter: { shape: s.f, values: randomArray(rng, size(s.f)) } },
      { strides: c.stride, pad: c.pad, dataFormat: "NHWC", inputShape: s.x }, `input ${JSON.stringify(c)}`);
  }
});

test("conv gradients in NCHW match cpu", async () => {
  const rng = new Rng(3);
  for (const c of convCases.slice(0, 4)) {
    const s = convShapes(c);
    const nchw = (t: number[]) => [t[0], t[3], t[1], t[2]];
    await compare("Conv2DBackpropFilter",
      { x: { shape: nchw(s.x), values: randomArray(rng, size(s.x)) }, dy: { shape: nchw(s.y), values: randomArray(rng, size(s.y)) } },
      { strides: c.stride, pad: c.pad, dataFormat: "NCHW", filterShape: s.f }, `filter NCHW ${JSON.stringify(c)}`);
    await compare("Conv2DBackpropInput",
      { dy: { shape: nchw(s.y), values: randomArray(rng, size(s.y)) }, filter: { shape: s.f, values: randomArray(rng, size(s.f)) } },
      { strides: c.stride, pad: c.pad, dataFormat: "NCHW", inputShape: nchw(s.x) }, `input NCHW ${JSON.stringify(c)}`);
  }
});

test("depthwise gradients match cpu", async () => {
  const rng = new Rng(4);
  const cases = [
    { n: 2, h: 7, w: 5, c: 3, mult: 2, fh: 3, fw: 3, stride: 1, pad: "same", dil: 1 },
    { n: 1, h: 8, w: 9, c: 2, mult: 1, fh: 2, fw: 3, stride: 2, pad: "valid", dil: 1 },
    { n: 3, h: 9, w: 6, c: 4, mult: 3, fh: 3, fw: 2, stride: 2, pad: "same", dil: 1 },
  ];
  for (const c of cases) {
    const x = [c.n, c.h, c.w, c.c];
    const f = [c.fh, c.fw, c.c, c.mult];
    const y = tf.backend_util.computeConv2DInfo(x as any, f as any, c.stride, c.dil, c.pad as any, undefined, true).outShape as number[];
    const attrs = { strides: c.stride, dilations: c.dil, pad: c.pad };
    await compare("DepthwiseConv2dNativeBackpropFilter",
      { x: { shape: x, values: randomArray(rng, size(x)) }, dy: { shape: y, values: randomArray(rng, size(y)) } },
      { ...attrs, filterShape: f }, `dw filter ${JSON.stringify(c)}`);
    await compare("DepthwiseConv2dNativeBackpropInput",
      { dy: { shape: y, values: randomArray(rng, size(y)) }, filter: { shape: f, values: randomArray(rng, size(f)) } },
      { ...attrs, inputShape: x }, `dw input ${JSON.stringify(c)}`);
  }
});

test("depthwise gradients with dilation 2 match the definition", async () => {
  // tfjs's cpu gradients ignore dilation, so check against linearity instead:
  // with L(x, W) = Σ dy · depthwiseConv2d(x, W), dL/dW[i] = L(x, e_i) and dL/dx[j] = L(e_j, W).
  const rng = new Rng(9);
  const x = [1, 7, 6, 2], f = [3, 2, 2, 2];
  const attrs = { strides: 1, dilations: 2, pad: "same" as const };
  const y = tf.backend_util.computeConv2DInfo(x as any, f as any, 1, 2, "same", undefined, true).outShape as number[];
  const xv = randomArray(rng, size(x)), wv = randomArray(rng, size(f)), dyv = randomArray(rng, size(y));
  const L = (xa: Float32Array, wa: Float32Array) => tf.tidy(() =>
    tf.sum(tf.mul(tf.tensor(dyv, y), tf.depthwiseConv2d(tf.tensor4d(xa, x as any), tf.tensor4d(wa, f as any), 1, "same", "NHWC", 2))).dataSync()[0]);
  const basis = (n: number, i: number) => { const e = new Float32Array(n); e[i] = 1; return e; };
  await tf.setBackend("cpu");
  const dW = Float32Array.from({ length: size(f) }, (_, i) => L(xv, basis(size(f), i)));
  const dx = Float32Array.from({ length: size(x) }, (_, j) => L(basis(size(x), j), wv));
  const wasmW = await runOn("wasm", "DepthwiseConv2dNativeBackpropFilter", { x: { shape: x, values: xv }, dy: { shape: y, values: dyv } }, { ...attrs, filterShape: f });
  const wasmX = await runOn("wasm", "DepthwiseConv2dNativeBackpropInput", { dy: { shape: y, values: dyv }, filter: { shape: f, values: wv } }, { ...attrs, inputShape: x });
  assert.ok(relErr(wasmW.values, dW) <= TOL, `filter gradient: ${relErr(wasmW.values, dW)}`);
  assert.ok(relErr(wasmX.values, dx) <= TOL, `input gradient: ${relErr(wasmX.values, dx)}`);
});

test("Slice matches cpu (contiguous, strided, ranks 1 to 5, int32)", async () => {
  const rng = new Rng(5);
  const cases: [number[], number[], number[]][] = [
    [[10], [3], [4]],
    [[6, 7], [2, 0], [3, 7]],
    [[6, 7], [1, 2], [4, 3]],
    [[4, 5, 6], [1, 0, 0], [2, 5, 6]],
    [[4, 5, 6], [0, 1, 2], [4, 3, 3]],
    [[3, 4, 5, 6], [1, 1, 0, 0], [2, 2, 5, 6]],
    [[3, 4, 5, 6], [0, 2, 1, 3], [3, 2, 4, 2]],
    [[2, 3, 4, 5, 3], [1, 0, 2, 1, 0], [1, 3, 2, 3, 3]],
    [[50, 784], [17, 0], [13, 784]],
  ];
  for (const [shape, begin, sz] of cases) {
    await compare("Slice", { x: { shape, values: randomArray(rng, size(shape)) } }, { begin, size: sz }, `slice ${shape} ${begin} ${sz}`);
  }
  const ints = Int32Array.from({ length: 24 }, (_, i) => i + 1);
  await compare("Slice", { x: { shape: [2, 3, 4], values: ints, dtype: "int32" } }, { begin: [0, 1, 1], size: [2, 2, 2] }, "slice int32");
});

test("BatchMatMul and _FusedMatMul with transposes match cpu", async () => {
  const rng = new Rng(6);
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
    for (const [batch, m, k, n] of [[1, 5, 7, 3], [3, 4, 6, 5], [1, 64, 100, 10]]) {
      const a = ta ? [batch, k, m] : [batch, m, k];
      const b = tb ? [batch, n, k] : [batch, k, n];
      const ins = { a: { shape: a, values: randomArray(rng, size(a)) }, b: { shape: b, values: randomArray(rng, size(b)) } };
      await compare("BatchMatMul", ins, { transposeA: ta, transposeB: tb }, `matmul ${ta} ${tb} ${a} ${b}`);
      await compare("_FusedMatMul", { ...ins, bias: { shape: [n], values: randomArray(rng, n) } },
        { transposeA: ta, transposeB: tb, activation: "relu" }, `fused ${ta} ${tb} ${a} ${b}`);
    }
  }
});

test("MaxPoolGrad matches cpu", async () => {
  const rng = new Rng(10);
  const cases: [number[], number | [number, number], number | [number, number], string][] = [
    [[2, 6, 8, 3], 2, 2, "valid"],
    // 2×2 windows over channels in fours: the SIMD loop (exact tiling; an odd last column; an odd last row goes to JavaScript)
    [[2, 6, 8, 8], 2, 2, "valid"], [[2, 6, 9, 4], 2, 2, "valid"], [[3, 7, 6, 4], 2, 2, "valid"],
    [[1, 7, 5, 4], 2, 2, "same"],
    [[3, 9, 7, 2], [3, 2], [2, 1], "same"],
    [[2, 8, 8, 5], 3, 1, "valid"],
  ];
  for (const [shape, filterSize, strides, pad] of cases) {
    const xv = randomArray(rng, size(shape));
    // Ties, as after a relu: a window's maximum must go to the first position, as on cpu.
    for (let i = 0; i < xv.length; i += 3) xv[i] = Math.max(0, xv[i]);
    const info = tf.backend_util.computePool2DInfo(shape as any, filterSize, strides, 1, pad as any);
    const yShape = info.outShape as number[];
    const yv = await runOn("cpu", "MaxPool", { x: { shape, values: xv } }, { filterSize, strides, pad });
    await compare("MaxPoolGrad",
      { dy: { shape: yShape, values: randomArray(rng, size(yShape)) }, input: { shape, values: xv }, output: { shape: yShape, values: yv.values as Float32Array } },
      { filterSize, strides, pad }, `maxPoolGrad ${shape} ${filterSize} ${strides} ${pad}`);
  }
});

test("relu's gradient is one kernel on wasm and gives cpu's floats exactly (NaN, ±0, ±∞)", async () => {
  const cpu = await reluGradOn("cpu");
  const wasm = await reluGradOn("wasm");
  assert.ok(wasm.kernels.includes("LabsReluGrad") && !wasm.kernels.includes("Step"), `wasm ran ${wasm.kernels}`);
  assert.ok(cpu.kernels.includes("Step"), "cpu keeps tfjs's own gradient");
  assert.deepEqual(wasm.values, cpu.values); // Object.is per element: NaN matches NaN, −0 must stay −0
  assert.ok(cpu.values.some((v) => v !== 0) && cpu.values.some((v) => Number.isNaN(v)), "the case must hold gradients and NaN");
  // Second derivatives still work through the replaced gradient (zero almost everywhere, as in tfjs).
  const x = tf.tensor1d([-1, 2, 3]);
  const d2 = tf.grad((t: tf.Tensor) => tf.sum(tf.grad((u: tf.Tensor) => tf.sum(tf.mul(tf.relu(u), u)))(t)));
  const g2 = d2(x);
  assert.deepEqual(Array.from(g2.dataSync()), [0, 2, 2]);
  tf.dispose([x, g2]);
});

test("Sum matches cpu (leading axes, keepDims, other axes)", async () => {
  const rng = new Rng(11);
  const cases: [number[], number | number[], boolean][] = [
    [[6, 5, 4, 3], [0, 1, 2], false],
    [[6, 5, 4, 3], [2, 0, 1], true],
    [[50, 7], 0, false],
    [[4, 5, 6], [1, 2], false],
    [[4, 5, 6], [0, 1, 2], false],
    [[4, 5, 6], [0, 2], true],
  ];
  for (const [shape, axis, keepDims] of cases) {
    await compare("Sum", { x: { shape, values: randomArray(rng, size(shape)) } }, { axis, keepDims }, `sum ${shape} ${axis} ${keepDims}`);
  }
});

test("Identity shares the heap buffer: values match, the copy outlives the original, nothing leaks", async () => {
  const rng = new Rng(12);
  await compare("Identity", { x: { shape: [3, 4], values: randomArray(rng, 12) } }, {}, "identity");
  await tf.setBackend("wasm");
  const before = tf.memory().numTensors;
  const x = tf.tensor2d(randomArray(rng, 6), [2, 3]);
  const expected = x.dataSync().slice();
  const y = tf.engine().runKernel("Identity", { x }) as tf.Tensor;
  x.dispose();
  assert.deepEqual(y.dataSync(), expected, "the copy must keep its values after the original is disposed");
  y.dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.equal(tf.memory().numDataBuffers, tf.engine().state.numDataBuffers);
});

/** Gradients of a tiny conv net's loss with respect to every weight. */
async function convNetGrads(backend: string, xv: Float32Array, wv: Float32Array[]) {
  await tf.setBackend(backend);
  const x = tf.tensor4d(xv, [2, 9, 8, 2]);
  const ws = [tf.tensor4d(wv[0], [3, 3, 2, 4]), tf.tensor4d(wv[1], [3, 2, 4, 2]), tf.tensor4d(wv[2], [2, 2, 8, 3])];
  const f = (a: tf.Tensor4D, b: tf.Tensor4D, c: tf.Tensor4D) => {
    const h1 = tf.relu(tf.conv2d(x, a, 1, "same"));
    const h2 = tf.depthwiseConv2d(h1, b, [2, 2], "same");
    const h3 = tf.conv2d(h2, c, 2, "valid");
    return tf.sum(tf.square(h3));
  };
  const grads = tf.grads(f as any)(ws);
  const out = grads.map((g) => g.dataSync().slice());
  tf.dispose([x, ...ws, ...grads]);
  return out;
}

test("tf.grads of a conv + depthwise net agree between wasm and cpu", async () => {
  const rng = new Rng(7);
  const xv = randomArray(rng, 2 * 9 * 8 * 2);
  const wv = [randomArray(rng, 3 * 3 * 2 * 4), randomArray(rng, 3 * 2 * 4 * 2), randomArray(rng, 2 * 2 * 8 * 3)];
  const cpu = await convNetGrads("cpu", xv, wv);
  const wasm = await convNetGrads("wasm", xv, wv);
  for (let i = 0; i < cpu.length; i++) {
    const err = relErr(wasm[i], cpu[i]);
    assert.ok(err <= TOL, `gradient ${i}: relative error ${err}`);
  }
});

test("a small conv net trains on wasm with model.fit and leaks no tensors", async () => {
  await tf.setBackend("wasm");
  const rng = new Rng(8);
  const n = 32;
  const xs = tf.tensor4d(randomArray(rng, n * 12 * 12), [n, 12, 12, 1]);
  const ys = tf.oneHot(tf.tensor1d(Int32Array.from({ length: n }, () => rng.int(3)), "int32"), 3);
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, strides: 2, padding: "same", activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, activation: "relu", depthwiseInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 8, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
      tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
  await model.fit(xs, ys, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 }); // warm-up: optimizer slots
  const before = tf.memory().numTensors;
  const losses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const h = await model.fit(xs, ys, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
    losses.push(h.history.loss[1] as number);
    assert.equal(tf.memory().numTensors, before, `tensor count grew after fit #${i}`);
  }
  assert.ok(losses.every(Number.isFinite));
  assert.ok(losses[4] < losses[0], `loss should fall while training: ${losses}`);
  tf.dispose([xs, ys]);
  model.dispose();
});
