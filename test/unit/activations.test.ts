import { test } from "node:test";
import assert from "node:assert/strict";
import { ACTIVATIONS, softmax, softmaxJacobian, sigmoid, activation } from "../../src/scratch/activations";
import { numericalDerivative, relativeError } from "../../src/scratch/gradient-check";
import { Rng } from "../../src/random";

test("each derivative matches finite differences away from kinks", () => {
  const rng = new Rng(3);
  for (const a of Object.values(ACTIVATIONS)) {
    for (let t = 0; t < 50; t++) {
      const x = rng.uniform(-5, 5);
      if (Math.abs(x) < 1e-3) continue;
      const num = numericalDerivative(a.f, x);
      assert.ok(Math.abs(a.df(x) - num) < 1e-7, `${a.name}'(${x}) = ${a.df(x)}, numerical ${num}`);
    }
  }
});

test("sigmoid does not overflow and is symmetric", () => {
  assert.equal(sigmoid(-1000), 0);
  assert.equal(sigmoid(1000), 1);
  assert.ok(Math.abs(sigmoid(2) + sigmoid(-2) - 1) < 1e-15);
  assert.throws(() => activation("swish"), /Unknown activation "swish"/);
});

test("softmax: the lecture's table, stability, Jacobian", () => {
  const s = softmax([-1, 0, 1, 2, 4]);
  assert.deepEqual(Array.from(s, (v) => Number(v.toFixed(2))), [0.01, 0.02, 0.04, 0.11, 0.83]);
  const big = softmax([1000, 1001]);
  assert.ok(Math.abs(big[1] - 1 / (1 + Math.exp(-1))) < 1e-12);
  assert.throws(() => softmax([1, NaN]), /z\[1\] is NaN; every score must be a finite number/);
  assert.throws(() => softmax([Infinity, 0]), /z\[0\] is Infinity/);
  assert.throws(() => softmax([]), /empty/);
  const z = [0.3, -1.2, 2.0];
  const J = softmaxJacobian(z);
  for (let j = 0; j < 3; j++) {
    for (let i = 0; i < 3; i++) {
      const num = numericalDerivative((u) => { const zz = z.slice(); zz[j] = u; return softmax(zz)[i]; }, z[j]);
      assert.ok(relativeError(J[i][j], num) < 1e-7);
    }
  }
});
