/**
 * One figure of each plot helper (src/plot/charts.ts), drawn by plotly.js in
 * headless Chromium at two notebook widths. Every title, axis title, tick
 * label, annotation (image-grid labels), legend and the modebar must lie
 * inside its figure and must not overlap another (their bounding boxes), and
 * an axis titled "epoch" must have whole-number ticks. Screenshots (with the
 * modebar showing, as under the mouse): build/screenshots/figures-<width>.png,
 * and one per figure in build/browser/figures/.
 *
 * run: node --import tsx --test test/browser/figure-layout.test.ts
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { launchChromium } from "./browser";
import { REPO } from "./jupyter-server";
import {
  Figure, figureHtml, plotlyLoaderHtml, plotLines, plotPoints2d, plotDecisionBoundary, trainingCurvesFigure, plotImages, plotHeatmap,
} from "../../src/plot";
import { Rng } from "../../src/random";

const OUT = path.join(REPO, "build", "browser", "figures");
const SCREENSHOTS = path.join(REPO, "build", "screenshots");

/** The figures to check, each as the labs draw it: long titles and labels on purpose. */
function figures(): { name: string; fig: Figure }[] {
  const rng = new Rng(7);
  const epochs = Array.from({ length: 6 }, (_, i) => i + 1);
  const digit = Float32Array.from({ length: 784 }, (_, k) => (Math.abs((k % 28) - 14) < 3 && k > 112 && k < 672 ? 1 : 0));
  const X = Float64Array.from({ length: 80 }, () => rng.next() * 4 - 2);
  const y = Array.from({ length: 40 }, (_, i) => Number(X[2 * i] + X[2 * i + 1] > 0));
  const cm = Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p) => (t === p ? 180 + rng.int(40) : rng.int(12))));
  return [
    { name: "plotLines, log-log", fig: plotLines(["numerical (2 forward passes per weight)", "Value autograd (scalar graph)", "backprop by hand (forward + backward)", "one forward pass"].map((name, k) => ({ name, x: [70, 210, 674, 2370], y: [1, 2, 3, 4].map((v) => v * (k + 1)), mode: "lines+markers" as const })), { title: "Time for one gradient against the number of weights, log–log, with the fitted slope of each method", xTitle: "number of weights P (log scale)", yTitle: "milliseconds (log scale)", logX: true, logY: true }) },
    { name: "plotLines, epochs", fig: plotLines([0.0005, 0.05, 3].flatMap((lr) => ["training", "validation"].map((set) => ({ name: `lr ${lr}, ${set}`, x: epochs, y: epochs.map((e) => 2.3 / (1 + lr * e)) }))), { title: "Loss for three learning rates (plain SGD)", xTitle: "epoch", yTitle: "cross-entropy", logY: true }) },
    { name: "plotPoints2d", fig: plotPoints2d(X, y, { title: "Two classes of points in the plane, coloured by their label", xTitle: "x₁", yTitle: "x₂", classNames: ["setosa", "versicolor"] }) },
    { name: "plotDecisionBoundary", fig: plotDecisionBoundary((a, b) => 1 / (1 + Math.exp(-(a + b))), X, y, { title: "Decision regions of the by-hand 2-8-8-1 network (probability of class 1)", resolution: 30 }) },
    { name: "trainingCurvesFigure", fig: trainingCurvesFigure({ loss: [1.9, 1.2, 0.9, 0.7], val_loss: [1.7, 1.1, 0.95, 0.9], acc: [0.4, 0.6, 0.7, 0.8], val_acc: [0.5, 0.62, 0.69, 0.72] }, { title: "784-256-256-10 on 300 images: overfitting" }) },
    { name: "plotImages, two labelled", fig: plotImages(Float32Array.from([...digit, ...digit.map((v) => -v)]), [2, 28, 28], { labels: ["vertical edges (Sobel x)", "horizontal edges (Sobel y)"], colorscale: "RdBu", zmin: -1, zmax: 1, title: "The digit convolved with two edge kernels" }) },
    { name: "plotImages, 16 kernels", fig: plotImages(Float32Array.from({ length: 16 * 9 }, () => rng.next() - 0.5), [16, 3, 3], { cols: 8, colorscale: "RdBu", zmin: -0.5, zmax: 0.5, labels: Array.from({ length: 16 }, (_, i) => `filter ${i}`), title: "Learned first-layer kernels (red > 0 > blue)" }) },
    { name: "plotImages, 40 digits", fig: plotImages(Float32Array.from({ length: 40 * 784 }, (_, k) => digit[k % 784]), [40, 28, 28], { labels: Array.from({ length: 40 }, (_, i) => `${i % 10}→${(i + 3) % 10}`), cols: 10, title: "Misclassified test digits (true → predicted)" }) },
    { name: "plotHeatmap, confusion matrix", fig: plotHeatmap(cm, { x: cm.map((_, c) => String(c)), y: cm.map((_, c) => String(c)), showValues: true, xTitle: "predicted digit", yTitle: "true digit", title: "Confusion matrix of recipe 2 on the test set" }) },
    { name: "plotHeatmap, many rows", fig: plotHeatmap(Array.from({ length: 40 }, () => Array.from({ length: 10 }, () => rng.next())), { x: cm.map((_, c) => String(c)), y: Array.from({ length: 40 }, (_, j) => `n${j} (0.${String(10 + j).padStart(2, "0")})`), colorscale: "Viridis", title: "Hidden layer 2: mean activation per digit, each neuron scaled to its maximum (selectivity in brackets)", xTitle: "digit", height: 1000 }) },
  ];
}

