/**
 * Exercise checks of lab 02 (XOR and the MLP). Each check calls the student's
 * function on inputs drawn here and compares with the reference in
 * src/scratch/mlp.ts.
 */
import { callStudent, expect, expectAllClose, expectClose, passed, fmt } from "../check";
import { Rng } from "../random";
import { mlpParamCount, referenceMlpForward, stepNetworkOutput, type LayerWeights, type MlpForward, type StepNetwork } from "../scratch/mlp";

export type { LayerWeights, MlpForward, StepNetwork };

/** Exercise "count-params": the student's count must equal the formula on the lecture's and on random architectures. */
export function checkCountParams(countParams: (sizes: number[]) => number): void {
  const ex = "count-params";
  const rng = new Rng(201);
  const cases: number[][] = [[5, 3, 7, 5, 1], [784, 64, 64, 64, 10], [2, 1], [2, 2, 1]];
  for (let t = 0; t < 10; t++) cases.push(Array.from({ length: 2 + rng.int(4) }, () => 1 + rng.int(50)));
  for (const sizes of cases) {
    const got = callStudent(ex, countParams, sizes.slice());
    const want = mlpParamCount(sizes);
    expect(ex, got === want, `a network with layer sizes [${sizes.join(", ")}] has ${want} parameters, your function returned ${fmt(got)}.` +
      (got === want - sizes.slice(1).reduce((a, b) => a + b, 0) ? " (You left out the biases: one per unit.)" : ""));
  }
  passed(ex, `${cases.length} architectures`);
}

/** Exercise "mlp-forward": the student's forward pass on random networks of random shapes. */
export function checkMlpForward(forward: MlpForward): void {
  const ex = "mlp-forward";
  const rng = new Rng(202);
  const acts: [string, (z: number) => number][] = [["tanh", Math.tanh], ["sigmoid", (z) => 1 / (1 + Math.exp(-z))], ["relu", (z) => Math.max(0, z)]];
  for (let t = 0; t < 9; t++) {
    const sizes = Array.from({ length: 2 + rng.int(3) }, () => 1 + rng.int(5));
    const layers: LayerWeights[] = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      layers.push({
        W: Array.from({ length: sizes[l + 1] }, () => Array.from({ length: sizes[l] }, () => rng.normal())),
        b: Array.from({ length: sizes[l + 1] }, () => rng.normal(0, 0.5)),
      });
    }
    const x = Array.from({ length: sizes[0] }, () => rng.normal());
    const [name, g] = acts[t % acts.length];
    const copy = layers.map((L) => ({ W: L.W.map((r) => r.slice()), b: L.b.slice() }));
    const got = callStudent(ex, forward, x.slice(), copy, g);
    expectAllClose(ex, `output of the [${sizes.join("-")}] ${name} network`, got, referenceMlpForward(x, layers, g), { atol: 1e-12, rtol: 1e-9 });
  }
  passed(ex, "9 random networks");
}

/**
 * Exercise "xnor-weights": weights for a 2-2-1 step network computing XNOR
 * (1 when both inputs are equal). Checked on the four corners and on points
 * jittered by up to ±0.2 around them, so the boundaries must leave a margin.
 */
export function checkXnorWeights(makeWeights: () => StepNetwork): void {
  const ex = "xnor-weights";
  const net = callStudent(ex, makeWeights);
  const shapeOk = net && Array.isArray(net.W1) && net.W1.length === 2 && net.W1.every((r) => Array.isArray(r) && r.length === 2) &&
    Array.isArray(net.b1) && net.b1.length === 2 && Array.isArray(net.W2) && net.W2.length === 2 && typeof net.b2 === "number";
  expect(ex, !!shapeOk, `return {W1: 2×2, b1: [2], W2: [2], b2: number}, got ${JSON.stringify(net)}.`);
  const rng = new Rng(203);
  for (const [a, b] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
    for (let t = 0; t < 25; t++) {
      const [x1, x2] = t === 0 ? [a, b] : [a + rng.uniform(-0.2, 0.2), b + rng.uniform(-0.2, 0.2)];
      const want = a === b ? 1 : 0;
      expectClose(ex, `the network's output at (${x1.toFixed(3)}, ${x2.toFixed(3)}) (near the corner ${a}${b})`, stepNetworkOutput(net, x1, x2), want, { atol: 0, rtol: 0 });
    }
  }
  passed(ex, "all four corners, with ±0.2 jitter");
}
