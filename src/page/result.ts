/**
 * How a cell's last value is shown (Out[n]) in every lab. The course kernel
 * (kernel/main.js) calls `toMimeBundle` on the value of a cell's last
 * expression, so ending a cell with `x` shows a tf.Tensor as a small table
 * (shape, dtype, values; big tensors truncated like a pandas frame), a
 * tf.LayersModel as its summary table, the History `await model.fit(...)`
 * returns as a table of metrics per epoch, and a long array of numbers on one
 * line. Anything else is shown as Node's `util.inspect` shows it.
 *
 * Values are recognised by their shape (duck typing), so neither the kernel
 * nor this module loads TensorFlow.js.
 */
import { inspect } from "util";
import { escapeHtml } from "./html";

export type MimeBundle = { "text/plain": string; "text/html"?: string };

/** The part of a tf.Tensor this module reads. */
export interface TensorLike {
  shape: number[];
  dtype: string;
  size: number;
  dataSync(): ArrayLike<unknown>;
  isDisposed?: boolean;
  /** tf.Tensor#slice, used to read only the rows shown of a big tensor. */
  slice?(begin: number[], size: number[]): TensorLike & { dispose(): void };
}

/** The part of a tf.LayersModel this module reads. */
export interface LayersModelLike {
  name?: string;
  layers: LayerLike[];
  summary(lineLength?: number, positions?: number[], printFn?: (...msg: unknown[]) => void): void;
  countParams(): number;
  trainableWeights?: { shape: (number | null)[] }[];
  nonTrainableWeights?: { shape: (number | null)[] }[];
  getClassName?(): string;
}
interface LayerLike {
  name: string;
  getClassName(): string;
  outputShape: unknown;
  countParams(): number;
}

export interface DisplayLimits {
  /** Rows (and 1-D entries) shown before truncating to head … tail. */
  maxRows: number;
  maxCols: number;
  /** 2-D slices of a rank ≥ 3 tensor shown. */
  maxSlices: number;
  /** Above this many elements only the shown rows are read (with tf.Tensor#slice). */
  readAllLimit: number;
}
export const DEFAULT_LIMITS: DisplayLimits = { maxRows: 10, maxCols: 10, maxSlices: 3, readAllLimit: 1 << 20 };

export function isTensorLike(v: unknown): v is TensorLike {
  const t = v as TensorLike;
  return (
    typeof v === "object" && v !== null &&
    Array.isArray(t.shape) && typeof t.dtype === "string" && typeof t.size === "number" &&
    typeof t.dataSync === "function"
  );
}

export function isLayersModelLike(v: unknown): v is LayersModelLike {
  const m = v as LayersModelLike;
  return (
    typeof v === "object" && v !== null &&
    Array.isArray(m.layers) && typeof m.summary === "function" && typeof m.countParams === "function"
  );
}

function isNumberArray(v: unknown): v is ArrayLike<number> {
  if (ArrayBuffer.isView(v)) return !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "number");
}

function isNumberMatrix(v: unknown): v is number[][] {
  if (!Array.isArray(v) || v.length === 0 || !Array.isArray(v[0]) || v[0].length === 0) return false;
  const cols = (v[0] as unknown[]).length;
  return v.every((row) => isNumberArray(row) && (row as ArrayLike<number>).length === cols);
}

/** The part of a tf.History (what `await model.fit(...)` returns) this module reads. */
export interface HistoryLike {
  epoch: number[];
  history: Record<string, ArrayLike<unknown>>;
}

export function isHistoryLike(v: unknown): v is HistoryLike {
  const h = v as HistoryLike;
  return (
    typeof v === "object" && v !== null && Array.isArray(h.epoch) &&
    typeof h.history === "object" && h.history !== null &&
    Object.values(h.history).every((xs) => Array.isArray(xs) || ArrayBuffer.isView(xs))
  );
}

/**
 * Marks a value whose picture or text is already on the page (a figure a plot
 * call displayed, the backend line initBackend printed), so a cell ending in
 * it gets no Out[n] repeating it.
 */
export const ALREADY_SHOWN = Symbol.for("nnlab.alreadyShown");

export function markShown<T extends object>(value: T): T {
  Object.defineProperty(value, ALREADY_SHOWN, { value: true, enumerable: false, configurable: true });
  return value;
}

/** What the kernel sends for a cell's last value: its MIME bundle, or null when it is already shown. */
export function cellResultBundle(value: unknown): MimeBundle | null {
  if (typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[ALREADY_SHOWN] === true) return null;
  return toMimeBundle(value);
}

