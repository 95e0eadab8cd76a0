/**
 * The labs in JupyterLab 4's own client and renderers, in headless Chromium.
 *
 * A page bundled from JupyterLab's npm packages (page.ts, bundle.ts) is served
 * on 127.0.0.1 next to the project's Jupyter server (scripts/start.sh, token
 * on, this page's origin allowed). For every lab (JUPYTERLAB_LABS, default all
 * of notebooks/*.ipynb) the page starts a session with the course's kernel
 * through JupyterLab's services client and executes every code cell in order
 * through JupyterLab output areas. The test checks that every cell ran (status
 * ok), that no output is an error or stderr, that every figure arrived as one
 * bundle with plotly's JSON and the HTML fallback (live figures: HTML only),
 * and that plotly drew each one in the DOM twice: by plotly's mime renderer
 * (jupyterlab-plotly; live figures by the HTML renderer next to it) and by
 * JupyterLab's standard HTML renderer, with the traces and points the figure
 * holds (a live figure that did not redraw fails). When the fast-mode executed
 * copies of the labs step are there (build/notebooks/, same code cells), the
 * figures' trace counts must match theirs too. Screenshots of each lab (both renderers) go to build/screenshots/.
 * A last test sends the requests JupyterLab makes that nbclient does not
 * (kernel_info, comm_info, complete, inspect, is_complete, history, interrupt, restart).
 *
 * run: bash test/steps/jupyterlab.sh
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { REPO, startJupyter, freePort, JupyterServer } from "../browser/jupyter-server";
import { launchChromium } from "../browser/browser";
import { expectedFigures } from "../browser/expected-figures";
import { buildPage } from "./bundle";
import type { CellRun, RenderedFigure } from "./page";

const PLOTLY_MIME = "application/vnd.plotly.v1+json";
const LABS = (process.env.JUPYTERLAB_LABS ?? fs.readdirSync(path.join(REPO, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort().join(","))
  .split(/[\s,]+/)
  .filter(Boolean)
  .map((l) => l.replace(/\.ipynb$/, ""));
const PAGE_DIR = path.join(REPO, "build", "jupyterlab", "page");
const SCREENSHOTS = path.join(REPO, "build", "screenshots");
const EXPECTED_DIR = path.join(REPO, "build", "notebooks");
const RENDER_TIMEOUT_MS = 60_000;

let server: JupyterServer | undefined;
let browser: Browser | undefined;
let pages: http.Server | undefined;
let pageUrl = "";

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };

before(async () => {
  process.env.LABS_FAST ??= "1";
  await buildPage(PAGE_DIR);
  const port = await freePort();
  pages = http.createServer((req, res) => {
    const name = path.basename(new URL(req.url ?? "/", "http://x").pathname) || "index.html";
    const file = path.join(PAGE_DIR, name);
    if (!fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => pages!.listen(port, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${port}`;
  // Notebook 6 reads NotebookApp.*, jupyter_server (JupyterLab) ServerApp.*.
  server = await startJupyter({ args: [`--NotebookApp.allow_origin=${origin}`, `--ServerApp.allow_origin=${origin}`] });
  pageUrl = `${origin}/index.html?server=${encodeURIComponent(server.url)}&token=${server.token}`;
  browser = await launchChromium();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await browser?.close().catch(() => undefined);
  pages?.close();
  if (server) {
    const kernels = server.kernelPids();
    const killed = await server.stop();
    assert.deepEqual(killed, [], `Jupyter or its kernels (${kernels.join(", ")}) ignored the shutdown request and had to be killed`);
  }
});

async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1600, height: 1000 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(pageUrl);
  await page.waitForFunction(() => "jlab" in window);
  return { page, errors };
}

const codeCellsOf = (notebook: string) =>
  (JSON.parse(fs.readFileSync(notebook, "utf8")).cells as { cell_type: string; source: string[] | string }[])
    .filter((c) => c.cell_type === "code")
    .map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source));
const codeCells = (lab: string) => codeCellsOf(path.join(REPO, "notebooks", `${lab}.ipynb`));

/**
 * The figures a lab's outputs hold, in output order: traces and points of the
 * figure JSON in the HTML fallback every figure has, and whether the bundle
 * also has plotly's JSON (all but live figures, src/plot/live.ts).
 */
