/**
 * npm run site: the executed labs as a static web site in build/site/.
 *
 *   npm run site                                  every lab, full mode
 *   LABS_FAST=1 npm run site                      every lab, fast mode
 *   npm run site -- notebooks/01-perceptron.ipynb --jobs 2   runner arguments pass through
 *   npm run site -- --from build/notebooks        no run: export what the runner already executed
 *
 * 1. runs the labs with the headless runner (scripts/launch.sh notebooks --out
 *    build/site/notebooks), which writes summary.json (status, seconds, backend);
 * 2. exports each executed notebook with `nbconvert --to html` to
 *    build/site/<lab>.html. Plots need no network: plotly.js is inlined in the
 *    outputs (src/plot). The nbconvert template loads MathJax and require.js
 *    from a CDN; MathJax is pointed at a copy in build/site/mathjax/ (from
 *    Debian's libjs-mathjax, or MATHJAX_DIR) so formulas render offline too;
 *    require.js is left as it is (nothing in the labs uses it; offline, it
 *    simply does not load);
 * 3. writes build/site/index.html: each lab with its status, run time,
 *    backend and headline results (the "Headline: name = value" lines of
 *    src/headline.ts).
 * Exits non-zero if a lab failed (the index still lists it, with its error).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { BACKEND_PREFIX, parseHeadlines, Headline } from "../src/headline";
import { escapeHtml } from "../src/page/html";
import { sourceOf } from "./notebook-json";

export const REPO = path.resolve(__dirname, "..");
export const SITE = path.join(REPO, "build", "site");

/** The runner's summary.json. */
export interface RunSummary {
  mode: string;
  seconds: number;
  results: { notebook: string; status: string; seconds?: number; backend?: string | null; error?: string | null; cell?: number | null; cell_source?: string }[];
}

export interface LabEntry {
  file: string; // the lab's notebook, relative to the repository
  page: string; // its HTML page, relative to the site
  title: string;
  status: string;
  seconds: number | null;
  backend: string | null;
  headlines: Headline[];
  error: string | null;
}

/** The Python with Jupyter (scripts/jupyter-python.sh). */
export function jupyterPython(): string {
  const r = spawnSync("bash", [path.join(REPO, "scripts", "jupyter-python.sh")], { encoding: "utf8" });
  const py = r.stdout.trim();
  if (r.status !== 0 || !py) throw new Error("site: no Python with Jupyter found; run bash scripts/setup.sh first.");
  return py;
}

/** A local MathJax 2 (MathJax.js at its top): MATHJAX_DIR, or Debian's libjs-mathjax. */
export function findMathjax(): string | undefined {
  for (const dir of [process.env.MATHJAX_DIR, "/usr/share/javascript/mathjax", "/usr/share/mathjax"]) {
    if (dir && fs.existsSync(path.join(dir, "MathJax.js"))) return dir;
  }
  return undefined;
}

/** The parts of MathJax 2 that nbconvert's configuration (TeX-AMS_CHTML-full, Safe) loads. */
const MATHJAX_PARTS = [
  "MathJax.js",
  "config/TeX-AMS_CHTML-full.js",
  "config/Safe.js",
  "extensions",
  "jax/input/TeX",
  "jax/output/CommonHTML",
  "jax/element",
  "fonts/HTML-CSS/TeX/woff",
  "localization/en",
];
export const MATHJAX_URL = "mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe";

/** Copies MathJax's needed parts into <site>/mathjax; returns false if there is no local MathJax. */
export function copyMathjax(siteDir: string): boolean {
  const src = findMathjax();
  if (!src) return false;
  const dest = path.join(siteDir, "mathjax");
  fs.rmSync(dest, { recursive: true, force: true });
  for (const part of MATHJAX_PARTS) {
    const from = path.join(src, part);
    if (!fs.existsSync(from)) throw new Error(`site: ${from} is missing from the MathJax copy in ${src}`);
    fs.cpSync(from, path.join(dest, part), { recursive: true, dereference: true });
  }
  return true;
}

/**
 * Exports one executed notebook to <outDir>/<name>.html. With `localMathjax`,
 * the page loads MathJax from ./mathjax/ (see copyMathjax) instead of the CDN.
 */
