#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Mutation testing: mutants.sh [NAME...] proves that the suite catches
# plausible bugs in the series. Each mutant (mutants/NAME.patch; all of them
# by default) is a small diff against build/linux HEAD whose header says
#
#   # mutant: <the plausible bug>
#   # machines: <the machines that must kill it>
#   # killed-by: <suite.case that must fail there, or "crash">
#
# For each: apply it, rebuild the kernels of its machines' architectures,
# boot each machine (scripts/matrix.py, results in
# build/results-mutants/NAME/), revert it, then judge it:
#
#   KILLED        every machine's run failed, and the named case is reported
#                 failed (not skipped) in its KUnit results ("crash": the
#                 kernel died or KUnit did not complete)
#   KILLED-OTHER  a run failed, but not (only) for the reason the mutant
#                 names: the case passed, skipped or did not run
#   SURVIVED      a run passed
#   STALE         the mutant no longer applies to build/linux
#   BROKEN        a bad header, an unknown machine, or a mutant that does
#                 not build
#
# Only KILLED is a success. The clean kernels are rebuilt at the end; the
# exit status is 0 only if every mutant was KILLED. A mutant is never left
# in build/linux: it is reverted on every exit, interrupts included.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

MUTANTS_DIR=$TOP/mutants
OUT=$BUILD/results-mutants

# field FILE KEY: the value of the "# KEY:" line of a mutant's header (the
# comment lines before the diff)
field() {
	awk -v key="# $2:" '
		/^(diff |--- |\+\+\+ |@@ )/ { exit }
		index($0, key) == 1 {
			v = substr($0, length(key) + 1)
			gsub(/^[ \t]+|[ \t]+$/, "", v)
			print v
			exit
		}' "$1"
}

# the files a mutant changes
patch_files() {
	sed -n 's|^+++ b/||p' "$1" | sort -u
}

tree_dirty() {
	[ -n "$(git -C "$TREE" status --porcelain --untracked-files=no)" ]
}

# The mutant that may be in build/linux now, and the architectures whose
# kernel was last built from a mutated tree.
applied=
mutant_built=

# Take the mutant out of build/linux. The tree was clean before it went
# in, so if "git apply -R" cannot undo it, its files come back from HEAD.
revert() {
	local p=$applied

	[ -n "$p" ] || return 0
	applied=
	if ! git -C "$TREE" apply -R "$p" 2>/dev/null || tree_dirty; then
		note "git apply -R $(basename "$p") failed: restoring its files from HEAD"
		# shellcheck disable=SC2046 # one word a file
		git -C "$TREE" checkout HEAD -- $(patch_files "$p")
	fi
	if tree_dirty; then
		printf 'error: build/linux is not clean after reverting %s\n' \
			"$(basename "$p")" >&2
		return 1
	fi
}

on_exit() {
	revert
	[ -z "$mutant_built" ] ||
		note "build/kunit* hold kernels built with a mutant: run scripts/build.sh$mutant_built"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

add_word() {  # add_word LIST WORD: LIST with WORD, once
	case " $1 " in
	*" $2 "*) echo "$1" ;;
	*) echo "$1 $2" ;;
	esac
}

# judge STATUS JSON LOG KILLER...: the verdict on one machine's run
# ("VERDICT detail"). STATUS is matrix.py's exit status; JSON and LOG are
# what it wrote (kunit.py's JSON: suites are the sub-groups of the top
# group, cases their test_cases; see tools/testing/kunit/kunit_json.py).
judge() {
	python3 - "$@" <<'EOF'
import json
import re
import sys

status, json_path, log_path, *killers = sys.argv[1:]


def cases(path):
    """{"suite.case": "PASS"|"FAIL"|"SKIP"|"ERROR"}; a parameterised case
    (a group inside a suite) fails if one of its parameters failed."""
    out = {}
    try:
        with open(path) as f:
            top = json.load(f)
    except (OSError, ValueError):
        return out

    def walk(group, prefix):
        seen = []
        for case in group.get('test_cases', []):
            st = case.get('status')
            out[prefix + (case.get('name') or '(missing)')] = st
            seen.append(st)
        for sub in group.get('sub_groups', []):
            st = walk(sub, prefix + sub.get('name', '') + '.')
            if prefix:
                out[prefix + sub.get('name', '')] = st
            seen.append(st)
        if any(s in ('FAIL', 'ERROR') for s in seen):
            return 'FAIL'
        return 'PASS' if 'PASS' in seen else 'SKIP'
    walk(top, '')
    return out


def died(path):
    """Why the kernel log says the kernel died or KUnit stopped early, or
    None."""
    ts = re.compile(r'^\[\s*\d+\.\d+\](\[\s*[CT]\d+\])? ?')
    death = re.compile(r'Kernel panic|Oops|general protection fault|'
                       r'Unable to handle kernel|BUG: unable to handle|'
                       r'kernel BUG at|Internal error:')
    try:
        with open(path, errors='replace') as f:
            log = [ts.sub('', line.rstrip('\n'), count=1) for line in f]
    except OSError:
        return 'no kernel log'
    for line in log:
        if death.search(line):
            return 'the kernel died: ' + line.strip()
    # KTAP: the top-level plan, then one unindented result line a suite
    plan, done = None, 0
    for line in log:
        m = re.match(r'^1\.\.(\d+)\s*$', line)
        if m and plan is None:
            plan = int(m.group(1))
        elif plan is not None and re.match(r'^(not )?ok \d+ ', line):
            done += 1
    if plan is None:
        return 'KUnit did not start'
    if done < plan:
        return f'KUnit did not complete ({done} of {plan} suites)'
    return None


if status == '0':
    print('SURVIVED the run passed')
elif killers == ['crash']:
    why = died(log_path)
    print(f'KILLED {why}' if why else
          'KILLED-OTHER the run failed, but the kernel neither died nor '
          'stopped early')
else:
    got = cases(json_path)
    found = [f'{k}={got.get(k, "not run")}' for k in killers]
    ok = all(got.get(k) in ('FAIL', 'ERROR') for k in killers)
    print(('KILLED ' if ok else 'KILLED-OTHER ') + ', '.join(found))
EOF
}

