# SPDX-License-Identifier: GPL-2.0
# Workbench for the "DMA mapping by physical address" patch series.
# See README.md. Every target installs what it needs (apt) when missing.

SHELL := /bin/bash
S := scripts

.PHONY: help run check check-all mutants tree export build lint xbuild bisect matrix bench report clean distclean

help:
	@echo "make run       build the patched kernel, boot it on the iommu-strict"
	@echo "               machine, report the DMA paths exercised (MACHINE=name)"
	@echo "make check     setup + build + lint + the machines of the matrix"
	@echo "               (all but those of the \"all\" tier: arm-lpae)"
	@echo "make mutants   mutation testing: apply each mutant of mutants/, rebuild, boot"
	@echo "               its machines; the suite must kill all (MUTANTS=\"NN-name ...\")"
	@echo "make check-all make check on every machine (TIER=all: also the arm"
	@echo "               kernel and arm-lpae), then make mutants"
	@echo "make tree      build/linux: base commit (tag base) + one commit per patch"
	@echo "make export    write base..HEAD of build/linux back to patches/"
	@echo "make build     build the KUnit kernels (ARCHS=\"x86_64 arm64\"; TIER=all: + arm)"
	@echo "make lint      checkpatch, kernel-doc, sparse and W=1 on the series"
	@echo "make xbuild    compile the touched objects for Xen, KMSAN, um, arm, arm64, ppc64"
	@echo "make bisect    build after each patch; name the first that breaks"
	@echo "make matrix    boot the built kernels on MACHINES (default: those of"
	@echo "               make check; TIER=all: every machine)"
	@echo "make bench     the DMA map benchmark, base against series, side by side:"
	@echo "               ratios in build/results/bench.txt (BENCH_ARGS=\"--reps 5\")"

run:
	@$(S)/run.sh

check:
	@$(S)/check.sh

# Mutants need a green suite: a case that already fails proves nothing.
# TIER=all: every machine, also those of the "all" tier (machines/*.conf
# "tier: all") and the kernels they need (scripts/lib.sh).
check-all:
	@TIER=all $(S)/check.sh && MUTANTS_BASELINE=$(CURDIR)/build/results $(S)/mutants.sh

mutants:
	@$(S)/deps.sh && $(S)/mutants.sh $(MUTANTS)

tree:
	@$(S)/tree.sh

export:
	@python3 $(S)/export.py

build:
	@$(S)/deps.sh && . $(S)/lib.sh && $(S)/build.sh $$ARCHS

lint:
	@$(S)/deps.sh && $(S)/build.sh x86_64 && python3 $(S)/lint.py

xbuild:
	@$(S)/deps.sh && $(S)/xbuild.sh

bisect:
	@$(S)/bisect.sh

bench:
	@$(S)/deps.sh && $(S)/tree.sh && python3 $(S)/bench.py $(BENCH_ARGS)

matrix:
	@. $(S)/lib.sh && python3 $(S)/matrix.py run $${MACHINES:-$$(tier_machines)}

clean:
	rm -rf build/kunit build/kunit-* build/results build/bisect build/lint-base build/xbuild

distclean:
	rm -rf build