export function toMimeBundle(value: unknown, limits: DisplayLimits = DEFAULT_LIMITS): MimeBundle {
  if (isTensorLike(value)) return tensorBundle(value, limits);
  if (isLayersModelLike(value)) return modelBundle(value);
  if (isHistoryLike(value)) return historyBundle(value, limits);
  if (isNumberMatrix(value)) {
    const kind: CellKind = value.every((row) => row.every(Number.isInteger)) ? "int" : "float";
    const view = { shape: [value.length, value[0].length], get: (i: number[]) => value[i[0]][i[1]], kind };
    return gridBundle(`Array ${value.length}×${value[0].length}`, view, limits);
  }
  if (isNumberArray(value)) return { "text/plain": numberArrayText(value, limits) };
  return { "text/plain": inspect(value) };
}

// ---------------------------------------------------------------- numbers

/** A float as the tables show it: 4 decimals, or 4 significant digits in exponent form when tiny or huge. */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v === 0) return "0.0000";
  const a = Math.abs(v);
  return a < 1e-4 || a >= 1e6 ? v.toExponential(3) : v.toFixed(4);
}

/** A number in a compact list: integers as they are, others to 5 significant digits. */
function formatCompact(v: number): string {
  if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(5)));
}

/**
 * One line for an array of numbers: `Float32Array(784) [0, 0.5, …, 0]`. A
 * short array shows every value exactly; a long one its head and tail to 5
 * significant digits.
 */
export function numberArrayText(a: ArrayLike<number>, limits: DisplayLimits = DEFAULT_LIMITS): string {
  const name = Array.isArray(a) ? "Array" : (a as object).constructor.name;
  const shown = window(a.length, 2 * limits.maxCols);
  const format = shown.length < a.length ? formatCompact : String;
  const items = shown.map((i) => (i === null ? "…" : format(a[i])));
  return `${name}(${a.length}) [${items.join(", ")}]`;
}

/** Indices shown of `n` when at most `max` fit: all, or head, null (the gap), tail. */
export function window(n: number, max: number): (number | null)[] {
  const all = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);
  if (n <= max) return all(0, n);
  const head = Math.ceil(max / 2);
  return [...all(0, head), null, ...all(n - (max - head), n)];
}

// ---------------------------------------------------------------- grids

type CellKind = "float" | "int" | "bool" | "string";
/** A read-only n-d array: what the table renderer needs from a tensor or a number[][]. */
interface GridView {
  shape: number[];
  get(index: number[]): unknown;
  kind: CellKind;
}

function formatCell(v: unknown, kind: CellKind): string {
  if (kind === "bool") return v ? "true" : "false";
  if (kind === "string") return typeof v === "string" ? JSON.stringify(v) : JSON.stringify(new TextDecoder().decode(v as Uint8Array));
  if (typeof v !== "number") return String(v);
  return kind === "int" ? String(v) : formatFloat(v);
}

type Slice = { label: string; lead: number[] };

/** The 2-D tables a view is shown as: one for rank ≤ 2, a few leading slices (and "gap" for the cut) for rank ≥ 3. */
function slicesOf(view: GridView, limits: DisplayLimits): (Slice | "gap")[] {
  const lead = view.shape.slice(0, -2);
  if (lead.length === 0) return [{ label: "", lead: [] }];
  const count = lead.reduce((p, d) => p * d, 1);
  return window(count, limits.maxSlices).map((k) => {
    if (k === null) return "gap";
    const idx: number[] = [];
    let rest = k;
    for (let d = lead.length - 1; d >= 0; d--) {
      idx.unshift(rest % lead[d]);
      rest = Math.floor(rest / lead[d]);
    }
    return { label: `[${[...idx, ":", ":"].join(", ")}]`, lead: idx };
  });
}

/** True when some table of `view` leaves values out. */
function isTruncated(shape: number[], limits: DisplayLimits): boolean {
  const rank = shape.length;
  if (rank === 0) return false;
  if (rank === 1) return shape[0] > 2 * limits.maxCols;
  const lead = shape.slice(0, -2).reduce((p, d) => p * d, 1);
  return shape[rank - 2] > limits.maxRows || shape[rank - 1] > limits.maxCols || lead > limits.maxSlices;
}

/** Rows and columns of one 2-D table (a rank-1 view is one row). */
function tableOf(view: GridView, lead: number[], limits: DisplayLimits) {
  const rank = view.shape.length;
  const nRows = rank >= 2 ? view.shape[rank - 2] : 1;
  const nCols = rank >= 1 ? view.shape[rank - 1] : 1;
  const rows = rank >= 2 ? window(nRows, limits.maxRows) : [0];
  const cols = rank >= 1 ? window(nCols, rank === 1 ? 2 * limits.maxCols : limits.maxCols) : [0];
  const cells = rows.map((r) =>
    cols.map((c) => {
      if (r === null || c === null) return "…";
      const index = rank === 0 ? [] : rank === 1 ? [c] : [...lead, r, c];
      return formatCell(view.get(index), view.kind);
    }),
  );
  return { rows, cols, cells };
}

