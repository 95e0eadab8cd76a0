/**
 * The figures the labs draw. Each builds a plotly Figure, shows it when run in
 * a kernel, and returns it (so tests and later cells can inspect it).
 */
import { ASSUMED_WIDTH, Figure, showFigure, textWidth, wrapText } from "./figure";

export interface AxisOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  logX?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
}

function baseLayout(opts: AxisOptions): Record<string, unknown> {
  const layout: Record<string, unknown> = {
    title: opts.title ? { text: opts.title } : undefined,
    xaxis: { title: { text: opts.xTitle ?? "" }, type: opts.logX ? "log" : "linear" },
    yaxis: { title: { text: opts.yTitle ?? "" }, type: opts.logY ? "log" : "linear" },
  };
  if (opts.width) layout.width = opts.width;
  if (opts.height) layout.height = opts.height;
  return layout;
}

const toArray = (v: ArrayLike<number>): number[] => Array.from(v);

export interface Series {
  name?: string;
  x?: ArrayLike<number>;
  y: ArrayLike<number>;
  mode?: "lines" | "markers" | "lines+markers";
}

/** Line (or marker) chart of one or more series (lab 01 onwards). */
export function plotLines(series: Series[], opts: AxisOptions = {}): Figure {
  const data = series.map((s) => ({
    type: "scatter",
    mode: s.mode ?? "lines",
    name: s.name,
    x: s.x ? toArray(s.x) : Array.from({ length: s.y.length }, (_, i) => i),
    y: toArray(s.y),
  }));
  return showFigure({ data, layout: baseLayout(opts) });
}

/** Checks an n×2 row-major point array against its labels. */
function checkPoints(X: ArrayLike<number>, y: ArrayLike<number>, who: string): number {
  if (X.length % 2 !== 0) throw new Error(`${who}: X must be n×2 row-major (length ${X.length} is odd).`);
  const n = X.length / 2;
  if (y.length !== n) throw new Error(`${who}: X has ${n} points but y has ${y.length} labels.`);
  return n;
}

const CLASS_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

/** Scatter traces of 2-D points, one trace per class. */
export function pointTraces(X: ArrayLike<number>, y: ArrayLike<number>, classNames?: string[]): Array<Record<string, unknown>> {
  const n = checkPoints(X, y, "pointTraces");
  const classes = [...new Set(Array.from(y))].sort((a, b) => a - b);
  return classes.map((c, k) => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < n; i++) if (y[i] === c) { xs.push(X[2 * i]); ys.push(X[2 * i + 1]); }
    return {
      type: "scatter", mode: "markers", name: classNames?.[c] ?? `class ${c}`, x: xs, y: ys,
      marker: { color: CLASS_COLORS[k % CLASS_COLORS.length], size: 7, line: { width: 1, color: "white" } },
    };
  });
}

/** 2-D points coloured by class (lab 01: Iris, toy sets). */
export function plotPoints2d(X: ArrayLike<number>, y: ArrayLike<number>, opts: AxisOptions & { classNames?: string[] } = {}): Figure {
  return showFigure({ data: pointTraces(X, y, opts.classNames), layout: baseLayout(opts) });
}

/** A predictor for plotDecisionBoundary: point-wise, or batched over an n×2 Float64Array of points. */
export type Predictor = ((x1: number, x2: number) => number) | { batch: (points: Float64Array) => ArrayLike<number> };

/** Evaluates a predictor on a resolution×resolution grid covering the data (with a margin). */
export function decisionGrid(predict: Predictor, X: ArrayLike<number>, resolution = 100, margin = 0.15) {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < X.length; i += 2) {
    x0 = Math.min(x0, X[i]); x1 = Math.max(x1, X[i]);
    y0 = Math.min(y0, X[i + 1]); y1 = Math.max(y1, X[i + 1]);
  }
  const mx = (x1 - x0) * margin || 1, my = (y1 - y0) * margin || 1;
  x0 -= mx; x1 += mx; y0 -= my; y1 += my;
  const xs = Array.from({ length: resolution }, (_, i) => x0 + ((x1 - x0) * i) / (resolution - 1));
  const ys = Array.from({ length: resolution }, (_, j) => y0 + ((y1 - y0) * j) / (resolution - 1));
  const pts = new Float64Array(resolution * resolution * 2);
  for (let j = 0; j < resolution; j++) for (let i = 0; i < resolution; i++) {
    pts[2 * (j * resolution + i)] = xs[i];
    pts[2 * (j * resolution + i) + 1] = ys[j];
  }
  const flat = typeof predict === "function"
    ? Array.from({ length: resolution * resolution }, (_, k) => predict(pts[2 * k], pts[2 * k + 1]))
    : predict.batch(pts);
  if (flat.length !== resolution * resolution) throw new Error(`decision boundary: the predictor returned ${flat.length} values for ${resolution * resolution} grid points.`);
  const z: number[][] = [];
  for (let j = 0; j < resolution; j++) z.push(Array.from({ length: resolution }, (_, i) => flat[j * resolution + i]));
  return { xs, ys, z };
}

