/**
 * Writes the student release (`npm run student -- [outDir] [labs...]`), a
 * folder an instructor can publish as it is:
 * - notebooks/NN-topic.ipynb: the student copy of every lab (below);
 * - dist/: the course library without the reference implementations of the
 *   functions the exercises ask for (see "the student library" below);
 * - kernel/ and scripts/install-kernel.sh: the course's TypeScript kernel;
 * - package.json (the runtime dependencies) and README.md (docs/student-release.md).
 * Nothing from grading/ (the hidden tests) and no reference notebook goes in.
 *
 * In a student copy
 * - each `// BEGIN SOLUTION … // END SOLUTION` region of an exercise cell is
 *   replaced by `throw new Error("not implemented: <exercise>");` at the same
 *   indentation; the code around the markers (the function signature, starter
 *   code) stays;
 * - check cells keep their id (`check-<exercise>`) and metadata
 *   ({"course": {"check", "points"}}), and are marked read-only and undeletable
 *   for Jupyter (the grader does not rely on that: it restores every check from
 *   the source lab);
 * - no cell has outputs or an execution count;
 * - the notebook metadata records the source lab and, for each check, its
 *   points and the sha256 of its source, so the grader can tell a student's
 *   edit from a later change of the lab.
 *
 * Defaults: every notebooks/*.ipynb, written to build/student/. A copy must
 * sit in a folder next to dist/ (the release's notebooks/, or notebooks/ of a
 * course checkout) for its `../dist/...` imports to resolve; the grader runs
 * it there whatever its path.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

const REPO = path.resolve(__dirname, "..");
const BEGIN = /^(\s*)\/\/ BEGIN SOLUTION\s*$/;
const END = /^\s*\/\/ END SOLUTION\s*$/;

import { Cell, Notebook, sourceOf, splitLines } from "./notebook-json";
export { sourceOf };


/** The checksum the grader compares: sha256 of a check cell's source text (UTF-8). */
export const checksum = (source: string): string => crypto.createHash("sha256").update(source, "utf8").digest("hex");

/** Replaces each solution region of an exercise cell by a stub that throws "not implemented: <id>". */
export function stubSolution(source: string, id: string, where: string): string {
  const out: string[] = [];
  let inside = false;
  let regions = 0;
  for (const line of source.split("\n")) {
    const begin = BEGIN.exec(line);
    if (begin) {
      if (inside) throw new Error(`${where}: "// BEGIN SOLUTION" inside another solution region`);
      inside = true;
      regions++;
      out.push(`${begin[1]}throw new Error("not implemented: ${id}");`);
    } else if (END.test(line)) {
      if (!inside) throw new Error(`${where}: "// END SOLUTION" without a "// BEGIN SOLUTION" before it`);
      inside = false;
    } else if (!inside) out.push(line);
  }
  if (inside) throw new Error(`${where}: "// BEGIN SOLUTION" has no "// END SOLUTION"`);
  if (regions === 0) throw new Error(`${where}: an exercise cell needs a "// BEGIN SOLUTION … // END SOLUTION" region`);
  return out.join("\n");
}

/** What a written answer (a markdown cell with {"course": {"manual": ID, "points": N}}, lab 08) holds in a student copy. */
export function manualPlaceholder(id: string, points: number): string {
  return `**Your answer (\`${id}\`, ${points} point${points === 1 ? "" : "s"}):** write it here, in place of this line.`;
}


