// The notebook contract (CONTRIBUTING.md, "The notebook contract"): the facts the labs, the library
// (TypeScript) and the runner and grader (Python, scripts/contract.py) share. Each side has one
// implementation of each fact; this test checks that the two agree, and that every lab follows the
// contract (the grader depends on it: its guard against shadowed checks re-imports exactly the check
// functions that a lab imports in the required form).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { isFast } from "../../src/mode";
import { passed } from "../../src/check";
import { BACKEND_PREFIX, HEADLINE_PREFIX, headline } from "../../src/headline";
import { describeBackend } from "../../src/backend";
import { checksum, sourceOf, stubSolution } from "../../scripts/student";

const REPO = path.resolve(__dirname, "..", "..");
const LABS = fs.readdirSync(path.join(REPO, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();

function python(args: string[]): any {
  const py = spawnSync("bash", [path.join(REPO, "scripts", "jupyter-python.sh")], { encoding: "utf8" }).stdout.trim() || "python3";
  const run = spawnSync(py, [path.join(REPO, "scripts", "contract.py"), ...args], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

function captured(f: () => void): string {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => { lines.push(a.join(" ")); };
  try { f(); } finally { console.log = log; }
  return lines.join("\n");
}

const VALUES = ["", "0", "false", "FALSE", "False", "1", "true", "TRUE", "yes", "0.0", "off"];
const py = python(["facts", ...VALUES]);

test("LABS_FAST means the same to the labs (src/mode.ts) and to the runner and grader", () => {
  const saved = process.env.LABS_FAST;
  try {
    for (const v of VALUES) {
      process.env.LABS_FAST = v;
      assert.equal(isFast(), py.fast[v], `LABS_FAST=${JSON.stringify(v)}`);
    }
    delete process.env.LABS_FAST;
    assert.equal(isFast(), py.fast_unset);
  } finally {
    if (saved === undefined) delete process.env.LABS_FAST; else process.env.LABS_FAST = saved;
  }
});

test("the pass line that passed() prints is the one the grader recognises", () => {
  assert.equal(py.pass["✔ neuron-output: passed"], "neuron-output");
  assert.equal(py.pass["✔ neuron-output: passed (51 neurons)"], "neuron-output");
  assert.equal(py.pass["✔ x: failed"], null);
  assert.equal(py.pass[" ✔ x: passed"], null, "only a line that starts with the mark counts");
  assert.equal(captured(() => passed("neuron-output")), "✔ neuron-output: passed");
  assert.equal(captured(() => passed("neuron-output", "51 neurons")), "✔ neuron-output: passed (51 neurons)");
});

test("the stub message, the check-cell checksum and the printed line prefixes agree", () => {
  assert.match(stubSolution("function f(): number {\n  // BEGIN SOLUTION\n  return 1;\n  // END SOLUTION\n}", "neuron-output", "x"),
    new RegExp(`throw new Error\\("${py.stub}"\\);`));
  assert.equal(checksum("checkΣ(f);\n"), py.checksum);
  assert.equal(BACKEND_PREFIX, py.backend_prefix);
  assert.equal(HEADLINE_PREFIX, py.headline_prefix);
  assert.ok(describeBackend({ name: "cpu", tfjsVersion: "4.22.0", skipped: [] }).startsWith(BACKEND_PREFIX));
  assert.ok(captured(() => headline("accuracy", 0.5)).startsWith(HEADLINE_PREFIX));
});

test("every lab follows the contract: paired exercises and checks with points, checks imported in the required form, the course kernel, a Backend line", () => {
  const labs = python(["lab", ...LABS.map((f) => path.join(REPO, "notebooks", f))]);
  for (const file of LABS) {
    const lab = labs[path.join(REPO, "notebooks", file)];
    const nb = JSON.parse(fs.readFileSync(path.join(REPO, "notebooks", file), "utf8"));
    const stem = file.replace(/\.ipynb$/, "");
    assert.equal(lab.kernel, "tslab", `${file}: kernelspec`);
    assert.deepEqual(Object.keys(lab.checks).sort(), [...lab.exercises].sort(), `${file}: every exercise needs one check and the reverse`);
    const code = nb.cells.filter((c: any) => c.cell_type === "code").map(sourceOf);
    assert.ok(code.some((s: string) => /await initBackend\(/.test(s)), `${file}: no cell calls initBackend() (it prints the ${BACKEND_PREFIX.trim()} line)`);
    for (const cell of nb.cells) {
      const check = cell.metadata?.course?.check;
      if (!check) continue;
      assert.ok(Number.isInteger(cell.metadata.course.points) && cell.metadata.course.points > 0, `${file} ${cell.id}: points`);
      // Every check function the cell calls must be one the grader re-imports, i.e. imported as
      // `import { … } from "../dist/exercises/<lab>";` in the lab.
      const called = [...new Set([...sourceOf(cell).matchAll(/\b(check[A-Z]\w*)\s*\(/g)].map((m) => m[1]))].sort();
      assert.ok(called.length > 0, `${file} ${cell.id}: a check cell must call a check function`);
      assert.deepEqual(lab.checks[check].functions, called, `${file} ${cell.id}: check functions not imported in the required form`);
      for (const name of called) {
        assert.ok(code.some((s: string) => new RegExp(`^import\\s*\\{[^}]*\\b${name}\\b[^}]*\\}\\s*from\\s*"\\.\\./dist/exercises/${stem.replace(/[.]/g, "\\.")}";?`, "m").test(s)),
          `${file}: ${name} must be imported from "../dist/exercises/${stem}"`);
      }
    }
  }
});