function gridBundle(title: string, view: GridView, limits: DisplayLimits): MimeBundle {
  const rank = view.shape.length;
  const text: string[] = [title];
  const html: string[] = [`<div class="nn-labs-array"><div style="font-family: monospace; margin-bottom: 2px">${escapeHtml(title)}</div>`];
  for (const s of slicesOf(view, limits)) {
    if (s === "gap") {
      text.push("…");
      html.push(`<div style="font-family: monospace">…</div>`);
      continue;
    }
    const { rows, cols, cells } = tableOf(view, s.lead, limits);
    if (s.label) text.push(`${s.label} =`);
    const widths = cols.map((_, j) => Math.max(...cells.map((row) => row[j].length)));
    const lines = cells.map((row) => row.map((v, j) => v.padStart(widths[j])).join("  "));
    text.push(...(rank === 0 ? lines : lines.map((l) => `  [${l}]`)));

    const th = (s2: string) => `<th>${escapeHtml(s2)}</th>`;
    const td = (s2: string) => `<td style="text-align: right; font-family: monospace">${escapeHtml(s2)}</td>`;
    html.push(`<table class="nn-labs-array-table">`);
    if (s.label) html.push(`<caption style="caption-side: top; text-align: left; font-family: monospace">${escapeHtml(s.label)}</caption>`);
    if (rank >= 1) html.push(`<thead><tr>${rank >= 2 ? th("") : ""}${cols.map((c) => th(c === null ? "…" : String(c))).join("")}</tr></thead>`);
    html.push("<tbody>");
    rows.forEach((r, i) => {
      html.push(`<tr>${rank >= 2 ? th(r === null ? "…" : String(r)) : ""}${cells[i].map(td).join("")}</tr>`);
    });
    html.push("</tbody></table>");
  }
  if (isTruncated(view.shape, limits)) {
    html.push(`<div style="font-size: smaller">${view.shape.reduce((p, d) => p * d, 1)} values, truncated</div>`);
  }
  html.push("</div>");
  return { "text/plain": text.join("\n"), "text/html": html.join("") };
}

// ---------------------------------------------------------------- tensors

function tensorKind(dtype: string): CellKind {
  if (dtype === "bool") return "bool";
  if (dtype === "int32") return "int";
  if (dtype === "string") return "string";
  return "float";
}

/**
 * Reads the values a table of `t` shows: everything for a small tensor; for a
 * big one only the shown entries of the first axis, one slice each (disposed).
 */
function tensorView(t: TensorLike, limits: DisplayLimits): GridView {
  const shape = t.shape;
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
  const kind = tensorKind(t.dtype);
  if (t.size <= limits.readAllLimit || typeof t.slice !== "function" || shape.length === 0) {
    const data = t.dataSync();
    return { shape, kind, get: (idx) => data[idx.reduce((p, v, i) => p + v * strides[i], 0)] };
  }
  // Which first-axis indices any table shows.
  const rank = shape.length;
  let firstAxis: (number | null)[];
  if (rank === 1) firstAxis = window(shape[0], 2 * limits.maxCols);
  else if (rank === 2) firstAxis = window(shape[0], limits.maxRows);
  else {
    const perFirst = shape.slice(1, -2).reduce((p, d) => p * d, 1);
    const count = shape[0] * perFirst;
    firstAxis = [...new Set(window(count, limits.maxSlices).map((k) => (k === null ? null : Math.floor(k / perFirst))))];
  }
  const rows = new Map<number, ArrayLike<unknown>>();
  for (const i of firstAxis) {
    if (i === null) continue;
    const part = t.slice!([i, ...shape.slice(1).map(() => 0)], [1, ...shape.slice(1)]);
    try {
      rows.set(i, part.dataSync());
    } finally {
      part.dispose();
    }
  }
  return {
    shape,
    kind,
    get: (idx) => rows.get(idx[0])![idx.slice(1).reduce((p, v, i) => p + v * strides[i + 1], 0)],
  };
}

/** Out[n] of a tf.Tensor: `Tensor float32 [2, 3]` and its values as a table (head … tail when big). */
export function tensorBundle(t: TensorLike, limits: DisplayLimits = DEFAULT_LIMITS): MimeBundle {
  const title = `Tensor ${t.dtype} [${t.shape.join(", ")}]`;
  if (t.isDisposed) {
    const msg = `${title} (disposed: its values are gone)`;
    return { "text/plain": msg, "text/html": `<div style="font-family: monospace">${escapeHtml(msg)}</div>` };
  }
  if (t.dtype === "complex64") return { "text/plain": `${title}\n${String(t)}` };
  return gridBundle(title, tensorView(t, limits), limits);
}

