/**
 * Every unit of a small network over the input plane (lab 02b), in the
 * manner of the TensorFlow Playground: one small heatmap per unit, one row
 * per layer, so that one can see the features each layer builds from the last.
 */
import * as tf from "@tensorflow/tfjs";
import { layerActivations } from "../hidden-units";
import { decisionGrid, pointTraces } from "./charts";
import { Figure, showFigure } from "./figure";
import { gridPoints, unitPlanes } from "./replay";

export interface UnitGridOptions {
  /** Grid points per axis (default 40). */
  resolution?: number;
  title?: string;
  /** The layers to show (default: every layer with 10 units or fewer). */
  layers?: number[];
  /** Names of the rows (default "layer i (activation)"). */
  rowNames?: string[];
}

/** Builds (without showing) the unit-grid figure of `model` over the plane around the points X. */
export function unitGridFigure(model: tf.LayersModel, X: ArrayLike<number>, y: ArrayLike<number>, opts: UnitGridOptions = {}): Figure {
  const inShape = model.inputs[0].shape.slice(1);
  if (inShape.length !== 1 || inShape[0] !== 2) throw new Error(`plotUnitGrid: the model must take 2 inputs, it takes [${inShape}].`);
  const res = opts.resolution ?? 40;
  const layers = opts.layers ?? model.layers.map((l, i) => [l, i] as const).filter(([l]) => ((l.outputShape as number[])[1] ?? 0) <= 10).map(([, i]) => i);
  if (layers.length === 0) throw new Error("plotUnitGrid: no layer to show; pass opts.layers.");
  if (opts.rowNames && opts.rowNames.length !== layers.length) throw new Error(`plotUnitGrid: ${opts.rowNames.length} row names for ${layers.length} layers.`);
  // The grid's coordinates, from the same helper as the decision-boundary plots.
  const { xs, ys } = decisionGrid(() => 0, X, res);
  const acts = layerActivations(model, layers, Float32Array.from(gridPoints(xs, ys)), res * res);
  const cols = Math.max(...acts.map((a) => a.units)) + 1; // +1: the data, in the first column
  const rows = layers.length;
  const gap = 0.012;
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    title: opts.title ? { text: opts.title } : undefined, showlegend: false, annotations: [] as unknown[],
    width: Math.min(1100, 110 * cols + 60), height: 110 * rows + (opts.title ? 90 : 40), margin: { l: 20, r: 20, t: opts.title ? 70 : 20, b: 10 },
  };
  const annotations = layout.annotations as unknown[];
  let axis = 0;
  const addAxis = (r: number, c: number) => {
    axis++;
    const sfx = axis === 1 ? "" : String(axis);
    layout[`xaxis${sfx}`] = { domain: [c / cols + gap, (c + 1) / cols - gap], showticklabels: false, ticks: "", range: [xs[0], xs[res - 1]], anchor: `y${sfx}` };
    layout[`yaxis${sfx}`] = { domain: [1 - (r + 1) / rows + gap * 2, 1 - r / rows - gap * 2], showticklabels: false, ticks: "", range: [ys[0], ys[res - 1]], anchor: `x${sfx}` };
    return { xaxis: `x${sfx}`, yaxis: `y${sfx}` };
  };
  acts.forEach((a, r) => {
    const name = opts.rowNames?.[r] ?? `layer ${layers[r]} (${(model.layers[layers[r]].getConfig() as { activation?: string }).activation ?? model.layers[layers[r]].getClassName()})`;
    // Column 0: the data, so each row can be compared with the classes.
    const ax0 = addAxis(r, 0);
    for (const t of pointTraces(X, y)) data.push({ ...t, ...ax0, marker: { ...(t.marker as object), size: 3, line: { width: 0 } } });
    annotations.push({ text: name, xref: "paper", yref: "paper", x: 0, y: 1 - r / rows - gap, xanchor: "left", yanchor: "bottom", showarrow: false, font: { size: 11 } });
    unitPlanes(a.values, a.units, res, res).forEach((z, u) => {
      let lo = Infinity, hi = -Infinity;
      for (const row of z) for (const v of row) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      // Each unit on its own colour range, symmetric around 0, as the Playground draws them (orange < 0 < blue).
      const m = Math.max(Math.abs(lo), Math.abs(hi), 1e-9);
      data.push({ type: "heatmap", x: xs, y: ys, z, zmin: -m, zmax: m, showscale: false, hoverinfo: "skip",
        colorscale: [[0, "#e8820c"], [0.5, "#ffffff"], [1, "#0877bd"]], ...addAxis(r, u + 1) });
    });
  });
  return { data, layout };
}

/** Shows every unit of `layers` of a 2-input model as a heatmap over the plane (lab 02b). */
export function plotUnitGrid(model: tf.LayersModel, X: ArrayLike<number>, y: ArrayLike<number>, opts: UnitGridOptions = {}): Figure {
  return showFigure(unitGridFigure(model, X, y, opts));
}
