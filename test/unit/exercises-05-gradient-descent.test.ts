import { test } from "node:test";
import assert from "node:assert/strict";
import { rejects, run } from "../support/checks";
import { AdamState, checkAdamStep, checkLinregBatchStep, checkLrDecay, checkMomentumStep } from "../../src/exercises/05-gradient-descent";


test("linreg-batch-step: the batch rule passes; the per-example rule and a sign error are caught", () => {
  const batch = (w0: number, w1: number, xs: number[], ys: number[], a: number) => {
    let s0 = 0, s1 = 0;
    xs.forEach((x, j) => { const r = ys[j] - (w1 * x + w0); s0 += r; s1 += r * x; });
    return [w0 + a * s0, w1 + a * s1];
  };
  assert.equal(run(() => checkLinregBatchStep(batch)), undefined);
  const perExample = (w0: number, w1: number, xs: number[], ys: number[], a: number) => {
    xs.forEach((x, j) => { const r = ys[j] - (w1 * x + w0); w0 += a * r; w1 += a * r * x; });
    return [w0, w1];
  };
  rejects(() => checkLinregBatchStep(perExample), /stochastic rule/);
  rejects(() => checkLinregBatchStep((w0, w1, xs, ys, a) => batch(w0, w1, xs, ys, -a)), /should be/);
});

test("lr-decay: lr/(1+decay·t) passes; lr·(1−decay)^t is caught", () => {
  assert.equal(run(() => checkLrDecay((lr, d, t) => lr / (1 + d * t))), undefined);
  rejects(() => checkLrDecay((lr, d, t) => lr * (1 - d) ** t), /should be/);
});

test("momentum-step: the seed's rule passes; forgetting the velocity is caught", () => {
  const good = (w: number[], v: number[], g: number[], lr: number, mu: number) => {
    const nv = v.map((vi, i) => mu * vi - lr * g[i]);
    return { w: w.map((wi, i) => wi + nv[i]), v: nv };
  };
  assert.equal(run(() => checkMomentumStep(good)), undefined);
  rejects(() => checkMomentumStep((w, v, g, lr) => ({ w: w.map((wi, i) => wi - lr * g[i]), v })), /w after step 2/);
  rejects(() => checkMomentumStep((w) => w as never), /return an object \{w, v\}/);
});

test("adam-step: bias-corrected Adam passes; missing bias correction is named", () => {
  const good = (w: number[], g: number[], s: AdamState, lr: number, b1: number, b2: number, eps: number) => {
    const t = s.t + 1;
    const m = s.m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
    const v = s.v.map((vi, i) => b2 * vi + (1 - b2) * g[i] * g[i]);
    const nw = w.map((wi, i) => wi - (lr * m[i] / (1 - b1 ** t)) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps));
    return { w: nw, state: { m, v, t } };
  };
  assert.equal(run(() => checkAdamStep(good)), undefined);
  const noCorrection = (w: number[], g: number[], s: AdamState, lr: number, b1: number, b2: number, eps: number) => {
    const m = s.m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
    const v = s.v.map((vi, i) => b2 * vi + (1 - b2) * g[i] * g[i]);
    return { w: w.map((wi, i) => wi - (lr * m[i]) / (Math.sqrt(v[i]) + eps)), state: { m, v, t: s.t + 1 } };
  };
  rejects(() => checkAdamStep(noCorrection), /without bias correction/);
  const folded = (w: number[], g: number[], s: AdamState, lr: number, b1: number, b2: number, eps: number) => {
    const t = s.t + 1;
    const m = s.m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
    const v = s.v.map((vi, i) => b2 * vi + (1 - b2) * g[i] * g[i]);
    const lrT = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    return { w: w.map((wi, i) => wi - (lrT * m[i]) / (Math.sqrt(v[i]) + eps)), state: { m, v, t } };
  };
  rejects(() => checkAdamStep(folded), /w after step 1 is Adam in Keras\/TensorFlow's form .* This exercise follows tf\.train\.adam and Kingma & Ba's Algorithm 1/);
  const epsInside = (w: number[], g: number[], s: AdamState, lr: number, b1: number, b2: number, eps: number) => {
    const t = s.t + 1;
    const m = s.m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
    const v = s.v.map((vi, i) => b2 * vi + (1 - b2) * g[i] * g[i]);
    return { w: w.map((wi, i) => wi - (lr * m[i] / (1 - b1 ** t)) / Math.sqrt(v[i] / (1 - b2 ** t) + eps)), state: { m, v, t } };
  };
  rejects(() => checkAdamStep(epsInside), /puts ε inside the square root/);
  rejects(() => checkAdamStep((w, g, s, ...rest) => ({ ...good(w, g, s, ...rest), state: { ...good(w, g, s, ...rest).state, t: s.t } })), /state.t after step 1/);
});