[ -d "$TREE/.git" ] || die "no build/linux: run 'make tree' first"
if tree_dirty; then
	git -C "$TREE" status --short --untracked-files=no >&2
	die "build/linux has uncommitted changes: commit or stash them (mutants are applied to, and reverted from, a clean tree)"
fi

files=()
if [ $# -eq 0 ]; then
	for f in "$MUTANTS_DIR"/*.patch; do
		[ -f "$f" ] && files+=("$f")
	done
	[ ${#files[@]} -gt 0 ] || die "no mutants in mutants/"
else
	for n in "$@"; do
		n=${n##*/}
		n=${n%.patch}
		[ -f "$MUTANTS_DIR/$n.patch" ] || die "no mutant $n (no mutants/$n.patch)"
		files+=("$MUTANTS_DIR/$n.patch")
	done
fi

mkdir -p "$OUT"
lines=$OUT/mutants.txt
: >"$lines"

# The baseline: the clean kernels on every machine the mutants name. A
# named case must pass there, or its failure with the mutant proves
# nothing. make check-all passes the results of the make check it has just
# run (and that passed) as MUTANTS_BASELINE; otherwise boot them here.
baseline=${MUTANTS_BASELINE:-}
if [ -z "$baseline" ]; then
	baseline=$OUT/baseline
	rm -rf -- "$baseline"
	mkdir -p "$baseline"
	bmachines=
	for f in "${files[@]}"; do
		for m in $(field "$f" machines | tr , ' '); do
			[ -f "$MACHINE_DIR/$m.conf" ] && bmachines=$(add_word "$bmachines" "$m")
		done
	done
	barchs=
	for m in $bmachines; do
		barchs=$(add_word "$barchs" "$(machine_arch "$m")")
	done
	for a in $barchs; do
		note "baseline: building the clean $a kernel"
		"$TOP/scripts/build.sh" "$a" >"$baseline/build-$a.log" 2>&1 ||
			die "the clean $a kernel does not build: $baseline/build-$a.log"
	done
	for m in $bmachines; do
		note "baseline: booting $m"
		python3 "$TOP/scripts/matrix.py" --results "$baseline" run "$m" \
			>"$baseline/matrix-$m.txt" 2>&1 ||
			die "the clean kernel fails on $m: a mutant proves nothing there ($baseline/matrix-$m.txt)"
	done
fi
[ -d "$baseline" ] || die "MUTANTS_BASELINE=$baseline: no such directory"

# passed_in_baseline MACHINE CASE...: every named case passed there
# (matrix.py reads the KUnit JSON)
passed_in_baseline() {
	python3 - "$TOP/scripts" "$baseline" "$@" <<'EOF2'
import sys

scripts, results, machine, *want = sys.argv[1:]
sys.path.insert(0, scripts)
import matrix  # noqa: E402

got = matrix.cases_of(results, machine)
sys.exit(0 if all(got.get(c) == 'PASS' for c in want) else 1)
EOF2
}
record() {  # record VERDICT NAME DETAIL
	printf '%-12s %s  [%s]\n' "$1" "$2" "$3" | tee -a "$lines"
}

