#!/usr/bin/env bash
# Sets up the course on this machine; safe to run again (quick the second time).
#   1. installs the npm packages (npm ci) and builds the helper library (dist/)
#   2. makes Jupyter available: uses it if present; else, as root with apt,
#      Debian's packages; else pip --user; else says what to install
#   3. registers the TypeScript kernel "tslab" with that Jupyter
# Extra Debian packages for the test suite (kernel conformance tests, headless
# Chromium, bubblewrap for the grader's sandbox) are installed too where apt is available;
# SETUP_NO_TEST_TOOLS=1 skips them.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

# --- Node.js -----------------------------------------------------------------
command -v node >/dev/null || die "Node.js is not installed. Install Node.js 18 or newer (https://nodejs.org or your package manager), then run this again."
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 18 ] || die "Node.js $(node --version) is too old; install Node.js 18 or newer."

# --- npm packages and the library ----------------------------------------------
lock_hash="$(sha256sum package-lock.json package.json | sha256sum | cut -c1-16)"
stamp="node_modules/.nn-labs-setup"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ]; then
  say "npm packages are up to date"
else
  say "installing npm packages (npm ci); @tensorflow/tfjs-node is optional and may fail to download here — that is fine"
  npm ci --no-audit --no-fund
  echo "$lock_hash" > "$stamp"
fi
say "building the helper library (dist/)"
npm run --silent build

# --- Jupyter -------------------------------------------------------------------
apt_packages="jupyter-nbconvert python3-nbclient jupyter-client jupyter-notebook"
test_packages="python3-jupyter-kernel-test chromium bubblewrap"
is_root() { [ "$(id -u)" = "0" ]; }
apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  }
}
missing_debs() { for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || printf '%s ' "$p"; done; }

if py="$(scripts/jupyter-python.sh)"; then
  say "Jupyter found: $py"
elif is_root && command -v apt-get >/dev/null; then
  say "installing Jupyter from Debian's packages: $apt_packages"
  apt_install $apt_packages || die "apt-get could not install $apt_packages."
  py="$(scripts/jupyter-python.sh)" || die "Debian's Jupyter was installed but no Python can import nbclient and jupyter_client."
elif command -v python3 >/dev/null && python3 -m pip --version >/dev/null 2>&1; then
  say "installing JupyterLab with pip --user"
  if ! python3 -m pip install --user --quiet jupyterlab nbclient nbconvert jupyter_client; then
    # PEP 668 systems (Debian 12, Ubuntu 23.04+) refuse --user installs into the
    # system Python; a private virtual environment works there.
    venv="${XDG_DATA_HOME:-$HOME/.local/share}/nn-labs/jupyter-venv"
    say "pip --user was refused; installing JupyterLab into $venv instead"
    python3 -m venv "$venv" && "$venv/bin/pip" install --quiet jupyterlab nbclient nbconvert jupyter_client \
      || die "pip could not install Jupyter. Install it yourself (pip install --user jupyterlab nbclient nbconvert), then run this again."
  fi
  py="$(scripts/jupyter-python.sh)" || die "Jupyter was installed with pip but cannot be imported; is ~/.local/bin on PATH?"
else
  die "Jupyter is not installed and cannot be installed automatically. Install it, then run this again:
    Debian/Ubuntu:  sudo apt-get install $apt_packages
    elsewhere:      python3 -m pip install --user jupyterlab nbclient nbconvert jupyter_client"
fi

if [ -z "${SETUP_NO_TEST_TOOLS:-}" ] && is_root && command -v apt-get >/dev/null; then
  todo="$(missing_debs $test_packages)"
  if [ -n "$todo" ]; then
    say "installing test tools from Debian's packages: $todo"
    apt_install $todo || say "warning: could not install $todo; the kernel conformance and browser tests will fail until they are installed"
  fi
fi

# --- the kernel ----------------------------------------------------------------
bash scripts/install-kernel.sh "$py"
jupyter_bin="$(dirname "$py")/jupyter"
[ -x "$jupyter_bin" ] || jupyter_bin="jupyter"
"$py" -m jupyter kernelspec list 2>/dev/null | grep -E '^\s+tslab\s' || die "the kernel 'tslab' is not in 'jupyter kernelspec list' after registration."
say "done. Start Jupyter with: npm start    Run the tests with: npm test"
