#!/usr/bin/env bash
# npm test step: lab 08, the practical assignment, end to end
# (test/integration/assignment.test.ts): release, a reference submission run
# in a course checkout and an untouched student copy, grade (exercises + the
# handed-in model on the test split), feedback pages in Chromium, marks merged.
# Fast mode; about four minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec node --import tsx --test --test-reporter=spec test/integration/assignment.test.ts
