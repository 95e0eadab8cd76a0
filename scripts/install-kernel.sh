#!/usr/bin/env bash
# Registers this repository's TypeScript kernel with Jupyter under the name the
# notebooks name in their metadata ("tslab"). Run by scripts/setup.sh.
#   usage: scripts/install-kernel.sh <python-with-jupyter_client>
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
py="${1:?usage: install-kernel.sh <python that has jupyter_client>}"
node_bin="$(command -v node)"
spec="$(mktemp -d)"
trap 'rm -rf "$spec"' EXIT
cat > "$spec/kernel.json" <<JSON
{
  "argv": ["$node_bin", "$repo/node_modules/tslab/bin/tslab", "kernel", "--config-path", "{connection_file}"],
  "display_name": "TypeScript",
  "language": "typescript",
  "metadata": {"nn-labs": {"repo": "$repo"}}
}
JSON
"$py" - "$spec" <<'PY'
import sys
from jupyter_client.kernelspec import KernelSpecManager
KernelSpecManager().install_kernel_spec(sys.argv[1], "tslab", user=True, replace=True)
PY
echo "Registered kernel 'tslab' -> $repo/node_modules/tslab (python: $py)"
