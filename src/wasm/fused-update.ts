/**
 * Optimizer updates as one pass over each variable, in place in the wasm heap
 * (trainModel's step on the wasm backend, with or without the native BLAS).
 *
 * tfjs's optimizers update each variable with a chain of small kernels
 * (Momentum: 4 per variable; Adam: 14, plus scalar uploads), each a full
 * engine call. For tf.train.sgd, tf.train.momentum, tf.train.adam and lab 07's
 * sgdTimeDecay (src/keras-sgd.ts), exactly (not subclasses), `fusedUpdate`
 * does the same arithmetic in one loop per
 * variable and keeps the optimizer's own state (its accumulator variables,
 * named as tfjs names them, Adam's β powers, the iteration count) so that
 * switching between this and `optimizer.applyGradients` changes nothing.
 *
 * The optimizer's slots are updated in place; a variable gets its new value
 * in a fresh buffer (assigned, as tfjs does), because the stock wasm
 * matMul and convolution cache XNNPACK's packed weights by tensor id, and a
 * weight changed in place would be multiplied stale.
 * The loops run in the native addon where it is installed, else in
 * WebAssembly SIMD on the backend's heap (./loops.wat; Keras's SGD always
 * there). Results agree with tfjs's up to float rounding
 * (test/unit/train.test.ts, test/unit/native-kernels.test.ts).
 */
import * as tf from "@tensorflow/tfjs";
import type { WasmBackend } from "./heap";
import { activeNativeBlas } from "./index";
import { heapOf, offset } from "./native";
import { loopsFor } from "./loops";
import { SGDTimeDecay } from "../keras-sgd";

type Slot = { originalName: string; variable: tf.Variable };
interface Internals {
  learningRate: number;
  momentum?: number; useNesterov?: boolean; accumulations?: Slot[];
  beta1?: number; beta2?: number; epsilon?: number; accBeta1?: tf.Variable; accBeta2?: tf.Variable;
  accumulatedFirstMoment?: Slot[]; accumulatedSecondMoment?: Slot[];
  incrementIterations(): void;
}

const KINDS = [
  ["sgd", tf.SGDOptimizer], ["momentum", tf.MomentumOptimizer], ["adam", tf.AdamOptimizer], ["keras-sgd", SGDTimeDecay],
] as const;
type Kind = (typeof KINDS)[number][0];

/** Which update `fusedUpdate` does for this optimizer, or undefined if it must be left to tfjs. */
export function fusedKind(optimizer: tf.Optimizer): Kind | undefined {
  if (tf.getBackend() !== "wasm") return undefined;
  for (const [kind, cls] of KINDS) {
    // The exact class, with its own applyGradients: a subclass may do more.
    if (Object.getPrototypeOf(optimizer) === cls.prototype && optimizer.applyGradients === cls.prototype.applyGradients) return kind;
  }
  return undefined;
}

function backendOf(): WasmBackend {
  return tf.backend() as unknown as WasmBackend;
}

/** Empty tensors shaped like `vs`, for the new values (allocates: take views afterwards). */
function fresh(backend: WasmBackend, vs: tf.Variable[]): tf.Tensor[] {
  return vs.map((v) => tf.engine().makeTensorFromTensorInfo(backend.makeOutput(v.shape, "float32")));
}

/** Gives each variable its new value (and frees the old one). */
function assignAll(vs: tf.Variable[], values: tf.Tensor[]): void {
  vs.forEach((v, i) => {
    v.assign(values[i]);
    values[i].dispose();
  });
}

/**
 * Gives each variable a heap buffer of its own (a copy if another tensor, e.g.
 * a clone kept for early stopping, shares it), so writing in place changes
 * nothing else. Allocates, so take views only afterwards.
 */
function own(backend: WasmBackend, vs: tf.Variable[]): void {
  for (const v of vs) {
    const data = backend.dataIdMap.get(v.dataId) as { refCount?: number } | undefined;
    if (!data) throw new Error(`fusedUpdate: variable ${v.name} is not on the wasm backend.`);
    if ((data.refCount ?? 1) > 1) {
      const fresh = tf.add(v, tf.scalar(0));
      v.assign(fresh);
      fresh.dispose();
    }
  }
}

