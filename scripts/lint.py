#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Lint the series with the kernel's own tools; print one line a check.

- scripts/checkpatch.pl --strict on every patch: no ERROR, WARNING or CHECK,
  except the types that patches/lint-exceptions lists for a patch, with the
  reason.
- scripts/kernel-doc -none -Wall on every file the series touches, sparse
  (C=2) and W=1 on every touched C file the KUnit kernel builds: no warning
  that the same file at the base does not already have.
- scripts/xbuild.sh: the touched objects compile for Xen, KMSAN (clang),
  !HAS_DMA (um), 32-bit arm with highmem, arm64 and powerpc64.

Needs build/linux (make tree) and a built build/kunit (make build).
"""

import collections
import fnmatch
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(TOP, 'build')
TREE = os.path.join(BUILD, 'linux')
KUNIT_OUT = os.path.join(BUILD, 'kunit')
BASE_SRC = os.path.join(BUILD, 'lint-base-src')
BASE_OUT = os.path.join(BUILD, 'lint-base')
PATCHES = os.path.join(TOP, 'patches')
EXCEPTIONS = os.path.join(PATCHES, 'lint-exceptions')
MAKE = ['make', '-s', 'ARCH=x86_64', 'CC=ccache gcc', 'HOSTCC=ccache gcc',
        f'-j{os.cpu_count()}']

failed = 0


def result(ok, what, detail=''):
    global failed
    failed += not ok
    print(('PASS ' if ok else 'FAIL ') + what, flush=True)
    if not ok and detail:
        for line in detail.rstrip().splitlines()[:40]:
            print('    ' + line)


# The kernel's helper scripts (spdxcheck.py needs python3-ply) run with
# Debian's python3, not whatever python3 comes first in PATH.
ENV = dict(os.environ, PATH='/usr/bin:/bin:' + os.environ.get('PATH', ''))


def run(cmd, cwd=TREE):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True,
                       errors='replace', check=False, env=ENV)
    return p.returncode, p.stdout + p.stderr


def git(*args, cwd=TREE):
    return subprocess.run(['git', '-C', cwd, *args], check=True,
                          capture_output=True, text=True).stdout


def series():
    with open(os.path.join(PATCHES, 'series')) as f:
        return [line.strip() for line in f if line.strip() and
                not line.startswith('#') and
                line.strip() != '0000-cover-letter.patch']


def exceptions():
    """{patch glob: [checkpatch types]} from patches/lint-exceptions."""
    out = collections.defaultdict(list)
    if os.path.exists(EXCEPTIONS):
        with open(EXCEPTIONS) as f:
            for line in f:
                if line.strip() and not line.startswith('#'):
                    glob, typ = line.split()[:2]
                    out[glob].append(typ)
    return out


def checkpatch():
    exc = exceptions()
    for patch in series():
        ignore = [t for g, ts in exc.items() if fnmatch.fnmatch(patch, g)
                  for t in ts]
        cmd = ['perl', 'scripts/checkpatch.pl', '--strict', '--no-summary',
               '--show-types', '--color=never']
        if ignore:
            cmd += ['--ignore', ','.join(ignore)]
        rc, out = run(cmd + [os.path.join(PATCHES, patch)])
        result(rc == 0, f'lint/checkpatch: {patch}', out)


def normalize(lines, path):
    """Warnings about @path, without line/column numbers."""
    out = collections.Counter()
    for line in lines:
        if path in line and re.search(r'warning:|error:', line):
            line = line[line.index(path):]
            out[re.sub(r':\d+(:\d+)?:', ':', line).strip()] += 1
    return out


def new_warnings(now, before, raw=()):
    """The warnings in @now that @before does not have, as @raw shows them."""
    extra = now - before
    if not extra:
        return ''
    shown = [line.strip() for line in raw
             if any(w.split(':', 1)[1] in line for w in extra)]
    return '\n'.join(shown or sorted(extra.elements()))


def kernel_doc(files):
    for path in files:
        _, now = run(['perl', 'scripts/kernel-doc', '-none', '-Wall', path])
        before = collections.Counter()
        if os.path.exists(os.path.join(BASE_SRC, path)):
            _, old = run(['perl', 'scripts/kernel-doc', '-none', '-Wall', path],
                         cwd=BASE_SRC)
            before = normalize(old.splitlines(), path)
        extra = new_warnings(normalize(now.splitlines(), path), before,
                             now.splitlines())
        result(not extra, f'lint/kernel-doc: {path}', extra)


def compile_warnings(src, out, path):
    obj = path[:-2] + '.o'
    # C=2 runs sparse even when the object is up to date; W=1 rebuilds it.
    rc, log = run(MAKE + [f'O={out}', 'C=2', 'W=1', obj], cwd=src)
    return rc, normalize(log.splitlines(), path), log


def sparse_w1(files):
    cfiles = [f for f in files if f.endswith('.c') and
              os.path.exists(os.path.join(KUNIT_OUT, f[:-2] + '.o'))]
    if not cfiles:
        return
    if any(os.path.exists(os.path.join(BASE_SRC, f)) for f in cfiles):
        os.makedirs(BASE_OUT, exist_ok=True)
        with open(os.path.join(KUNIT_OUT, '.config')) as f:
            config = f.read()
        with open(os.path.join(BASE_OUT, '.config'), 'w') as f:
            f.write(config)
        rc, log = run(MAKE + [f'O={BASE_OUT}', 'olddefconfig'], cwd=BASE_SRC)
        if rc:
            result(False, 'lint/base-config', log)
            return
    for path in cfiles:
        rc, now, log = compile_warnings(TREE, KUNIT_OUT, path)
        if rc:
            result(False, f'lint/sparse+W=1: {path}', log)
            continue
        before = collections.Counter()
        if os.path.exists(os.path.join(BASE_SRC, path)):
            _, before, _ = compile_warnings(BASE_SRC, BASE_OUT, path)
        extra = new_warnings(now, before, log.splitlines())
        result(not extra, f'lint/sparse+W=1: {path}', extra)


def xbuild():
    """Compile coverage in other configurations: one line each."""
    global failed
    proc = subprocess.run([os.path.join(TOP, 'scripts', 'xbuild.sh')],
                          capture_output=True, text=True, check=False)
    lines = [line for line in proc.stdout.splitlines()
             if line.startswith(('PASS ', 'FAIL '))]
    for line in lines:
        failed += line.startswith('FAIL ')
        print(line, flush=True)
    if proc.returncode and not any(line.startswith('FAIL ') for line in lines):
        result(False, 'lint/xbuild', proc.stderr[-2000:])


def base_worktree():
    base = git('rev-parse', 'base').strip()
    if os.path.isdir(BASE_SRC):
        if git('rev-parse', 'HEAD', cwd=BASE_SRC).strip() == base:
            return
        subprocess.run(['git', '-C', TREE, 'worktree', 'remove', '--force',
                        BASE_SRC], check=False, capture_output=True)
    subprocess.run(['git', '-C', TREE, 'worktree', 'prune'], check=True)
    subprocess.run(['git', '-C', TREE, 'worktree', 'add', '-q', '--detach',
                    BASE_SRC, base], check=True)


def main():
    checkpatch()
    files = [f for f in git('diff', '--name-only', '--diff-filter=AM',
                            'base..HEAD').split()
             if f.endswith(('.c', '.h'))]
    base_worktree()
    kernel_doc(files)
    sparse_w1(files)
    xbuild()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
