#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the one KUnit kernel every machine of the matrix boots, with the
# kernel's own kunit.py, into build/kunit.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no build/linux: run 'make tree' first"
mkdir -p "$CCACHE_DIR"
cd "$TREE"
kunit_py build --arch=x86_64 --build_dir="$KUNIT_OUT" \
	--kunitconfig="$KUNITCONFIG" --jobs="$JOBS" \
	--make_options "CC=ccache gcc" --make_options "HOSTCC=ccache gcc"
