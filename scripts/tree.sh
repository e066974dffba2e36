#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make build/linux a git tree: the pristine base as one commit tagged
# "base", then one commit per patch of patches/series. Idempotent; refuses
# to throw away commits or changes that were not exported to patches/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/deps.sh"
ver=$(dpkg-query -W -f='${Version}' "$BASE_PKG")
[ "$ver" = "$BASE_VERSION" ] ||
	note "base is $BASE_PKG $ver (pinned: $BASE_VERSION)"

g() { git -C "$TREE" "$@"; }

series_patches() {
	[ -f "$TOP/patches/series" ] || return 0
	grep -v -e '^#' -e '^$' "$TOP/patches/series" |
		grep -v '^0000-cover-letter.patch$' | sed "s|^|$TOP/patches/|"
}

patch_ids_of_series() {
	series_patches | while read -r p; do
		git patch-id --stable <"$p" | cut -d' ' -f1
	done
}

patch_ids_of_tree() {
	g log --reverse --format=%H base..HEAD | while read -r c; do
		g show "$c" | git patch-id --stable | cut -d' ' -f1
	done
}

identity() {
	local name email
	name=$(git -C "$TOP" config user.name || echo "DMA series developer")
	email=$(git -C "$TOP" config user.email || echo "dma@example.invalid")
	g config user.name "$name"
	g config user.email "$email"
}

make_base() {
	note "unpacking $BASE_TARBALL ($BASE_PKG $ver) into $TREE"
	rm -rf "$TREE"
	mkdir -p "$TREE"
	tar -xJf "$BASE_TARBALL" -C "$TREE" --strip-components=1
	g init -q -b main
	identity
	# Debian's top-level .gitignore ignores every top-level path ("/*"),
	# so add with -f.
	g add -f -A .
	g commit -q -m "Linux $BASE_PKG $ver (Debian)" \
		--author="Debian kernel team <debian-kernel@lists.debian.org>"
	g tag -f base >/dev/null
	echo "$ver" >"$TREE/.git/base-version"
	# Keep the commit pristine, but drop Debian's "ignore everything"
	# rule from the working copy so that new files show up as untracked.
	g update-index --skip-worktree .gitignore
	sed -i '/^# Debian packaging/,$d' "$TREE/.gitignore"
}

apply_series() {
	g reset -q --hard base
	local n=0
	while read -r p; do
		[ -n "$p" ] || continue
		g am -q --whitespace=nowarn "$p" ||
			{ g am --abort || true
			  die "$(basename "$p") does not apply to $BASE_PKG $ver; fix the series"; }
		n=$((n + 1))
	done < <(series_patches)
	patch_ids_of_series >"$TREE/.git/synced"
	note "build/linux: base ($ver) + $n patches"
}

if [ -d "$TREE/.git" ] && [ "$(cat "$TREE/.git/base-version" 2>/dev/null)" = "$ver" ]; then
	[ -z "$(g status --porcelain --untracked-files=no)" ] ||
		die "build/linux has uncommitted changes: commit them and 'make export' (or discard them) first"
	tree_ids=$(patch_ids_of_tree)
	if [ "$tree_ids" = "$(patch_ids_of_series)" ]; then
		patch_ids_of_series >"$TREE/.git/synced"
		note "build/linux is up to date with patches/"
		exit 0
	fi
	if [ "$tree_ids" != "$(cat "$TREE/.git/synced" 2>/dev/null)" ] && [ -z "${FORCE:-}" ]; then
		die "build/linux has commits that are not in patches/: 'make export' first (or FORCE=1 to drop them)"
	fi
	apply_series
else
	if [ -d "$TREE/.git" ] && [ -z "${FORCE:-}" ]; then
		synced=$(cat "$TREE/.git/synced" 2>/dev/null || true)
		if [ -n "$(g status --porcelain --untracked-files=no)" ] ||
		   [ "$(patch_ids_of_tree)" != "$synced" ]; then
			die "build/linux holds unexported work on another base: 'make export' first (or FORCE=1)"
		fi
	fi
	make_base
	apply_series
fi