const view = (backend: WasmBackend, t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;

function slot(slots: Slot[], i: number, v: tf.Variable, suffix: string): tf.Variable {
  if (slots[i] == null) slots[i] = { originalName: `${v.name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(v).variable(false)) };
  return slots[i].variable;
}

/**
 * Applies one step of `optimizer` to `variables` with `grads` (same order), in
 * place. Call only when fusedKind(optimizer) is defined. The gradients are read, not freed.
 */
export function fusedUpdate(optimizer: tf.Optimizer, variables: tf.Variable[], grads: (tf.TensorInfo | undefined)[]): void {
  const kind = fusedKind(optimizer);
  if (!kind) throw new Error(`fusedUpdate: ${optimizer.getClassName()} on ${tf.getBackend()} is not supported; use optimizer.applyGradients.`);
  const o = optimizer as unknown as Internals;
  const backend = backendOf();
  const lr = o.learningRate;
  const idx = variables.map((_, i) => i).filter((i) => grads[i]); // no gradient: tfjs leaves the variable alone too
  const vs = idx.map((i) => variables[i]);
  const blas = activeNativeBlas();
  const loops = loopsFor(backend);
  if (kind === "adam") {
    // Slots first: creating one may grow the heap, which detaches earlier views.
    variables.forEach((v, i) => { slot((o.accumulatedFirstMoment ??= []), i, v, "m"); slot((o.accumulatedSecondMoment ??= []), i, v, "v"); });
    const b1 = o.beta1!, b2 = o.beta2!, eps = o.epsilon!;
    const firsts = o.accumulatedFirstMoment!.map((x) => x.variable), seconds = o.accumulatedSecondMoment!.map((x) => x.variable);
    own(backend, [...firsts, ...seconds, o.accBeta1!, o.accBeta2!]);
    const out = fresh(backend, vs);
    const a1 = view(backend, o.accBeta1!), a2 = view(backend, o.accBeta2!);
    const c1 = 1 - a1[0], c2 = 1 - a2[0];
    if (blas) {
      idx.forEach((i, k) => blas.optimizerUpdate(heapOf(backend), 2, out[k].size, offset(backend, variables[i]), offset(backend, out[k]), offset(backend, grads[i]!),
        offset(backend, firsts[i]), offset(backend, seconds[i]), lr, b1, b2, eps, c1, c2));
    } else {
      idx.forEach((i, k) => loops.adam(out[k].size, offset(backend, variables[i]), offset(backend, out[k]), offset(backend, grads[i]!),
        offset(backend, firsts[i]), offset(backend, seconds[i]), lr, b1, b2, 1 - b1, 1 - b2, eps, c1, c2));
    }
    a1[0] *= b1;
    a2[0] *= b2;
    assignAll(vs, out);
  } else if (kind === "momentum") {
    variables.forEach((v, i) => slot((o.accumulations ??= []), i, v, "momentum"));
    const mom = o.momentum!, nesterov = !!o.useNesterov;
    const accs = o.accumulations!.map((x) => x.variable);
    own(backend, accs);
    const out = fresh(backend, vs);
    if (blas) {
      idx.forEach((i, k) => blas.optimizerUpdate(heapOf(backend), 1, out[k].size, offset(backend, variables[i]), offset(backend, out[k]), offset(backend, grads[i]!),
        offset(backend, accs[i]), -1, lr, mom, nesterov ? 1 : 0, 0, 0, 0));
    } else {
      idx.forEach((i, k) => loops.momentum(out[k].size, offset(backend, variables[i]), offset(backend, out[k]), offset(backend, grads[i]!),
        offset(backend, accs[i]), lr, mom, nesterov ? 1 : 0));
    }
    assignAll(vs, out);
  } else if (kind === "keras-sgd") {
    // Keras's velocity form, v ← μv − η_t g, w ← w + v (Nesterov: w + μv − η_t g); the native
    // update has no mode for it. With μ = 0 it is plain SGD at rate η_t.
    const k = optimizer as SGDTimeDecay;
    const rate = k.currentLearningRate(), mu = k.momentum, nesterov = k.nesterov;
    const vels = mu === 0 ? [] : variables.map((v, i) => k.velocity(i, v));
    own(backend, vels);
    const out = fresh(backend, vs);
    idx.forEach((i, n) => {
      const w = offset(backend, variables[i]), nw = offset(backend, out[n]), g = offset(backend, grads[i]!);
      if (mu === 0) loops.sgd(out[n].size, w, nw, g, rate);
      else loops.kerasSgd(out[n].size, w, nw, g, offset(backend, vels[i]), rate, mu, nesterov ? 1 : 0);
    });
    assignAll(vs, out);
  } else {
    const out = fresh(backend, vs);
    if (blas) {
      idx.forEach((i, k) => blas.optimizerUpdate(heapOf(backend), 0, out[k].size, offset(backend, variables[i]), offset(backend, out[k]), offset(backend, grads[i]!), -1, -1, lr, 0, 0, 0, 0, 0));
    } else {
      idx.forEach((i, k) => loops.sgd(out[k].size, offset(backend, variables[i]), offset(backend, out[k]), offset(backend, grads[i]!), lr));
    }
    assignAll(vs, out);
  }
  o.incrementIterations();
}
