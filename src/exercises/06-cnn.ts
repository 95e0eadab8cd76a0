/**
 * Lab 06 (convolutional networks): plain-array references for convolution,
 * output sizes, pooling and parameter counts, and the checks of the lab's
 * exercises. Each check calls the student's function on inputs drawn here.
 */
import { callStudent, expect, expectAllClose, fmt, passed } from "../check";
import { Rng } from "../random";

export type Image = number[][];

function assertImage(what: string, a: Image): void {
  if (!Array.isArray(a) || a.length === 0 || !Array.isArray(a[0]) || a[0].length === 0) throw new Error(`${what} must be a non-empty 2-D array (rows of numbers).`);
  const w = a[0].length;
  a.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== w) throw new Error(`${what}: row ${i} has ${row?.length} entries, row 0 has ${w}; all rows must have the same length.`);
  });
}

/**
 * Output size of a convolution or pooling along one axis (lab 06):
 * O = ⌊(N + 2P − F) / S⌋ + 1 for input size N, filter F, zero padding P on each side, stride S.
 */
export function convOutputSize(n: number, f: number, p: number, s: number): number {
  if (![n, f, p, s].every(Number.isInteger) || n < 1 || f < 1 || p < 0 || s < 1) {
    throw new Error(`convOutputSize: expected integers n ≥ 1, f ≥ 1, p ≥ 0, s ≥ 1, got n=${n}, f=${f}, p=${p}, s=${s}.`);
  }
  if (f > n + 2 * p) throw new Error(`convOutputSize: a ${f}-wide filter does not fit in ${n} inputs with padding ${p}.`);
  return Math.floor((n + 2 * p - f) / s) + 1;
}

/**
 * 2-D convolution as deep learning uses the word (cross-correlation, no kernel
 * flip), one channel, zero padding `pad`, stride `stride` (lab 06):
 * y[i][j] = Σ_m Σ_n x[i·S + m − P][j·S + n − P] · k[m][n].
 */
export function conv2dReference(x: Image, k: Image, stride = 1, pad = 0): Image {
  assertImage("conv2dReference: the image", x);
  assertImage("conv2dReference: the kernel", k);
  const H = x.length, W = x[0].length, fh = k.length, fw = k[0].length;
  const oh = convOutputSize(H, fh, pad, stride), ow = convOutputSize(W, fw, pad, stride);
  const y: Image = [];
  for (let i = 0; i < oh; i++) {
    const row: number[] = [];
    for (let j = 0; j < ow; j++) {
      let s = 0;
      for (let m = 0; m < fh; m++) {
        for (let n = 0; n < fw; n++) {
          const r = i * stride + m - pad, c = j * stride + n - pad;
          if (r >= 0 && r < H && c >= 0 && c < W) s += x[r][c] * k[m][n];
        }
      }
      row.push(s);
    }
    y.push(row);
  }
  return y;
}

/** Max or mean pooling of one channel, window `size`×`size`, stride `stride`, no padding (lab 06). */
export function pool2dReference(x: Image, size: number, stride: number, mode: "max" | "mean"): Image {
  assertImage("pool2dReference: the image", x);
  const oh = convOutputSize(x.length, size, 0, stride), ow = convOutputSize(x[0].length, size, 0, stride);
  const y: Image = [];
  for (let i = 0; i < oh; i++) {
    const row: number[] = [];
    for (let j = 0; j < ow; j++) {
      const window: number[] = [];
      for (let m = 0; m < size; m++) for (let n = 0; n < size; n++) window.push(x[i * stride + m][j * stride + n]);
      row.push(mode === "max" ? Math.max(...window) : window.reduce((a, b) => a + b, 0) / window.length);
    }
    y.push(row);
  }
  return y;
}

/** Parameters of a conv layer: one fh×fw×cin filter plus a bias per output channel (lab 06). */
export function convLayerParams(fh: number, fw: number, cin: number, cout: number): number {
  return (fh * fw * cin + 1) * cout;
}

/** Parameters of a dense layer: a weight per input per unit plus a bias per unit (lab 02, lab 06). */
export function denseLayerParams(inputs: number, units: number): number {
  return (inputs + 1) * units;
}

/**
 * Receptive field of the last layer of a stack of convolutions / poolings,
 * each given as [filter, stride] (lab 06): r ← r + (f − 1)·j, j ← j·s,
 * starting from r = 1, j = 1 (one input pixel).
 */
export function receptiveField(layers: [number, number][]): number {
  let r = 1, jump = 1;
  for (const [f, s] of layers) {
    r += (f - 1) * jump;
    jump *= s;
  }
  return r;
}

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
