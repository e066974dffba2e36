#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot the KUnit kernel on the machines of the matrix and judge each run.

  matrix.py run [--results DIR] MACHINE...   boot, judge, print one line a check
  matrix.py report MACHINE                   readable report of a finished run

A machine is machines/NAME.conf plus machines/common.conf: "arch:" names
the architecture whose KUnit kernel it boots (default x86_64; built by
scripts/build.sh ARCH), "tier:" when it runs ("check", the default: in
make check and make check-all; "all": in make check-all only, see
scripts/lib.sh), "qemu:" and "kernel:" lines give QEMU and kernel
arguments, "expect:"/"reject:" lines
are regular expressions that must (not) match the kernel log, "must-pass:"
lines are suite.case globs that must pass (not skip) on that machine. Any
other key fails the machine.

The kernel tree is build/linux, or $TREE (as in scripts/lib.sh).

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
import signal
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TREE = os.environ.get('TREE') or os.path.join(TOP, 'build', 'linux')
KUNIT_OUT = os.path.join(TOP, 'build', 'kunit')
KUNITCONFIGS = os.path.join(TOP, 'kunit')
MACHINES = os.path.join(TOP, 'machines')
EXPECTED_WARNINGS = os.path.join(MACHINES, 'expected-warnings')
KUNIT_PY = os.path.join(TREE, 'tools', 'testing', 'kunit', 'kunit.py')
CONF_KEYS = ('arch', 'tier', 'qemu', 'kernel', 'expect', 'reject',
             'must-pass')
TIERS = ('check', 'all')
# kunit.py's own timeout for the kernel, and ours for kunit.py itself.
KUNIT_TIMEOUT = 900
EXEC_TIMEOUT = KUNIT_TIMEOUT + 300

# Kernel log lines that mean the kernel itself went wrong, by detector; the
# first that matches names the problem. Only a plain WARNING (WARN_LINE)
# can be allowed (machines/expected-warnings), a dma-debug report only
# when announced, an IOMMU fault only on an announced page.
DETECTORS = [(kind, re.compile(rx)) for kind, rx in (
    ('hung task', r'INFO: task .* blocked for more than'),
    ('soft lockup', r'watchdog: BUG: soft lockup'),
    ('hard lockup', r'Watchdog detected hard LOCKUP'),
    ('RCU stall', r'INFO: .*detected .*stall|self-detected stall'),
    ('lockdep', r'WARNING: possible circular locking dependency|'
     r'WARNING: possible recursive locking|'
     r'INFO: trying to register non-static key|'
     r'WARNING: inconsistent lock state|'
     r'BUG: sleeping function called from invalid context|'
     r'WARNING: suspicious RCU usage|'
     r'WARNING: possible irq lock inversion|'
     r'WARNING: \S+-safe -> \S+-unsafe lock order|'
     r'WARNING: bad unlock balance|WARNING: held lock freed|'
     r'BUG: MAX_\w+ too low'),
    # lockdep and dma-debug switching themselves off hide later reports
    ('lockdep disabled', r'Disabling lock debugging due to kernel taint'),
    ('dma-debug disabled', r'DMA-API: .*(out of memory|disabl|'
     r'but only \d+ allocated)'),
    ('KASAN', r'BUG: KASAN'),
    ('UBSAN', r'UBSAN:'),
    ('KFENCE', r'BUG: KFENCE'),
    ('panic', r'Kernel panic'),
    ('oops', r'Oops|general protection fault|Unable to handle kernel|'
     r'kernel BUG at'),
    ('dma-debug error', r'WARNING: .* at (\S*/)?kernel/dma/debug\.c:'),
    ('IOMMU fault', r'DMAR: \[DMA (Read|Write)|fault from EP|'
     r'arm-smmu-v3 .*: event 0x[0-9a-f]+ received|'
     r'Event logged \[IO_PAGE_FAULT'),
    ('QEMU error', r'qemu: hardware error'),
    ('BUG', r'BUG:'),
    ('WARNING', r'WARNING:'),
)]
WARN_LINE = re.compile(r'WARNING: CPU: \d+ PID: \d+ at ')
CUT_HERE = '[ cut here ]'
# An IOMMU fault is allowed only on a page a case announced beforehand,
# in that case (or the next one: the IOMMU driver reports from its
# interrupt thread, maybe after the case ended). SMMUv3 prints an event as
# raw words; the third holds the input address.
FAULT_EXPECTED = re.compile(r'expect an IOMMU write fault at (0x[0-9a-f]+)')
FAULT_ADDR = re.compile(r'(?:fault addr|fault from EP \d+ at|'
                        r'IO_PAGE_FAULT .*address=) ?(0x[0-9a-f]+)')
