import { test } from "node:test";
import assert from "node:assert/strict";
import { PLOTLY_MIME, figureBundle, figureHtml, figureLayout, plotlyLoaderHtml, plotDecisionBoundary, plotImages, plotHeatmap, plotLines, trainingCurvesFigure, validateFigure, decisionGrid } from "../../src/plot";
import { ASSUMED_WIDTH, MODEBAR_WIDTH, epochTickStep, textWidth, wrapText } from "../../src/plot/figure";

test("plotly.js is inlined (offline), with no </script> inside", () => {
  const html = plotlyLoaderHtml();
  assert.ok(html.length > 1e6, "the plotly bundle looks too small");
  assert.equal(html.match(/<\/script/g)?.length, 1);
  assert.ok(!/https?:\/\/cdn/.test(html.slice(0, 2000)));
});

test("a figure's HTML holds its data and waits for plotly", () => {
  const fig = plotLines([{ name: "loss", y: [3, 2, 1] }], { title: "t" });
  const html = figureHtml(fig, "fig-1");
  assert.match(html, /<div id="fig-1"/);
  assert.match(html, /"y":\[3,2,1\]/);
  assert.match(html, /window\.Plotly\.newPlot/);
  assert.ok(!html.includes("</script><script"), "one script per figure");
  // '<' in data cannot close the script early
  assert.ok(!figureHtml({ data: [{ name: "</script>" }] }, "x").includes('"</script>"'));
});

test("a figure's bundle is plotly JSON, the offline HTML and a line of text, describing the same figure", () => {
  const fig = plotLines([{ name: "loss", y: [3, 2, 1] }], { title: "t" });
  const bundle = figureBundle(fig);
  assert.deepEqual(Object.keys(bundle).sort(), [PLOTLY_MIME, "text/html", "text/plain"].sort());
  assert.equal(PLOTLY_MIME, "application/vnd.plotly.v1+json");
  const spec = bundle[PLOTLY_MIME] as { data: unknown[]; layout: Record<string, unknown>; config: Record<string, unknown> };
  // The figure the HTML's script draws (its JSON literal) is the one in the plotly JSON.
  const inHtml = JSON.parse(/var fig=(\{.*?\});var tries/.exec(bundle["text/html"] as string)![1]);
  assert.deepEqual(inHtml, { data: spec.data, layout: spec.layout });
  assert.deepEqual(spec.data, JSON.parse(JSON.stringify(fig.data)));
  assert.equal(spec.layout.height, 400); // the course's default, as in the HTML
  assert.equal(spec.config.displaylogo, false);
  assert.ok(!("template" in spec.layout), "no undefined keys in the JSON");
  assert.equal(bundle["text/plain"], '<Figure "t": 1 trace>');
  assert.equal(figureBundle(fig, "custom")["text/plain"], "custom");
});

test("NaN in a figure is an error that names the trace", () => {
  assert.throws(() => validateFigure({ data: [{ name: "loss", y: [1, NaN] }] }), /trace 0 \("loss"\) has NaN in y at index 1/);
});

test("decision boundary evaluates the predictor on a grid around the data", () => {
  const X = new Float64Array([0, 0, 1, 1]);
  const g = decisionGrid((a, b) => (a + b > 1 ? 1 : 0), X, 11);
  assert.equal(g.z.length, 11); assert.equal(g.z[0].length, 11);
  assert.equal(g.z[0][0], 0); assert.equal(g.z[10][10], 1);
  const batched = decisionGrid({ batch: (p) => Array.from({ length: p.length / 2 }, (_, k) => p[2 * k]) }, X, 5);
  assert.ok(batched.z[0][0] < 0 && batched.z[0][4] > 1);
  const fig = plotDecisionBoundary((a) => a, X, [0, 1]);
  assert.equal(fig.data.length, 3, "regions + one trace per class");
  assert.throws(() => plotDecisionBoundary((a) => a, X, [0]), /2 points but y has 1 labels/);
});

test("image grids, heatmaps and training curves validate their shapes", () => {
  const fig = plotImages(new Float32Array(3 * 4), [3, 2, 2], { labels: ["a", "b", "c"], cols: 2 });
  assert.equal(fig.data.length, 1);
  assert.equal((fig.layout!.annotations as unknown[]).length, 3);
  assert.throws(() => plotImages(new Float32Array(5), [3, 2, 2]), /5 pixels do not make 3 images/);
  assert.throws(() => plotHeatmap([[1, 2], [3]]), /same length/);
  const curves = trainingCurvesFigure({ loss: [1, 0.5], val_loss: [1.1, 0.7], acc: [0.5, 0.8], val_acc: [0.4, 0.7] });
  assert.equal(curves.data.length, 4);
  assert.equal(curves.data.filter((t) => t.yaxis === "y2").length, 2);
});

