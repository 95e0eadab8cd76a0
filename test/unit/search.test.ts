/** gridSearch, randomSearch, bestTrial, runSearch (src/search.ts). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { bestTrial, gridSearch, randomSearch, runSearch } from "../../src/search";

test("gridSearch: every combination once, last parameter fastest", () => {
  const g = gridSearch({ lr: [0.1, 0.01], batch: [32, 64, 128] });
  assert.equal(g.length, 6);
  assert.deepEqual(g[0], { lr: 0.1, batch: 32 });
  assert.deepEqual(g[1], { lr: 0.1, batch: 64 });
  assert.deepEqual(g[5], { lr: 0.01, batch: 128 });
  assert.equal(new Set(g.map((c) => JSON.stringify(c))).size, 6);
});

test("gridSearch refuses ranges and empty lists", () => {
  assert.throws(() => gridSearch({ lr: { min: 1e-3, max: 1 } }), /lr is a range; a grid needs a list/);
  assert.throws(() => gridSearch({ lr: [] }), /lr has no values/);
  assert.throws(() => gridSearch({}), /parameter space is empty/);
});

test("randomSearch: seeded, inside its ranges, log scale spreads over decades, integers are integers", () => {
  const space = { lr: { min: 1e-4, max: 1, log: true }, units: { min: 16, max: 256, integer: true }, batch: [32, 64, 128] };
  const a = randomSearch(space, { n: 400, seed: 5 });
  assert.deepEqual(a, randomSearch(space, { n: 400, seed: 5 }));
  assert.notDeepEqual(a, randomSearch(space, { n: 400, seed: 6 }));
  for (const c of a) {
    assert.ok((c.lr as number) >= 1e-4 && (c.lr as number) <= 1);
    assert.ok(Number.isInteger(c.units) && (c.units as number) >= 16 && (c.units as number) <= 256);
    assert.ok([32, 64, 128].includes(c.batch as number));
  }
  // Log-uniform: about a quarter of the draws per decade (4 decades).
  const below = a.filter((c) => (c.lr as number) < 1e-3).length / a.length;
  assert.ok(below > 0.17 && below < 0.33, `fraction below 1e-3: ${below}`);
  assert.throws(() => randomSearch({ lr: { min: 0, max: 1, log: true } }, { n: 1, seed: 1 }), /log scale, so min must be > 0/);
  assert.throws(() => randomSearch({ lr: { min: 2, max: 1 } }, { n: 1, seed: 1 }), /min ≤ max/);
  assert.throws(() => randomSearch({ lr: [1] }, { n: 0, seed: 1 }), /n must be a positive integer/);
});

test("bestTrial: max or min, first on a tie, refuses a missing score", () => {
  const t = [{ config: {}, val: 0.9 }, { config: {}, val: 0.95 }, { config: {}, val: 0.95 }, { config: {}, val: 0.8 }];
  assert.equal(bestTrial(t, "val"), 1);
  assert.equal(bestTrial(t, "val", "min"), 3);
  assert.throws(() => bestTrial(t, "loss"), /trial 0 has no numeric "loss"/);
  assert.throws(() => bestTrial([], "val"), /no trials/);
});

test("runSearch evaluates every configuration in order and picks the best validation score", async () => {
  const configs = gridSearch({ x: [1, 2, 3, 4] });
  const seen: number[] = [];
  const r = await runSearch(configs, async (c) => ({ valAcc: -(((c.x as number) - 3) ** 2), testAcc: c.x as number }), {
    objective: "valAcc",
    onTrial: (t) => seen.push(t.config.x as number),
  });
  assert.deepEqual(seen, [1, 2, 3, 4]);
  assert.equal(r.bestIndex, 2);
  assert.equal(r.best.config.x, 3);
  assert.equal(r.trials.length, 4);
  await assert.rejects(runSearch([], () => ({ v: 1 }), { objective: "v" }), /no configurations/);
});
