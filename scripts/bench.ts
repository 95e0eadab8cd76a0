/**
 * Training benchmark: `npm run bench -- --recipe mlp|lecture|cnn|gemm [--epochs N] [--n-train N]
 * [--backend wasm|cpu|tensorflow] [--loop train|fit] [--seed S] [--seeds K]
 * [--torch] [--torch-threads T] [--sides LIST] [--repeat K]`
 *
 * Prints one JSON line per run:
 *   {recipe, backend, native, n_train, epochs, train_s, epoch_s, test_acc, peak_rss_mb,
 *    tensors_after_minus_before, loop, gflop_per_epoch, gflops}
 *
 * Recipes: `mlp` is 784-64-64-10 with SGD + momentum; `lecture` is the Mollineda
 * lecture's Keras script (784-64-64-64-10, SGD lr 0.01, decay 1e-6, momentum 0.9,
 * batch 100; run it with `--epochs 10`); `cnn` is Keras's MNIST CNN with Adam.
 *
 * Side by side (`--torch`, `--sides` or `--repeat`): every side runs in its own
 * process, one after the other, round after round (`--repeat K` rounds), so a
 * change in the machine's load hits all sides alike. The sides are
 * `native` (wasm + the native BLAS, all cores), `native1` (the same on one
 * thread), `wasm` (LABS_NATIVE=0), `cpu`, and `torch1`/`torch2` (PyTorch,
 * scripts/bench_torch.py with Debian's python3-torch, on 1 or 2 threads).
 * `--torch` alone means native, wasm, torch1 and torch2 (`--torch-threads T`:
 * torchT only). It ends with one summary line per side: the median epoch time
 * and GFLOP/s over the rounds, and the ratio to the better PyTorch median, plus
 * the load average before and after (os.loadavg), since other work on the
 * machine changes every figure.
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
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend";
import { loadMnist } from "../src/data";
import { spread } from "../src/metrics";
import { tfSeed } from "../src/random";
import { seededDropout } from "../src/regularization";
import { sgdTimeDecay } from "../src/keras-sgd";
import { evaluateModel, trainModel, type ClassificationData } from "../src/train";

type Recipe = "mlp" | "lecture" | "cnn" | "gemm";
type TrainRecipe = Exclude<Recipe, "gemm">;

interface Args {
  recipe: Recipe; epochs: number; nTrain: number; backend?: string; loop: "train" | "fit"; torch: boolean; torchThreads: number;
  seed: number; seeds: number; sides?: Side[]; repeat: number; child: boolean;
}

const SIDES = ["native", "native1", "wasm", "cpu", "torch1", "torch2"] as const;
/** One of SIDES, or torchT for PyTorch on T threads. */
type Side = string;
const USAGE = "Usage: npm run bench -- --recipe mlp|lecture|cnn|gemm [--epochs N] [--n-train N] [--backend wasm|cpu|tensorflow] [--loop train|fit] " +
  "[--seed S] [--seeds K] [--torch] [--torch-threads T] [--sides native,native1,wasm,cpu,torch1,torch2] [--repeat K]";

function parseArgs(argv: string[]): Args {
  const args: Args = { recipe: "mlp", epochs: 1, nTrain: 60000, loop: "train", torch: false, torchThreads: 0, seed: 42, seeds: 1, repeat: 1, child: false };
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
      if (r !== "mlp" && r !== "lecture" && r !== "cnn" && r !== "gemm") throw new Error(`--recipe must be mlp, lecture, cnn or gemm, got ${r}.`);
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
    else if (a === "--repeat") args.repeat = int("--repeat");
    else if (a === "--child") args.child = true;
    else if (a === "--sides") {
      const list = value().split(",").map((x) => x.trim()).filter(Boolean);
      const bad = list.filter((x) => !(SIDES as readonly string[]).includes(x) && !/^torch[1-9]\d*$/.test(x));
      if (bad.length || !list.length) throw new Error(`--sides: unknown side(s) ${bad.join(", ") || "(none)"}; use a comma list of ${SIDES.join(", ")}.`);
      args.sides = list as Side[];
    } else throw new Error(`Unknown option ${a}. ${USAGE}`);
  }
  return args;
}

// Layer k of the run with seed s gets tfSeed(s, k): with s + k, the runs of --seeds K would share
// initial weights (seed 42's layer 2 is seed 43's layer 1).
const init = (seed: number, k: number) => tf.initializers.glorotUniform({ seed: tfSeed(seed, k) });

