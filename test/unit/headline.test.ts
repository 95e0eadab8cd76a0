import { test } from "node:test";
import assert from "node:assert/strict";
import { headline, headlineLine, parseHeadlines, formatHeadlineValue } from "../../src/headline";

test("headlineLine formats names and values in the fixed format", () => {
  assert.equal(headlineLine("Iris training accuracy", "100.0%"), "Headline: Iris training accuracy = 100.0%");
  assert.equal(headlineLine(" test loss ", 0.123456789), "Headline: test loss = 0.1235");
  assert.equal(headlineLine("epochs", 12), "Headline: epochs = 12");
  assert.equal(formatHeadlineValue(1234567.89), "1235000");
});

test("headline prints its line and returns nothing (no Out[n] when it ends a cell)", (t) => {
  const printed: string[] = [];
  t.mock.method(console, "log", (s: string) => printed.push(s));
  const result = headline("accuracy", "97.5%");
  assert.deepEqual(printed, ["Headline: accuracy = 97.5%"]);
  assert.equal(result, undefined);
});

test("bad names and values are refused with a message saying why", () => {
  assert.throws(() => headline("loss", NaN), /NaN, not a finite number/);
  assert.throws(() => headline("loss", Infinity), /Infinity/);
  assert.throws(() => headline("", 1), /name must be one line/);
  assert.throws(() => headline("a = b", 1), /without "="/);
  assert.throws(() => headline("two\nlines", 1), /name must be one line/);
  assert.throws(() => headline("x", "  "), /non-empty line/);
  assert.throws(() => headline("x", "a\nb"), /non-empty line/);
});

test("parseHeadlines reads back what headline printed, ignoring other lines", () => {
  const text = [
    "Backend: wasm",
    headlineLine("training accuracy", "100.0%"),
    "something else = 3",
    "  Headline: indented lines do not count = 1",
    headlineLine("final loss", 0.0421),
    "Headline: no separator here",
  ].join("\n");
  assert.deepEqual(parseHeadlines(text), [
    { name: "training accuracy", value: "100.0%" },
    { name: "final loss", value: "0.0421" },
  ]);
  assert.deepEqual(parseHeadlines(""), []);
});
