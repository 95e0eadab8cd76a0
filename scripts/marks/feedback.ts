/**
 * Manual marking of written answers (lab 08, the practical assignment).
 *
 * `feedbackPages` reads the grader's results (build/grading/results.json),
 * and writes, per submission, one self-contained HTML page (no network) with
 * the autograded exercises, the handed-in model's score and each written
 * answer beside its question, with a points field and a comment box for the
 * instructor; its "Save marks" button downloads the marks as JSON. It also
 * writes the same marks as an editable JSON file (marks/<submission>.json) for
 * instructors who prefer a text editor. `mergeMarks` validates marks files and
 * merges them into results.json (manual points, and each submission's total).
 *
 * Everything a student wrote is escaped: a submission cannot put markup or
 * scripts on the instructor's page.
 */
import * as fs from "fs";
import * as path from "path";
import { escapeHtml } from "../../src/page/html";
import { manualPlaceholder } from "../student";
import type { ModelScore } from "./model-score";

export const MARKS_FORMAT = "nn-labs-marks/1";

import { sourceOf } from "../notebook-json";

interface Cell { cell_type: string; id?: string; source: string | string[]; metadata?: { course?: Record<string, unknown> } }
interface Notebook { cells: Cell[] }

export interface ManualQuestion { id: string; points: number; question: string; reference: string }

export interface ExerciseResult { id: string; passed: boolean; status: string; points: number; max_points: number; message: string | null; flags?: string[] }
export interface ManualMark { id: string; points: number | null; max_points: number; comment: string }
export interface GradeResult {
  submission: string; status: string; lab: string | null; score: number; max_score: number;
  exercises: ExerciseResult[]; flags?: string[]; error?: string | null;
  model?: ModelScore; manual?: ManualMark[]; total?: number; max_total?: number; marks_complete?: boolean;
}
export interface Results { mode?: string; results: GradeResult[] }

export interface MarksFile {
  format: string;
  submission: string;
  lab: string;
  manual: Record<string, { points: number | null; comment?: string }>;
}

/** The written-answer questions of a reference lab: each manual cell, with the question that precedes it. */
export function manualQuestions(lab: Notebook): ManualQuestion[] {
  const out: ManualQuestion[] = [];
  lab.cells.forEach((cell, i) => {
    const c = cell.metadata?.course ?? {};
    if (typeof c.manual !== "string") return;
    const before = i > 0 ? sourceOf(lab.cells[i - 1]) : "";
    const at = before.lastIndexOf("**Written answer");
    out.push({ id: c.manual, points: Number(c.points), question: (at >= 0 ? before.slice(at) : before).trim(), reference: sourceOf(cell).trim() });
  });
  return out;
}

/** A submission's answer to each question: its text, or why there is none. */
export function studentAnswers(sub: Notebook, questions: ManualQuestion[]): Record<string, { text: string; state: "answered" | "not answered" | "missing" }> {
  const out: Record<string, { text: string; state: "answered" | "not answered" | "missing" }> = {};
  for (const q of questions) {
    const cell = sub.cells.find((c) => c.metadata?.course?.manual === q.id) ?? sub.cells.find((c) => c.id === `manual-${q.id}`);
    if (!cell) { out[q.id] = { text: "", state: "missing" }; continue; }
    const text = sourceOf(cell).trim();
    out[q.id] = { text, state: text === "" || text === manualPlaceholder(q.id, q.points).trim() ? "not answered" : "answered" };
  }
  return out;
}

/** The file-name form of a submission path (as the grader names its graded copies). */
export const slugOf = (submission: string) => submission.replace(/^(\.\.?[\\/])+/, "").replace(/[\\/]/g, "__").replace(/\.ipynb$/, "");

