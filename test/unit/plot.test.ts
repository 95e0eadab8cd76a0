import { test } from "node:test";
import assert from "node:assert/strict";
import { PLOTLY_MIME, figureBundle, figureHtml, plotlyLoaderHtml, plotDecisionBoundary, plotImages, plotHeatmap, plotLines, trainingCurvesFigure, validateFigure, decisionGrid } from "../../src/plot";

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
