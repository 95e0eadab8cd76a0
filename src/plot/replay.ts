/**
 * Replays (labs 01, 02, 05, 06): training recorded as snapshots and shown as
 * ONE plotly figure with animation frames, a slider, a play/pause button and
 * a label per frame. The figure is self-contained: scrubbing it needs no
 * kernel, so it works in Notebook, JupyterLab and the exported HTML.
 *
 *   const r = new Replay({ title: "…", below: [valley], above: points });
 *   for (const t of r.steps(total)) { …train to step t…; r.record(`step ${t}`, [traces]); }
 *   r.show();
 *
 * Each snapshot draws the same animated traces (same count, types and grid
 * sizes); fixed traces (`below`, `above`) are drawn once. Sizes stay small:
 * grids are quantised to 8 bits and stored base64-encoded (plotly's typed-array
 * spec, `gridTrace`), other numbers are rounded to 3 significant digits, and
 * the figure's JSON size is capped (`maxBytes`) and reported (`bytes`).
 */
import { inspect } from "util";
import { isFast } from "../mode";
import { Figure, showFigure } from "./figure";

type Trace = Record<string, unknown>;

export interface ReplayOptions {
  title?: string;
  /** Most frames recorded; default 40, 12 in fast mode (LABS_FAST=1). */
  maxFrames?: number;
  /** Cap on the figure's JSON size in bytes; default 400 kB. */
  maxBytes?: number;
  /** Milliseconds per frame when playing; default 300. */
  frameMs?: number;
  /** Traces drawn under / over the animated ones, the same in every frame. */
  below?: Trace[];
  above?: Trace[];
  /** Merged into the figure's layout (axes, size, annotations). */
  layout?: Record<string, unknown>;
}

export const DEFAULT_MAX_FRAMES = 40;
export const FAST_MAX_FRAMES = 12;
export const DEFAULT_MAX_BYTES = 400_000;

/**
 * Rounds a non-integer to 3 significant digits, but never coarser than one
 * decimal (127.5 stays 127.5); integers are kept (steps, counts, grid levels).
 */
export function round3(v: number): number {
  if (Number.isInteger(v)) return v;
  const intDigits = Math.max(1, Math.floor(Math.log10(Math.abs(v))) + 1);
  return Number(v.toPrecision(Math.min(21, Math.max(3, intDigits + 1))));
}

/** `count` indices from 0 to total−1, evenly spread, first and last included (all of them if count ≥ total). */
export function spreadSteps(total: number, count: number): number[] {
  if (!Number.isInteger(total) || total < 1) throw new Error(`spreadSteps: total must be a positive whole number of steps, got ${total}.`);
  if (!Number.isInteger(count) || count < 1) throw new Error(`spreadSteps: count must be a positive whole number of frames, got ${count}.`);
  if (count >= total) return Array.from({ length: total }, (_, i) => i);
  if (count === 1) return [total - 1];
  const out = new Set<number>();
  for (let k = 0; k < count; k++) out.add(Math.round((k * (total - 1)) / (count - 1)));
  return [...out];
}

export interface GridOptions {
  /** Grid coordinates: the xs and ys decisionGrid returns (evenly spaced). */
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  /** The value range the colours span, the same in every frame; values outside are clamped. Default [0, 1]. */
  range?: [number, number];
  /** Draw a contour line where the value crosses this level (e.g. 0.5 for a decision boundary). */
  boundary?: number;
  colorscale?: unknown;
  /** Axes of the panel (`x2`, `y2`…); default the first. */
  xaxis?: string;
  yaxis?: string;
  name?: string;
  opacity?: number;
  showscale?: boolean;
}

const LEVELS = 255;

/**
 * A grid of values (rows are y, as decisionGrid returns it) as a compact plotly
 * trace: quantised to 256 levels over `range` and base64-encoded, so a 60×60
 * grid costs about 4.8 kB per frame instead of ~20 kB of JSON numbers.
 * A heatmap, or with `boundary` a contour coloured like a heatmap with a line at that level.
 */
