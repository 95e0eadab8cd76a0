#!/usr/bin/env bash
# npm test step: a class on JupyterHub (test/hub/): Debian's JupyterHub 3.0 on
# 127.0.0.1 with test/hub/jupyterhub_config.py; three users log in, get their own
# copy of the labs and run lab 01 (fast mode) at the same time through the hub's
# REST API and their single-user servers.
#   HUB_MEMORY_LAB=06-cnn bash test/steps/jupyterhub.sh   also measures one user's
#   server + kernel memory while that lab runs (docs/classroom.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
export LABS_FAST="${LABS_FAST:-1}"
exec node --import tsx --test --test-reporter=spec test/hub/classroom.test.ts
