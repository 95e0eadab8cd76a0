// Running exercise checks in unit tests: quietly (a check prints "✔ … passed"),
// and asserting that a wrong answer is rejected with a CheckError.
import assert from "node:assert/strict";
import { CheckError } from "../../src/check";

/** Runs f with console.log silenced. */
export function quiet<T>(f: () => T): T {
  const log = console.log;
  console.log = () => {};
  try {
    return f();
  } finally {
    console.log = log;
  }
}

/** Runs a check quietly; returns the error it threw, if any. */
export function run(check: () => void): Error | undefined {
  try {
    quiet(check);
    return undefined;
  } catch (e) {
    return e as Error;
  }
}

/** Asserts that the check throws a CheckError whose message matches. */
export function rejects(check: () => void, pattern: RegExp): void {
  const err = run(check);
  assert.ok(err instanceof CheckError, `expected a CheckError, got ${err}`);
  assert.match(err.message, pattern);
}
