#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-test of the judge in matrix.py: synthetic kernel logs, plain asserts.

Every detector must fire on its report, every allowed case must pass, and a
run that stops early must name the last case that finished. Needs no kernel:
python3 scripts/test_matrix.py (check.sh runs it as harness/selftest).
"""

import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matrix  # noqa: E402

DIRECT = ['direct_map_single', 'direct_map_resource_beyond_mask',
          'phys_map_page_refuses_mmio', 'alloc_refuses_mmio',
          'bad_input_wrapping', 'debug_catches_sync_mmio',
          'debug_catches_wrong_unmap']
PCI = ['edu_map_single', 'edu_map_sg', 'edu_unmap_blocks_dma',
       'edu_bad_input', 'debug_no_unexpected_errors']
ALLOWED = matrix.expected_warnings()


def ts(lines):
    """Prefix printk timestamps, as the console prints them."""
    return [f'[{10 + n / 1000:12.6f}] {line}' for n, line in enumerate(lines)]


def kunit_log(inside=None, before=(), after=(), stop=None, skip=()):
    """A KUnit run of the two suites. inside: {case: [lines]} printed while
    the case runs; stop: "suite.case" after whose result the log ends, or
    "suite" to end right after the suite's header."""
    inside = inside or {}
    out = ['Linux version 6.12.118 (kunit)', *before, 'KTAP version 1', '1..2']
    for n, (suite, cases) in enumerate((('dma_mapping_direct', DIRECT),
                                        ('dma_mapping_pci', PCI)), 1):
        out += ['    KTAP version 1', f'    # Subtest: {suite}',
                f'    1..{len(cases)}']
        if stop == suite:
            return ts(out)
        for i, case in enumerate(cases, 1):
            out += inside.get(case, [])
            out.append(f'    ok {i} {case}' +
                       (' # SKIP no device' if case in skip else ''))
            if stop == f'{suite}.{case}':
                return ts(out)
        counts = f'pass:{len(cases)} fail:0 skip:0 total:{len(cases)}'
        out += [f'    # {suite}: {counts}', f'    # Totals: {counts}',
                f'ok {n} {suite}']
    return ts(out + list(after) + ['reboot: System halted'])


def warn(where, msg=None):
    """A WARN report as 6.12 prints it: the message (if any) between the
    cut-here line and the WARNING line."""
    return ['------------[ cut here ]------------',
            *([msg] if msg else []),
            f'WARNING: CPU: 0 PID: 42 at {where}',
            'Modules linked in:',
            'CPU: 0 UID: 0 PID: 42 Comm: kunit_try_catch Tainted: G N 6.12.118',
            'Call Trace:', ' <TASK>', ' </TASK>',
            '---[ end trace 0000000000000000 ]---']


MASK = warn('kernel/dma/direct.h:120 dma_map_phys+0x1a4/0x5c0',
            'kunit kunit-dev: DMA addr 0x0000001000000000+4096 overflow '
            '(mask ffffffff, bus limit 0).')
MMIO_PAGE = warn('kernel/dma/mapping.c:284 dma_map_page_attrs+0x5/0x9')
ALLOC_MMIO = warn('kernel/dma/mapping.c:712 dma_alloc_attrs+0x1a4/0x5c0')
OTHER = warn('mm/slub.c:100 kfree+0x1/0x2', 'something else went wrong')


def debug_warn(msg):
    return warn('kernel/dma/debug.c:1120 check_sync+0x1/0x2',
                f'DMA-API: kunit kunit-dev: device driver {msg} '
                '[device address=0x0000000000001000] [size=4096 bytes]')


ANNOUNCE_SYNC = '    # debug_catches_sync_mmio: expect a dma-debug error: ' \
    'syncs an MMIO mapping'
SYNC_MMIO = debug_warn('syncs an MMIO mapping, which has nothing to sync')


def kinds(log, allowed=ALLOWED):
    return [k for k, _, _ in matrix.problems(log, allowed)]


def complete(log):
    return matrix.incomplete(log, matrix.ktap(log)[1])


