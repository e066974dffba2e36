#!/bin/bash
# harness side of the two-step IOVA tests; run in /work/main
set -e
for m in iommu-strict iommu-lazy virtio-iommu; do
	printf '%s\n' '# the two-step IOVA API (no bounce pool here: no untrusted case)' \
		'must-pass: dma_mapping_iova.edu_iova_[!u]*' >> machines/$m.conf
done
for m in amd-iommu arm64-smmuv3; do
	printf '%s\n' '# the two-step IOVA API, untrusted edu included' \
		'must-pass: dma_mapping_iova.*' >> machines/$m.conf
done
for m in direct swiotlb arm64-direct p2p-switch; do
	printf '%s\n' '# no IOMMU: dma_iova_try_alloc() fails, the dma_map_phys() fallback moves the data' \
		'must-pass: dma_mapping_iova.edu_iova_one' \
		'must-pass: dma_mapping_iova.edu_iova_few' \
		'must-pass: dma_mapping_iova.edu_iova_many' >> machines/$m.conf
done
cat >> machines/expected-warnings <<'EOW'
#
# dma_mapping_iova.edu_iova_bad_input: the two-step IOVA API refuses each
# bad input with a one-time warning (drivers/iommu/dma-iommu.c): a size it
# cannot reserve, a range outside the reservation, off the granule, or
# over a linked range, and a sync where nothing is linked.
dma_mapping_iova.edu_iova_bad_input | cannot reserve [0-9]+ bytes of IOVA space
dma_mapping_iova.edu_iova_bad_input | outside an IOVA reservation of [0-9]+ bytes
dma_mapping_iova.edu_iova_bad_input | does not respect the IOMMU granule
dma_mapping_iova.edu_iova_bad_input | overlaps a linked range
dma_mapping_iova.edu_iova_bad_input | where nothing is linked
dma_mapping_iova.edu_iova_bad_input | dma_iova_destroy\(\) of [0-9]+ bytes, but more is linked
EOW
