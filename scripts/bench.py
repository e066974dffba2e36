#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench: the DMA map benchmark on the base and on the series, side
by side in one run.

Builds non-debug kernels (kunit/bench.kunitconfig with the machine
architecture's kunitconfig) of the base with the series' first benchmark
patch alone (nanosecond results; the base cannot run the other modes) and
of the whole series, boots each with the guest initramfs on the bench
machines with the benchmark bound to edu, alternating base and series
REPS times a machine, under two clocks (host time, and QEMU's instruction
count: see CLOCKS), and prints medians and ratios:

- series page and phys against base page, 4 KiB and 64 KiB, per machine;
- iova, phys-n and sg for N ranges of 4 KiB, per IOMMU machine: the cost
  of a range (map + unmap of the loop, divided by N).

Writes build/results/bench.json (every measurement), bench.txt (the
tables) and bench.png (gnuplot: cost per range against N, log-log).
--report prints the tables of the bench.json of an earlier run again.

  bench.py [--reps N] [--machines M,...] [--no-build] [--report]
"""

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guest  # noqa: E402
import matrix  # noqa: E402

TOP = matrix.TOP
BUILD = os.path.join(TOP, 'build')
RESULTS = os.path.join(BUILD, 'results')
SERIES_TREE = os.path.join(BUILD, 'linux')
BASE_TREE = os.path.join(BUILD, 'bench-base')
BENCH_PATCH = 'dma-mapping: benchmark in nanoseconds'
MACHINES = ['direct', 'swiotlb', 'iommu-strict', 'iommu-lazy',
            'virtio-iommu', 'arm64-smmuv3']
SIZES = [4096, 65536]
NS = [1, 4, 16, 64, 256, 1024]
SWEEP_MODES = ['iova', 'phys-n', 'sg']
LINE = re.compile(r'BENCH mode=(\S+) n=(\d+) size=(\d+) map_ns=(\d+) '
                  r'map_sd=(\d+) unmap_ns=(\d+) unmap_sd=(\d+) loops=(\d+) '
                  r'flags=(\d+)')
USED_IOVA = 1       # DMA_MAP_BENCH_USED_IOVA
# Two clocks. "tcg": the guest's clock is the host's, so a result is the
# host time QEMU's TCG takes, emulated IOMMUs included, and varies with
# the host. "icount": QEMU counts the guest's instructions and its clock
# advances 1 ns an instruction, so a result is the instructions the guest
# ran; the same kernel gives the same count within a fraction of a per
# cent, which a target of 2 % needs. Device emulation takes no guest time
# there: an IOTLB invalidation completes at once, and the guest's wait for
# it costs nothing, so the icount sweep is CPU work only, not what the
# IOVA API saves in IOMMU work. icount runs on one vCPU (icount rules out
# multi-threaded TCG; the host-time runs have the machines' two), the old
# paths and the sweep at N = 64 only. On arm64 the guest clock ticks at
# 62.5 MHz: 16 instructions a tick.
CLOCKS = {'tcg': [], 'icount': ['-icount', 'shift=0,sleep=off', '-smp', '1']}
ICOUNT_N = 64
IOMMU_MACHINES = {'iommu-strict', 'iommu-lazy', 'virtio-iommu', 'amd-iommu',
                  'arm64-smmuv3'}


def note(msg):
    print('==> ' + msg, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def git(*args, tree=SERIES_TREE):
    return subprocess.run(['git', '-C', tree] + list(args), check=True,
                          capture_output=True, text=True).stdout.strip()


def base_tree():
    """build/bench-base: the base and the series' first benchmark patch."""
    commit = git('log', '--format=%H', '--grep=^' + BENCH_PATCH, 'base..HEAD')
    if not commit or '\n' in commit:
        sys.exit(f'error: no single "{BENCH_PATCH}" commit in the series')
    os.makedirs(os.path.join(BUILD, 'bench'), exist_ok=True)
    if os.path.exists(BASE_TREE):
        sh(['git', '-C', SERIES_TREE, 'worktree', 'remove', '--force',
            BASE_TREE])
    sh(['git', '-C', SERIES_TREE, 'worktree', 'add', '-q', '--detach',
        BASE_TREE, 'base'])
    sh(['git', '-C', BASE_TREE, '-c', 'user.name=bench',
        '-c', 'user.email=bench@localhost', 'cherry-pick', commit],
       stdout=subprocess.DEVNULL)


def build(tree, arch, out):
    cross = {'x86_64': '', 'arm64': 'aarch64-linux-gnu-'}[arch]
    cmd = [sys.executable, os.path.join(tree, 'tools/testing/kunit/kunit.py'),
           'build', '--arch=' + arch, '--build_dir=' + out,
           '--kunitconfig=' + os.path.join(TOP, 'kunit/bench.kunitconfig'),
           '--kunitconfig=' + os.path.join(TOP, 'kunit', arch + '.kunitconfig'),
           '--jobs=' + str(os.cpu_count()),
           '--make_options', f'CC=ccache {cross}gcc',
           '--make_options', 'HOSTCC=ccache gcc']
    if cross:
        cmd.append('--cross_compile=' + cross)
    note(f'building {out}')
    sh(cmd, cwd=tree, stdout=subprocess.DEVNULL)


def kernel_dir(which, arch):
    return os.path.join(BUILD, 'bench', f'{which}-{arch}')


def specs(which, machine, clock):
    s = [f'page:1:{size}' for size in SIZES]
    if which == 'series':
        s += [f'phys:1:{size}' for size in SIZES]
        if machine in IOMMU_MACHINES:
            ns = NS if clock == 'tcg' else [ICOUNT_N]
            s += [f'{m}:{n}:4096' for n in ns for m in SWEEP_MODES]
    return s


def measure(which, machine, rep, results, clock):
    arch = matrix.arch_of(matrix.read_conf(machine))
    spec = specs(which, machine, clock)
    logs = os.path.join(results, 'bench-logs', f'{which}-{clock}-{rep}')
    status, out = guest.boot(machine, 'bench-run', spec,
                             kernel=kernel_dir(which, arch), results=logs,
                             timeout=900, qemu_args=CLOCKS[clock])
    rows = []
    for line in out:
        m = LINE.search(line)
        if m:
            mode, n, size, mns, msd, uns, usd, loops, flags = m.groups()
            if int(loops) == 0 or int(mns) == 0:
                sys.exit(f'error: {which} kernel on {machine}: no loop '
                         f'measured for {line}')
            if mode == 'iova' and not int(flags) & USED_IOVA:
                sys.exit(f'error: {which} kernel on {machine}: mode iova '
                         f'did not use IOVA space: {line}')
            rows.append(dict(kernel=which, machine=machine, rep=rep,
                             clock=clock, mode=mode, n=int(n), size=int(size),
                             map_ns=int(mns), map_sd=int(msd),
                             unmap_ns=int(uns), unmap_sd=int(usd),
                             loops=int(loops), flags=int(flags)))
        elif 'BENCH-FAIL' in line:
            print(f'# {which} {machine}: {line}')
    if status != 0 or len(rows) != len(spec):
        sys.exit(f'error: {which} kernel on {machine}, clock {clock}, '
                 f'repetition {rep}: exit {status}, {len(rows)} of '
                 f'{len(spec)} measurements (see {logs})')
    return rows


def median(rows, **key):
    v = [r['map_ns'] + r['unmap_ns'] for r in rows
         if all(r[k] == x for k, x in key.items())]
    return statistics.median(v) if v else None


def old_paths(rows, machines, clock):
    out = [f'{"machine":14} {"size":>6} {"base page":>10} '
           f'{"series page":>12} {"ratio":>6} {"series phys":>12} '
           f'{"ratio":>6}']
    for m in machines:
        for size in SIZES:
            b, sp, ph = (median(rows, kernel=k, machine=m, mode=mode,
                                size=size, clock=clock)
                         for k, mode in (('base', 'page'), ('series', 'page'),
                                         ('series', 'phys')))
            out.append(f'{m:14} {size // 1024:>5}K {b:>10.0f} {sp:>12.0f} '
                       f'{sp / b:>6.3f} {ph:>12.0f} {ph / b:>6.3f}')
    return out


def sweep_line(rows, m, n, clock):
    c = {mode: median(rows, kernel='series', machine=m, mode=mode, n=n,
                      clock=clock) / n for mode in SWEEP_MODES}
    return (f'{m:14} {n:>5} {c["iova"]:>8.0f} {c["phys-n"]:>8.0f} '
            f'{c["sg"]:>8.0f} {c["phys-n"] / c["iova"]:>12.2f} '
            f'{c["iova"] / c["sg"]:>8.2f}')


def spread(rows, clock):
    """The largest (max - min) / median of the repetitions of a cell."""
    cells = {}
    for r in rows:
        if r['clock'] == clock:
            key = (r['kernel'], r['machine'], r['mode'], r['n'], r['size'])
            cells.setdefault(key, []).append(r['map_ns'] + r['unmap_ns'])
    return max((max(v) - min(v)) / statistics.median(v)
               for v in cells.values())


def report(rows, machines, reps, date, host):
    sweep_head = (f'{"machine":14} {"N":>5} {"iova":>8} {"phys-n":>8} '
                  f'{"sg":>8} {"phys-n/iova":>12} {"iova/sg":>8}')
    swept = [m for m in machines
             if any(r['machine'] == m and r['mode'] == 'iova' for r in rows)]
    out = []
    out.append(f'DMA map benchmark, {date}, {host}, QEMU 7.2 TCG; '
               f'medians of {reps} alternations of base and series, '
               'map + unmap of a loop; host time in ns, then guest '
               'instructions')
    out.append('')
    out.append('Host time (ns). Old paths: series / base '
               '(dma_map_single(), "page"; dma_map_phys(), "phys")')
    out += old_paths(rows, machines, 'tcg')
    out.append('')
    out.append('Many ranges of 4 KiB (series): ns a range, map + unmap; '
               'phys-n/iova > 1: iova is faster than a dma_map_phys() a '
               'range; iova/sg < 1: faster than dma_map_sg()')
    out.append(sweep_head)
    out += [sweep_line(rows, m, n, 'tcg') for m in swept for n in NS]
    out.append('')
    out.append(f'(widest spread of a cell, (max - min) / median: '
               f'{spread(rows, "tcg"):.1%})')
    out.append('')
    out.append('Guest instructions (QEMU -icount shift=0, one vCPU; device '
               'emulation costs none). Old paths: series / base')
    out += old_paths(rows, machines, 'icount')
    out.append('')
    out.append(f'Many ranges of 4 KiB, N = {ICOUNT_N} (series): '
               'instructions a range, map + unmap')
    out.append(sweep_head)
    out += [sweep_line(rows, m, ICOUNT_N, 'icount') for m in swept]
    out.append(f'(widest spread of a cell, (max - min) / median: '
               f'{spread(rows, "icount"):.1%})')
    return '\n'.join(out) + '\n'


def plot(rows, machines, results):
    data = os.path.join(results, 'bench-sweep.dat')
    series = []
    with open(data, 'w') as f:
        for m in machines:
            for mode in SWEEP_MODES:
                pts = [(n, median(rows, kernel='series', machine=m,
                                  mode=mode, n=n, clock='tcg')) for n in NS]
                if any(v is None for _, v in pts):
                    continue
                f.write(f'# {m} {mode}\n')
                for n, v in pts:
                    f.write(f'{n} {v / n}\n')
                f.write('\n\n')
                series.append(f'{m} {mode}')
    if not series:
        return
    plots = ', '.join(f"'{data}' index {i} with linespoints title '{t}'"
                      for i, t in enumerate(series))
    script = (f"set terminal png size 1200,800\n"
              f"set output '{os.path.join(results, 'bench.png')}'\n"
              "set logscale xy\nset xlabel 'ranges of 4 KiB (N)'\n"
              "set ylabel 'ns a range (map + unmap)'\n"
              "set key outside right\nset grid\n"
              f"plot {plots}\n")
    subprocess.run(['gnuplot'], input=script, text=True, check=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--reps', type=int, default=5, choices=range(1, 101),
                   metavar='N')
    p.add_argument('--machines', default=','.join(MACHINES))
    p.add_argument('--no-build', action='store_true',
                   help='use the kernels and initramfs built before')
    p.add_argument('--report', action='store_true',
                   help='print the tables of build/results/bench.json again')
    o = p.parse_args()
    if o.report:
        with open(os.path.join(RESULTS, 'bench.json')) as f:
            run = json.load(f)
        print(report(run['rows'], run['machines'], run['reps'], run['date'],
                     run['host']), end='')
        return 0
    machines = o.machines.split(',')
    for m in machines:
        matrix.read_conf(m)
    arches = sorted({matrix.arch_of(matrix.read_conf(m)) for m in machines})
    if not o.no_build:
        base_tree()
        for arch in arches:
            build(BASE_TREE, arch, kernel_dir('base', arch))
            build(SERIES_TREE, arch, kernel_dir('series', arch))
        sh([os.path.join(TOP, 'scripts/initramfs.sh')] + arches,
           env=dict(os.environ, TREE=SERIES_TREE))
    os.makedirs(RESULTS, exist_ok=True)
    for f in ('bench.json', 'bench.txt', 'bench.png'):
        if os.path.exists(os.path.join(RESULTS, f)):
            os.remove(os.path.join(RESULTS, f))
    rows = []
    for m in machines:
        for clock in CLOCKS:
            for rep in range(1, o.reps + 1):
                # alternate which kernel goes first
                order = ['base', 'series'] if rep % 2 else ['series', 'base']
                for which in order:
                    note(f'{m}: {which}, clock {clock}, repetition {rep} '
                         f'of {o.reps}')
                    rows += measure(which, m, rep, RESULTS, clock)
    with open(os.path.join(RESULTS, 'bench.json'), 'w') as f:
        json.dump(dict(date=str(datetime.date.today()),
                       host=f'{platform.node()} ({os.cpu_count()} CPUs)',
                       reps=o.reps,
                       machines=machines, rows=rows), f, indent=1)
    text = report(rows, machines, o.reps, str(datetime.date.today()),
                  f'{platform.node()} ({os.cpu_count()} CPUs)')
    with open(os.path.join(RESULTS, 'bench.txt'), 'w') as f:
        f.write(text)
    plot(rows, machines, RESULTS)
    print(text, end='')
    return 0


if __name__ == '__main__':
    sys.exit(main())