export function gridTrace(z: ArrayLike<number>[], opts: GridOptions): Trace {
  const [lo, hi] = opts.range ?? [0, 1];
  if (!(hi > lo)) throw new Error(`gridTrace: range [${lo}, ${hi}] is empty; give [low, high] with low < high.`);
  const ny = z.length, nx = z[0]?.length ?? 0;
  if (ny !== opts.ys.length || nx !== opts.xs.length) throw new Error(`gridTrace: z is ${ny}×${nx} (rows×columns) but there are ${opts.ys.length} ys and ${opts.xs.length} xs.`);
  if (nx < 2 || ny < 2) throw new Error(`gridTrace: a grid needs at least 2×2 values, got ${ny}×${nx}.`);
  const bytes = Buffer.alloc(nx * ny);
  for (let j = 0; j < ny; j++) {
    if (z[j].length !== nx) throw new Error(`gridTrace: row ${j} has ${z[j].length} values, row 0 has ${nx}; the grid must be rectangular.`);
    for (let i = 0; i < nx; i++) {
      const v = z[j][i];
      if (!Number.isFinite(v)) throw new Error(`gridTrace: the value at row ${j}, column ${i} is ${v}; the predictions are not numbers (a diverged model?).`);
      bytes[j * nx + i] = Math.round((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo) * LEVELS);
    }
  }
  const trace: Trace = {
    type: opts.boundary === undefined ? "heatmap" : "contour",
    name: opts.name ?? "",
    z: { dtype: "u1", bdata: bytes.toString("base64"), shape: `${ny},${nx}` },
    x0: round3(opts.xs[0]), dx: round3((opts.xs[nx - 1] - opts.xs[0]) / (nx - 1)),
    y0: round3(opts.ys[0]), dy: round3((opts.ys[ny - 1] - opts.ys[0]) / (ny - 1)),
    zmin: 0, zmax: LEVELS, zauto: false,
    colorscale: opts.colorscale ?? [[0, "#aec7e8"], [0.5, "#ffffff"], [1, "#ff9896"]],
    showscale: opts.showscale ?? false, hoverinfo: "skip", opacity: opts.opacity ?? 0.8,
  };
  if (opts.boundary !== undefined) {
    if (!(opts.boundary > lo && opts.boundary < hi)) throw new Error(`gridTrace: boundary ${opts.boundary} lies outside the range [${lo}, ${hi}].`);
    const level = (opts.boundary - lo) / (hi - lo) * LEVELS;
    trace.contours = { coloring: "heatmap", start: level, end: level, size: 1, showlines: true };
    trace.line = { width: 2, color: "#333" };
    trace.autocontour = false;
  }
  if (opts.xaxis) trace.xaxis = opts.xaxis;
  if (opts.yaxis) trace.yaxis = opts.yaxis;
  return trace;
}

/**
 * Per-unit activation maps (Playground-style replays): evaluates `activations`
 * once on every point of the xs×ys grid (an n×2 Float64Array, rows of y, as
 * decisionGrid orders them) and splits its n×units row-major result into one
 * ny×nx grid per unit, ready for gridTrace. E.g. for a tf model's hidden layer:
 * `unitGrids((p) => hiddenModel.predict(tf.tensor2d(p, [p.length / 2, 2])).dataSync(), 8, xs, ys)`.
 */
export function unitGrids(activations: (points: Float64Array) => ArrayLike<number>, units: number, xs: ArrayLike<number>, ys: ArrayLike<number>): number[][][] {
  if (!Number.isInteger(units) || units < 1) throw new Error(`unitGrids: units must be a positive whole number, got ${units}.`);
  const nx = xs.length, ny = ys.length;
  const v = activations(gridPoints(xs, ys));
  if (v.length !== nx * ny * units) throw new Error(`unitGrids: the activations have ${v.length} values, but ${nx * ny} grid points × ${units} units need ${nx * ny * units}; return one row of ${units} values per point.`);
  return unitPlanes(v, units, nx, ny);
}

/** The points of the grid xs × ys as (x, y) pairs, row by row (y outer, x inner). */
export function gridPoints(xs: ArrayLike<number>, ys: ArrayLike<number>): Float64Array {
  const nx = xs.length, ny = ys.length;
  const pts = new Float64Array(nx * ny * 2);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    pts[2 * (j * nx + i)] = xs[i];
    pts[2 * (j * nx + i) + 1] = ys[j];
  }
  return pts;
}

/** Values at gridPoints (one row of `units` values per point) as one ny × nx plane per unit. */
export function unitPlanes(values: ArrayLike<number>, units: number, nx: number, ny: number): number[][][] {
  return Array.from({ length: units }, (_, u) =>
    Array.from({ length: ny }, (_, j) => Array.from({ length: nx }, (_, i) => values[(j * nx + i) * units + u])));
}

