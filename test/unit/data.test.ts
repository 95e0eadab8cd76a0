import { test } from "node:test";
import assert from "node:assert/strict";
import { loadMnist, mnistSplits, loadIris, selectIris, makeBlobs, makeXor, makeCircles, makeMoons, makeSpirals } from "../../src/data";

test("MNIST: IDX files read into typed arrays, in [0,1], with labels 0-9", () => {
  const s = loadMnist({ split: "test", limit: 100 });
  assert.equal(s.n, 100);
  assert.equal(s.images.length, 100 * 784);
  assert.equal(s.height, 28);
  let max = 0;
  for (const v of s.images) max = Math.max(max, v);
  assert.equal(max, 1);
  assert.ok(s.labels.every((l) => l >= 0 && l <= 9));
  // The first test digit is a 7 (the well-known first image of t10k).
  assert.equal(s.labels[0], 7);
});

test("MNIST: offset selects later images, consistent with a full read", () => {
  const a = loadMnist({ split: "train", offset: 10, limit: 5 });
  const b = loadMnist({ split: "train", limit: 15 });
  assert.deepEqual(Array.from(a.labels), Array.from(b.labels.subarray(10)));
  assert.deepEqual(Array.from(a.images.subarray(0, 784)), Array.from(b.images.subarray(10 * 784, 11 * 784)));
});

test("MNIST: out-of-range subsets and bad splits give clear errors", () => {
  assert.throws(() => loadMnist({ split: "test", offset: 9990, limit: 20 }), /beyond the 10000 of the test split/);
  assert.throws(() => loadMnist({ split: "test", offset: -1 }), /offset -1 is outside/);
  assert.throws(() => loadMnist({ split: "valid" as never }), /split must be "train" or "test"/);
  assert.throws(() => mnistSplits({ nTrain: 59000, nVal: 2000, seed: 1 }), /more than the 60,000/);
});

test("MNIST splits are disjoint, seeded and sized", () => {
  const a = mnistSplits({ nTrain: 200, nVal: 50, nTest: 30, seed: 3 });
  const b = mnistSplits({ nTrain: 200, nVal: 50, nTest: 30, seed: 3 });
  assert.equal(a.train.n, 200); assert.equal(a.val.n, 50); assert.equal(a.test.n, 30);
  assert.deepEqual(Array.from(a.train.labels), Array.from(b.train.labels));
  const c = mnistSplits({ nTrain: 200, nVal: 50, nTest: 30, seed: 4 });
  assert.notDeepEqual(Array.from(a.train.labels), Array.from(c.train.labels));
});

test("Iris: 150 rows, 4 features, 3 classes; selection renumbers classes", () => {
  const iris = loadIris();
  assert.equal(iris.n, 150); assert.equal(iris.d, 4);
  assert.deepEqual(iris.classNames, ["setosa", "versicolor", "virginica"]);
  const sv = selectIris(iris, ["setosa", "versicolor"], ["sepal length (cm)", "petal length (cm)"]);
  assert.equal(sv.n, 100); assert.equal(sv.d, 2);
  assert.deepEqual([...new Set(sv.y)].sort(), [0, 1]);
  assert.equal(sv.X[0], 5.1); assert.equal(sv.X[1], 1.4);
  assert.throws(() => selectIris(iris, ["rose"], ["sepal length (cm)"]), /unknown class "rose"/);
});

test("toy sets: seeded, shaped n×2, balanced classes", () => {
  for (const make of [makeBlobs, makeXor, makeCircles, makeMoons, makeSpirals]) {
    const a = make({ n: 60, seed: 7 });
    const b = make({ n: 60, seed: 7 });
    assert.equal(a.X.length, 120, make.name);
    assert.deepEqual(Array.from(a.X), Array.from(b.X), `${make.name} is not deterministic`);
    const counts = new Array(a.numClasses).fill(0);
    a.y.forEach((c) => counts[c]++);
    assert.ok(counts.every((k) => k === 60 / a.numClasses), `${make.name} classes unbalanced: ${counts}`);
    assert.ok(a.X.every(Number.isFinite));
  }
  assert.throws(() => makeSpirals({ n: 10, seed: 1, classes: 3 }), /multiple of 3/);
  assert.throws(() => makeBlobs({ n: 0, seed: 1 }), /positive integer/);
});

test("XOR labels follow the signs of the corners", () => {
  const d = makeXor({ n: 40, seed: 1, noise: 0.01 });
  for (let i = 0; i < d.n; i++) assert.equal(d.y[i], Math.sign(d.X[2 * i]) !== Math.sign(d.X[2 * i + 1]) ? 1 : 0);
});
