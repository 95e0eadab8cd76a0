import { test } from "node:test";
import assert from "node:assert/strict";
import { Replay, gridTrace, panelGrid, unitGrids, spreadSteps, round3, figureHtml, figureText, decisionGrid } from "../../src/plot";
import { DEFAULT_MAX_FRAMES, FAST_MAX_FRAMES } from "../../src/plot/replay";

/** Decodes a gridTrace's z back to numbers (what plotly.js does with the typed-array spec). */
function decodeGrid(t: Record<string, unknown>): number[][] {
  const z = t.z as { dtype: string; bdata: string; shape: string };
  assert.equal(z.dtype, "u1");
  const [ny, nx] = z.shape.split(",").map(Number);
  const bytes = Buffer.from(z.bdata, "base64");
  assert.equal(bytes.length, nx * ny);
  return Array.from({ length: ny }, (_, j) => Array.from(bytes.subarray(j * nx, (j + 1) * nx)));
}

const grid = (n: number, f: (i: number, j: number) => number) => Array.from({ length: n }, (_, j) => Array.from({ length: n }, (_, i) => f(i, j)));
const axis = (n: number, lo = -1, hi = 1) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

test("spreadSteps picks evenly spread steps, first and last included", () => {
  assert.deepEqual(spreadSteps(5, 10), [0, 1, 2, 3, 4]);
  assert.deepEqual(spreadSteps(101, 5), [0, 25, 50, 75, 100]);
  const s = spreadSteps(1000, 40);
  assert.equal(s.length, 40);
  assert.equal(s[0], 0); assert.equal(s[39], 999);
  assert.ok(s.every((v, i) => i === 0 || v > s[i - 1]), "strictly increasing");
  assert.deepEqual(spreadSteps(7, 1), [6]);
  assert.throws(() => spreadSteps(0, 3), /positive whole number of steps, got 0/);
  assert.throws(() => spreadSteps(10, 2.5), /positive whole number of frames, got 2.5/);
});

test("round3 keeps 3 significant digits, at least one decimal, and integers", () => {
  assert.equal(round3(0.123456), 0.123);
  assert.equal(round3(-0.00098765), -0.000988);
  assert.equal(round3(127.5), 127.5);
  assert.equal(round3(12345.678), 12345.7);
  assert.equal(round3(12345), 12345);
  assert.equal(round3(0), 0);
});

test("the frame cap follows fast mode, and steps() never asks for more frames than the cap", () => {
  const saved = process.env.LABS_FAST;
  try {
    process.env.LABS_FAST = "1";
    assert.equal(new Replay().maxFrames, FAST_MAX_FRAMES);
    delete process.env.LABS_FAST;
    assert.equal(new Replay().maxFrames, DEFAULT_MAX_FRAMES);
  } finally {
    if (saved === undefined) delete process.env.LABS_FAST; else process.env.LABS_FAST = saved;
  }
  assert.ok(FAST_MAX_FRAMES < DEFAULT_MAX_FRAMES);
  const r = new Replay({ maxFrames: 6 });
  const steps = r.steps(500);
  assert.equal(steps.length, 6);
  for (const t of steps) r.record(`step ${t}`, [{ type: "scatter", x: [t], y: [t] }]);
  assert.throws(() => r.record("step 501", [{ type: "scatter", x: [1], y: [1] }]), /would be frame 7, over the cap of 6/);
  assert.equal(r.length, 6);
});