function buildModel(recipe: TrainRecipe, seed: number): { model: tf.LayersModel; optimizer: tf.Optimizer; batchSize: number; inputShape: number[] } {
  if (recipe === "lecture") {
    const hidden = [0, 1, 2].map((k) => tf.layers.dense({ ...(k === 0 ? { inputShape: [784] } : {}), units: 64, activation: "relu", kernelInitializer: init(seed, k) }));
    const model = tf.sequential({ layers: [...hidden, tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: init(seed, 3) })] });
    return { model, optimizer: sgdTimeDecay({ learningRate: 0.01, decay: 1e-6, momentum: 0.9 }), batchSize: 100, inputShape: [784] };
  }
  if (recipe === "mlp") {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [784], units: 64, activation: "relu", kernelInitializer: init(seed, 0) }),
        tf.layers.dense({ units: 64, activation: "relu", kernelInitializer: init(seed, 1) }),
        tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: init(seed, 2) }),
      ],
    });
    return { model, optimizer: tf.train.momentum(0.01, 0.9), batchSize: 100, inputShape: [784] };
  }
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: "relu", kernelInitializer: init(seed, 0) }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu", kernelInitializer: init(seed, 1) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      seededDropout({ rate: 0.25, seed: tfSeed(seed, 10) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: "relu", kernelInitializer: init(seed, 2) }),
      seededDropout({ rate: 0.5, seed: tfSeed(seed, 11) }),
      tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: init(seed, 3) }),
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

/** GFLOP of one epoch of the recipe (trainingFlopsPerExample × n), from a model built on the cpu backend. */
function gflopPerEpoch(args: Args): number {
  const { model, optimizer } = buildModel(args.recipe as TrainRecipe, args.seed);
  const flops = trainingFlopsPerExample(model) * Math.min(args.nTrain, 60000);
  model.dispose();
  optimizer.dispose();
  return round(flops / 1e9, 1);
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
  const { model, optimizer, batchSize, inputShape } = buildModel(args.recipe as TrainRecipe, args.seed);
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
    recipe: args.recipe, backend: info.name, native: info.native ? `${info.native.blas}, ${info.native.threads} threads` : null, n_train: train.n, epochs: args.epochs,
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
  return { recipe: "gemm", backend: info.name, native: info.native ? `${info.native.blas}, ${info.native.threads} threads` : null, gflops: rates };
}


const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b), m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const load = () => os.loadavg().map((x) => round(x, 2));

/** The sides of a side-by-side run: --sides, or what --torch asks for. */
function sidesOf(args: Args): Side[] {
  if (args.sides) return args.sides;
  const torch = !args.torch ? [] : args.torchThreads ? [`torch${args.torchThreads}`] : ["torch1", "torch2"];
  return ["native", "wasm", ...torch];
}

/** Runs one side once, in its own process; undefined (after saying why) if it cannot run. */
function runSide(args: Args, side: Side, seed: number): Record<string, unknown> | undefined {
  if (side.startsWith("torch")) {
    const r = runTorch({ ...args, seed, torchThreads: Number(side.slice("torch".length)) });
    return r && { side, ...r, ...(args.recipe !== "gemm" ? { gflop_per_epoch: gflopPerEpoch(args), gflops: round((gflopPerEpoch(args) * args.epochs) / (r.train_s as number), 2) } : {}) };
  }
  const env: NodeJS.ProcessEnv = { ...process.env, LABS_BACKEND: side === "cpu" ? "cpu" : "wasm", LABS_NATIVE: side.startsWith("native") ? "1" : "0" };
  if (side === "native1") env.OPENBLAS_NUM_THREADS = "1";
  const cmd = [...process.execArgv, __filename, "--child", "--recipe", args.recipe, "--epochs", String(args.epochs),
    "--n-train", String(args.nTrain), "--seed", String(seed), "--loop", args.loop];
  const r = spawnSync(process.execPath, cmd, { encoding: "utf8", env });
  if (r.status !== 0) {
    console.error(`bench: side ${side} did not run: ${(r.stderr || String(r.error)).trim().split("\n").pop()}`);
    return undefined;
  }
  return { side, ...JSON.parse(r.stdout.trim().split("\n").pop()!) };
}

