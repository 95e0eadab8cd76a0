import { test } from "node:test";
import assert from "node:assert/strict";
import { checkCountParams, checkMlpForward, checkXnorWeights, mlpParamCount, MlpForward } from "../../src/exercises/02-xor-mlp";
import { CheckError } from "../../src/check";
import { quiet } from "../support/checks";


test("mlpParamCount reproduces the lecture's counts", () => {
  assert.equal(mlpParamCount([5, 3, 7, 5, 1]), 92);
  assert.equal(mlpParamCount([784, 64, 64, 64, 10]), 59210);
  assert.throws(() => mlpParamCount([5]), /at least 2/);
});

test("count-params: right passes; forgetting biases or an off-by-one throws", () => {
  quiet(() => checkCountParams((s) => s.slice(1).reduce((t, n, l) => t + (s[l] + 1) * n, 0)));
  assert.throws(() => checkCountParams((s) => s.slice(1).reduce((t, n, l) => t + s[l] * n, 0)), /left out the biases/);
  assert.throws(() => checkCountParams((s) => s.reduce((t, n) => t + n, 0)), CheckError);
  assert.throws(() => checkCountParams(() => { throw new Error("not implemented: count-params"); }), /not implemented: count-params/);
});

const rightForward: MlpForward = (x, layers, g) => {
  let a = x;
  for (const L of layers) a = L.W.map((row, j) => g(row.reduce((s, w, i) => s + w * a[i], L.b[j])));
  return a;
};

test("mlp-forward: right passes; missing activation, missing bias, transposed weights throw", () => {
  quiet(() => checkMlpForward(rightForward));
  assert.throws(() => checkMlpForward((x, layers) => rightForward(x, layers, (z) => z)), CheckError);
  assert.throws(() => checkMlpForward((x, layers, g) => rightForward(x, layers.map((L) => ({ W: L.W, b: L.b.map(() => 0) })), g)), CheckError);
  assert.throws(() => checkMlpForward((x, layers, g) => {
    let a = x;
    for (const L of layers) a = L.b.map((bj, j) => g(a.reduce((s, ai, i) => s + (L.W[i]?.[j] ?? 0) * ai, bj)));
    return a;
  }), CheckError);
});

test("xnor-weights: a right network passes, XOR or a marginless one throws", () => {
  quiet(() => checkXnorWeights(() => ({ W1: [[1, 1], [1, 1]], b1: [-0.5, -1.5], W2: [-1, 1], b2: 0.5 })));
  assert.throws(() => checkXnorWeights(() => ({ W1: [[1, 1], [1, 1]], b1: [-0.5, -1.5], W2: [1, -1], b2: -0.5 })), CheckError); // XOR
  // Boundary through a corner's neighbourhood: fails on jittered points.
  assert.throws(() => checkXnorWeights(() => ({ W1: [[1, 1], [1, 1]], b1: [-0.05, -1.5], W2: [-1, 1], b2: 0.5 })), /near the corner 00/);
  assert.throws(() => checkXnorWeights(() => ({ W1: [[1, 1]], b1: [0], W2: [1], b2: 0 }) as never), /return \{W1/);
});
