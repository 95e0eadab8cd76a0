#!/usr/bin/env bash
# npm test step: student copies and the grader (test/integration/grader.test.ts):
# the attack suite (test/fixtures/grading/attacks.ts) graded in one run beside honest submissions and
# fixtures that misbehave on purpose, every reference lab at 100%, every
# student copy at 0%. Fast mode, two submissions at a time; a few minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec node --import tsx --test --test-reporter=spec test/integration/grader.test.ts