for f in "${files[@]}"; do
	name=$(basename "$f" .patch)
	res=$OUT/$name
	rm -rf -- "$res"
	mkdir -p "$res"

	what=$(field "$f" mutant)
	machines=$(field "$f" machines)
	killers=$(field "$f" killed-by)
	machines=${machines//,/ }
	killers=${killers//,/ }
	if [ -z "$what" ] || [ -z "$machines" ] || [ -z "$killers" ]; then
		record BROKEN "$name" 'the header needs "# mutant:", "# machines:" and "# killed-by:" lines'
		continue
	fi
	# shellcheck disable=SC2086 # one name a word
	if [ "$killers" != crash ] &&
	   printf '%s\n' $killers | grep -qvE '^[A-Za-z0-9_]+\.[A-Za-z0-9_.]+$'; then
		record BROKEN "$name" "killed-by: \"$killers\" is neither suite.case names nor \"crash\""
		continue
	fi
	archs=
	unknown=
	for m in $machines; do
		if [ "$m" != common ] && [ -f "$MACHINE_DIR/$m.conf" ]; then
			archs=$(add_word "$archs" "$(machine_arch "$m")")
		else
			unknown="$unknown $m"
		fi
	done
	if [ -n "$unknown" ]; then
		record BROKEN "$name" "unknown machine(s):$unknown"
		continue
	fi
	if [ "$killers" != crash ]; then
		notpassed=
		for m in $machines; do
			# shellcheck disable=SC2086 # killers: one case a word
			passed_in_baseline "$m" $killers || notpassed="$notpassed $m"
		done
		if [ -n "$notpassed" ]; then
			record BROKEN "$name" "$killers does not pass without the mutant on:$notpassed"
			continue
		fi
	fi

	note "mutant $name: $what"
	tree_dirty && die "build/linux changed while mutants ran"
	applied=$f
	if ! git -C "$TREE" apply "$f" 2>"$res/apply.log"; then
		applied=
		tree_dirty && die "a failed git apply of $name left build/linux dirty"
		record STALE "$name" "does not apply to build/linux: $(head -1 "$res/apply.log")"
		continue
	fi

	built=1
	for a in $archs; do
		mutant_built=$(add_word "$mutant_built" "$a")
		note "mutant $name: building the $a kernel"
		if ! "$TOP/scripts/build.sh" "$a" >"$res/build-$a.log" 2>&1; then
			tail -20 "$res/build-$a.log" | sed 's/^/    /' >&2
			built=
			break
		fi
	done
	if [ -z "$built" ]; then
		revert || exit 1
		record BROKEN "$name" "does not build: build/results-mutants/$name/build-$a.log"
		continue
	fi

	# One machine a run: matrix.py's cross-machine check ("every case
	# passes somewhere") means nothing for a mutant's few machines.
	for m in $machines; do
		note "mutant $name: booting $m"
		python3 "$TOP/scripts/matrix.py" --results "$res" run "$m" \
			>"$res/matrix-$m.txt" 2>&1
		echo $? >"$res/matrix-$m.status"
	done
	revert || exit 1

	# KILLED only if every machine killed it for the named reason
	verdict=KILLED
	detail=
	for m in $machines; do
		# shellcheck disable=SC2086 # killers: one case a word
		v=$(judge "$(cat "$res/matrix-$m.status")" "$res/$m.json" \
			"$res/$m.log" $killers)
		case ${v%% *} in
		SURVIVED) verdict=SURVIVED ;;
		KILLED) ;;
		KILLED-OTHER) [ "$verdict" = SURVIVED ] || verdict=KILLED-OTHER ;;
		*) [ "$verdict" = SURVIVED ] || verdict=KILLED-OTHER
		   v="ERROR the judge failed: $v" ;;
		esac
		detail="${detail:+$detail; }$m: ${v#* }"
	done
	record "$verdict" "$name" "$detail"
done

# The kernels in build/kunit* are the series again, not the last mutant.
rebuilt=1
for a in $mutant_built; do
	note "rebuilding the clean $a kernel"
	if ! "$TOP/scripts/build.sh" "$a" >"$OUT/build-clean-$a.log" 2>&1; then
		echo "FAIL clean rebuild of the $a kernel: build/results-mutants/build-clean-$a.log" | tee -a "$lines"
		rebuilt=
	fi
done
[ -z "$rebuilt" ] || mutant_built=

count() { grep -c "^$1 " "$lines"; }
killed=$(count KILLED)
survived=$(count SURVIVED)
stale=$(count STALE)
other=$(count KILLED-OTHER)
broken=$(count BROKEN)
echo
echo "Mutants ($OUT/<name>/: matrix output, kernel logs, KUnit JSON):"
grep -E '^(KILLED|KILLED-OTHER|SURVIVED|STALE|BROKEN) ' "$lines"
echo
echo "$killed killed, $survived survived, $stale stale, $other killed-other, $broken broken"
[ -n "$rebuilt" ] && [ "$killed" -gt 0 ] && [ "$killed" -eq ${#files[@]} ]
