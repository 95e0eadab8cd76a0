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

/** What plotly draws: the figure's traces, its layout (figureLayout), its animation frames (if any), and the plot config. */
export function figureSpec(fig: Figure): { data: Figure["data"]; layout: Record<string, unknown>; frames?: Figure["frames"]; config: typeof CONFIG } {
  return { data: fig.data, layout: figureLayout(fig), ...(fig.frames ? { frames: fig.frames } : {}), config: CONFIG };
}

/**
 * Text sizes for laying out titles before the browser measures them: plotly's
 * title font is 17 px and, in the fonts Chromium falls back to, a character is
 * about 0.6 em wide on average.
 */
const TITLE_FONT = 17;
const CHAR_EM = 0.6;
/** The narrowest notebook output a figure without a fixed width is laid out for. */
export const ASSUMED_WIDTH = 700;
/** Room kept free at the top right for plotly's modebar (its buttons appear on hover). */
export const MODEBAR_WIDTH = 240;

/** Estimated width in px of one line of text. */
export function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * CHAR_EM;
}

/** Splits text at spaces into lines no wider than maxWidth px (a longer single word stays whole). */
export function wrapText(text: string, fontSize: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, fontSize) > maxWidth) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** The largest x of the traces drawn on an axis ("x", "x2", …), or undefined. */
function axisMax(data: Figure["data"], axis: string): number | undefined {
  let max: number | undefined;
  for (const trace of data) {
    if ((trace.xaxis ?? "x") !== axis) continue;
    const xs = trace.x ?? (Array.isArray(trace.y) ? (trace.y as unknown[]).map((_, i) => i) : []);
    for (const v of Array.from(xs as ArrayLike<unknown>)) if (typeof v === "number" && Number.isFinite(v)) max = max === undefined ? v : Math.max(max, v);
  }
  return max;
}

/** The tick spacing for an axis of whole epochs up to max: 1, 2, 5, 10, 20, … with at most 10 ticks. */
export function epochTickStep(max: number): number {
  for (let step = 1; ; step *= 10) {
    for (const k of [1, 2, 5]) if (max / (k * step) <= 10) return k * step;
  }
}

/**
 * The layout a figure is drawn with: the defaults, then two rules every
 * figure of the course follows.
 * - The title is left-aligned and wrapped so that it stays clear of the
 *   modebar at the top right and inside the figure; the top margin (and a
 *   fixed height) grow with its lines.
 * - An x axis titled "epoch(s)" gets whole-number ticks (plotly would put
 *   ticks at 1.2, 1.4, … on a short run).
 */
export function figureLayout(fig: Figure): Record<string, unknown> {
  const layout: Record<string, unknown> = { ...DEFAULT_LAYOUT, ...(fig.layout ?? {}) };
  const margin = { ...DEFAULT_LAYOUT.margin, ...((layout.margin as object) ?? {}) } as { l: number; r: number; t: number; b: number };
  const title = layout.title as { text?: string } | string | undefined;
  const text = typeof title === "string" ? title : title?.text;
  if (text && !text.includes("<br>")) {
    const width = typeof layout.width === "number" ? layout.width : ASSUMED_WIDTH;
    const lines = wrapText(text, TITLE_FONT, Math.max(160, width - MODEBAR_WIDTH - 10));
    // Measured in Chromium: a 17 px title line is 21 px high, and plotly sets a title of several lines
    // 12 px higher than its pad says (it anchors the first line), hence the larger pad.
    const lineHeight = 21;
    layout.title = {
      ...(typeof title === "object" ? title : {}),
      text: lines.join("<br>"),
      x: 0, xref: "container", xanchor: "left", y: 1, yref: "container", yanchor: "top", pad: { l: 10, t: lines.length > 1 ? 22 : 10 },
    };
    const top = 8 + lines.length * lineHeight + 14;
    if (top > margin.t) {
      if (typeof layout.height === "number") layout.height += top - margin.t;
      margin.t = top;
    }
  }
  layout.margin = margin;
  for (const key of Object.keys(layout)) {
    const m = /^xaxis(\d*)$/.exec(key);
    const axis = layout[key] as { title?: { text?: string } | string; type?: string; dtick?: unknown } | undefined;
    if (!m || !axis || axis.type === "log" || axis.dtick !== undefined) continue;
    const axisTitle = typeof axis.title === "string" ? axis.title : axis.title?.text;
    if (!axisTitle || !/^epochs?\b/i.test(axisTitle)) continue;
    const max = axisMax(fig.data, `x${m[1]}`);
    if (max !== undefined && max >= 1) layout[key] = { ...axis, tick0: 0, dtick: epochTickStep(max) };
  }
  return layout;
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

