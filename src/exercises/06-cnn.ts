/**
 * Exercise checks of lab 06 (convolutional networks). Each check calls the
 * student's function on inputs drawn here and compares with the definitions in
 * src/scratch/conv.ts.
 */
import { callStudent, expect, expectAllClose, fmt, passed } from "../check";
import { Rng } from "../random";
import { conv2dReference, convLayerParams, convOutputSize, pool2dReference, type Image } from "../scratch/conv";

export type { Image };

const randomImage = (rng: Rng, h: number, w: number, lo = -2, hi = 2): Image =>
  Array.from({ length: h }, () => Array.from({ length: w }, () => Math.round(rng.uniform(lo, hi) * 4) / 4));

function sameShape(ex: string, what: string, got: unknown, want: Image): void {
  const ok = Array.isArray(got) && got.length === want.length && got.every((r, i) => Array.isArray(r) && r.length === want[i].length);
  const shape = (a: unknown) => (Array.isArray(a) ? `${a.length}×${Array.isArray(a[0]) ? a[0].length : "?"}` : typeof a);
  expect(ex, ok, `${what} should be ${want.length}×${want[0].length}, got ${shape(got)}.`);
}

/** Exercise "conv2d-valid": a 'valid' (no padding), stride-1 convolution of one channel. */
export function checkConv2dValid(conv: (x: Image, k: Image) => Image): void {
  const ex = "conv2d-valid";
  const rng = new Rng(601);
  const cases: [Image, Image][] = [
    [[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]]],
    [randomImage(rng, 5, 7), randomImage(rng, 3, 3)],
    [randomImage(rng, 6, 4), randomImage(rng, 2, 3)],
    [randomImage(rng, 4, 4), randomImage(rng, 4, 4)],
    [randomImage(rng, 8, 5), randomImage(rng, 1, 1)],
  ];
  for (const [x, k] of cases) {
    const want = conv2dReference(x, k);
    const got = callStudent(ex, conv, x.map((r) => r.slice()), k.map((r) => r.slice()));
    sameShape(ex, `the output for a ${x.length}×${x[0].length} image and a ${k.length}×${k[0].length} kernel`, got, want);
    const flip = conv2dReference(x, k.slice().reverse().map((r) => r.slice().reverse()));
    const flat = (got as Image).flat();
    const matchesFlip = flat.every((v, i) => Math.abs(v - flip.flat()[i]) < 1e-9) && flip.flat().some((v, i) => Math.abs(v - want.flat()[i]) > 1e-9);
    expect(ex, !matchesFlip, "your output is the convolution with the kernel flipped (true mathematical convolution); deep learning's 'convolution' does not flip: y[i][j] = Σ x[i+m][j+n]·k[m][n].");
    expectAllClose(ex, `output for the ${x.length}×${x[0].length} image`, flat, want.flat(), { atol: 1e-9, rtol: 1e-9 });
  }
  passed(ex, `${cases.length} images and kernels`);
}

/** Exercise "conv-output-size": O = ⌊(N + 2P − F)/S⌋ + 1, including the lecture's 5×7 example. */
export function checkConvOutputSize(size: (n: number, f: number, p: number, s: number) => number): void {
  const ex = "conv-output-size";
  const rng = new Rng(602);
  const cases: [number, number, number, number][] = [[5, 3, 1, 2], [7, 3, 1, 2], [28, 3, 0, 1], [28, 5, 2, 1], [26, 2, 0, 2], [100, 3, 0, 1]];
  while (cases.length < 30) {
    const f = 1 + rng.int(7), p = rng.int(3), s = 1 + rng.int(3);
    const n = Math.max(1, f - 2 * p) + rng.int(30);
    cases.push([n, f, p, s]);
  }
  for (const [n, f, p, s] of cases) {
    const got = callStudent(ex, size, n, f, p, s);
    const want = convOutputSize(n, f, p, s);
    const hint = got === (n + 2 * p - f) / s + 1 ? " (Round down: a window that would run off the padded input is not computed.)" : got === Math.floor((n - f) / s) + 1 ? " (Did you forget the padding on both sides, 2P?)" : "";
    expect(ex, got === want, `N=${n}, F=${f}, P=${p}, S=${s} gives ${want}, your function returned ${fmt(got)}.${hint}`);
  }
  passed(ex, `${cases.length} cases, including 5×7 → 3×4`);
}

/** Exercise "pool2d": max and mean pooling with a square window and a stride, no padding. */
export function checkPool2d(pool: (x: Image, size: number, stride: number, mode: "max" | "mean") => Image): void {
  const ex = "pool2d";
  const rng = new Rng(603);
  const cases: [Image, number, number][] = [
    [[[1, 3, 2, 1], [4, 6, 5, 0], [7, 1, 0, 2], [3, 8, 4, 4]], 2, 2],
    [randomImage(rng, 6, 6), 2, 2],
    [randomImage(rng, 5, 7), 2, 2],
    [randomImage(rng, 7, 6), 3, 2],
    [randomImage(rng, 6, 5), 2, 1],
  ];
  for (const [x, size, stride] of cases) {
    for (const mode of ["max", "mean"] as const) {
      const want = pool2dReference(x, size, stride, mode);
      const got = callStudent(ex, pool, x.map((r) => r.slice()), size, stride, mode);
      sameShape(ex, `${mode} pooling ${size}×${size}, stride ${stride} of a ${x.length}×${x[0].length} image`, got, want);
      expectAllClose(ex, `${mode} pooling ${size}×${size}, stride ${stride} of a ${x.length}×${x[0].length} image`, (got as Image).flat(), want.flat(), { atol: 1e-9, rtol: 1e-9 });
    }
  }
  passed(ex, `${cases.length} images, max and mean`);
}

/** Exercise "conv-params": parameters of a conv layer, (fh·fw·cin + 1)·cout. */
export function checkConvParams(count: (fh: number, fw: number, cin: number, cout: number) => number): void {
  const ex = "conv-params";
  const rng = new Rng(604);
  const cases: [number, number, number, number][] = [[3, 3, 1, 32], [3, 3, 32, 64], [5, 5, 3, 16], [1, 1, 64, 8]];
  for (let t = 0; t < 10; t++) cases.push([1 + rng.int(7), 1 + rng.int(7), 1 + rng.int(64), 1 + rng.int(128)]);
  for (const [fh, fw, cin, cout] of cases) {
    const got = callStudent(ex, count, fh, fw, cin, cout);
    const want = convLayerParams(fh, fw, cin, cout);
    const hint = got === fh * fw * cin * cout ? " (One bias per filter, i.e. per output channel.)" : got === (fh * fw + 1) * cout ? " (Each filter spans all input channels: fh·fw·cin weights.)" : "";
    expect(ex, got === want, `a ${fh}×${fw} conv layer from ${cin} to ${cout} channels has ${want} parameters, your function returned ${fmt(got)}.${hint}`);
  }
  passed(ex, `${cases.length} layers`);
}
