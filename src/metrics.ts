/**
 * Classification metrics (introduced in lab 04, "Loss functions", for the
 * class-imbalance experiment; used again by the MNIST lab): accuracy, the
 * confusion matrix and a per-class report of precision, recall, F1 and
 * support, like scikit-learn's classification_report. Cross-checked against
 * tf.math.confusionMatrix and tf.metrics in test/unit/metrics.test.ts.
 */

type Labels = ArrayLike<number>;

function checkLabels(fn: string, yTrue: Labels, yPred: Labels, numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`${fn}: numClasses must be a positive integer, got ${numClasses}.`);
  if (yTrue.length !== yPred.length) {
    throw new Error(`${fn}: yTrue has ${yTrue.length} labels but yPred has ${yPred.length}; pass one prediction per example (class indices, e.g. argmax of the model's output).`);
  }
  if (yTrue.length === 0) throw new Error(`${fn}: no examples given (yTrue and yPred are empty).`);
  for (const [name, y] of [["yTrue", yTrue], ["yPred", yPred]] as const) {
    for (let i = 0; i < y.length; i++) {
      const c = y[i];
      if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
        throw new Error(`${fn}: ${name}[${i}] is ${c}, but labels must be ${numClasses === Number.MAX_SAFE_INTEGER ? "non-negative integers" : `integers in 0..${numClasses - 1} (numClasses = ${numClasses})`}. If you passed probabilities, take the argmax per row first.`);
      }
    }
  }
}

/** Fraction of examples whose predicted class equals the true class. `numClasses`, if given, also range-checks the labels. */
export function accuracy(yTrue: Labels, yPred: Labels, numClasses = Number.MAX_SAFE_INTEGER): number {
  checkLabels("accuracy", yTrue, yPred, numClasses);
  let hit = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hit++;
  return hit / yTrue.length;
}

/** k×k counts: entry [t][p] is how many examples of true class t were predicted as p (rows true, columns predicted, as in scikit-learn and tf.math.confusionMatrix). */
export function confusionMatrix(yTrue: Labels, yPred: Labels, numClasses: number): number[][] {
  checkLabels("confusionMatrix", yTrue, yPred, numClasses);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) m[yTrue[i]][yPred[i]]++;
  return m;
}

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** Number of true examples of the class (for averages: of all classes). */
  support: number;
}

export interface ClassificationReport {
  classNames: string[];
  perClass: ClassScores[];
  accuracy: number;
  /** Unweighted mean over classes: every class counts the same. */
  macro: ClassScores;
  /** Mean over classes weighted by support: frequent classes count more. */
  weighted: ClassScores;
  /** The report as a fixed-width table, like scikit-learn's. */
  toString(): string;
}

/**
 * Per-class precision TP/(TP+FP), recall TP/(TP+FN) and F1 (their harmonic
 * mean), with support, accuracy and macro/weighted averages. A ratio with a
 * zero denominator (a class never predicted, or with no examples) is reported
 * as 0, scikit-learn's default (`zero_division=0` without the warning).
 */
export function classificationReport(yTrue: Labels, yPred: Labels, numClasses: number, opts: { classNames?: string[] } = {}): ClassificationReport {
  const cm = confusionMatrix(yTrue, yPred, numClasses);
  const classNames = opts.classNames ?? Array.from({ length: numClasses }, (_, c) => String(c));
  if (classNames.length !== numClasses) throw new Error(`classificationReport: classNames has ${classNames.length} names but numClasses is ${numClasses}.`);
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const perClass: ClassScores[] = [];
  for (let c = 0; c < numClasses; c++) {
    const tp = cm[c][c];
    let predicted = 0;
    let support = 0;
    for (let j = 0; j < numClasses; j++) {
      predicted += cm[j][c];
      support += cm[c][j];
    }
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    perClass.push({ precision, recall, f1: ratio(2 * precision * recall, precision + recall), support });
  }
  const n = yTrue.length;
  const avg = (w: (s: ClassScores) => number): ClassScores => {
    const total = perClass.reduce((a, s) => a + w(s), 0);
    const mean = (key: "precision" | "recall" | "f1") => perClass.reduce((a, s) => a + w(s) * s[key], 0) / total;
    return { precision: mean("precision"), recall: mean("recall"), f1: mean("f1"), support: n };
  };
  let hits = 0;
  for (let c = 0; c < numClasses; c++) hits += cm[c][c];
  const report: ClassificationReport = {
    classNames,
    perClass,
    accuracy: hits / n,
    macro: avg(() => 1),
    weighted: avg((s) => s.support),
    toString() {
      const width = Math.max(12, ...classNames.map((s) => s.length + 2));
      const row = (name: string, s: ClassScores) =>
        name.padStart(width) + [s.precision, s.recall, s.f1].map((v) => v.toFixed(3).padStart(10)).join("") + String(s.support).padStart(10);
      const lines = [" ".repeat(width) + ["precision", "recall", "f1", "support"].map((h) => h.padStart(10)).join("")];
      perClass.forEach((s, c) => lines.push(row(classNames[c], s)));
      lines.push("");
      lines.push("accuracy".padStart(width) + " ".repeat(20) + report.accuracy.toFixed(3).padStart(10) + String(n).padStart(10));
      lines.push(row("macro avg", report.macro));
      lines.push(row("weighted avg", report.weighted));
      return lines.join("\n");
    },
  };
  return report;
}

export interface Spread {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 for a single value. */
  sd: number;
  min: number;
  max: number;
}

/**
 * Mean, sample standard deviation and range of repeated measurements, e.g.
 * one test accuracy per seed (lab 07's seed study, `npm run bench -- --seeds`).
 */
export function spread(values: ArrayLike<number>): Spread {
  const xs = Array.from(values);
  if (xs.length === 0) throw new Error("spread: no values given.");
  if (!xs.every(Number.isFinite)) throw new Error(`spread: every value must be a finite number, got [${xs.join(", ")}].`);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { n: xs.length, mean, sd, min: Math.min(...xs), max: Math.max(...xs) };
}

/**
 * F-beta of one class (lab 08, the assignment's metric): the weighted harmonic
 * mean (1 + β²)·P·R / (β²·P + R) of its precision P and recall R. β = 2 counts
 * recall (a missed malignant case) as β² = 4 times as important as precision
 * (a false alarm); β = 1 is F1. 0 when P and R are both 0, as scikit-learn.
 * @answer 08-assignment/f-beta
 */
export function fBeta(yTrue: Labels, yPred: Labels, beta: number, positive = 1): number {
  if (!(beta > 0) || !Number.isFinite(beta)) throw new Error(`fBeta: beta must be a positive number, got ${beta}.`);
  checkLabels("fBeta", yTrue, yPred, Number.MAX_SAFE_INTEGER);
  let tp = 0, fp = 0, fn = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i] === positive, p = yPred[i] === positive;
    if (t && p) tp++;
    else if (p) fp++;
    else if (t) fn++;
  }
  const b2 = beta * beta;
  const denom = (1 + b2) * tp + b2 * fn + fp;
  return denom === 0 ? 0 : ((1 + b2) * tp) / denom;
}
