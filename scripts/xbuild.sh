#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Compile coverage: build the objects the series touches in configurations
# the KUnit kernels do not have, each into build/xbuild/NAME:
#
#   xbuild.sh [NAME...]     (default: every configuration below)
#
# Prints "PASS|FAIL xbuild/NAME" a configuration. A configuration fails if
# an option it is about did not stick (olddefconfig dropped it) or an
# object does not build, or builds with a compiler warning.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

# NAME|ARCH|COMPILER|BASE CONFIG|scripts/config ARGS|OPTIONS|OBJECTS
#
# OPTIONS must be y after olddefconfig ("!NAME": must not be set). OBJECTS
# are directories (all of their enabled objects) or objects that the
# configuration enables.
#
# COMPILER "gcc" means the ARCH's Debian (cross) gcc, "clang" the host clang.
configs=(
	# Xen PV dom0: swiotlb-xen implements dma_map_ops on top of swiotlb
	"x86_64-xen|x86_64|gcc|defconfig|-e HYPERVISOR_GUEST -e PARAVIRT -e XEN -e XEN_PV -e XEN_DOM0 -e SWIOTLB_XEN -e XEN_PCIDEV_FRONTEND|XEN SWIOTLB_XEN|kernel/dma/ drivers/xen/swiotlb-xen.o drivers/iommu/dma-iommu.o arch/x86/kernel/pci-dma.o"
	# KMSAN needs clang: kmsan_handle_dma() and its callers
	"x86_64-kmsan|x86_64|clang|defconfig|-e DEBUG_KERNEL -d KASAN -d KCSAN -e KMSAN -e VIRTIO -e VIRTIO_PCI|KMSAN|kernel/dma/ mm/kmsan/ drivers/virtio/virtio_ring.o"
	# no DMA at all: the !CONFIG_HAS_DMA stubs, through a user of the API
	"x86_64-noiommu|x86_64|gcc|defconfig|-d IOMMU_SUPPORT -d PCI_P2PDMA -e KUNIT -e DEBUG_FS -e DMA_MAPPING_KUNIT_TEST|!IOMMU_DMA !IOMMU_API !PCI_P2PDMA DMA_MAPPING_KUNIT_TEST|kernel/dma/ drivers/pci/"
	"um-nodma|um|gcc|defconfig|-d UML_DMA_EMULATION -e VIRTIO_UML|!HAS_DMA VIRTIO_UML|drivers/virtio/virtio_ring.o lib/scatterlist.o"
	# 32-bit with highmem and 64-bit physical addresses (LPAE)
	"arm-highmem|arm|gcc|multi_v7_defconfig|-e HIGHMEM -e ARM_LPAE|HIGHMEM ARM_LPAE|kernel/dma/ arch/arm/mm/dma-mapping.o drivers/virtio/virtio_ring.o"
	# arm64 with Xen and the SMMUs
	"arm64|arm64|gcc|defconfig|-e XEN|XEN SWIOTLB_XEN|kernel/dma/ drivers/xen/swiotlb-xen.o drivers/iommu/dma-iommu.o arch/arm64/mm/dma-mapping.o"
	# powerpc64 pseries: arch_dma_map_phys_direct() and the ppc IOMMU ops
	"ppc64le|powerpc|gcc|ppc64le_defconfig||PPC_PSERIES ARCH_HAS_DMA_MAP_DIRECT|kernel/dma/ arch/powerpc/kernel/dma-iommu.o arch/powerpc/kernel/iommu.o arch/powerpc/platforms/pseries/iommu.o"
)

[ -d "$TREE/.git" ] || die "no build/linux: run 'make tree' first"
mkdir -p "$CCACHE_DIR" "$BUILD/xbuild"

xbuild() {  # xbuild CONFIG-LINE
	local name arch compiler base args musts objs out cc cross o
	IFS='|' read -r name arch compiler base args musts objs <<<"$1"
	out=$BUILD/xbuild/$name
	mkdir -p "$out"
	if [ "$compiler" = clang ]; then
		cc=clang cross=
	else
		cross=$(cross_prefix "$([ "$arch" = um ] && echo x86_64 || echo "$arch")")
		cc=${cross}gcc
	fi
	kmake() {
		make -s -C "$TREE" O="$out" ARCH="$arch" CROSS_COMPILE="$cross" \
			CC="ccache $cc" HOSTCC="ccache gcc" "$@"
	}
	kmake "$base" || return 1
	if [ -n "$args" ]; then
		# shellcheck disable=SC2086
		"$TREE/scripts/config" --file "$out/.config" $args || return 1
	fi
	kmake olddefconfig || return 1
	for o in $musts; do
		case $o in
		!*) ! grep -q "^CONFIG_${o#!}=" "$out/.config" ||
			{ echo "CONFIG_${o#!} is set in $name"; return 1; } ;;
		*) grep -qx "CONFIG_$o=y" "$out/.config" ||
			{ echo "CONFIG_$o did not stick in $name"; return 1; } ;;
		esac
	done
	# shellcheck disable=SC2086
	kmake -j"$JOBS" prepare $objs || return 1
	for o in $objs; do
		case $o in */) ;; *)
			[ -f "$out/$o" ] || { echo "$o was not built"; return 1; } ;;
		esac
	done
}

want=("$@")
status=0
for line in "${configs[@]}"; do
	name=${line%%|*}
	if [ ${#want[@]} -gt 0 ] && [[ " ${want[*]} " != *" $name "* ]]; then
		continue
	fi
	log=$BUILD/xbuild/$name.log
	note "xbuild $name"
	if ! xbuild "$line" >"$log" 2>&1; then
		echo "FAIL xbuild/$name  [$(grep -m1 -E 'error|did not|not built|is set' "$log")]"
		status=1
	elif grep -q 'warning:' "$log"; then
		# the objects build without a warning today: keep it that way
		echo "FAIL xbuild/$name  [$(grep -c 'warning:' "$log") compiler warnings: $(grep -m1 'warning:' "$log")]"
		status=1
	else
		echo "PASS xbuild/$name"
	fi
done
exit $status