export interface PanelGrid {
  /** Axis names of each panel, in reading order: pass them to traces as xaxis/yaxis. */
  axes: { xaxis: string; yaxis: string }[];
  /** Layout entries (xaxis, yaxis, xaxis2, …) placing the panels; merge them into the replay's layout. */
  layout: Record<string, unknown>;
}

/**
 * n small panels in rows of `cols` (Playground-style: one per hidden unit),
 * each with its own axes, optionally with titles, a shared axis range, and
 * `square` cells (one unit of x as long as one of y: images, filters).
 */
export function panelGrid(n: number, opts: { cols?: number; gap?: number; titles?: string[]; xRange?: [number, number]; yRange?: [number, number]; hideTicks?: boolean; square?: boolean } = {}): PanelGrid {
  if (!Number.isInteger(n) || n < 1) throw new Error(`panelGrid: n must be a positive whole number of panels, got ${n}.`);
  if (opts.titles && opts.titles.length !== n) throw new Error(`panelGrid: ${opts.titles.length} titles for ${n} panels.`);
  const cols = Math.min(n, opts.cols ?? n), rows = Math.ceil(n / cols), gap = opts.gap ?? 0.04;
  const w = (1 - gap * (cols - 1)) / cols, h = (1 - gap * (rows - 1)) / rows;
  const axes: PanelGrid["axes"] = [];
  const layout: Record<string, unknown> = {};
  const annotations: Trace[] = [];
  for (let k = 0; k < n; k++) {
    const r = Math.floor(k / cols), c = k % cols, s = k === 0 ? "" : String(k + 1);
    const x = [c * (w + gap), c * (w + gap) + w], y = [1 - r * (h + gap) - h, 1 - r * (h + gap)];
    const ticks = opts.hideTicks ? { showticklabels: false, ticks: "" } : {};
    layout[`xaxis${s}`] = { domain: x.map(round3), anchor: `y${s}`, range: opts.xRange, ...ticks };
    layout[`yaxis${s}`] = { domain: y.map(round3), anchor: `x${s}`, range: opts.yRange, ...ticks, ...(opts.square ? { scaleanchor: `x${s}`, constrain: "domain" } : {}) };
    axes.push({ xaxis: `x${s}`, yaxis: `y${s}` });
    if (opts.titles) annotations.push({ text: opts.titles[k], x: round3((x[0] + x[1]) / 2), y: round3(y[1]), xref: "paper", yref: "paper", xanchor: "center", yanchor: "bottom", showarrow: false, font: { size: 11 } });
  }
  if (annotations.length) layout.annotations = annotations;
  return { axes, layout };
}

interface RecordedFrame {
  name: string;
  data: Trace[];
}

/** A key describing what must stay the same from frame to frame: type, axes and grid shape. */
function traceShape(t: Trace): string {
  const z = t.z as { shape?: string } | ArrayLike<number>[] | undefined;
  let zShape = "";
  if (z && typeof z === "object" && "shape" in z && typeof z.shape === "string") zShape = z.shape;
  else if (Array.isArray(z)) zShape = `${z.length},${(z[0] as ArrayLike<number> | undefined)?.length ?? 0}`;
  return `${String(t.type ?? "scatter")} on ${String(t.xaxis ?? "x")}/${String(t.yaxis ?? "y")}${zShape ? `, grid ${zShape.replace(",", "×")}` : ""}`;
}

/** Deep copy of a trace with every non-integer rounded to 3 significant digits; a NaN or ±Infinity is an error naming its place. */
function compactTrace(value: unknown, where: string): unknown {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`${where} is ${value}: the values being recorded are not numbers (a diverged loss?).`);
    return round3(value);
  }
  if (ArrayBuffer.isView(value)) return compactTrace(Array.from(value as unknown as ArrayLike<number>), where);
  if (Array.isArray(value)) return value.map((v, i) => compactTrace(v, `${where}[${i}]`));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = compactTrace(v, `${where}.${k}`);
    return out;
  }
  return value;
}

type Range = [number, number];

