/**
 * Live training curves (lab 05 onwards): one display, redrawn in place after
 * each epoch through tslab's updatable displays. Headless runs keep only the
 * final picture. Updates are throttled so that fast epochs do not flood the
 * front end.
 */
import { newUpdatableDisplay } from "../page/output";
import { Figure, ensurePlotlyLoaded, figureHtml, figureText } from "./figure";
import { trainingCurvesFigure, AxisOptions } from "./charts";

export interface LiveCurves {
  /** Records one epoch's metrics (e.g. {loss, val_loss, acc, val_acc}) and redraws. */
  update(epoch: number, logs: Record<string, number>): void;
  /** Draws the final state (always, even if the last update was throttled). */
  done(): Figure;
  readonly history: Record<string, number[]>;
}

export function liveTrainingCurves(opts: AxisOptions & { minIntervalMs?: number } = {}): LiveCurves {
  const display = newUpdatableDisplay();
  const history: Record<string, number[]> = {};
  const minInterval = opts.minIntervalMs ?? 500;
  let last = 0;
  const draw = (): Figure => {
    const fig = trainingCurvesFigure(history, opts);
    ensurePlotlyLoaded();
    // HTML and text only, no plotly JSON: JupyterLab's plotly renderer draws a
    // figure once and ignores update_display_data (the curves would stay at the
    // first epoch), while the HTML renderer redraws (test/jupyterlab/).
    display.show({ "text/html": figureHtml(fig), "text/plain": `${figureText(fig)} ${summary(history)}` });
    last = Date.now();
    return fig;
  };
  return {
    history,
    update(epoch, logs) {
      for (const [k, v] of Object.entries(logs)) {
        if (typeof v !== "number") continue;
        if (Number.isNaN(v)) throw new Error(`liveTrainingCurves: ${k} is NaN at epoch ${epoch}; training diverged (try a smaller learning rate).`);
        (history[k] ??= []).push(v);
      }
      if (Date.now() - last >= minInterval) draw();
    },
    done: draw,
  };
}

function summary(history: Record<string, number[]>): string {
  return Object.entries(history).map(([k, v]) => `${k}=${v[v.length - 1]?.toFixed(4)}`).join(" ");
}