/**
 * Every side, round after round; then per side the median over the rounds and
 * the ratio to the better PyTorch (training: epoch time ours / torch's; gemm:
 * torch's GFLOP/s / ours, i.e. how many times faster PyTorch's products are).
 */
async function sideBySide(args: Args): Promise<void> {
  let sides = sidesOf(args);
  const rounds = Math.max(args.repeat, args.seeds);
  const loadBefore = load();
  const runs = new Map<Side, Record<string, unknown>[]>(sides.map((x) => [x, []]));
  for (let r = 0; r < rounds; r++) {
    for (const side of sides) {
      const run = runSide(args, side, args.seed + (r % args.seeds));
      if (!run) continue;
      console.log(JSON.stringify(run));
      runs.get(side)!.push(run);
    }
    sides = sides.filter((x) => runs.get(x)!.length > 0); // a side that cannot run is dropped after round 1
  }
  const torchSides = sides.filter((x) => x.startsWith("torch"));
  const base = { recipe: args.recipe, rounds, load_before: loadBefore, load_after: load(), cores: os.cpus().length };
  if (args.recipe === "gemm") {
    const cases = GEMM_CASES.map((c) => c.name);
    const rate = (x: Side, c: string) => median(runs.get(x)!.map((run) => (run.gflops as Record<string, number>)[c]));
    const table = sides.map((x) => ({
      side: x,
      gflops: Object.fromEntries(cases.map((c) => [c, round(rate(x, c), 2)])),
      ...(torchSides.length && !x.startsWith("torch") ? {
        torch_speedup: Object.fromEntries(cases.map((c) => [c, round(Math.max(...torchSides.map((t) => rate(t, c))) / rate(x, c), 2)])),
      } : {}),
    }));
    console.log(JSON.stringify({ ...base, summary: "median GFLOP/s per side; torch_speedup: the better PyTorch's rate / this side's", sides: table }));
    return;
  }
  const gflop = gflopPerEpoch(args);
  const epoch = (x: Side) => median(runs.get(x)!.map((run) => run.epoch_s as number));
  const bestTorch = torchSides.length ? torchSides.reduce((a, b) => (epoch(b) < epoch(a) ? b : a)) : undefined;
  const table = sides.map((x) => {
    const accs = runs.get(x)!.map((run) => run.test_acc as number), acc = spread(accs);
    return {
      side: x, runs: accs.length, epoch_s_median: round(epoch(x), 3), epoch_s: runs.get(x)!.map((run) => run.epoch_s),
      gflops: gflop ? round(gflop / epoch(x), 2) : null,
      ratio_to_best_torch: bestTorch ? round(epoch(x) / epoch(bestTorch), 2) : null,
      test_acc_mean: round(acc.mean, 4), test_acc_sd: round(acc.sd, 4),
    };
  });
  console.log(JSON.stringify({ ...base, summary: "median epoch time per side", n_train: args.nTrain, epochs: args.epochs, best_torch: bestTorch ?? null, sides: table }));
  console.log(["| side | epoch (median) | GFLOP/s | ratio to best PyTorch | test acc |", "|---|---|---|---|---|",
    ...table.map((t) => `| ${t.side} | ${t.epoch_s_median} s | ${t.gflops ?? "–"} | ${t.ratio_to_best_torch ?? "–"}× | ${t.test_acc_mean} |`)].join("\n"));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    console.log(JSON.stringify(args.recipe === "gemm" ? await runGemm(args) : await runTfjs(args)));
    return;
  }
  if (args.torch || args.sides || args.repeat > 1) return sideBySide(args);
  // One process, this backend: the runs of --seeds K, then their accuracy spread.
  if (args.recipe === "gemm") {
    console.log(JSON.stringify(await runGemm(args)));
    return;
  }
  const ours: Record<string, unknown>[] = [];
  for (let k = 0; k < args.seeds; k++) {
    const run = await runTfjs({ ...args, seed: args.seed + k });
    console.log(JSON.stringify(run));
    ours.push(run);
  }
  if (args.seeds > 1) {
    const values = ours.map((r) => r.test_acc as number), sp = spread(values);
    console.log(JSON.stringify({
      recipe: args.recipe, summary: `test accuracy over seeds ${args.seed}..${args.seed + args.seeds - 1}`, epochs: args.epochs,
      [ours[0].backend as string]: { ...sp, mean: round(sp.mean, 4), sd: round(sp.sd, 4), accs: values },
    }));
  }
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(1);
});
