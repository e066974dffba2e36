# SPDX-License-Identifier: GPL-2.0
# Common settings for the harness scripts. Source it, do not run it.

# The base: Debian's packaged Linux 6.12 source. This is the one place the
# tested version is pinned; scripts/deps.sh installs it (or a newer 6.12.y
# the archive offers, with a note) when missing.
BASE_PKG=linux-source-6.12
BASE_VERSION=6.12.118-1~deb12u1
BASE_TARBALL=/usr/src/linux-source-6.12.tar.xz

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/build
# The kernel tree the scripts build and boot; TREE=... overrides it (a
# worktree of build/linux, say, while someone rewrites build/linux).
TREE=${TREE:-$BUILD/linux}
KUNIT_OUT=$BUILD/kunit
KUNITCONFIG=$TOP/kunit/dma.kunitconfig
# The tier of a run: "check" (make check) boots the machines of the
# default tier, "all" (make check-all) every machine, including those whose
# file says "tier: all" (slow, or a kernel of their own: arm-lpae).
TIER=${TIER:-check}
# Architectures of the matrix: one KUnit kernel each (scripts/build.sh).
# The 32-bit arm kernel only boots arm-lpae, a machine of the "all" tier.
if [ "$TIER" = all ]; then
	ARCHS=${ARCHS:-x86_64 arm64 arm}
else
	ARCHS=${ARCHS:-x86_64 arm64}
fi
MACHINE_DIR=$TOP/machines
RESULTS=$BUILD/results

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=$BUILD
export CCACHE_NOHASHDIR=1
# Kbuild passes -fmacro-prefix-map=<absolute source path>/=; with the base
# dir rewriting the source paths to relative ones it changes nothing in the
# object, so leave it out of the hash: a clone elsewhere then hits the cache.
export CCACHE_IGNOREOPTIONS="-fmacro-prefix-map=*"
JOBS=${JOBS:-$(nproc)}

die() { printf 'error: %s\n' "$*" >&2; exit 1; }
note() { printf '==> %s\n' "$*" >&2; }

# kunit_out ARCH: where the KUnit kernel of ARCH is built.
kunit_out() {
	if [ "$1" = x86_64 ]; then echo "$KUNIT_OUT"; else echo "$KUNIT_OUT-$1"; fi
}

# cross_prefix ARCH: the Debian cross compiler prefix for ARCH ("" = native).
cross_prefix() {
	case $1 in
	x86_64) echo "" ;;
	arm64) echo aarch64-linux-gnu- ;;
	arm) echo arm-linux-gnueabihf- ;;
	powerpc) echo powerpc64le-linux-gnu- ;;
	*) die "no cross compiler known for $1" ;;
	esac
}

# machine_arch MACHINE: the "arch:" of machines/MACHINE.conf (default x86_64).
machine_arch() {
	sed -n 's/^arch:[[:space:]]*//p' "$MACHINE_DIR/$1.conf" | tail -1 |
		grep . || echo x86_64
}

# machine_tier MACHINE: the "tier:" of machines/MACHINE.conf (default check).
machine_tier() {
	sed -n 's/^tier:[[:space:]]*//p' "$MACHINE_DIR/$1.conf" | tail -1 |
		grep . || echo check
}

# tier_machines: the machines of the run's $TIER, one a line: every machine
# for "all", those without "tier: all" otherwise (a misspelt tier stays in,
# and matrix.py fails the machine for it).
tier_machines() {
	local m
	for m in $(cd "$MACHINE_DIR" && ls *.conf | sed 's/\.conf$//' | grep -vx common); do
		if [ "$TIER" = all ] || [ "$(machine_tier "$m")" != all ]; then
			echo "$m"
		fi
	done
}

kunit_py() {
	python3 "$TREE/tools/testing/kunit/kunit.py" "$@"
}
