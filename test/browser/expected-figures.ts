/**
 * What a lab's plots should look like in a browser, read from the copy of the
 * notebook that the headless runner executed (build/notebooks/): every figure
 * output is a `<div class="nnlab-figure">` followed by a script holding the
 * figure's JSON (src/plot/figure.ts), so its trace count can be read back.
 */
import * as fs from "node:fs";

export interface ExpectedFigure {
  cell: number;
  traces: number;
  title: string;
  /** Animation frames (a replay, src/plot/replay.ts); 0 for a still figure. */
  frames: number;
}

interface Output {
  output_type: string;
  data?: Record<string, string | string[]>;
}

const join = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join("") : v ?? "");

/** The figures of an executed notebook, in display order. */
export function expectedFigures(executedNotebook: string): ExpectedFigure[] {
  const nb = JSON.parse(fs.readFileSync(executedNotebook, "utf8")) as { cells: { cell_type: string; outputs?: Output[] }[] };
  const found: ExpectedFigure[] = [];
  nb.cells.forEach((cell, index) => {
    for (const out of cell.outputs ?? []) {
      if (out.output_type !== "display_data" && out.output_type !== "execute_result") continue;
      const html = join(out.data?.["text/html"]);
      if (!html.includes('class="nnlab-figure"')) continue;
      const m = /var fig=(\{.*?\});var tries=/s.exec(html);
      if (!m) throw new Error(`${executedNotebook}: cell ${index} has a figure whose JSON could not be found (did src/plot/figure.ts change its markup?)`);
      const fig = JSON.parse(m[1]) as { data: unknown[]; layout?: { title?: string | { text?: string } }; frames?: unknown[] };
      const t = fig.layout?.title;
      found.push({ cell: index, traces: fig.data.length, title: typeof t === "string" ? t : t?.text ?? "", frames: fig.frames?.length ?? 0 });
    }
  });
  return found;
}

/** Whether the executed notebook ran without a failing cell (error output or stderr). */
export function failedCells(executedNotebook: string): number[] {
  const nb = JSON.parse(fs.readFileSync(executedNotebook, "utf8")) as { cells: { outputs?: { output_type: string; name?: string }[] }[] };
  return nb.cells.flatMap((c, i) =>
    (c.outputs ?? []).some((o) => o.output_type === "error" || (o.output_type === "stream" && o.name === "stderr")) ? [i] : [],
  );
}
