#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: base + series -> built kernel -> booted on a q35 machine with
# an emulated IOMMU and DMA devices -> a report of the DMA paths exercised.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

machine=${MACHINE:-iommu-strict}
[ -f "$MACHINE_DIR/$machine.conf" ] || die "no machine $machine (see machines/*.conf)"
"$TOP/scripts/deps.sh"
"$TOP/scripts/tree.sh"
arch=$(machine_arch "$machine")
note "building the $arch kernel ($(kunit_out "$arch"))"
"$TOP/scripts/build.sh" "$arch" >"$BUILD/build.log" 2>&1 ||
	{ tail -40 "$BUILD/build.log"; die "build failed (build/build.log)"; }
mkdir -p "$RESULTS"
python3 "$TOP/scripts/matrix.py" --results "$RESULTS" run "$machine" \
	>"$RESULTS/$machine.checks" || true
echo
status=0
python3 "$TOP/scripts/matrix.py" --results "$RESULTS" report "$machine" || status=1
if grep -q '^FAIL' "$RESULTS/$machine.checks"; then
	echo
	echo "Checks that failed on $machine:"
	grep '^FAIL' "$RESULTS/$machine.checks"
	status=1
fi
exit $status
