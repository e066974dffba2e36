#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot the KUnit kernel on the machines of the matrix and judge each run.

  matrix.py run [--results DIR] MACHINE...   boot, judge, print one line a check
  matrix.py report MACHINE                   readable report of a finished run

A machine is machines/NAME.conf plus machines/common.conf: "arch:" names
the architecture whose KUnit kernel it boots (default x86_64; built by
scripts/build.sh ARCH), "qemu:" and "kernel:" lines give QEMU and kernel
arguments, "expect:"/"reject:" lines
are regular expressions that must (not) match the kernel log, "must-pass:"
lines are suite.case globs that must pass (not skip) on that machine.

The kernel runs through the kernel's own tools/testing/kunit/kunit.py
("exec", then "parse --json"). Every judged item prints as
"PASS|FAIL|SKIP machine/what"; the caller counts them.
"""

import argparse
import collections
import fnmatch
import json
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TREE = os.path.join(TOP, 'build', 'linux')
KUNIT_OUT = os.path.join(TOP, 'build', 'kunit')
KUNITCONFIGS = os.path.join(TOP, 'kunit')
MACHINES = os.path.join(TOP, 'machines')
KUNIT_PY = os.path.join(TREE, 'tools', 'testing', 'kunit', 'kunit.py')

# Kernel log lines that mean the kernel itself went wrong (sanitizers,
# lockdep, WARN/BUG, crashes). WARNINGs listed in machines/expected-warnings
# are provoked on purpose by test cases and allowed.
BAD_LOG = re.compile(r'WARNING:|BUG:|UBSAN:|Kernel panic|Oops|'
                     r'general protection fault|INFO: task .* blocked|'
                     r'qemu: hardware error|DMAR: \[DMA (Read|Write)|fault from EP|'
                     r'arm-smmu-v3 .*: event 0x[0-9a-f]+ received')
DMA_DEBUG_ERR = re.compile(r'WARNING: .* at (\S*/)?kernel/dma/debug\.c:|'
                           r'DMA-API: .*(out of memory|disabling)')
# An IOMMU fault is allowed only on a page a case announced beforehand.
# SMMUv3 prints an event as raw words; the third holds the input address.
FAULT_EXPECTED = re.compile(r'expect an IOMMU write fault at (0x[0-9a-f]+)')
FAULT_ADDR = re.compile(r'(?:fault addr|fault from EP \d+ at) (0x[0-9a-f]+)')
SMMU_EVENT = re.compile(r'arm-smmu-v3 .*: event 0x[0-9a-f]+ received')
SMMU_WORD = re.compile(r'arm-smmu-v3 .*:\s+(0x[0-9a-f]{16})\s*$')
# A dma-debug report (a WARNING in kernel/dma/debug.c) is allowed only
# right after a case announced it; the case itself checks dma-debug's
# error count, and the last case that nothing else was counted.
DEBUG_EXPECTED = re.compile(r'expect a dma-debug error: ')
DEBUG_WARNING = re.compile(r'WARNING: .* at (\S*/)?kernel/dma/debug\.c:')
DMA_PATH = re.compile(r'# (\w+): dma-path=(\w+) dev=(\S+) bytes=(\d+)')


def read_conf(name):
    conf = collections.defaultdict(list)
    for fname in ('common.conf', name + '.conf'):
        path = os.path.join(MACHINES, fname)
        if not os.path.exists(path):
            sys.exit(f'matrix: no machine {name} ({path})')
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith('#'):
                    continue
                key, _, val = line.partition(':')
                conf[key.strip()].append(val.strip())
    return conf


def expected_warnings():
    with open(os.path.join(MACHINES, 'expected-warnings')) as f:
        return [re.compile(line.strip()) for line in f
                if line.strip() and not line.startswith('#')]


def fault_addr(log, i):
    """The address of an IOMMU fault reported at log[i], or None."""
    m = FAULT_ADDR.search(log[i])
    if m:
        return int(m.group(1), 16)
    if SMMU_EVENT.search(log[i]):
        # the event's words follow, maybe with other lines in between
        words = []
        for line in log[i + 1:i + 16]:
            if SMMU_EVENT.search(line):
                break
            m = SMMU_WORD.search(line)
            if m:
                words.append(int(m.group(1), 16))
        if len(words) >= 3:
            return words[2]
    return None


def unannounced_debug_warnings(log):
    """Indexes of the dma-debug WARNINGs no case announced just before."""
    pending, bad = 0, []
    for i, line in enumerate(log):
        if DEBUG_EXPECTED.search(line):
            pending += 1
        elif DEBUG_WARNING.search(line):
            if pending:
                pending -= 1
            else:
                bad.append(i)
    return bad


def bad_lines(log):
    """Kernel log lines that fail a run: see BAD_LOG."""
    allowed = expected_warnings()
    pages = {int(m.group(1), 16) >> 12 for line in log
             for m in [FAULT_EXPECTED.search(line)] if m}
    debug_bad = unannounced_debug_warnings(log)
    bad = []
    for i, line in enumerate(log):
        if not BAD_LOG.search(line) or any(a.search(line) for a in allowed):
            continue
        if DEBUG_WARNING.search(line) and i not in debug_bad:
            continue
        addr = fault_addr(log, i)
        if addr is not None and addr >> 12 in pages:
            continue
        bad.append(line)
    return bad


def debug_errors(log):
    """dma-debug errors that fail a run."""
    return [log[i] for i in unannounced_debug_warnings(log)] + \
        [line for line in log if DMA_DEBUG_ERR.search(line) and
         not DEBUG_WARNING.search(line)]


def arch_of(conf):
    return (conf['arch'] or ['x86_64'])[-1]


def kunit_out(arch):
    """Build directory of an architecture's kernel: see scripts/lib.sh."""
    return KUNIT_OUT if arch == 'x86_64' else KUNIT_OUT + '-' + arch


