/**
 * A scalar reverse-mode autograd engine in float64 (introduced in lab 03,
 * backpropagation by hand), in the spirit of Karpathy's micrograd.
 *
 * Every `Value` remembers the values it was computed from and a closure that
 * pushes its gradient back to them by the chain rule:
 *   ∂e/∂u_i = Σ_{j ∈ outputs(i)} ∂e/∂u_j · ∂u_j/∂u_i.
 * `backward()` visits the graph in reverse topological order, so every node's
 * gradient is complete before it is passed on.
 *
 * Errors are loud on purpose: an op that produces NaN or ±Infinity throws and
 * names the op and its inputs, and running `backward()` twice through a graph
 * without `zeroGrad()` throws instead of silently doubling the gradients.
 */
import { sigmoid } from "./activations";

export type Scalar = Value | number;

let nextId = 0;

export class Value {
  /** The number this node holds. */
  data: number;
  /** ∂(root)/∂(this node), filled in by `backward()` on the root. */
  grad = 0;
  /** Name shown in graph pictures (`graphSvg`), optional. */
  label: string;
  /** The operation that produced this node ("" for a leaf). */
  readonly op: string;
  /** The nodes this one was computed from. */
  readonly children: readonly Value[];
  /** Unique, increasing id: gives pictures and error messages a stable order. */
  readonly id = nextId++;
  private backwardStep: () => void = () => {};

  constructor(data: number, children: readonly Value[] = [], op = "", label = "") {
    if (typeof data !== "number" || !Number.isFinite(data)) {
      const from = op ? `the result of ${op}(${children.map((c) => c.data).join(", ")})` : "a leaf";
      throw new Error(`Value: ${from} is ${data}, not a finite number. ` +
        (op ? "Check the op's domain (log of a value ≤ 0, pow of a negative base, exp overflow) or lower the learning rate."
            : "Pass a finite number; NaN usually means an earlier computation already went wrong."));
    }
    this.data = data;
    this.children = children;
    this.op = op;
    this.label = label;
  }

  private static lift(x: Scalar): Value {
    if (x instanceof Value) return x;
    return new Value(x);
  }

  private make(data: number, children: Value[], op: string, step: (out: Value) => void): Value {
    const out = new Value(data, children, op);
    out.backwardStep = () => step(out);
    return out;
  }

  add(other: Scalar): Value {
    const o = Value.lift(other);
    return this.make(this.data + o.data, [this, o], "+", (out) => {
      this.grad += out.grad;
      o.grad += out.grad;
    });
  }

  mul(other: Scalar): Value {
    const o = Value.lift(other);
    return this.make(this.data * o.data, [this, o], "*", (out) => {
      this.grad += o.data * out.grad;
      o.grad += this.data * out.grad;
    });
  }

  /** this^k for a constant exponent k (d/dx x^k = k·x^(k−1)). */
  pow(k: number): Value {
    if (typeof k !== "number" || !Number.isFinite(k)) throw new Error(`Value.pow: the exponent must be a finite number, got ${k}. For a Value exponent use exp(k·log(x)).`);
    return this.make(this.data ** k, [this], `^${k}`, (out) => {
      this.grad += k * this.data ** (k - 1) * out.grad;
    });
  }

  neg(): Value { return this.mul(-1); }
  sub(other: Scalar): Value { return this.add(Value.lift(other).neg()); }

  div(other: Scalar): Value {
    const o = Value.lift(other);
    if (o.data === 0) throw new Error(`Value.div: division by zero (${this.data} / 0).`);
    return this.mul(o.pow(-1));
  }

  exp(): Value {
    const e = Math.exp(this.data);
    return this.make(e, [this], "exp", (out) => { this.grad += e * out.grad; });
  }

  log(): Value {
    if (this.data <= 0) throw new Error(`Value.log: log is only defined for positive numbers, got log(${this.data}).`);
    return this.make(Math.log(this.data), [this], "log", (out) => { this.grad += out.grad / this.data; });
  }

  sin(): Value {
    return this.make(Math.sin(this.data), [this], "sin", (out) => { this.grad += Math.cos(this.data) * out.grad; });
  }

  cos(): Value {
    return this.make(Math.cos(this.data), [this], "cos", (out) => { this.grad -= Math.sin(this.data) * out.grad; });
  }

  tanh(): Value {
    const t = Math.tanh(this.data);
    return this.make(t, [this], "tanh", (out) => { this.grad += (1 - t * t) * out.grad; });
  }

  sigmoid(): Value {
    const s = sigmoid(this.data);
    return this.make(s, [this], "σ", (out) => { this.grad += s * (1 - s) * out.grad; });
  }

  /** max(0, x); its derivative at exactly 0 is taken as 0. */
  relu(): Value {
    const x = this.data;
    return this.make(x > 0 ? x : 0, [this], "relu", (out) => { this.grad += (x > 0 ? 1 : 0) * out.grad; });
  }

  leakyRelu(alpha = 0.01): Value {
    const x = this.data;
    return this.make(x > 0 ? x : alpha * x, [this], "lrelu", (out) => { this.grad += (x > 0 ? 1 : alpha) * out.grad; });
  }

