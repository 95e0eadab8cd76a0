/**
 * The labs in a real browser: the project's Jupyter (scripts/start.sh) and
 * headless Chromium. For each lab (BROWSER_LABS, default lab 01) the test opens
 * the notebook, runs Kernel → Restart & Run All through the menu, waits for the
 * kernel to finish, and checks that no cell shows an error or stderr output and
 * that every plotly figure was drawn with the traces the notebook's code makes
 * (the counts come from the runner's executed copy, BROWSER_EXPECTED_DIR,
 * default build/notebooks/, run in fast mode). A screenshot of each lab goes to
 * build/screenshots/. The browser cannot save: the lab file stays as committed.
 *
 * run: node --import tsx --test test/browser/notebook-ui.test.ts   (or bash test/steps/browser.sh)
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { REPO, startJupyter, JupyterServer } from "./jupyter-server";
import { launchChromium, renderedFiguresInPage } from "./browser";
import { expectedFigures } from "./expected-figures";

const LABS = (process.env.BROWSER_LABS ?? "01-perceptron").split(/[\s,]+/).filter(Boolean);
const EXPECTED_DIR = path.resolve(REPO, process.env.BROWSER_EXPECTED_DIR ?? "build/notebooks");
const SCREENSHOTS = path.join(REPO, "build", "screenshots");
const RUN_TIMEOUT_MS = Number(process.env.BROWSER_RUN_TIMEOUT_MS ?? 300_000);

let server: JupyterServer | undefined;
let browser: Browser | undefined;

before(async () => {
  // Same mode as the executed copies the figure counts come from.
  process.env.LABS_FAST ??= "1";
  server = await startJupyter();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close().catch(() => undefined);
  if (server) {
    const kernels = server.kernelPids();
    const killed = await server.stop();
    assert.deepEqual(killed, [], `Jupyter or its kernels (${kernels.join(", ")}) ignored the shutdown request and had to be killed`);
  }
});

const sha = (file: string) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

interface RunState {
  total: number;
  numbered: number;
  running: number;
  idle: boolean;
  errors: number;
}

function runState(): RunState {
  const prompts = Array.from(document.querySelectorAll(".cell.code_cell .input_prompt")).map((p) => p.textContent ?? "");
  return {
    total: prompts.length,
    numbered: prompts.filter((p) => /\[\d+\]/.test(p)).length,
    running: prompts.filter((p) => p.includes("[*]")).length,
    idle: document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null,
    errors: document.querySelectorAll(".output_error").length,
  };
}

/** Waits until every code cell has run (or the kernel stopped after an error) and the kernel is idle. */
async function waitForRunAll(page: Page): Promise<RunState> {
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  let last = "";
  let stableSince = Date.now();
  for (;;) {
    const s = await page.evaluate(runState);
    const key = JSON.stringify(s);
    if (key !== last) {
      last = key;
      stableSince = Date.now();
    }
    if (s.idle && s.running === 0 && s.numbered === s.total) return s;
    // After an error the kernel aborts the queued cells; wait for the page to settle, then report.
    if (s.idle && s.errors > 0 && Date.now() - stableSince > 5000) return s;
    if (Date.now() > deadline) throw new Error(`the lab did not finish within ${RUN_TIMEOUT_MS} ms: ${key}`);
    await page.waitForTimeout(500);
  }
}

