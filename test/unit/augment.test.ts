import { test } from "node:test";
import assert from "node:assert/strict";
import { shiftRotate, augmentImages } from "../../src/data/augment";

const img = (h: number, w: number, f: (r: number, c: number) => number) => Float32Array.from({ length: h * w }, (_, k) => f(Math.floor(k / w), k % w));

test("shiftRotate: identity, whole-pixel shifts with zero fill, a quarter turn", () => {
  const x = img(5, 5, (r, c) => r * 5 + c + 1);
  assert.deepEqual(Array.from(shiftRotate(x, 5, 5, 0, 0, 0)), Array.from(x));
  const right = shiftRotate(x, 5, 5, 2, 1, 0);
  assert.equal(right[1 * 5 + 2], x[0]); // (0,0) moved to row 1, column 2
  assert.equal(right[0], 0); // nothing moved in from outside
  // 90° counter-clockwise: the top-right corner goes to the top-left.
  const turned = shiftRotate(x, 5, 5, 0, 0, 90);
  assert.ok(Math.abs(turned[0] - x[4]) < 1e-5, `${turned[0]} vs ${x[4]}`);
  assert.ok(Math.abs(turned[2 * 5 + 2] - x[2 * 5 + 2]) < 1e-6, "the centre stays");
  assert.throws(() => shiftRotate(x, 4, 5, 0, 0, 0), /not 4×5/);
});

test("augmentImages: seeded, keeps labels and ink roughly, checks its options", () => {
  const n = 20, set = { images: new Float32Array(n * 64), labels: new Uint8Array(n), n, height: 8, width: 8 };
  for (let i = 0; i < n; i++) { set.labels[i] = i % 10; for (let k = 18; k < 46; k++) if (k % 8 > 1 && k % 8 < 6) set.images[i * 64 + k] = 1; }
  const a = augmentImages(set, { maxShift: 1, maxDegrees: 10 }, 3), b = augmentImages(set, { maxShift: 1, maxDegrees: 10 }, 3);
  assert.deepEqual(Array.from(a.images), Array.from(b.images));
  assert.equal(a.labels, set.labels);
  assert.notDeepEqual(Array.from(a.images), Array.from(set.images));
  const ink = (s: Float32Array) => s.reduce((t, v) => t + v, 0);
  assert.ok(Math.abs(ink(a.images) / ink(set.images) - 1) < 0.1, "a small shift/rotation of a centred blob keeps its ink");
  assert.throws(() => augmentImages(set, { maxShift: 1.5, maxDegrees: 0 }, 1), /maxShift/);
});
