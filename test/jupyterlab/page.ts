/**
 * A test page built from JupyterLab 4's own npm packages, as JupyterLab's
 * examples/ apps are: the services client (sessions, kernels), the rendermime
 * registry with JupyterLab's standard renderers, and output areas. Bundled by
 * esbuild (test/jupyterlab/bundle.ts); driven by test/jupyterlab/jupyterlab.test.ts.
 *
 * `window.jlab.runLab(path, cells)` starts a session with the course's kernel
 * for the notebook at `path` and executes each code cell in order through an
 * output area whose registry also has plotly's mime renderer (jupyterlab-plotly,
 * as in JupyterLab with plotly's extension). `window.jlab.showOutputs(runs)`
 * shows those outputs in output areas with JupyterLab's standard renderers
 * only (JupyterLab without the extension: the offline text/html fallback), in
 * a page of its own (a figure's HTML finds its div by id, once per page).
 * `window.jlab.protocol()` sends the requests JupyterLab makes that nbclient does not.
 */
import "@jupyterlab/rendermime/style/index.css";
import "@jupyterlab/outputarea/style/index.css";
import { ServerConnection, KernelManager, SessionManager, Kernel, KernelMessage } from "@jupyterlab/services";
import { RenderMimeRegistry, standardRendererFactories } from "@jupyterlab/rendermime";
import { OutputArea, OutputAreaModel } from "@jupyterlab/outputarea";
import { Widget } from "@lumino/widgets";
import { rendererFactory as plotlyRendererFactory } from "jupyterlab-plotly/lib/plotly-renderer.js";

const PLOTLY_MIME = "application/vnd.plotly.v1+json";
const KERNEL = "tslab";

const query = new URLSearchParams(location.search);
const serverSettings = ServerConnection.makeSettings({
  baseUrl: query.get("server")!,
  wsUrl: query.get("server")!.replace(/^http/, "ws"),
  token: query.get("token")!,
  appendToken: true,
});
const kernelManager = new KernelManager({ serverSettings });
const sessionManager = new SessionManager({ serverSettings, kernelManager });

function registry(withPlotly: boolean): RenderMimeRegistry {
  const r = new RenderMimeRegistry({ initialFactories: standardRendererFactories });
  // Rank 0 beats text/html (50), as the extension registers it in JupyterLab.
  if (withPlotly) r.addFactory(plotlyRendererFactory, 0);
  return r;
}
const withPlotly = registry(true);
const standard = registry(false);

export interface CellRun {
  index: number;
  status: string;
  executionCount: number | null;
  /** Outputs as nbformat JSON (from the output area's model). */
  outputs: { output_type: string; name?: string; data?: Record<string, unknown>; ename?: string; evalue?: string }[];
}

function column(title: string): HTMLElement {
  const el = document.createElement("div");
  el.className = "column";
  el.innerHTML = `<h2></h2>`;
  el.querySelector("h2")!.textContent = title;
  document.getElementById("columns")!.appendChild(el);
  return el;
}

function cellBox(parent: HTMLElement, index: number, code: string): HTMLElement {
  const box = document.createElement("div");
  box.className = "cell";
  box.dataset.cell = String(index);
  const pre = document.createElement("pre");
  pre.className = "source";
  pre.textContent = code.length > 400 ? code.slice(0, 400) + " …" : code;
  box.appendChild(pre);
  parent.appendChild(box);
  return box;
}

async function runLab(path: string, cells: string[]): Promise<{ runs: CellRun[]; kernelInfo: KernelMessage.IInfoReply }> {
  document.getElementById("title")!.textContent = path;
  const lab = column("JupyterLab + plotly renderer (application/vnd.plotly.v1+json)");
  lab.dataset.renderers = "plotly";
  const session = await sessionManager.startNew({ path, type: "notebook", name: path, kernel: { name: KERNEL } });
  const kernel = session.kernel!;
  const kernelInfo = (await kernel.info) as KernelMessage.IInfoReply;
  const runs: CellRun[] = [];
  try {
    for (const [index, code] of cells.entries()) {
      const model = new OutputAreaModel({ trusted: true });
      const area = new OutputArea({ model, rendermime: withPlotly });
      Widget.attach(area, cellBox(lab, index, code));
      area.future = kernel.requestExecute({ code, stop_on_error: true, store_history: true });
      const reply = await area.future.done;
      const outputs = model.toJSON() as CellRun["outputs"];
      const content = reply.content as KernelMessage.IExecuteReplyMsg["content"];
      runs.push({ index, status: content.status, executionCount: "execution_count" in content ? content.execution_count : null, outputs });
      if (content.status !== "ok") break;
    }
  } finally {
    await session.shutdown();
  }
  return { runs, kernelInfo };
}

/** Shows a lab's outputs (runLab's runs) through output areas with JupyterLab's standard renderers only. */
function showOutputs(path: string, cells: string[], runs: CellRun[]): void {
  document.getElementById("title")!.textContent = path;
  const col = column("JupyterLab, standard renderers (text/html)");
  col.dataset.renderers = "standard";
  for (const r of runs) {
    const model = new OutputAreaModel({ trusted: true });
    model.fromJSON(r.outputs as any);
    Widget.attach(new OutputArea({ model, rendermime: standard }), cellBox(col, r.index, cells[r.index]));
  }
}