SMMU_EVENT = re.compile(r'arm-smmu-v3 .*: event 0x[0-9a-f]+ received')
SMMU_WORD = re.compile(r'arm-smmu-v3 .*:\s+(0x[0-9a-f]{16})\s*$')
# A dma-debug report (a WARNING in kernel/dma/debug.c) is allowed only in
# the case that announced it just before, with the announced text in its
# message; the case itself checks dma-debug's error count, and the last
# case that nothing else was counted.
DEBUG_EXPECTED = re.compile(r'expect a dma-debug error: (.*?)\s*$')
DMA_PATH = re.compile(r'# (\w+): dma-path=(\w+) dev=(\S+) bytes=(\d+)')
# KTAP as KUnit prints it, after the printk timestamp; kunit.py's timeout.
TIMESTAMP = re.compile(r'^\[\s*\d+\.\d+\](\[\s*[CT]\d+\])? ?')
KTAP_HEADER = re.compile(r'^\s*# Subtest: (.*?)\s*$')
KTAP_PLAN = re.compile(r'^\s*1\.\.(\d+)\s*$')
KTAP_RESULT = re.compile(r'^\s*(ok|not ok) \d+ (?:- )?([^#]*?)\s*(#.*)?$')
KTAP_LINE = re.compile(r'^\s*(#|(not )?ok \d)')
KUNIT_TIMED_OUT = re.compile(r"^Command '.*' timed out after [\d.]+ seconds")


class ConfigError(Exception):
    pass


def read_conf(name):
    """The settings of a machine; ConfigError if it is not a valid one."""
    conf = collections.defaultdict(list)
    if name == 'common' or '/' in name:
        raise ConfigError(f'no machine {name}')
    for fname in ('common.conf', name + '.conf'):
        path = os.path.join(MACHINES, fname)
        if not os.path.exists(path):
            raise ConfigError(f'no machine {name} (no machines/{fname})')
        with open(path) as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line or line.startswith('#'):
                    continue
                key, colon, val = line.partition(':')
                key, val = key.strip(), val.strip()
                where = f'machines/{fname}:{n}'
                if not colon or key not in CONF_KEYS:
                    raise ConfigError(f'{where}: unknown key "{key}" '
                                      f'(known: {", ".join(CONF_KEYS)})')
                if key in ('expect', 'reject'):
                    try:
                        re.compile(val)
                    except re.error as e:
                        raise ConfigError(f'{where}: bad regex: {e}')
                if key == 'tier' and val not in TIERS:
                    raise ConfigError(f'{where}: unknown tier "{val}" '
                                      f'(known: {", ".join(TIERS)})')
                conf[key].append(val)
    arch = arch_of(conf)
    if not os.path.exists(os.path.join(KUNITCONFIGS, arch + '.kunitconfig')):
        raise ConfigError(f'unknown arch "{arch}" '
                          f'(no kunit/{arch}.kunitconfig)')
    return conf


def expected_warnings(path=EXPECTED_WARNINGS):
    """[(case glob, regex)] from machines/expected-warnings; ValueError if
    a line is not "suite.case-glob | regex"."""
    out = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            glob, sep, rx = line.partition(' | ')
            glob, rx = glob.strip(), rx.strip()
            if not sep or '.' not in glob or not rx:
                raise ValueError(f'{path}:{n}: not "suite.case-glob | regex"')
            try:
                out.append((glob, re.compile(rx)))
            except re.error as e:
                raise ValueError(f'{path}:{n}: bad regex: {e}')
    return out


def strip_ts(line):
    return TIMESTAMP.sub('', line, count=1)


