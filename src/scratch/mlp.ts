/**
 * Multi-layer perceptrons in float64: lab 02's parameter counts and forward
 * pass, and lab 03's network with its backward pass written out by hand.
 *
 * Notation of the lecture (AIMA-style): unit j of layer l receives
 *   in_j = Σ_i w_ij a_i + b_j,   a_j = g(in_j),
 * and with the loss E = ½ Σ_i (y_i − a_i)² the sensitivities are
 *   output units:  Δ_i = Err_i · g'(in_i),           Err_i = y_i − a_i
 *   hidden units:  Δ_j = g'(in_j) · Σ_i w_ji Δ_i
 * so that ∂E/∂w_ji = −a_j Δ_i and gradient descent is w_ji += α·a_j·Δ_i.
 *
 * Weights of layer l are stored as W[l][j·nIn + i] (row j = unit j).
 * Flat parameter order (getParams/setParams): W[0], b[0], W[1], b[1], ….
 */
import { Rng } from "../random";
import { activation, Activation, ActivationName, step } from "./activations";
import { Value, value } from "./value";

// ------------------------------------------------- lab 02: counting and forward passes

/** Parameters of a dense layer: a weight per input per unit plus a bias per unit (lab 06). */
export function denseLayerParams(inputs: number, units: number): number {
  return (inputs + 1) * units;
}

/**
 * Σ_layers (n_in + 1)·n_out for layer sizes [inputs, …, outputs]: every unit
 * has one weight per input plus a bias (lab 02).
 * @answer 02-xor-mlp/count-params
 */
export function mlpParamCount(sizes: readonly number[]): number {
  if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s <= 0)) {
    throw new Error(`mlpParamCount: sizes must list at least 2 positive integers (inputs, …, outputs), got [${sizes}].`);
  }
  let total = 0;
  for (let l = 0; l + 1 < sizes.length; l++) total += denseLayerParams(sizes[l], sizes[l + 1]);
  return total;
}

/** One layer of a plain-array network. */
export interface LayerWeights {
  /** W[j][i]: weight from input i into unit j. */
  W: number[][];
  b: number[];
}
export type MlpForward = (x: number[], layers: LayerWeights[], g: (z: number) => number) => number[];

/**
 * Forward pass a ← g(W a + b), layer after layer, with the same g for every
 * layer (lab 02).
 * @answer 02-xor-mlp/mlp-forward
 */
export function referenceMlpForward(x: number[], layers: LayerWeights[], g: (z: number) => number): number[] {
  let a = x;
  for (const { W, b } of layers) a = W.map((row, j) => g(row.reduce((s, w, i) => s + w * a[i], b[j])));
  return a;
}

/** A 2-2-1 network of step units, given by its weights. */
export interface StepNetwork { W1: number[][]; b1: number[]; W2: number[]; b2: number }

/** The output of a 2-2-1 step network at (x1, x2). */
export function stepNetworkOutput(net: StepNetwork, x1: number, x2: number): number {
  const h = net.W1.map((row, j) => step(row[0] * x1 + row[1] * x2 + net.b1[j]));
  return step(net.W2[0] * h[0] + net.W2[1] * h[1] + net.b2);
}

// ------------------------------------------------- lab 03: the by-hand network

export interface Trace {
  /** ins[l]: pre-activations of layer l (l = 0 is the first hidden layer). */
  ins: Float64Array[];
  /** acts[0] = x, acts[l + 1] = g(ins[l]). */
  acts: Float64Array[];
}

export interface Gradients {
  /** deltas[l]: Δ of every unit of layer l. */
  deltas: Float64Array[];
  gradW: Float64Array[];
  gradB: Float64Array[];
}

export class HandMlp {
  readonly sizes: number[];
  readonly activations: Activation[];
  W: Float64Array[];
  b: Float64Array[];

