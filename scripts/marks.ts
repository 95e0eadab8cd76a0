/**
 * Marks of lab 08, the practical assignment, beyond the autograded exercises
 * (`npm run marks -- <command>`; see docs/instructors.md):
 *
 *   score <submission.ipynb>... [--json]    the handed-in model of each submission, on the held-out test split
 *   calibrate <hand-in folder>              measure the reference hand-in; writes grading/08-assignment-model.json
 *   feedback [--results F] [--out DIR]      one HTML feedback page per submission, with fields for the written answers
 *   merge <marks.json>... [--results F]     the instructor's points into results.json, with each total
 *
 * `npm run grade` calls `score` itself for lab 08 submissions (scripts/model_marks.py).
 */
import * as fs from "fs";
import * as path from "path";
import { initBackend } from "../src/backend";
import { REPO, calibrate, describeScore, readMarking, scoreSubmission, type ModelScore } from "./marks/model-score";
import { feedbackPages, manualQuestions, mergeMarks, readJsonFile, type MarksFile, type Results } from "./marks/feedback";
import { breastCancerTestSplit } from "../src/data/breast-cancer";

const DEFAULT_RESULTS = path.join(REPO, "build", "grading", "results.json");
const LAB = path.join(REPO, "notebooks", "08-assignment.ipynb");
const USAGE = `usage: npm run marks -- score <submission.ipynb>... [--json]
       npm run marks -- calibrate <reference hand-in folder>
       npm run marks -- feedback [--results build/grading/results.json] [--out build/grading/feedback]
       npm run marks -- merge <marks.json>... [--results build/grading/results.json]`;

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = args[i + 1];
  if (v === undefined || v.startsWith("--")) throw new Error(`${name} needs a value.`);
  args.splice(i, 2);
  return v;
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  if (!cmd || cmd === "--help" || cmd === "-h") { console.log(USAGE); return cmd ? 0 : 2; }
  if (cmd === "score") {
    const json = args.includes("--json");
    const subs = args.filter((a) => a !== "--json");
    if (subs.length === 0) throw new Error("score: give one or more submitted notebooks (their hand-in folder is found next to each).");
    await initBackend({ quiet: true });
    const marking = readMarking(), test = breastCancerTestSplit();
    const scores: Record<string, ModelScore> = {};
    for (const s of subs) scores[s] = await scoreSubmission(s, marking, test);
    if (json) console.log(JSON.stringify(scores));
    else for (const s of subs) console.log(`${s}: ${describeScore(scores[s])}`);
    return 0;
  }
  if (cmd === "calibrate") {
    if (args.length !== 1) throw new Error("calibrate: give the reference solution's hand-in folder, e.g. notebooks/08-assignment.model (after a full-mode run of the lab).");
    await initBackend({ quiet: true });
    const m = await calibrate(args[0], `npm run marks -- calibrate ${args[0]}`);
    console.log(`reference (${m.reference!.mode} mode, ${m.reference!.backend}): validation F2 ${m.reference!.validationF2.toFixed(4)}, test F2 ${m.reference!.testF2.toFixed(4)}; full model points from test F2 ≥ ${(m.reference!.validationF2 - m.margin).toFixed(4)}; written to grading/08-assignment-model.json`);
    return 0;
  }
  if (cmd === "feedback") {
    const resultsFile = option(args, "--results", DEFAULT_RESULTS);
    const out = path.resolve(option(args, "--out", path.join(path.dirname(resultsFile), "feedback")));
    if (args.length) throw new Error(`feedback: unexpected argument ${args[0]}`);
    const results = readJsonFile<Results>(resultsFile, "results file");
    const pages = feedbackPages(results, readJsonFile(LAB, "reference lab"), out, [process.cwd(), REPO]);
    console.log(`wrote ${pages.length} feedback page(s) and ${path.join(path.relative(process.cwd(), out), "index.html")}; the marks so far are in ${path.relative(process.cwd(), path.join(out, "marks"))}/`);
    return 0;
  }
  if (cmd === "merge") {
    const resultsFile = option(args, "--results", DEFAULT_RESULTS);
    if (args.length === 0) throw new Error("merge: give the marks files (saved from the feedback pages, or edited in build/grading/feedback/marks/).");
    const results = readJsonFile<Results>(resultsFile, "results file");
    const files = args.map((f) => ({ file: f, marks: readJsonFile<MarksFile>(f, "marks file") }));
    const lines = mergeMarks(results, files, manualQuestions(readJsonFile(LAB, "reference lab")));
    writeAtomically(resultsFile, JSON.stringify(results, null, 1) + "\n");
    for (const l of lines) console.log(l);
    console.log(`merged ${files.length} marks file(s) into ${path.relative(process.cwd(), resultsFile)}`);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    console.error(`marks: ${(e as Error).message}`);
    process.exit(1);
  });
}
