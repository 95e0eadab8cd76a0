import { test } from "node:test";
import assert from "node:assert/strict";
import { checkPerceptronUpdate, checkRigidSigmoid } from "../../src/exercises/01-perceptron";
import { rejects, run } from "../support/checks";

const fire = (x: number[], w: number[], b: number) => (x.reduce((s, xi, i) => s + xi * w[i], b) > 0 ? 1 : 0);

test("perceptron-update: a new w passes; changing w in place is caught even when the values are right", () => {
  const good = (w: number[], b: number, x: number[], y: number, lr: number) => {
    const err = y - fire(x, w, b);
    return { w: w.map((wi, i) => wi + lr * err * x[i]), b: b + lr * err };
  };
  assert.equal(run(() => checkPerceptronUpdate(good)), undefined);
  const inPlace = (w: number[], b: number, x: number[], y: number, lr: number) => {
    const err = y - fire(x, w, b);
    for (let i = 0; i < w.length; i++) w[i] += lr * err * x[i];
    return { w, b: b + lr * err };
  };
  rejects(() => checkPerceptronUpdate(inPlace), /perceptron-update: for w=.* your function changed the array w it was given \(now .*\)\. Leave w as it is and return a new array/);
  rejects(() => checkPerceptronUpdate((w, b, x, y, lr) => { const r = good(w, b, x, y, lr); x[0] = 0; return r; }), /changed the input x/);
  rejects(() => checkPerceptronUpdate((w, b, x, y, lr) => ({ ...good(w, b, x, y, lr), b })), /new b for w=/);
});

test("rigid-sigmoid: the clamp passes, a missing clamp is caught", () => {
  assert.equal(run(() => checkRigidSigmoid((z) => Math.max(0, Math.min(1, (z + 1) / 2)))), undefined);
  rejects(() => checkRigidSigmoid((z) => (z + 1) / 2), /rigid-sigmoid: rigidSigmoid\(-5\) should be 0, got -2/);
});
