#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the harness needs through apt, quietly when it is present.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkgs=(gcc make flex bison bc libelf-dev libssl-dev sparse ccache cpio
      busybox-static xz-utils python3 python3-ply python3-git git perl kmod rsync
      qemu-system-x86 qemu-system-data
      # the arm64 machines of the matrix, and arm-lpae (32-bit arm)
      gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf qemu-system-arm
      # compile coverage (scripts/xbuild.sh): 32-bit arm, powerpc64, KMSAN
      gcc-powerpc64le-linux-gnu clang
      # the guest userspace (scripts/initramfs.sh): static arm64 binaries;
      # make bench's plot
      libc6-dev-arm64-cross gnuplot-nox)

# busybox-static of every guest architecture comes from the archive:
# apt must know the foreign one
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	note "adding the arm64 architecture to dpkg (guest userspace)"
	dpkg --add-architecture arm64
	updated=1
	apt-get update -qq
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done

have=$(dpkg-query -W -f='${Version}' "$BASE_PKG" 2>/dev/null || true)
want=$BASE_VERSION
if [ -z "$have" ] || [ ! -f "$BASE_TARBALL" ]; then
	updated=1
	note "installing ${missing[*]} $BASE_PKG"
	apt-get update -qq
	cand=$(apt-cache policy "$BASE_PKG" | awk '/Candidate:/ {print $2}')
	if [ -n "$cand" ] && [ "$cand" != "(none)" ] &&
	   dpkg --compare-versions "$cand" gt "$BASE_VERSION"; then
		note "the archive offers $BASE_PKG $cand, newer than the pinned $BASE_VERSION: using it"
		want=$cand
	fi
	missing+=("$BASE_PKG=$want")
fi

if [ ${#missing[@]} -gt 0 ]; then
	[ -n "${updated:-}" ] || { note "installing ${missing[*]}"; apt-get update -qq; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
fi
[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL missing after installing $BASE_PKG"
