/**
 * Training benchmark: `npm run bench -- --recipe mlp|cnn|gemm [--epochs N] [--n-train N]
 * [--backend wasm|cpu|tensorflow] [--loop train|fit] [--seed S] [--seeds K] [--torch] [--torch-threads T]`
 *
 * Prints one JSON line per run:
 *   {recipe, backend, n_train, epochs, train_s, epoch_s, test_acc, peak_rss_mb,
 *    tensors_after_minus_before, loop, gflop_per_epoch, gflops}
 * `--torch` then runs scripts/bench_torch.py (Debian's python3-torch) on the same
 * recipe and data and prints its line and a ratio line, so both are measured in
 * one run on the same machine.
 *
 * `--seeds K` repeats the run for seeds S, S+1, …, S+K−1 (each side) and ends
 * with a summary line of the test accuracies (mean, sample sd, min, max):
 * one run's accuracy is one draw, and a target near the mean is a coin toss.
 *
 * `--recipe gemm` measures the floor instead of training: the throughput
 * (GFLOP/s) of the products a training step is made of — a square matMul, the
 * MLP's first layer, the CNN's second convolution as a convolution and as the
 * equivalent matMul — on the backend and, with `--torch`, in PyTorch. No
 * training loop can beat its backend's matMul rate, so torch's rate over
 * ours bounds the best epoch-time ratio any loop could reach.
 *
 * Recipes: `mlp` is a 784-64-64-10 network (relu, softmax; the Mollineda lecture's has a third hidden layer of 64),
 * SGD lr 0.01 momentum 0.9, batch 100; `cnn` is the classic Keras MNIST CNN:
 * conv 32 3×3 relu, conv 64 3×3 relu, max-pool 2, dropout 0.25, dense 128 relu,
 * dropout 0.5, dense 10 softmax, Adam, batch 128. Test accuracy is on the 10,000 MNIST test images.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend";
import { loadMnist } from "../src/data";
import { spread } from "../src/metrics";
import { seededDropout } from "../src/regularization";
import { evaluateModel, trainModel, type ClassificationData } from "../src/train";

type Recipe = "mlp" | "cnn" | "gemm";

interface Args { recipe: Recipe; epochs: number; nTrain: number; backend?: string; loop: "train" | "fit"; torch: boolean; torchThreads: number; seed: number; seeds: number }

function parseArgs(argv: string[]): Args {
  const args: Args = { recipe: "mlp", epochs: 1, nTrain: 60000, loop: "train", torch: false, torchThreads: 0, seed: 42, seeds: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value.`);
      return v;
    };
    const int = (what: string) => {
      const v = Number(value());
      if (!Number.isInteger(v) || v <= 0) throw new Error(`${what} must be a positive integer.`);
      return v;
    };
    if (a === "--recipe") {
      const r = value();
      if (r !== "mlp" && r !== "cnn" && r !== "gemm") throw new Error(`--recipe must be mlp, cnn or gemm, got ${r}.`);
      args.recipe = r;
    } else if (a === "--epochs") args.epochs = int("--epochs");
    else if (a === "--n-train") args.nTrain = Math.min(60000, int("--n-train"));
    else if (a === "--backend") args.backend = value();
    else if (a === "--loop") {
      const l = value();
      if (l !== "train" && l !== "fit") throw new Error(`--loop must be train (trainModel) or fit (model.fit), got ${l}.`);
      args.loop = l;
    } else if (a === "--torch") args.torch = true;
    else if (a === "--torch-threads") args.torchThreads = int("--torch-threads");
    else if (a === "--seed") args.seed = int("--seed");
    else if (a === "--seeds") args.seeds = int("--seeds");
    else throw new Error(`Unknown option ${a}. Usage: npm run bench -- --recipe mlp|cnn|gemm [--epochs N] [--n-train N] [--backend wasm|cpu|tensorflow] [--loop train|fit] [--seed S] [--seeds K] [--torch] [--torch-threads T]`);
  }
  return args;
}

const init = (seed: number) => tf.initializers.glorotUniform({ seed });

function buildModel(recipe: "mlp" | "cnn", seed: number): { model: tf.LayersModel; optimizer: tf.Optimizer; batchSize: number; inputShape: number[] } {
  if (recipe === "mlp") {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [784], units: 64, activation: "relu", kernelInitializer: init(seed) }),
        tf.layers.dense({ units: 64, activation: "relu", kernelInitializer: init(seed + 1) }),
        tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: init(seed + 2) }),
      ],
    });
    return { model, optimizer: tf.train.momentum(0.01, 0.9), batchSize: 100, inputShape: [784] };
  }
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: "relu", kernelInitializer: init(seed) }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu", kernelInitializer: init(seed + 1) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      seededDropout({ rate: 0.25, seed: seed + 10 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: "relu", kernelInitializer: init(seed + 2) }),
      seededDropout({ rate: 0.5, seed: seed + 11 }),
      tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: init(seed + 3) }),
    ],
  });
  return { model, optimizer: tf.train.adam(0.001), batchSize: 128, inputShape: [28, 28, 1] };
}

/**
 * Multiply-adds ×2 of one training step per example: forward, plus the input
 * and weight gradients of every layer except the input gradient of the first
 * (nothing needs it). Elementwise work, pooling and the optimizer are left out.
 */
