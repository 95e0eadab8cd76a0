// The headless runner (scripts/run_notebooks.py) on notebooks that fail on
// purpose: each failure is reported with its notebook and cell, within the
// timeouts, the run exits non-zero, and no kernel process is left behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as os from "node:os";

const repo = path.resolve(__dirname, "..", "..");
const fixtures = path.join(repo, "test", "fixtures", "notebooks");

interface Result { notebook: string; status: string; cell: number | null; error: string | null; seconds: number; kernel_pid?: number }

function alive(pid: number): boolean {
  try { process.kill(pid, 0); } catch { return false; }
  // A zombie is not a live kernel; treat it as gone.
  const stat = fs.existsSync(`/proc/${pid}/stat`) ? fs.readFileSync(`/proc/${pid}/stat`, "utf8") : "";
  return !/^\d+ \(.*\) Z/.test(stat);
}

test("the runner reports throwing, type-error, hanging and dying notebooks, and cleans up", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "runner-"));
  const names = ["passes", "prints-a-lot", "throws", "type-error", "hangs", "kills-kernel"];
  const t0 = Date.now();
  const run = spawnSync("bash", [path.join(repo, "scripts", "launch.sh"), "notebooks", ...names.map((n) => path.join(fixtures, `${n}.ipynb`)), "--timeout", "8", "--jobs", "2", "--out", out], { encoding: "utf8" });
  const elapsed = (Date.now() - t0) / 1000;
  assert.equal(run.status, 1, `runner should exit 1 when notebooks fail; stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  assert.ok(elapsed < 180, `runner took ${elapsed}s; the 8 s cell timeout should bound it`);
  assert.match(run.stdout, /notebooks: 2 passed, 4 failed/);

  const summary = JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8")) as { results: Result[] };
  const by = Object.fromEntries(summary.results.map((r) => [path.basename(r.notebook, ".ipynb"), r]));
  assert.equal(by["passes"].status, "ok");
  // 20,000 lines from one cell: the kernel queues its messages instead of dying.
  assert.equal(by["prints-a-lot"].status, "ok", `prints-a-lot: ${by["prints-a-lot"].error}`);
  const printed = JSON.parse(fs.readFileSync(path.join(out, "prints-a-lot.ipynb"), "utf8"));
  const text = printed.cells[1].outputs.map((o: { text?: string[] | string }) => (Array.isArray(o.text) ? o.text.join("") : o.text ?? "")).join("");
  assert.equal(text.split("\n").filter(Boolean).length, 20000);
  assert.equal(by["throws"].status, "error");
  assert.equal(by["throws"].cell, 2);
  assert.match(by["throws"].error ?? "", /fixture failure: this cell throws on purpose/);
  assert.equal(by["type-error"].status, "error");
  assert.equal(by["type-error"].cell, 1);
  assert.match(by["type-error"].error ?? "", /Type 'string' is not assignable to type 'number'/);
  assert.equal(by["hangs"].status, "timeout");
  assert.equal(by["hangs"].cell, 1);
  assert.equal(by["kills-kernel"].status, "kernel died");
  assert.equal(by["kills-kernel"].cell, 1);

  // The table names each failing notebook with its cell.
  for (const n of ["throws", "type-error", "hangs", "kills-kernel"]) assert.match(run.stdout, new RegExp(`${n}\\.ipynb\\s+\\S`));
  // Executed copies go to the output folder, not back to the fixtures.
  for (const n of names) assert.ok(fs.existsSync(path.join(out, `${n}.ipynb`)), `executed copy of ${n} missing`);
  const src = JSON.parse(fs.readFileSync(path.join(fixtures, "throws.ipynb"), "utf8"));
  assert.ok(src.cells.every((c: { outputs?: unknown[] }) => !c.outputs || c.outputs.length === 0), "fixture was written back with outputs");

  // No kernel left behind.
  for (const r of summary.results) {
    assert.ok(typeof r.kernel_pid === "number", `no kernel pid recorded for ${r.notebook}`);
    assert.ok(!alive(r.kernel_pid!), `kernel ${r.kernel_pid} of ${r.notebook} is still running`);
  }
});

test("the runner refuses a missing notebook with a clear message", () => {
  const run = spawnSync("bash", [path.join(repo, "scripts", "launch.sh"), "notebooks", "no/such.ipynb"], { encoding: "utf8" });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /no such notebook: no\/such\.ipynb/);
});

test("the runner and the grader refuse a kernel registered from a checkout that is gone, saying how to fix it", () => {
  // A kernelspec in JUPYTER_PATH wins over the user's; this one points at a deleted checkout.
  const jp = fs.mkdtempSync(path.join(os.tmpdir(), "nn-labs-jp-"));
  fs.mkdirSync(path.join(jp, "kernels", "tslab"), { recursive: true });
  const gone = path.join(jp, "deleted-checkout", "kernel", "main.js");
  fs.writeFileSync(path.join(jp, "kernels", "tslab", "kernel.json"), JSON.stringify({
    argv: [process.execPath, gone, "--config-path", "{connection_file}"], display_name: "TypeScript", language: "typescript",
  }));
  try {
    for (const script of ["notebooks", "grade"]) {
      const run = spawnSync("bash", [path.join(repo, "scripts", "launch.sh"), script, path.join(fixtures, "passes.ipynb")], { encoding: "utf8", env: { ...process.env, JUPYTER_PATH: jp } });
      assert.equal(run.status, 2, `${script}: ${run.stdout}${run.stderr}`);
      assert.ok(run.stderr.includes(`runs ${gone}, which does not exist`), `${script}: ${run.stderr}`);
      assert.match(run.stderr, /scripts\/install-kernel\.sh/);
    }
  } finally {
    fs.rmSync(jp, { recursive: true, force: true });
  }
});

test("past its hard per-notebook limit the runner kills the notebook and its kernel", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "runner-"));
  const run = spawnSync("bash", [path.join(repo, "scripts", "launch.sh"), "notebooks", path.join(fixtures, "hangs.ipynb"), "--timeout", "600", "--notebook-timeout", "15", "--out", out], { encoding: "utf8", timeout: 120_000 });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  const [r] = (JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8")) as { results: Result[] }).results;
  assert.equal(r.status, "timeout");
  assert.match(r.error ?? "", /did not finish within 15 s/);
  assert.ok(typeof r.kernel_pid === "number", "the kernel's pid should be reported");
  assert.ok(!alive(r.kernel_pid!), `kernel ${r.kernel_pid} is still running`);
});

test("the runner refuses bad input with a one-line reason: nbformat 5, no nbformat, non-UTF-8, binary, wrong-type cells, another kernel", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runner-bad-"));
  const nb = (cells: unknown[], metadata: unknown = {}, nbformat: unknown = 4) => JSON.stringify({ cells, metadata, nbformat, nbformat_minor: 5 });
  const bad: Record<string, [Buffer | string, RegExp]> = {
    nbformat5: [nb([], {}, 5), /nbformat 5 is not supported/],
    "no-nbformat": ['{"cells": [], "metadata": {}}', /no "nbformat" field/],
    latin1: [Buffer.from(nb([], { author: "Ren\xe9" }), "latin1"), /not UTF-8/],
    binary: [Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]), /binary file/],
    "source-number": [nb([{ cell_type: "code", source: 5, metadata: {}, outputs: [] }]), /cell 0: source must be a string or a list of strings/],
    "metadata-list": [nb([{ cell_type: "markdown", source: "", metadata: [] }]), /cell 0: metadata must be an object/],
    python: [nb([{ cell_type: "code", source: "print(1)", metadata: {}, outputs: [], execution_count: null, id: "a" }], { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } }), /kernel is 'python3', not the course's 'tslab'/],
  };
  for (const [name, [bytes]] of Object.entries(bad)) fs.writeFileSync(path.join(dir, `${name}.ipynb`), bytes);
  const out = path.join(dir, "out");
  const run = spawnSync("bash", [path.join(repo, "scripts", "launch.sh"), "notebooks", ...Object.keys(bad).map((n) => path.join(dir, `${n}.ipynb`)), "--out", out], { encoding: "utf8" });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  const { results } = JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8")) as { results: Result[] };
  for (const r of results) {
    const [, reason] = bad[path.basename(r.notebook, ".ipynb")];
    assert.equal(r.status, "invalid", `${r.notebook}: ${r.error}`);
    assert.match(r.error ?? "", reason);
    assert.doesNotMatch(r.error ?? "", /\n|Traceback/);
  }
  assert.doesNotMatch(run.stderr, /Traceback/);
  fs.rmSync(dir, { recursive: true, force: true });
});