/** Browser-side: the boxes of every piece of text (and the modebar and legend) of each figure. */
function measure() {
  type Box = { kind: string; text: string; x0: number; y0: number; x1: number; y1: number };
  const box = (kind: string, el: Element): Box | undefined => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return undefined;
    return { kind, text: (el.textContent ?? "").trim().slice(0, 60), x0: r.left, y0: r.top, x1: r.right, y1: r.bottom };
  };
  return Array.from(document.querySelectorAll(".nnlab-figure")).map((fig) => {
    const svg = fig.querySelector(".main-svg");
    const boxes: Box[] = [];
    const add = (kind: string, selector: string) => fig.querySelectorAll(selector).forEach((el) => { const b = box(kind, el); if (b) boxes.push(b); });
    add("title", ".gtitle");
    add("axis title", ".xtitle, .x2title, .ytitle, .y2title");
    add("tick label", ".xtick text, .ytick text, .x2tick text, .y2tick text");
    add("annotation", ".annotation-text-g text");
    add("legend", ".legend .bg");
    add("modebar", ".modebar");
    const epochTicks = Array.from(fig.querySelectorAll(".xtitle, .x2title"))
      .filter((t) => /^epochs?\b/i.test((t.textContent ?? "").trim()))
      .flatMap((t) => {
        const axis = t.classList.contains("x2title") ? "x2" : "x";
        return Array.from(fig.querySelectorAll(`.${axis}tick text`)).map((e) => (e.textContent ?? "").trim());
      });
    const cell = fig.closest(".cell");
    return { frame: svg ? box("figure", svg)! : undefined, container: cell ? box("output area", cell)! : undefined, boxes, epochTicks };
  });
}

type Measured = ReturnType<typeof measure>[number];

