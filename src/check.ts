/**
 * Exercise checks (every lab). A check cell calls one of these; a wrong answer
 * throws a CheckError whose message says what was expected and what came back,
 * and a right one prints a single "passed" line.
 *
 * Checks test the student's *function* on inputs of the check's choosing where
 * they can, so that an answer cannot be typed in from the expected output.
 */
export class CheckError extends Error {
  constructor(exercise: string, detail: string) {
    super(`${exercise}: ${detail}`);
    this.name = "CheckError";
  }
}

/** Prints the one-line success message every check ends with. */
export function passed(exercise: string, detail = ""): void {
  console.log(`✔ ${exercise}: passed${detail ? ` (${detail})` : ""}`);
}

export function fmt(x: unknown): string {
  if (typeof x === "number") return Number.isInteger(x) ? String(x) : x.toPrecision(6);
  if (ArrayBuffer.isView(x) || Array.isArray(x)) {
    const arr = Array.from(x as ArrayLike<unknown>);
    const shown = arr.slice(0, 8).map(fmt).join(", ");
    return `[${shown}${arr.length > 8 ? `, … (${arr.length} items)` : ""}]`;
  }
  return String(x);
}

/** Throws unless `cond`; `message` says what is wrong and, ideally, what to try. */
export function expect(exercise: string, cond: boolean, message: string): void {
  if (!cond) throw new CheckError(exercise, message);
}

/** |actual − expected| ≤ atol + rtol·|expected|, and actual must be a finite number. */
export function expectClose(exercise: string, what: string, actual: unknown, expected: number, tol: { atol?: number; rtol?: number } = {}): void {
  const { atol = 1e-6, rtol = 1e-6 } = tol;
  if (typeof actual !== "number" || Number.isNaN(actual)) {
    throw new CheckError(exercise, `${what} should be a number close to ${fmt(expected)}, got ${fmt(actual)}.`);
  }
  if (!(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected))) {
    throw new CheckError(exercise, `${what} should be ${fmt(expected)}, got ${fmt(actual)}.`);
  }
}

/** Element-wise expectClose over two arrays of the same length. */
export function expectAllClose(exercise: string, what: string, actual: unknown, expected: ArrayLike<number>, tol: { atol?: number; rtol?: number } = {}): void {
  const { atol = 1e-6, rtol = 1e-6 } = tol;
  if (!(Array.isArray(actual) || ArrayBuffer.isView(actual))) {
    throw new CheckError(exercise, `${what} should be an array of ${expected.length} numbers, got ${fmt(actual)}.`);
  }
  const a = actual as ArrayLike<number>;
  if (a.length !== expected.length) {
    throw new CheckError(exercise, `${what} should have ${expected.length} entries, got ${a.length}.`);
  }
  for (let i = 0; i < a.length; i++) {
    const ok = typeof a[i] === "number" && Math.abs(a[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]);
    if (!ok) {
      throw new CheckError(exercise, `${what}[${i}] should be ${fmt(expected[i])}, got ${fmt(a[i])} (expected ${fmt(expected)}, got ${fmt(a)}).`);
    }
  }
}

/** Calls a student's function, turning a throw into a CheckError that names the input. */
export function callStudent<A extends unknown[], R>(exercise: string, fn: (...args: A) => R, ...args: A): R {
  if (typeof fn !== "function") throw new CheckError(exercise, `expected a function, got ${typeof fn}.`);
  try {
    return fn(...args);
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    // Keep "not implemented: …" recognisable for the grader.
    if (/^not implemented/.test(msg)) throw e;
    throw new CheckError(exercise, `your function threw on input ${args.map(fmt).join(", ")}: ${msg}`);
  }
}
