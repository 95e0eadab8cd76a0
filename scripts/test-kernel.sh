#!/usr/bin/env bash
# Tests the course kernel (kernel/): unit tests of its modules, then Jupyter's
# kernel conformance suite (jupyter_kernel_test) and nbclient/nbconvert runs against the kernel registered
# as "tslab" (scripts/install-kernel.sh). Needs `npm run build` (dist/page/result.js).
#   usage: scripts/test-kernel.sh [python-with-jupyter_kernel_test]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"

py="${1:-}"
if [ -z "$py" ]; then
  # Debian's python3-jupyter-kernel-test lives in /usr/bin/python3, which may
  # not be the python3 first on PATH (pyenv, venvs).
  for candidate in /usr/bin/python3 python3; do
    if "$candidate" -c "import jupyter_kernel_test" >/dev/null 2>&1; then py="$candidate"; break; fi
  done
fi
if [ -z "$py" ] || ! "$py" -c "import jupyter_kernel_test" >/dev/null 2>&1; then
  echo "test-kernel: no python with jupyter_kernel_test; install python3-jupyter-kernel-test (apt) or pip install jupyter_kernel_test" >&2
  exit 1
fi
if [ ! -f dist/page/result.js ]; then
  echo "test-kernel: dist/page/result.js is missing; run npm run build first" >&2
  exit 1
fi

node --import tsx --test --test-reporter=spec test/kernel/*.test.ts
"$py" -m unittest discover -s test/kernel -p 'test_*.py' -v