/** Extends per-axis [min, max] with the points a trace draws (x/y arrays, or a grid's x0/dx and y0/dy). */
function extendBounds(bounds: Map<string, Range>, t: Trace): void {
  const grow = (axis: string, vs: number[]) => {
    const finite = vs.filter((v) => typeof v === "number" && Number.isFinite(v));
    if (!finite.length) return;
    const r = bounds.get(axis) ?? [Infinity, -Infinity];
    bounds.set(axis, [Math.min(r[0], ...finite), Math.max(r[1], ...finite)]);
  };
  const xa = `xaxis${String(t.xaxis ?? "x").slice(1)}`, ya = `yaxis${String(t.yaxis ?? "y").slice(1)}`;
  const z = t.z as { shape?: string } | undefined;
  if (typeof t.x0 === "number" && typeof t.dx === "number" && z && typeof z.shape === "string") {
    const [ny, nx] = z.shape.split(",").map(Number);
    grow(xa, [t.x0, t.x0 + (nx - 1) * t.dx]);
    grow(ya, [t.y0 as number, (t.y0 as number) + (ny - 1) * (t.dy as number)]);
    return;
  }
  if (Array.isArray(t.x)) grow(xa, t.x as number[]);
  if (Array.isArray(t.y)) grow(ya, t.y as number[]);
}

/**
 * A recording of training: call `record` at the steps `steps(total)` picks,
 * then `show` (or `figure` outside a notebook). Errors are thrown at the
 * snapshot that does not fit, naming the frame and the trace.
 */
export class Replay {
  readonly maxFrames: number;
  readonly maxBytes: number;
  private readonly frames: RecordedFrame[] = [];
  private readonly opts: ReplayOptions;
  private readonly below: Trace[];
  private readonly above: Trace[];

