// Student copies (scripts/student.ts) and the grader (scripts/grade.py):
// - every student copy keeps the lab's checks, stubs every solution and has no outputs;
// - ONE grading run of the fixtures of test/fixtures/grading (regenerated from the current lab 01), the
//   attack suite (attacks.ts: one submission per class of attack) and honest submissions beside them,
//   plus files that are not notebooks: the honest grades come out exact, no attacker scores more than
//   its honest work, nothing outside the sandboxes changes (the course tree and the submissions are
//   hashed before and after), results are not rewritten later, and no process is left behind;
// - a memory bomb (Buffers, outside the JS heap) and a fork bomb, graded with low --memory-mb and --max-pids
//   beside an honest submission: the first is killed at the limit, the second starts fewer processes than
//   the limit, the honest one gets its exact grade (where the grader has a cgroup; as root it must);
// - bad options are refused in one line; --submission-timeout ends a submission and its sandbox;
// - every reference lab grades 100% and every student copy 0%, each exercise failing as
//   "not implemented" (fast mode, two submissions at a time).
// Run: node --import tsx --test test/integration/grader.test.ts (test/steps/grader.sh)
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as os from "node:os";
import { checksum, manualPlaceholder, sourceOf, stubSolution } from "../../scripts/student";
import { EXPECTED, makeFixtures } from "../fixtures/grading/make-fixtures";
import { ATTACKERS, HONEST, MARKER, RESOURCE_ATTACKS, RESOURCE_LIMITS, makeAttacks, makeResourceAttacks } from "../fixtures/grading/attacks";
import * as crypto from "node:crypto";

const repo = path.resolve(__dirname, "..", "..");
const labs = fs.readdirSync(path.join(repo, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "grader-"));
const studentDir = path.join(tmp, "student");
const RUN = `grader-test-${process.pid}-${Date.now()}`;

interface Exercise { id: string; passed: boolean; status: string; points: number; max_points: number; message: string | null; flags: string[]; graded_by: string; check: { passed: boolean; status: string; message: string | null }; hidden?: { passed: number; total: number } }
interface Result { submission: string; status: string; lab: string | null; score: number; max_score: number; exercises: Exercise[]; flags: string[]; restarts: number; error: string | null; seconds: number; sandbox?: string; graded_by?: string; limits?: string; peak_memory_mb?: number | null }

function alive(pid: number): boolean {
  try { process.kill(pid, 0); } catch { return false; }
  const stat = fs.existsSync(`/proc/${pid}/stat`) ? fs.readFileSync(`/proc/${pid}/stat`, "utf8") : "";
  return !/^\d+ \(.*\) Z/.test(stat);
}

function grade(files: string[], extra: string[], out = path.join(tmp, "graded")): { status: number | null; results: Result[]; stderr: string; seconds: number } {
  const t0 = Date.now();
  const run = spawnSync("bash", [path.join(repo, "scripts", "launch.sh"), "grade", ...files, "--json", "--out", out, ...extra], {
    encoding: "utf8", env: { ...process.env, LABS_FAST: "1", NNLABS_GRADE_RUN: RUN, TMPDIR: tmp }, maxBuffer: 64 << 20,
  });
  const seconds = (Date.now() - t0) / 1000;
  let doc: { results: Result[] };
  try { doc = JSON.parse(run.stdout); } catch { throw new Error(`grader printed no JSON (exit ${run.status}); stdout:\n${run.stdout}\nstderr:\n${run.stderr}`); }
  return { status: run.status, results: doc.results, stderr: run.stderr, seconds };
}

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const describe = (r: Result) => `${r.submission}: ${r.status} ${r.score}/${r.max_score} ${r.error ?? ""}\n` + r.exercises.map((e) => `  ${e.id} ${e.status} ${e.points}/${e.max_points} ${e.message ?? ""} ${e.flags.join("; ")}`).join("\n");

