import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readLab, indexHtml, LabEntry } from "../../scripts/site";
import { headlineLine } from "../../src/headline";

function writeNotebook(cells: unknown[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "site-test-"));
  const file = path.join(dir, "lab.ipynb");
  fs.writeFileSync(file, JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }));
  return file;
}

test("readLab finds the title, the backend line and headlines, even when stdout arrives in chunks", () => {
  const file = writeNotebook([
    { cell_type: "markdown", source: ["Intro without a heading\n"] },
    { cell_type: "markdown", source: ["# Lab 09 — *Convolutions*\n", "text"] },
    { cell_type: "code", source: "", outputs: [{ output_type: "stream", name: "stdout", text: ["Backend: wasm (WebAssembly), TensorFlow.js 4.22.0\n"] }] },
    {
      cell_type: "code",
      source: "",
      outputs: [
        { output_type: "stream", name: "stdout", text: "Headline: test acc" },
        { output_type: "stream", name: "stdout", text: "uracy = 98.1%\nother line\n" },
        { output_type: "stream", name: "stderr", text: headlineLine("not from stdout", 1) + "\n" },
        { output_type: "display_data", data: { "text/plain": headlineLine("not a stream", 2) } },
      ],
    },
    { cell_type: "code", source: "", outputs: [{ output_type: "stream", name: "stdout", text: headlineLine("loss", 0.25) }] },
  ]);
  const info = readLab(file);
  assert.equal(info.title, "Lab 09 — Convolutions");
  assert.equal(info.backendLine, "wasm (WebAssembly), TensorFlow.js 4.22.0");
  assert.deepEqual(info.headlines, [
    { name: "test accuracy", value: "98.1%" },
    { name: "loss", value: "0.25" },
  ]);
});

test("a notebook that never ran has no backend and no headlines", () => {
  const info = readLab(writeNotebook([{ cell_type: "code", source: "x", outputs: [] }]));
  assert.deepEqual(info, { title: null, backendLine: null, headlines: [] });
});

test("indexHtml lists each lab with status, time, backend, headlines, and escapes what it shows", () => {
  const labs: LabEntry[] = [
    { file: "notebooks/01-a.ipynb", page: "01-a.html", title: "Lab 01 <A>", status: "ok", seconds: 12.34, backend: "wasm (WebAssembly), TensorFlow.js 4.22.0", headlines: [{ name: "acc", value: "99%" }], error: null },
    { file: "notebooks/02-b.ipynb", page: "02-b.html", title: "Lab 02", status: "error", seconds: 3, backend: null, headlines: [], error: "cell 4: Error: x < 0" },
  ];
  const html = indexHtml(labs, { mode: "fast", generated: "2026-01-01 00:00 UTC", mathjax: true });
  assert.match(html, /<a href="01-a.html">Lab 01 &lt;A&gt;<\/a>/);
  assert.match(html, /12\.3 s/);
  assert.match(html, /<b>wasm<\/b><div class="file">WebAssembly, TensorFlow\.js 4\.22\.0<\/div>/);
  assert.match(html, /acc: <b>99%<\/b>/);
  assert.match(html, /<tr class="failed">.*Lab 02.*error.*cell 4: Error: x &lt; 0/s);
  assert.match(html, /<b>1 failed<\/b>/);
  assert.match(html, /Fast mode/);
});
