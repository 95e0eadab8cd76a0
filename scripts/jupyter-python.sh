#!/usr/bin/env bash
# Prints the Python that has Jupyter's executor and kernel client (nbclient,
# jupyter_client, nbformat), or exits 1. Debian's Jupyter lives in
# /usr/bin/python3, which need not be the first python3 on PATH.
venv_py="${XDG_DATA_HOME:-$HOME/.local/share}/nn-labs/jupyter-venv/bin/python"  # setup.sh's pip fallback
for py in ${JUPYTER_PYTHON:-} /usr/bin/python3 python3 /usr/local/bin/python3 python "$venv_py"; do
  if command -v "$py" >/dev/null 2>&1 && "$py" -c "import nbclient, jupyter_client, nbformat" >/dev/null 2>&1; then
    command -v "$py"
    exit 0
  fi
done
exit 1