export interface RenderedFigure {
  cell: number;
  renderers: string;
  /** plotly drew it (an svg inside), and the traces and points it holds. */
  svg: boolean;
  traces: number | null;
  points: number | null;
}

/** Every plotly figure in the page: graph divs of plotly's renderer and of the HTML fallback. */
function figures(): RenderedFigure[] {
  const out: RenderedFigure[] = [];
  for (const col of Array.from(document.querySelectorAll<HTMLElement>(".column"))) {
    const selector = col.dataset.renderers === "plotly" ? ".jp-RenderedPlotly, .nnlab-figure" : ".nnlab-figure";
    for (const el of Array.from(col.querySelectorAll<HTMLElement>(selector))) {
      const data = (el as unknown as { data?: { x?: unknown[]; y?: unknown[]; z?: unknown[] }[] }).data;
      const kind = el.classList.contains("jp-RenderedPlotly") ? "plotly" : "html";
      out.push({
        cell: Number(el.closest<HTMLElement>(".cell")!.dataset.cell),
        renderers: `${col.dataset.renderers}:${kind}`,
        svg: el.querySelector(".main-svg") !== null,
        traces: Array.isArray(data) ? data.length : null,
        points: Array.isArray(data) ? data.reduce((n, t) => n + (t.y?.length ?? t.z?.length ?? t.x?.length ?? 0), 0) : null,
      });
    }
  }
  return out;
}

/**
 * A live figure (liveTrainingCurves: one display_data, then update_display_data
 * per epoch) run once into an output area with plotly's renderer and once into
 * one with the standard renderers; returns what each drew.
 */
async function liveFigure(path: string, epochs: number): Promise<RenderedFigure[]> {
  const session = await sessionManager.startNew({ path, type: "notebook", name: path, kernel: { name: KERNEL } });
  const kernel = session.kernel!;
  const code = [
    'import { liveTrainingCurves } from "../dist/plot";',
    "const live = liveTrainingCurves({ minIntervalMs: 0 });",
    `for (let e = 1; e <= ${epochs}; e++) { live.update(e, { loss: 1 / e }); await new Promise((r) => setTimeout(r, 100)); }`,
    "const final = live.done();",
  ].join("\n");
  try {
    for (const [title, rendermime, renderers] of [["live figure, plotly renderer", withPlotly, "plotly"], ["live figure, standard renderers", standard, "standard"]] as const) {
      const col = column(title);
      col.dataset.renderers = renderers;
      const area = new OutputArea({ model: new OutputAreaModel({ trusted: true }), rendermime });
      Widget.attach(area, cellBox(col, 0, code));
      area.future = kernel.requestExecute({ code });
      await area.future.done;
    }
  } finally {
    await session.shutdown();
  }
  return figures();
}

/** The requests JupyterLab sends that nbclient does not, each with its reply (or error). */
async function protocol(path: string): Promise<Record<string, unknown>> {
  const session = await sessionManager.startNew({ path, type: "notebook", name: path, kernel: { name: KERNEL } });
  const kernel = session.kernel as Kernel.IKernelConnection;
  const r: Record<string, unknown> = {};
  const run = async (code: string) => {
    const outputs: KernelMessage.IIOPubMessage[] = [];
    const future = kernel.requestExecute({ code });
    future.onIOPub = (m) => {
      if (["execute_result", "error", "stream"].includes(m.header.msg_type)) outputs.push(m);
    };
    const reply = await future.done;
    return { status: reply.content.status, outputs: outputs.map((m) => ({ type: m.header.msg_type, content: m.content })) };
  };
  try {
    r.kernel_info = (await kernel.info) as unknown;
    r.comm_info = (await kernel.requestCommInfo({ target_name: "jupyter.widget" })).content;
    await run("const learningRate = 0.25;");
    r.complete = (await kernel.requestComplete({ code: "learningR", cursor_pos: 9 })).content;
    r.inspect = (await kernel.requestInspect({ code: "Math.max", cursor_pos: 8, detail_level: 0 })).content;
    r.is_complete = (await kernel.requestIsComplete({ code: "function f(a: number) {" })).content;
    r.is_complete_done = (await kernel.requestIsComplete({ code: "const y = 1;" })).content;
    // JupyterLab's console fills its history with this request (ConsoleHistory).
    r.history = (await kernel.requestHistory({ output: false, raw: true, hist_access_type: "tail", n: 500 })).content;
    // Interrupt from the client (REST, the kernelspec's interrupt_mode is signal).
    const waiting = kernel.requestExecute({ code: "await new Promise((r) => setTimeout(r, 60000));\n1" });
    await new Promise((res) => setTimeout(res, 1000));
    const t0 = performance.now();
    await kernel.interrupt();
    const interrupted = (await waiting.done).content as KernelMessage.IExecuteReplyMsg["content"];
    r.interrupt = { status: interrupted.status, evalue: "evalue" in interrupted ? interrupted.evalue : null, ms: Math.round(performance.now() - t0) };
    r.after_interrupt = await run("learningRate * 4");
    await kernel.restart();
    r.after_restart_old_name = await run("learningRate");
    r.after_restart = await run("6 * 7");
  } finally {
    await session.shutdown();
  }
  return r;
}

(window as unknown as { jlab: unknown }).jlab = { runLab, showOutputs, figures, protocol, liveFigure, PLOTLY_MIME };