/**
 * Decision regions of a 2-D classifier with the data on top (lab 01: the
 * perceptron; lab 02: the MLP). `predict` returns a class or a probability.
 */
export function plotDecisionBoundary(
  predict: Predictor, X: ArrayLike<number>, y: ArrayLike<number>,
  opts: AxisOptions & { resolution?: number; classNames?: string[]; extraTraces?: Array<Record<string, unknown>> } = {},
): Figure {
  checkPoints(X, y, "plotDecisionBoundary");
  const { xs, ys, z } = decisionGrid(predict, X, opts.resolution ?? 100);
  const region = {
    type: "contour", x: xs, y: ys, z, showscale: false, opacity: 0.45, hoverinfo: "skip",
    colorscale: [[0, "#aec7e8"], [0.5, "#ffffff"], [1, "#ff9896"]],
    contours: { coloring: "fill", showlines: true },
    line: { width: 1, color: "#444" },
    name: "decision regions",
  };
  const layout = { ...baseLayout(opts), xaxis: { title: { text: opts.xTitle ?? "x₁" }, range: [xs[0], xs[xs.length - 1]] }, yaxis: { title: { text: opts.yTitle ?? "x₂" }, range: [ys[0], ys[ys.length - 1]] } };
  return showFigure({ data: [region, ...pointTraces(X, y, opts.classNames), ...(opts.extraTraces ?? [])], layout });
}

/**
 * Training curves (the figure behind plotTrainingCurves and the live curves): loss and, if present, accuracy, each
 * training against validation. `history` maps names like loss, val_loss, acc,
 * val_acc to one value per epoch.
 */
export function trainingCurvesFigure(history: Record<string, ArrayLike<number>>, opts: AxisOptions = {}): Figure {
  const keys = Object.keys(history).filter((k) => history[k] && history[k].length > 0 && !/time/i.test(k));
  const isAcc = (k: string) => /acc/i.test(k);
  const hasAcc = keys.some(isAcc);
  const data = keys.map((k) => ({
    type: "scatter", mode: "lines+markers", name: k,
    x: Array.from({ length: history[k].length }, (_, i) => i + 1), y: toArray(history[k]),
    yaxis: isAcc(k) && hasAcc ? "y2" : "y",
    line: { dash: /^val/.test(k) ? "dash" : "solid" },
  }));
  const layout: Record<string, unknown> = { ...baseLayout({ xTitle: "epoch", yTitle: "loss", ...opts }), legend: { orientation: "h", y: -0.2 } };
  if (hasAcc) {
    layout.yaxis = { title: { text: opts.yTitle ?? "loss" }, domain: [0, 0.46], type: opts.logY ? "log" : "linear" };
    layout.yaxis2 = { title: { text: "accuracy" }, domain: [0.54, 1] };
    layout.height = opts.height ?? 520;
  }
  return { data, layout };
}

export function plotTrainingCurves(history: Record<string, ArrayLike<number>>, opts: AxisOptions = {}): Figure {
  return showFigure(trainingCurvesFigure(history, opts));
}

/** Largest size of one image of a grid on screen, and the widest grid (it must fit the narrowest notebook), in px. */
const MAX_TILE = 240, MAX_GRID_WIDTH = ASSUMED_WIDTH - 20;
/** Label font of an image grid: 11 px, shrunk down to 8 px for a long word on a small tile. */
const LABEL_FONT = 11, MIN_LABEL_FONT = 8;

/** A label's font size and lines so that it fits a tile `tilePx` wide. */
function fitLabel(label: string, tilePx: number): { size: number; lines: string[] } {
  for (let size = LABEL_FONT; size >= MIN_LABEL_FONT; size--) {
    const lines = wrapText(label, size, tilePx);
    if (lines.every((l) => textWidth(l, size) <= tilePx)) return { size, lines };
  }
  return { size: MIN_LABEL_FONT, lines: wrapText(label, MIN_LABEL_FONT, tilePx) };
}

/**
 * A grid of grey-scale images, e.g. MNIST digits (lab 06, lab 07), tiled into
 * one heatmap so that a hundred digits cost one trace. Pixel values are shown
 * as given; labels go above each tile. Each image is drawn as large as a
 * grid 680 px wide allows (up to 240 px), and a label is wrapped or its font shrunk so
 * that it fits above its own tile.
 */
