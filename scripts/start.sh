#!/usr/bin/env bash
# npm start: opens the labs in Jupyter on 127.0.0.1 (token on). Uses JupyterLab
# if it is installed, else the classic Notebook. PORT=8888 by default.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
py="$("$repo/scripts/jupyter-python.sh")" || { echo "Jupyter is not set up: run bash scripts/setup.sh first." >&2; exit 1; }
[ -f "$repo/dist/backend.js" ] || { echo "The helper library is not built: run bash scripts/setup.sh (or npm run build)." >&2; exit 1; }
port="${PORT:-8888}"
common=(--ip=127.0.0.1 --port="$port" --no-browser)
[ "$(id -u)" = "0" ] && common+=(--allow-root)  # containers and CI run as root
if "$py" -c "import jupyterlab" >/dev/null 2>&1; then
  echo "Starting JupyterLab on http://127.0.0.1:$port (the URL with its token follows)"
  exec "$py" -m jupyterlab "${common[@]}" --ServerApp.root_dir="$repo" --LabApp.default_url=/lab/tree/notebooks "$@"
elif "$py" -c "import notebook" >/dev/null 2>&1; then
  echo "Starting Jupyter Notebook on http://127.0.0.1:$port (the URL with its token follows)"
  exec "$py" -m notebook "${common[@]}" --NotebookApp.notebook_dir="$repo" --NotebookApp.default_url=/tree/notebooks "$@"
else
  echo "Neither JupyterLab nor Notebook is installed for $py: run bash scripts/setup.sh, or install jupyter-notebook (apt) / jupyterlab (pip)." >&2
  exit 1
fi