def boot(name, results):
    conf = read_conf(name)
    arch = arch_of(conf)
    log = os.path.join(results, name + '.log')
    cmd = [sys.executable, KUNIT_PY, 'exec', '--arch=' + arch,
           '--build_dir=' + kunit_out(arch),
           '--kunitconfig=' + os.path.join(KUNITCONFIGS, 'dma.kunitconfig'),
           '--kunitconfig=' + os.path.join(KUNITCONFIGS, arch + '.kunitconfig'),
           '--raw_output=all', '--timeout=900']
    cmd += ['--qemu_args=' + a for a in conf['qemu']]
    cmd += ['--kernel_args=' + a for a in conf['kernel']]
    with open(log, 'w') as f:
        subprocess.run(cmd, cwd=TREE, stdout=f, stderr=subprocess.STDOUT,
                       check=False)
    subprocess.run([sys.executable, KUNIT_PY, 'parse',
                    '--json=' + os.path.join(results, name + '.json'), log],
                   cwd=TREE, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)


def cases_of(results, name):
    """{"suite.case": "PASS"|"FAIL"|"SKIP"|"ERROR"} from kunit.py's JSON."""
    out = {}
    try:
        with open(os.path.join(results, name + '.json')) as f:
            top = json.load(f)
    except (OSError, ValueError):
        return out

    def walk(group, prefix):
        for case in group.get('test_cases', []):
            out[prefix + case['name']] = case['status']
        for sub in group.get('sub_groups', []):
            walk(sub, sub['name'] + '.')
    walk(top, '')
    return out


def read_log(results, name):
    try:
        with open(os.path.join(results, name + '.log'),
                  errors='replace') as f:
            return f.read().splitlines()
    except OSError:
        return []


def judge(name, results):
    """Yield (status, what, detail) for one finished machine run."""
    conf = read_conf(name)
    cases = cases_of(results, name)
    log = read_log(results, name)
    text = '\n'.join(log)

    if not cases:
        yield 'FAIL', f'{name}/kunit-results', 'no KUnit results (boot failed?)'
    for case, status in sorted(cases.items()):
        yield {'PASS': 'PASS', 'SKIP': 'SKIP'}.get(status, 'FAIL'), \
            f'{name}/{case}', status

    bad = bad_lines(log)
    dbg = debug_errors(log)
    yield ('FAIL' if dbg else 'PASS'), f'{name}/dma-debug-clean', \
        '; '.join(dbg[:3])
    yield ('FAIL' if bad else 'PASS'), f'{name}/kernel-log-clean', \
        '; '.join(bad[:3])

    for rx in conf['expect']:
        ok = re.search(rx, text)
        yield ('PASS' if ok else 'FAIL'), f'{name}/expect: {rx}', ''
    for rx in conf['reject']:
        hits = [line for line in log if re.search(rx, line)]
        yield ('FAIL' if hits else 'PASS'), f'{name}/reject: {rx}', \
            '; '.join(hits[:3])
    for glob in conf['must-pass']:
        hit = {c: s for c, s in cases.items() if fnmatch.fnmatch(c, glob)}
        bad_cases = [f'{c}={s}' for c, s in sorted(hit.items()) if s != 'PASS']
        ok = hit and not bad_cases
        yield ('PASS' if ok else 'FAIL'), f'{name}/must-pass: {glob}', \
            ', '.join(bad_cases) or ('' if hit else 'no such case')