/** The student copy of one lab (a new object; the lab is not modified). */
export function studentCopy(lab: Notebook, labName: string): Notebook {
  const nb: Notebook = JSON.parse(JSON.stringify(lab));
  const checks: Record<string, { points: number; sha256: string }> = {};
  const exercises: string[] = [];
  const manual: Record<string, { points: number }> = {};
  for (const [i, cell] of nb.cells.entries()) {
    const course = cell.metadata?.course ?? {};
    const where = `${labName}, cell ${i}${cell.id ? ` (${cell.id})` : ""}`;
    const src = sourceOf(cell);
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
      delete cell.metadata.execution;
    }
    if (course.exercise !== undefined) {
      if (cell.cell_type !== "code") throw new Error(`${where}: an exercise cell must be a code cell`);
      if (exercises.includes(course.exercise)) throw new Error(`${where}: exercise "${course.exercise}" appears twice`);
      exercises.push(course.exercise);
      cell.source = splitLines(stubSolution(src, course.exercise, where));
    } else if (/\/\/ (BEGIN|END) SOLUTION/.test(src)) {
      throw new Error(`${where}: solution markers outside an exercise cell would leak the solution; give the cell {"course": {"exercise": ID}} metadata`);
    }
    if (course.manual !== undefined) {
      // A written answer: the reference answer is replaced by a placeholder.
      if (cell.cell_type !== "markdown") throw new Error(`${where}: a written answer ({"course": {"manual": ...}}) must be a markdown cell`);
      if (manual[course.manual]) throw new Error(`${where}: written answer "${course.manual}" appears twice`);
      if (typeof course.points !== "number" || !(course.points > 0)) throw new Error(`${where}: written answer "${course.manual}" needs positive "points" in its metadata`);
      manual[course.manual] = { points: course.points };
      cell.source = [manualPlaceholder(course.manual, course.points)];
    }
    if (course.check !== undefined) {
      if (cell.cell_type !== "code") throw new Error(`${where}: a check cell must be a code cell`);
      if (checks[course.check]) throw new Error(`${where}: check "${course.check}" appears twice`);
      const points = course.points;
      if (typeof points !== "number" || !(points > 0)) throw new Error(`${where}: check "${course.check}" needs positive "points" in its metadata`);
      checks[course.check] = { points, sha256: checksum(src) };
      // Jupyter (Notebook 6, JupyterLab) honours these: the cell cannot be edited or deleted by accident.
      cell.metadata.editable = false;
      cell.metadata.deletable = false;
    }
  }
  for (const id of exercises) if (!checks[id]) throw new Error(`${labName}: exercise "${id}" has no check cell ({"course": {"check": "${id}", "points": N}})`);
  for (const id of Object.keys(checks)) if (!exercises.includes(id)) throw new Error(`${labName}: check "${id}" has no exercise cell`);
  const total = Object.values(checks).reduce((s, c) => s + c.points, 0);
  nb.metadata.course = { ...(nb.metadata.course ?? {}), student_copy: true, source: labName, source_path: `notebooks/${labName}.ipynb`, total_points: total, checks, ...(Object.keys(manual).length ? { manual } : {}) };
  return nb;
}

// ------------------------------------------------------------------ the student library
//
// A function whose only job is to be the answer to an exercise carries a JSDoc
// tag `@answer <lab>/<exercise>` in src/. The student library leaves it out:
// - a tagged function that nothing else in its module uses is deleted;
// - one that its module uses (ACTIVATIONS uses sigmoidDeriv, trainPerceptron
//   uses perceptronUpdate) stays as a private function, no longer exported;
// - a barrel's `export { … } from` drops it;
// - another module importing a tagged function is a build error, so the rule
//   cannot be broken by accident.
// The exercise checks still need the reference answers. Each check module
// (src/exercises/*.ts) is bundled with esbuild, inlining the answer-bearing
// modules it imports (all pure float64 code) and keeping every other import
// as a require of the student library. The answers then exist only as
// minified code inside the check bundles, under no importable name. A student
// who reads that code can copy it; the grade does not rest on it (hidden tests
// and the forbid lists of grading/hidden/*.json do), and docs/instructors.md
// says so.

/** One `@answer` tag: the function, its source file (relative to src/) and the exercise it answers. */
export interface AnswerTag { name: string; file: string; exercise: string }

const SRC = path.join(REPO, "src");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

function answerOf(ts: typeof import("typescript"), node: import("typescript").Node): string | undefined {
  for (const tag of ts.getJSDocTags(node)) {
    if (tag.tagName.text === "answer") {
      const text = typeof tag.comment === "string" ? tag.comment : ts.getTextOfJSDocComment(tag.comment) ?? "";
      return text.trim().split(/\s+/)[0] || "?";
    }
  }
  return undefined;
}