function trainingFlopsPerExample(model: tf.LayersModel): number {
  let flops = 0;
  model.layers.forEach((layer, i) => {
    const out = layer.outputShape as number[];
    if (layer.getClassName() === "Dense") {
      const w = layer.getWeights()[0].shape as number[];
      const fwd = 2 * w[0] * w[1];
      flops += fwd * (i === 0 ? 2 : 3);
    } else if (layer.getClassName() === "Conv2D") {
      const k = layer.getWeights()[0].shape as number[]; // [fh, fw, cin, cout]
      const fwd = 2 * out[1] * out[2] * k[0] * k[1] * k[2] * k[3];
      flops += fwd * (i === 0 ? 2 : 3);
    }
  });
  return flops;
}

function toData(set: { images: Float32Array; labels: Uint8Array; n: number }, inputShape: number[]): ClassificationData {
  return { x: set.images, y: set.labels, n: set.n, inputShape, numClasses: 10 };
}

async function runTfjs(args: Args): Promise<Record<string, unknown>> {
  if (args.backend) process.env.LABS_BACKEND = args.backend;
  const info = await initBackend({ quiet: true });
  const train = loadMnist({ split: "train", limit: args.nTrain });
  const test = loadMnist({ split: "test" });
  const before = tf.memory().numTensors;
  const { model, optimizer, batchSize, inputShape } = buildModel(args.recipe as "mlp" | "cnn", args.seed);
  model.compile({ optimizer, loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  const trainData = toData(train, inputShape);
  const testData = toData(test, inputShape);
  let epochTimes: number[];
  if (args.loop === "train") {
    const h = await trainModel(model, trainData, { epochs: args.epochs, batchSize, seed: args.seed });
    epochTimes = h.epochTimes;
  } else {
    // The stock tfjs loop, for comparison: whole data set as tensors, model.fit slices the batches.
    const xs = tf.tensor(train.images, [train.n, ...inputShape]);
    const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(train.labels, "int32"), 10));
    epochTimes = [];
    let t0 = performance.now();
    await model.fit(xs, ys, {
      epochs: args.epochs, batchSize, shuffle: true, verbose: 0,
      callbacks: { onEpochEnd: async () => { epochTimes.push((performance.now() - t0) / 1000); t0 = performance.now(); } },
    });
    tf.dispose([xs, ys]);
  }
  const ev = evaluateModel(model, testData, 1000);
  const flops = trainingFlopsPerExample(model) * train.n;
  model.dispose();
  optimizer.dispose();
  // tfjs 4.22: MomentumOptimizer.dispose() skips SGDOptimizer's, which frees the
  // learning-rate scalar `c`; free it so the count below measures our code only.
  if (optimizer.getClassName() === "Momentum") (optimizer as unknown as { c: tf.Tensor }).c.dispose();
  const trainS = epochTimes.reduce((a, b) => a + b, 0);
  return {
    recipe: args.recipe, backend: info.name, n_train: train.n, epochs: args.epochs,
    train_s: round(trainS, 2), epoch_s: round(trainS / epochTimes.length, 2), test_acc: round(ev.acc, 4),
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 1),
    tensors_after_minus_before: tf.memory().numTensors - before,
    loop: args.loop === "train" ? "trainModel" : "model.fit",
    gflop_per_epoch: round(flops / 1e9, 1), gflops: round((flops * args.epochs) / 1e9 / trainS, 2),
  };
}