def ktap(log):
    """Follow KUnit's output. Returns (owner, progress): owner[i] is the
    "suite.case" log[i] belongs to (the case whose result line comes next
    within the current suite: KUnit prints nothing when a case starts), or
    None outside any case; progress says how far the run got."""
    owner = [None] * len(log)
    stack = []          # open "# Subtest:" blocks: [name, plan, done, last]
    pending = []        # lines waiting for the result line of their case
    prog = {'plan': None, 'suites': 0, 'last': None, 'suite': None,
            'done': 0, 'suite_plan': None}

    def settle(who):
        for j in pending:
            owner[j] = who
        pending.clear()

    for i, raw in enumerate(log):
        line = strip_ts(raw)
        pending.append(i)
        m = KTAP_HEADER.match(line)
        if m:
            if not stack:
                settle(None)
            stack.append([m.group(1), None, 0, None])
            continue
        m = KTAP_PLAN.match(line)
        if m:
            if not stack:
                prog['plan'] = int(m.group(1))
            elif stack[-1][1] is None:
                stack[-1][1] = int(m.group(1))
            continue
        m = KTAP_RESULT.match(line)
        if not m or not stack:
            continue
        name = m.group(2)
        if name == stack[-1][0]:
            # the end of a block: a suite, or a parameterised case
            stack.pop()
            if not stack:
                prog['suites'] += 1
                continue
        else:
            # a case, or one parameter of a parameterised case
            stack[-1][2] += 1
            stack[-1][3] = name
        suite = stack[0]
        case = stack[1][0] if len(stack) > 1 else name
        settle(f'{suite[0]}.{case}')
        if len(stack) == 1:
            prog['last'] = f'{suite[0]}.{case}'
            prog.update(suite=suite[0], done=suite[2], suite_plan=suite[1])
    if stack:
        prog['open'] = stack[0][0]
    return owner, prog


def incomplete(log, prog):
    """Why the KUnit run did not finish its plan, or None if it did."""
    timed_out = any(KUNIT_TIMED_OUT.search(line) for line in log)
    if prog['plan'] is None:
        why = 'no KUnit test plan (the kernel did not boot or KUnit did ' \
              'not start)'
    elif prog['suites'] >= prog['plan'] and 'open' not in prog and \
            not timed_out:
        return None
    elif prog.get('open') and prog['suite'] != prog['open']:
        why = f'hung in {prog["open"]} before its first case finished'
        if prog['last']:
            why += f' (last case that finished: {prog["last"]})'
    elif prog['last']:
        why = f'hung after {prog["last"]}'
        if prog.get('open'):
            why += f' (case {prog["done"]} of {prog["suite_plan"]})'
        else:
            why += f' (suite {prog["suites"]} of {prog["plan"]} finished)'
    else:
        why = f'hung before the first case finished ' \
              f'({prog["suites"]} of {prog["plan"]} suites)'
    return why + ('; kunit.py timed out' if timed_out else
                  '; the log ends before the KUnit plan completes')


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


def warning_text(log, i):
    """The lines that report the WARNING at log[i]: from the line before
    its "[ cut here ]" (dev_err() + WARN_ON()) through the line after it
    (the message of a WARN() on architectures that print it there), but
    not KUnit's own lines (a case's announcement is no kernel message)."""
    start = i - 1
    for j in range(i - 1, max(i - 8, -1), -1):
        if CUT_HERE in log[j]:
            start = j - 1
            break
        if WARN_LINE.search(log[j]) or '---[ end trace' in log[j]:
            break
    return [line for line in log[max(start, 0):i + 2]
            if not KTAP_LINE.match(strip_ts(line))]


def detector(line):
    return next((kind for kind, rx in DETECTORS if rx.search(line)), None)


def problems(log, allowed):
    """[(kind, line, case)] for the kernel log lines that fail a run: see
    DETECTORS. allowed: expected_warnings()."""
    owner, _ = ktap(log)
    debug_pending, out = [], []
    pages = {}          # announced page -> [announcing case, next case]
    for i, line in enumerate(log):
        for who in pages.values():
            if owner[i] and owner[i] != who[0] and who[1] is None:
                who[1] = owner[i]
        m = FAULT_EXPECTED.search(line)
        if m:
            pages[int(m.group(1), 16) >> 12] = [owner[i], None]
        m = DEBUG_EXPECTED.search(line)
        if m:
            debug_pending.append((owner[i], m.group(1)))
            continue
        kind = detector(line)
        if kind is None:
            continue
        if kind == 'dma-debug error':
            text = warning_text(log, i)
            hit = next((p for p in debug_pending if p[0] == owner[i] and
                        any(p[1] in t for t in text)), None)
            if hit:
                debug_pending.remove(hit)
                continue
        elif kind == 'IOMMU fault':
            addr = fault_addr(log, i)
            who = pages.get(addr >> 12) if addr is not None else None
            if who and owner[i] in (who[0], who[1]):
                continue
        elif kind == 'WARNING' and WARN_LINE.search(line) and owner[i]:
            text = warning_text(log, i)
            if any(fnmatch.fnmatchcase(owner[i], glob) and
                   any(rx.search(t) for t in text) for glob, rx in allowed):
                continue
        out.append((kind, strip_ts(line).strip(), owner[i]))
    return out


