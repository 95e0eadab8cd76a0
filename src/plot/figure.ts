/**
 * Plotly figures in notebooks (introduced in lab 01).
 *
 * Each figure goes out as one MIME bundle, as plotly.py sends it:
 * `application/vnd.plotly.v1+json` (the figure's JSON, which JupyterLab with
 * plotly's extension renders itself) next to a `text/html` fallback that
 * every other front end shows (classic Notebook, JupyterLab without the
 * extension, `nbconvert --to html` exports), and one line of `text/plain`.
 * (Live figures, redrawn in place, send HTML and text only: see live.ts.)
 * The HTML works offline: the first figure of a kernel session inlines
 * plotly.js (minified from the plotly.js-dist package at build time) into an
 * output of its own; each figure is a <div> and a call to Plotly.newPlot that
 * waits until plotly.js is there.
 */
import * as fs from "fs";
import * as path from "path";
import { inspect } from "util";
import { displayBundle, inKernel, uniqueId } from "../page/output";
import { markShown } from "../page/result";

/** A plotly figure: traces and layout, as plotly.js takes them. */
export interface Figure {
  data: Array<Record<string, unknown>>;
  layout?: Record<string, unknown>;
  /** Animation frames (replays, src/plot/replay.ts). */
  frames?: Array<Record<string, unknown>>;
}

let plotlyLoaded = false;

/** The minified plotly.js bundle built by `npm run build`. */
export function plotlySource(): string {
  // From src/plot (tests) or dist/plot (notebooks), both reach <repo>/dist.
  const file = path.resolve(__dirname, "..", "..", "dist", "plotly.min.js");
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: run \`npm run build\` (it minifies plotly.js-dist for the notebooks).`);
  }
  return fs.readFileSync(file, "utf8");
}

/** The <script> that defines window.Plotly; hides AMD/CommonJS so the bundle sets the global. */
export function plotlyLoaderHtml(): string {
  return `<script type="text/javascript">(function(){var define, module, exports;\n${plotlySource()}\n}).call(window);</script>`;
}

const DEFAULT_LAYOUT = { margin: { l: 60, r: 20, t: 50, b: 50 }, height: 400, template: undefined };
const CONFIG = { responsive: true, displaylogo: false };

/** The MIME type of plotly's JSON figures (plotly.py, JupyterLab's plotly renderer). */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** What plotly draws: the figure's traces, its layout over the course's defaults, its animation frames (if any), and the plot config. */
export function figureSpec(fig: Figure): { data: Figure["data"]; layout: Record<string, unknown>; frames?: Figure["frames"]; config: typeof CONFIG } {
  return { data: fig.data, layout: { ...DEFAULT_LAYOUT, ...(fig.layout ?? {}) }, ...(fig.frames ? { frames: fig.frames } : {}), config: CONFIG };
}

/** The HTML for one figure: a div and the script that draws into it. */
export function figureHtml(fig: Figure, id = uniqueId("nnlab-fig")): string {
  const { layout } = figureSpec(fig);
  const height = typeof layout.height === "number" ? layout.height : 400;
  const json = JSON.stringify({ data: fig.data, layout, frames: fig.frames }).replace(/</g, "\\u003c");
  return [
    `<div id="${id}" class="nnlab-figure" style="width:100%;min-height:${height}px"></div>`,
    `<script type="text/javascript">(function(){var el=document.getElementById(${JSON.stringify(id)});var fig=${json};var tries=0;`,
    `function draw(){if(window.Plotly){window.Plotly.newPlot(el,{data:fig.data,layout:fig.layout,frames:fig.frames,config:{responsive:true,displaylogo:false}});}`,
    `else if(++tries<600){setTimeout(draw,50);}`,
    `else{el.textContent="plotly.js did not load: restart the kernel and run the notebook from the top.";}}draw();})();</script>`,
  ].join("\n");
}

/** One line describing a figure, for text-only front ends and exports. */
export function figureText(fig: Figure): string {
  const title = (fig.layout?.title as { text?: string } | string | undefined) ?? "";
  const t = typeof title === "string" ? title : title.text ?? "";
  const frames = fig.frames?.length ? `, ${fig.frames.length} frames` : "";
  return `<Figure${t ? ` "${t}"` : ""}: ${fig.data.length} trace${fig.data.length === 1 ? "" : "s"}${frames}>`;
}

/**
 * A figure's MIME bundle: plotly JSON, the offline HTML and a line of text
 * (`text`, default figureText). The JSON is what the front end will receive
 * (the same JSON.stringify as the HTML's script: no `undefined` keys).
 */
export function figureBundle(fig: Figure, text = figureText(fig)): Record<string, unknown> {
  return { [PLOTLY_MIME]: JSON.parse(JSON.stringify(figureSpec(fig))), "text/html": figureHtml(fig), "text/plain": text };
}

/**
 * Displays plotly.js once per kernel session, as an output of its own, so that
 * figures after it (including live ones that replace themselves) can draw.
 */
export function ensurePlotlyLoaded(): void {
  if (plotlyLoaded || !inKernel()) return;
  displayBundle({ "text/html": plotlyLoaderHtml(), "text/plain": "" });
  plotlyLoaded = true;
}

/** Shows a figure in the notebook (no-op outside a kernel) and returns it. */
export function showFigure(fig: Figure): Figure {
  validateFigure(fig);
  if (inKernel()) {
    ensurePlotlyLoaded();
    displayBundle(figureBundle(fig));
  }
  // A plot call that ends a cell shows no Out[n] (the figure is already
  // there); printed with console.log, a figure is one line.
  Object.defineProperty(fig, inspect.custom, { value: () => figureText(fig), enumerable: false, configurable: true });
  return markShown(fig);
}

/** Catches NaN/Infinity before they reach the browser, where they would become null silently. */
export function validateFigure(fig: Figure): void {
  if (!fig || !Array.isArray(fig.data)) throw new Error("showFigure: expected {data: [...traces], layout?}.");
  fig.data.forEach((trace, i) => {
    for (const key of ["x", "y", "z"]) {
      const v = trace[key];
      if (!v || typeof v !== "object") continue;
      const flat: unknown[] = Array.isArray(v) ? (v as unknown[]).flat() : Array.from(v as ArrayLike<unknown>);
      const bad = flat.findIndex((e) => typeof e === "number" && Number.isNaN(e));
      if (bad >= 0) {
        const name = trace.name ? ` ("${String(trace.name)}")` : "";
        throw new Error(`Figure trace ${i}${name} has NaN in ${key} at index ${bad}: the values being plotted are not numbers (a diverged loss?).`);
      }
    }
  });
}

