import { test } from "node:test";
import assert from "node:assert/strict";
import { checkCountParams, checkMlpForward, checkXnorWeights, MlpForward } from "../../src/exercises/02-xor-mlp";
import { mlpParamCount, referenceMlpForward, stepNetworkOutput, denseLayerParams } from "../../src/scratch/mlp";
import { quiet, rejects } from "../support/checks";


test("mlpParamCount reproduces the lecture's counts", () => {
  assert.equal(mlpParamCount([5, 3, 7, 5, 1]), 92);
  assert.equal(mlpParamCount([784, 64, 64, 64, 10]), 59210);
  assert.throws(() => mlpParamCount([5]), /at least 2/);
  assert.equal(denseLayerParams(784, 64), 50240);
});

test("referenceMlpForward and stepNetworkOutput compute what they say", () => {
  // one tanh unit: tanh(2·1 − 1·3 + 0.5)
  assert.equal(referenceMlpForward([1, 3], [{ W: [[2, -1]], b: [0.5] }], Math.tanh)[0], Math.tanh(-0.5));
  const xnor = { W1: [[1, 1], [1, 1]], b1: [-0.5, -1.5], W2: [-1, 1], b2: 0.5 };
  assert.deepEqual([[0, 0], [0, 1], [1, 0], [1, 1]].map(([a, b]) => stepNetworkOutput(xnor, a, b)), [1, 0, 0, 1]);
});

test("count-params: right passes; forgetting biases or an off-by-one throws", () => {
  quiet(() => checkCountParams((s) => s.slice(1).reduce((t, n, l) => t + (s[l] + 1) * n, 0)));
  assert.throws(() => checkCountParams((s) => s.slice(1).reduce((t, n, l) => t + s[l] * n, 0)), /left out the biases/);
  rejects(() => checkCountParams((s) => s.reduce((t, n) => t + n, 0)), /count-params: a network with layer sizes \[5, 3, 7, 5, 1\] has 92 parameters, your function returned 21\./);
  assert.throws(() => checkCountParams(() => { throw new Error("not implemented: count-params"); }), /not implemented: count-params/);
});

const rightForward: MlpForward = (x, layers, g) => {
  let a = x;
  for (const L of layers) a = L.W.map((row, j) => g(row.reduce((s, w, i) => s + w * a[i], L.b[j])));
  return a;
};

test("mlp-forward: right passes; missing activation, missing bias, transposed weights throw", () => {
  quiet(() => checkMlpForward(rightForward));
  rejects(() => checkMlpForward((x, layers) => rightForward(x, layers, (z) => z)), /mlp-forward: output of the \[[\d-]+\] tanh network\[0\] should be/);
  rejects(() => checkMlpForward((x, layers, g) => rightForward(x, layers.map((L) => ({ W: L.W, b: L.b.map(() => 0) })), g)), /mlp-forward: output of the \[[\d-]+\] tanh network\[\d\] should be/);
  assert.throws(() => checkMlpForward((x, layers, g) => {
    let a = x;
    for (const L of layers) a = L.b.map((bj, j) => g(a.reduce((s, ai, i) => s + (L.W[i]?.[j] ?? 0) * ai, bj)));
    return a;
  }), /mlp-forward: output of the \[[\d-]+\] \w+ network(\[\d\] should be| should have)/);
});

test("xnor-weights: a right network passes, XOR or a marginless one throws", () => {
  quiet(() => checkXnorWeights(() => ({ W1: [[1, 1], [1, 1]], b1: [-0.5, -1.5], W2: [-1, 1], b2: 0.5 })));
  rejects(() => checkXnorWeights(() => ({ W1: [[1, 1], [1, 1]], b1: [-0.5, -1.5], W2: [1, -1], b2: -0.5 })), /xnor-weights: the network's output at \(0\.000, 0\.000\) \(near the corner 00\) should be 1, got 0\./); // XOR
  // Boundary through a corner's neighbourhood: fails on jittered points.
  assert.throws(() => checkXnorWeights(() => ({ W1: [[1, 1], [1, 1]], b1: [-0.05, -1.5], W2: [-1, 1], b2: 0.5 })), /near the corner 00/);
  assert.throws(() => checkXnorWeights(() => ({ W1: [[1, 1]], b1: [0], W2: [1], b2: 0 }) as never), /return \{W1/);
});