def test_clean_and_allowed():
    assert kinds(kunit_log()) == []
    assert complete(kunit_log()) is None
    # every expected warning, in its own case
    log = kunit_log({'direct_map_resource_beyond_mask': MASK,
                     'phys_map_page_refuses_mmio': MMIO_PAGE,
                     'alloc_refuses_mmio': ALLOC_MMIO})
    assert kinds(log) == [], matrix.problems(log, ALLOWED)
    # the old form: dev_err_once() with the message, then WARN_ON_ONCE()
    old = ['kunit kunit-dev: DMA addr 0x0000001000000000+4096 overflow '
           '(mask ffffffff, bus limit 0).'] + \
        warn('kernel/dma/direct.c:514 dma_direct_map_resource+0x1/0x2')
    assert kinds(kunit_log({'direct_map_resource_beyond_mask': old})) == []
    # the ownership of lines: the case whose result comes next
    owner, _ = matrix.ktap(log)
    i = next(i for i, line in enumerate(log) if 'dma_alloc_attrs' in line)
    assert owner[i] == 'dma_mapping_direct.alloc_refuses_mmio', owner[i]
    assert owner[0] is None and owner[-1] is None


def test_warnings_bounded_to_case_and_text():
    # the right message in the wrong case, before any case, after the run
    assert kinds(kunit_log({'direct_map_single': ALLOC_MMIO})) == ['WARNING']
    assert kinds(kunit_log({'edu_map_single': MASK})) == ['WARNING']
    assert kinds(kunit_log(before=ALLOC_MMIO)) == ['WARNING']
    assert kinds(kunit_log(after=ALLOC_MMIO)) == ['WARNING']
    # the right case, another message or another WARN
    assert kinds(kunit_log({'alloc_refuses_mmio': OTHER})) == ['WARNING']
    assert kinds(kunit_log({'phys_map_page_refuses_mmio': MASK})) == \
        ['WARNING']
    # one warning allowed, a second one in the same case is not
    assert kinds(kunit_log({'alloc_refuses_mmio': ALLOC_MMIO + OTHER})) == \
        ['WARNING']


def test_expected_warnings_file():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'w')
        for bad in ('dma_mapping_direct.bad_input_* bad DMA',   # no " | "
                    'bad_input | bad DMA',                      # no suite
                    'dma_mapping_direct.x | (unclosed',         # bad regex
                    'dma_mapping_direct.x | '):                 # no regex
            with open(path, 'w') as f:
                f.write('# comment\n\n' + bad + '\n')
            try:
                matrix.expected_warnings(path)
            except ValueError as e:
                assert ':3:' in str(e), e
            else:
                raise AssertionError(f'accepted {bad!r}')
        with open(path, 'w') as f:
            f.write('a.b* | x | y\n')
        [(glob, rx)] = matrix.expected_warnings(path)
        assert glob == 'a.b*' and rx.pattern == 'x | y'
    # machines/expected-warnings: three for part 1, eight for the IOVA API
    assert len(ALLOWED) == 11
    assert sum(glob == 'dma_mapping_iova.edu_iova_bad_input'
               for glob, _ in ALLOWED) == 6
    assert sum(glob == 'dma_mapping_iova.edu_iova_untrusted_big'
               for glob, _ in ALLOWED) == 1