test("npm run student writes a stubbed copy of every lab, with its checks and their checksums", () => {
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

/** Digest of everything a submission must not change: the library, the kernel, the labs, the hidden tests, the
 * grader, the submissions themselves, and (by size and time) node_modules. */
function treeDigest(roots: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (p: string, deep: boolean) => {
    let st: fs.Stats;
    try { st = fs.lstatSync(p); } catch { return; }
    if (st.isDirectory()) { for (const f of fs.readdirSync(p)) walk(path.join(p, f), deep); return; }
    out.set(p, deep && st.isFile() ? crypto.createHash("sha256").update(fs.readFileSync(p)).digest("hex") : `${st.size}:${st.mtimeMs}:${st.mode}`);
  };
  for (const r of roots) walk(r, !r.endsWith("node_modules"));
  return out;
}

function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const diff: string[] = [];
  for (const [f, h] of before) if (after.get(f) !== h) diff.push(`${after.has(f) ? "changed" : "deleted"}: ${f}`);
  for (const f of after.keys()) if (!before.has(f)) diff.push(`added: ${f}`);
  return diff;
}

/** Processes that this file's grading runs started (sandboxes, kernels, what submissions spawned) and that are
 * still running: they carry RUN in their environment (the grader passes NNLABS_GRADE_RUN into every sandbox),
 * the test's temporary folder in their command line (the sandboxes' folders are there), or MARKER. Waits a
 * few seconds for processes that are being killed. */
function survivors(): string[] {
  let found: string[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    found = [];
    for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      let cmd = "", env = "";
      try { cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " "); } catch { continue; }
      try { env = fs.readFileSync(`/proc/${pid}/environ`, "utf8"); } catch { /* gone, or not ours */ }
      if ((cmd.includes(MARKER) || cmd.includes(tmp) || env.includes(`NNLABS_GRADE_RUN=${RUN}`)) && alive(Number(pid))) found.push(`${pid}: ${cmd.slice(0, 200)}`);
    }
    if (found.length === 0) return found;
    spawnSync("sleep", ["0.5"]);
  }
  return found;
}

// Files that are not notebooks this course can run, each with the one-line reason it must get.
const BAD_INPUT: Record<string, { bytes: Buffer | string; reason: RegExp }> = {
  empty: { bytes: "", reason: /empty: not a readable notebook/ },
  "not-a-notebook": { bytes: "{}", reason: /not a notebook/ },
  "bad-cells": { bytes: '{"cells": 5, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', reason: /no list of cells/ },
  nbformat5: { bytes: '{"cells": [], "metadata": {}, "nbformat": 5, "nbformat_minor": 0}', reason: /nbformat 5 is not supported/ },
  "no-nbformat": { bytes: '{"cells": [], "metadata": {}}', reason: /no "nbformat" field/ },
  latin1: { bytes: Buffer.from('{"cells": [], "metadata": {"author": "Ren\xe9"}, "nbformat": 4, "nbformat_minor": 5}', "latin1"), reason: /not UTF-8/ },
  binary: { bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), reason: /binary file/ },
  "source-number": { bytes: '{"cells": [{"cell_type": "code", "source": 5, "metadata": {}, "outputs": []}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', reason: /cell 0: source must be a string or a list of strings/ },
  "metadata-string": { bytes: '{"cells": [{"cell_type": "code", "source": "", "metadata": "x", "outputs": []}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', reason: /cell 0: metadata must be an object/ },
  "cell-type": { bytes: '{"cells": [{"cell_type": "program", "source": ""}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', reason: /cell 0: cell_type must be code, markdown or raw/ },
};

