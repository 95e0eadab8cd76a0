/**
 * The Breast Cancer Wisconsin (Diagnostic) data set (lab 08, the practical
 * assignment): 569 fine-needle aspirates of breast masses, 30 features of the
 * cell nuclei each, diagnosed malignant (212) or benign (357). Source,
 * citation and licence (CC BY 4.0): data/README.md.
 *
 * The 569 rows are split once, with a fixed seed and stratified by class,
 * into a held-out test split (20%) and the rest. Only the rest ships with the
 * course (data/breast-cancer-wisconsin.csv); the full copy and therefore the
 * test split live in grading/, which students never receive, so a notebook
 * cannot look at the test set: the grader uses it, once, on the handed-in
 * model. `breastCancerSplits` cuts the shipped rows into training and
 * validation splits, again stratified and seeded.
 *
 * Class 1 is malignant: the positive class, the one a screening must not miss.
 */
import * as fs from "fs";
import * as path from "path";
import { Rng } from "../random";
import type { ClassificationData } from "../train";

export const BREAST_CANCER_CLASSES = ["benign", "malignant"];
/** Seed of the one split into held-out test rows and shipped rows. */
export const HELD_OUT_SEED = 2019;
export const HELD_OUT_FRACTION = 0.2;

/**
 * The course folder: the nearest folder above this module that has data/ (the
 * repository for dist/ and src/, the release folder for a student library).
 */
function courseRoot(): string {
  for (let dir = path.resolve(__dirname, ".."); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "data", "breast-cancer-wisconsin.csv"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, "..", "..");
  }
}
const REPO = courseRoot();
/** The rows students get: everything but the held-out test split. */
export const SHIPPED_FILE = path.join(REPO, "data", "breast-cancer-wisconsin.csv");
/** All 569 rows (instructors only: grading/ is not released). */
export const FULL_FILE = path.join(REPO, "grading", "data", "breast-cancer-wisconsin.csv");

/** Rows of the data set: features row-major, labels 1 = malignant, and each row's id in the original order. */
export interface DiagnosisSet extends ClassificationData {
  x: Float32Array;
  y: Int32Array;
  /** Row number in the UCI / scikit-learn order (0..568). */
  ids: Int32Array;
  featureNames: string[];
  classNames: string[];
}

/** Parses the CSV (`id,diagnosis,<30 features>`); throws naming the file and line of any bad value. */
export function parseBreastCancerCsv(text: string, file = "the CSV"): DiagnosisSet {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length < 2) throw new Error(`${file}: no data rows; restore the file from the repository (git checkout -- ${path.basename(file)}).`);
  const header = lines[0].split(",");
  if (header[0] !== "id" || header[1] !== "diagnosis" || header.length !== 32) {
    throw new Error(`${file}: the header must be "id,diagnosis," and 30 feature names; got ${header.length} columns starting ${JSON.stringify(header.slice(0, 3).join(","))}.`);
  }
  const d = 30;
  const n = lines.length - 1;
  const x = new Float32Array(n * d), y = new Int32Array(n), ids = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const f = lines[r + 1].split(",");
    const where = `${file}, line ${r + 2}`;
    if (f.length !== 32) throw new Error(`${where}: ${f.length} columns, expected 32 (id, diagnosis, 30 features).`);
    const id = Number(f[0]);
    if (!Number.isInteger(id) || id < 0) throw new Error(`${where}: id ${JSON.stringify(f[0])} is not a non-negative integer.`);
    const k = BREAST_CANCER_CLASSES.indexOf(f[1]);
    if (k < 0) throw new Error(`${where}: diagnosis ${JSON.stringify(f[1])} is neither "malignant" nor "benign".`);
    ids[r] = id;
    y[r] = k;
    for (let j = 0; j < d; j++) {
      const v = Number(f[j + 2]);
      if (f[j + 2].trim() === "" || !Number.isFinite(v)) throw new Error(`${where}: ${header[j + 2]} = ${JSON.stringify(f[j + 2])} is not a number.`);
      x[r * d + j] = v;
    }
  }
  return { x, y, ids, n, inputShape: [d], numClasses: 2, featureNames: header.slice(2), classNames: BREAST_CANCER_CLASSES.slice() };
}

