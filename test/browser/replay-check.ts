/**
 * Scrubbing the replays on a page (src/plot/replay.ts), as a student would:
 * for each figure with animation frames, drag the slider's handle to the far
 * end with the mouse, then check that the slider reached the last frame, that
 * the drawn traces now hold the last frame's data (and differ from the
 * first's), that the pixels changed, and that nothing was logged as a console
 * error meanwhile. Screenshots of the first and the last frame of each replay
 * go to `screenshots` (when given) as <prefix>.replay-<k>.first.png / .last.png.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import type { Page } from "playwright-core";

export interface ReplaySeen {
  frames: number;
  /** The slider's label before and after scrubbing. */
  firstLabel: string;
  lastLabel: string;
}

interface PlotlyDiv {
  data: Record<string, unknown>[];
  layout: { sliders?: { active?: number; steps: { label: string }[] }[] };
  _transitionData?: { _frames?: { name: string; data: Record<string, unknown>[]; traces: number[] }[] };
}

/** Browser-side: a JSON digest of what frame data sets in the drawn traces (plotly's own fields, starting with _, left out). */
function drawnState(index: number): { active: number; label: string; frames: number; drawn: string; lastFrame: string } {
  const el = document.querySelectorAll(".nnlab-figure")[index] as unknown as PlotlyDiv;
  const frames = el._transitionData?._frames ?? [];
  const last = frames[frames.length - 1];
  const clean = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k.startsWith("_") ? undefined : ArrayBuffer.isView(x) ? Array.from(x as unknown as ArrayLike<number>) : x)));
  // A typed-array spec ({dtype, bdata, shape}) is decoded by plotly; compare the encoded form it keeps in bdata.
  const keyed = (t: Record<string, unknown>, keys: string[]) =>
    keys.map((k) => {
      const v = t[k] as { bdata?: string } | undefined;
      return [k, v && typeof v === "object" && "bdata" in v ? v.bdata : clean(v)];
    });
  const drawn = last ? last.traces.map((ti, j) => keyed(el.data[ti], Object.keys(last.data[j]))) : [];
  const want = last ? last.data.map((t) => keyed(t, Object.keys(t))) : [];
  const slider = el.layout.sliders?.[0];
  const active = slider?.active ?? 0;
  return { active, label: slider?.steps[active]?.label ?? "", frames: frames.length, drawn: JSON.stringify(drawn), lastFrame: JSON.stringify(want) };
}

/** Indices (among .nnlab-figure) of the figures that are replays. */
function replayIndices(): number[] {
  return Array.from(document.querySelectorAll(".nnlab-figure"))
    .map((el, i) => [(el as unknown as PlotlyDiv)._transitionData?._frames?.length ?? 0, i])
    .filter(([n]) => n > 0)
    .map(([, i]) => i);
}

/**
 * Scrubs every replay on `page` to its last frame; asserts as described above.
 * `minReplays` replays must be present (their count in the executed notebook).
 */
export async function checkReplays(page: Page, opts: { minReplays: number; screenshots?: string; prefix: string }): Promise<ReplaySeen[]> {
  const consoleErrors: string[] = [];
  const onConsole = (m: { type(): string; text(): string }) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  };
  const onError = (e: Error) => consoleErrors.push(e.message);
  page.on("console", onConsole);
  page.on("pageerror", onError);
  try {
    const shot = (k: number, which: string) => (opts.screenshots ? path.join(opts.screenshots, `${opts.prefix}.replay-${k + 1}.${which}.png`) : undefined);
    // tsx (esbuild keepNames) wraps the inner functions of drawnState in __name(), which the page lacks.
    await page.evaluate("window.__name = window.__name || ((f) => f)");
    const indices = await page.evaluate(replayIndices);
    assert.ok(indices.length >= opts.minReplays, `${opts.prefix}: ${indices.length} replays on the page, ${opts.minReplays} expected`);
    const seen: ReplaySeen[] = [];
    for (const [k, index] of indices.entries()) {
      const fig = page.locator(".nnlab-figure").nth(index);
      await fig.scrollIntoViewIfNeeded();
      const before = await page.evaluate(drawnState, index);
      assert.equal(before.active, 0, `replay ${k + 1}: the slider does not start at the first frame`);
      assert.notEqual(before.drawn, before.lastFrame, `replay ${k + 1}: the first frame already shows the last frame's data; nothing to scrub`);
      const shotFirst = await fig.screenshot({ path: shot(k, "first") });
      // Drag the handle from its place to past the rail's right end.
      const grip = fig.locator(".slider-grip-rect").first();
      const rail = fig.locator(".slider-rail-rect").first();
      const g = await grip.boundingBox(), r = await rail.boundingBox();
      assert.ok(g && r, `replay ${k + 1}: no slider drawn`);
      await page.mouse.move(g.x + g.width / 2, g.y + g.height / 2);
      await page.mouse.down();
      await page.mouse.move(r.x + r.width * 0.6, r.y + r.height / 2, { steps: 5 });
      await page.mouse.move(r.x + r.width + 20, r.y + r.height / 2, { steps: 5 });
      await page.mouse.up();
      await page.waitForFunction(([i, n]) => {
        const el = document.querySelectorAll(".nnlab-figure")[i] as unknown as PlotlyDiv;
        return el.layout.sliders?.[0]?.active === n - 1;
      }, [index, before.frames] as const, { timeout: 10_000 }).catch(() => undefined);
      await page.waitForTimeout(500); // the frame is drawn after the slider moved
      const after = await page.evaluate(drawnState, index);
      assert.equal(after.active, before.frames - 1, `replay ${k + 1}: the slider stopped at step ${after.active + 1} of ${before.frames}`);
      assert.equal(after.drawn, after.lastFrame, `replay ${k + 1}: the traces drawn after scrubbing are not the last frame's`);
      assert.notEqual(after.drawn, before.drawn, `replay ${k + 1}: the drawn traces did not change`);
      const shotLast = await fig.screenshot({ path: shot(k, "last") });
      assert.ok(!shotFirst.equals(shotLast), `replay ${k + 1}: the picture did not change when the slider moved`);
      seen.push({ frames: before.frames, firstLabel: before.label, lastLabel: after.label });
    }
    assert.deepEqual(consoleErrors, [], `${opts.prefix}: console errors while scrubbing the replays`);
    return seen;
  } finally {
    page.off("console", onConsole);
    page.off("pageerror", onError);
  }
}

