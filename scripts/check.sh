#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The tests: set up, build, lint, and boot every machine of the matrix.
# Prints one PASS/FAIL/SKIP line a check and ends with "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"

mkdir -p "$RESULTS"
lines=$RESULTS/check.txt
: >"$lines"
record() { tee -a "$lines"; }
step() {  # step NAME CMD...: one check that passes when CMD exits 0
	local name=$1 log
	shift
	log=$RESULTS/${name//\//_}.log
	if "$@" >"$log" 2>&1; then
		echo "PASS $name" | record
	else
		echo "FAIL $name" | record
		tail -40 "$log" | sed 's/^/    /'
		return 1
	fi
}

machines=${MACHINES:-$(cd "$MACHINE_DIR" && ls *.conf | sed 's/\.conf$//' | grep -vx common)}

step setup/deps "$TOP/scripts/deps.sh" &&
step setup/tree "$TOP/scripts/tree.sh" &&
step build/kunit-kernel "$TOP/scripts/build.sh" && {
	python3 "$TOP/scripts/lint.py" | record
	# shellcheck disable=SC2086
	python3 "$TOP/scripts/matrix.py" --results "$RESULTS" run $machines | record
}

pass=$(grep -c '^PASS' "$lines")
fail=$(grep -c '^FAIL' "$lines")
skip=$(grep -c '^SKIP' "$lines")
echo
echo "Per machine: build/results/<machine>.log (kernel log), .json (KUnit results)"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
