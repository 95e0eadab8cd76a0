#!/usr/bin/env bash
# The one launcher of the Python tools: finds the Python that has Jupyter's
# executor (scripts/jupyter-python.sh) and checks that the library is built.
#   npm run notebooks -- [paths...]   → bash scripts/launch.sh notebooks …  (scripts/run_notebooks.py)
#   npm run grade -- <files>... [--json] → bash scripts/launch.sh grade …  (scripts/grade.py)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tool="${1:-}"
case "$tool" in
  notebooks) script="run_notebooks.py"; name="run-notebooks" ;;
  grade) script="grade.py"; name="grade" ;;
  *) echo "launch.sh: give the tool to run: notebooks or grade (got '${tool}')" >&2; exit 2 ;;
esac
shift
if ! py="$("$here/jupyter-python.sh")"; then
  echo "$name: no Python with nbclient and jupyter_client found. Run the set-up script (bash scripts/setup.sh), or install Jupyter: apt-get install jupyter-nbconvert python3-nbclient jupyter-client (Debian) or pip install --user nbclient nbconvert jupyter_client." >&2
  exit 2
fi
if [ ! -f "$here/../dist/backend.js" ]; then
  echo "$name: the helper library is not built (dist/ is missing). Run: npm run build" >&2
  exit 2
fi
exec "$py" "$here/$script" "$@"
