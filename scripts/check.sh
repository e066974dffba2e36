#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The tests: set up, build, lint, and boot the machines of the matrix:
# those of the default tier (make check), or with TIER=all every machine
# and the kernels they need (make check-all; see lib.sh).
# Prints one PASS/FAIL/SKIP line a check and ends with "N passed, N failed".
# Every step's exit status is a check of its own.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
case $TIER in
check | all) ;;
*) die "unknown TIER=$TIER (check: make check; all: make check-all)" ;;
esac

# Nothing an earlier run left may be read as a result of this one.
rm -rf -- "$RESULTS"
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
		echo "FAIL $name  [exit $?]" | record
		tail -40 "$log" | sed 's/^/    /'
		return 1
	fi
}
checks() {  # checks NAME CMD...: CMD prints checks; its exit status is one more
	local name=$1 status
	shift
	"$@" | record
	status=${PIPESTATUS[0]}
	if [ "$status" -eq 0 ]; then
		echo "PASS $name" | record
	else
		echo "FAIL $name  [exit $status]" | record
	fi
}
# An architecture the KUnit kernels are built for: a kunitconfig and a
# compiler (lib.sh's cross_prefix).
kunit_arch() { [ -f "$TOP/kunit/$1.kunitconfig" ] && (cross_prefix "$1") >/dev/null 2>&1; }

kernels=
for arch in $ARCHS; do
	if kunit_arch "$arch"; then
		kernels="$kernels $arch"
	else
		echo "FAIL build/kunit-kernel-$arch  [unknown arch $arch: no kunit/$arch.kunitconfig or no compiler in lib.sh]" | record
	fi
done
machines=
for m in ${MACHINES:-$(tier_machines)}; do
	if [ "$m" = common ]; then
		echo "FAIL $m/config  [machines/common.conf is what every machine has, not a machine]" | record
	elif [ -f "$MACHINE_DIR/$m.conf" ]; then
		machines="$machines $m"
	else
		echo "FAIL $m/config  [unknown machine $m: no machines/$m.conf]" | record
	fi
done

ready=
if step setup/deps "$TOP/scripts/deps.sh"; then
	# the judge itself, before anything it judges
	step harness/selftest python3 "$TOP/scripts/test_matrix.py"
	step setup/tree "$TOP/scripts/tree.sh" && ready=1
fi
if [ -n "$ready" ]; then
	built=
	for arch in $kernels; do
		step "build/kunit-kernel-$arch" "$TOP/scripts/build.sh" "$arch" &&
			built="$built $arch"
	done
	case " $built " in
	*" x86_64 "*) checks lint python3 "$TOP/scripts/lint.py" ;;
	*) echo "SKIP lint  [no x86_64 kernel]" | record ;;
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
		checks matrix python3 "$TOP/scripts/matrix.py" --results "$RESULTS" run "${run[@]}"
	# the guest userspace: the benchmark's TAP self-check (x86_64 machines)
	case " $built " in
	*" x86_64 "*)
		step guest/initramfs "$TOP/scripts/initramfs.sh" x86_64 &&
			checks guest python3 "$TOP/scripts/guest.py" check --results "$RESULTS" ;;
	*) echo "FAIL guest  [no x86_64 kernel]" | record ;;
	esac
fi

pass=$(grep -c '^PASS' "$lines")
fail=$(grep -c '^FAIL' "$lines")
skip=$(grep -c '^SKIP' "$lines")
echo
echo "Per machine: build/results/<machine>.log (kernel log), .json (KUnit results)"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