DETECTED = {
    'hung task': 'INFO: task kworker/0:1:23 blocked for more than 60 seconds.',
    'soft lockup': 'watchdog: BUG: soft lockup - CPU#0 stuck for 26s! '
                   '[kunit_try_catch:42]',
    'hard lockup': 'Watchdog detected hard LOCKUP on cpu 1',
    'RCU stall': 'rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:',
    'lockdep': 'WARNING: possible circular locking dependency detected',
    'lockdep disabled': 'Disabling lock debugging due to kernel taint',
    'dma-debug disabled': 'DMA-API: debugging out of memory - disabling',
    'KASAN': 'BUG: KASAN: slab-out-of-bounds in dma_map_phys+0x1/0x2',
    'UBSAN': 'UBSAN: array-index-out-of-bounds in kernel/dma/direct.c:1:2',
    'KFENCE': 'BUG: KFENCE: out-of-bounds read in foo+0x1/0x2',
    'panic': 'Kernel panic - not syncing: Fatal exception',
    'oops': 'Oops: general protection fault, probably for non-canonical '
            'address 0xdead: 0000 [#1] PREEMPT KASAN',
    'dma-debug error': 'WARNING: CPU: 0 PID: 1 at kernel/dma/debug.c:1 '
                       'check_unmap+0x1/0x2',
    'IOMMU fault': 'DMAR: [DMA Write NO_PASID] Request device [00:03.0] '
                   'fault addr 0xabc000 [fault reason 0x05] PTE Write access '
                   'is not set',
    'QEMU error': 'qemu: hardware error: edu: DMA out of range',
    'BUG': 'BUG: scheduling while atomic: kunit_try_catch/42/0x00000002',
    'WARNING': 'WARNING: CPU: 0 PID: 42 at mm/slub.c:1 kfree+0x1/0x2',
}
MORE = [
    ('RCU stall', 'rcu: INFO: rcu_sched self-detected stall on CPU'),
    ('RCU stall', 'rcu: INFO: rcu_preempt detected expedited stalls on '
     'CPUs/tasks: { 1-... }'),
    ('lockdep', 'WARNING: possible recursive locking detected'),
    ('lockdep', 'INFO: trying to register non-static key.'),
    ('lockdep', 'WARNING: inconsistent lock state'),
    ('lockdep', 'BUG: sleeping function called from invalid context at '
     'kernel/locking/mutex.c:585'),
    ('lockdep', 'WARNING: suspicious RCU usage'),
    ('dma-debug disabled', 'DMA-API: debugging out of memory error - disabled'),
    ('dma-debug disabled', 'DMA-API: cacheline tracking ENOMEM, dma-debug '
     'disabled'),
    ('oops', 'Internal error: Oops: 0000000096000004 [#1] PREEMPT SMP'),
    ('oops', 'Unable to handle kernel paging request at virtual address 0'),
    ('oops', 'kernel BUG at kernel/dma/swiotlb.c:100!'),
    ('IOMMU fault', 'virtio_iommu virtio0: fault from EP 24 at 0xabc000 '
     '[write]'),
    ('IOMMU fault', 'pci 0000:00:03.0: Event logged [IO_PAGE_FAULT '
     'domain=0x0002 address=0xabc000 flags=0x0030]'),
    ('BUG', 'BUG: unable to handle page fault for address: ffff888000000000'),
]


def test_detectors():
    allow_all = [('*', re.compile('.'))]
    for kind, line in list(DETECTED.items()) + MORE:
        assert matrix.detector(line) == kind, (line, matrix.detector(line))
        # fails the run inside a case and outside of any case
        assert kinds(kunit_log({'alloc_refuses_mmio': [line]}), []) == [kind]
        assert kinds(kunit_log(before=[line]), []) == [kind]
        # no entry of expected-warnings allows it, but a plain WARNING
        if kind != 'WARNING':
            log = kunit_log({'alloc_refuses_mmio': [line]})
            assert kinds(log, allow_all) == [kind], (kind, kinds(log))
    # an allow-all entry allows a plain WARNING inside a case only
    assert kinds(kunit_log({'edu_map_sg': OTHER}), allow_all) == []
    assert kinds(kunit_log(before=OTHER), allow_all) == ['WARNING']
    assert kinds(kunit_log({'edu_map_sg': [
        'WARNING: stack recursion on stack type 4']}), allow_all) == \
        ['WARNING']
    # the usual lines of a clean boot detect nothing
    for line in ('kasan: KernelAddressSanitizer initialized (generic)',
                 'Lock dependency validator: Copyright (c) 2006 Red Hat, Inc.',
                 'DMA-API: preallocated 65536 debug entries',
                 'DMA-API: debugging enabled by kernel config',
                 'rcu: RCU calculated value of scheduler-enlistment delay',
                 'DMAR: IOMMU enabled', 'watchdog: Delayed init of the '
                 'lockup detector', 'Run /init as init process'):
        assert matrix.detector(line) is None, line


