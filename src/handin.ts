/**
 * Handing in a trained model (lab 08, the practical assignment). One call in
 * the notebook,
 *
 *     await handIn(model, scaler);
 *
 * saves the model in TensorFlow.js's own format (model.json + weights.bin,
 * which `tf.loadLayersModel` reads) together with handin.json (the scaler the
 * model's inputs need, the mode and the time) in the folder
 * `08-assignment.model/` next to the notebook (the kernel's working folder).
 * The student submits the notebook and that folder; the instructor's
 * `npm run marks -- score` loads it (scripts/marks/handin-load.ts) and scores
 * it on the held-out test split, which the notebook never sees.
 */
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { Scaler, validateScaler } from "./data/scaler";
import { isFast } from "./mode";

export const HANDIN_LAB = "08-assignment";
/** The folder a hand-in is written to, next to the notebook. */
export const HANDIN_DIR = `${HANDIN_LAB}.model`;
export const HANDIN_FEATURES = 30;

export interface HandInInfo {
  lab: string;
  scaler: Scaler;
  mode: "fast" | "full";
  savedAt: string;
  parameters: number;
  note?: string;
}

/** Why a hand-in cannot be scored: `missing` (nothing handed in) or `invalid` (corrupt, wrong shape, too large). */
export class HandInError extends Error {
  constructor(readonly kind: "missing" | "invalid", message: string) {
    super(message);
    this.name = "HandInError";
  }
}

/** Throws unless `model` takes HANDIN_FEATURES numbers and gives 2 (or 1) outputs per example. */
export function checkHandInShape(model: tf.LayersModel, what = "handIn"): void {
  const inp = model.inputs.map((t) => t.shape);
  const out = model.outputs.map((t) => t.shape);
  if (inp.length !== 1 || inp[0].length !== 2 || inp[0][1] !== HANDIN_FEATURES) {
    throw new HandInError("invalid", `${what}: the model must take one input of shape [null, ${HANDIN_FEATURES}] (the ${HANDIN_FEATURES} features), but it takes ${JSON.stringify(inp)}.`);
  }
  if (out.length !== 1 || out[0].length !== 2 || (out[0][1] !== 2 && out[0][1] !== 1)) {
    throw new HandInError("invalid", `${what}: the model must give one output of shape [null, 2] (softmax over benign, malignant) or [null, 1] (sigmoid: P(malignant)), but it gives ${JSON.stringify(out)}.`);
  }
}

/** Writes files to a fresh folder and then renames it into place, so a failed save leaves the old hand-in intact. */
function writeFolderAtomically(dir: string, files: Record<string, string | Uint8Array>): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  for (const [name, data] of Object.entries(files)) fs.writeFileSync(path.join(tmp, name), data);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
}

/**
 * Hands in `model` with the `scaler` its inputs were standardised with: saves
 * both to `08-assignment.model/` in the notebook's folder (or `opts.dir`),
 * replacing an earlier hand-in, and returns the folder. Call it once, at the end.
 */
export async function handIn(model: tf.LayersModel, scaler: Scaler, opts: { dir?: string; note?: string } = {}): Promise<string> {
  if (!model || typeof (model as tf.LayersModel).save !== "function" || !Array.isArray((model as tf.LayersModel).inputs)) {
    throw new Error("handIn: the first argument must be a tf.LayersModel (e.g. a tf.sequential you trained).");
  }
  checkHandInShape(model);
  validateScaler(scaler, HANDIN_FEATURES, "handIn: the scaler");
  const dir = path.resolve(opts.dir ?? HANDIN_DIR);
  let files: Record<string, string | Uint8Array> = {};
  await model.save(tf.io.withSaveHandler(async (a) => {
    const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(a.weightData!));
    const modelJson = {
      format: "layers-model",
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      convertedBy: null,
      modelTopology: a.modelTopology,
      weightsManifest: [{ paths: ["weights.bin"], weights: a.weightSpecs }],
    };
    const info: HandInInfo = {
      lab: HANDIN_LAB,
      scaler: { mean: scaler.mean.map(Number), std: scaler.std.map(Number) },
      mode: isFast() ? "fast" : "full",
      savedAt: new Date().toISOString(),
      parameters: model.countParams(),
      ...(opts.note ? { note: String(opts.note).slice(0, 2000) } : {}),
    };
    files = { "model.json": JSON.stringify(modelJson), "weights.bin": weights, "handin.json": JSON.stringify(info, null, 1) + "\n" };
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: weights.byteLength } };
  }));
  writeFolderAtomically(dir, files);
  const kb = ((files["weights.bin"] as Uint8Array).byteLength / 1024).toFixed(1);
  console.log(`Handed in: ${dir} (model.json, weights.bin ${kb} KB, handin.json; ${model.countParams()} parameters, ${isFast() ? "fast" : "full"} mode). ` +
    "Submit this folder together with your notebook.");
  return dir;
}
