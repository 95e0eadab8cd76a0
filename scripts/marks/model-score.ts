/**
 * Model-quality marks of lab 08, the practical assignment: the model a
 * student handed in (the folder written by `handIn`, next to the notebook) is
 * scored on the held-out test split with the metric the assignment fixes (F2
 * of the malignant class), and points are awarded on the scale in
 * grading/08-assignment-model.json:
 *
 *   full points  at or above  reference validation F2 − margin
 *   0 points     at or below  the F2 of flagging every mass malignant (on the test split)
 *   linear in between, rounded to 0.1 point.
 *
 * The reference's validation F2 is measured, not typed in: `calibrate` scores
 * the reference solution's hand-in and writes it to the file.
 */
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { HANDIN_DIR, HandInError } from "../../src/handin";
import { loadHandIn, predictHandIn } from "./handin-load";
import { breastCancerSplits, breastCancerTestSplit, type DiagnosisSet } from "../../src/data/breast-cancer";
import { accuracy, confusionMatrix, fBeta } from "../../src/metrics";

export const REPO = path.resolve(__dirname, "..", "..");
export const MARKING_FILE = path.join(REPO, "grading", "08-assignment-model.json");

export interface Marking {
  lab: string;
  metric: string;
  beta: number;
  points: number;
  margin: number;
  /** The seed of the notebook's training/validation split (the reference's validation score uses it). */
  validationSeed: number;
  reference?: { validationF2: number; testF2: number; mode: string; backend: string; handIn: string; command: string; measuredAt: string };
}

export interface ModelScore {
  status: "scored" | "no model handed in" | "invalid";
  handIn: string;
  /** Why the model could not be scored (status invalid). */
  error?: string;
  f2?: number;
  accuracy?: number;
  /** Rows true (benign, malignant), columns predicted. */
  confusion?: number[][];
  points: number;
  max_points: number;
  scale: { full_at: number; zero_at: number };
  mode?: string;
}

export function readMarking(file = MARKING_FILE): Marking {
  if (!fs.existsSync(file)) throw new Error(`${path.relative(REPO, file)} is missing: it holds the lab 08 model-marking scale (instructors' repository only).`);
  const m = JSON.parse(fs.readFileSync(file, "utf8")) as Marking;
  for (const k of ["beta", "points", "margin", "validationSeed"] as const) {
    if (typeof m[k] !== "number" || !Number.isFinite(m[k])) throw new Error(`${path.relative(REPO, file)}: "${k}" must be a number.`);
  }
  return m;
}

/** The folder of the hand-in that belongs to a submitted notebook: `<stem>.model/` next to it, else `08-assignment.model/`. */
export function handInDirFor(submission: string): string {
  const dir = path.dirname(path.resolve(submission));
  const own = path.join(dir, `${path.basename(submission, ".ipynb")}.model`);
  return fs.existsSync(own) ? own : path.join(dir, HANDIN_DIR);
}

/** The scale's two ends: [zero_at, full_at]. */
export function scaleOf(marking: Marking, test: DiagnosisSet): { full_at: number; zero_at: number } {
  if (!marking.reference) throw new Error("grading/08-assignment-model.json has no reference score yet; run: npm run marks -- calibrate <reference hand-in folder>");
  const zero = fBeta(test.y, new Int32Array(test.n).fill(1), marking.beta);
  return { full_at: marking.reference.validationF2 - marking.margin, zero_at: zero };
}

/** Points for a test score on the scale: linear between the ends, rounded to 0.1. */
export function pointsFor(score: number, scale: { full_at: number; zero_at: number }, max: number): number {
  if (!(scale.full_at > scale.zero_at)) throw new Error(`the marking scale is empty: full points at ${scale.full_at}, zero at ${scale.zero_at}.`);
  const t = Math.min(1, Math.max(0, (score - scale.zero_at) / (scale.full_at - scale.zero_at)));
  return Math.round(t * max * 10) / 10;
}

/** F2, accuracy and the confusion matrix of a hand-in folder on a split. */
export async function evaluateHandIn(dir: string, set: DiagnosisSet, beta: number) {
  const h = await loadHandIn(dir);
  try {
    const pred = predictHandIn(h, set.x);
    return { f2: fBeta(set.y, pred, beta), accuracy: accuracy(set.y, pred), confusion: confusionMatrix(set.y, pred, 2), mode: h.info.mode };
  } finally {
    h.model.dispose();
  }
}

/** Scores the hand-in of one submission on the held-out test split. */
export async function scoreSubmission(submission: string, marking = readMarking(), test = breastCancerTestSplit()): Promise<ModelScore> {
  const dir = handInDirFor(submission);
  const scale = scaleOf(marking, test);
  const base = { handIn: path.relative(process.cwd(), dir) || dir, max_points: marking.points, scale };
  try {
    const e = await evaluateHandIn(dir, test, marking.beta);
    return { status: "scored", ...base, ...e, points: pointsFor(e.f2, scale, marking.points) };
  } catch (err) {
    if (!(err instanceof HandInError)) throw err;
    return { status: err.kind === "missing" ? "no model handed in" : "invalid", ...base, points: 0, ...(err.kind === "invalid" ? { error: err.message } : {}) };
  }
}

/** Measures the reference hand-in on the validation and the test split and writes them into the marking file. */
export async function calibrate(dir: string, command: string, file = MARKING_FILE): Promise<Marking> {
  const marking = readMarking(file);
  const { validation } = breastCancerSplits({ seed: marking.validationSeed });
  const v = await evaluateHandIn(dir, validation, marking.beta);
  const t = await evaluateHandIn(dir, breastCancerTestSplit(), marking.beta);
  if (v.mode !== "full") console.warn(`calibrate: warning: the reference hand-in was trained in ${v.mode} mode; calibrate with a full-mode run.`);
  marking.reference = {
    validationF2: Number(v.f2.toFixed(6)), testF2: Number(t.f2.toFixed(6)), mode: v.mode, backend: tf.getBackend(),
    handIn: path.relative(REPO, path.resolve(dir)), command, measuredAt: new Date().toISOString(),
  };
  fs.writeFileSync(file, JSON.stringify(marking, null, 1) + "\n");
  return marking;
}

export function describeScore(s: ModelScore): string {
  const scale = `full points at F2 ≥ ${s.scale.full_at.toFixed(3)}, 0 at ≤ ${s.scale.zero_at.toFixed(3)}`;
  if (s.status === "no model handed in") return `model: no model handed in (looked for ${s.handIn}) — 0/${s.max_points}`;
  if (s.status === "invalid") return `model: cannot be scored: ${s.error} — 0/${s.max_points}`;
  const [[tn, fp], [fn, tp]] = s.confusion!;
  return `model: test F2 ${s.f2!.toFixed(3)}, accuracy ${(100 * s.accuracy!).toFixed(1)}% (missed ${fn} of ${fn + tp} malignant, ${fp} false alarms of ${tn + fp} benign; ${s.mode} mode) — ${s.points}/${s.max_points} (${scale})`;
}