def test_dma_debug_announcements():
    sync = {'debug_catches_sync_mmio': [ANNOUNCE_SYNC] + SYNC_MMIO}
    assert kinds(kunit_log(sync)) == []
    # unannounced; announced by another case; announced, other error
    assert kinds(kunit_log({'debug_catches_sync_mmio': SYNC_MMIO})) == \
        ['dma-debug error']
    assert kinds(kunit_log({'debug_catches_sync_mmio': [ANNOUNCE_SYNC],
                            'debug_catches_wrong_unmap': SYNC_MMIO})) == \
        ['dma-debug error']
    other = debug_warn('frees DMA memory with wrong function')
    assert kinds(kunit_log({'debug_catches_sync_mmio': [ANNOUNCE_SYNC] +
                            other})) == ['dma-debug error']
    # one announcement allows one report
    assert kinds(kunit_log({'debug_catches_sync_mmio': [ANNOUNCE_SYNC] +
                            SYNC_MMIO + SYNC_MMIO})) == ['dma-debug error']


def test_iommu_faults():
    announce = '    # edu_unmap_blocks_dma: expect an IOMMU write fault at ' \
        '0x0000000000abc000'
    fault = DETECTED['IOMMU fault']
    assert kinds(kunit_log({'edu_unmap_blocks_dma': [announce, fault]})) == []
    # another page; a fault before the announcement
    assert kinds(kunit_log({'edu_unmap_blocks_dma': [
        announce, fault.replace('0xabc000', '0xdef000')]})) == ['IOMMU fault']
    assert kinds(kunit_log({'edu_map_sg': [fault],
                            'edu_unmap_blocks_dma': [announce]})) == \
        ['IOMMU fault']
    amd = 'pci 0000:00:03.0: Event logged [IO_PAGE_FAULT domain=0x0002 ' \
        'address=0xabc000 flags=0x0030]'
    assert kinds(kunit_log({'edu_unmap_blocks_dma': [announce, amd]})) == []
    assert kinds(kunit_log({'edu_unmap_blocks_dma': [
        announce, amd.replace('0xabc000', '0xdef000')]})) == ['IOMMU fault']
    # reported from the IOMMU's interrupt thread after the case ended: the
    # next case may show it, a later one may not
    assert kinds(kunit_log({'edu_unmap_blocks_dma': [announce],
                            'edu_bad_input': [fault]})) == []
    assert kinds(kunit_log({'edu_unmap_blocks_dma': [announce],
                            'debug_no_unexpected_errors': [fault]})) == \
        ['IOMMU fault']
    smmu = ['arm-smmu-v3 9050000.smmuv3: event 0x10 received:',
            'arm-smmu-v3 9050000.smmuv3: \t0x0000000100000010',
            'arm-smmu-v3 9050000.smmuv3: \t0x0000020800000000',
            'arm-smmu-v3 9050000.smmuv3: \t0x0000000000abc000',
            'arm-smmu-v3 9050000.smmuv3: \t0x0000000000000000']
    assert kinds(kunit_log({'edu_unmap_blocks_dma': [announce] + smmu})) == []
    smmu[3] = smmu[3].replace('abc', 'def')
    assert kinds(kunit_log({'edu_unmap_blocks_dma': [announce] + smmu})) == \
        ['IOMMU fault']


