import { test } from "node:test";
import assert from "node:assert/strict";
import { value, Value } from "../../src/scratch/value";
import { graphSvg, layoutGraph } from "../../src/scratch/graph-svg";

test("every node appears once, inputs left of their users, with value and grad", () => {
  const x = value(2, "x"), w = value(-3, "w"), b = value(1, "b");
  const o = x.mul(w).add(b).tanh();
  o.label = "o";
  o.backward();
  const { position } = layoutGraph(o);
  assert.equal(position.size, 6);
  for (const [v, p] of position) for (const c of v.children) assert.ok((position.get(c) as { col: number }).col < p.col);
  const svg = graphSvg(o);
  assert.match(svg, /^<svg /);
  assert.match(svg, /x = 2/);
  const dx = -3 * (1 - Math.tanh(-5) ** 2); // ∂o/∂x = w·(1 − tanh²(xw + b))
  assert.ok(svg.includes(`grad ${dx.toExponential(3)}`), `expected grad ${dx.toExponential(3)} in the picture`);
  assert.match(svg, />tanh</);
  assert.equal((svg.match(/<rect x=/g) ?? []).length, 6);
});

test("too large a graph is refused with a message", () => {
  let y: Value = value(1);
  for (let i = 0; i < 300; i++) y = y.add(1);
  assert.throws(() => graphSvg(y), /more than maxNodes=200/);
});
