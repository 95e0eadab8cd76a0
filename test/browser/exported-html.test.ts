/**
 * A lab exported the way `npm run site` exports it (scripts/site.ts), opened
 * in headless Chromium with the network blocked: every figure must be drawn
 * with the traces of the executed notebook, and the formulas typeset by the
 * local MathJax copy. The executed copy comes from BROWSER_EXPECTED_DIR
 * (default build/notebooks/, fast mode); the page goes to build/browser/site/.
 *
 * run: node --import tsx --test test/browser/exported-html.test.ts
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { REPO } from "./jupyter-server";
import { launchChromium, renderedFiguresInPage } from "./browser";
import { expectedFigures } from "./expected-figures";
import { copyMathjax, exportHtml } from "../../scripts/site";

const LAB = process.env.BROWSER_EXPORT_LAB ?? "01-perceptron";
const EXPECTED_DIR = path.resolve(REPO, process.env.BROWSER_EXPECTED_DIR ?? "build/notebooks");
const OUT = path.join(REPO, "build", "browser", "site");
const SCREENSHOTS = path.join(REPO, "build", "screenshots");

let browser: Browser | undefined;
after(async () => {
  await browser?.close().catch(() => undefined);
});

test(`${LAB}: the exported HTML page draws its plots and formulas with no network`, { timeout: 180_000 }, async () => {
  const executed = path.join(EXPECTED_DIR, `${LAB}.ipynb`);
  assert.ok(fs.existsSync(executed), `${executed} is missing: run LABS_FAST=1 bash scripts/run-notebooks.sh notebooks/${LAB}.ipynb first (test/steps/browser.sh does)`);
  const expected = expectedFigures(executed);
  assert.ok(expected.length > 0, `${executed} has no figures: nothing to check`);
  const nb = JSON.parse(fs.readFileSync(executed, "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
  const hasMath = nb.cells.some((c) => c.cell_type === "markdown" && /\$[^$\n]+\$/.test([c.source].flat().join("")));

  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  const localMathjax = copyMathjax(OUT);
  const page_ = exportHtml(executed, OUT, { localMathjax });
  const html = fs.readFileSync(page_, "utf8");
  assert.ok(!/<script[^>]+src="https?:\/\/[^"]*plotly/i.test(html), "the page loads plotly.js from the network");

  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
  const blocked: string[] = [];
  const missingLocal: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    blocked.push(url);
    return route.abort("internetdisconnected");
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("requestfailed", (r) => {
    if (r.url().startsWith("file:")) missingLocal.push(r.url());
  });
  try {
    await page.goto(pathToFileURL(page_).href, { waitUntil: "load", timeout: 60_000 });
    await page
      .waitForFunction((n) => {
        const figs = document.querySelectorAll(".nnlab-figure");
        return figs.length >= n && Array.from(figs).every((f) => f.querySelector(".main-svg"));
      }, expected.length, { timeout: 60_000 })
      .catch(() => undefined); // the assertions below say what is missing
    const rendered = await page.evaluate(renderedFiguresInPage);
    assert.equal(rendered.length, expected.length, `${rendered.length} figures on the page, ${expected.length} in the executed notebook`);
    rendered.forEach((r, i) => {
      assert.ok(r.svg, `figure ${i + 1} ("${expected[i].title}") was not drawn offline (no .main-svg)`);
      assert.equal(r.traces, expected[i].traces, `figure ${i + 1} ("${expected[i].title}"): trace count`);
    });
    assert.deepEqual(pageErrors, [], "JavaScript errors on the page");
    assert.deepEqual(missingLocal, [], "files the page needs but the export did not write");

    if (hasMath && localMathjax) {
      await page.waitForFunction(() => document.querySelectorAll(".MathJax_CHTML").length > 0, undefined, { timeout: 60_000 }).catch(() => undefined);
      const math = await page.evaluate(() => ({
        typeset: document.querySelectorAll(".MathJax_CHTML").length,
        errors: Array.from(document.querySelectorAll(".MathJax_CHTML")).filter((e) => /Math Processing Error/.test(e.textContent ?? "")).length,
      }));
      assert.ok(math.typeset > 0, "no formula was typeset by the local MathJax");
      assert.equal(math.errors, 0, "MathJax reported processing errors");
    }
    // Only the CDN scripts the nbconvert template adds may have been asked for (and were refused).
    const unexpected = blocked.filter((u) => !/require\.js|require\.min\.js|mathjax/i.test(u));
    assert.deepEqual(unexpected, [], "requests to the network other than the template's require.js/MathJax");
    if (localMathjax) assert.ok(!blocked.some((u) => /mathjax/i.test(u)), `MathJax was requested from the network: ${blocked.join(", ")}`);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${LAB}.export.png`), fullPage: true });
  } finally {
    await context.close();
  }
});
