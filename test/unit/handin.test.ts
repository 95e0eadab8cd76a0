import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { handIn, HandInError } from "../../src/handin";
import { loadHandIn, predictHandIn } from "../../scripts/marks/handin-load";
import { fitScaler, applyScaler } from "../../src/data/scaler";
import { breastCancerSplits } from "../../src/data/breast-cancer";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "handin-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const tmp = () => fs.mkdtempSync(path.join(root, "t-"));
/** Runs an async call with console.log silenced (handIn prints where it saved). */
async function quiet<T>(f: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = () => {};
  try { return await f(); } finally { console.log = log; }
}
const mlp = (inputs = 30, outputs = 2) => tf.sequential({ layers: [
  tf.layers.dense({ units: 8, inputShape: [inputs], activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
  tf.layers.dense({ units: outputs, activation: outputs === 1 ? "sigmoid" : "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
] });

async function rejectsWith(p: Promise<unknown>, kind: "missing" | "invalid", pattern: RegExp) {
  await assert.rejects(p, (e: unknown) => e instanceof HandInError && e.kind === kind && pattern.test(e.message));
}

test("handIn then loadHandIn: the same model, scaler and predictions; tfjs's own format", async () => {
  const { train, validation } = breastCancerSplits({ seed: 1 });
  const scaler = fitScaler(train.x, 30);
  const model = mlp();
  const dir = path.join(tmp(), "08-assignment.model");
  const saved = await quiet(() => handIn(model, scaler, { dir }));
  assert.equal(saved, dir);
  assert.deepEqual(fs.readdirSync(dir).sort(), ["handin.json", "model.json", "weights.bin"]);
  const json = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8"));
  assert.equal(json.format, "layers-model");
  assert.deepEqual(json.weightsManifest[0].paths, ["weights.bin"]);
  const h = await loadHandIn(dir);
  assert.deepEqual(h.info.scaler, scaler);
  const direct = tf.tidy(() => (model.predict(tf.tensor2d(applyScaler(validation.x, scaler), [validation.n, 30])) as tf.Tensor).argMax(-1).dataSync());
  assert.deepEqual(Array.from(predictHandIn(h, validation.x)), Array.from(direct));
  // A second hand-in replaces the first and leaves no temporary folder behind.
  await quiet(() => handIn(mlp(30, 1), scaler, { dir }));
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), ["08-assignment.model"]);
  const sig = await loadHandIn(dir);
  assert.equal(sig.model.outputs[0].shape[1], 1);
  assert.ok(predictHandIn(sig, validation.x).every((c) => c === 0 || c === 1));
  for (const m of [model, h.model, sig.model]) m.dispose();
});

test("handIn refuses a model of the wrong shape or a bad scaler; loadHandIn says what is wrong with a folder", async () => {
  const scaler = fitScaler(breastCancerSplits({ seed: 1 }).train.x, 30);
  await assert.rejects(() => handIn(mlp(10), scaler, { dir: path.join(tmp(), "x") }), /shape \[null, 30\].*takes \[\[null,10\]\]/);
  await assert.rejects(() => handIn(mlp(30, 3), scaler, { dir: path.join(tmp(), "x") }), /\[null, 2\].*gives \[\[null,3\]\]/);
  await assert.rejects(() => handIn(mlp(), { mean: [0], std: [1] }, { dir: path.join(tmp(), "x") }), /need 30 entries/);
  await assert.rejects(() => handIn({} as tf.LayersModel, scaler), /must be a tf.LayersModel/);

  await rejectsWith(loadHandIn(path.join(tmp(), "none")), "missing", /no model handed in/);
  const dir = path.join(tmp(), "08-assignment.model");
  await quiet(() => handIn(mlp(), scaler, { dir }));
  const copy = (name: string) => { const d = path.join(tmp(), name); fs.cpSync(dir, d, { recursive: true }); return d; };
  let d = copy("a"); fs.writeFileSync(path.join(d, "model.json"), "{not json");
  await rejectsWith(loadHandIn(d), "invalid", /model.json is not valid JSON/);
  d = copy("l"); fs.rmSync(path.join(d, "model.json")); fs.symlinkSync("/etc/passwd", path.join(d, "model.json"));
  await rejectsWith(loadHandIn(d), "invalid", /model.json in .* is not a regular file/);
  d = copy("b"); fs.truncateSync(path.join(d, "weights.bin"), 100);
  await rejectsWith(loadHandIn(d), "invalid", /weights.bin has 100 bytes but .* needs 1064/);
  d = copy("c"); fs.rmSync(path.join(d, "handin.json"));
  await rejectsWith(loadHandIn(d), "invalid", /handin.json is missing/);
  d = copy("d"); fs.writeFileSync(path.join(d, "handin.json"), JSON.stringify({ scaler: { mean: scaler.mean, std: scaler.std.map(() => 0) } }));
  await rejectsWith(loadHandIn(d), "invalid", /std\[0\] is 0/);
  d = copy("e");
  const j = JSON.parse(fs.readFileSync(path.join(d, "model.json"), "utf8"));
  j.modelTopology.config.layers[0].config.units = 1e9;
  fs.writeFileSync(path.join(d, "model.json"), JSON.stringify(j));
  await rejectsWith(loadHandIn(d), "invalid", /units = 1000000000 is larger/);
  // A model saved for 10 inputs, with its own consistent weights: the shape is what is wrong.
  d = path.join(tmp(), "f");
  await quiet(() => handIn(mlp(), scaler, { dir: d }));
  const small = mlp(10);
  await small.save(tf.io.withSaveHandler(async (a) => {
    const mj = JSON.parse(fs.readFileSync(path.join(d, "model.json"), "utf8"));
    mj.modelTopology = a.modelTopology; mj.weightsManifest = [{ paths: ["weights.bin"], weights: a.weightSpecs }];
    fs.writeFileSync(path.join(d, "model.json"), JSON.stringify(mj));
    fs.writeFileSync(path.join(d, "weights.bin"), new Uint8Array(tf.io.CompositeArrayBuffer.join(a.weightData!)));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
  }));
  await rejectsWith(loadHandIn(d), "invalid", /must take one input of shape \[null, 30\]/);
});