def test_hangs():
    why = complete(kunit_log(stop='dma_mapping_pci.edu_map_sg'))
    assert why.startswith('hung after dma_mapping_pci.edu_map_sg '
                          '(case 2 of 5)'), why
    assert 'the log ends before the KUnit plan completes' in why, why
    log = kunit_log(stop='dma_mapping_pci.edu_map_sg') + \
        ["Command '['qemu-system-x86_64']' timed out after 900 seconds"]
    assert complete(log).endswith('kunit.py timed out'), complete(log)
    why = complete(kunit_log(stop='dma_mapping_pci'))
    assert why.startswith('hung in dma_mapping_pci before its first case '
                          'finished (last case that finished: '
                          'dma_mapping_direct.debug_catches_wrong_unmap)'), why
    why = complete(kunit_log(stop='dma_mapping_direct'))
    assert why.startswith('hung in dma_mapping_direct before its first'), why
    assert complete(ts(['Linux version 6.12', 'Kernel panic'])).startswith(
        'no KUnit test plan'), complete(ts(['Linux version 6.12']))
    # the last suite finished but the plan announced another one
    log = kunit_log()
    cut = next(i for i, line in enumerate(log)
               if 'ok 1 dma_mapping_direct' in line)
    why = complete(log[:cut + 1])
    assert why.startswith('hung after dma_mapping_direct.debug_catches_wrong_'
                          'unmap (suite 1 of 2 finished)'), why
    # skips and parameterised cases complete normally
    assert complete(kunit_log(skip=('edu_map_sg',))) is None
    param = ['        KTAP version 1', '        # Subtest: edu_map_sg',
             *ALLOC_MMIO, '        ok 1 4 KiB', '        ok 2 64 KiB']
    log = kunit_log({'edu_map_sg': param})
    assert complete(log) is None
    owner, _ = matrix.ktap(log)
    i = next(i for i, line in enumerate(log) if 'dma_alloc_attrs' in line)
    assert owner[i] == 'dma_mapping_pci.edu_map_sg', owner[i]
    why = complete(log[:next(i for i, line in enumerate(log)
                             if '64 KiB' in line) + 1])
    assert why.startswith('hung after dma_mapping_pci.edu_map_single'), why


def test_conf():
    real = [n[:-5] for n in os.listdir(matrix.MACHINES)
            if n.endswith('.conf') and n != 'common.conf']
    for name in real:
        matrix.read_conf(name)
    saved = matrix.MACHINES
    with tempfile.TemporaryDirectory() as d:
        matrix.MACHINES = d
        try:
            with open(os.path.join(d, 'common.conf'), 'w') as f:
                f.write('# devices\nqemu: -smp 2\n')
            for body, err in (('qemu: -machine q35\n', None),
                              ('arch: arm64\n', None),
                              ('tier: all\n', None),
                              ('tier: check\n', None),
                              ('tier: nightly\n', 'unknown tier "nightly"'),
                              ('expect: x\nexpext: y\n',
                               'unknown key "expext"'),
                              ('just a line\n', 'unknown key'),
                              ('arch: mips\n', 'unknown arch "mips"'),
                              ('reject: (x\n', 'bad regex')):
                with open(os.path.join(d, 'm.conf'), 'w') as f:
                    f.write(body)
                try:
                    matrix.read_conf('m')
                    assert err is None, body
                except matrix.ConfigError as e:
                    assert err and err in str(e), (body, e)
            for name in ('nosuch', 'common'):
                try:
                    matrix.read_conf(name)
                    raise AssertionError(name)
                except matrix.ConfigError:
                    pass
        finally:
            matrix.MACHINES = saved


def test_tiers():
    """make check boots the machines without "tier: all", make check-all
    (TIER=all) every machine: lib.sh's tier_machines agrees with the
    tiers matrix.py reads."""
    lib = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'lib.sh')
    names = sorted(n[:-5] for n in os.listdir(matrix.MACHINES)
                   if n.endswith('.conf') and n != 'common.conf')
    tier = {n: (matrix.read_conf(n)['tier'] or ['check'])[-1] for n in names}
    for run, want in (('check', [n for n in names if tier[n] != 'all']),
                      ('all', names)):
        env = dict(os.environ, TIER=run)
        out = subprocess.run(['bash', '-c', f'. "{lib}" && tier_machines'],
                             env=env, capture_output=True, text=True,
                             check=True).stdout.split()
        assert sorted(out) == want, (run, out, want)


def test_runs_somewhere():
    """A case that passes on no machine of the run fails, unless a machine
    of the "all" tier that is not in the run must pass it."""
    saved = matrix.MACHINES
    with tempfile.TemporaryDirectory() as d:
        matrix.MACHINES = d
        try:
            for name, body in (('common', ''),
                               ('a', 'must-pass: s.hw_*\n'),
                               ('late', 'tier: all\nmust-pass: s.*high*\n')):
                with open(os.path.join(d, name + '.conf'), 'w') as f:
                    f.write(body)
            seen = {'s.x': {'PASS', 'SKIP'}, 's.highmem': {'SKIP'},
                    's.hw_only': {'SKIP'}, 's.broken': {'FAIL', 'SKIP'}}
            got = {w: s for s, w, _ in matrix.runs_somewhere(seen, ['a', 'b'])}
            w = 'matrix/runs-somewhere: s.'
            assert got == {w + 'x': 'PASS', w + 'highmem': 'SKIP',
                           w + 'hw_only': 'FAIL', w + 'broken': 'FAIL'}, got
            # make check-all: the "all" machine ran, and its case must pass
            got = {w: s for s, w, _ in
                   matrix.runs_somewhere(seen, ['a', 'late'])}
            assert got[w + 'highmem'] == 'FAIL', got
        finally:
            matrix.MACHINES = saved


