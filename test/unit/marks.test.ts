import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { MARKS_FORMAT, feedbackPage, manualQuestions, mergeMarks, proseHtml, slugOf, studentAnswers, type GradeResult, type Results } from "../../scripts/marks/feedback";
import { pointsFor } from "../../scripts/marks/model-score";
import { studentCopy } from "../../scripts/student";

const lab = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "notebooks", "08-assignment.ipynb"), "utf8"));
const questions = manualQuestions(lab);

test("marks: the lab's written answers are found with their questions and points", () => {
  assert.deepEqual(questions.map((q) => [q.id, q.points]), [["metric", 4], ["search", 2], ["diagnosis", 4]]);
  for (const q of questions) assert.match(q.question, new RegExp(`^\\*\\*Written answer \`${q.id}\``));
});

test("marks: a student copy's placeholders count as not answered, a deleted cell as missing, an edit as answered", () => {
  const copy = studentCopy(lab, "08-assignment");
  assert.deepEqual(copy.metadata.course.manual, { metric: { points: 4 }, search: { points: 2 }, diagnosis: { points: 4 } });
  assert.ok(Object.values(studentAnswers(copy, questions)).every((a) => a.state === "not answered"));
  const cell = copy.cells.find((c) => c.metadata.course?.manual === "metric")!;
  cell.source = ["I would use recall."];
  copy.cells = copy.cells.filter((c) => c.metadata.course?.manual !== "search");
  const a = studentAnswers(copy, questions);
  assert.deepEqual([a.metric.state, a.search.state, a.diagnosis.state], ["answered", "missing", "not answered"]);
});

const result = (submission: string): GradeResult => ({
  submission, status: "graded", lab: "08-assignment", score: 6, max_score: 8,
  exercises: [{ id: "scaler", passed: false, status: "failed", points: 0, max_points: 2, message: "<img src=x onerror=alert(1)>" }],
  model: { status: "scored", handIn: "x", f2: 0.95, accuracy: 0.96, confusion: [[70, 1], [2, 40]], points: 9.5, max_points: 10, scale: { full_at: 0.93, zero_at: 0.75 }, mode: "full" },
});

test("feedback page: everything a student wrote is escaped; no markup or script of theirs reaches the page", () => {
  const html = feedbackPage(result('a"/<b>.ipynb'), questions, {
    metric: { text: "<script>alert('x')</script> **bold** and `code`", state: "answered" },
    search: { text: "", state: "missing" },
    diagnosis: { text: "</textarea><script>evil()</script>", state: "answered" },
  });
  assert.ok(!html.includes("<script>alert") && !html.includes("<script>evil") && !html.includes("<img src=x"));
  assert.ok(html.includes("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; <b>bold</b> and <code>code</code>"));
  assert.equal((html.match(/<script>/g) ?? []).length, 1, "only the page's own script");
  assert.ok(!/"a"\/<b>/.test(html.slice(html.indexOf("<script>"))), "the submission name is JSON-escaped inside the script");
  assert.match(html, /No answer: the cell was deleted/);
  assert.equal(proseHtml("*x* <i>"), "<p><i>x</i> &lt;i&gt;</p>");
  assert.equal(slugOf("../../subs/alice/08-assignment.ipynb"), "subs__alice__08-assignment");
});

test("merge: points within range are merged with totals; unknown answers, bad points and unknown submissions are refused", () => {
  const results: Results = { results: [result("subs/a.ipynb")] };
  const marks = (manual: Record<string, { points: number | null }>, submission = "subs/a.ipynb") => [{ file: "m.json", marks: { format: MARKS_FORMAT, submission, lab: "08-assignment", manual } }];
  const lines = mergeMarks(results, marks({ metric: { points: 4 }, search: { points: null }, diagnosis: { points: 2.5 } }), questions);
  const r = results.results[0];
  assert.equal(r.total, 6 + 9.5 + 6.5);
  assert.equal(r.max_total, 8 + 10 + 10);
  assert.equal(r.marks_complete, false);
  assert.match(lines[0], /not yet marked: search/);
  assert.throws(() => mergeMarks(results, marks({ metric: { points: 5 } }), questions), /"metric" must be a number from 0 to 4, got 5/);
  assert.throws(() => mergeMarks(results, marks({ style: { points: 1 } }), questions), /unknown written answer\(s\) style/);
  assert.throws(() => mergeMarks(results, marks({}, "subs/b.ipynb"), questions), /"subs\/b.ipynb" is not in the results/);
  assert.throws(() => mergeMarks(results, [{ file: "x.json", marks: { format: "other" } as never }], questions), /not a marks file/);
});

test("model points: full at or above the threshold, 0 at or below the baseline, linear between", () => {
  const scale = { full_at: 0.9, zero_at: 0.7 };
  assert.equal(pointsFor(0.95, scale, 10), 10);
  assert.equal(pointsFor(0.9, scale, 10), 10);
  assert.equal(pointsFor(0.8, scale, 10), 5);
  assert.equal(pointsFor(0.7, scale, 10), 0);
  assert.equal(pointsFor(0.2, scale, 10), 0);
  assert.throws(() => pointsFor(0.8, { full_at: 0.7, zero_at: 0.7 }, 10), /scale is empty/);
});
