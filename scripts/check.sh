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

if step setup/deps "$TOP/scripts/deps.sh" &&
   step setup/tree "$TOP/scripts/tree.sh"; then
	built=
	for arch in $ARCHS; do
		step "build/kunit-kernel-$arch" "$TOP/scripts/build.sh" "$arch" &&
			built="$built $arch"
	done
	case " $built " in *" x86_64 "*)
		python3 "$TOP/scripts/lint.py" | record ;;
	esac
	# Boot only the machines whose kernel was just built: never a stale one.
	run=()
	for m in $machines; do
		case " $built " in
		*" $(machine_arch "$m") "*) run+=("$m") ;;
		*) echo "FAIL $m/kunit-results  [no $(machine_arch "$m") kernel]" | record ;;
		esac
	done
	[ ${#run[@]} -eq 0 ] ||
		python3 "$TOP/scripts/matrix.py" --results "$RESULTS" run "${run[@]}" | record
fi

pass=$(grep -c '^PASS' "$lines")
fail=$(grep -c '^FAIL' "$lines")
skip=$(grep -c '^SKIP' "$lines")
echo
echo "Per machine: build/results/<machine>.log (kernel log), .json (KUnit results)"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
