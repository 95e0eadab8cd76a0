// The student release (npm run student): the library it ships exports none of
// the exercises' answers (the @answer tags of src/) nor any name a hidden test
// forbids, except the lesson tools listed below; its notebooks import only
// what that library exports; and it holds no reference notebook and nothing
// from grading/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import ts from "typescript";
import { answerTags, buildStudentDist, stripAnswers, stripReExports, studentCopy } from "../../scripts/student";

const repo = path.resolve(__dirname, "..", "..");
let out = "";
let dist = "";

/**
 * Names some exercise forbids that stay in the student library, because a lab
 * teaches with them in another role. The grader zeros a solution that calls one.
 */
const LESSON_TOOLS: Record<string, string> = {
  softmax: "lab 04 computes with it (03b's exercise forbids it)",
  softmaxRows: "lab 04's batched softmax",
  logSoftmax: "lab 04 shows the stable log-softmax",
  logSoftmaxRows: "its batched form",
  softmaxJacobian: "lab 03b's lesson on the softmax's gradient",
  categoricalCrossEntropy: "lab 04 reads the lecture's tables with it (base 10)",
  crossEntropyFromLogits: "lab 04 trains with it",
  focalLossFromLogits: "lab 04 trains with it",
  balancedCrossEntropy: "a loss of lab 04",
  denseLayerParams: "lab 06 counts a dense layer with it",
  ACTIVATIONS: "lab 03b plots every activation and its derivative from it",
  numericalDerivative: "lab 03 checks gradients with it",
  numericalGradient: "lab 03",
  gradientCheck: "lab 03",
  gradientTable: "lab 03",
  Value: "lab 03's autograd",
  HandMlp: "lab 03's network",
  momentum: "lab 05 races the optimizers",
  Momentum: "its class",
  adam: "lab 05 races the optimizers",
  Adam: "its class",
  sgdTimeDecay: "lab 07 trains with it",
  step: "labs 02 and 03b use the step activation",
  accuracyOf: "lab 01 reports the perceptron's accuracy with it (its count-mistakes exercise forbids it)",
  trainPerceptron: "lab 01 trains with it",
  classificationReport: "labs 04 and 07 print it",
  bestTrial: "lab 07's search",
  trainModel: "every lab from 06 on trains with it",
};

before(async () => {
  // Inside the checkout, so that the library's require("@tensorflow/tfjs") finds node_modules.
  fs.mkdirSync(path.join(repo, "build"), { recursive: true });
  out = fs.mkdtempSync(path.join(repo, "build", ".test-student-"));
  dist = path.join(out, "dist");
  await buildStudentDist(dist);
});
after(() => fs.rmSync(out, { recursive: true, force: true }));

/** Every name each student-library module exports at run time, from a child node process. */
function runtimeExports(): Record<string, string[]> {
  const script = `
    const fs = require("fs"), path = require("path");
    const dist = process.argv[1], out = {};
    const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p); else if (e.name.endsWith(".js") && !e.name.endsWith(".min.js")) out[path.relative(dist, p)] = Object.keys(require(p));
    });
    walk(dist);
    process.stdout.write(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ["-e", script, dist], { encoding: "utf8", cwd: repo, maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.slice(r.stdout.indexOf("{")));
}

/** The names each module's declarations export (export * followed). */
function declaredExports(): Map<string, Set<string>> {
  const files: string[] = [];
  const walk = (d: string): void => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p); else if (e.name.endsWith(".d.ts")) files.push(p);
  });
  walk(dist);
  const program = ts.createProgram(files, { skipLibCheck: true, noEmit: true, moduleResolution: ts.ModuleResolutionKind.Node10 });
  const checker = program.getTypeChecker();
  const out = new Map<string, Set<string>>();
  for (const f of files) {
    const sf = program.getSourceFile(f)!;
    const sym = checker.getSymbolAtLocation(sf);
    out.set(path.relative(dist, f).replace(/\.d\.ts$/, ""), new Set(sym ? checker.getExportsOfModule(sym).map((s) => s.name) : []));
  }
  return out;
}

function forbidden(): Map<string, string[]> {
  const dir = path.join(repo, "grading", "hidden");
  const out = new Map<string, string[]>();
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    const doc = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
    for (const [id, ex] of Object.entries(doc.exercises as Record<string, { forbid?: string[] }>)) {
      for (const name of ex.forbid ?? []) out.set(name, [...(out.get(name) ?? []), `${doc.lab}/${id}`]);
    }
  }
  return out;
}

test("stripAnswers deletes an unused answer and keeps a used one private", () => {
  const src = [
    "/** @answer lab/one */", "export function one(): number { return 1; }",
    "/** @answer lab/two */", "export function two(): number { return 2; }",
    "export function three(): number { return two() + 1; }",
  ].join("\n");
  const r = stripAnswers(ts, src, path.join(repo, "src", "x.ts"));
  assert.deepEqual(r.answers.map((a) => [a.name, a.exercise]), [["one", "lab/one"], ["two", "lab/two"]]);
  assert.doesNotMatch(r.text, /function one/);
  assert.match(r.text, /\nfunction two\(\)/);
  assert.match(r.text, /export function three/);
});

test("stripReExports drops an answer from a barrel and keeps the rest", () => {
  const text = 'export { Scaler, fitScaler, applyScaler as apply } from "./scaler";\nexport { other } from "./other";\n';
  const out = stripReExports(ts, text, path.join(repo, "src", "data", "index.ts"), (t) => new Set(t.endsWith("scaler.ts") ? ["fitScaler", "applyScaler"] : []));
  assert.equal(out, 'export { Scaler } from "./scaler";\nexport { other } from "./other";\n');
});

test("the student library exports no @answer function, at run time or in its types", () => {
  const answers = answerTags();
  assert.ok(answers.length >= 19, `expected the exercises' answers to be tagged, found ${answers.length}`);
  const names = new Set(answers.map((a) => a.name));
  const leaks: string[] = [];
  for (const [mod, keys] of Object.entries(runtimeExports())) for (const k of keys) if (names.has(k)) leaks.push(`${mod} exports ${k}`);
  for (const [mod, keys] of declaredExports()) for (const k of keys) if (names.has(k)) leaks.push(`${mod}.d.ts declares ${k}`);
  assert.deepEqual(leaks, []);
  // The answers really were in the full library: the test would catch a leak.
  const full = fs.readFileSync(path.join(repo, "dist", "scratch", "conv.js"), "utf8");
  assert.match(full, /exports\.conv2dReference = conv2dReference/);
});

