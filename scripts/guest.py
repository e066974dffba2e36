#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot a machine of machines/ with a kernel and the guest initramfs
(scripts/initramfs.sh), run one script of guest/ in it, and judge the run.

  guest.py [--kernel DIR] [--results DIR] [--timeout S] MACHINE RUN [ARG...]

The kernel is the machine's KUnit kernel unless --kernel names another
build directory (make bench's non-debug kernels); KUnit does not run
(kunit.enable=0). The machine's QEMU and kernel arguments are those of the
matrix. The log goes to RESULTS/guest-MACHINE-RUN.log and the script's
output is printed. The exit status is the script's (its GUEST-EXIT line),
or 1 when the guest did not report one (crash, timeout) or the kernel log
has a problem the matrix would fail a run for (matrix.problems(): a
WARNING, a dma-debug error, lockdep, KASAN, an IOMMU fault, ...).

  guest.py check [--results DIR]

make check's part: the benchmark's TAP self-check (guest/bench-check) on
the machines that must run it, one PASS/FAIL line a TAP result and one for
the run.
"""

import argparse
import os
import re
import shlex
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matrix  # noqa: E402

GUEST = os.path.join(matrix.TOP, 'build', 'guest')
# what kunit.py's qemu_configs give each architecture
ARCHES = {
    'x86_64': ('qemu-system-x86_64', 'arch/x86/boot/bzImage', 'console=ttyS0',
               ['-bios', 'qboot.rom']),
    'arm64': ('qemu-system-aarch64', 'arch/arm64/boot/Image.gz',
              'console=ttyAMA0',
              ['-machine', 'virt', '-cpu', 'max,pauth-impdef=on']),
}
EXIT = re.compile(r'GUEST-EXIT (\d+)')
TAP = re.compile(r'^(ok|not ok) \d+ (.*)$')
# make check: the TAP self-check on one machine with an IOMMU, where mode
# IOVA must use IOVA space (1), and one without, where it must fall back
# to dma_map_phys() (0)
CHECK_MACHINES = {'iommu-strict': '1', 'direct': '0'}
PLAN = re.compile(r'^1\.\.(\d+)$')


def boot(machine, run, args, kernel=None, results=None, timeout=600,
         qemu_args=()):
    """(exit status, output lines of the guest) of one boot; qemu_args
    come last, after the machine's own."""
    conf = matrix.read_conf(machine)
    arch = matrix.arch_of(conf)
    if arch not in ARCHES:
        raise matrix.ConfigError(f'no guest userspace for {arch}')
    qemu, image, console, extra = ARCHES[arch]
    kernel = kernel or matrix.kunit_out(arch)
    initrd = os.path.join(GUEST, arch + '.cpio.gz')
    for f in (os.path.join(kernel, image), initrd):
        if not os.path.exists(f):
            raise matrix.ConfigError(f'{f} missing')
    append = conf['kernel'] + ['kunit.enable=0', 'rdinit=/init', 'panic=-1',
                               'guest.run=' + run, console]
    if args:
        append.append('guest.args=' + ','.join(args))
    cmd = [qemu, '-nodefaults', '-m', '1024', '-kernel',
           os.path.join(kernel, image), '-initrd', initrd,
           '-append', ' '.join(append), '-no-reboot', '-nographic',
           '-serial', 'stdio'] + extra
    for a in conf['qemu']:
        cmd += shlex.split(a)
    cmd += list(qemu_args)
    results = results or os.path.join(matrix.TOP, 'build', 'results')
    os.makedirs(results, exist_ok=True)
    log = os.path.join(results, f'guest-{machine}-{run}.log')
    with open(log, 'w') as f:
        f.write('$ ' + ' '.join(shlex.quote(c) for c in cmd) + '\n')
        f.flush()
        p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL,
                             start_new_session=True)
        try:
            p.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            timed_out = True
    with open(log, errors='replace') as f:
        lines = [line.rstrip('\r\n') for line in f]
    out = [matrix.strip_ts(line) for line in lines]
    status = None
    for line in out:
        m = EXIT.search(line)
        if m:
            status = int(m.group(1))
    bad = matrix.problems(lines, [])
    for kind, line, _ in bad:
        print(f'# {machine}: {kind}: {line}')
    if timed_out:
        print(f'# {machine}: timed out after {timeout} s')
    if status is None:
        print(f'# {machine}: the guest reported no exit status (see {log})')
        status = 1
    elif 'GUEST-DMESG-END' not in out:
        # the run's kernel messages were kept off the console for it
        print(f'# {machine}: the guest printed no kernel log (see {log})')
        status = 1
    elif bad or timed_out:
        status = 1
    return status, out


def cmd_check(opts):
    failed = 0
    for machine, has_iova in CHECK_MACHINES.items():
        name = f'guest/{machine}/bench-check'
        try:
            status, out = boot(machine, 'bench-check', [has_iova],
                               results=opts.results)
        except matrix.ConfigError as e:
            print(f'FAIL {name}  [{e}]')
            failed += 1
            continue
        for line in out:
            m = TAP.match(line)
            if m:
                print(f'{"PASS" if m.group(1) == "ok" else "FAIL"} '
                      f'{name}: {m.group(2)}')
        # every result the plan announces, or a line went missing
        plan = [int(m.group(1)) for m in map(PLAN.match, out) if m]
        results = sum(1 for line in out if TAP.match(line))
        if len(plan) != 1 or plan[0] != results or not results:
            print(f'FAIL {name}/plan  [plan {plan}, {results} results]')
            status = status or 1
        print(f'{"PASS" if status == 0 else "FAIL"} {name}'
              + ('' if status == 0 else f'  [exit {status}]'))
        failed += status != 0
    return 1 if failed else 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == 'check':
        p = argparse.ArgumentParser(prog='guest.py check')
        p.add_argument('--results', default=None)
        return cmd_check(p.parse_args(sys.argv[2:]))
    p = argparse.ArgumentParser()
    p.add_argument('--kernel', help='kernel build directory')
    p.add_argument('--results', default=None)
    p.add_argument('--timeout', type=int, default=600)
    p.add_argument('machine')
    p.add_argument('run')
    p.add_argument('args', nargs='*')
    o = p.parse_args()
    try:
        status, out = boot(o.machine, o.run, o.args, o.kernel, o.results,
                           o.timeout)
    except matrix.ConfigError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    for line in out:
        if line.startswith(('BENCH', '#', 'ok ', 'not ok ', 'TAP', '1..',
                            'guest:', 'GUEST-EXIT')):
            print(line)
    return status


if __name__ == '__main__':
    sys.exit(main())