/** Text as HTML paragraphs: escaped first, then blank lines separate paragraphs and `code`, **bold**, *italics* are kept. */
export function proseHtml(text: string): string {
  const inline = (p: string) => escapeHtml(p).replace(/`([^`]+)`/g, "<code>$1</code>").replace(/\*\*([^*]+)\*\*/g, "<b>$1</b>").replace(/\*([^*\s][^*]*)\*/g, "<i>$1</i>").replace(/\n/g, "<br>");
  return text.split(/\n\s*\n/).map((p) => `<p>${inline(p)}</p>`).join("\n");
}

function modelHtml(m: ModelScore | undefined): string {
  if (!m) return `<p class="bad">The model was not scored (run <code>npm run grade</code>, which scores it, or <code>npm run marks -- score</code>).</p>`;
  const pts = `<b>${m.points} / ${m.max_points}</b>`;
  const scale = `Scale: full points at test F2 ≥ ${m.scale.full_at.toFixed(3)} (the reference's validation F2 minus the margin), 0 at ≤ ${m.scale.zero_at.toFixed(3)} (flagging every mass malignant), linear in between.`;
  if (m.status !== "scored") return `<p class="bad">${escapeHtml(m.status === "invalid" ? `The handed-in model cannot be scored: ${m.error}` : "No model handed in.")} ${pts}</p><p class="small">${escapeHtml(scale)}</p>`;
  const [[tn, fp], [fn, tp]] = m.confusion!;
  return `<p>Test F2 <b>${m.f2!.toFixed(3)}</b>, accuracy ${(100 * m.accuracy!).toFixed(1)}% (${escapeHtml(String(m.mode))} mode) — ${pts}</p>
<table class="cm"><tr><th></th><th>predicted benign</th><th>predicted malignant</th></tr>
<tr><th>benign</th><td>${tn}</td><td>${fp}</td></tr><tr><th>malignant</th><td>${fn}</td><td>${tp}</td></tr></table>
<p class="small">${escapeHtml(scale)}</p>`;
}

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}.ok{color:#1a7f37}.bad{color:#b42318}
.small{font-size:.85rem;color:#555}.q{background:#f4f6f8;padding:.5rem 1rem;border-left:4px solid #8aa}.a{background:#fffbe8;padding:.5rem 1rem;border-left:4px solid #d9b400}
.a.none{background:#fdecea;border-color:#b42318}.mark{margin:.5rem 0 1.5rem}textarea{width:100%;height:4rem}code{background:#eee;padding:0 .2rem}
.cm td{text-align:right}button{font-size:1rem;padding:.4rem 1rem}`;

/** One submission's feedback page. `marks` pre-fills the instructor's fields (e.g. after a merge). */
export function feedbackPage(r: GradeResult, questions: ManualQuestion[], answers: ReturnType<typeof studentAnswers>, marks?: MarksFile): string {
  const ex = r.exercises.map((e) => `<tr><td><code>${escapeHtml(e.id)}</code></td><td class="${e.passed ? "ok" : "bad"}">${e.passed ? "✔ passed" : `✘ ${escapeHtml(e.status)}`}</td><td>${e.points} / ${e.max_points}</td><td>${escapeHtml(e.message ?? "")}${(e.flags ?? []).map((f) => `<br><span class="bad">! ${escapeHtml(f)}</span>`).join("")}</td></tr>`).join("\n");
  const manualMax = questions.reduce((s, q) => s + q.points, 0);
  const model = r.model;
  const fixed = r.score + (model?.points ?? 0);
  const max = r.max_score + (model?.max_points ?? 0) + manualMax;
  const written = questions.map((q) => {
    const a = answers[q.id];
    const m = marks?.manual?.[q.id];
    const body = a.state === "answered" ? proseHtml(a.text) : `<p><b>${a.state === "missing" ? "No answer: the cell was deleted." : "Not answered (the placeholder is unchanged)."}</b></p>`;
    return `<h3>Written answer <code>${escapeHtml(q.id)}</code> (${q.points} points)</h3>
<div class="q">${proseHtml(q.question)}</div>
<div class="a${a.state === "answered" ? "" : " none"}">${body}</div>
<div class="mark"><label>Points (0–${q.points}): <input type="number" class="pts" data-id="${escapeHtml(q.id)}" min="0" max="${q.points}" step="0.5" value="${m?.points ?? ""}"></label>
<br><label>Comment for the student:<br><textarea class="cmt" data-id="${escapeHtml(q.id)}">${escapeHtml(m?.comment ?? "")}</textarea></label></div>
<details><summary class="small">Reference answer</summary><div class="small">${proseHtml(q.reference)}</div></details>`;
  }).join("\n");
  const payload = JSON.stringify({ format: MARKS_FORMAT, submission: r.submission, lab: r.lab }).replace(/</g, "\\u003c");
  const flags = (r.flags ?? []).map((f) => `<li class="bad">${escapeHtml(f)}</li>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Feedback: ${escapeHtml(r.submission)}</title><style>${STYLE}</style></head>
<body>
<h1>Lab 08, the practical assignment — feedback</h1>
<p>Submission <code>${escapeHtml(r.submission)}</code>; graded: ${escapeHtml(r.status)}${r.error ? ` (${escapeHtml(r.error)})` : ""}.</p>
${flags ? `<ul>${flags}</ul>` : ""}
<h2>Summary</h2>
<table><tr><th>part</th><th>points</th></tr>
<tr><td>autograded exercises</td><td>${r.score} / ${r.max_score}</td></tr>
<tr><td>the handed-in model</td><td>${model ? `${model.points} / ${model.max_points}` : "not scored"}</td></tr>
<tr><td>written answers</td><td><span id="manual">–</span> / ${manualMax}</td></tr>
<tr><th>total</th><th><span id="total">–</span> / ${max}</th></tr></table>
<h2>Autograded exercises</h2>
<table><tr><th>exercise</th><th>result</th><th>points</th><th>message</th></tr>
${ex || `<tr><td colspan="4">none graded</td></tr>`}</table>
<h2>The handed-in model</h2>
${modelHtml(model)}
<h2>Written answers</h2>
${written}
<p><button id="save">Save marks</button> <span class="small">downloads <code>${escapeHtml(slugOf(r.submission))}.json</code>; merge it with <code>npm run marks -- merge &lt;file&gt;</code></span></p>
<script>
const base = ${payload}, fixed = ${fixed};
const fields = () => Array.from(document.querySelectorAll("input.pts"));
function update() {
  let sum = 0, all = true;
  for (const f of fields()) { if (f.value === "") all = false; else sum += Number(f.value); }
  document.getElementById("manual").textContent = all ? String(sum) : sum + " (incomplete)";
  document.getElementById("total").textContent = String(fixed + sum) + (all ? "" : " (incomplete)");
}
document.addEventListener("input", update);
update();
document.getElementById("save").addEventListener("click", () => {
  const manual = {};
  for (const f of fields()) {
    const c = document.querySelector('textarea.cmt[data-id="' + f.dataset.id + '"]');
    manual[f.dataset.id] = { points: f.value === "" ? null : Number(f.value), comment: c ? c.value : "" };
  }
  const blob = new Blob([JSON.stringify(Object.assign({}, base, { manual: manual }), null, 1) + "\\n"], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = ${JSON.stringify(slugOf(r.submission) + ".json").replace(/</g, "\\u003c")};
  a.click();
});
</script>
</body></html>
`;
}

/** Reads a JSON file with a clear error. */
export function readJsonFile<T>(file: string, what: string): T {
  if (!fs.existsSync(file)) throw new Error(`${what} ${file} does not exist.`);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch (e) {
    throw new Error(`${what} ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Finds a submission file from the path the grader recorded (relative to where it ran). */
function resolveSubmission(sub: string, roots: string[]): string | undefined {
  return [path.resolve(sub), ...roots.map((r) => path.resolve(r, sub))].find((p) => fs.existsSync(p));
}

/**
 * Writes <out>/<submission>.html for every lab-08 result, an index.html, and
 * <out>/marks/<submission>.json (the marks so far; created empty, never
 * overwritten). Returns the pages written.
 */
export function feedbackPages(results: Results, lab: Notebook, out: string, roots: string[]): string[] {
  const questions = manualQuestions(lab);
  if (questions.length === 0) throw new Error("the reference lab has no written-answer cells ({\"course\": {\"manual\": ID}}).");
  fs.mkdirSync(path.join(out, "marks"), { recursive: true });
  const pages: string[] = [];
  const rows: string[] = [];
  for (const r of results.results.filter((x) => x.lab === "08-assignment")) {
    const file = resolveSubmission(r.submission, roots);
    let answers: ReturnType<typeof studentAnswers>;
    try {
      answers = studentAnswers(file ? (JSON.parse(fs.readFileSync(file, "utf8")) as Notebook) : { cells: [] }, questions);
    } catch {
      answers = studentAnswers({ cells: [] }, questions);
    }
    const slug = slugOf(r.submission);
    const marksFile = path.join(out, "marks", `${slug}.json`);
    if (!fs.existsSync(marksFile)) {
      const empty: MarksFile = { format: MARKS_FORMAT, submission: r.submission, lab: "08-assignment", manual: Object.fromEntries(questions.map((q) => [q.id, { points: null, comment: "" }])) };
      fs.writeFileSync(marksFile, JSON.stringify(empty, null, 1) + "\n");
    }
    const marks = readJsonFile<MarksFile>(marksFile, "marks file");
    const page = path.join(out, `${slug}.html`);
    fs.writeFileSync(page, feedbackPage(r, questions, answers, marks));
    pages.push(page);
    const answered = questions.filter((q) => answers[q.id].state === "answered").length;
    rows.push(`<tr><td><a href="${escapeHtml(encodeURIComponent(slug))}.html">${escapeHtml(r.submission)}</a></td><td>${r.score} / ${r.max_score}</td><td>${r.model ? `${r.model.points} / ${r.model.max_points}${r.model.status === "scored" ? "" : ` (${escapeHtml(r.model.status)})`}` : "not scored"}</td><td>${answered} of ${questions.length} answered</td></tr>`);
  }
  if (pages.length === 0) throw new Error("the results hold no graded lab 08 submission (lab \"08-assignment\"); grade them first: npm run grade -- submissions/*/08-assignment.ipynb");
  fs.writeFileSync(path.join(out, "index.html"), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lab 08 feedback</title><style>${STYLE}</style></head><body>
<h1>Lab 08, the practical assignment — submissions</h1>
<table><tr><th>submission</th><th>autograded</th><th>model</th><th>written answers</th></tr>${rows.join("\n")}</table></body></html>
`);
  return pages;
}

/** Validates marks files against the lab's questions and merges them into the results (in place). Returns one line per merged file. */
export function mergeMarks(results: Results, marksFiles: { file: string; marks: MarksFile }[], questions: ManualQuestion[]): string[] {
  const lines: string[] = [];
  for (const { file, marks } of marksFiles) {
    if (marks?.format !== MARKS_FORMAT) throw new Error(`${file}: not a marks file (format must be "${MARKS_FORMAT}", as the feedback page saves it).`);
    const r = results.results.find((x) => x.submission === marks.submission);
    if (!r) throw new Error(`${file}: submission ${JSON.stringify(marks.submission)} is not in the results; the results hold ${results.results.map((x) => JSON.stringify(x.submission)).join(", ")}.`);
    const unknown = Object.keys(marks.manual ?? {}).filter((id) => !questions.some((q) => q.id === id));
    if (unknown.length) throw new Error(`${file}: unknown written answer(s) ${unknown.join(", ")}; the lab's are ${questions.map((q) => q.id).join(", ")}.`);
    const manual: ManualMark[] = questions.map((q) => {
      const m = marks.manual?.[q.id];
      const p = m?.points ?? null;
      if (p !== null && !(typeof p === "number" && Number.isFinite(p) && p >= 0 && p <= q.points)) {
        throw new Error(`${file}: the points for "${q.id}" must be a number from 0 to ${q.points}, got ${JSON.stringify(p)}.`);
      }
      return { id: q.id, points: p, max_points: q.points, comment: String(m?.comment ?? "") };
    });
    r.manual = manual;
    const manualSum = manual.reduce((s, m) => s + (m.points ?? 0), 0);
    r.total = r.score + (r.model?.points ?? 0) + manualSum;
    r.max_total = r.max_score + (r.model?.max_points ?? 0) + manual.reduce((s, m) => s + m.max_points, 0);
    r.marks_complete = manual.every((m) => m.points !== null) && r.model !== undefined;
    const missing = manual.filter((m) => m.points === null).map((m) => m.id);
    lines.push(`${r.submission}: written ${manualSum}/${manual.reduce((s, m) => s + m.max_points, 0)}, total ${r.total}/${r.max_total}${missing.length ? ` (not yet marked: ${missing.join(", ")})` : ""}${r.model ? "" : " (model not scored)"}`);
  }
  return lines;
}
