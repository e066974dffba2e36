#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest userspace: initramfs.sh ARCH... builds build/guest/ARCH.cpio.gz
# for each architecture (x86_64, arm64): busybox from Debian's
# busybox-static package of that architecture (downloaded once into
# build/guest/debs/, no download at run time), the tools of the kernel tree
# built statically with the distribution's (cross) compiler against the
# tree's headers (today the DMA map benchmark), guest/init as /init and the
# scripts of guest/ in /guest/. Always rebuilt from its inputs: a few seconds.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$BUILD/guest
mkdir -p "$out/debs"
for arch in "${@:-x86_64}"; do
	case $arch in
	x86_64) debarch=amd64 ;;
	arm64) debarch=arm64 ;;
	*) die "no guest userspace for $arch" ;;
	esac
	cross=$(cross_prefix "$arch")
	deb=$(ls "$out/debs/"busybox-static_*_"$debarch".deb 2>/dev/null | tail -1 || true)
	if [ -z "$deb" ]; then
		(cd "$out/debs" && apt-get download -q "busybox-static:$debarch" 2>&1 |
			grep -v 'unsandboxed' || true)
		deb=$(ls "$out/debs/"busybox-static_*_"$debarch".deb 2>/dev/null | tail -1 || true)
		[ -n "$deb" ] || die "could not download busybox-static:$debarch"
	fi
	root=$out/root-$arch
	rm -rf "$root" "$out/hdr-$arch"
	mkdir -p "$root"/{bin,dev,proc,sys,guest}
	dpkg-deb -x "$deb" "$out/deb-$arch"
	cp "$out/deb-$arch/bin/busybox" "$root/bin/busybox"
	rm -rf "$out/deb-$arch"

	# the tree's tools, against its own uAPI headers
	make -s -C "$TREE" O="$out/hdr-$arch-obj" ARCH="$arch" \
		INSTALL_HDR_PATH="$out/hdr-$arch" headers_install
	"${cross}gcc" -static -O2 -Wall -Werror \
		-I "$out/hdr-$arch/include" -I "$TREE/include" \
		-o "$root/bin/dma_map_benchmark" \
		"$TREE/tools/testing/selftests/dma/dma_map_benchmark.c"

	install -m 0755 "$TOP/guest/init" "$root/init"
	for f in "$TOP"/guest/*; do
		[ "${f##*/}" = init ] || install -m 0755 "$f" "$root/guest/"
	done
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) |
		gzip -9 >"$out/$arch.cpio.gz.tmp"
	mv "$out/$arch.cpio.gz.tmp" "$out/$arch.cpio.gz"
	note "guest userspace: $out/$arch.cpio.gz"
done
