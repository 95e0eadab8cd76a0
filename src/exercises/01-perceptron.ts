/** Checks for the exercises of lab 01 (the perceptron). */
import { callStudent, expect, expectAllClose, expectClose, fmt, passed } from "../check";
import { Rng } from "../random";
import { step } from "../scratch/activations";
import { perceptronUpdate, preActivation, rigidSigmoid } from "../scratch/perceptron";

type NeuronFn = (x: number[], w: number[], b: number) => number;

/** Exercise "neuron-output": step(w·x + b), tried on the lecture's example and on random neurons. */
export function checkNeuronOutput(neuronOutput: NeuronFn): void {
  const ex = "neuron-output";
  const cases: Array<[number[], number[], number]> = [[[0.1, -2.3, 1.2, 4.2, 0.7], [1.3, 0.2, -4.5, 1.6, -0.3], -0.7]];
  const rng = new Rng(101);
  for (let k = 0; k < 50; k++) {
    const d = 1 + rng.int(6);
    cases.push([Array.from({ length: d }, () => rng.uniform(-3, 3)), Array.from({ length: d }, () => rng.uniform(-3, 3)), rng.uniform(-2, 2)]);
  }
  cases.push([[1, 1], [1, -1], 0]); // z = 0 exactly: does not fire
  for (const [x, w, b] of cases) {
    const want = step(preActivation(x, w, b));
    const got = callStudent(ex, neuronOutput, x, w, b);
    expect(ex, got === want, `for x=${fmt(x)}, w=${fmt(w)}, b=${fmt(b)} (w·x+b = ${fmt(preActivation(x, w, b))}) the neuron should output ${want}, got ${fmt(got)}. It fires (1) only when w·x + b > 0.`);
  }
  passed(ex, `${cases.length} neurons`);
}

type UpdateFn = (w: number[], b: number, x: number[], y: number, lr: number) => { w: number[] | Float64Array; b: number };

/** Exercise "perceptron-update": one step of the learning rule, on right and wrong predictions. */
export function checkPerceptronUpdate(update: UpdateFn): void {
  const ex = "perceptron-update";
  const rng = new Rng(202);
  let wrong = 0;
  for (let k = 0; k < 60; k++) {
    const d = 2 + rng.int(3);
    const w = Array.from({ length: d }, () => rng.uniform(-1, 1));
    const x = Array.from({ length: d }, () => rng.uniform(-2, 2));
    const b = rng.uniform(-1, 1), y = rng.int(2), lr = [0.1, 0.5, 1][rng.int(3)];
    const want = perceptronUpdate(w, b, x, y, lr);
    if (want.mistake) wrong++;
    const wArg = w.slice(), xArg = x.slice();
    const got = callStudent(ex, update, wArg, b, xArg, y, lr);
    expect(ex, got !== null && typeof got === "object", `return {w, b}; got ${fmt(got)}.`);
    const what = `for w=${fmt(w)}, b=${fmt(b)}, x=${fmt(x)}, y=${y}, lr=${lr} (prediction ${step(preActivation(x, w, b))})`;
    expect(ex, wArg.every((v, i) => v === w[i]),
      `${what} your function changed the array w it was given (now ${fmt(wArg)}). Leave w as it is and return a new array, e.g. w.map(…): the caller may still need the old weights.`);
    expect(ex, xArg.every((v, i) => v === x[i]), `${what} your function changed the input x (now ${fmt(xArg)}); it must only read it.`);
    expectAllClose(ex, `new w ${what}`, Array.from(got.w as ArrayLike<number>), want.w, { atol: 1e-9 });
    expectClose(ex, `new b ${what}`, got.b, want.b, { atol: 1e-9 });
  }
  expect(ex, wrong > 10, "internal: the check should include mistakes");
  passed(ex, "60 updates, right and wrong predictions");
}

/** Exercise "rigid-sigmoid": max(0, min(1, (z+1)/2)). */
export function checkRigidSigmoid(fn: (z: number) => number): void {
  const ex = "rigid-sigmoid";
  const zs = [-5, -1.5, -1, -0.5, 0, 0.25, 0.999, 1, 1.5, 7];
  for (const z of zs) expectClose(ex, `rigidSigmoid(${z})`, callStudent(ex, fn, z), rigidSigmoid(z), { atol: 1e-12 });
  passed(ex, `${zs.length} points, both flat parts and the ramp`);
}

/** Exercise "xor-no-line": the student's (w, b) must misclassify at least one XOR corner — any line does. */
export function checkCountMistakes(countMistakes: (w: number[], b: number) => number): void {
  const ex = "count-mistakes";
  const corners: Array<[number[], number]> = [[[0, 0], 0], [[0, 1], 1], [[1, 0], 1], [[1, 1], 0]];
  const rng = new Rng(303);
  for (let k = 0; k < 40; k++) {
    const w = [rng.uniform(-2, 2), rng.uniform(-2, 2)], b = rng.uniform(-2, 2);
    const want = corners.filter(([x, y]) => step(preActivation(x, w, b)) !== y).length;
    const got = callStudent(ex, countMistakes, w, b);
    expect(ex, got === want, `for w=${fmt(w)}, b=${fmt(b)} the perceptron gets ${want} of the 4 XOR points wrong, your function says ${fmt(got)}.`);
  }
  passed(ex, "40 random lines");
}