  /**
   * sizes = [inputs, hidden…, outputs]; one activation per layer after the
   * input. Weights start N(0, 1/fan_in), biases 0, drawn from `new Rng(seed)`.
   */
  constructor(sizes: number[], activations: ActivationName[], seed = 0) {
    if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s <= 0)) {
      throw new Error(`HandMlp: sizes must list at least 2 positive integers (inputs, …, outputs), got [${sizes}].`);
    }
    if (activations.length !== sizes.length - 1) {
      throw new Error(`HandMlp: ${sizes.length - 1} layers need ${sizes.length - 1} activations, got ${activations.length}.`);
    }
    this.sizes = sizes.slice();
    this.activations = activations.map(activation);
    const rng = new Rng(seed);
    this.W = [];
    this.b = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const [nIn, nOut] = [sizes[l], sizes[l + 1]];
      const w = new Float64Array(nIn * nOut);
      for (let k = 0; k < w.length; k++) w[k] = rng.normal(0, 1 / Math.sqrt(nIn));
      this.W.push(w);
      this.b.push(new Float64Array(nOut));
    }
  }

  /** A network with given weights: W[l][j][i] is the weight from unit i into unit j. */
  static fromWeights(sizes: number[], activations: ActivationName[], W: number[][][], b: number[][]): HandMlp {
    const net = new HandMlp(sizes, activations);
    for (let l = 0; l < net.W.length; l++) {
      const [nIn, nOut] = [sizes[l], sizes[l + 1]];
      if (W[l]?.length !== nOut || W[l].some((row) => row.length !== nIn) || b[l]?.length !== nOut) {
        throw new Error(`HandMlp.fromWeights: layer ${l} needs W as ${nOut}×${nIn} rows and b of length ${nOut}.`);
      }
      net.W[l] = Float64Array.from(W[l].flat());
      net.b[l] = Float64Array.from(b[l]);
    }
    return net;
  }

  get numLayers(): number { return this.W.length; }

  get numParams(): number {
    return this.W.reduce((s, w, l) => s + w.length + this.b[l].length, 0);
  }

  private checkInput(x: ArrayLike<number>): void {
    if (x.length !== this.sizes[0]) throw new Error(`HandMlp: the input has ${x.length} features but the network expects ${this.sizes[0]}.`);
    for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) throw new Error(`HandMlp: input feature ${i} is ${x[i]}.`);
  }

  /** Forward pass of one example, keeping every in_j and a_j for the backward pass. */
  forward(x: ArrayLike<number>): Trace {
    this.checkInput(x);
    const acts = [Float64Array.from(x)];
    const ins: Float64Array[] = [];
    for (let l = 0; l < this.W.length; l++) {
      const [nIn, nOut] = [this.sizes[l], this.sizes[l + 1]];
      const a = acts[l], w = this.W[l], g = this.activations[l].f;
      const z = new Float64Array(nOut), out = new Float64Array(nOut);
      for (let j = 0; j < nOut; j++) {
        let s = this.b[l][j];
        for (let i = 0; i < nIn; i++) s += w[j * nIn + i] * a[i];
        z[j] = s;
        out[j] = g(s);
      }
      ins.push(z);
      acts.push(out);
    }
    return { ins, acts };
  }

  predict(x: ArrayLike<number>): Float64Array {
    const t = this.forward(x);
    return t.acts[t.acts.length - 1];
  }

  /** E = ½ Σ_i (y_i − a_i)² for one example. */
  exampleLoss(trace: Trace, y: ArrayLike<number>): number {
    const out = trace.acts[trace.acts.length - 1];
    if (y.length !== out.length) throw new Error(`HandMlp: the target has ${y.length} entries but the network has ${out.length} outputs.`);
    let e = 0;
    for (let i = 0; i < out.length; i++) e += 0.5 * (y[i] - out[i]) ** 2;
    return e;
  }

  /** The sensitivity rules, layer by layer from the output back: Δ and ∂E/∂w, ∂E/∂b for one example. */
  backward(trace: Trace, y: ArrayLike<number>): Gradients {
    const L = this.W.length;
    const out = trace.acts[L];
    if (y.length !== out.length) throw new Error(`HandMlp: the target has ${y.length} entries but the network has ${out.length} outputs.`);
    const deltas: Float64Array[] = new Array(L);
    // Output layer: Δ_i = Err_i · g'(in_i).
    deltas[L - 1] = Float64Array.from(out, (a, i) => (y[i] - a) * this.activations[L - 1].df(trace.ins[L - 1][i]));
    // Hidden layers: Δ_j = g'(in_j) · Σ_i w_ji Δ_i, with w_ji stored as W[l+1][i·nJ + j].
    for (let l = L - 2; l >= 0; l--) {
      const nJ = this.sizes[l + 1], nI = this.sizes[l + 2];
      const d = new Float64Array(nJ), next = deltas[l + 1], w = this.W[l + 1];
      for (let j = 0; j < nJ; j++) {
        let s = 0;
        for (let i = 0; i < nI; i++) s += w[i * nJ + j] * next[i];
        d[j] = this.activations[l].df(trace.ins[l][j]) * s;
      }
      deltas[l] = d;
    }
    // ∂E/∂w_ji = −a_j Δ_i, ∂E/∂b_i = −Δ_i.
    const gradW = this.W.map((w, l) => {
      const nIn = this.sizes[l], g = new Float64Array(w.length), a = trace.acts[l];
      for (let i = 0; i < this.sizes[l + 1]; i++) for (let j = 0; j < nIn; j++) g[i * nIn + j] = -a[j] * deltas[l][i];
      return g;
    });
    const gradB = deltas.map((d) => d.map((v) => -v));
    return { deltas, gradW, gradB };
  }

  /** Mean loss over a batch (X: n×inputs, Y: n×outputs, row-major) and its flat gradient. */
  lossAndGradient(X: ArrayLike<number>, Y: ArrayLike<number>): { loss: number; grad: Float64Array } {
    const n = this.batchSize(X, Y);
    const [d, k] = [this.sizes[0], this.sizes[this.sizes.length - 1]];
    const grad = new Float64Array(this.numParams);
    let loss = 0;
    for (let r = 0; r < n; r++) {
      const x = sliceRow(X, r, d), y = sliceRow(Y, r, k);
      const t = this.forward(x);
      loss += this.exampleLoss(t, y);
      const g = this.backward(t, y);
      let o = 0;
      for (let l = 0; l < this.W.length; l++) {
        for (const v of g.gradW[l]) grad[o++] += v / n;
        for (const v of g.gradB[l]) grad[o++] += v / n;
      }
    }
    return { loss: loss / n, grad };
  }

  /** Mean loss over a batch (a forward pass only). */
  loss(X: ArrayLike<number>, Y: ArrayLike<number>): number {
    const n = this.batchSize(X, Y);
    const [d, k] = [this.sizes[0], this.sizes[this.sizes.length - 1]];
    let e = 0;
    for (let r = 0; r < n; r++) e += this.exampleLoss(this.forward(sliceRow(X, r, d)), sliceRow(Y, r, k));
    return e / n;
  }

  /** One step of gradient descent on the mean loss, w ← w − α ∂E/∂w (= w + α·a·Δ). Returns the loss before the step. */
  sgdStep(X: ArrayLike<number>, Y: ArrayLike<number>, lr: number): number {
    const { loss, grad } = this.lossAndGradient(X, Y);
    const p = this.getParams();
    for (let k = 0; k < p.length; k++) p[k] -= lr * grad[k];
    this.setParams(p);
    return loss;
  }

  getParams(): Float64Array {
    const p = new Float64Array(this.numParams);
    let o = 0;
    for (let l = 0; l < this.W.length; l++) {
      p.set(this.W[l], o); o += this.W[l].length;
      p.set(this.b[l], o); o += this.b[l].length;
    }
    return p;
  }

  setParams(p: ArrayLike<number>): void {
    if (p.length !== this.numParams) throw new Error(`HandMlp.setParams: expected ${this.numParams} numbers, got ${p.length}.`);
    let o = 0;
    for (let l = 0; l < this.W.length; l++) {
      for (let k = 0; k < this.W[l].length; k++) this.W[l][k] = p[o++];
      for (let k = 0; k < this.b[l].length; k++) this.b[l][k] = p[o++];
    }
  }

  /** Human-readable names of the flat parameters: "W1[j,i]" (into unit j from i) and "b1[j]", layers counted from 1. */
  paramNames(): string[] {
    const names: string[] = [];
    for (let l = 0; l < this.W.length; l++) {
      for (let j = 0; j < this.sizes[l + 1]; j++) for (let i = 0; i < this.sizes[l]; i++) names.push(`W${l + 1}[${j},${i}]`);
      for (let j = 0; j < this.sizes[l + 1]; j++) names.push(`b${l + 1}[${j}]`);
    }
    return names;
  }

  /**
   * The same mean loss built from autograd Values, with one leaf per parameter
   * in the flat order: `loss.backward()` then gives params[k].grad = ∂E/∂θ_k.
   */
  lossAsValue(X: ArrayLike<number>, Y: ArrayLike<number>): { loss: Value; params: Value[] } {
    const n = this.batchSize(X, Y);
    const names = this.paramNames();
    const params = Array.from(this.getParams(), (v, k) => value(v, names[k]));
    const Wv: Value[][] = [], bv: Value[][] = [];
    let o = 0;
    for (let l = 0; l < this.W.length; l++) {
      Wv.push(params.slice(o, (o += this.W[l].length)));
      bv.push(params.slice(o, (o += this.b[l].length)));
    }
    const [d, k] = [this.sizes[0], this.sizes[this.sizes.length - 1]];
    let total: Value | undefined;
    for (let r = 0; r < n; r++) {
      let a: (Value | number)[] = Array.from(sliceRow(X, r, d));
      for (let l = 0; l < this.W.length; l++) {
        const nIn = this.sizes[l];
        a = bv[l].map((bj, j) => {
          let s: Value = bj;
          for (let i = 0; i < nIn; i++) s = s.add(Wv[l][j * nIn + i].mul(a[i]));
          return applyActivation(s, this.activations[l].name);
        });
      }
      const y = sliceRow(Y, r, k);
      for (let i = 0; i < k; i++) {
        const term = (a[i] as Value).sub(y[i]).pow(2).mul(0.5);
        total = total ? total.add(term) : term;
      }
    }
    return { loss: (total as Value).mul(1 / n), params };
  }

  private batchSize(X: ArrayLike<number>, Y: ArrayLike<number>): number {
    const [d, k] = [this.sizes[0], this.sizes[this.sizes.length - 1]];
    if (X.length % d !== 0) throw new Error(`HandMlp: X has ${X.length} numbers, not a multiple of the ${d} inputs.`);
    const n = X.length / d;
    if (n === 0) throw new Error("HandMlp: the batch is empty.");
    if (Y.length !== n * k) throw new Error(`HandMlp: Y has ${Y.length} numbers but ${n} examples × ${k} outputs = ${n * k} were expected.`);
    return n;
  }
}

function sliceRow(A: ArrayLike<number>, r: number, width: number): Float64Array {
  const out = new Float64Array(width);
  for (let c = 0; c < width; c++) out[c] = A[r * width + c];
  return out;
}

/** g(s) on a Value, for the activations the autograd knows. */
export function applyActivation(s: Value, name: ActivationName): Value {
  switch (name) {
    case "sigmoid": return s.sigmoid();
    case "tanh": return s.tanh();
    case "relu": return s.relu();
    case "leakyRelu": return s.leakyRelu();
    case "identity": return s;
    case "step": throw new Error("applyActivation: the step function has no useful gradient; use sigmoid, tanh or relu for a network trained by backpropagation.");
  }
}
