#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the kernel after each patch of build/linux (base..HEAD) in turn and
# name the first patch that does not build. Each commit is checked out in
# build/linux itself (which must be clean) and built incrementally into
# build/kunit with the configuration of the matrix; HEAD is restored after.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

g() { git -C "$TREE" "$@"; }
[ -d "$TREE/.git" ] || die "no build/linux: run 'make tree' first"
[ -z "$(g status --porcelain --untracked-files=no)" ] ||
	die "build/linux has uncommitted changes: commit or stash them first"
[ -f "$KUNIT_OUT/.config" ] || "$TOP/scripts/build.sh"

orig=$(g symbolic-ref -q --short HEAD || g rev-parse HEAD)
trap 'g checkout -q "$orig"' EXIT
log=$BUILD/bisect.log
kmake() {
	make -s -C "$TREE" O="$KUNIT_OUT" ARCH=x86_64 CC="ccache gcc" \
		HOSTCC="ccache gcc" "$@"
}

n=0
for c in $(g rev-list --reverse base..HEAD); do
	n=$((n + 1))
	subject=$(g log -1 --format=%s "$c")
	g checkout -q --detach "$c"
	note "patch $n: $subject"
	if ! kmake olddefconfig >"$log" 2>&1 || ! kmake -j"$JOBS" >>"$log" 2>&1; then
		grep -E 'error|Error' "$log" | head -20 >&2
		echo "FAIL bisect: patch $n does not build: $subject"
		exit 1
	fi
	echo "PASS bisect: patch $n builds: $subject"
done
echo "all $n patches build one by one"
