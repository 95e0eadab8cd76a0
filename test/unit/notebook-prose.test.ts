// What a student reads in the labs: no authoring jargon ("seed 00N" for a
// lecture's file, "the brief", "Target from …"), and every lab a lab names
// exists. Lecture files are named by their lecture in docs and src comments too.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const repo = path.resolve(__dirname, "..", "..");
const labDir = path.join(repo, "notebooks");
const labFiles = fs.readdirSync(labDir).filter((f) => /^\d\d[a-z]?-.*\.ipynb$/.test(f)).sort();
/** The labs that exist, by number: "01", "03b", … */
const labIds = new Set(labFiles.map((f) => f.split("-")[0]));

/** Phrases a student must never read: the lecture files' names, and words from the authors' task list. */
export const JARGON: { pattern: RegExp; why: string }[] = [
  { pattern: /\bseeds? 00\d/i, why: 'names a lecture by its file ("seed 001"); name it by its title or university, e.g. "the St. Gallen lecture"' },
  { pattern: /\bthe brief\b/i, why: '"the brief" is the authors\' task description, which students never see' },
  { pattern: /\bTarget from\b/i, why: '"Target from …" quotes the authors\' task description; say where the number comes from (a lecture, a paper) or drop it' },
];

/** Lab numbers named in a text: "lab 07", "Lab 06's", "labs 04 and 07", "labs 01, 02 or 03b". */
export function namedLabs(text: string): string[] {
  const ids: string[] = [];
  for (const m of text.matchAll(/\blabs?\s+(\d\d[a-z]?(?:(?:\s*,\s*|\s+and\s+|\s+or\s+|\s*[–-]\s*)\d\d[a-z]?)*)(?![\w.])/gi)) {
    ids.push(...m[1].split(/\s*,\s*|\s+and\s+|\s+or\s+|\s*[–-]\s*/i).map((s) => s.toLowerCase()));
  }
  return ids;
}

/** Each problem of a text as "<where>: <what>". */
export function proseProblems(text: string, where: string, labs: Set<string>): string[] {
  const problems: string[] = [];
  for (const { pattern, why } of JARGON) {
    const m = pattern.exec(text);
    if (m) problems.push(`${where}: "${m[0]}" ${why}`);
  }
  for (const id of namedLabs(text)) if (!labs.has(id)) problems.push(`${where}: names lab ${id}, but there is no notebooks/${id}-*.ipynb`);
  return problems;
}

test("namedLabs finds single labs, lists and possessives; proseProblems flags jargon and missing labs", () => {
  assert.deepEqual(namedLabs("Lab 06's CNN, labs 04 and 07, labs 01, 02 or 03b, lab 2.5, lab-07"), ["06", "04", "07", "01", "02", "03b"]);
  const labs = new Set(["01", "06", "07"]);
  assert.deepEqual(proseProblems("Next, lab 08 replaces the dense layers.", "x", labs), ["x: names lab 08, but there is no notebooks/08-*.ipynb"]);
  assert.equal(proseProblems("Picture the loss (seed 001).", "x", labs).length, 1);
  assert.equal(proseProblems('console.log(`Target from the brief: ≥ 97.5%`)', "x", labs).length, 2);
  assert.deepEqual(proseProblems("Lab 06 and the St. Gallen lecture; SEED = 42; seed 42.", "x", labs), []);
});

test("there are labs to read", () => {
  assert.ok(labFiles.length >= 8, `expected the labs in ${labDir}, found ${labFiles.join(", ")}`);
});

for (const file of labFiles) {
  test(`${file}: no authoring jargon, and every lab it names exists`, () => {
    const nb = JSON.parse(fs.readFileSync(path.join(labDir, file), "utf8"));
    // Code cells too: their printed strings are prose a student reads.
    const problems = (nb.cells as { source: string[] | string }[]).flatMap((cell, i) => {
      const text = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      return proseProblems(text, `cell ${i}`, labIds);
    });
    assert.deepEqual(problems, []);
  });
}

test("docs, README and src comments name lectures, not their files", () => {
  const files = [
    path.join(repo, "README.md"), path.join(repo, "CONTRIBUTING.md"),
    ...["docs", "src", "scripts"].flatMap((d) => walk(path.join(repo, d))),
  ].filter((f) => fs.existsSync(f) && /\.(md|ts|py|sh)$/.test(f));
  const problems = files.flatMap((f) => {
    const m = JARGON[0].pattern.exec(fs.readFileSync(f, "utf8"));
    return m ? [`${path.relative(repo, f)}: "${m[0]}" ${JARGON[0].why}`] : [];
  });
  assert.deepEqual(problems, []);
});

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
