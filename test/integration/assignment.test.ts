// Lab 08, the practical assignment, end to end with the commands of
// docs/instructors.md ("The practical assignment (lab 08)"), in fast mode:
//   release (npm run student) → a student runs the reference solution in a
//   course checkout and hands in its model; another hands in the untouched copy →
//   npm run grade (exercises + the model's test score) → npm run marks -- feedback
//   → the instructor marks in Chromium and saves → npm run marks -- merge.
// Run: node --import tsx --test test/integration/assignment.test.ts
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { launchChromium } from "../browser/browser";
import { slugOf, type Results } from "../../scripts/marks/feedback";

const repo = path.resolve(__dirname, "..", "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "assignment-"));
const shots = path.join(repo, "build", "screenshots");
const env = { ...process.env, LABS_FAST: "1" };
const ref = path.join(tmp, "submissions", "ref", "08-assignment.ipynb");
const empty = path.join(tmp, "submissions", "empty", "08-assignment.ipynb");
const grading = path.join(tmp, "grading");
const resultsFile = path.join(grading, "results.json");
let browser: Browser | undefined;

function sh(cmd: string, args: string[], cwd = repo) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r.stdout;
}
const readResults = (): Results => JSON.parse(fs.readFileSync(resultsFile, "utf8"));
const byName = (rs: Results, file: string) => rs.results.find((r) => r.submission === path.relative(repo, file))!;

