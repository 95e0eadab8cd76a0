// Student copies (scripts/student.ts) and the grader (scripts/grade.py):
// - every student copy keeps the lab's checks, stubs every solution and has no outputs;
// - the fixtures of test/fixtures/grading (regenerated from the current lab 01)
//   get their expected scores and reasons, within their timeouts, and leave no kernel behind;
// - every reference lab grades 100% and every student copy 0%, each exercise
//   failing as "not implemented" (fast mode, two submissions at a time).
// Run: node --import tsx --test test/integration/grader.test.ts
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as os from "node:os";
import { checksum, manualPlaceholder, sourceOf, stubSolution } from "../../scripts/student";
import { EXPECTED, makeFixtures } from "../fixtures/grading/make-fixtures";

const repo = path.resolve(__dirname, "..", "..");
const labs = fs.readdirSync(path.join(repo, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "grader-"));
const studentDir = path.join(tmp, "student");

interface Exercise { id: string; passed: boolean; status: string; points: number; max_points: number; message: string | null; flags: string[] }
interface Result { submission: string; status: string; lab: string | null; score: number; max_score: number; exercises: Exercise[]; flags: string[]; restarts: number; error: string | null; seconds: number; kernel_pids?: number[] }

function alive(pid: number): boolean {
  try { process.kill(pid, 0); } catch { return false; }
  const stat = fs.existsSync(`/proc/${pid}/stat`) ? fs.readFileSync(`/proc/${pid}/stat`, "utf8") : "";
  return !/^\d+ \(.*\) Z/.test(stat);
}

function grade(files: string[], extra: string[]): { status: number | null; results: Result[]; stderr: string; seconds: number } {
  const t0 = Date.now();
  const run = spawnSync("bash", [path.join(repo, "scripts", "grade.sh"), ...files, "--json", "--out", path.join(tmp, "graded"), ...extra], {
    encoding: "utf8", env: { ...process.env, LABS_FAST: "1" }, maxBuffer: 64 << 20,
  });
  const seconds = (Date.now() - t0) / 1000;
  let doc: { results: Result[] };
  try { doc = JSON.parse(run.stdout); } catch { throw new Error(`grader printed no JSON (exit ${run.status}); stdout:\n${run.stdout}\nstderr:\n${run.stderr}`); }
  return { status: run.status, results: doc.results, stderr: run.stderr, seconds };
}

// test/steps/grader.sh runs this file as a step of its own (GRADER_STEP=1); the step
// that runs test/integration/*.test.ts for the runner skips it instead of running it twice.
const skip = process.env.GRADER_STEP ? false : "run by test/steps/grader.sh (set GRADER_STEP=1 to run it here)";
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const describe = (r: Result) => `${r.submission}: ${r.status} ${r.score}/${r.max_score} ${r.error ?? ""}\n` + r.exercises.map((e) => `  ${e.id} ${e.status} ${e.points}/${e.max_points} ${e.message ?? ""} ${e.flags.join("; ")}`).join("\n");