test("one run grades the fixtures, the attackers and the honest submissions: honest grades exact, no attacker above its honest work, nothing outside the sandbox changed, nothing left running", () => {
  const dir = path.join(tmp, "fixtures");
  const fixtures = [...makeFixtures(dir), ...makeAttacks(dir)];
  for (const [name, { bytes }] of Object.entries(BAD_INPUT)) fs.writeFileSync(path.join(dir, `${name}.ipynb`), bytes);
  fixtures.push(...Object.keys(BAD_INPUT).map((n) => path.join(dir, `${n}.ipynb`)));
  // Names whose graded copies collided before: a..b / ab, x/y / x__y.
  fs.mkdirSync(path.join(dir, "x"), { recursive: true });
  const clash = ["a..b.ipynb", "ab.ipynb", "x/y.ipynb", "x__y.ipynb"].map((f) => path.join(dir, f));
  for (const f of clash) fs.writeFileSync(f, "");
  fixtures.push(...clash);
  const roots = ["dist", "kernel", "notebooks", "grading", "scripts", "src", "node_modules", "build/student/dist"].map((r) => path.join(repo, r)).concat([dir]);
  const before = treeDigest(roots);
  const timeout = 20;
  const { status, results, seconds } = grade(fixtures, ["--jobs", "2", "--timeout", String(timeout), "--hidden-timeout", "10"]);
  assert.equal(status, 1, "the exit status should say that some submissions (the corrupt files) could not be graded");
  for (const r of results) console.log(`  ${path.basename(r.submission)}: ${r.status} ${r.score}/${r.max_score} in ${r.seconds} s (${r.sandbox ?? "-"})`);
  const by = Object.fromEntries(results.map((r) => [path.relative(dir, r.submission).replace(/\.ipynb$/, ""), r]));

  // Nothing outside the sandboxes changed, and nothing they started is still running.
  assert.deepEqual(changes(before, treeDigest(roots)), [], "a submission changed files outside its sandbox");
  const resultsFile = path.join(tmp, "graded", "results.json");
  const written = fs.readFileSync(resultsFile, "utf8");
  spawnSync("sleep", ["10"]); // the detached attacker rewrites results 8 s after it started
  assert.equal(fs.readFileSync(resultsFile, "utf8"), written, "results.json changed after the grader finished");
  assert.deepEqual(survivors(), [], "processes started by submissions outlived the grader");

  for (const [name, { reason }] of Object.entries(BAD_INPUT)) {
    const r = by[name];
    assert.equal(r.status, "invalid", describe(r));
    assert.match(r.error ?? "", reason, describe(r));
    assert.doesNotMatch(r.error ?? "", /\n|Traceback/, `${name}: the reason must be one line`);
    assert.equal(r.score, 0);
    assert.equal(r.sandbox, undefined, "an invalid file must not start a sandbox");
  }
  // Every submission has a result file of its own.
  const resultFiles = fs.readdirSync(path.join(tmp, "graded")).filter((f) => f.endsWith(".result.json"));
  assert.equal(resultFiles.length, fixtures.length, `result files: ${resultFiles.join(", ")}`);

  for (const r of results.filter((x) => x.status === "graded")) {
    assert.equal(r.sandbox, "bwrap", `${r.submission}: graded without bubblewrap (${r.sandbox}): install bubblewrap (scripts/setup.sh does) in a system that allows user namespaces`);
    assert.equal(r.graded_by, "hidden", describe(r));
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
        assert.equal(e.hidden!.passed, e.hidden!.total, info);
      }
      const flag = want.flags?.[e.id];
      if (flag) assert.ok(e.flags.some((f) => flag.test(f)), `${name} ${e.id}: no flag matching ${flag}\n${info}`);
      else assert.deepEqual(e.flags, [], info);
    }
    if (want.notebookFlag) assert.ok(r.flags.some((f) => want.notebookFlag!.test(f)), info);
    else assert.deepEqual(r.flags, [], info);
    // A timeout or a dead kernel costs a restart in the check and one in the first hidden call; nothing else does.
    assert.equal(r.restarts, name === "loops" || name === "kills-kernel" ? 2 : 0, info);
  }
  assert.ok(by["loops"].seconds < 240, `the looping submission took ${by["loops"].seconds} s with a ${timeout} s cell timeout`);

  for (const [name, h] of Object.entries(HONEST)) {
    const r = by[name];
    assert.equal(r.status, "graded", describe(r));
    assert.equal(r.score, h.score, describe(r));
  }
  for (const [name, a] of Object.entries(ATTACKERS)) {
    const r = by[`attack-${name}`];
    assert.ok(r, `no result for attack-${name}`);
    assert.ok(r.score <= a.honestScore, `attack-${name} (${a.note}) scored ${r.score}, more than its honest work (${a.honestScore})\n${describe(r)}`);
  }
  // The checks were fooled (the student's feedback), the marks were not.
  assert.equal(by["attack-patches-math"].exercises.find((e) => e.id === "rigid-sigmoid")!.check.passed, true, describe(by["attack-patches-math"]));
  assert.equal(by["attack-patches-require-cache"].exercises.filter((e) => e.check.passed).length, 4, describe(by["attack-patches-require-cache"]));
  assert.equal(by["attack-fakes-result"].status, "error", describe(by["attack-fakes-result"]));

  // Output beyond the caps is cut in the graded copies, with a note; the results stay small.
  const copyOf = (name: string) => path.join(tmp, "graded", fs.readdirSync(path.join(tmp, "graded")).find((f) => f.endsWith(`${name}.ipynb`))!);
  const graded = JSON.parse(fs.readFileSync(copyOf("prints-a-lot"), "utf8"));
  const check = graded.cells.find((c: { id: string }) => c.id === "check-count-mistakes");
  const text = check.outputs.filter((o: { output_type: string }) => o.output_type === "stream").map((o: { text: string | string[] }) => [o.text].flat().join("")).join("");
  assert.match(text, /\[grader: \d+ characters of stdout cut\]/);
  assert.ok(text.length < 30000, `check cell output kept ${text.length} characters`);
  assert.match(text, /✔ count-mistakes: passed/);
  const flood = fs.statSync(copyOf("attack-floods-output")).size;
  assert.ok(flood < 40 << 20, `the flooding submission's graded copy is ${flood >> 20} MB`);
  assert.ok(fs.statSync(resultsFile).size < 1 << 20, `results.json is ${fs.statSync(resultsFile).size} bytes`);
  // No graded copy shows the hidden calls.
  for (const f of fs.readdirSync(path.join(tmp, "graded")).filter((x) => x.endsWith(".ipynb"))) {
    assert.doesNotMatch(fs.readFileSync(path.join(tmp, "graded", f), "utf8"), /nnlabsHidden/, `${f} shows the hidden calls`);
  }
  console.log(`graded ${results.length} submissions in ${seconds.toFixed(0)} s`);
});