  constructor(opts: ReplayOptions = {}) {
    this.maxFrames = opts.maxFrames ?? (isFast() ? FAST_MAX_FRAMES : DEFAULT_MAX_FRAMES);
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!Number.isInteger(this.maxFrames) || this.maxFrames < 2) throw new Error(`Replay: maxFrames must be a whole number ≥ 2, got ${this.maxFrames}.`);
    if (!(this.maxBytes > 0)) throw new Error(`Replay: maxBytes must be positive, got ${this.maxBytes}.`);
    this.opts = opts;
    this.below = (opts.below ?? []).map((t, i) => compactTrace(t, `Replay: fixed trace ${i} (below)`) as Trace);
    this.above = (opts.above ?? []).map((t, i) => compactTrace(t, `Replay: fixed trace ${i} (above)`) as Trace);
  }

  /** The steps (0…total−1) to record: at most maxFrames, evenly spread, the first and the last included. */
  steps(total: number): number[] {
    return spreadSteps(total, this.maxFrames);
  }

  /** Frames recorded so far. */
  get length(): number {
    return this.frames.length;
  }

  get labels(): string[] {
    return this.frames.map((f) => f.name);
  }

  /** Records one snapshot: its label (shown on the slider) and the animated traces. */
  record(label: string, traces: Trace[]): void {
    if (typeof label !== "string" || label.trim() === "") throw new Error("Replay.record: every frame needs a label (e.g. `epoch 3`), got an empty one.");
    if (this.frames.some((f) => f.name === label)) throw new Error(`Replay.record: a frame is already labelled "${label}"; labels name the slider's steps and must differ (add the step number).`);
    if (this.frames.length >= this.maxFrames) throw new Error(`Replay.record: frame "${label}" would be frame ${this.frames.length + 1}, over the cap of ${this.maxFrames}; record only the steps replay.steps(total) picks.`);
    if (!Array.isArray(traces) || traces.length === 0) throw new Error(`Replay.record: frame "${label}" has no traces; pass an array of plotly traces.`);
    const data = traces.map((t, i) => {
      if (!t || typeof t !== "object" || Array.isArray(t)) throw new Error(`Replay.record: trace ${i} of frame "${label}" is not a plotly trace object.`);
      return compactTrace(t, `Replay.record: frame "${label}", trace ${i}`) as Trace;
    });
    const first = this.frames[0];
    if (first) {
      if (data.length !== first.data.length) throw new Error(`Replay.record: frame "${label}" has ${data.length} traces, the first frame ("${first.name}") had ${first.data.length}; every snapshot must draw the same traces.`);
      data.forEach((t, i) => {
        const want = traceShape(first.data[i]), got = traceShape(t);
        if (want !== got) throw new Error(`Replay.record: frame "${label}", trace ${i} is a ${got}, but in the first frame it was a ${want}; keep every snapshot's traces and grid sizes the same.`);
      });
    }
    this.frames.push({ name: label, data });
  }

  /** The replay as one plotly figure: the first frame drawn, every frame in `frames`, slider and play/pause. */
  figure(): Figure & { frames: Trace[] } {
    if (this.frames.length === 0) throw new Error("Replay: nothing was recorded; call record(label, traces) during training before showing the replay.");
    const nb = this.below.length;
    // A frame only carries what changes: keys equal in every frame stay in the drawn trace (plotly merges frame
    // data into it), and a trace that never changes is left out of the frames altogether.
    const first = this.frames[0].data;
    const varying = first.map((t0, i) => new Set([...new Set(this.frames.flatMap((f) => Object.keys(f.data[i])))].filter((key) =>
      this.frames.some((f) => JSON.stringify(f.data[i][key]) !== JSON.stringify(t0[key])))));
    const moving = first.map((_, i) => i).filter((i) => varying[i].size > 0);
    const frames = this.frames.map((f) => ({
      name: f.name,
      data: moving.map((i) => Object.fromEntries(Object.entries(f.data[i]).filter(([key]) => varying[i].has(key)))),
      traces: moving.map((i) => nb + i),
    }));
    const ms = this.opts.frameMs ?? 300;
    const still = { mode: "immediate", frame: { duration: 0, redraw: true }, transition: { duration: 0 } };
    const many = this.frames.length > 8 || this.frames.reduce((n, f) => n + f.name.length, 0) > 80;
    const layout: Record<string, unknown> = {
      title: this.opts.title ? { text: this.opts.title } : undefined,
      margin: { l: 60, r: 20, t: 50, b: 20 },
      ...this.opts.layout,
    };
    // Fixed axis ranges over every frame, so the view does not jump while playing.
    const bounds = new Map<string, Range>();
    for (const t of [...this.below, ...this.above, ...this.frames.flatMap((f) => f.data)]) extendBounds(bounds, t);
    for (const [axis, [lo, hi]] of bounds) {
      const given = (layout[axis] ?? {}) as Record<string, unknown>;
      if (given.range !== undefined || given.type === "category" || given.type === "log") continue;
      const pad = (hi - lo) * 0.04 || 0.5;
      layout[axis] = { ...given, range: [round3(lo - pad), round3(hi + pad)], autorange: false };
    }
    layout.sliders = [{
      active: 0, x: 0.12, len: 0.88, y: 0, yanchor: "top", pad: { t: 55, b: 10 },
      currentvalue: { visible: true, xanchor: "left", font: { size: 13, color: "#333" } },
      // With many frames the tick labels would overlap: hide them, the current value names the frame.
      font: many ? { color: "rgba(0,0,0,0)" } : { size: 10 },
      steps: this.frames.map((f) => ({ label: f.name, method: "animate", args: [[f.name], still] })),
    }];
    layout.updatemenus = [{
      type: "buttons", direction: "left", showactive: false, x: 0.1, xanchor: "right", y: 0, yanchor: "top", pad: { t: 75, r: 10 },
      buttons: [
        { label: "Play", name: "play", method: "animate", args: [null, { fromcurrent: true, frame: { duration: ms, redraw: true }, transition: { duration: 0 } }] },
        { label: "Pause", name: "pause", method: "animate", args: [[null], still] },
      ],
    }];
    const height = typeof layout.height === "number" ? layout.height : 520;
    layout.height = height;
    return { data: [...this.below, ...this.frames[0].data, ...this.above], layout, frames };
  }

  /** Size of the figure's JSON (what goes into the notebook), in bytes. */
  get bytes(): number {
    return Buffer.byteLength(JSON.stringify(this.figure()));
  }

  /** Checks the byte cap, shows the replay in the notebook (no-op outside a kernel) and returns the figure. */
  show(): Figure {
    const fig = this.figure();
    const bytes = Buffer.byteLength(JSON.stringify(fig));
    const name = this.opts.title ? ` "${this.opts.title}"` : "";
    if (bytes > this.maxBytes) {
      throw new Error(`Replay${name}: ${this.frames.length} frames make ${(bytes / 1000).toFixed(0)} kB, over the cap of ${(this.maxBytes / 1000).toFixed(0)} kB; record fewer frames (maxFrames) or a coarser grid.`);
    }
    const text = `<Replay${name}: ${this.frames.length} frames, ${(bytes / 1000).toFixed(1)} kB>`;
    const shown = showFigure(fig);
    Object.defineProperty(shown, inspect.custom, { value: () => text, enumerable: false, configurable: true });
    return shown;
  }
}
