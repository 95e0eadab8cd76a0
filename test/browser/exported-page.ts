/**
 * The checks every exported lab page must pass offline (used by the test of
 * one freshly exported lab and by the check of a whole `npm run site`).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import { openOffline } from "./browser";
import { expectedFigures } from "./expected-figures";
import { checkReplays } from "./replay-check";

/** Whether a notebook's markdown holds inline or display math. */
export function hasMath(notebook: string): boolean {
  const nb = JSON.parse(fs.readFileSync(notebook, "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
  return nb.cells.some((c) => c.cell_type === "markdown" && /\$[^$\n]+\$/.test([c.source].flat().join("")));
}

/**
 * Opens `page` (an HTML export of `executed`) offline and asserts: every
 * figure of the executed notebook drawn, with its trace count; no JavaScript
 * error; no missing local file; with `localMathjax`, formulas typeset and
 * MathJax never fetched from the network; no network request other than the
 * nbconvert template's require.js (and MathJax's CDN when there is no local copy);
 * every replay scrubbed to its last frame (replay-check.ts), its first and last
 * frame saved next to `screenshot`.
 */
export async function checkExportedPage(browser: Browser, page: string, executed: string, opts: { localMathjax: boolean; screenshot?: string }): Promise<void> {
  const expected = expectedFigures(executed);
  const math = hasMath(executed);
  const html = fs.readFileSync(page, "utf8");
  assert.ok(!/<script[^>]+src="https?:\/\/[^"]*plotly/i.test(html), `${page} loads plotly.js from the network`);
  const replays = expected.filter((f) => f.frames > 0).length;
  const r = await openOffline(browser, page, {
    figures: expected.length, waitForMath: math && opts.localMathjax, screenshot: opts.screenshot,
    interact: replays ? async (p) => void (await checkReplays(p, { minReplays: replays, screenshots: opts.screenshot && path.dirname(opts.screenshot), prefix: path.basename(opts.screenshot ?? page, ".png") })) : undefined,
  });
  assert.equal(r.figures.length, expected.length, `${page}: ${r.figures.length} figures on the page, ${expected.length} in the executed notebook`);
  r.figures.forEach((f, i) => {
    assert.ok(f.svg, `${page}: figure ${i + 1} ("${expected[i].title}") was not drawn offline (no .main-svg)`);
    assert.equal(f.traces, expected[i].traces, `${page}: figure ${i + 1} ("${expected[i].title}"): trace count`);
  });
  assert.deepEqual(r.pageErrors, [], `${page}: JavaScript errors`);
  assert.deepEqual(r.missingLocal, [], `${page}: files the page needs but the export did not write`);
  if (math && opts.localMathjax) {
    assert.ok(r.math.typeset > 0, `${page}: no formula was typeset by the local MathJax`);
    assert.equal(r.math.errors, 0, `${page}: MathJax reported processing errors`);
    assert.ok(!r.blocked.some((u) => /mathjax/i.test(u)), `${page}: MathJax was requested from the network: ${r.blocked.join(", ")}`);
  }
  const unexpected = r.blocked.filter((u) => !/require(\.min)?\.js|mathjax/i.test(u));
  assert.deepEqual(unexpected, [], `${page}: network requests other than the template's require.js/MathJax`);
}
