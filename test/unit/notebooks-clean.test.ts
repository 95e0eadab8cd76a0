// Notebooks are committed clean: no outputs, no execution counts, the tslab
// kernelspec, and every check cell names an exercise and its points.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const repo = path.resolve(__dirname, "..", "..");
const dirs = [path.join(repo, "notebooks"), path.join(repo, "test", "fixtures", "notebooks")];
const notebooks = dirs.flatMap((d) => (fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.endsWith(".ipynb")).map((f) => path.join(d, f)) : []));

test("there are labs to check", () => {
  assert.ok(notebooks.some((p) => p.includes(`${path.sep}notebooks${path.sep}01-`)), "notebooks/01-*.ipynb is missing");
});

for (const file of notebooks) {
  const rel = path.relative(repo, file);
  test(`${rel} is committed clean`, () => {
    const nb = JSON.parse(fs.readFileSync(file, "utf8"));
    assert.equal(nb.metadata?.kernelspec?.name, "tslab", "kernelspec.name must be tslab");
    nb.cells.forEach((cell: { cell_type: string; outputs?: unknown[]; execution_count?: number | null; id?: string }, i: number) => {
      if (cell.cell_type !== "code") return;
      assert.deepEqual(cell.outputs ?? [], [], `cell ${i} has outputs: clear them before committing`);
      assert.equal(cell.execution_count ?? null, null, `cell ${i} has an execution count`);
    });
  });
  if (rel.startsWith("notebooks")) {
    test(`${rel}: every exercise has a check cell right after it`, () => {
      const nb = JSON.parse(fs.readFileSync(file, "utf8"));
      const cells = nb.cells as Array<{ cell_type: string; source: string[] | string; metadata: { course?: { exercise?: string; check?: string; points?: number } } }>;
      const exercises = cells.map((c, i) => [c, i] as const).filter(([c]) => c.metadata.course?.exercise);
      assert.ok(exercises.length >= 1, "a lab needs at least one exercise");
      for (const [cell, i] of exercises) {
        const id = cell.metadata.course!.exercise!;
        const src = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
        assert.match(src, /\/\/ BEGIN SOLUTION[\s\S]*\/\/ END SOLUTION/, `exercise ${id} lacks BEGIN/END SOLUTION markers`);
        const next = cells.slice(i + 1).find((c) => c.cell_type === "code");
        assert.equal(next?.metadata.course?.check, id, `exercise ${id} is not followed by its check cell`);
        assert.ok((next?.metadata.course?.points ?? 0) > 0, `check ${id} has no points`);
      }
    });
  }
}
