#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the kernel after each patch of build/linux (base..HEAD) in turn, in
# a separate work tree so that build/linux is left alone, and name the
# first patch that does not build.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no build/linux: run 'make tree' first"
[ -f "$KUNIT_OUT/.config" ] || "$TOP/scripts/build.sh"
src=$BUILD/bisect-src
out=$BUILD/bisect
if [ ! -d "$src" ]; then
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$src" base
fi
mkdir -p "$out"
kmake() { make -s -C "$src" O="$out" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" "$@"; }
n=0
for c in $(git -C "$TREE" rev-list --reverse base..HEAD); do
	n=$((n + 1))
	subject=$(git -C "$TREE" log -1 --format=%s "$c")
	git -C "$src" checkout -q --detach "$c"
	cp "$KUNIT_OUT/.config" "$out/.config"
	note "patch $n: $subject"
	if ! kmake olddefconfig >"$out/build.log" 2>&1 ||
	   ! kmake -j"$JOBS" >>"$out/build.log" 2>&1; then
		tail -30 "$out/build.log" >&2
		echo "FAIL bisect: patch $n does not build: $subject"
		exit 1
	fi
	echo "PASS bisect: patch $n builds: $subject"
done
echo "all $n patches build one by one"
