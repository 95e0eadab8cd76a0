import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import {
  FULL_FILE, SHIPPED_FILE, breastCancerSplits, breastCancerTestSplit, classCounts, heldOutSplit,
  parseBreastCancerCsv, readBreastCancerFile, stratifiedSplit, toBreastCancerCsv,
} from "../../src/data/breast-cancer";
import { accuracy, classificationReport, fBeta } from "../../src/metrics";

test("breast cancer: the full copy has the 569 rows and 212/357 classes of the UCI data set", () => {
  const full = readBreastCancerFile(FULL_FILE);
  assert.equal(full.n, 569);
  assert.equal(full.featureNames.length, 30);
  assert.deepEqual(classCounts(full), [357, 212]);
  assert.deepEqual(Array.from(full.ids), Array.from({ length: 569 }, (_, i) => i));
  // Row 0 of the UCI file: mean radius 17.99, worst area 2019, malignant.
  assert.equal(full.x[0], Math.fround(17.99));
  assert.equal(full.x[full.featureNames.indexOf("area_worst")], 2019);
  assert.equal(full.y[0], 1);
  assert.equal(toBreastCancerCsv(full), fs.readFileSync(FULL_FILE, "utf8"), "the CSV writer must round-trip the full file");
});

test("breast cancer: the shipped file is exactly the full data minus the held-out test split", () => {
  const { shipped, test: held } = heldOutSplit();
  assert.equal(fs.readFileSync(SHIPPED_FILE, "utf8"), toBreastCancerCsv(shipped), "regenerate it: npx tsx scripts/breast-cancer-data.ts");
  assert.deepEqual(classCounts(held), [71, 42]); // round(0.2 × 357), round(0.2 × 212)
  const shippedIds = new Set(readBreastCancerFile(SHIPPED_FILE).ids);
  assert.equal(shippedIds.size, 456);
  for (const id of held.ids) assert.ok(!shippedIds.has(id), `test row ${id} must not be shipped`);
  assert.deepEqual(Array.from(breastCancerTestSplit().ids), Array.from(held.ids));
});

test("breast cancer: training and validation splits are stratified, disjoint, seeded, and never hold a test row", () => {
  const a = breastCancerSplits({ seed: 42 });
  assert.deepEqual(classCounts(a.train), [214, 127]);
  assert.deepEqual(classCounts(a.validation), [72, 43]);
  const trainIds = new Set(a.train.ids);
  assert.ok(Array.from(a.validation.ids).every((id) => !trainIds.has(id)));
  const testIds = new Set(breastCancerTestSplit().ids);
  assert.ok([...a.train.ids, ...a.validation.ids].every((id) => !testIds.has(id)));
  const again = breastCancerSplits({ seed: 42 });
  assert.deepEqual(Array.from(again.validation.ids), Array.from(a.validation.ids));
  const other = breastCancerSplits({ seed: 7 });
  assert.notDeepEqual(Array.from(other.validation.ids), Array.from(a.validation.ids));
  assert.deepEqual(classCounts(other.validation), [72, 43]);
  assert.throws(() => breastCancerSplits({ seed: 1.5 }), /integer seed/);
  assert.throws(() => stratifiedSplit(a.train, 1, 0), /fraction must be between 0 and 1/);
});

test("breast cancer: accuracy misleads — the always-benign baseline is 63% accurate and finds no malignant case", () => {
  const { validation } = breastCancerSplits({ seed: 42 });
  const benign = new Int32Array(validation.n); // predicts class 0 for everyone
  assert.equal(accuracy(validation.y, benign), 72 / 115);
  assert.equal(classificationReport(validation.y, benign, 2).perClass[1].recall, 0);
  assert.equal(fBeta(validation.y, benign, 2), 0);
  const malignant = new Int32Array(validation.n).fill(1); // flags everyone
  const p = 43 / 115;
  assert.ok(Math.abs(fBeta(validation.y, malignant, 2) - (5 * p) / (4 * p + 1)) < 1e-12);
});

test("fBeta: agrees with precision and recall from classificationReport, and F1 at beta = 1", () => {
  const yTrue = [1, 1, 1, 0, 0, 0, 0, 1, 0, 1];
  const yPred = [1, 0, 1, 0, 1, 0, 0, 1, 1, 0];
  const { precision: P, recall: R, f1 } = classificationReport(yTrue, yPred, 2).perClass[1];
  assert.ok(Math.abs(fBeta(yTrue, yPred, 1) - f1) < 1e-12);
  assert.ok(Math.abs(fBeta(yTrue, yPred, 2) - (5 * P * R) / (4 * P + R)) < 1e-12);
  assert.ok(Math.abs(fBeta(yTrue, yPred, 0.5, 0) - fBeta(yTrue.map((t) => 1 - t), yPred.map((p) => 1 - p), 0.5)) < 1e-12);
  assert.equal(fBeta([0, 0], [0, 0], 2), 0);
  assert.throws(() => fBeta([1], [1], 0), /beta must be a positive number/);
  assert.throws(() => fBeta([1, 0], [1], 2), /yTrue has 2 labels but yPred has 1/);
});

test("breast cancer: bad files give an error naming the file, line and value", () => {
  const header = "id,diagnosis," + Array.from({ length: 30 }, (_, i) => `f${i}`).join(",");
  const row = (diag: string, v = "1") => `0,${diag},` + Array.from({ length: 30 }, () => v).join(",");
  assert.throws(() => parseBreastCancerCsv("", "x.csv"), /x.csv: no data rows/);
  assert.throws(() => parseBreastCancerCsv("a,b\n1,2", "x.csv"), /header must be "id,diagnosis,"/);
  assert.throws(() => parseBreastCancerCsv(`${header}\n${row("maybe")}`, "x.csv"), /x.csv, line 2: diagnosis "maybe"/);
  assert.throws(() => parseBreastCancerCsv(`${header}\n${row("benign", "abc")}`, "x.csv"), /line 2: f0 = "abc" is not a number/);
  assert.throws(() => parseBreastCancerCsv(`${header}\n0,benign,1`, "x.csv"), /line 2: 3 columns, expected 32/);
  assert.throws(() => readBreastCancerFile("/nonexistent/breast.csv"), /is missing.*git checkout/);
});
