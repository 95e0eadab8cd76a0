/**
 * Convolution and pooling on plain 2-D arrays, one channel (lab 06): output
 * sizes, the convolution of deep learning (a cross-correlation), pooling,
 * parameter counts and receptive fields. tfjs does the real work in the lab;
 * these are the definitions its results are compared with.
 */

export type Image = number[][];

function assertImage(what: string, a: Image): void {
  if (!Array.isArray(a) || a.length === 0 || !Array.isArray(a[0]) || a[0].length === 0) throw new Error(`${what} must be a non-empty 2-D array (rows of numbers).`);
  const w = a[0].length;
  a.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== w) throw new Error(`${what}: row ${i} has ${row?.length} entries, row 0 has ${w}; all rows must have the same length.`);
  });
}

/**
 * Output size of a convolution or pooling along one axis:
 * O = ⌊(N + 2P − F) / S⌋ + 1 for input size N, filter F, zero padding P on each side, stride S.
 * @answer 06-cnn/conv-output-size
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
 * flip), one channel, zero padding `pad`, stride `stride`:
 * y[i][j] = Σ_m Σ_n x[i·S + m − P][j·S + n − P] · k[m][n].
 * @answer 06-cnn/conv2d-valid
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

/**
 * Max or mean pooling of one channel, window `size`×`size`, stride `stride`, no padding.
 * @answer 06-cnn/pool2d
 */
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

/**
 * Parameters of a conv layer: one fh×fw×cin filter plus a bias per output channel.
 * @answer 06-cnn/conv-params
 */
export function convLayerParams(fh: number, fw: number, cin: number, cout: number): number {
  return (fh * fw * cin + 1) * cout;
}

/**
 * Receptive field of the last layer of a stack of convolutions / poolings,
 * each given as [filter, stride]: r ← r + (f − 1)·j, j ← j·s, starting from
 * r = 1, j = 1 (one input pixel).
 */
export function receptiveField(layers: [number, number][]): number {
  let r = 1, jump = 1;
  for (const [f, s] of layers) {
    r += (f - 1) * jump;
    jump *= s;
  }
  return r;
}
