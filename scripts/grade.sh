#!/usr/bin/env bash
# npm run grade -- <submission.ipynb>... [--json]: see scripts/grade.py.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! py="$("$here/jupyter-python.sh")"; then
  echo "grade: no Python with nbclient and jupyter_client found. Run the set-up script (bash scripts/setup.sh), or install Jupyter: apt-get install jupyter-nbconvert python3-nbclient jupyter-client (Debian) or pip install --user nbclient nbconvert jupyter_client." >&2
  exit 2
fi
if [ ! -f "$here/../dist/backend.js" ]; then
  echo "grade: the helper library is not built (dist/ is missing). Run: npm run build" >&2
  exit 2
fi
exec "$py" "$here/grade.py" "$@"
