/**
 * Choosing the TensorFlow.js backend (every lab's set-up cell).
 *
 * Order of preference: `tensorflow` (native, from the optional package
 * @tensorflow/tfjs-node, where it installs), then `wasm`
 * (@tensorflow/tfjs-backend-wasm, with the training kernels this course adds),
 * then the pure-JavaScript `cpu` backend. `LABS_BACKEND=tensorflow|wasm|cpu`
 * forces one; a forced backend that cannot load is an error, not a fallback.
 */
import * as tf from "@tensorflow/tfjs";
import { installWasmTrainingKernels } from "./wasm";
import { markShown } from "./display";
import { BACKEND_PREFIX } from "./report";

export type BackendName = "tensorflow" | "wasm" | "cpu";
export const BACKENDS: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];

export interface BackendInfo {
  name: BackendName;
  tfjsVersion: string;
  /** Why the backends before it in the preference order were not used. */
  skipped: string[];
}

let current: BackendInfo | undefined;

function loadPackage(name: BackendName): void {
  if (name === "tensorflow") require("@tensorflow/tfjs-node");
  else if (name === "wasm") require("@tensorflow/tfjs-backend-wasm");
  // cpu ships inside @tensorflow/tfjs.
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
  if (name === "wasm") installWasmTrainingKernels();
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
      current = markShown({ name, tfjsVersion: tf.version.tfjs, skipped });
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
  const note = info.name === "tensorflow" ? "native libtensorflow" : info.name === "wasm" ? "WebAssembly + course training kernels" : "pure JavaScript (slow)";
  return `${BACKEND_PREFIX}${info.name} (${note}), TensorFlow.js ${info.tfjsVersion}`;
}