/** What is wrong with one drawn figure: clipped or overlapping text, fractional epoch ticks. */
export function layoutProblems(m: Measured): string[] {
  const problems: string[] = [];
  if (!m.frame) return ["plotly drew nothing"];
  const tol = 1;
  const f = m.frame;
  const name = (b: { kind: string; text: string }) => `${b.kind} "${b.text}"`;
  if (m.container && f.x1 > m.container.x1 + tol) problems.push(`the figure is ${(f.x1 - f.x0).toFixed(0)} px wide, wider than its ${(m.container.x1 - m.container.x0).toFixed(0)} px output area: its right side is cut off`);
  for (const b of m.boxes) {
    if (b.x0 < f.x0 - tol || b.y0 < f.y0 - tol || b.x1 > f.x1 + tol || b.y1 > f.y1 + tol) {
      problems.push(`${name(b)} is clipped: it spans x ${b.x0.toFixed(0)}–${b.x1.toFixed(0)}, y ${b.y0.toFixed(0)}–${b.y1.toFixed(0)}, the figure x ${f.x0.toFixed(0)}–${f.x1.toFixed(0)}, y ${f.y0.toFixed(0)}–${f.y1.toFixed(0)}`);
    }
  }
  for (let i = 0; i < m.boxes.length; i++) {
    for (let j = i + 1; j < m.boxes.length; j++) {
      const a = m.boxes[i], b = m.boxes[j];
      if (a.kind === "tick label" && b.kind === "tick label") continue; // plotly thins its own ticks
      const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0), h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
      if (w > tol && h > tol) problems.push(`${name(a)} overlaps ${name(b)} (${w.toFixed(0)}×${h.toFixed(0)} px)`);
    }
  }
  const fractional = m.epochTicks.filter((t) => !/^\d+$/.test(t));
  if (fractional.length) problems.push(`the epoch axis has ticks that are not whole epochs: ${fractional.join(", ")}`);
  return problems;
}

let browser: Browser | undefined;
after(async () => {
  await browser?.close().catch(() => undefined);
});

for (const width of [1100, 700]) {
  test(`every plot helper's figure at ${width} px: no title or label clipped or overlapping, whole-epoch ticks`, { timeout: 180_000 }, async () => {
    const figs = figures();
    fs.mkdirSync(OUT, { recursive: true });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const file = path.join(OUT, `figures-${width}.html`);
    fs.writeFileSync(file, [
      `<!doctype html><html><head><meta charset="utf-8"><style>body{margin:0;font-family:sans-serif} .cell{width:${width}px;margin:0 0 24px 0;border-bottom:1px solid #ccc} h3{font-size:13px;margin:4px}</style></head><body>`,
      plotlyLoaderHtml(),
      ...figs.map(({ name, fig }, i) => `<div class="cell"><h3>${name}</h3>${figureHtml(fig, `fig-${i}`)}</div>`),
      "</body></html>",
    ].join("\n"));
    browser ??= await launchChromium();
    const page = await browser.newPage({ viewport: { width: width + 40, height: 900 } });
    try {
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: 60_000 });
      await page.waitForFunction((n) => Array.from(document.querySelectorAll(".nnlab-figure")).filter((f) => f.querySelector(".main-svg")).length === n, figs.length, { timeout: 60_000 });
      // Show every modebar, as a person hovering over the figure sees it.
      await page.addStyleTag({ content: ".js-plotly-plot .plotly .modebar { opacity: 1 !important; }" });
      await page.evaluate("window.__name = (f) => f"); // tsx's keepNames helper, which measure's compiled code calls
      const measured = await page.evaluate(measure);
      await page.screenshot({ path: path.join(SCREENSHOTS, `figures-${width}.png`), fullPage: true });
      const cells = page.locator(".cell");
      for (let i = 0; i < figs.length; i++) await cells.nth(i).screenshot({ path: path.join(OUT, `figure-${width}-${i}.png`) });
      assert.deepEqual(errors, [], "the page threw");
      assert.equal(measured.length, figs.length);
      const problems = measured.flatMap((m, i) => layoutProblems(m).map((p) => `${figs[i].name}: ${p}`));
      assert.ok(measured.some((m) => m.epochTicks.length > 0), "no epoch axis was measured: the check of whole-epoch ticks checked nothing");
      assert.ok(measured.every((m) => m.boxes.some((b) => b.kind === "title")), "a figure's title was not found: the selectors no longer match plotly's");
      assert.ok(measured.every((m) => m.boxes.some((b) => b.kind === "modebar")), "a figure's modebar was not found");
      assert.deepEqual(problems, [], `layout problems at ${width} px (screenshot: build/screenshots/figures-${width}.png):\n${problems.join("\n")}`);
    } finally {
      await page.close();
    }
  });
}