before(() => {
  // Release: the student copy.
  sh("npm", ["run", "--silent", "student", "--", path.join(tmp, "student"), "notebooks/08-assignment.ipynb"]);
  // A student's checkout: the course with the notebook in notebooks/ (dist/ and data/ linked from this repository).
  const course = path.join(tmp, "course");
  fs.mkdirSync(path.join(course, "notebooks"), { recursive: true });
  for (const d of ["dist", "data", "node_modules"]) fs.symlinkSync(path.join(repo, d), path.join(course, d));
  fs.copyFileSync(path.join(repo, "notebooks", "08-assignment.ipynb"), path.join(course, "notebooks", "08-assignment.ipynb"));
  // The student runs the notebook (the reference solution), which hands the model in next to it.
  sh("jupyter", ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=600", "--output-dir", path.join(tmp, "executed"), "08-assignment.ipynb"], path.join(course, "notebooks"));
  assert.ok(fs.existsSync(path.join(course, "notebooks", "08-assignment.model", "model.json")), "handIn wrote the model next to the notebook");
  // Collect: each student's notebook and hand-in folder in a folder of their own.
  fs.mkdirSync(path.dirname(ref), { recursive: true });
  fs.copyFileSync(path.join(course, "notebooks", "08-assignment.ipynb"), ref);
  fs.cpSync(path.join(course, "notebooks", "08-assignment.model"), path.join(path.dirname(ref), "08-assignment.model"), { recursive: true });
  fs.mkdirSync(path.dirname(empty), { recursive: true });
  // (npm run student writes the copy to <out>/notebooks/ when it also builds the release, else to <out>/.)
  const copy = [path.join(tmp, "student", "notebooks", "08-assignment.ipynb"), path.join(tmp, "student", "08-assignment.ipynb")].find((f) => fs.existsSync(f));
  assert.ok(copy, "npm run student wrote no copy of lab 08");
  fs.copyFileSync(copy, empty);
  // Grade, from the repository root, with relative paths as an instructor would type them.
  sh("npm", ["run", "--silent", "grade", "--", path.relative(repo, ref), path.relative(repo, empty), "--out", grading, "--jobs", "2"]);
});

after(async () => {
  await browser?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test("grade: the reference gets every automatic point and a model score above the threshold", () => {
  const r = byName(readResults(), ref);
  assert.equal(r.status, "graded");
  assert.ok(r.max_score >= 8, `the three exercises carry 8 points, got max ${r.max_score}`);
  assert.equal(r.score, r.max_score, JSON.stringify(r.exercises));
  const m = r.model!;
  assert.equal(m.status, "scored", JSON.stringify(m));
  assert.ok(m.f2! >= m.scale.full_at, `test F2 ${m.f2} should reach the full-points threshold ${m.scale.full_at}`);
  assert.equal(m.points, m.max_points);
  assert.ok(m.scale.zero_at < m.scale.full_at);
});

test("grade: the untouched student copy gets 0 automatic points and 'no model handed in'", () => {
  const r = byName(readResults(), empty);
  assert.equal(r.status, "graded");
  assert.equal(r.score, 0);
  assert.ok(r.exercises.length >= 3 && r.exercises.every((e) => !e.passed && /not implemented/.test(e.message ?? "")), JSON.stringify(r.exercises));
  assert.equal(r.model!.status, "no model handed in");
  assert.equal(r.model!.points, 0);
});

test("score: a corrupt or wrong-shape hand-in is reported, not a crash", () => {
  const bad = path.join(tmp, "submissions", "bad", "08-assignment.ipynb");
  fs.mkdirSync(path.join(path.dirname(bad), "08-assignment.model"), { recursive: true });
  fs.copyFileSync(empty, bad);
  for (const f of ["model.json", "weights.bin", "handin.json"]) fs.copyFileSync(path.join(path.dirname(ref), "08-assignment.model", f), path.join(path.dirname(bad), "08-assignment.model", f));
  fs.truncateSync(path.join(path.dirname(bad), "08-assignment.model", "weights.bin"), 10);
  const out = sh("npm", ["run", "--silent", "marks", "--", "score", path.relative(repo, bad)]);
  assert.match(out, /cannot be scored: weights.bin has 10 bytes but model.json's manifest needs \d+/);
});

test("feedback pages: written answers beside the results, rendered in Chromium; marks saved from the page merge into results.json", async () => {
  sh("npm", ["run", "--silent", "marks", "--", "feedback", "--results", resultsFile]);
  const pages = path.join(grading, "feedback");
  const slug = (f: string) => slugOf(path.relative(repo, f));
  fs.mkdirSync(shots, { recursive: true });
  browser = await launchChromium();
  const ctx = await browser.newContext({ offline: true, acceptDownloads: true, viewport: { width: 1100, height: 900 } });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  await page.goto(pathToFileURL(path.join(pages, `${slug(empty)}.html`)).href);
  const emptyText = await page.locator("body").innerText();
  assert.match(emptyText, /No model handed in/);
  assert.equal((emptyText.match(/Not answered \(the placeholder is unchanged\)/g) ?? []).length, 3);
  await page.screenshot({ path: path.join(shots, "assignment-feedback-empty.png"), fullPage: true });

  await page.goto(pathToFileURL(path.join(pages, `${slug(ref)}.html`)).href);
  const refText = await page.locator("body").innerText();
  assert.match(refText, /Test F2 0\.\d{3}/);
  for (const phrase of ["Accuracy is the wrong yardstick", "does not win by much", "underfits"]) assert.ok(refText.includes(phrase), `the page shows the answer containing "${phrase}"`);
  assert.equal(await page.locator("input.pts").count(), 3);
  const marks: Record<string, number> = { metric: 3.5, search: 2, diagnosis: 4 };
  for (const [id, p] of Object.entries(marks)) await page.fill(`input.pts[data-id="${id}"]`, String(p));
  await page.fill('textarea.cmt[data-id="metric"]', "Good; say how you would choose beta.");
  const r = byName(readResults(), ref);
  assert.equal(await page.locator("#total").innerText(), String(r.score + r.model!.points + 9.5));
  await page.screenshot({ path: path.join(shots, "assignment-feedback-reference.png"), fullPage: true });
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save")]);
  const saved = path.join(tmp, "saved-marks.json");
  await download.saveAs(saved);
  assert.deepEqual(errors, []);

  // The untouched copy is marked by editing its marks file instead.
  const emptyMarks = path.join(pages, "marks", `${slug(empty)}.json`);
  const m = JSON.parse(fs.readFileSync(emptyMarks, "utf8"));
  for (const id of Object.keys(m.manual)) m.manual[id].points = 0;
  fs.writeFileSync(emptyMarks, JSON.stringify(m));
  const out = sh("npm", ["run", "--silent", "marks", "--", "merge", saved, emptyMarks, "--results", resultsFile]);
  assert.match(out, /merged 2 marks file\(s\)/);
  const merged = readResults();
  const rr = byName(merged, ref), re = byName(merged, empty);
  assert.deepEqual(rr.manual!.map((x) => [x.id, x.points]), [["metric", 3.5], ["search", 2], ["diagnosis", 4]]);
  assert.equal(rr.manual![0].comment, "Good; say how you would choose beta.");
  assert.equal(rr.total, rr.score + rr.model!.points + 9.5);
  assert.equal(rr.max_total, rr.max_score + 10 + 10);
  assert.equal(rr.marks_complete, true);
  assert.equal(re.total, 0);

  // Out-of-range points are refused with a message naming the answer and the range.
  m.manual.metric.points = 7;
  fs.writeFileSync(emptyMarks, JSON.stringify(m));
  const bad = spawnSync("npm", ["run", "--silent", "marks", "--", "merge", emptyMarks, "--results", resultsFile], { cwd: repo, env, encoding: "utf8" });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /the points for "metric" must be a number from 0 to 4, got 7/);
});
