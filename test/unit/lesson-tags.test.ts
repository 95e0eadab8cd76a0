/**
 * Lesson tags cannot drift: a helper whose doc comment says "(lab 05)" is
 * imported by lab 05's notebook, and a module whose header says "(lab 06)"
 * has at least one import in lab 06. Tags are the parenthesised notes that
 * start with "lab"/"labs": "(lab 01)", "(lab 02, lab 06)", "(labs 04 and 07)",
 * "(labs 01–05)" (a range names every lab in it), "(lab 07's seed study)".
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const REPO = path.resolve(__dirname, "../..");
const SRC = path.join(REPO, "src");
const NOTEBOOKS = path.join(REPO, "notebooks");

const labFiles = new Map<string, string>(); // "03b" → path
for (const f of fs.readdirSync(NOTEBOOKS)) {
  const m = /^(\d\d[a-z]?)-.*\.ipynb$/.exec(f);
  if (m) labFiles.set(m[1], path.join(NOTEBOOKS, f));
}
const labOrder = [...labFiles.keys()].sort();

/** What a lab imports from the library: module path (e.g. "plot/charts") → names. */
function importsOf(lab: string): Map<string, Set<string>> {
  const nb = JSON.parse(fs.readFileSync(labFiles.get(lab)!, "utf8"));
  const code: string = nb.cells.filter((c: any) => c.cell_type === "code").map((c: any) => (Array.isArray(c.source) ? c.source.join("") : c.source)).join("\n");
  const out = new Map<string, Set<string>>();
  for (const m of code.matchAll(/import\s+(?:type\s+)?(\{[^}]*\}|\*\s+as\s+\w+|\w+)\s+from\s+["']\.\.\/dist\/([^"']+)["']/g)) {
    const names = m[1].startsWith("{") ? m[1].slice(1, -1).split(",").map((s) => s.trim().split(/\s+as\s+/)[0].replace(/^type\s+/, "")).filter(Boolean) : ["*"];
    const mod = m[2].replace(/\.js$/, "");
    const set = out.get(mod) ?? new Set<string>();
    names.forEach((n) => set.add(n));
    out.set(mod, set);
  }
  return out;
}

/** The labs a tag names, or [] when the text is not a tag. */
export function labsOfTag(tag: string): string[] {
  if (!/^labs? \d\d/.test(tag)) return [];
  const labs = new Set<string>();
  // "lab 01: …; lab 02: …" holds two runs; a run is "lab(s) NN" and what a comma, "and", "or" or a dash joins to it.
  for (const run of tag.matchAll(/\blabs? \d\d[a-z]?(?:\s*(?:,|and|or|–|-)\s*(?:labs? )?\d\d[a-z]?)*/g)) {
    for (const m of run[0].matchAll(/(\d\d[a-z]?)(?:\s*[–-]\s*(\d\d[a-z]?))?/g)) {
      if (!m[2]) { labs.add(m[1]); continue; }
      for (const l of labOrder) if (l >= m[1] && l <= m[2] + "~") labs.add(l);
    }
  }
  return [...labs];
}

interface Tag { file: string; line: number; name: string | null; labs: string[]; text: string; answers: string[] }

/** Every lab tag in src: on an exported declaration (name), or in a module's header comment (name null). */
function tags(): Tag[] {
  const out: Tag[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) {
        const text = fs.readFileSync(p, "utf8");
        for (const m of text.matchAll(/\/\*\*([\s\S]*?)\*\/\s*(export\s+(?:async\s+)?(?:function|class|const|interface|type)\s+(\w+))?/g)) {
          const isHeader = m.index === 0;
          const name = isHeader ? null : m[3] ?? null;
          if (!name && !isHeader) continue;
          // An exercise's answer (`@answer 02-xor-mlp/param-count`) is, by design, not imported by the lab it answers.
          const answers = [...m[1].matchAll(/@answer (\d\d[a-z]?)-/g)].map((a) => a[1]);
          for (const t of m[1].replace(/\s*\n\s*\*\s?/g, " ").matchAll(/\((labs? [^)]*)\)/g)) {
            const labs = labsOfTag(t[1]);
            if (labs.length) out.push({ file: path.relative(REPO, p), line: text.slice(0, m.index).split("\n").length, name, labs, text: t[1], answers });
          }
        }
      }
    }
  };
  walk(SRC);
  return out;
}

test("tag parsing: single labs, lists, ranges and possessives", () => {
  assert.deepEqual(labsOfTag("lab 02, lab 06"), ["02", "06"]);
  assert.deepEqual(labsOfTag("labs 04 and 07"), ["04", "07"]);
  assert.deepEqual(labsOfTag("lab 01: the perceptron; lab 02: the MLP"), ["01", "02"]);
  assert.deepEqual(labsOfTag("lab 07, the St. Gallen lecture's 000 recipe"), ["07"]);
  assert.deepEqual(labsOfTag("lab 07's learning-rate experiment"), ["07"]);
  assert.ok(labsOfTag("labs 01–03").includes("02"));
  assert.deepEqual(labsOfTag("installed by initBackend"), []);
});

test("every lab tag in src names a lab that imports the tagged helper (or, for a module header, the module)", () => {
  const all = tags();
  assert.ok(all.length > 10, `expected many lab tags in src, found ${all.length}`);
  const wrong: string[] = [];
  for (const t of all) {
    const mod = t.file.replace(/^src\//, "").replace(/\.ts$/, "");
    for (const lab of t.labs) {
      if (t.answers.includes(lab)) continue;
      if (!labFiles.has(lab)) { wrong.push(`${t.file}:${t.line} "(${t.text})": there is no lab ${lab}`); continue; }
      const imports = importsOf(lab);
      // An import from a folder's barrel ("../dist/plot") counts for every module in that folder.
      const fromModule = [...imports.entries()].filter(([m]) => m === mod || m === mod.replace(/\/index$/, "") || mod.startsWith(m + "/"));
      const ok = t.name ? fromModule.some(([, names]) => names.has(t.name!) || names.has("*")) : fromModule.length > 0;
      if (!ok) wrong.push(`${t.file}:${t.line} ${t.name ?? "(module)"} "(${t.text})": lab ${lab} does not import ${t.name ?? `anything from ../dist/${mod}`}`);
    }
  }
  assert.deepEqual(wrong, [], `lesson tags that do not match the labs:\n${wrong.join("\n")}`);
});