test("a forbidden name is exported only when a lab teaches with it in another role", () => {
  const exported = new Set(Object.values(runtimeExports()).flat());
  const unexplained = [...forbidden()].filter(([name]) => exported.has(name) && !LESSON_TOOLS[name]).map(([name, where]) => `${name} (forbidden in ${where.join(", ")})`);
  assert.deepEqual(unexplained, [], "forbidden names the student library still exports without a reason in LESSON_TOOLS");
});

test("the checks still work from the student library, and reject a wrong answer", () => {
  const script = `
    const conv = require(process.argv[1] + "/exercises/06-cnn.js");
    const log = console.log; let said = ""; console.log = (m) => { said += m; };
    conv.checkConvOutputSize((n, f, p, s) => Math.floor((n + 2 * p - f) / s) + 1);
    let err = "";
    try { conv.checkConvOutputSize((n, f, p, s) => (n + 2 * p - f) / s + 1); } catch (e) { err = e.message; }
    console.log = log;
    process.stdout.write(JSON.stringify({ said, err }));`;
  const r = spawnSync(process.execPath, ["-e", script, dist], { encoding: "utf8", cwd: repo });
  assert.equal(r.status, 0, r.stderr);
  const { said, err } = JSON.parse(r.stdout);
  assert.match(said, /✔ conv-output-size: passed/);
  assert.match(err, /^conv-output-size: N=\d+, F=\d+, P=\d+, S=\d+ gives \d+, your function returned \d+\.5000\. \(Round down/);
});

test("every student notebook imports only names the student library exports", () => {
  const declared = declaredExports();
  const missing: string[] = [];
  for (const f of fs.readdirSync(path.join(repo, "notebooks")).filter((f) => f.endsWith(".ipynb"))) {
    const nb = studentCopy(JSON.parse(fs.readFileSync(path.join(repo, "notebooks", f), "utf8")), path.basename(f, ".ipynb"));
    for (const cell of nb.cells) {
      const src = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      for (const m of src.matchAll(/import\s*\{([^}]*)\}\s*from\s*"\.\.\/dist\/([^"]+)"/g)) {
        const mod = declared.get(m[2]) ?? declared.get(`${m[2]}/index`);
        for (const raw of m[1].split(",").map((s) => s.trim()).filter(Boolean)) {
          const name = raw.replace(/^type\s+/, "").split(/\s+as\s+/)[0];
          if (!mod || !mod.has(name)) missing.push(`${f}: ${name} from ../dist/${m[2]}`);
        }
      }
    }
  }
  assert.deepEqual(missing, []);
});

test("the release holds no reference notebook and nothing from grading/", async () => {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(repo, "scripts", "student.ts"), out, "--no-dist"], { encoding: "utf8", cwd: repo });
  assert.equal(r.status, 0, r.stderr);
  const all: string[] = [];
  const walk = (d: string): void => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p); else all.push(path.relative(out, p));
  });
  walk(out);
  assert.ok(all.some((p) => p.startsWith("notebooks/")), "no notebooks written");
  assert.deepEqual(all.filter((p) => p.startsWith("grading") || (p.endsWith(".json") && p !== "package.json")), []);
  // and no hidden test's call text anywhere in it
  const call = JSON.parse(fs.readFileSync(path.join(repo, "grading", "hidden", "06-cnn.json"), "utf8")).exercises["conv-params"].cases[0].call;
  assert.ok(!all.some((p) => fs.readFileSync(path.join(out, p), "utf8").includes(call)), "a hidden test's call is in the release");
  for (const p of all.filter((p) => p.endsWith(".ipynb"))) {
    const nb = JSON.parse(fs.readFileSync(path.join(out, p), "utf8"));
    assert.equal(nb.metadata.course?.student_copy, true, `${p} is not a student copy`);
    const text = nb.cells.map((c: { source: string[] }) => c.source.join("")).join("\n");
    assert.doesNotMatch(text, /BEGIN SOLUTION/, `${p} still holds a solution`);
  }
  const bundles = all.filter((p) => p.startsWith("dist/"));
  assert.ok(bundles.length > 20, "the library was not built");
});