/**
 * The student version of one module's source: every `@answer` function
 * removed, or made private when the module itself calls it.
 */
export function stripAnswers(ts: typeof import("typescript"), text: string, file: string): { text: string; answers: AnswerTag[] } {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2020, true);
  const edits: { start: number; end: number; replacement: string }[] = [];
  const answers: AnswerTag[] = [];
  for (const stmt of sf.statements) {
    if (!ts.isFunctionDeclaration(stmt) || !stmt.name) continue;
    const exercise = answerOf(ts, stmt);
    if (!exercise) continue;
    const name = stmt.name.text;
    answers.push({ name, file: path.relative(SRC, file), exercise });
    const exportKw = stmt.modifiers?.find((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exportKw) throw new Error(`${file}: ${name} is tagged @answer but not exported; the tag marks exported answers only.`);
    let usedHere = false;
    const visit = (n: import("typescript").Node): void => {
      if (usedHere) return;
      if (ts.isIdentifier(n) && n.text === name && n !== stmt.name) usedHere = true;
      else ts.forEachChild(n, visit);
    };
    ts.forEachChild(sf, visit);
    if (usedHere) edits.push({ start: exportKw.getStart(sf), end: exportKw.getEnd() + 1, replacement: "" });
    else edits.push({ start: stmt.getFullStart(), end: stmt.getEnd(), replacement: "" });
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.replacement + out.slice(e.end);
  return { text: out, answers };
}

/**
 * A barrel's `export { … } from "./x"` without the names that are answers in
 * ./x (`answersOf` maps a resolved source path to its answer names).
 */
export function stripReExports(ts: typeof import("typescript"), text: string, file: string, answersOf: (target: string) => Set<string>): string {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2020, true);
  const edits: { start: number; end: number; replacement: string }[] = [];
  for (const stmt of sf.statements) {
    if (!ts.isExportDeclaration(stmt) || !stmt.moduleSpecifier || !ts.isStringLiteral(stmt.moduleSpecifier) || !stmt.exportClause || !ts.isNamedExports(stmt.exportClause)) continue;
    const spec = stmt.moduleSpecifier.text;
    if (!spec.startsWith(".")) continue;
    const names = answersOf(path.resolve(path.dirname(file), spec) + ".ts");
    const keep = stmt.exportClause.elements.filter((e) => !names.has((e.propertyName ?? e.name).text));
    if (keep.length === stmt.exportClause.elements.length) continue;
    const replacement = keep.length ? `export { ${keep.map((e) => e.getText(sf)).join(", ")} } from ${stmt.moduleSpecifier.getText(sf)};` : "";
    edits.push({ start: stmt.getStart(sf), end: stmt.getEnd(), replacement });
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.replacement + out.slice(e.end);
  return out;
}

/** Every `@answer` tag in src/. */
export function answerTags(): AnswerTag[] {
  const ts = require("typescript") as typeof import("typescript");
  return sourceFiles(SRC).flatMap((f) => stripAnswers(ts, fs.readFileSync(f, "utf8"), f).answers);
}

function compilerOptions(ts: typeof import("typescript")): import("typescript").CompilerOptions {
  const cfg = ts.readConfigFile(path.join(REPO, "tsconfig.json"), ts.sys.readFile);
  if (cfg.error) throw new Error(`tsconfig.json: ${ts.flattenDiagnosticMessageText(cfg.error.messageText, "\n")}`);
  return ts.parseJsonConfigFileContent(cfg.config, ts.sys, REPO).options;
}

function compile(ts: typeof import("typescript"), files: string[], options: import("typescript").CompilerOptions, what: string): void {
  const program = ts.createProgram(files, options);
  const result = program.emit();
  const diags = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  if (diags.length) {
    const host = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: () => REPO, getNewLine: () => "\n" };
    throw new Error(`${what} does not compile:\n${ts.formatDiagnostics(diags, host)}` +
      "(A module that imports an @answer function cannot be in the student library: give it its own copy of the logic, or drop the tag.)");
  }
}

/**
 * Builds the student library into `outDist`: src/ compiled without the
 * `@answer` functions, the check modules bundled with their references, and
 * the non-compiled assets of dist/ (plotly.min.js, …). Needs `npm run build` first.
 */