// ---------------------------------------------------------------- models

function formatShape(s: unknown): string {
  if (Array.isArray(s)) return `[${s.map((d) => (Array.isArray(d) ? formatShape(d) : d === null ? "null" : String(d))).join(", ")}]`;
  return String(s);
}

function countWeights(ws: { shape: (number | null)[] }[] | undefined): number | undefined {
  return ws?.reduce((sum, w) => sum + w.shape.reduce<number>((p, d) => p * (d ?? 0), 1), 0);
}

/** Reads a property that throws on an unbuilt layer or model; "?" then. */
function orUnknown<T>(read: () => T, show: (v: T) => string): string {
  try {
    return show(read());
  } catch {
    return "?";
  }
}

/** Out[n] of a tf.LayersModel: its summary as a table (text/plain is tfjs's own summary). */
export function modelBundle(m: LayersModelLike): MimeBundle {
  const lines: string[] = [];
  let plain: string;
  try {
    m.summary(undefined, undefined, (...msg: unknown[]) => lines.push(msg.map(String).join(" ")));
    plain = lines.join("\n");
  } catch (e) {
    plain = `${m.getClassName?.() ?? "Model"} "${m.name ?? ""}" with ${m.layers.length} layers (no summary yet: ${(e as Error).message})`;
  }
  const name = `${m.getClassName?.() ?? "Model"} "${m.name ?? ""}"`;
  const rows = m.layers.map((l) => [
    `${l.name} (${l.getClassName()})`,
    orUnknown(() => l.outputShape, formatShape),
    orUnknown(() => l.countParams(), (n) => n.toLocaleString("en-US")),
  ]);
  const total = orUnknown(() => m.countParams(), (n) => n.toLocaleString("en-US"));
  const trainable = countWeights(m.trainableWeights);
  const frozen = countWeights(m.nonTrainableWeights);
  const esc = escapeHtml;
  const html = [
    `<div class="nn-labs-model"><div style="font-family: monospace; margin-bottom: 2px">${esc(name)}</div>`,
    `<table><thead><tr><th style="text-align: left">Layer (type)</th><th style="text-align: left">Output shape</th><th style="text-align: right">Param #</th></tr></thead><tbody>`,
    ...rows.map((r) => `<tr><td style="text-align: left; font-family: monospace">${esc(r[0])}</td><td style="text-align: left; font-family: monospace">${esc(r[1])}</td><td style="text-align: right; font-family: monospace">${esc(r[2])}</td></tr>`),
    `</tbody></table>`,
    `<div style="font-family: monospace">Total params: ${esc(total)}` +
      (trainable !== undefined ? `<br>Trainable params: ${trainable.toLocaleString("en-US")}` : "") +
      (frozen !== undefined ? `<br>Non-trainable params: ${frozen.toLocaleString("en-US")}` : "") +
      `</div></div>`,
  ].join("");
  return { "text/plain": plain, "text/html": html };
}

// ---------------------------------------------------------------- training history

/** Out[n] of `await model.fit(...)`: one row per epoch, one column per metric (head … tail when long). */
export function historyBundle(h: HistoryLike, limits: DisplayLimits = DEFAULT_LIMITS): MimeBundle {
  const names = Object.keys(h.history);
  const title = `History: ${h.epoch.length} epoch${h.epoch.length === 1 ? "" : "s"}`;
  const header = ["epoch", ...names];
  const rows = window(h.epoch.length, limits.maxRows).map((i) =>
    i === null
      ? header.map(() => "…")
      : [String(h.epoch[i]), ...names.map((n) => {
          const v = h.history[n][i];
          return typeof v === "number" ? formatFloat(v) : String(v);
        })],
  );
  const widths = header.map((c, j) => Math.max(c.length, ...rows.map((r) => r[j].length)));
  const line = (r: string[]) => r.map((v, j) => v.padStart(widths[j])).join("  ");
  const text = [title, line(header), ...rows.map(line)].join("\n");
  const th = (c: string) => `<th style="text-align: right">${escapeHtml(c)}</th>`;
  const td = (c: string) => `<td style="text-align: right; font-family: monospace">${escapeHtml(c)}</td>`;
  const html =
    `<div class="nn-labs-history"><div style="font-family: monospace; margin-bottom: 2px">${escapeHtml(title)}</div>` +
    `<table><thead><tr>${header.map(th).join("")}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${th(r[0])}${r.slice(1).map(td).join("")}</tr>`).join("") +
    `</tbody></table></div>`;
  return { "text/plain": text, "text/html": html };
}
