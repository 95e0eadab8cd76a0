/**
 * The zero-install launch configurations (docs/launch.md) cannot be built here
 * (no docker; Binder is remote), so this test checks everything they rely on:
 * the dev container's JSON and Dockerfile, Binder's postBuild, the scripts
 * they call, and that the docs name only files and npm scripts that exist.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..", "..");
const read = (p: string) => fs.readFileSync(path.join(REPO, p), "utf8");
const isExecutable = (p: string) => (fs.statSync(path.join(REPO, p)).mode & 0o111) !== 0;

/** A shell variable's value as set in scripts/setup.sh: name="a b c". */
function setupList(name: string): string[] {
  const m = new RegExp(`^${name}="([^"]*)"`, "m").exec(read("scripts/setup.sh"));
  assert.ok(m, `scripts/setup.sh no longer sets ${name}="..."; update this test and .devcontainer/Dockerfile`);
  return m[1].split(/\s+/).filter(Boolean);
}

/** The packages of the Dockerfile's `apt-get install` (options dropped). */
function dockerfileAptPackages(): string[] {
  const text = read(".devcontainer/Dockerfile").replace(/\\\n/g, " ");
  const m = /apt-get install ([^&]*)/.exec(text);
  assert.ok(m, ".devcontainer/Dockerfile has no apt-get install");
  return m[1].split(/\s+/).filter((w) => w && !w.startsWith("-"));
}

test("devcontainer.json parses and names files that exist", () => {
  const cfg = JSON.parse(read(".devcontainer/devcontainer.json"));
  const dockerfile = path.join(REPO, ".devcontainer", cfg.build.dockerfile);
  assert.ok(fs.existsSync(dockerfile), `${cfg.build.dockerfile} (build.dockerfile) does not exist`);
  assert.equal(path.resolve(REPO, ".devcontainer", cfg.build.context), REPO, "the build context must be the repository (the Dockerfile and setup need it)");
  assert.equal(cfg.postCreateCommand, "bash scripts/setup.sh");
  assert.ok(fs.existsSync(path.join(REPO, "scripts/setup.sh")));
  const port = Number(/PORT:-(\d+)/.exec(read("scripts/start.sh"))?.[1]);
  assert.ok(cfg.forwardPorts.includes(port), `forwardPorts must include start.sh's default port ${port}`);
});

test("the dev container is Debian with Node >= 18, preinstalling exactly the Debian packages setup.sh installs", () => {
  const from = /^FROM\s+(\S+)/m.exec(read(".devcontainer/Dockerfile"))?.[1] ?? "";
  const m = /^node:(\d+)-(bookworm|bullseye|trixie)$/.exec(from);
  assert.ok(m, `unexpected base image ${from}: want the official node image on Debian`);
  assert.ok(Number(m[1]) >= 18, "setup.sh needs Node.js 18 or newer");
  const wanted = [...setupList("apt_packages"), ...setupList("test_packages")].sort();
  assert.deepEqual(dockerfileAptPackages().sort(), wanted);
});

test("the Debian packages are known to apt on this Debian", (t) => {
  if (spawnSync("apt-cache", ["--version"]).status !== 0) return t.skip("no apt-cache on this machine");
  for (const pkg of dockerfileAptPackages()) {
    const r = spawnSync("apt-cache", ["show", "--no-all-versions", pkg], { encoding: "utf8" });
    assert.equal(r.status, 0, `apt-cache does not know ${pkg}`);
  }
});

test("binder/postBuild is an executable bash script that runs the course's set-up without test tools", () => {
  assert.ok(isExecutable("binder/postBuild"), "binder/postBuild must be executable (repo2docker runs it directly)");
  const text = read("binder/postBuild");
  assert.match(text, /^#!\/usr\/bin\/env bash\n/);
  assert.equal(spawnSync("bash", ["-n", path.join(REPO, "binder/postBuild")]).status, 0, "binder/postBuild has a syntax error");
  const scripts = [...text.matchAll(/(?<![\w/])(scripts\/[\w.-]+)/g)].map((m) => m[1]);
  assert.ok(scripts.includes("scripts/setup.sh"), "postBuild should reuse scripts/setup.sh");
  for (const s of scripts) assert.ok(fs.existsSync(path.join(REPO, s)), `${s} (called by binder/postBuild) does not exist`);
  assert.match(text, /SETUP_NO_TEST_TOOLS=1/);
  assert.match(read("scripts/setup.sh"), /SETUP_NO_TEST_TOOLS/, "setup.sh no longer reads SETUP_NO_TEST_TOOLS");
});

test("Binder uses repo2docker's default environment (no file in binder/ replaces it)", () => {
  const files = fs.readdirSync(path.join(REPO, "binder")).sort();
  // environment.yml, requirements.txt, Dockerfile, ... would each change how the image is built;
  // docs/launch.md describes the default (conda environment with JupyterLab and Node.js 20).
  assert.deepEqual(files, ["postBuild"]);
});

test("the scripts the launch configurations run parse", () => {
  for (const s of ["scripts/setup.sh", "scripts/start.sh", "scripts/install-kernel.sh", "scripts/jupyter-python.sh"]) {
    assert.equal(spawnSync("bash", ["-n", path.join(REPO, s)]).status, 0, `${s} has a syntax error`);
  }
});

test("docs/launch.md, docs/backends.md and docs/classroom.md name only files and npm scripts that exist", () => {
  const pkg = JSON.parse(read("package.json"));
  for (const doc of ["docs/launch.md", "docs/backends.md", "docs/classroom.md"]) {
    const text = read(doc);
    const npmRuns = [...text.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]);
    for (const s of npmRuns) assert.ok(pkg.scripts[s], `${doc} says "npm run ${s}", which package.json does not define`);
    const paths = [...text.matchAll(/`((?:\.devcontainer|binder|scripts|src|test|notebooks|docs)\/[\w./-]+)`/g)].map((m) => m[1]);
    assert.ok(paths.length > 0, `${doc} names no files`);
    for (const p of paths) assert.ok(fs.existsSync(path.join(REPO, p)), `${doc} names ${p}, which does not exist`);
  }
});