test("npm run student writes a stubbed copy of every lab, with its checks and their checksums", { skip }, () => {
  const run = spawnSync("npx", ["tsx", path.join(repo, "scripts", "student.ts"), studentDir], { encoding: "utf8", cwd: repo });
  assert.equal(run.status, 0, run.stderr);
  for (const file of labs) {
    const lab = JSON.parse(fs.readFileSync(path.join(repo, "notebooks", file), "utf8"));
    const copy = JSON.parse(fs.readFileSync(path.join(studentDir, "notebooks", file), "utf8"));
    const meta = copy.metadata.course;
    assert.equal(meta.source, file.replace(/\.ipynb$/, ""));
    assert.equal(copy.cells.length, lab.cells.length, `${file}: cells added or lost`);
    let points = 0;
    for (const [i, cell] of copy.cells.entries()) {
      const src = sourceOf(cell);
      const labCell = lab.cells[i];
      assert.equal(cell.id, labCell.id);
      if (cell.cell_type === "code") {
        assert.deepEqual(cell.outputs, [], `${file} ${cell.id}: outputs left in`);
        assert.equal(cell.execution_count, null);
      }
      assert.doesNotMatch(src, /(BEGIN|END) SOLUTION/, `${file} ${cell.id}: solution marker left in`);
      const course = cell.metadata.course ?? {};
      if (course.exercise) {
        assert.match(src, new RegExp(`throw new Error\\("not implemented: ${course.exercise}"\\);`));
        // The starter code outside the markers stays: the first line (the signature) is the lab's.
        assert.equal(src.split("\n")[0], sourceOf(labCell).split("\n")[0]);
      } else if (course.check) {
        assert.equal(src, sourceOf(labCell), `${file} ${cell.id}: check changed`);
        assert.equal(meta.checks[course.check].sha256, checksum(src));
        assert.equal(meta.checks[course.check].points, course.points);
        assert.equal(cell.metadata.editable, false);
        points += course.points;
      } else if (course.manual) {
        // A written answer (lab 08): the reference answer becomes a placeholder.
        assert.equal(src, manualPlaceholder(course.manual, course.points), `${file} ${cell.id}: reference answer left in`);
        assert.equal(meta.manual[course.manual].points, course.points);
      } else {
        assert.equal(src, sourceOf(labCell), `${file} ${cell.id}: a cell that is neither exercise nor check changed`);
      }
    }
    assert.ok(points > 0, `${file} has no checked exercise`);
    assert.equal(meta.total_points, points);
  }
  // Broken markers are refused with a message that says what is wrong.
  assert.equal(stubSolution("function f(): number {\n    // BEGIN SOLUTION\n    return 1;\n    // END SOLUTION\n}", "f", "x"),
    'function f(): number {\n    throw new Error("not implemented: f");\n}');
  assert.throws(() => stubSolution("// BEGIN SOLUTION\nreturn 1;", "f", "lab, cell 3"), /lab, cell 3: "\/\/ BEGIN SOLUTION" has no "\/\/ END SOLUTION"/);
  assert.throws(() => stubSolution("return 1;\n// END SOLUTION", "f", "x"), /END SOLUTION" without a "\/\/ BEGIN SOLUTION"/);
  assert.throws(() => stubSolution("return 1;", "f", "x"), /needs a "\/\/ BEGIN SOLUTION … \/\/ END SOLUTION" region/);
});

test("the grader gives each fixture its expected report, within the timeouts, and leaves no kernel", { skip }, () => {
  const fixtures = makeFixtures(path.join(tmp, "fixtures"));
  // More files that are not notebooks: empty, JSON of another kind, cells that are not a list.
  const junk = { empty: "", "not-a-notebook": "{}", "bad-cells": '{"cells": 5, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}' };
  for (const [name, text] of Object.entries(junk)) fs.writeFileSync(path.join(tmp, "fixtures", `${name}.ipynb`), text);
  fixtures.push(...Object.keys(junk).map((n) => path.join(tmp, "fixtures", `${n}.ipynb`)));
  const timeout = 20;
  const { status, results, seconds } = grade(fixtures, ["--jobs", "2", "--timeout", String(timeout)]);
  assert.equal(status, 1, "the exit status should say that some submissions (the corrupt files) could not be graded");
  for (const r of results) console.log(`  ${path.basename(r.submission)}: ${r.status} ${r.score}/${r.max_score} in ${r.seconds} s`);
  const by = Object.fromEntries(results.map((r) => [path.basename(r.submission, ".ipynb"), r]));

  for (const name of ["corrupt", ...Object.keys(junk)]) {
    const r = by[name];
    assert.equal(r.status, "invalid", describe(r));
    assert.match(r.error ?? "", /not a (readable )?notebook/, describe(r));
    assert.equal(r.score, 0);
    assert.deepEqual(r.kernel_pids ?? [], [], "an invalid file must not start a kernel");
  }

  for (const [name, want] of Object.entries(EXPECTED)) {
    const r = by[name];
    assert.ok(r, `no result for ${name}`);
    const info = describe(r);
    assert.equal(r.status, "graded", info);
    assert.equal(r.lab, "01-perceptron", info);
    assert.equal(r.max_score, 6, info);
    assert.equal(r.score, want.score, info);
    assert.equal(r.score, r.exercises.reduce((s, e) => s + e.points, 0), info);
    for (const e of r.exercises) {
      const failure = want.failures[e.id];
      if (failure) {
        assert.equal(e.passed, false, info);
        assert.equal(e.points, 0, info);
        assert.equal(e.status, failure.status, info);
        assert.match(e.message ?? "", failure.message, info);
      } else {
        assert.equal(e.passed, true, info);
        assert.equal(e.points, e.max_points, info);
      }
      const flag = want.flags?.[e.id];
      if (flag) assert.ok(e.flags.some((f) => flag.test(f)), `${name} ${e.id}: no flag matching ${flag}\n${info}`);
      else assert.deepEqual(e.flags, [], info);
    }
    if (want.notebookFlag) assert.ok(r.flags.some((f) => want.notebookFlag!.test(f)), info);
    else assert.deepEqual(r.flags, [], info);
    // A timeout or a dead kernel costs one restart; nothing else does.
    assert.equal(r.restarts, name === "loops" || name === "kills-kernel" ? 1 : 0, info);
    for (const pid of r.kernel_pids ?? []) assert.ok(!alive(pid), `${name}: kernel ${pid} still running`);
    assert.ok((r.kernel_pids ?? []).length === r.restarts + 1, info);
  }
  assert.ok(by["loops"].seconds < 240, `the looping submission took ${by["loops"].seconds} s with a ${timeout} s cell timeout`);
  assert.ok(seconds < 420, `grading the fixtures took ${seconds} s`);

  // Output beyond the cap is cut in the graded copy, with a note.
  const graded = JSON.parse(fs.readFileSync(path.join(tmp, "graded", fs.readdirSync(path.join(tmp, "graded")).find((f) => f.endsWith("prints-a-lot.ipynb"))!), "utf8"));
  const check = graded.cells.find((c: { id: string }) => c.id === "check-count-mistakes");
  const text = check.outputs.filter((o: { output_type: string }) => o.output_type === "stream").map((o: { text: string | string[] }) => [o.text].flat().join("")).join("");
  assert.match(text, /\[grader: \d+ characters of stdout cut\]/);
  assert.ok(text.length < 30000, `check cell output kept ${text.length} characters`);
  assert.match(text, /✔ count-mistakes: passed/);
});

test("a submission that outlives --submission-timeout is stopped, kernel included", { skip }, () => {
  const loops = path.join(tmp, "fixtures", "loops.ipynb");
  if (!fs.existsSync(loops)) makeFixtures(path.join(tmp, "fixtures"));
  const { status, results, seconds } = grade([loops], ["--timeout", "300", "--submission-timeout", "40"]);
  const r = results[0];
  assert.equal(status, 1);
  assert.equal(r.status, "error", describe(r));
  assert.match(r.error ?? "", /did not finish within 40 s/);
  assert.ok(seconds < 80, `took ${seconds} s`);
  // Jupyter starts the kernel in a session of its own: the grader must end it itself.
  assert.ok((r.kernel_pids ?? []).length >= 1, `no kernel pid reported: ${describe(r)}`);
  for (const pid of r.kernel_pids!) assert.ok(!alive(pid), `kernel ${pid} still running`);
});

test("every reference lab grades 100% and every student copy 0% (each exercise not implemented)", { skip }, () => {
  assert.ok(fs.existsSync(studentDir), "the student-copy test must run first");
  const files = labs.flatMap((f) => [path.join(repo, "notebooks", f), path.join(studentDir, "notebooks", f)]);
  const { results, seconds } = grade(files, ["--jobs", "2", "--timeout", "300"]);
  const problems: string[] = [];
  for (const r of results) {
    const student = r.submission.startsWith(studentDir);
    const info = describe(r);
    if (r.status !== "graded" || r.max_score === 0) { problems.push(info); continue; }
    if (!student && r.score !== r.max_score) problems.push(info);
    if (student && (r.score !== 0 || r.exercises.some((e) => !new RegExp(`not implemented: ${e.id}`).test(e.message ?? "")))) problems.push(info);
  }
  for (const r of results) console.log(`  ${path.relative(repo, r.submission)}: ${r.score}/${r.max_score} in ${r.seconds} s`);
  assert.deepEqual(problems, [], `labs or student copies graded wrongly:\n${problems.join("\n")}`);
  console.log(`graded ${results.length} notebooks in ${seconds.toFixed(0)} s`);
});