for (const lab of LABS) {
  test(`${lab}: Restart & Run All in the classic Notebook UI, no errors, every plot drawn`, { timeout: RUN_TIMEOUT_MS + 120_000 }, async () => {
    assert.ok(server && browser);
    assert.equal(server.ui, "notebook", "this test drives the classic Notebook UI, but scripts/start.sh started JupyterLab");
    // A lab is named as in notebooks/ ("01-perceptron") or given as a path (tests of this test).
    const file = lab.endsWith(".ipynb") ? path.resolve(REPO, lab) : path.join(REPO, "notebooks", `${lab}.ipynb`);
    const name = path.basename(file, ".ipynb");
    const executed = path.join(EXPECTED_DIR, `${name}.ipynb`);
    assert.ok(fs.existsSync(executed), `${executed} is missing: run LABS_FAST=1 npm run notebooks -- ${path.relative(REPO, file)} first (test/steps/browser.sh does)`);
    const expected = expectedFigures(executed);
    assert.ok(expected.length > 0, `${executed} has no figures: nothing to compare the browser with`);
    const before = sha(file);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    // The browser may read the notebook but never write it (no autosave of outputs into the repo).
    const blockedWrites: string[] = [];
    await page.route(`${server.url}/api/contents/**`, (route) => {
      if (route.request().method() === "GET") return route.continue();
      blockedWrites.push(`${route.request().method()} ${route.request().url()}`);
      return route.abort();
    });
    try {
      await page.goto(`${server.url}/notebooks/${path.relative(REPO, file).split(path.sep).map(encodeURIComponent).join("/")}?token=${server.token}`);
      await page.waitForSelector("#kernel_indicator_icon.kernel_idle_icon", { timeout: 60_000 });

      // Kernel → Restart & Run All, then confirm the dialog.
      await page.click("#kernellink");
      await page.click("#restart_run_all > a");
      const confirm = page.locator(".modal-dialog button.btn-danger");
      await confirm.waitFor({ timeout: 10_000 });
      assert.match((await confirm.textContent()) ?? "", /Restart/);
      await confirm.click();
      // The cells are queued ("In [*]") once the kernel has restarted (or, at the
      // very least, have all run): only then can "no cell is running" mean done.
      await page.waitForFunction(() => {
        const prompts = Array.from(document.querySelectorAll(".cell.code_cell .input_prompt")).map((p) => p.textContent ?? "");
        return prompts.some((p) => p.includes("[*]")) || prompts.every((p) => /\[\d+\]/.test(p));
      }, undefined, { timeout: 60_000 });
      const state = await waitForRunAll(page);

      const problems = await page.evaluate(() =>
        Array.from(document.querySelectorAll(".output_error, .output_stderr")).map((el) => {
          const cell = el.closest(".cell");
          const prompt = cell?.querySelector(".input_prompt")?.textContent?.trim() ?? "?";
          return `${prompt} ${el.classList.contains("output_error") ? "error" : "stderr"}: ${(el.textContent ?? "").trim().slice(0, 400)}`;
        }),
      );
      assert.deepEqual(problems, [], `cells with errors or stderr output in ${lab}`);
      assert.equal(state.numbered, state.total, `only ${state.numbered} of ${state.total} code cells ran`);

      // Every figure drawn by plotly, with the trace counts the code produced in the headless run.
      await page
        .waitForFunction((n) => {
          const figs = document.querySelectorAll(".nnlab-figure");
          return figs.length >= n && Array.from(figs).every((f) => f.querySelector(".main-svg"));
        }, expected.length, { timeout: 60_000 })
        .catch(() => undefined); // the assertions below say what is missing
      const rendered = await page.evaluate(renderedFiguresInPage);
      assert.equal(rendered.length, expected.length, `${lab}: ${rendered.length} figures in the browser, ${expected.length} in the executed notebook`);
      rendered.forEach((r, i) => {
        assert.ok(r.svg, `figure ${i + 1} ("${expected[i].title}") was not drawn (no .main-svg)`);
        assert.equal(r.traces, expected[i].traces, `figure ${i + 1} ("${expected[i].title}"): trace count`);
      });
      assert.deepEqual(pageErrors, [], "JavaScript errors in the page");

      // A screenshot of the whole notebook: let the page, not #site, scroll.
      await page.evaluate(() => {
        const site = document.getElementById("site");
        if (site) Object.assign(site.style, { height: "auto", overflow: "visible" });
        document.body.style.overflow = "visible";
      });
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    } catch (e) {
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.failed.png`) }).catch(() => undefined);
      throw e;
    } finally {
      await context.close();
    }
    assert.equal(sha(file), before, `${file} changed during the test`);
    if (blockedWrites.length) console.log(`# ${lab}: blocked the page's writes: ${blockedWrites.join("; ")}`);
  });
}
