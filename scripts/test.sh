#!/usr/bin/env bash
# npm test: every check the project has, in order, each step reported; exits
# non-zero if any failed. Steps:
#   typecheck · unit tests of src · the runner on failing fixtures · kernel
#   conformance · every lab in fast mode (LABS_FAST=1) · each script in test/steps/
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
# A clone that was never set up would fail every step with pages of errors: say why, once.
# (The kernelspec list is read whole: grep -q would stop reading early, and pipefail would count that as a failure.)
if [ ! -f node_modules/.nn-labs-setup ] || [ ! -f dist/backend.js ] || ! py="$(scripts/jupyter-python.sh)" \
   || ! grep -qE '^\s+tslab\s' <<<"$("$py" -m jupyter kernelspec list 2>/dev/null)"; then
  echo "npm test: this checkout is not set up (npm packages, dist/, Jupyter or the tslab kernel missing): run bash scripts/setup.sh first." >&2
  exit 1
fi
passed=0; failed=0; failures=()
# A step that hangs (a test process kept alive by an open handle, a stuck server)
# must fail on its own, not use up CI's whole budget: each step gets STEP_TIMEOUT
# seconds (the slowest, the grader, takes about 10 minutes), then its whole
# process group is stopped.
step_timeout="${STEP_TIMEOUT:-1500}"
step() {
  local name="$1"; shift
  printf '\n\033[1m== %s ==\033[0m\n' "$name"
  local t0=$SECONDS rc=0
  timeout --kill-after=30 "$step_timeout" "$@" || rc=$?
  if [ "$rc" -eq 0 ]; then passed=$((passed + 1)); printf '\033[32m== %s: ok (%ss)\033[0m\n' "$name" $((SECONDS - t0))
  else
    failed=$((failed + 1)); failures+=("$name")
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then printf '\033[31m== %s: did not finish within %s s (STEP_TIMEOUT), stopped\033[0m\n' "$name" "$step_timeout"; fi
    printf '\033[31m== %s: FAILED (%ss)\033[0m\n' "$name" $((SECONDS - t0))
  fi
}
step "typecheck" npx tsc -p tsconfig.test.json --noEmit
step "build" npm run --silent build
step "unit tests" node --import tsx --test --test-reporter=spec test/unit/*.test.ts
step "runner on failing fixtures" node --import tsx --test --test-reporter=spec test/integration/runner.test.ts
step "kernel conformance" npm run --silent test:kernel
step "labs in fast mode" env LABS_FAST=1 bash scripts/launch.sh notebooks --jobs "${NOTEBOOK_JOBS:-2}"
# Further suites (grader, browser, ...) each add one executable script here;
# they run after the labs, so build/notebooks/ holds fast-mode executed copies.
for s in test/steps/*.sh; do
  [ -e "$s" ] || continue
  step "$(basename "$s" .sh)" bash "$s"
done
echo
if [ "$failed" -gt 0 ]; then printf 'failed steps: %s\n' "${failures[*]}"; fi
echo "test steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
