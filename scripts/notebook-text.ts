/**
 * Authoring aid: converts a lab between .ipynb and a plain-text "percent"
 * form that is easy to write and diff (like jupytext's, for TypeScript).
 *
 *   npx tsx scripts/notebook-text.ts to-ipynb lab.ts notebooks/NN-topic.ipynb
 *   npx tsx scripts/notebook-text.ts to-text notebooks/NN-topic.ipynb lab.ts
 *
 * Cell markers, each on a line of its own:
 *   // %% [markdown]                    a markdown cell; its lines start with "// "
 *   // %%                               a code cell
 *   // %% [exercise id=NAME]            the exercise's solution cell
 *   // %% [check id=NAME points=N]      the check cell that grades exercise NAME
 *   // %% [manual id=NAME points=N]     a written answer (markdown) the instructor marks by hand (lab 08)
 * The .ipynb written has no outputs and no execution counts.
 */
import * as fs from "fs";
import { splitLines } from "./notebook-json";

export interface CellMeta { exercise?: string; check?: string; manual?: string; points?: number }
interface NbCell { cell_type: "markdown" | "code"; id: string; metadata: Record<string, unknown>; source: string[]; outputs?: unknown[]; execution_count?: null }

export const KERNELSPEC = { name: "tslab", display_name: "TypeScript", language: "typescript" };
export const LANGUAGE_INFO = { name: "typescript", file_extension: ".ts", mimetype: "text/typescript", codemirror_mode: { name: "javascript", typescript: true } };


export function textToNotebook(text: string): object {
  const cells: NbCell[] = [];
  let kind: "markdown" | "code" | undefined;
  let meta: CellMeta = {};
  let body: string[] = [];
  const flush = () => {
    if (kind === undefined) return;
    while (body.length && body[0].trim() === "") body.shift();
    while (body.length && body[body.length - 1].trim() === "") body.pop();
    const src = kind === "markdown" ? body.map((l) => l.replace(/^\/\/ ?/, "")) : body;
    const n = cells.length;
    const id = meta.exercise ? `exercise-${meta.exercise}` : meta.check ? `check-${meta.check}` : meta.manual ? `manual-${meta.manual}` : `cell-${n}`;
    const cell: NbCell = { cell_type: kind, id, metadata: {}, source: splitLines(src.join("\n").replace(/\n+$/, "")) };
    if (meta.exercise) cell.metadata.course = { exercise: meta.exercise };
    if (meta.check) cell.metadata.course = { check: meta.check, points: meta.points ?? 1 };
    if (meta.manual) cell.metadata.course = { manual: meta.manual, points: meta.points ?? 1 };
    if (kind === "code") { cell.outputs = []; cell.execution_count = null; }
    cells.push(cell);
  };
  for (const line of text.split("\n")) {
    const m = /^\/\/ %%(?: \[(\w+)([^\]]*)\])?\s*$/.exec(line);
    if (m) {
      flush();
      body = [];
      meta = {};
      const tag = m[1];
      const attrs = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)=(\S+)/g)].map((a) => [a[1], a[2]]));
      if (tag === "markdown") kind = "markdown";
      else if (tag === "manual") {
        kind = "markdown";
        if (!attrs.id) throw new Error(`marker needs id=NAME: ${line}`);
        meta.manual = attrs.id;
        meta.points = attrs.points ? Number(attrs.points) : 1;
      } else {
        kind = "code";
        if (tag === "exercise") meta.exercise = attrs.id;
        else if (tag === "check") { meta.check = attrs.id; meta.points = attrs.points ? Number(attrs.points) : 1; }
        else if (tag !== undefined) throw new Error(`unknown cell marker [${tag}] in: ${line}`);
        if ((tag === "exercise" || tag === "check") && !attrs.id) throw new Error(`marker needs id=NAME: ${line}`);
      }
      continue;
    }
    if (kind === undefined) { if (line.trim() === "") continue; throw new Error(`text before the first "// %%" marker: ${line}`); }
    body.push(line);
  }
  flush();
  return { cells, metadata: { kernelspec: KERNELSPEC, language_info: LANGUAGE_INFO }, nbformat: 4, nbformat_minor: 5 };
}

export function notebookToText(nb: { cells: NbCell[] }): string {
  const out: string[] = [];
  for (const cell of nb.cells) {
    const src = Array.isArray(cell.source) ? cell.source.join("") : String(cell.source);
    const course = (cell.metadata?.course ?? {}) as CellMeta;
    if (cell.cell_type === "markdown") {
      out.push(course.manual ? `// %% [manual id=${course.manual} points=${course.points ?? 1}]` : "// %% [markdown]", ...src.split("\n").map((l) => (l ? `// ${l}` : "//")));
    } else {
      if (course.exercise) out.push(`// %% [exercise id=${course.exercise}]`);
      else if (course.check) out.push(`// %% [check id=${course.check} points=${course.points ?? 1}]`);
      else out.push("// %%");
      out.push(...src.split("\n"));
    }
    out.push("");
  }
  return out.join("\n");
}

if (require.main === module) {
  const [cmd, from, to] = process.argv.slice(2);
  if (!cmd || !from || !to || !["to-ipynb", "to-text"].includes(cmd)) {
    console.error("usage: notebook-text.ts to-ipynb|to-text <from> <to>");
    process.exit(2);
  }
  const input = fs.readFileSync(from, "utf8");
  const output = cmd === "to-ipynb" ? JSON.stringify(textToNotebook(input), null, 1) + "\n" : notebookToText(JSON.parse(input));
  fs.writeFileSync(to, output);
  console.log(`wrote ${to}`);
}
