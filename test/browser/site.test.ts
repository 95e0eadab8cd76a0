/**
 * Checks a site built by `npm run site` (BROWSER_SITE_DIR, default
 * build/site/): the index links one page per lab in the runner's summary, and
 * every page draws its figures and formulas in headless Chromium with the
 * network blocked. Not part of `npm test` (building the site runs every lab);
 * run after `npm run site`:
 *
 *   node --import tsx --test test/browser/site.test.ts
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import { REPO } from "./jupyter-server";
import { launchChromium } from "./browser";
import { checkExportedPage } from "./exported-page";
import type { RunSummary } from "../../scripts/site";

const SITE = path.resolve(REPO, process.env.BROWSER_SITE_DIR ?? "build/site");
const index = path.join(SITE, "index.html");
assert.ok(fs.existsSync(index), `${index} is missing: build the site first (LABS_FAST=1 npm run site)`);
const summary = JSON.parse(fs.readFileSync(path.join(SITE, "notebooks", "summary.json"), "utf8")) as RunSummary;
const localMathjax = fs.existsSync(path.join(SITE, "mathjax", "MathJax.js"));

let browser: Browser | undefined;
after(async () => {
  await browser?.close().catch(() => undefined);
});

test("the index links every lab the runner executed", () => {
  const html = fs.readFileSync(index, "utf8");
  for (const r of summary.results) {
    const name = path.basename(r.notebook, ".ipynb");
    assert.ok(html.includes(`href="${name}.html"`), `index.html does not link ${name}.html`);
    assert.ok(fs.existsSync(path.join(SITE, `${name}.html`)), `${name}.html is missing`);
  }
});

for (const r of summary.results) {
  const name = path.basename(r.notebook, ".ipynb");
  test(`${name}.html draws its plots${localMathjax ? " and formulas" : ""} offline`, { timeout: 180_000 }, async () => {
    browser ??= await launchChromium();
    await checkExportedPage(browser, path.join(SITE, `${name}.html`), path.join(SITE, "notebooks", `${name}.ipynb`), { localMathjax });
  });
}