def test_steps_and_judge():
    fail = {'x': 'FAIL'}
    ok = {'x': 'PASS'}
    sf = matrix.step_failures
    assert list(sf({'exec': 0, 'parse': 0}, ok)) == []
    assert list(sf({'exec': 0, 'parse': 1}, fail)) == []
    assert list(sf({'exec': 0, 'parse': 1}, ok)) == [('kunit-parse', 'exit 1')]
    assert list(sf({'exec': 2, 'parse': 0}, ok)) == [('kunit-exec', 'exit 2')]
    assert list(sf({'exec': 'timed out after 1 s', 'parse': 0}, ok)) == \
        [('kunit-exec', 'timed out after 1 s')]
    conf = matrix.read_conf('direct')
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, 'm.log'), 'w') as f:
            f.write('\n'.join(kunit_log({'edu_map_single': OTHER},
                                        stop='dma_mapping_pci.edu_map_sg')))
        with open(os.path.join(d, 'm.json'), 'w') as f:
            json.dump({'name': 'KUnit Test Group', 'test_cases': [],
                       'sub_groups': [{'name': 'dma_mapping_pci',
                                       'sub_groups': [], 'test_cases': [
                                           {'name': 'edu_map_single',
                                            'status': 'PASS'}]}]}, f)
        status = {'exec': 1, 'parse': 0}
        lines = {(s, w) for s, w, _ in matrix.judge('m', d, conf, status)}
        for want in (('FAIL', 'm/kunit-exec'), ('FAIL', 'm/kunit-complete'),
                     ('PASS', 'm/dma_mapping_pci.edu_map_single'),
                     ('FAIL', 'm/kernel: WARNING')):
            assert want in lines, (want, lines)
        assert ('PASS', 'm/kernel-log-clean') not in lines


def test_boot_timeout_and_stale_results():
    """boot() removes the old results first, and kills a kunit.py that
    does not finish; a fake kunit.py stands in for the kernel's."""
    saved = matrix.KUNIT_PY, matrix.TREE, matrix.EXEC_TIMEOUT
    with tempfile.TemporaryDirectory() as d:
        fake = os.path.join(d, 'kunit.py')
        with open(fake, 'w') as f:
            f.write('import sys, time\n'
                    'if sys.argv[1] == "exec":\n'
                    '    print("booting", flush=True)\n'
                    '    time.sleep(30 if "--arch=x86_64" in sys.argv else 0)\n'
                    '    sys.exit(0)\n'
                    'sys.exit(3)\n')
        for ext in ('.log', '.json'):
            with open(os.path.join(d, 'm' + ext), 'w') as f:
                f.write('{"name": "stale", "test_cases": '
                        '[{"name": "x", "status": "PASS"}]}')
        matrix.KUNIT_PY, matrix.TREE, matrix.EXEC_TIMEOUT = fake, d, 1
        try:
            st = matrix.boot('m', matrix.read_conf('direct'), d)
        finally:
            matrix.KUNIT_PY, matrix.TREE, matrix.EXEC_TIMEOUT = saved
        assert st == {'exec': 'timed out after 1 s', 'parse': 3}, st
        assert not os.path.exists(os.path.join(d, 'm.json'))
        assert matrix.read_log(d, 'm') == ['booting']
        assert matrix.cases_of(d, 'm') == {}


def main():
    tests = [(n, f) for n, f in globals().items() if n.startswith('test_')]
    for name, test in tests:
        test()
        print(f'ok {name}')
    print(f'{len(tests)} tests passed')


if __name__ == '__main__':
    main()