def arch_of(conf):
    return (conf['arch'] or ['x86_64'])[-1]


def kunit_out(arch):
    """Build directory of an architecture's kernel: see scripts/lib.sh."""
    return KUNIT_OUT if arch == 'x86_64' else KUNIT_OUT + '-' + arch


def boot(name, conf, results):
    """Run kunit.py exec, then parse. The old results of the machine go
    first. Returns {"exec": status, "parse": status}: an exit code, or why
    the step did not finish."""
    arch = arch_of(conf)
    log = os.path.join(results, name + '.log')
    for ext in ('.log', '.json'):
        if os.path.exists(os.path.join(results, name + ext)):
            os.remove(os.path.join(results, name + ext))
    cmd = [sys.executable, KUNIT_PY, 'exec', '--arch=' + arch,
           '--build_dir=' + kunit_out(arch),
           '--kunitconfig=' + os.path.join(KUNITCONFIGS, 'dma.kunitconfig'),
           '--kunitconfig=' + os.path.join(KUNITCONFIGS, arch + '.kunitconfig'),
           '--raw_output=all', f'--timeout={KUNIT_TIMEOUT}']
    cmd += ['--qemu_args=' + a for a in conf['qemu']]
    cmd += ['--kernel_args=' + a for a in conf['kernel']]
    status = {}
    with open(log, 'w') as f:
        try:
            # its own session: a timeout kills QEMU along with kunit.py
            p = subprocess.Popen(cmd, cwd=TREE, stdout=f,
                                 stderr=subprocess.STDOUT,
                                 start_new_session=True)
            try:
                status['exec'] = p.wait(timeout=EXEC_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
                status['exec'] = f'timed out after {EXEC_TIMEOUT} s'
        except OSError as e:
            status['exec'] = str(e)
    try:
        status['parse'] = subprocess.run(
            [sys.executable, KUNIT_PY, 'parse',
             '--json=' + os.path.join(results, name + '.json'), log],
            cwd=TREE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            check=False, timeout=300).returncode
    except subprocess.TimeoutExpired:
        status['parse'] = 'timed out after 300 s'
    except OSError as e:
        status['parse'] = str(e)
    return status


def step_failures(status, cases):
    """Yield (what, detail) for the kunit.py steps that failed. parse exits
    1 when a case failed: that case already fails the run."""
    for step, st in sorted(status.items()):
        if st == 0:
            continue
        if step == 'parse' and st == 1 and \
                any(s not in ('PASS', 'SKIP') for s in cases.values()):
            continue
        yield f'kunit-{step}', f'exit {st}' if isinstance(st, int) else st


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
            # kunit.py names a case it expected but never saw ''
            out[prefix + (case['name'] or '(missing)')] = case['status']
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


def judge_log(name, log, allowed):
    """Yield (status, what, detail) for what the kernel log shows."""
    _, prog = ktap(log)
    why = incomplete(log, prog)
    yield ('FAIL' if why else 'PASS'), f'{name}/kunit-complete', why or ''
    found = collections.defaultdict(list)
    for kind, line, case in problems(log, allowed):
        found[kind].append(f'{line} (in {case or "no case"})')
    for kind, lines in found.items():
        more = f'; {len(lines) - 2} more' if len(lines) > 2 else ''
        yield 'FAIL', f'{name}/kernel: {kind}', '; '.join(lines[:2]) + more
    if not found:
        yield 'PASS', f'{name}/kernel-log-clean', ''


def judge(name, results, conf, status=None):
    """Yield (status, what, detail) for one finished machine run; status:
    what boot() returned."""
    cases = cases_of(results, name)
    log = read_log(results, name)
    text = '\n'.join(log)

    for what, problem in step_failures(status or {}, cases):
        yield 'FAIL', f'{name}/{what}', problem
    if not cases:
        yield 'FAIL', f'{name}/kunit-results', 'no KUnit results (boot failed?)'
    for case, status in sorted(cases.items()):
        yield {'PASS': 'PASS', 'SKIP': 'SKIP'}.get(status, 'FAIL'), \
            f'{name}/{case}', status

    try:
        allowed = expected_warnings()
    except (OSError, ValueError) as e:
        yield 'FAIL', f'{name}/expected-warnings', str(e)
        allowed = []
    yield from judge_log(name, log, allowed)

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


def show(status, what, detail):
    print(f'{status} {what}' + (f'  [{detail}]' if detail and
                                status != 'PASS' else ''), flush=True)


def cmd_run(args):
    # kunit.py runs in the kernel tree: paths must not be relative
    args.results = os.path.abspath(args.results)
    os.makedirs(args.results, exist_ok=True)
    seen = collections.defaultdict(set)
    failed = 0
    for name in args.machines:
        try:
            conf = read_conf(name)
        except ConfigError as e:
            failed += 1
            show('FAIL', f'{name}/config', str(e))
            continue
        print(f'==> booting machine {name}', file=sys.stderr, flush=True)
        steps = boot(name, conf, args.results)
        for status, what, detail in judge(name, args.results, conf, steps):
            failed += status == 'FAIL'
            show(status, what, detail)
        for case, status in cases_of(args.results, name).items():
            seen[case].add(status)
    if len(args.machines) > 1:
        for status, what, detail in runs_somewhere(seen, args.machines):
            failed += status == 'FAIL'
            show(status, what, detail)
    return 1 if failed else 0


def runs_somewhere(seen, ran):
    """Yield (status, what, detail) for each case of seen ({case: set of
    statuses}) over the machines that ran. A skip may only mean "this
    machine lacks the hardware": every case must run and pass on at least
    one machine of the matrix. A case that only a machine of the "all"
    tier left out of this run has (make check) must pass, and does so in
    make check-all: it skips here, naming that machine's must-pass line."""
    later = []
    for name in sorted(n[:-5] for n in os.listdir(MACHINES)
                       if n.endswith('.conf') and n != 'common.conf'):
        try:
            conf = read_conf(name)
        except ConfigError:
            continue        # fails where it runs
        if name not in ran and (conf['tier'] or ['check'])[-1] == 'all':
            later += [(name, glob) for glob in conf['must-pass']]
    for case, statuses in sorted(seen.items()):
        what = f'matrix/runs-somewhere: {case}'
        detail = ','.join(sorted(statuses))
        if 'PASS' in statuses:
            yield 'PASS', what, detail
            continue
        hit = next((f'{n} (tier all): must-pass: {g}' for n, g in later
                    if fnmatch.fnmatch(case, g)), None)
        yield ('SKIP', what, f'{detail}; {hit}') if hit else \
            ('FAIL', what, detail)


def cmd_report(args):
    name = args.machine
    conf = read_conf(name)
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
    try:
        found = problems(log, expected_warnings())
    except ValueError as e:
        found = [('expected-warnings', str(e), None)]
    dbg = [p for p in found if p[0].startswith('dma-debug')]
    bad = [p for p in found if not p[0].startswith('dma-debug')]
    why = incomplete(log, ktap(log)[1])

    print(f'DMA paths exercised on machine "{name}"')
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
    if why:
        print(f'  KUnit run incomplete: {why}')
    for case, status in sorted(cases.items()):
        if status != 'PASS':
            print(f'    {status:<5} {case}')
    print(f'  dma-debug errors: {len(dbg)}')
    print(f'  unexpected kernel warnings/bugs: {len(bad)}')
    for kind, line, case in (dbg + bad)[:5]:
        print(f'    {kind}: {line} (in {case or "no case"})')
    print(f'  full log: {os.path.join(args.results, name + ".log")}')
    ok = (cases and all(s in ('PASS', 'SKIP') for s in cases.values())
          and not found and not why)
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
    try:
        return cmd_run(args) if args.cmd == 'run' else cmd_report(args)
    except ConfigError as e:
        sys.exit(f'matrix: {e}')


if __name__ == '__main__':
    sys.exit(main())
