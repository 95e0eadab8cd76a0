import { test } from "node:test";
import assert from "node:assert/strict";
import { checkReluInterpolant, checkSigmoidBump, OneHiddenLayer } from "../../src/exercises/02b-representation";
import { quiet, rejects } from "../support/checks";

const rightBump = (a: number, b: number, h: number, s: number): OneHiddenLayer => ({ w1: [s, s], b1: [-s * a, -s * b], w2: [h, -h], b2: 0 });

test("sigmoid-bump: the construction passes (in either unit order); swapped signs, a missing steepness or extra units are rejected", () => {
  quiet(() => checkSigmoidBump(rightBump));
  quiet(() => checkSigmoidBump((a, b, h, s) => ({ w1: [s, s], b1: [-s * b, -s * a], w2: [-h, h], b2: 0 })));
  rejects(() => checkSigmoidBump((a, b, h, s) => ({ ...rightBump(a, b, h, s), w2: [-h, h] })), /at x =/);
  rejects(() => checkSigmoidBump((a, b, h) => ({ w1: [1, 1], b1: [-a, -b], w2: [h, -h], b2: 0 })), /at x =/);
  rejects(() => checkSigmoidBump((a, b, h, s) => ({ w1: [s, s, 0], b1: [-s * a, -s * b, 0], w2: [h, -h, 0], b2: 0 })), /exactly 2 hidden units/);
  rejects(() => checkSigmoidBump(() => ({ w1: [1], b1: [], w2: [1], b2: 0 })), /one entry per hidden unit/);
  assert.throws(() => checkSigmoidBump(() => { throw new Error("not implemented: sigmoid-bump"); }), /^Error: not implemented: sigmoid-bump/);
});

/** The construction: y₀ + Σ_j (slope_j − slope_{j−1})·relu(x − x_j). */
function rightInterpolant(xs: number[], ys: number[]): OneHiddenLayer {
  const net: OneHiddenLayer = { w1: [], b1: [], w2: [], b2: ys[0] };
  let prev = 0;
  for (let j = 0; j + 1 < xs.length; j++) {
    const slope = (ys[j + 1] - ys[j]) / (xs[j + 1] - xs[j]);
    net.w1.push(1); net.b1.push(-xs[j]); net.w2.push(slope - prev);
    prev = slope;
  }
  return net;
}

test("relu-interpolant: the construction passes; forgetting to subtract the previous slope, the bias, or too many units is rejected", () => {
  quiet(() => checkReluInterpolant(rightInterpolant));
  rejects(() => checkReluInterpolant((xs, ys) => {
    const net = rightInterpolant(xs, ys);
    let slope = 0;
    net.w2 = net.w2.map((d) => (slope += d)); // the slopes themselves, not their changes
    return net;
  }), /at x =/);
  rejects(() => checkReluInterpolant((xs, ys) => ({ ...rightInterpolant(xs, ys), b2: 0 })), /at x =/);
  rejects(() => checkReluInterpolant((xs, ys) => {
    const net = rightInterpolant(xs, ys);
    return { w1: [...net.w1, 1], b1: [...net.b1, 0], w2: [...net.w2, 0], b2: net.b2 };
  }), /at most/);
});

