#!/usr/bin/env bash
# npm test step: the labs in headless Chromium (test/browser/): lab 01 run
# through the classic Notebook UI, and its exported HTML page opened offline;
# one figure of each plot helper checked for clipped or overlapping text.
# The figure counts to expect come from the fast-mode executed copies that the
# "labs in fast mode" step leaves in build/notebooks/; if they are missing (the
# step run on its own) or not from fast mode, the labs named in BROWSER_LABS
# are executed here first. On both pages every replay (src/plot/replay.ts) is
# scrubbed to its last frame with the mouse (test/browser/replay-check.ts).
# Screenshots: build/screenshots/ (a replay's first and last frame as
# <lab>.<page>.replay-<k>.first.png / .last.png).
set -euo pipefail
cd "$(dirname "$0")/../.."
labs="${BROWSER_LABS:-01-perceptron}"
export BROWSER_LABS="$labs" LABS_FAST=1
fresh=$(node -e '
  const fs = require("fs");
  const labs = process.argv[1].split(/[\s,]+/).filter(Boolean);
  let s; try { s = JSON.parse(fs.readFileSync("build/notebooks/summary.json", "utf8")); } catch { process.exit(0); }
  const ok = s.mode === "fast" && labs.every((l) => fs.existsSync(`build/notebooks/${l}.ipynb`) &&
    s.results.some((r) => r.notebook === `notebooks/${l}.ipynb` && r.status === "ok"));
  console.log(ok ? "yes" : "");' "$labs")
if [ -z "$fresh" ]; then
  echo "browser: executing $labs in fast mode for the expected figures (build/browser/expected/)"
  paths=(); for l in ${labs//,/ }; do paths+=("notebooks/$l.ipynb"); done
  bash scripts/launch.sh notebooks "${paths[@]}" --out build/browser/expected
  export BROWSER_EXPECTED_DIR=build/browser/expected
fi
exec node --import tsx --test --test-reporter=spec --test-concurrency=1 test/browser/notebook-ui.test.ts test/browser/exported-html.test.ts test/browser/figure-layout.test.ts