test("plotHeatmap: the largest values are darkest with the default scale and with a named single-hue one; reverseScale overrides", () => {
  const z = [[5, 0], [1, 9]];
  const trace = (opts: Parameters<typeof plotHeatmap>[1]) => plotHeatmap(z, opts).data[0];
  assert.equal(trace({}).colorscale, "Blues");
  assert.equal(trace({}).reversescale, true, "plotly's Blues is dark at the low end: reversed, zeros are light");
  assert.equal(trace({ colorscale: "Blues" }).reversescale, true, "naming the default scale must not flip it");
  assert.equal(trace({ colorscale: "Greens" }).reversescale, true);
  assert.equal(trace({ colorscale: "Viridis" }).reversescale, false, "Viridis already runs dark → bright");
  assert.equal(trace({ colorscale: "Blues", reverseScale: false }).reversescale, false);
});

test("plotLines: logX and logY make log axes", () => {
  const layout = plotLines([{ x: [1, 10, 100], y: [1, 4, 16] }], { logX: true, logY: true }).layout!;
  assert.equal((layout.xaxis as { type: string }).type, "log");
  assert.equal((layout.yaxis as { type: string }).type, "log");
  assert.equal((plotLines([{ y: [1, 2] }]).layout!.xaxis as { type: string }).type, "linear");
});

test("figureLayout: an epoch axis gets whole-number ticks; a long title wraps clear of the modebar and the margin grows", () => {
  assert.deepEqual([1, 6, 10, 11, 40, 100, 101].map(epochTickStep), [1, 1, 1, 2, 5, 10, 20]);
  const curves = figureLayout(trainingCurvesFigure({ loss: [1, 0.8, 0.7, 0.6], val_loss: [1, 0.9, 0.8, 0.8] }));
  assert.deepEqual(curves.xaxis, { title: { text: "epoch" }, type: "linear", tick0: 0, dtick: 1 });
  const notEpochs = figureLayout(plotLines([{ y: [1, 2, 3] }], { xTitle: "step" }));
  assert.equal((notEpochs.xaxis as { dtick?: number }).dtick, undefined);
  const title = "Hidden layer 2: mean activation per digit, each neuron scaled to its maximum (selectivity in brackets)";
  const wrapped = figureLayout(plotLines([{ y: [1, 2] }], { title, height: 300 }));
  const lines = (wrapped.title as { text: string }).text.split("<br>");
  assert.ok(lines.length >= 2, "a 100-character title does not fit one line of a 700 px figure");
  assert.equal(lines.join(" "), title, "wrapping only inserts line breaks");
  for (const line of lines) assert.ok(textWidth(line, 17) <= ASSUMED_WIDTH - MODEBAR_WIDTH - 10 || !line.includes(" "), `"${line}" runs into the modebar`);
  const t = (wrapped.margin as { t: number }).t;
  assert.ok(t >= lines.length * 21, "the top margin holds every line");
  assert.equal(wrapped.height, 300 + t - 50, "a fixed height grows by what the margin grew, so the plot keeps its size");
  assert.deepEqual(wrapText("a bb ccc", 10, 25), ["a bb", "ccc"]);
});

test("plotImages: tiles are large, labels fit above their own tile, the grid fits a narrow notebook", () => {
  const fig = plotImages(new Float32Array(2 * 784), [2, 28, 28], { labels: ["vertical edges (Sobel x)", "horizontal edges (Sobel y)"], title: "The digit convolved with two edge kernels" });
  const width = fig.layout!.width as number;
  assert.ok(width >= 2 * 28 * 6 && width <= ASSUMED_WIDTH, `two digits should be drawn large, within ${ASSUMED_WIDTH} px; the figure is ${width} px wide`);
  const grid = plotImages(new Float32Array(40 * 784), [40, 28, 28], { cols: 10 });
  assert.ok((grid.layout!.width as number) <= ASSUMED_WIDTH);
  const kernels = plotImages(new Float32Array(16 * 9), [16, 3, 3], { cols: 8, labels: Array.from({ length: 16 }, (_, i) => `filter ${i}`) });
  const tilePx = ((kernels.layout!.width as number) - 20) / 8;
  for (const a of kernels.layout!.annotations as { text: string; font: { size: number } }[]) {
    for (const line of a.text.split("<br>")) assert.ok(textWidth(line, a.font.size) <= tilePx, `label "${line}" is wider than its ${tilePx.toFixed(0)} px tile`);
  }
});