def cmd_run(args):
    os.makedirs(args.results, exist_ok=True)
    seen = collections.defaultdict(set)
    failed = 0
    for name in args.machines:
        read_conf(name)
        print(f'==> booting machine {name}', file=sys.stderr, flush=True)
        boot(name, args.results)
        for status, what, detail in judge(name, args.results):
            failed += status == 'FAIL'
            print(f'{status} {what}' + (f'  [{detail}]' if detail and
                                        status != 'PASS' else ''), flush=True)
        for case, status in cases_of(args.results, name).items():
            seen[case].add(status)
    if len(args.machines) > 1:
        # A skip may only mean "this machine lacks the hardware": every
        # case must run and pass on at least one machine of the matrix.
        for case, statuses in sorted(seen.items()):
            ok = 'PASS' in statuses
            failed += not ok
            print(f'{"PASS" if ok else "FAIL"} matrix/runs-somewhere: {case}'
                  + ('' if ok else f'  [{",".join(sorted(statuses))}]'))
    return 1 if failed else 0


def cmd_report(args):
    name = args.machine
    cases = cases_of(args.results, name)
    log = read_log(args.results, name)
    counts = collections.Counter(cases.values())
    paths = collections.OrderedDict((p, [0, 0, set()]) for p in
                                    ('direct', 'swiotlb', 'iommu'))
    for line in log:
        m = DMA_PATH.search(line)
        if m:
            entry = paths.setdefault(m.group(2), [0, 0, set()])
            entry[0] += 1
            entry[1] += int(m.group(4))
            entry[2].add(m.group(3))
    policy = next((line.split('] ', 1)[-1] for line in log
                   if 'TLB invalidation policy' in line), 'no IOMMU DMA domain')
    dbg = debug_errors(log)
    bad = bad_lines(log)

    print(f'DMA paths exercised on machine "{name}"')
    conf = read_conf(name)
    print(f'  arch:   {arch_of(conf)}, QEMU {" ".join(conf["qemu"])}')
    print(f'  kernel: {" ".join(conf["kernel"])}')
    print(f'  iommu:  {policy.strip().removeprefix("iommu: ")}')
    print()
    print(f'  {"path":<9} {"mappings":>8} {"bytes moved":>12}  devices')
    hints = {'direct': 'direct', 'swiotlb': 'swiotlb', 'iommu': 'iommu-strict'}
    for path, (maps, nbytes, devs) in paths.items():
        what = ', '.join(sorted(devs)) or \
            f'- (not on this machine: make run MACHINE={hints.get(path, path)})'
        print(f'  {path:<9} {maps:>8} {nbytes:>12}  {what}')
    print()
    print(f'  KUnit: {counts["PASS"]} passed, '
          f'{sum(v for k, v in counts.items() if k not in ("PASS", "SKIP"))}'
          f' failed, {counts["SKIP"]} skipped')
    for case, status in sorted(cases.items()):
        if status != 'PASS':
            print(f'    {status:<5} {case}')
    print(f'  dma-debug errors: {len(dbg)}')
    print(f'  unexpected kernel warnings/bugs: {len(bad)}')
    for line in (dbg + bad)[:5]:
        print(f'    {line.strip()}')
    print(f'  full log: {os.path.join(args.results, name + ".log")}')
    ok = (cases and all(s in ('PASS', 'SKIP') for s in cases.values())
          and not dbg and not bad)
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--results', default=os.path.join(TOP, 'build',
                                                          'results'))
    sub = parser.add_subparsers(dest='cmd', required=True)
    run = sub.add_parser('run')
    run.add_argument('machines', nargs='+')
    rep = sub.add_parser('report')
    rep.add_argument('machine')
    args = parser.parse_args()
    return cmd_run(args) if args.cmd == 'run' else cmd_report(args)


if __name__ == '__main__':
    sys.exit(main())
