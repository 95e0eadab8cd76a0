#!/usr/bin/env bash
# Registers this repository's TypeScript kernel with Jupyter under the name the
# notebooks name in their metadata ("tslab"): kernel/main.js, tslab 1.0.22 with
# Jupyter-protocol errors, Out[n] values and rich display (kernel/README.md).
# Run by scripts/setup.sh after `npm ci`.
#   usage: scripts/install-kernel.sh <python-with-jupyter_client>
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
py="${1:?usage: install-kernel.sh <python that has jupyter_client>}"
node_bin="$(command -v node)"
for f in "$repo/kernel/main.js" "$repo/node_modules/tslab/dist/executor.js"; do
  [ -f "$f" ] || { echo "install-kernel: $f is missing (run npm ci in $repo)" >&2; exit 1; }
done
[ -f "$repo/dist/page/result.js" ] || echo "install-kernel: note: dist/page/result.js not built yet (npm run build); the kernel shows values as plain text until it is" >&2
# The kernel must start: catch a broken install here, not in the first notebook.
"$node_bin" -e 'require(process.argv[1] + "/kernel/source-maps.js"); require(process.argv[1] + "/node_modules/tslab/dist/jupyter.js")' "$repo"
spec="$(mktemp -d)"
trap 'rm -rf "$spec"' EXIT
cat > "$spec/kernel.json" <<JSON
{
  "argv": ["$node_bin", "$repo/kernel/main.js", "--config-path", "{connection_file}"],
  "display_name": "TypeScript",
  "language": "typescript",
  "interrupt_mode": "signal",
  "metadata": {"nn-labs": {"repo": "$repo"}}
}
JSON
"$py" - "$spec" <<'PY'
import sys
from jupyter_client.kernelspec import KernelSpecManager
KernelSpecManager().install_kernel_spec(sys.argv[1], "tslab", user=True)
PY
echo "Registered kernel 'tslab' -> $repo/kernel/main.js (tslab $(node -p 'require(process.argv[1]).version' "$repo/node_modules/tslab/package.json"), python: $py)"
