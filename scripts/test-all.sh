#!/usr/bin/env bash
# scripts/test-all.sh: the test run of `make test`, as two vitest processes at
# once (the stacks are already up or come up in each project's global setup):
#   main:   unit, then integration (on the plain stack, 9092/9200)
#   faults: the fault tests (on their own stack, stack.sh --faults, 9292/9202),
#           then the secured stack's files (9192/9201)
# Each project runs its files one at a time; only the two processes overlap,
# and they never share a service, since fault tests stop and kill theirs.
# The faults process's lines are prefixed with "[faults] ". Each writes its
# JSON report; test-results/vitest.json is their sum (.ci/run reads it).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p test-results
rm -f test-results/vitest.json test-results/vitest-main.json test-results/vitest-faults.json

# dist/ is built once, here or by the caller (make test's build), never by
# the two runs' setups at once: a test could start sift on a half-written file.
if [[ ${SIFT_TEST_PREBUILT:-} != 1 ]]; then
  npx tsc -p tsconfig.build.json || exit 1
  export SIFT_TEST_PREBUILT=1
fi

report() { printf -- '--reporter=default --reporter=json --outputFile.json=test-results/%s.json' "$1"; }

# shellcheck disable=SC2046 # the reporter flags are meant to split
npx vitest run --project faults --project secure $(report vitest-faults) 2>&1 | sed -u 's/^/[faults] /' &
faults=$!
# shellcheck disable=SC2046
npx vitest run --project unit --project integration $(report vitest-main)
main=$?
wait "$faults"
faults_status=$? # pipefail: vitest's status, unless sed itself failed

node scripts/merge-vitest-reports.mjs test-results/vitest.json test-results/vitest-main.json test-results/vitest-faults.json
merged=$?
[[ $main -eq 0 && $faults_status -eq 0 && $merged -eq 0 ]]
