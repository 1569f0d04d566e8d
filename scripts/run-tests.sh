#!/usr/bin/env bash
# make test: the lab self-test (when the lab exists), the lab suites on
# the lab's second address plan, then every Check suite.  Check's summary
# line is the last thing printed.
set -uo pipefail
cd "$(dirname "$0")/.."

status=0
if [ -x scripts/lab ]; then
	echo "== lab self-test (scripts/lab selftest)"
	bash scripts/lab selftest || status=1
fi
# The suites that run nstrace on the lab, once more on the lab numbered
# and plugged otherwise (other subnets, gateway, GRE keys, VLANs; agent
# ports through veth pairs): nothing in nstrace may hang on the default
# plan's numbers or plugging.  Each brings up a lab of its
# own (a lab named by NSTRACE_LAB keeps the plan it was brought up with).
for suite in dhcp_e2e ping_e2e path_e2e path_peer_e2e; do
	echo "== $suite on the lab's address plan b (NSTRACE_LAB_PLAN=b)"
	env -u NSTRACE_LAB -u NSTRACE_LAB_DIR NSTRACE_LAB_PLAN=b CK_RUN_SUITE=$suite \
		build/nstrace-tests || status=1
done
echo "== Check suites (build/nstrace-tests)"
build/nstrace-tests || status=1
exit $status
