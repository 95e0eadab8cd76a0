/**
 * Exercise checks of lab 00 (TensorFlow.js for this course). The reference for
 * broadcasting is TensorFlow.js itself; the reference for standardising is a
 * float64 loop over plain arrays, so neither gives the answer away.
 */
import * as tf from "@tensorflow/tfjs";
import { CheckError, callStudent, expect, expectAllClose, fmt, passed } from "../check";
import { Rng } from "../random";

/** The shape TensorFlow.js gives `a + b`, or undefined when it refuses to broadcast them. */
function tfBroadcastShape(a: number[], b: number[]): number[] | undefined {
  try {
    return tf.tidy(() => tf.add(tf.zeros(a), tf.zeros(b)).shape);
  } catch {
    return undefined;
  }
}

const show = (s: number[]) => `[${s.join(", ")}]`;

/** Shape pairs of up to 4 axes, half of them compatible by construction. */
function shapePairs(rng: Rng, count: number): [number[], number[]][] {
  const pairs: [number[], number[]][] = [
    [[3, 1], [1, 4]], [[2, 3], [3]], [[5], [1]], [[], [2, 2]], [[4, 1, 3], [2, 1]], [[2, 3], [2]], [[3], [4]], [[2, 1], [3, 2, 2]],
  ];
  while (pairs.length < count) {
    const rank = 1 + rng.int(4);
    const a = Array.from({ length: rank }, () => 1 + rng.int(4));
    const b = a.slice(rng.int(rank)).map((d) => (rng.next() < 0.3 ? 1 : rng.next() < 0.2 ? 1 + rng.int(4) : d));
    pairs.push(rng.next() < 0.5 ? [a, b] : [b, a]);
  }
  return pairs;
}

/**
 * Exercise "broadcast-shape": the student's broadcastShape(a, b) must return
 * the shape TensorFlow.js gives a + b, and throw where TensorFlow.js refuses.
 */
export function checkBroadcastShape(broadcastShape: (a: number[], b: number[]) => number[]): void {
  const ex = "broadcast-shape";
  const pairs = shapePairs(new Rng(1), 40);
  for (const [a, b] of pairs) {
    const want = tfBroadcastShape(a, b);
    if (want === undefined) {
      let threw = false;
      try {
        broadcastShape(a.slice(), b.slice());
      } catch (e) {
        if (/^not implemented/.test((e as Error).message ?? "")) throw e;
        threw = true;
      }
      expect(ex, threw, `${show(a)} and ${show(b)} cannot be broadcast (TensorFlow.js refuses them), so your function should throw an Error; it returned a value.`);
      continue;
    }
    const got = callStudent(ex, broadcastShape, a.slice(), b.slice());
    expect(ex, Array.isArray(got) && got.length === want.length && got.every((d, i) => d === want[i]),
      `broadcasting ${show(a)} with ${show(b)} gives ${show(want)}, your function returned ${Array.isArray(got) ? show(got) : fmt(got)}.` +
      (Array.isArray(got) && got.length !== want.length ? " (Align the shapes at the right, and pad the shorter one with 1s on the left.)" : ""));
  }
  passed(ex, `${pairs.length} pairs of shapes, ${pairs.filter(([a, b]) => tfBroadcastShape(a, b) === undefined).length} of them incompatible`);
}

/** Column-wise (x − mean) / std over the rows, in float64 (population std, as tf.moments gives): the check's own reference. */
function standardizeRows(rows: number[][]): number[][] {
  const n = rows.length, d = rows[0].length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const std = Array.from({ length: d }, (_, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / n));
  return rows.map((r) => r.map((v, j) => (v - mean[j]) / std[j]));
}

/**
 * Exercise "standardize": standardize(x) must return a new tensor of x's shape
 * whose every column has mean 0 and standard deviation 1, leave x alone, and
 * leave no other tensor behind (exactly one more tensor exists afterwards: the result).
 */
export function checkStandardize(standardize: (x: tf.Tensor2D) => tf.Tensor2D): void {
  const ex = "standardize";
  const rng = new Rng(2);
  const sizes: [number, number][] = [[4, 2], [10, 3], [7, 1], [50, 5]];
  for (const [n, d] of sizes) {
    const rows = Array.from({ length: n }, () => Array.from({ length: d }, (_, j) => rng.normal(3 * j - 2, 0.5 + j)));
    const x = tf.tensor2d(rows);
    const before = tf.memory().numTensors;
    let out: tf.Tensor2D | undefined;
    try {
      out = callStudent(ex, standardize, x);
      expect(ex, out instanceof tf.Tensor, `return a tf.Tensor2D, got ${fmt(out)}.`);
      expect(ex, !x.isDisposed, "your function disposed its input x; the caller still owns it (dispose only what you create).");
      const extra = tf.memory().numTensors - before;
      expect(ex, extra === 1, `after your function returns, ${extra} new tensors exist; there should be exactly 1 (the result). ` +
        (extra > 1 ? "Wrap the intermediate steps in tf.tidy(() => …), which disposes everything but the tensor it returns." : "Did you dispose the result?"));
      expect(ex, out.shape.length === 2 && out.shape[0] === n && out.shape[1] === d, `the result should have shape [${n}, ${d}], got ${show(out.shape)}.`);
      expect(ex, out !== x, "return a new tensor; x itself should stay as it was.");
      const want = standardizeRows(rows);
      expectAllClose(ex, `standardize of a ${n}×${d} tensor (row-major)`, Array.from(out.dataSync()), want.flat(), { atol: 1e-4, rtol: 1e-4 });
      expectAllClose(ex, "x after the call (it must not change)", Array.from(x.dataSync()), Float32Array.from(rows.flat()), { atol: 0, rtol: 0 });
    } catch (e) {
      if (e instanceof CheckError || /^not implemented/.test((e as Error).message ?? "")) throw e;
      throw new CheckError(ex, `checking a ${n}×${d} input failed: ${(e as Error).message}`);
    } finally {
      if (out instanceof tf.Tensor && out !== x && !out.isDisposed) out.dispose();
      x.dispose();
    }
  }
  passed(ex, `${sizes.length} tensors; values, shape and tensor count`);
}
