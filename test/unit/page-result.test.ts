// Renderers for Out[n] (src/page/result.ts), on fixture tensors/models and on real tfjs objects.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { DEFAULT_LIMITS, TensorLike, cellResultBundle, formatFloat, markShown, numberArrayText, toMimeBundle, window } from "../../src/page/result";

/** A duck-typed tensor over `values` (row-major), recording how it was read. */
function fakeTensor(shape: number[], values: ArrayLike<unknown>, dtype = "float32") {
  const calls = { dataSync: 0, slices: [] as number[][], disposed: 0 };
  const size = shape.reduce((p, d) => p * d, 1);
  const t: TensorLike = {
    shape,
    dtype,
    size,
    dataSync: () => {
      calls.dataSync++;
      return values;
    },
    slice: (begin: number[], sz: number[]) => {
      calls.slices.push(begin);
      const inner = size / shape[0];
      const part = Array.from(values as ArrayLike<unknown>).slice(begin[0] * inner, (begin[0] + sz[0]) * inner);
      return { ...fakeTensor([sz[0], ...shape.slice(1)], part, dtype).t, dispose: () => void calls.disposed++ };
    },
  };
  return { t, calls };
}
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** Text of the cells of an HTML table body, row by row. */
function bodyRows(html: string): string[][] {
  const body = html.slice(html.indexOf("<tbody>"), html.indexOf("</tbody>"));
  return body.split("<tr>").slice(1).map((r) => [...r.matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((m) => m[1]));
}

test("a small 2-D tensor: title with dtype and shape, every value in a table (text columns aligned)", () => {
  const { t } = fakeTensor([2, 3], [1, 2.5, -3, 0.125, 1e-7, 2e6]);
  const b = toMimeBundle(t);
  assert.equal(b["text/plain"], ["Tensor float32 [2, 3]", "  [1.0000    2.5000   -3.0000]", "  [0.1250  1.000e-7  2.000e+6]"].join("\n"));
  assert.match(b["text/html"]!, /Tensor float32 \[2, 3\]/);
  assert.deepEqual(bodyRows(b["text/html"]!), [
    ["0", "1.0000", "2.5000", "-3.0000"],
    ["1", "0.1250", "1.000e-7", "2.000e+6"],
  ]);
  assert.doesNotMatch(b["text/html"]!, /truncated/);
});

test("a big 2-D tensor shows head and tail rows and columns around an ellipsis, like pandas", () => {
  const { t } = fakeTensor([50, 30], range(1500), "int32");
  const html = toMimeBundle(t)["text/html"]!;
  const rows = bodyRows(html);
  assert.equal(rows.length, DEFAULT_LIMITS.maxRows + 1);
  assert.deepEqual(rows.map((r) => r[0]), ["0", "1", "2", "3", "4", "…", "45", "46", "47", "48", "49"]);
  assert.deepEqual(rows[0], ["0", "0", "1", "2", "3", "4", "…", "25", "26", "27", "28", "29"]);
  assert.deepEqual(rows[10].slice(-1), [String(49 * 30 + 29)]);
  assert.match(html, /1500 values, truncated/);
});

test("above readAllLimit only the shown rows are read, one slice each, and every slice is disposed", () => {
  const { t, calls } = fakeTensor([100, 4], range(400));
  const b = toMimeBundle(t, { ...DEFAULT_LIMITS, readAllLimit: 100 });
  assert.equal(calls.dataSync, 0);
  assert.deepEqual(calls.slices.map((s) => s[0]), [0, 1, 2, 3, 4, 95, 96, 97, 98, 99]);
  assert.equal(calls.disposed, 10);
  assert.deepEqual(bodyRows(b["text/html"]!)[10], ["99", "396.0000", "397.0000", "398.0000", "399.0000"]);
});

test("rank 0, rank 1 and bool tensors", () => {
  assert.equal(toMimeBundle(fakeTensor([], [3.14159]).t)["text/plain"], "Tensor float32 []\n3.1416");
  assert.equal(toMimeBundle(fakeTensor([3], [1, 0, 1], "bool").t)["text/plain"], "Tensor bool [3]\n  [true  false  true]");
  const long = toMimeBundle(fakeTensor([100], range(100), "int32").t)["text/plain"];
  assert.equal(long, `Tensor int32 [100]\n  [0  1  2  3  4  5  6  7  8  9  …  90  91  92  93  94  95  96  97  98  99]`);
});

test("a rank-3 tensor shows its first and last 2-D slices, each captioned", () => {
  const { t } = fakeTensor([5, 2, 2], range(20), "int32");
  const b = toMimeBundle(t);
  assert.equal(
    b["text/plain"],
    ["Tensor int32 [5, 2, 2]", "[0, :, :] =", "  [0  1]", "  [2  3]", "[1, :, :] =", "  [4  5]", "  [6  7]", "…", "[4, :, :] =", "  [16  17]", "  [18  19]"].join("\n"),
  );
  assert.deepEqual([...b["text/html"]!.matchAll(/<caption[^>]*>([^<]*)</g)].map((m) => m[1]), ["[0, :, :]", "[1, :, :]", "[4, :, :]"]);
});

test("string values are escaped in HTML", () => {
  const html = toMimeBundle(fakeTensor([1], ["<b>&"], "string").t)["text/html"]!;
  assert.match(html, /&quot;&lt;b&gt;&amp;&quot;/);
  assert.doesNotMatch(html, /<b>&/);
});

test("a disposed tensor says so instead of reading its values", () => {
  const { t, calls } = fakeTensor([2], [1, 2]);
  t.isDisposed = true;
  assert.equal(toMimeBundle(t)["text/plain"], "Tensor float32 [2] (disposed: its values are gone)");
  assert.equal(calls.dataSync, 0);
});

test("number arrays: short ones exactly on one line, long ones head … tail to 5 significant digits", () => {
  assert.equal(toMimeBundle([0.1 + 0.2, 1, -2])["text/plain"], "Array(3) [0.30000000000000004, 1, -2]");
  assert.equal(numberArrayText(Float32Array.from(range(1000), (i) => i / 3)), "Float32Array(1000) [0, 0.33333, 0.66667, 1, 1.3333, 1.6667, 2, 2.3333, 2.6667, 3, …, 330, 330.33, 330.67, 331, 331.33, 331.67, 332, 332.33, 332.67, 333]");
  assert.equal(toMimeBundle([])["text/plain"], "[]");
  assert.equal(toMimeBundle([1, "a"])["text/plain"], "[ 1, 'a' ]");
});

test("a rectangular number[][] is a table; ragged arrays and other values fall back to util.inspect", () => {
  const b = toMimeBundle([[1, 2.5], [3, 4]]);
  assert.equal(b["text/plain"], "Array 2×2\n  [1.0000  2.5000]\n  [3.0000  4.0000]");
  assert.equal(toMimeBundle([[1, 2], [3]])["text/plain"], "[ [ 1, 2 ], [ 3 ] ]");
  assert.equal(toMimeBundle({ lr: 0.1 })["text/plain"], "{ lr: 0.1 }");
  assert.equal(toMimeBundle("hi")["text/plain"], "'hi'");
});

test("window and formatFloat", () => {
  assert.deepEqual(window(3, 4), [0, 1, 2]);
  assert.deepEqual(window(10, 4), [0, 1, null, 8, 9]);
  assert.deepEqual(window(10, 3), [0, 1, null, 9]);
  assert.deepEqual([0, NaN, -Infinity, 123456.789, 1e-5].map(formatFloat), ["0.0000", "NaN", "-Infinity", "123456.7890", "1.000e-5"]);
});

test("a fixture model: summary table with output shapes and params; an unbuilt layer shows ?", () => {
  const layer = (name: string, cls: string, shape: unknown, params: number | null) => ({
    name,
    getClassName: () => cls,
    get outputShape() {
      if (shape === null) throw new Error("never called");
      return shape;
    },
    countParams: () => {
      if (params === null) throw new Error("not built");
      return params;
    },
  });
  const model = {
    name: "mlp",
    getClassName: () => "Sequential",
    layers: [layer("hidden", "Dense", [null, 8], 40), layer("out", "Dense", null, null)],
    summary: (_l?: number, _p?: number[], printFn?: (...m: unknown[]) => void) => printFn!("summary", "line"),
    countParams: () => 1234567,
    trainableWeights: [{ shape: [4, 8] }, { shape: [8] }],
    nonTrainableWeights: [],
  };
  const b = toMimeBundle(model);
  assert.equal(b["text/plain"], "summary line");
  assert.deepEqual(bodyRows(b["text/html"]!), [
    ["hidden (Dense)", "[null, 8]", "40"],
    ["out (Dense)", "?", "?"],
  ]);
  assert.match(b["text/html"]!, /Total params: 1,234,567<br>Trainable params: 40<br>Non-trainable params: 0/);
});

test("a training history: one row per epoch, one column per metric, head … tail when long", () => {
  const epochs = range(30);
  const h = { epoch: epochs, history: { loss: epochs.map((e) => 1 / (e + 1)), val_loss: epochs.map((e) => 2 / (e + 1)) }, params: {} };
  const b = toMimeBundle(h);
  const text = b["text/plain"].split("\n");
  assert.deepEqual(text.slice(0, 3), ["History: 30 epochs", "epoch    loss  val_loss", "    0  1.0000    2.0000"]);
  assert.equal(text.at(-1), "   29  0.0333    0.0667");
  const rows = bodyRows(b["text/html"]!);
  assert.equal(rows.length, DEFAULT_LIMITS.maxRows + 1);
  assert.deepEqual(rows[5], ["…", "…", "…"]);
  assert.deepEqual(rows[1], ["1", "0.5000", "1.0000"]);
});

test("real tfjs: a tensor, a model, and no tensor leaks when big tensors are sliced", async () => {
  await tf.setBackend("cpu");
  const x = tf.tensor2d([[1, 2], [3, 4]], [2, 2], "int32");
  assert.equal(toMimeBundle(x)["text/plain"], "Tensor int32 [2, 2]\n  [1  2]\n  [3  4]");
  const big = tf.range(0, 3000).reshape([300, 10]);
  const before = tf.memory().numTensors;
  const rows = bodyRows(toMimeBundle(big, { ...DEFAULT_LIMITS, readAllLimit: 10 })["text/html"]!);
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(rows[10], ["299", ...range(10).map((j) => `${2990 + j}.0000`)]);

  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 8 }), tf.layers.dense({ units: 3 })] });
  const b = toMimeBundle(model);
  assert.match(b["text/plain"], /Total params: 67/);
  assert.deepEqual(bodyRows(b["text/html"]!).map((r) => r.slice(1)), [["[null, 8]", "40"], ["[null, 3]", "27"]]);
  assert.match(b["text/html"]!, /Total params: 67<br>Trainable params: 67<br>Non-trainable params: 0/);
  model.compile({ optimizer: "sgd", loss: "meanSquaredError" });
  const [xs, ys] = [tf.ones([4, 4]), tf.zeros([4, 3])];
  const history = await model.fit(xs, ys, { epochs: 2, verbose: 0 });
  const hb = toMimeBundle(history);
  assert.match(hb["text/plain"], /^History: 2 epochs\nepoch +loss\n +0 +\d\.\d{4}\n +1 +\d\.\d{4}$/);
  assert.equal(bodyRows(hb["text/html"]!).length, 2);
  tf.dispose([x, big, xs, ys]);
  model.dispose();
});

test("values already on the page (a displayed figure, the backend line) get no Out[n]", () => {
  const shown = markShown({ data: [] as unknown[] });
  assert.equal(cellResultBundle(shown), null);
  assert.deepEqual(cellResultBundle({ a: 1 }), toMimeBundle({ a: 1 }));
});