export function exportHtml(executed: string, outDir: string, opts: { localMathjax: boolean; py?: string }): string {
  const py = opts.py ?? jupyterPython();
  const args = ["-m", "nbconvert", "--to", "html", "--output-dir", outDir, executed];
  if (opts.localMathjax) args.push(`--HTMLExporter.mathjax_url=${MATHJAX_URL}`);
  const r = spawnSync(py, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`site: nbconvert failed on ${executed}:\n${r.stderr.slice(-2000)}`);
  return path.join(outDir, path.basename(executed, ".ipynb") + ".html");
}

interface NbCell {
  cell_type: string;
  source: string | string[];
  outputs?: { output_type: string; name?: string; text?: string | string[] }[];
}
const joined = (v: string | string[] | undefined) => sourceOf({ source: v });

/** Title (the first markdown heading), the set-up cell's backend line and the headline results. */
export function readLab(executed: string): { title: string | null; backendLine: string | null; headlines: Headline[] } {
  const nb = JSON.parse(fs.readFileSync(executed, "utf8")) as { cells: NbCell[] };
  let title: string | null = null;
  let backendLine: string | null;
  let stdout = "";
  for (const cell of nb.cells) {
    if (cell.cell_type === "markdown" && title === null) {
      const m = /^#\s+(.+)$/m.exec(joined(cell.source));
      if (m) title = m[1].replace(/[*_`]/g, "").trim();
    }
    // A cell's stdout may arrive in chunks that split a line: join them first.
    const text = (cell.outputs ?? []).filter((o) => o.output_type === "stream" && o.name === "stdout").map((o) => joined(o.text)).join("");
    if (text) stdout += text.endsWith("\n") ? text : text + "\n";
  }
  backendLine = stdout.split("\n").find((l) => l.startsWith(BACKEND_PREFIX))?.slice(BACKEND_PREFIX.length) ?? null;
  return { title, backendLine, headlines: parseHeadlines(stdout) };
}

/** "wasm (WebAssembly + …), TensorFlow.js 4.22.0" → the name in bold, the rest below it. */
function backendCell(line: string | null): string {
  if (!line) return "unknown";
  const m = /^(\S+)\s+\((.*)\)(.*)$/.exec(line);
  if (!m) return escapeHtml(line);
  return `<b>${escapeHtml(m[1])}</b><div class="file">${escapeHtml(m[2] + m[3])}</div>`;
}

export function indexHtml(labs: LabEntry[], meta: { mode: string; generated: string; mathjax: boolean }): string {
  const rows = labs
    .map((l) => {
      const ok = l.status === "ok";
      const heads = l.headlines.length
        ? `<ul>${l.headlines.map((h) => `<li>${escapeHtml(h.name)}: <b>${escapeHtml(h.value)}</b></li>`).join("")}</ul>`
        : "";
      const err = l.error ? `<div class="error">${escapeHtml(l.error)}</div>` : "";
      return [
        `<tr class="${ok ? "ok" : "failed"}">`,
        `<td><a href="${escapeHtml(l.page)}">${escapeHtml(l.title)}</a><div class="file">${escapeHtml(l.file)}</div></td>`,
        `<td class="status">${escapeHtml(l.status)}</td>`,
        `<td class="num">${l.seconds === null ? "" : `${l.seconds.toFixed(1)} s`}</td>`,
        `<td>${backendCell(l.backend)}</td>`,
        `<td>${heads}${err}</td>`,
        `</tr>`,
      ].join("");
    })
    .join("\n");
  const failed = labs.filter((l) => l.status !== "ok").length;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Neural networks labs</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .45em .6em; border-bottom: 1px solid #ddd; }
th { background: #f4f4f4; }
td.num { text-align: right; white-space: nowrap; }
tr.ok td.status { color: #176317; }
tr.failed td.status { color: #b00020; font-weight: bold; }
.file { color: #777; font-size: .85em; }
.error { color: #b00020; font-family: monospace; font-size: .85em; white-space: pre-wrap; }
ul { margin: 0; padding-left: 1.1em; }
</style>
</head>
<body>
<h1>Neural networks labs</h1>
<p>${labs.length} lab${labs.length === 1 ? "" : "s"} executed in <b>${escapeHtml(meta.mode)}</b> mode on ${escapeHtml(meta.generated)}${failed ? `; <b>${failed} failed</b>` : ""}.
${meta.mode === "fast" ? "Fast mode (LABS_FAST=1) trains on less data for fewer epochs, so its numbers are below what the full labs reach." : ""}
Each page is the notebook with its outputs; plots are interactive and work offline${meta.mathjax ? "" : " (formulas need a network connection to load MathJax)"}.</p>
<table>
<thead><tr><th>Lab</th><th>Status</th><th>Run time</th><th>Backend</th><th>Headline results</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}

function parseArgs(argv: string[]): { from?: string; runnerArgs: string[] } {
  const runnerArgs: string[] = [];
  let from: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--from") {
      from = argv[++i];
      if (!from) throw new Error("site: --from needs a directory of executed notebooks with its summary.json");
    } else if (argv[i].startsWith("--from=")) from = argv[i].slice("--from=".length);
    else runnerArgs.push(argv[i]);
  }
  return { from, runnerArgs };
}

export function buildSite(opts: { from?: string; runnerArgs?: string[]; siteDir?: string } = {}): { labs: LabEntry[]; indexFile: string } {
  const siteDir = opts.siteDir ?? SITE;
  const executedDir = opts.from ? path.resolve(opts.from) : path.join(siteDir, "notebooks");
  fs.mkdirSync(siteDir, { recursive: true });
  if (!opts.from) {
    fs.rmSync(executedDir, { recursive: true, force: true });
    // The runner exits 1 when a lab fails; the site still lists it.
    const r = spawnSync("bash", [path.join(REPO, "scripts", "launch.sh"), "notebooks", "--out", executedDir, ...(opts.runnerArgs ?? [])], {
      stdio: "inherit",
      cwd: REPO,
    });
    if (r.status !== 0 && r.status !== 1) throw new Error(`site: the notebook runner failed to run (exit ${r.status}).`);
  }
  const summaryFile = path.join(executedDir, "summary.json");
  if (!fs.existsSync(summaryFile)) throw new Error(`site: ${summaryFile} is missing; run the labs first (npm run notebooks) or drop --from.`);
  const summary = JSON.parse(fs.readFileSync(summaryFile, "utf8")) as RunSummary;

  const localMathjax = copyMathjax(siteDir);
  if (!localMathjax) console.log("site: no local MathJax (Debian's libjs-mathjax, or MATHJAX_DIR); pages load it from the CDN");
  const py = jupyterPython();
  const labs: LabEntry[] = summary.results.map((r) => {
    const name = path.basename(r.notebook, ".ipynb");
    const executed = path.join(executedDir, `${name}.ipynb`);
    if (!fs.existsSync(executed)) {
      return { file: r.notebook, page: "", title: name, status: r.status, seconds: r.seconds ?? null, backend: r.backend ?? null, headlines: [], error: r.error ?? "no executed copy" };
    }
    const page = exportHtml(executed, siteDir, { localMathjax, py });
    const info = readLab(executed);
    const where = r.cell === null || r.cell === undefined ? "" : `cell ${r.cell}${r.cell_source ? ` (${r.cell_source})` : ""}: `;
    return {
      file: r.notebook,
      page: path.relative(siteDir, page),
      title: info.title ?? name,
      status: r.status,
      seconds: r.seconds ?? null,
      backend: info.backendLine ?? r.backend ?? null,
      headlines: info.headlines,
      error: r.status === "ok" ? null : `${where}${r.error ?? r.status}`,
    };
  });
  const indexFile = path.join(siteDir, "index.html");
  fs.writeFileSync(indexFile, indexHtml(labs, { mode: summary.mode, generated: new Date().toISOString().replace(/T(\d\d:\d\d).*$/, " $1 UTC"), mathjax: localMathjax }));
  return { labs, indexFile };
}

if (require.main === module) {
  try {
    const { from, runnerArgs } = parseArgs(process.argv.slice(2));
    const { labs, indexFile } = buildSite({ from, runnerArgs });
    for (const l of labs) console.log(`  ${l.status.padEnd(11)} ${l.page || l.file}  ${l.headlines.map((h) => `${h.name} = ${h.value}`).join("; ")}`);
    console.log(`site: ${path.relative(REPO, indexFile)} (${labs.length} labs)`);
    process.exit(labs.every((l) => l.status === "ok") ? 0 : 1);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
}