test("a replay is one figure: first frame drawn, every frame named, slider and play/pause", () => {
  const below = [{ type: "scatter", mode: "markers", name: "data", x: [0, 1], y: [0, 1] }];
  const above = [{ type: "scatter", mode: "markers", name: "marker", x: [0.5], y: [0.5] }];
  const r = new Replay({ title: "path", below, above, maxFrames: 10 });
  for (let t = 0; t < 10; t++) r.record(`step ${t}`, [{ type: "scatter", mode: "lines", x: [0, t / 3], y: [0, -t / 7] }]);
  const fig = r.figure();
  assert.equal(fig.frames.length, 10);
  assert.deepEqual(fig.frames.map((f) => f.name), r.labels);
  assert.equal(fig.data.length, 3, "below + animated + above");
  assert.deepEqual({ ...fig.data[1], ...(fig.frames[0].data as object[])[0] }, fig.data[1], "the figure starts at the first frame");
  assert.equal(fig.data[1].mode, "lines");
  assert.ok(!("mode" in (fig.frames[5].data as object[])[0]), "a key equal in every frame is not repeated in the frames");
  // A trace that is the same in every frame stays out of the frames.
  const r2 = new Replay({ maxFrames: 3 });
  for (let t = 0; t < 3; t++) r2.record(`t${t}`, [{ type: "scatter", x: [0, 1], y: [1, 0] }, { type: "scatter", x: [0, t], y: [0, t] }]);
  const f2 = r2.figure();
  assert.deepEqual(f2.frames[2], { name: "t2", data: [{ x: [0, 2], y: [0, 2] }], traces: [1] });
  assert.equal(f2.data.length, 2);
  assert.deepEqual(fig.frames[9].traces, [1], "frames replace only the animated trace");
  assert.deepEqual((fig.frames[9].data as Record<string, unknown>[])[0].x, [0, 3], "values as recorded (rounded)");
  assert.deepEqual((fig.frames[3].data as Record<string, unknown>[])[0].y, [0, -0.429], "3 significant digits");
  const slider = (fig.layout!.sliders as { steps: { label: string; args: unknown[] }[] }[])[0];
  assert.deepEqual(slider.steps.map((s) => s.label), r.labels);
  assert.deepEqual(slider.steps[9].args[0], ["step 9"]);
  const menu = (fig.layout!.updatemenus as { buttons: { name: string }[] }[])[0];
  assert.deepEqual(menu.buttons.map((b) => b.name), ["play", "pause"]);
  // The page gets the frames and plots them with newPlot's figure form.
  const html = figureHtml(fig, "r1");
  assert.match(html, /"frames":\[\{"name":"step 0"/);
  assert.match(html, /newPlot\(el,\{data:fig\.data,layout:fig\.layout,frames:fig\.frames/);
  assert.equal(figureText(fig), '<Figure "path": 3 traces, 10 frames>');
});

test("axis ranges are fixed to cover every frame (the view does not jump), unless the layout gives one", () => {
  const r = new Replay({ maxFrames: 3, layout: { yaxis: { range: [-5, 5] } } });
  r.record("a", [{ type: "scatter", x: [0, 1], y: [0, 1] }]);
  r.record("b", [{ type: "scatter", x: [-2, 1], y: [0, 9] }]);
  r.record("c", [{ type: "scatter", x: [0, 4], y: [0, 1] }]);
  const layout = r.figure().layout!;
  const [lo, hi] = (layout.xaxis as { range: number[] }).range;
  assert.ok(lo <= -2 && hi >= 4, `x range [${lo}, ${hi}] covers -2…4`);
  assert.ok(lo > -2.5 && hi < 4.5, `x range [${lo}, ${hi}] is not much wider than the data`);
  assert.deepEqual((layout.yaxis as { range: number[] }).range, [-5, 5], "a given range is kept");
  // A grid's extent comes from x0/dx and its shape.
  const g = new Replay({ maxFrames: 2 });
  g.record("g", [gridTrace(grid(11, () => 0.5), { xs: axis(11, 2, 7), ys: axis(11, -3, 0) })]);
  const gl = g.figure().layout!;
  const [gx0, gx1] = (gl.xaxis as { range: number[] }).range, [gy0, gy1] = (gl.yaxis as { range: number[] }).range;
  assert.ok(gx0 <= 2 && gx0 > 1.5 && gx1 >= 7 && gx1 < 7.5, `grid x range [${gx0}, ${gx1}]`);
  assert.ok(gy0 <= -3 && gy1 >= 0, `grid y range [${gy0}, ${gy1}]`);
});

test("gridTrace quantises to 8 bits over the given range, clamps, and draws a boundary contour", () => {
  const xs = axis(5), ys = axis(4);
  const z = [[0, 0.25, 0.5, 0.75, 1], [-1, 2, 0.5, 0.5, 0.5], [0, 0, 0, 0, 0], [1, 1, 1, 1, 1]];
  const t = gridTrace(z, { xs, ys, boundary: 0.5, xaxis: "x2", yaxis: "y2" });
  assert.equal(t.type, "contour");
  const q = decodeGrid(t);
  assert.deepEqual(q[0], [0, 64, 128, 191, 255]);
  assert.deepEqual(q[1].slice(0, 2), [0, 255], "values outside the range are clamped");
  assert.equal((t.contours as { start: number }).start, 127.5, "the line sits at p = 0.5");
  assert.equal(t.x0, -1); assert.equal(t.dx, 0.5); assert.equal(t.dy, round3(2 / 3));
  assert.equal(t.xaxis, "x2");
  const h = gridTrace(z.map((row) => row.map((v) => v * 10)), { xs, ys, range: [0, 10] });
  assert.equal(h.type, "heatmap");
  assert.deepEqual(decodeGrid(h)[0], [0, 64, 128, 191, 255]);
  assert.throws(() => gridTrace(z, { xs: axis(6), ys }), /z is 4×5 \(rows×columns\) but there are 4 ys and 6 xs/);
  assert.throws(() => gridTrace([[0, 1], [0]], { xs: axis(2), ys: axis(2) }), /row 1 has 1 values, row 0 has 2/);
  assert.throws(() => gridTrace([[0, NaN], [0, 1]], { xs: axis(2), ys: axis(2) }), /row 0, column 1 is NaN/);
  assert.throws(() => gridTrace(z, { xs, ys, range: [1, 1] }), /range \[1, 1\] is empty/);
  assert.throws(() => gridTrace(z, { xs, ys, boundary: 3 }), /boundary 3 lies outside the range \[0, 1\]/);
  // decisionGrid's output fits directly.
  const dg = decisionGrid((a, b) => (a > b ? 1 : 0), [0, 0, 1, 1], 7);
  assert.equal((gridTrace(dg.z, { xs: dg.xs, ys: dg.ys }).z as { shape: string }).shape, "7,7");
});

test("mismatched snapshots are refused with an error naming the frame and the trace", () => {
  const xs = axis(10), ys = axis(10);
  const r = new Replay({ maxFrames: 10 });
  r.record("epoch 1", [gridTrace(grid(10, () => 0.2), { xs, ys }), { type: "scatter", x: [0], y: [0] }]);
  assert.throws(() => r.record("epoch 2", [gridTrace(grid(10, () => 0.2), { xs, ys })]), /frame "epoch 2" has 1 traces, the first frame \("epoch 1"\) had 2/);
  assert.throws(
    () => r.record("epoch 2", [gridTrace(grid(8, () => 0.2), { xs: axis(8), ys: axis(8) }), { type: "scatter", x: [0], y: [0] }]),
    /frame "epoch 2", trace 0 is a heatmap on x\/y, grid 8×8, but in the first frame it was a heatmap on x\/y, grid 10×10/,
  );
  assert.throws(() => r.record("epoch 2", [gridTrace(grid(10, () => 0.2), { xs, ys }), { type: "bar", x: [0], y: [0] }]), /trace 1 is a bar on x\/y, but in the first frame it was a scatter on x\/y/);
  assert.throws(() => r.record("epoch 2", [gridTrace(grid(10, () => 0.2), { xs, ys }), { type: "scatter", x: [0, 1], y: [0, NaN] }]), /frame "epoch 2", trace 1\.y\[1\] is NaN/);
  assert.throws(() => r.record("epoch 2", [gridTrace(grid(10, () => 0.2), { xs, ys }), { type: "scatter", x: new Float32Array([0, Infinity]), y: [0, 1] }]), /trace 1\.x\[1\] is Infinity/);
  assert.throws(() => r.record("epoch 1", [gridTrace(grid(10, () => 0.2), { xs, ys }), { type: "scatter", x: [0], y: [0] }]), /already labelled "epoch 1"/);
  assert.throws(() => r.record("", []), /needs a label/);
  assert.throws(() => r.record("epoch 3", []), /has no traces/);
  assert.equal(r.length, 1, "refused snapshots are not recorded");
  assert.throws(() => new Replay().figure(), /nothing was recorded/);
  assert.throws(() => new Replay({ maxFrames: 1 }), /maxFrames must be a whole number ≥ 2, got 1/);
  assert.throws(() => new Replay({ below: [{ type: "scatter", x: [NaN], y: [0] }] }), /fixed trace 0 \(below\)\.x\[0\] is NaN/);
});

test("40 frames over a 60×60 grid stay small, and the byte cap is enforced", () => {
  const xs = axis(60, -2, 2), ys = axis(60, -2, 2);
  const points = { type: "scatter", mode: "markers", x: axis(200).map((v) => v * 1.234567), y: axis(200).map((v) => Math.sin(7 * v)) };
  const r = new Replay({ maxFrames: 40, above: [points] });
  for (let t = 0; t < 40; t++) {
    const z = grid(60, (i, j) => 1 / (1 + Math.exp(-(xs[i] * Math.cos(t / 10) + ys[j] * Math.sin(t / 10)) * 3)));
    r.record(`epoch ${t + 1}`, [gridTrace(z, { xs, ys, boundary: 0.5 }), { type: "scatter", mode: "lines", x: [Math.cos(t / 10), 0], y: [Math.sin(t / 10), 0] }]);
  }
  const bytes = r.bytes;
  // 40 × 3600 values at 8 bits, base64: 40 × 4.8 kB = 192 kB of grids; the rest (under 15%) is labels, slider, lines and points.
  console.log(`# 40 frames of a 60×60 grid: ${(bytes / 1000).toFixed(1)} kB`);
  assert.ok(bytes > 192_000, `${bytes} bytes cannot hold 40 frames of 3600 quantised values`);
  assert.ok(bytes < 220_000, `${bytes} bytes: the replay is not compact`);
  assert.ok(bytes < r.maxBytes, "the default cap allows it");
  const fig = r.show(); // outside a kernel: checks the cap, displays nothing
  assert.equal((fig.frames ?? []).length, 40);
  const capped = new Replay({ maxFrames: 40, maxBytes: 100_000, above: [points] });
  for (let t = 0; t < 40; t++) capped.record(`epoch ${t + 1}`, [gridTrace(grid(60, (i, j) => ((i * j + t) % 17) / 16), { xs, ys })]);
  assert.throws(() => capped.show(), /40 frames make 2\d\d kB, over the cap of 100 kB; record fewer frames \(maxFrames\) or a coarser grid/);
});

test("panelGrid lays out one small panel per unit with its own axes", () => {
  const p = panelGrid(5, { cols: 3, titles: ["h1", "h2", "h3", "h4", "out"], xRange: [-1, 1], hideTicks: true });
  assert.deepEqual(p.axes.map((a) => a.xaxis), ["x", "x2", "x3", "x4", "x5"]);
  assert.deepEqual(p.axes[4], { xaxis: "x5", yaxis: "y5" });
  const dom = (k: string) => (p.layout[k] as { domain: number[] }).domain;
  assert.deepEqual(dom("xaxis"), [0, round3((1 - 0.08) / 3)]);
  assert.ok(dom("xaxis3")[1] <= 1 && dom("yaxis4")[1] < dom("yaxis")[0], "row 2 below row 1");
  assert.equal((p.layout.xaxis2 as { anchor: string }).anchor, "y2");
  assert.equal((p.layout.annotations as unknown[]).length, 5);
  assert.throws(() => panelGrid(3, { titles: ["a"] }), /1 titles for 3 panels/);
  assert.equal((panelGrid(2, { square: true }).layout.yaxis2 as { scaleanchor: string }).scaleanchor, "x2");
  // Traces on those panels are accepted frame after frame.
  const r = new Replay({ maxFrames: 2, layout: p.layout });
  const xs = axis(4), ys = axis(4);
  for (const e of [1, 2]) r.record(`epoch ${e}`, p.axes.map((a) => gridTrace(grid(4, () => e / 3), { xs, ys, xaxis: a.xaxis, yaxis: a.yaxis })));
  assert.equal(r.figure().data.length, 5);
});

test("unitGrids splits per-point activations into one grid per unit, in decisionGrid's order", () => {
  const xs = [0, 1, 2], ys = [10, 20];
  let calls = 0;
  // Two "units": x + y and x − y at every grid point.
  const g = unitGrids((p) => { calls++; const out: number[] = []; for (let k = 0; k < p.length / 2; k++) out.push(p[2 * k] + p[2 * k + 1], p[2 * k] - p[2 * k + 1]); return out; }, 2, xs, ys);
  assert.equal(calls, 1, "one batched call");
  assert.deepEqual(g[0], [[10, 11, 12], [20, 21, 22]]);
  assert.deepEqual(g[1], [[-10, -9, -8], [-20, -19, -18]]);
  const dg = decisionGrid((a, b) => a * 100 + b, [0, 0, 1, 1], 4);
  assert.deepEqual(unitGrids((p) => Array.from({ length: p.length / 2 }, (_, k) => p[2 * k] * 100 + p[2 * k + 1]), 1, dg.xs, dg.ys)[0], dg.z, "same layout as decisionGrid");
  assert.throws(() => unitGrids(() => [1, 2, 3], 2, xs, ys), /3 values, but 6 grid points × 2 units need 12/);
  // An 8-8-2 Playground-style replay: 16 hidden-unit panels + 2 outputs on a 16×16 grid, 40 frames, under the cap
  // (a 20×20 grid would need about 460 kB at 40 frames: over the cap, so fewer frames).
  const panels = panelGrid(18, { cols: 6, square: true, hideTicks: true });
  const r = new Replay({ maxFrames: 40, layout: panels.layout });
  const ax = axis(16);
  for (let e = 0; e < 40; e++) {
    const grids = unitGrids((p) => Array.from({ length: (p.length / 2) * 18 }, (_, k) => Math.tanh(p[2 * Math.floor(k / 18)] * ((k % 18) - 9 + e / 10))), 18, ax, ax);
    r.record(`epoch ${e}`, panels.axes.map((a, u) => gridTrace(grids[u], { xs: ax, ys: ax, range: [-1, 1], ...a })));
  }
  console.log(`# 8-8-2 replay, 18 panels of 16×16, 40 frames: ${(r.bytes / 1000).toFixed(1)} kB`);
  assert.ok(r.bytes < r.maxBytes);
});
