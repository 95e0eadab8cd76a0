/**
 * Choosing the TensorFlow.js backend (every lab's set-up cell).
 *
 * Order of preference: `tensorflow` (native, from the optional package
 * @tensorflow/tfjs-node, where it installs), then `wasm`
 * (@tensorflow/tfjs-backend-wasm, with the training kernels this course adds),
 * then the pure-JavaScript `cpu` backend. `LABS_BACKEND=tensorflow|wasm|cpu`
 * forces one; a forced backend that cannot load is an error, not a fallback.
 * On wasm, the optional native BLAS addon (src/native.ts) runs the products
 * and convolutions where it is built; `LABS_NATIVE=0` turns it off.
 */
import * as tf from "@tensorflow/tfjs";
import { installNativeKernels, installWasmTrainingKernels } from "./wasm";
import { loadNativeBlas } from "./native";
import { markShown } from "./page/result";
import { BACKEND_PREFIX } from "./headline";

export type BackendName = "tensorflow" | "wasm" | "cpu";
export const BACKENDS: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];

export interface BackendInfo {
  name: BackendName;
  tfjsVersion: string;
  /** Why the backends before it in the preference order (and, on wasm, the native BLAS) were not used. */
  skipped: string[];
  /** On wasm: the native BLAS that runs its products and convolutions (src/native.ts), if any. */
  native?: { blas: string; threads: number };
}

let current: BackendInfo | undefined;

function loadPackage(name: BackendName): void {
  if (name === "tensorflow") require("@tensorflow/tfjs-node");
  else if (name === "wasm") require("@tensorflow/tfjs-backend-wasm");
  // cpu ships inside @tensorflow/tfjs.
}

/** Installs the course's kernels on wasm, and the native BLAS ones over them where the addon loads. */
function setUpWasm(skipped: string[]): BackendInfo["native"] {
  installWasmTrainingKernels();
  const load = loadNativeBlas();
  if (!load.addon) {
    skipped.push(load.why);
    return undefined;
  }
  installNativeKernels(load.addon);
  return load.addon.info();
}

async function tryBackend(name: BackendName): Promise<string | undefined> {
  try {
    loadPackage(name);
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    return name === "tensorflow"
      ? `@tensorflow/tfjs-node is not installed or does not load (${msg})`
      : `${name}: ${msg}`;
  }
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) return `${name}: tf.setBackend('${name}') failed`;
  await tf.ready();
  return undefined;
}

/** Which backend `LABS_BACKEND` asks for, or undefined. Throws on a bad value. */
export function requestedBackend(env: NodeJS.ProcessEnv = process.env): BackendName | undefined {
  const raw = env.LABS_BACKEND?.trim().toLowerCase();
  if (!raw) return undefined;
  const alias: Record<string, BackendName> = { node: "tensorflow", "tfjs-node": "tensorflow" };
  const name = (alias[raw] ?? raw) as BackendName;
  if (!BACKENDS.includes(name)) {
    throw new Error(`LABS_BACKEND=${env.LABS_BACKEND} is not a backend; use one of ${BACKENDS.join(", ")} or unset it.`);
  }
  return name;
}

/**
 * Picks and initialises the backend, prints one line saying which, and
 * returns it. Safe to call again: later calls return the first choice.
 */
export async function initBackend(options: { quiet?: boolean } = {}): Promise<BackendInfo> {
  if (current && tf.getBackend() === current.name) return current;
  const forced = requestedBackend();
  const candidates = forced ? [forced] : BACKENDS;
  const skipped: string[] = [];
  for (const name of candidates) {
    const why = await tryBackend(name);
    if (why === undefined) {
      // Marked as shown: the line below says it, so `await initBackend()` ending a cell adds no Out[n].
      const native = name === "wasm" ? setUpWasm(skipped) : undefined;
      current = markShown({ name, tfjsVersion: tf.version.tfjs, skipped, ...(native ? { native } : {}) });
      if (!options.quiet) console.log(describeBackend(current));
      return current;
    }
    if (forced) {
      throw new Error(`LABS_BACKEND=${forced} was requested but cannot be used: ${why}. Unset LABS_BACKEND to pick automatically.`);
    }
    skipped.push(why);
  }
  throw new Error(`No TensorFlow.js backend could be initialised:\n  ${skipped.join("\n  ")}`);
}

export function describeBackend(info: BackendInfo): string {
  if (info.native) {
    const threads = info.native.threads > 0 ? `, ${info.native.threads} thread${info.native.threads === 1 ? "" : "s"}` : "";
    return `Backend: wasm + native BLAS (${info.native.blas}${threads}), TensorFlow.js ${info.tfjsVersion}`;
  }
  const note = info.name === "tensorflow" ? "native libtensorflow" : info.name === "wasm" ? "WebAssembly + course training kernels" : "pure JavaScript (slow)";
  return `${BACKEND_PREFIX}${info.name} (${note}), TensorFlow.js ${info.tfjsVersion}`;
}
