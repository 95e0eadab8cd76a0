import { test } from "node:test";
import assert from "node:assert/strict";
import { relativeError, maxRelativeError, numericalGradient, gradientCheck, numericalDerivative } from "../../src/scratch/gradient-check";

test("relativeError is CS231n's |a−b|/max(|a|,|b|)", () => {
  assert.equal(relativeError(1, 1), 0);
  assert.equal(relativeError(0, 0), 0);
  assert.equal(relativeError(2, 1), 0.5);
  assert.equal(relativeError(-1, 1), 2);
  assert.throws(() => relativeError(NaN, 1), /NaN/);
  assert.equal(maxRelativeError([1, 2, 4], [1, 2, 2]), 0.5);
  assert.throws(() => maxRelativeError([1], [1, 2]), /1 and 2 entries/);
});

test("numericalGradient of a quadratic is exact up to rounding and leaves params unchanged", () => {
  const f = (p: Float64Array) => 3 * p[0] * p[0] + p[0] * p[1] - 2 * p[1];
  const p = Float64Array.from([0.7, -1.3]);
  const g = numericalGradient(f, p);
  assert.ok(relativeError(g[0], 6 * 0.7 - 1.3) < 1e-8);
  assert.ok(relativeError(g[1], 0.7 - 2) < 1e-8);
  assert.deepEqual(Array.from(p), [0.7, -1.3]);
  assert.ok(relativeError(numericalDerivative(Math.sin, 0.3), Math.cos(0.3)) < 1e-9);
});

test("gradientCheck passes a right gradient and flags a wrong one", () => {
  const f = (p: Float64Array) => Math.sin(p[0]) * Math.exp(p[1]) + p[2] ** 3;
  const p = Float64Array.from([0.4, -0.2, 1.1]);
  const right = [Math.cos(0.4) * Math.exp(-0.2), Math.sin(0.4) * Math.exp(-0.2), 3 * 1.1 ** 2];
  assert.ok(gradientCheck(f, p, right).maxRelError < 1e-7);
  const wrong = [right[0], right[1], 2 * 1.1]; // d/dx x³ taken as 2x
  const r = gradientCheck(f, p, wrong);
  assert.equal(r.worst, 2);
  assert.ok(r.maxRelError > 0.1);
  assert.throws(() => gradientCheck(f, p, [1, 2]), /2 entries but there are 3/);
  assert.throws(() => numericalGradient(() => NaN, p), /f returned NaN/);
});
