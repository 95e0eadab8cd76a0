/**
 * Writes the student copy of every lab (`npm run student -- [outDir] [labs...]`).
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
 * sit in a folder next to dist/ (e.g. notebooks/ of a course checkout) for its
 * `../dist/...` imports to resolve; the grader runs it there whatever its path.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

const REPO = path.resolve(__dirname, "..");
const BEGIN = /^(\s*)\/\/ BEGIN SOLUTION\s*$/;
const END = /^\s*\/\/ END SOLUTION\s*$/;

interface Cell { cell_type: string; id?: string; metadata: Record<string, any>; source: string | string[]; outputs?: unknown[]; execution_count?: number | null }
interface Notebook { cells: Cell[]; metadata: Record<string, any>; nbformat: number; nbformat_minor: number }

export const sourceOf = (cell: Cell): string => (Array.isArray(cell.source) ? cell.source.join("") : cell.source);

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

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  return lines.map((l, i) => (i < lines.length - 1 ? l + "\n" : l)).filter((l) => l !== "");
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

function main(argv: string[]): number {
  const args = argv.filter((a) => !a.startsWith("--"));
  if (argv.some((a) => a === "--help" || a === "-h")) {
    console.log("usage: npm run student -- [outDir] [notebooks/NN-topic.ipynb ...]   (default: build/student/, every lab)");
    return 0;
  }
  const outDir = path.resolve(args[0] ?? path.join(REPO, "build", "student"));
  const labsDir = path.join(REPO, "notebooks");
  const labs = args.length > 1 ? args.slice(1).map((p) => path.resolve(p)) : fs.readdirSync(labsDir).filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.join(labsDir, f));
  if (labs.some((p) => path.dirname(p) === outDir)) {
    console.error(`student: refusing to write into ${path.relative(REPO, outDir) || "."}: it holds the reference labs. Choose another folder.`);
    return 2;
  }
  fs.mkdirSync(outDir, { recursive: true });
  let failed = 0;
  for (const lab of labs) {
    const name = path.basename(lab, ".ipynb");
    try {
      const nb = studentCopy(JSON.parse(fs.readFileSync(lab, "utf8")), name);
      const out = path.join(outDir, `${name}.ipynb`);
      fs.writeFileSync(out, JSON.stringify(nb, null, 1) + "\n");
      const c = nb.metadata.course;
      console.log(`${path.relative(process.cwd(), out)}: ${Object.keys(c.checks).length} exercises, ${c.total_points} points`);
    } catch (e) {
      failed++;
      console.error(`student: ${(e as Error).message}`);
    }
  }
  return failed ? 1 : 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