function figuresSent(runs: CellRun[]): { cell: number; traces: number; points: number; json: boolean }[] {
  const out: { cell: number; traces: number; points: number; json: boolean }[] = [];
  for (const r of runs) {
    for (const o of r.outputs) {
      const html = String(o.data?.["text/html"] ?? "");
      if (!html.includes('class="nnlab-figure"')) continue;
      const fig = JSON.parse(/var fig=(\{.*?\});var tries=/s.exec(html)![1]) as { data: { x?: unknown[]; y?: unknown[]; z?: unknown[] }[] };
      const json = o.data?.[PLOTLY_MIME] as typeof fig | undefined;
      if (json) assert.deepEqual(json.data, fig.data, `cell ${r.index}: the plotly JSON and the HTML fallback hold different traces`);
      out.push({ cell: r.index, traces: fig.data.length, points: fig.data.reduce((n, t) => n + (t.y?.length ?? t.z?.length ?? t.x?.length ?? 0), 0), json: !!json });
    }
  }
  return out;
}

/** Waits until plotly has drawn `count` figures in the page (or times out), saves a screenshot, returns what is drawn. */
async function drawnFigures(page: Page, count: number, screenshot: string): Promise<RenderedFigure[]> {
  let drawn: RenderedFigure[] = [];
  const deadline = Date.now() + RENDER_TIMEOUT_MS;
  while (Date.now() < deadline) {
    drawn = (await page.evaluate(() => (window as any).jlab.figures())) as RenderedFigure[];
    if (drawn.length === count && drawn.every((f) => f.svg)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await page.screenshot({ path: path.join(SCREENSHOTS, screenshot), fullPage: true });
  return drawn;
}

/** Whether the runner's executed copy is a fast-mode run of this lab that passed. */
function executedCopy(lab: string): string | null {
  try {
    const s = JSON.parse(fs.readFileSync(path.join(EXPECTED_DIR, "summary.json"), "utf8"));
    const ok = s.mode === "fast" && s.results.some((r: { notebook: string; status: string }) => r.notebook === `notebooks/${lab}.ipynb` && r.status === "ok");
    const file = path.join(EXPECTED_DIR, `${lab}.ipynb`);
    if (!ok || !fs.existsSync(file)) return null;
    // An executed copy of an older version of the lab says nothing about this one.
    const sources = (nb: string) => JSON.stringify(codeCellsOf(nb));
    return sources(file) === sources(path.join(REPO, "notebooks", `${lab}.ipynb`)) ? file : null;
  } catch {
    return null;
  }
}

// Two labs at a time, as the labs step runs them (NOTEBOOK_JOBS); each has its own page and kernel.
const JOBS = Number(process.env.NOTEBOOK_JOBS ?? 2);
describe("labs", { concurrency: JOBS }, () => {
  for (const lab of LABS) {
    test(`${lab}: every cell through JupyterLab's client and output areas, no error, every plot drawn by both renderers`, async () => {
      const cells = codeCells(lab);
      const { page, errors } = await openPage();
      const pagesToClose = [page];
      try {
        const { runs, kernelInfo } = await page.evaluate(([p, c]) => (window as any).jlab.runLab(p, c), [`notebooks/${lab}.ipynb`, cells] as const);
        assert.equal((kernelInfo as { implementation: string }).implementation, "tslab");
        const failed = (runs as CellRun[]).find((r) => r.status !== "ok");
        assert.equal(failed, undefined, `cell ${failed?.index} ended ${failed?.status}: ${JSON.stringify(failed?.outputs.filter((o) => o.output_type === "error"))}`);
        assert.equal(runs.length, cells.length, "every code cell ran");
        for (const r of runs as CellRun[]) {
          for (const o of r.outputs) {
            assert.notEqual(o.output_type, "error", `cell ${r.index}: ${o.ename}: ${o.evalue}`);
            assert.ok(!(o.output_type === "stream" && o.name === "stderr"), `cell ${r.index} wrote to stderr: ${JSON.stringify(o).slice(0, 300)}`);
            const figureHtml = String(o.data?.["text/html"] ?? "").includes('class="nnlab-figure"');
            if (o.data?.[PLOTLY_MIME]) assert.ok(figureHtml, `cell ${r.index}: a plotly bundle without its HTML fallback`);
            if (figureHtml && !o.data?.[PLOTLY_MIME]) assert.equal(o.output_type, "display_data", `cell ${r.index}: a figure without plotly JSON that is not a live display`);
          }
        }
        const sent = figuresSent(runs);
        const copy = executedCopy(lab);
        if (copy) {
          assert.deepEqual(sent.map((f) => f.traces), expectedFigures(copy).map((f) => f.traces), `figures sent vs. the executed copy ${path.relative(REPO, copy)}`);
        }
        // With plotly's renderer, a bundle with plotly JSON is drawn by it, a live figure (HTML only) by the HTML renderer.
        const want = (renderers: string, figs = sent) => figs.map((f) => ({ cell: f.cell, renderers, svg: true, traces: f.traces, points: f.points }));
        // The same outputs through the standard renderers only, in a second page.
        const standard = await openPage();
        pagesToClose.push(standard.page);
        await standard.page.evaluate(([p, c, r]) => (window as any).jlab.showOutputs(p, c, r), [`notebooks/${lab}.ipynb`, cells, runs] as const);
        const drawn = [...(await drawnFigures(page, sent.length, `jupyterlab-${lab}.png`)), ...(await drawnFigures(standard.page, sent.length, `jupyterlab-${lab}-standard.png`))];
        errors.push(...standard.errors);
        const drawnBy = (renderers: string) => drawn.filter((f) => f.renderers === renderers);
        assert.deepEqual(drawnBy("plotly:plotly"), want("plotly:plotly", sent.filter((f) => f.json)), "figures drawn by plotly's mime renderer");
        assert.deepEqual(drawnBy("plotly:html"), want("plotly:html", sent.filter((f) => !f.json)), "live figures, drawn from HTML next to plotly's renderer");
        assert.deepEqual(drawnBy("standard:html"), want("standard:html"), "figures drawn from the text/html fallback by JupyterLab's standard renderers");
        assert.deepEqual(errors, [], "errors in the page");
        console.log(`${lab}: ${runs.length} cells, ${sent.length} figures drawn in each column (${sent.filter((f) => !f.json).length} live, HTML only)`);
      } catch (e) {
        // What the server saw (kernel restarts, tracebacks) is often the explanation.
        if (e instanceof Error) e.message += `\n--- Jupyter server log (last 3000 characters) ---\n${server!.log().slice(-3000)}`;
        throw e;
      } finally {
        for (const p of pagesToClose) await p.close();
      }
    });
  }
});

test("a live figure redraws in place (update_display_data), next to plotly's renderer and with the standard renderers", async () => {
  const { page, errors } = await openPage();
  try {
    const epochs = 6;
    await page.evaluate((n) => (window as any).jlab.liveFigure("notebooks/jupyterlab-live-check.ipynb", n), epochs);
    let drawn: RenderedFigure[] = [];
    const want = [
      { cell: 0, renderers: "plotly:html", svg: true, traces: 1, points: epochs },
      { cell: 0, renderers: "standard:html", svg: true, traces: 1, points: epochs },
    ];
    for (const deadline = Date.now() + RENDER_TIMEOUT_MS; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      drawn = (await page.evaluate(() => (window as any).jlab.figures())) as RenderedFigure[];
      if (JSON.stringify(drawn) === JSON.stringify(want)) break;
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, "jupyterlab-live-figure.png"), fullPage: true });
    assert.deepEqual(drawn, want, "one figure per output area, holding every epoch");
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test("the requests JupyterLab sends that nbclient does not get valid replies", async () => {
  const { page, errors } = await openPage();
  try {
    const r = (await page.evaluate(() => (window as any).jlab.protocol("notebooks/jupyterlab-protocol-check.ipynb"))) as Record<string, any>;
    assert.equal(r.kernel_info.status, "ok");
    assert.equal(r.kernel_info.language_info.name, "typescript");
    assert.deepEqual(r.comm_info, { status: "ok", comms: {} });
    assert.equal(r.complete.status, "ok");
    assert.ok(r.complete.matches.includes("learningRate"), JSON.stringify(r.complete));
    assert.equal(r.inspect.status, "ok");
    assert.equal(r.inspect.found, true);
    assert.deepEqual(r.is_complete, { status: "incomplete", indent: "  " });
    assert.equal(r.is_complete_done.status, "complete");
    assert.equal(r.history.status, "ok");
    assert.deepEqual(r.history.history.map((h: unknown[]) => h[2]), ["const learningRate = 0.25;"]);
    assert.equal(r.interrupt.status, "error");
    assert.match(r.interrupt.evalue, /Interrupted/);
    assert.ok(r.interrupt.ms < 10_000, `the interrupt took ${r.interrupt.ms} ms`);
    assert.equal(r.after_interrupt.status, "ok");
    assert.equal(r.after_interrupt.outputs[0].content.data["text/plain"], "1");
    assert.equal(r.after_restart_old_name.status, "error");
    assert.match(JSON.stringify(r.after_restart_old_name.outputs), /Cannot find name 'learningRate'/);
    assert.equal(r.after_restart.status, "ok");
    assert.equal(r.after_restart.outputs[0].content.data["text/plain"], "42");
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});