  /** Every node this one depends on (itself included), children before parents. Throws on a cycle. */
  topologicalOrder(): Value[] {
    const order: Value[] = [];
    const state = new Map<Value, 1 | 2>(); // 1: on the current path, 2: finished
    // Iterative depth-first search: deep graphs (long sums) would overflow the call stack.
    const stack: [Value, number][] = [[this, 0]];
    state.set(this, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [node, i] = top;
      if (i < node.children.length) {
        top[1]++;
        const child = node.children[i];
        const s = state.get(child);
        if (s === 1) {
          throw new Error(`Value.backward: the graph has a cycle through node #${child.id} (${child.op || "leaf"} ${child.label}). ` +
            "A computation graph must be acyclic: build each value from earlier ones, never make a node its own input.");
        }
        if (s === undefined) { state.set(child, 1); stack.push([child, 0]); }
      } else {
        stack.pop();
        state.set(node, 2);
        order.push(node);
      }
    }
    return order;
  }

  /**
   * Fills in `grad` of every node in the graph with ∂(this)/∂(node).
   * Gradients accumulate (+=) inside one pass because a node used twice gets
   * a contribution from each use. Across passes they must not by accident: if
   * a leaf already holds a gradient, this throws unless `accumulate` is set
   * (then leaves add this pass's gradient to what they hold). Call
   * `zeroGrad()` (or `zeroGrads(params)`) between training steps.
   */
  backward(options: { accumulate?: boolean } = {}): void {
    const order = this.topologicalOrder();
    if (!options.accumulate) {
      const stale = order.find((v) => v.op === "" && v.grad !== 0);
      if (stale) {
        throw new Error(`Value.backward: node #${stale.id} (leaf ${stale.label}) already has grad ${stale.grad} from an earlier backward pass. ` +
          "Call zeroGrad() on the root (or zeroGrads(params)) before the next backward(), or pass {accumulate: true} if you mean to add gradients up.");
      }
    }
    // Inner nodes are recomputed from this root; only leaves (parameters, inputs) may accumulate.
    for (const v of order) if (v.op !== "") v.grad = 0;
    this.grad += 1;
    for (let k = order.length - 1; k >= 0; k--) {
      const node = order[k];
      // Every use of `node` lies later in the order, so its gradient is complete here.
      if (!Number.isFinite(node.grad)) {
        throw new Error(`Value.backward: the gradient of node #${node.id} (${node.op || "leaf"} ${node.label}) became ${node.grad}; ` +
          "some value in the graph is too large (exploding gradient) — rescale the inputs or lower the learning rate.");
      }
      node.backwardStep();
    }
  }

  /** Sets `grad = 0` on every node of this graph. */
  zeroGrad(): void {
    for (const v of this.topologicalOrder()) v.grad = 0;
  }

  toString(): string {
    return `Value(${this.label ? this.label + "=" : ""}${this.data}, grad=${this.grad})`;
  }
}

/** A leaf Value, optionally named (`value(2, "x")`). */
export function value(data: number, label = ""): Value {
  return new Value(data, [], "", label);
}

export function zeroGrads(params: Iterable<Value>): void {
  for (const p of params) p.grad = 0;
}

// ---------------------------------------------------------------------------
// Vector form: plain arrays of Values, with the shape checks a matrix library
// would do. Enough to write a neuron or a dense layer the way the math reads.

function checkLength(what: string, a: readonly unknown[], b: readonly unknown[]): void {
  if (a.length !== b.length) throw new Error(`${what}: shape mismatch, ${a.length} entries vs ${b.length}. Both vectors must have the same length.`);
}

/** Σ_i v_i, as one chain of additions (starting from the first term, so no extra 0 node). */
export function sum(v: readonly Scalar[]): Value {
  if (v.length === 0) return value(0);
  let acc = v[0] instanceof Value ? v[0] : value(v[0]);
  for (let i = 1; i < v.length; i++) acc = acc.add(v[i]);
  return acc;
}

/** Σ_i a_i·b_i. */
export function dot(a: readonly Scalar[], b: readonly Scalar[]): Value {
  checkLength("dot", a, b);
  return sum(a.map((ai, i) => (ai instanceof Value ? ai : value(ai)).mul(b[i])));
}

/** W·x for W given as rows (W[j] holds the weights into unit j). */
export function matVec(W: readonly (readonly Scalar[])[], x: readonly Scalar[]): Value[] {
  return W.map((row, j) => {
    if (row.length !== x.length) throw new Error(`matVec: shape mismatch, row ${j} of W has ${row.length} entries but x has ${x.length}. W must be (units × inputs).`);
    return dot(row, x);
  });
}

/** Element-wise a + b. */
export function addVec(a: readonly Scalar[], b: readonly Scalar[]): Value[] {
  checkLength("addVec", a, b);
  return a.map((ai, i) => (ai instanceof Value ? ai : value(ai)).add(b[i]));
}

/** Wraps numbers as leaves (e.g. an input vector). */
export function values(xs: ArrayLike<number>, labelPrefix = ""): Value[] {
  return Array.from(xs, (x, i) => value(x, labelPrefix ? `${labelPrefix}${i + 1}` : ""));
}