function runTorch(args: Args): Record<string, unknown> | undefined {
  const script = path.join(__dirname, "bench_torch.py");
  const cmd = ["--recipe", args.recipe, "--epochs", String(args.epochs), "--n-train", String(args.nTrain), "--seed", String(args.seed)];
  if (args.recipe === "gemm") cmd.push("--cases", JSON.stringify(GEMM_CASES.map((c) => ({ ...c, flops: flopsOf(c) }))));
  if (args.torchThreads) cmd.push("--threads", String(args.torchThreads));
  // torch.set_num_threads covers OpenMP (its convolutions) but not Debian's
  // OpenBLAS (its matMuls), which starts one thread per core unless told.
  const env = args.torchThreads ? { ...process.env, OPENBLAS_NUM_THREADS: String(args.torchThreads), OMP_NUM_THREADS: String(args.torchThreads) } : process.env;
  const r = spawnSync("/usr/bin/python3", [script, ...cmd], { encoding: "utf8", env });
  if (r.status !== 0) {
    console.error(`bench_torch.py failed (is python3-torch installed? apt-get install -y python3-torch):\n${r.stderr || r.error}`);
    return undefined;
  }
  const line = r.stdout.trim().split("\n").pop()!;
  return JSON.parse(line);
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * The products one training step is made of (recipe gemm). Shapes are
 * [m, k] × [k, n] for matMul and NHWC input ⊛ [fh, fw, cin, cout] for conv.
 */
const GEMM_CASES = [
  { name: "matMul 1024×1024×1024", op: "matmul", a: [1024, 1024], b: [1024, 1024] },
  { name: "mlp dense 1: [100,784]×[784,64]", op: "matmul", a: [100, 784], b: [784, 64] },
  { name: "cnn conv 2: [128,26,26,32] ⊛ 3×3×32×64", op: "conv", a: [128, 26, 26, 32], b: [3, 3, 32, 64] },
  { name: "cnn conv 2 as matMul: [73728,288]×[288,64]", op: "matmul", a: [73728, 288], b: [288, 64] },
] as const;

function flopsOf(c: (typeof GEMM_CASES)[number]): number {
  if (c.op === "matmul") return 2 * c.a[0] * c.a[1] * c.b[1];
  const [n, h, w] = c.a, [fh, fw, cin, cout] = c.b;
  return 2 * n * (h - fh + 1) * (w - fw + 1) * fh * fw * cin * cout;
}

/** GFLOP/s of each case on the current backend: best of repeated timed runs of ≥ 0.5 s. */
async function runGemm(args: Args): Promise<Record<string, unknown>> {
  if (args.backend) process.env.LABS_BACKEND = args.backend;
  const info = await initBackend({ quiet: true });
  const rates: Record<string, number> = {};
  for (const c of GEMM_CASES) {
    const a = tf.randomUniform([...c.a], -1, 1, "float32", 1), b = tf.randomUniform([...c.b], -1, 1, "float32", 2);
    const once = () => {
      const y = c.op === "matmul" ? tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D) : tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "valid");
      y.dataSync();
      y.dispose();
    };
    once(); // warm-up
    let best = 0;
    for (let rep = 0; rep < 3; rep++) {
      let k = 0;
      const t0 = performance.now();
      do { once(); k++; } while (performance.now() - t0 < 500);
      best = Math.max(best, (k * flopsOf(c)) / ((performance.now() - t0) / 1000) / 1e9);
    }
    rates[c.name] = round(best, 2);
    tf.dispose([a, b]);
  }
  return { recipe: "gemm", backend: info.name, gflops: rates };
}


async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.recipe === "gemm") {
    const ours = await runGemm(args);
    console.log(JSON.stringify(ours));
    const ref = args.torch ? runTorch(args) : undefined;
    if (ref) {
      console.log(JSON.stringify(ref));
      const o = ours.gflops as Record<string, number>, t = ref.gflops as Record<string, number>;
      console.log(JSON.stringify({ recipe: "gemm", ratio: `pytorch/${ours.backend} throughput`, by_case: Object.fromEntries(Object.keys(o).map((k) => [k, round(t[k] / o[k], 2)])) }));
    }
    return;
  }
  const ours: Record<string, unknown>[] = [], refs: Record<string, unknown>[] = [];
  for (let k = 0; k < args.seeds; k++) {
    const run = await runTfjs({ ...args, seed: args.seed + k });
    console.log(JSON.stringify(run));
    ours.push(run);
  }
  if (args.torch) {
    for (let k = 0; k < args.seeds; k++) {
      const ref = runTorch({ ...args, seed: args.seed + k });
      if (!ref) break;
      ref.gflop_per_epoch = ours[0].gflop_per_epoch;
      ref.gflops = round(((ours[0].gflop_per_epoch as number) * args.epochs) / (ref.train_s as number), 2);
      console.log(JSON.stringify(ref));
      refs.push(ref);
    }
    if (refs.length === ours.length) {
      const epochS = (rs: Record<string, unknown>[]) => spread(rs.map((r) => r.epoch_s as number)).mean;
      console.log(JSON.stringify({
        recipe: args.recipe, ratio: `${ours[0].backend}/pytorch`, epoch_time_ratio: round(epochS(ours) / epochS(refs), 2),
        test_acc: [ours[0].test_acc, refs[0].test_acc],
      }));
    }
  }
  if (args.seeds > 1) {
    const accs = (rs: Record<string, unknown>[]) => {
      const values = rs.map((r) => r.test_acc as number), s = spread(values);
      return { ...s, mean: round(s.mean, 4), sd: round(s.sd, 4), accs: values };
    };
    console.log(JSON.stringify({
      recipe: args.recipe, summary: `test accuracy over seeds ${args.seed}..${args.seed + args.seeds - 1}`, epochs: args.epochs,
      [ours[0].backend as string]: accs(ours), ...(refs.length ? { pytorch: accs(refs) } : {}),
    }));
  }
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(1);
});
