/**
 * Headline results (introduced in lab 01): the one or two numbers a lab is
 * about, such as a test accuracy. A lab calls `headline(name, value)`, which
 * prints one line in a fixed format,
 *
 *     Headline: Iris training accuracy = 100.0%
 *
 * and the course site (`npm run site`) reads those lines back from the executed
 * notebook with `parseHeadlines` to list them next to the lab.
 */

export const HEADLINE_PREFIX = "Headline: ";

/** The line every lab's set-up cell prints (`initBackend()`, src/backend.ts) starts with this; the runner and the site read it. */
export const BACKEND_PREFIX = "Backend: ";

export interface Headline {
  name: string;
  value: string;
}

/** The printed form of a value: numbers to 4 significant digits, strings as they are. */
export function formatHeadlineValue(value: number | string): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new Error(`headline: the value is ${value}, not a finite number; a headline result must be a real measurement (did training diverge?).`);
    }
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  }
  if (typeof value !== "string") throw new Error(`headline: expected a number or a string as the value, got ${typeof value}.`);
  if (value.trim() === "" || /[\r\n]/.test(value)) {
    throw new Error(`headline: the value must be one non-empty line of text, got ${JSON.stringify(value)}.`);
  }
  return value.trim();
}

/** The line `headline` prints (without the newline). */
export function headlineLine(name: string, value: number | string): string {
  if (typeof name !== "string" || name.trim() === "" || /[\r\n=]/.test(name)) {
    throw new Error(`headline: the name must be one line of text without "=", got ${JSON.stringify(name)}.`);
  }
  return `${HEADLINE_PREFIX}${name.trim()} = ${formatHeadlineValue(value)}`;
}

/**
 * Prints a lab's headline result, e.g. `headline("test accuracy", `${(100 * acc).toFixed(1)}%`)`.
 * Returns nothing, so that a call ending a cell adds no Out[n] value.
 */
export function headline(name: string, value: number | string): void {
  console.log(headlineLine(name, value));
}

/** Every headline line in a text (a notebook's stdout), in order. */
export function parseHeadlines(text: string): Headline[] {
  const found: Headline[] = [];
  for (const raw of text.split(/\r?\n/)) {
    if (!raw.startsWith(HEADLINE_PREFIX)) continue;
    const rest = raw.slice(HEADLINE_PREFIX.length);
    const eq = rest.indexOf(" = ");
    if (eq <= 0) continue;
    found.push({ name: rest.slice(0, eq).trim(), value: rest.slice(eq + 3).trim() });
  }
  return found;
}
