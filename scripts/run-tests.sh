#!/usr/bin/env bash
# make test: the lab self-test (when the lab exists), then every Check
# suite.  Check's summary line is the last thing printed.
set -uo pipefail
cd "$(dirname "$0")/.."

status=0
if [ -x scripts/lab ]; then
	echo "== lab self-test (scripts/lab selftest)"
	bash scripts/lab selftest || status=1
fi
echo "== Check suites (build/nstrace-tests)"
build/nstrace-tests || status=1
exit $status
