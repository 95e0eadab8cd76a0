/**
 * Plotly figures in notebooks (introduced in lab 01).
 *
 * The first figure of a kernel session inlines plotly.js (minified from the
 * plotly.js-dist package at build time) into its output, so plots render
 * offline in Notebook, JupyterLab and `nbconvert --to html` exports; later
 * figures are a <div> and a call to Plotly.newPlot that waits until plotly.js
 * is there.
 */
import * as fs from "fs";
import * as path from "path";
import { inspect } from "util";
import { displayBundle, inKernel, uniqueId } from "./display";
import { markShown } from "../display";

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

/** The HTML for one figure: a div and the script that draws into it. */
export function figureHtml(fig: Figure, id = uniqueId("nnlab-fig")): string {
  const layout = { ...DEFAULT_LAYOUT, ...(fig.layout ?? {}) };
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
    displayBundle({ "text/html": figureHtml(fig), "text/plain": figureText(fig) });
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

