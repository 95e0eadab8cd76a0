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
import type { Browser } from "playwright-core";
import { REPO } from "./jupyter-server";
import { launchChromium } from "./browser";
import { checkExportedPage } from "./exported-page";
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
  assert.ok(fs.existsSync(executed), `${executed} is missing: run LABS_FAST=1 npm run notebooks -- notebooks/${LAB}.ipynb first (test/steps/browser.sh does)`);
  assert.ok(expectedFigures(executed).length > 0, `${executed} has no figures: nothing to check`);
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  const localMathjax = copyMathjax(OUT);
  const page = exportHtml(executed, OUT, { localMathjax });
  browser = await launchChromium();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await checkExportedPage(browser, page, executed, { localMathjax, screenshot: path.join(SCREENSHOTS, `${LAB}.export.png`) });
});