/** Reads one of the data files, with a clear error when it is missing. */
export function readBreastCancerFile(file: string): DiagnosisSet {
  if (!fs.existsSync(file)) {
    const rel = path.relative(REPO, file);
    const hint = file === FULL_FILE
      ? "The full data set (with the held-out test split) is only in the instructors' repository, under grading/; students never get it."
      : "It ships with the course; restore it with `git checkout -- " + rel + "`.";
    throw new Error(`The Breast Cancer Wisconsin data file ${rel} is missing. ${hint}`);
  }
  return parseBreastCancerCsv(fs.readFileSync(file, "utf8"), path.relative(REPO, file));
}

/** The rows at the given positions, in that order. */
export function selectRows(set: DiagnosisSet, rows: ArrayLike<number>): DiagnosisSet {
  const d = set.inputShape[0];
  const n = rows.length;
  const x = new Float32Array(n * d), y = new Int32Array(n), ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    x.set(set.x.subarray(r * d, (r + 1) * d), i * d);
    y[i] = set.y[r];
    ids[i] = set.ids[r];
  }
  return { ...set, x, y, ids, n };
}

/**
 * Splits the rows in two, stratified: of each class, a seeded random
 * `round(fraction × count)` rows go to the second part. Both parts keep the
 * rows' original order, so a split depends only on the seed and the rows.
 */
export function stratifiedSplit(set: DiagnosisSet, fraction: number, seed: number): [DiagnosisSet, DiagnosisSet] {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`stratifiedSplit: fraction must be between 0 and 1 (exclusive), got ${fraction}.`);
  const rng = new Rng(seed);
  const second = new Uint8Array(set.n);
  for (let c = 0; c < set.numClasses; c++) {
    const rows: number[] = [];
    for (let i = 0; i < set.n; i++) if (set.y[i] === c) rows.push(i);
    const take = Math.round(fraction * rows.length);
    const order = rng.permutation(rows.length);
    for (let k = 0; k < take; k++) second[rows[order[k]]] = 1;
  }
  const a: number[] = [], b: number[] = [];
  for (let i = 0; i < set.n; i++) (second[i] ? b : a).push(i);
  return [selectRows(set, a), selectRows(set, b)];
}

/** The full data set cut into the shipped rows and the held-out test rows (instructors only). */
export function heldOutSplit(full: DiagnosisSet = readBreastCancerFile(FULL_FILE)): { shipped: DiagnosisSet; test: DiagnosisSet } {
  const [shipped, test] = stratifiedSplit(full, HELD_OUT_FRACTION, HELD_OUT_SEED);
  return { shipped, test };
}

/** The shipped rows as CSV text, in the file's format (scripts/breast-cancer-data.ts writes data/ with it). */
export function toBreastCancerCsv(set: DiagnosisSet): string {
  const d = set.inputShape[0];
  const lines = ["id,diagnosis," + set.featureNames.join(",")];
  for (let i = 0; i < set.n; i++) {
    const f = Array.from(set.x.subarray(i * d, (i + 1) * d), (v) => String(Number(v.toPrecision(7))));
    lines.push(`${set.ids[i]},${set.classNames[set.y[i]]},${f.join(",")}`);
  }
  return lines.join("\n") + "\n";
}

/**
 * The training and validation splits a notebook works with (lab 08): the
 * shipped rows, of which a stratified `validationFraction` (default 0.25, so
 * 60% / 20% of all 569 rows, the test split being the other 20%) is held out
 * for validation with `seed`. The test split is not among them.
 */
export function breastCancerSplits(opts: { seed: number; validationFraction?: number }): { train: DiagnosisSet; validation: DiagnosisSet } {
  if (!Number.isInteger(opts?.seed)) throw new Error(`breastCancerSplits: give an integer seed, e.g. breastCancerSplits({ seed: 42 }); got ${opts?.seed}.`);
  const [train, validation] = stratifiedSplit(readBreastCancerFile(SHIPPED_FILE), opts.validationFraction ?? 0.25, opts.seed);
  return { train, validation };
}

/** The held-out test split (the grader's; throws for a student, who does not have grading/). */
export function breastCancerTestSplit(): DiagnosisSet {
  return heldOutSplit().test;
}

/** How many rows of each class: [benign, malignant]. */
export function classCounts(set: { y: ArrayLike<number>; numClasses: number }): number[] {
  const counts = new Array<number>(set.numClasses).fill(0);
  for (let i = 0; i < set.y.length; i++) counts[set.y[i]]++;
  return counts;
}
