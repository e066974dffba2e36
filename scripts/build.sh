#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the KUnit kernel the machines of an architecture boot, with the
# kernel's own kunit.py: build.sh [ARCH...] (default x86_64), into
# build/kunit for x86_64 and build/kunit-ARCH for the others. The
# configuration is kunit/dma.kunitconfig plus kunit/ARCH.kunitconfig.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -e "$TREE/.git" ] || die "no kernel tree $TREE: run 'make tree' first"
mkdir -p "$CCACHE_DIR"
cd "$TREE"
for arch in "${@:-x86_64}"; do
	cross=$(cross_prefix "$arch")
	note "building the $arch KUnit kernel into $(kunit_out "$arch")"
	opts=()
	[ -z "$cross" ] || opts=(--cross_compile="$cross")
	kunit_py build --arch="$arch" "${opts[@]}" \
		--build_dir="$(kunit_out "$arch")" \
		--kunitconfig="$KUNITCONFIG" \
		--kunitconfig="$TOP/kunit/$arch.kunitconfig" --jobs="$JOBS" \
		--make_options "CC=ccache ${cross}gcc" \
		--make_options "HOSTCC=ccache gcc"
done
