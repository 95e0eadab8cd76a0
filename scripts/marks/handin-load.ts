/**
 * Reading a hand-in of lab 08 (the folder `handIn` in src/handin.ts writes)
 * for marking. The folder comes from a student, so nothing in it is trusted:
 * the files must be there and be valid JSON of bounded size, the weights must
 * match their manifest, the topology must be of a reasonable size, and the
 * model must take the 30 features and give 2 class probabilities (or 1, for
 * malignant). Instructors' tooling: not part of the student library.
 */
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { applyScaler, validateScaler } from "../../src/data/scaler";
import { HANDIN_FEATURES, HandInError, checkHandInShape, type HandInInfo } from "../../src/handin";

const MAX_JSON_BYTES = 2_000_000;
const MAX_WEIGHT_BYTES = 20_000_000;
/** No layer of a model for 30 features needs more units, filters or input length than this. */
const MAX_LAYER_SIZE = 100_000;

export interface HandIn {
  model: tf.LayersModel;
  info: HandInInfo;
  dir: string;
}

function readJson(file: string, what: string): unknown {
  const size = fs.statSync(file).size;
  if (size > MAX_JSON_BYTES) throw new HandInError("invalid", `${what} is ${size} bytes; a hand-in's JSON files are at most ${MAX_JSON_BYTES}.`);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new HandInError("invalid", `${what} is not valid JSON; hand the model in again with handIn(model, scaler).`);
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
  if (fs.lstatSync(dir).isSymbolicLink()) throw new HandInError("invalid", `${dir} is a symbolic link; hand in the folder itself.`);
  for (const f of ["model.json", "weights.bin", "handin.json"]) {
    const file = path.join(dir, f);
    if (!fs.existsSync(file)) throw new HandInError("invalid", `${f} is missing from ${dir}; hand the model in again with handIn(model, scaler).`);
    // A link could make the grader read (and quote in its report) a file that is not the student's.
    if (!fs.lstatSync(file).isFile()) throw new HandInError("invalid", `${f} in ${dir} is not a regular file (a link or a folder); hand the model in again with handIn(model, scaler).`);
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
