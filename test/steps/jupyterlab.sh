#!/usr/bin/env bash
# npm test step: every lab (fast mode) through JupyterLab 4's own client and
# renderers in headless Chromium (test/jupyterlab/): a page bundled from
# JupyterLab's npm packages, next to the project's Jupyter server; with and
# without plotly's mime renderer; plus the protocol requests JupyterLab makes.
# JUPYTERLAB_LABS=01-perceptron,06-cnn runs some labs only. Screenshots:
# build/screenshots/jupyterlab-*.png.
set -euo pipefail
cd "$(dirname "$0")/../.."
export LABS_FAST=1
exec node --import tsx --test --test-reporter=spec --test-concurrency=1 test/jupyterlab/jupyterlab.test.ts