test("bad options are refused in one line before anything runs", () => {
  const some = path.join(repo, "notebooks", "01-perceptron.ipynb");
  const file = path.join(tmp, "a-file");
  fs.writeFileSync(file, "x");
  const cases: Array<[string[], RegExp]> = [
    [[some, "--max-restarts", "-1"], /--max-restarts must be 0 or more, not -1/],
    [[some, "--out", file], /--out .* is an existing file/],
    [[some, "--labs", path.join(tmp, "no-such-folder")], /--labs .*: no such folder/],
    [[some, "--jobs", "0"], /--jobs must be a positive number/],
  ];
  for (const [args, reason] of cases) {
    const run = spawnSync("bash", [path.join(repo, "scripts", "launch.sh"), "grade", ...args], { encoding: "utf8" });
    assert.equal(run.status, 2, `${args.join(" ")}: ${run.stderr}`);
    assert.match(run.stderr, reason);
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
  }
});

test("a memory bomb and a fork bomb are stopped at --memory-mb and --max-pids; the submission graded beside them gets its exact grade", (t) => {
  const dir = path.join(tmp, "resource");
  const files = makeResourceAttacks(dir);
  const out = path.join(tmp, "graded-resource");
  const { results } = grade(files, ["--jobs", "3", "--timeout", "60", "--memory-mb", String(RESOURCE_LIMITS.memoryMb), "--max-pids", String(RESOURCE_LIMITS.maxPids)], out);
  const by = Object.fromEntries(results.map((r) => [path.basename(r.submission, ".ipynb"), r]));
  for (const r of results) console.log(`  ${path.basename(r.submission)}: ${r.status} ${r.score}/${r.max_score} (${r.sandbox}, limits ${r.limits}, peak ${r.peak_memory_mb} MB) ${r.error ?? ""}`);
  assert.deepEqual(survivors(), [], "processes started by the fork bomb outlived the grader");
  assert.equal(by["honest-all"].status, "graded", describe(by["honest-all"]));
  assert.equal(by["honest-all"].score, HONEST["honest-all"].score, describe(by["honest-all"]));
  const limits = by["resource-memory-bomb"].limits ?? "";
  if (!limits.startsWith("cgroup")) {
    // Without a cgroup nothing bounds memory outside the heap, nor processes under bwrap: say so, and fail where one is expected.
    if (process.getuid?.() === 0) assert.fail(`graded as root without a cgroup (limits: ${limits}): the memory and process limits are not enforced here`);
    t.skip(`no cgroup for the grader here (limits: ${limits}); --memory-mb and --max-pids are not enforced`);
    return;
  }
  const bomb = by["resource-memory-bomb"];
  assert.equal(bomb.status, "error", `${RESOURCE_ATTACKS["memory-bomb"].note}: ${describe(bomb)}`);
  assert.match(bomb.error ?? "", new RegExp(`more than ${RESOURCE_LIMITS.memoryMb} MB of memory`), describe(bomb));
  assert.equal(bomb.score, 0);
  assert.ok((bomb.peak_memory_mb ?? Infinity) <= RESOURCE_LIMITS.memoryMb + 1, `peak ${bomb.peak_memory_mb} MB`);
  const forks = by["resource-fork-bomb"];
  assert.ok(forks.score <= HONEST["honest-all"].score, describe(forks));
  const copy = fs.readdirSync(out).find((f) => f.endsWith("resource-fork-bomb.ipynb"));
  assert.ok(copy, "no graded copy of the fork bomb");
  const said = /started (\d+) of 1000 processes/.exec(fs.readFileSync(path.join(out, copy!), "utf8"));
  assert.ok(said, `the fork bomb's cell printed no count: ${describe(forks)}`);
  console.log(`  the fork bomb started ${said![1]} of 1000 processes under --max-pids ${RESOURCE_LIMITS.maxPids}`);
  assert.ok(Number(said![1]) < RESOURCE_LIMITS.maxPids, `${said![1]} processes started under --max-pids ${RESOURCE_LIMITS.maxPids}`);
});

test("a submission that outlives --submission-timeout is stopped, kernel included", () => {
  const loops = path.join(tmp, "fixtures", "loops.ipynb");
  if (!fs.existsSync(loops)) makeFixtures(path.join(tmp, "fixtures"));
  const { status, results, seconds } = grade([loops], ["--timeout", "300", "--submission-timeout", "40"]);
  const r = results[0];
  assert.equal(status, 1);
  assert.equal(r.status, "error", describe(r));
  assert.match(r.error ?? "", /did not finish within 40 s/);
  assert.ok(seconds < 80, `took ${seconds} s`);
  assert.deepEqual(survivors(), [], "the sandbox's processes outlived the grader");
});

test("every reference lab grades 100% and every student copy 0% (each exercise not implemented)", () => {
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