export function plotImages(pixels: ArrayLike<number>, shape: [number, number, number], opts: { labels?: string[]; cols?: number; title?: string; colorscale?: string; zmin?: number; zmax?: number } = {}): Figure {
  const [n, h, w] = shape;
  if (pixels.length !== n * h * w) throw new Error(`plotImages: ${pixels.length} pixels do not make ${n} images of ${h}×${w} (${n * h * w} needed).`);
  if (opts.labels && opts.labels.length !== n) throw new Error(`plotImages: ${opts.labels.length} labels for ${n} images.`);
  const cols = Math.min(n, opts.cols ?? 10);
  const rows = Math.ceil(n / cols);
  const gap = 1;
  // Screen px per image pixel.
  const scale = Math.min(MAX_GRID_WIDTH / (cols * (w + gap)), MAX_TILE / Math.max(h, w));
  const tilePx = w * scale + gap * scale * 0.5;
  const labels = (opts.labels ?? []).map((l) => fitLabel(l, tilePx));
  const labelPx = labels.length ? Math.max(...labels.map((l) => l.lines.length * Math.round(l.size * 1.3))) + 6 : 0;
  const labelRows = Math.ceil(labelPx / scale);
  const cellH = h + gap + labelRows, cellW = w + gap;
  const z: (number | null)[][] = Array.from({ length: rows * cellH }, () => new Array(cols * cellW).fill(null));
  const annotations: Array<Record<string, unknown>> = [];
  for (let k = 0; k < n; k++) {
    const r0 = Math.floor(k / cols) * cellH + labelRows, c0 = (k % cols) * cellW;
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) z[r0 + i][c0 + j] = pixels[k * h * w + i * w + j];
    if (labels[k]) annotations.push({ x: c0 + (w - 1) / 2, y: r0 - 0.5 - labelRows / 2, text: labels[k].lines.join("<br>"), showarrow: false, font: { size: labels[k].size } });
  }
  const margin = { l: 10, r: 10, t: 10, b: 10 };
  const gridW = Math.round(cols * cellW * scale), gridH = Math.round(rows * cellH * scale);
  // Wide enough for a title to sit on one or two lines beside the modebar; the grid is centred.
  const width = Math.max(gridW + margin.l + margin.r, opts.title ? 420 : 0);
  const data = [{ type: "heatmap", z, colorscale: opts.colorscale ?? "Greys", showscale: false, zmin: opts.zmin, zmax: opts.zmax, hoverongaps: false }];
  const layout = {
    title: opts.title ? { text: opts.title } : undefined, annotations, width, height: gridH + margin.t + margin.b, margin,
    xaxis: { visible: false, range: [-0.5, cols * cellW - 0.5], constrain: "domain", fixedrange: false },
    yaxis: { visible: false, range: [rows * cellH - 0.5, -0.5], scaleanchor: "x", constrain: "domain" },
    plot_bgcolor: "white",
  };
  return showFigure({ data, layout });
}

/**
 * plotly's single-hue named scales that run from dark at the lowest value to
 * light at the highest. A heatmap of counts reads the other way round (many =
 * dark, as in a confusion matrix), so plotHeatmap reverses these.
 */
const DARK_AT_LOW = new Set(["Blues", "Greens", "Greys", "YlGnBu", "YlOrRd"]);

/**
 * A heatmap: weights, a confusion matrix (lab 07). Rows are y, columns
 * x. The default scale is Blues with the largest values darkest; a named
 * single-hue scale (Blues, Greens, Greys, YlGnBu, YlOrRd) is turned the same
 * way, whether it is the default or named. `reverseScale` overrides this.
 */
export function plotHeatmap(z: ArrayLike<number>[], opts: AxisOptions & { x?: string[]; y?: string[]; showValues?: boolean; colorscale?: string; reverseScale?: boolean; zmin?: number; zmax?: number } = {}): Figure {
  const rows = z.map(toArray);
  const width = rows[0]?.length ?? 0;
  if (rows.some((r) => r.length !== width)) throw new Error("plotHeatmap: every row of z must have the same length.");
  if (opts.x && opts.x.length !== width) throw new Error(`plotHeatmap: ${opts.x.length} x labels for ${width} columns.`);
  if (opts.y && opts.y.length !== rows.length) throw new Error(`plotHeatmap: ${opts.y.length} y labels for ${rows.length} rows.`);
  const colorscale = opts.colorscale ?? "Blues";
  const trace: Record<string, unknown> = { type: "heatmap", z: rows, x: opts.x, y: opts.y, colorscale, reversescale: opts.reverseScale ?? DARK_AT_LOW.has(colorscale), zmin: opts.zmin, zmax: opts.zmax };
  if (opts.showValues) { trace.texttemplate = "%{z}"; trace.textfont = { size: 10 }; }
  const layout = baseLayout(opts);
  layout.yaxis = { ...(layout.yaxis as object), autorange: "reversed", type: opts.y ? "category" : "linear", automargin: true };
  layout.xaxis = { ...(layout.xaxis as object), type: opts.x ? "category" : "linear", automargin: true };
  return showFigure({ data: [trace], layout });
}