export async function buildStudentDist(outDist: string): Promise<AnswerTag[]> {
  const ts = require("typescript") as typeof import("typescript");
  const esbuild = require("esbuild") as typeof import("esbuild");
  const dist = path.join(REPO, "dist");
  if (!fs.existsSync(path.join(dist, "backend.js"))) throw new Error("dist/ is not built: run npm run build first.");
  const work = fs.mkdtempSync(path.join(REPO, "build", ".student-src-"));
  try {
    fs.rmSync(outDist, { recursive: true, force: true });
    // 1. The library without the answers (the check modules come in step 3).
    const answers: AnswerTag[] = [];
    const exercisesDir = path.join(SRC, "exercises");
    const library = sourceFiles(SRC).filter((f) => path.dirname(f) !== exercisesDir);
    const texts = new Map<string, string>();
    for (const f of library) {
      const r = stripAnswers(ts, fs.readFileSync(f, "utf8"), f);
      answers.push(...r.answers);
      texts.set(f, r.text);
    }
    const answersOf = (target: string) => new Set(answers.filter((a) => path.join(SRC, a.file) === target).map((a) => a.name));
    const stripped: string[] = [];
    for (const f of library) {
      const out = path.join(work, "src", path.relative(SRC, f));
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, stripReExports(ts, texts.get(f)!, f, answersOf));
      stripped.push(out);
    }
    const base = compilerOptions(ts);
    compile(ts, stripped, { ...base, rootDir: path.join(work, "src"), outDir: outDist, sourceMap: false, declarationMap: false }, "the student library");
    // 2. Declarations of the check modules (their types: Image, LayerWeights, AdamState, …), from `npm run build`.
    fs.mkdirSync(path.join(outDist, "exercises"), { recursive: true });
    for (const f of sourceFiles(exercisesDir)) {
      const decl = path.join(dist, "exercises", path.basename(f, ".ts") + ".d.ts");
      if (!fs.existsSync(decl) || fs.statSync(decl).mtimeMs < fs.statSync(f).mtimeMs) throw new Error(`${path.relative(REPO, decl)} is missing or older than its source: run npm run build first.`);
      fs.copyFileSync(decl, path.join(outDist, "exercises", path.basename(decl)));
    }
    // 3. The check modules, with the answer-bearing modules they import inlined.
    const withAnswers = new Set(answers.map((a) => path.join(SRC, a.file)));
    const entries = sourceFiles(exercisesDir);
    for (const entry of entries) {
      await esbuild.build({
        entryPoints: [entry], outfile: path.join(outDist, "exercises", path.basename(entry, ".ts") + ".js"),
        bundle: true, packages: "external", platform: "node", format: "cjs", target: "es2020", minify: true, legalComments: "none", logLevel: "error",
        plugins: [{
          name: "student-library",
          setup(build) {
            build.onResolve({ filter: /^\.\.?\// }, (args) => {
              const target = path.resolve(args.resolveDir, args.path) + ".ts";
              if (!target.startsWith(SRC + path.sep)) return { errors: [{ text: `${args.importer} imports ${args.path}, outside src/` }] };
              if (withAnswers.has(target)) return { path: target }; // inlined: its answers must not be importable
              let rel = path.relative(exercisesDir, target).replace(/\.ts$/, "").split(path.sep).join("/");
              if (!rel.startsWith(".")) rel = "./" + rel;
              return { path: rel, external: true }; // the student library's own module
            });
          },
        }],
      });
    }
    // 4. Assets that tsc does not make (plotly.min.js, …).
    const copyAssets = (from: string, rel = ""): void => {
      for (const e of fs.readdirSync(path.join(from, rel), { withFileTypes: true })) {
        const r = path.join(rel, e.name);
        if (e.isDirectory()) { copyAssets(from, r); continue; }
        const stem = r.replace(/(\.d\.ts|\.js\.map|\.d\.ts\.map|\.js)$/, "");
        if (stem !== r && fs.existsSync(path.join(SRC, stem + ".ts"))) continue; // compiled from src/
        fs.mkdirSync(path.dirname(path.join(outDist, r)), { recursive: true });
        fs.copyFileSync(path.join(from, r), path.join(outDist, r));
      }
    };
    copyAssets(dist);
    return answers;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The release's package.json: what a student's `npm install` needs to run the labs. */
function releasePackage(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
  const out = {
    name: `${pkg.name}-student`, version: pkg.version, private: true, description: `${pkg.description} (student release)`, license: pkg.license,
    engines: pkg.engines, dependencies: pkg.dependencies, optionalDependencies: pkg.optionalDependencies, allowScripts: pkg.allowScripts,
  };
  return JSON.stringify(out, null, 2) + "\n";
}

async function main(argv: string[]): Promise<number> {
  const args = argv.filter((a) => !a.startsWith("--"));
  if (argv.some((a) => a === "--help" || a === "-h")) {
    console.log("usage: npm run student -- [outDir] [notebooks/NN-topic.ipynb ...] [--no-dist]\n" +
      "  writes outDir/notebooks/*.ipynb (student copies), outDir/dist/ (the library without the exercises' answers),\n" +
      "  outDir/package.json and outDir/README.md (default outDir: build/student/, every lab; --no-dist: notebooks only)");
    return 0;
  }
  const outDir = path.resolve(args[0] ?? path.join(REPO, "build", "student"));
  const labsDir = path.join(REPO, "notebooks");
  const labs = args.length > 1 ? args.slice(1).map((p) => path.resolve(p)) : fs.readdirSync(labsDir).filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.join(labsDir, f));
  const nbDir = path.join(outDir, "notebooks");
  const inside = (p: string, dir: string) => p === dir || p.startsWith(dir + path.sep);
  if (labs.some((p) => path.dirname(p) === nbDir) || inside(REPO, outDir) || inside(path.join(REPO, "grading"), outDir) || inside(outDir, path.join(REPO, "src"))) {
    console.error(`student: refusing to write into ${path.relative(REPO, outDir) || "."}: it holds the course's own files. Choose another folder (default build/student).`);
    return 2;
  }
  fs.mkdirSync(nbDir, { recursive: true });
  let failed = 0;
  for (const lab of labs) {
    const name = path.basename(lab, ".ipynb");
    try {
      const nb = studentCopy(JSON.parse(fs.readFileSync(lab, "utf8")), name);
      const out = path.join(nbDir, `${name}.ipynb`);
      fs.writeFileSync(out, JSON.stringify(nb, null, 1) + "\n");
      const c = nb.metadata.course;
      console.log(`${path.relative(process.cwd(), out)}: ${Object.keys(c.checks).length} exercises, ${c.total_points} points`);
    } catch (e) {
      failed++;
      console.error(`student: ${(e as Error).message}`);
    }
  }
  if (!argv.includes("--no-dist")) {
    try {
      const answers = await buildStudentDist(path.join(outDir, "dist"));
      fs.writeFileSync(path.join(outDir, "package.json"), releasePackage());
      // The course kernel (tslab with Jupyter-protocol errors and rich output) and its installer.
      fs.mkdirSync(path.join(outDir, "kernel"), { recursive: true });
      for (const f of fs.readdirSync(path.join(REPO, "kernel")).filter((f) => f.endsWith(".js"))) fs.copyFileSync(path.join(REPO, "kernel", f), path.join(outDir, "kernel", f));
      fs.mkdirSync(path.join(outDir, "scripts"), { recursive: true });
      fs.copyFileSync(path.join(REPO, "scripts", "install-kernel.sh"), path.join(outDir, "scripts", "install-kernel.sh"));
      fs.copyFileSync(path.join(REPO, "docs", "student-release.md"), path.join(outDir, "README.md"));
      console.log(`${path.relative(process.cwd(), path.join(outDir, "dist"))}: the library without ${answers.length} answer functions (${answers.map((a) => a.name).join(", ")})`);
    } catch (e) {
      failed++;
      console.error(`student: ${(e as Error).message}`);
    }
  }
  return failed ? 1 : 0;
}

if (require.main === module) main(process.argv.slice(2)).then((code) => process.exit(code));
