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
 * `npm run marks -- score` loads it with `loadHandIn` and scores it on the
 * held-out test split, which the notebook never sees.
 *
 * `loadHandIn` reads a folder a student sent, so it trusts nothing in it: the
 * files must be there, be valid JSON of bounded size, the weights must match
 * their manifest, the topology must be a reasonable size, and the model must
 * take the 30 features and give 2 class probabilities (or 1 for malignant).
 */
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { Scaler, applyScaler, validateScaler } from "./data/scaler";
import { isFast } from "./mode";

export const HANDIN_LAB = "08-assignment";
/** The folder a hand-in is written to, next to the notebook. */
export const HANDIN_DIR = `${HANDIN_LAB}.model`;
export const HANDIN_FEATURES = 30;
const MAX_JSON_BYTES = 2_000_000;
const MAX_WEIGHT_BYTES = 20_000_000;
/** No layer of a model for 30 features needs more units, filters or input length than this. */
const MAX_LAYER_SIZE = 100_000;

export interface HandInInfo {
  lab: string;
  scaler: Scaler;
  mode: "fast" | "full";
  savedAt: string;
  parameters: number;
  note?: string;
}

export interface HandIn {
  model: tf.LayersModel;
  info: HandInInfo;
  dir: string;
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

function readJson(file: string, what: string): unknown {
  const size = fs.statSync(file).size;
  if (size > MAX_JSON_BYTES) throw new HandInError("invalid", `${what} is ${size} bytes; a hand-in's JSON files are at most ${MAX_JSON_BYTES}.`);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new HandInError("invalid", `${what} is not valid JSON (${(e as Error).message}); hand the model in again with handIn(model, scaler).`);
  }
}

/** Rejects topologies whose layers are absurdly large before tfjs allocates them. */
function checkTopologySize(node: unknown, where = "modelTopology"): void {
  if (Array.isArray(node)) node.forEach((v, i) => checkTopologySize(v, `${where}[${i}]`));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === "number" && /^(units|filters|input_dim|output_dim|inputDim|outputDim|target_shape|dims)$/.test(k) && v > MAX_LAYER_SIZE) {
        throw new HandInError("invalid", `model.json: ${where}.${k} = ${v} is larger than any layer of this assignment needs (≤ ${MAX_LAYER_SIZE}).`);
      }
      if (Array.isArray(v) && /shape/i.test(k) && v.some((s) => typeof s === "number" && s > MAX_LAYER_SIZE)) {
        throw new HandInError("invalid", `model.json: ${where}.${k} = ${JSON.stringify(v)} is larger than this assignment needs.`);
      }
      checkTopologySize(v, `${where}.${k}`);
    }
  }
}

/**
 * Loads a hand-in folder. Throws a HandInError: `missing` when there is no
 * hand-in, `invalid` (with what is wrong) when it cannot be used.
 */
export async function loadHandIn(dir: string): Promise<HandIn> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new HandInError("missing", `no model handed in (${dir} does not exist).`);
  for (const f of ["model.json", "weights.bin", "handin.json"]) {
    const file = path.join(dir, f);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new HandInError("invalid", `${f} is missing from ${dir}; hand the model in again with handIn(model, scaler).`);
  }
  const modelJson = readJson(path.join(dir, "model.json"), "model.json") as tf.io.ModelJSON;
  const info = readJson(path.join(dir, "handin.json"), "handin.json") as HandInInfo;
  if (!modelJson || typeof modelJson !== "object" || !modelJson.modelTopology || !Array.isArray(modelJson.weightsManifest)) {
    throw new HandInError("invalid", "model.json has no modelTopology or weightsManifest: it is not a TensorFlow.js layers model.");
  }
  try {
    validateScaler(info?.scaler, HANDIN_FEATURES, "handin.json: scaler");
  } catch (e) {
    throw new HandInError("invalid", (e as Error).message);
  }
  checkTopologySize(modelJson.modelTopology);
  const specs = modelJson.weightsManifest.flatMap((g) => g.weights ?? []);
  const bytesPer: Record<string, number> = { float32: 4, int32: 4 };
  let need = 0;
  for (const s of specs) {
    if (!s || !Array.isArray(s.shape) || !(s.dtype in bytesPer) || (s as { quantization?: unknown }).quantization) {
      throw new HandInError("invalid", `model.json: weight ${JSON.stringify(s?.name)} has an unsupported spec (float32 or int32, unquantised).`);
    }
    need += s.shape.reduce((a, b) => a * b, 1) * bytesPer[s.dtype];
  }
  const weightFile = path.join(dir, "weights.bin");
  const have = fs.statSync(weightFile).size;
  if (need > MAX_WEIGHT_BYTES) throw new HandInError("invalid", `the model's weights need ${need} bytes; at most ${MAX_WEIGHT_BYTES} are accepted.`);
  if (have !== need) throw new HandInError("invalid", `weights.bin has ${have} bytes but model.json's manifest needs ${need}: the files do not belong together or one is truncated.`);
  const buf = fs.readFileSync(weightFile);
  const weightData = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: specs, weightData }));
  } catch (e) {
    throw new HandInError("invalid", `TensorFlow.js could not build the model from model.json: ${(e as Error).message}`);
  }
  try {
    checkHandInShape(model, "the handed-in model");
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, info, dir };
}

/** Predicted classes (1 = malignant) of a hand-in for raw (unstandardised) rows `x` (n×30). */
export function predictHandIn(h: HandIn, x: Float32Array, batchSize = 256): Int32Array {
  const xs = applyScaler(x, h.info.scaler);
  const n = xs.length / HANDIN_FEATURES;
  const out = new Int32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const y = tf.tidy(() => h.model.predict(tf.tensor2d(xs.subarray(start * HANDIN_FEATURES, (start + size) * HANDIN_FEATURES), [size, HANDIN_FEATURES])) as tf.Tensor);
    const k = y.shape[1]!;
    const v = y.dataSync();
    y.dispose();
    for (let i = 0; i < size; i++) {
      const row = v.subarray(i * k, (i + 1) * k);
      if (!row.every(Number.isFinite)) throw new HandInError("invalid", `the handed-in model's output for test row ${start + i} is ${Array.from(row)}: not finite numbers (a diverged model?).`);
      out[start + i] = k === 1 ? Number(row[0] > 0.5) : Number(row[1] > row[0]);
    }
  }
  return out;
}
