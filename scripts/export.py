#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write base..HEAD of build/linux back to patches/ as a format-patch series.

The cover letter's subject and text are kept from the existing
patches/0000-cover-letter.patch; its shortlog and diffstat are regenerated.
Nothing in the output depends on when or where it runs, so exporting twice
in a row changes nothing.
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TREE = os.path.join(TOP, 'build', 'linux')
PATCHES = os.path.join(TOP, 'patches')
COVER = '0000-cover-letter.patch'


def git(*args):
    return subprocess.run(['git', '-C', TREE, *args], check=True,
                          capture_output=True, text=True).stdout


def old_cover():
    """(subject, blurb) of the current cover letter, or placeholders."""
    try:
        with open(os.path.join(PATCHES, COVER)) as f:
            text = f.read()
    except OSError:
        return None, None
    head, _, body = text.partition('\n\n')
    subject = re.search(r'^Subject: \[[^]]*\] (.*(?:\n .*)*)', head, re.M)
    # the blurb ends where the shortlog ("Author (N):") starts
    blurb = re.split(r'^\S.* \(\d+\):$', body, maxsplit=1, flags=re.M)[0]
    return (subject.group(1).replace('\n ', ' ') if subject else None,
            blurb.rstrip('\n') + '\n')


def main():
    if subprocess.run(['git', '-C', TREE, 'diff', '--quiet', 'HEAD'],
                      check=False).returncode:
        sys.exit('export: build/linux has uncommitted changes; commit them first')
    if subprocess.run(['git', '-C', TREE, 'symbolic-ref', '-q', 'HEAD'],
                      capture_output=True, check=False).returncode:
        sys.exit('export: build/linux has a detached HEAD (is make bisect '
                 'running?); check out your branch first')
    if not git('rev-list', 'base..HEAD').strip():
        sys.exit('export: no commits on top of base in build/linux')
    subject, blurb = old_cover()
    out = tempfile.mkdtemp()
    try:
        git('format-patch', '-q', '--cover-letter', '--zero-commit',
            '--no-signature', '--thread=shallow', '-o', out, 'base..HEAD')
        files = sorted(os.listdir(out))
        cover = os.path.join(out, files[0])
        with open(cover) as f:
            text = f.read()
        date = git('log', '-1', '--format=%aD', 'HEAD').strip()
        text = re.sub(r'^Date: .*$', 'Date: ' + date, text, count=1, flags=re.M)
        text = re.sub(r'^Message-ID: .*\n', '', text, flags=re.M | re.I)
        if subject:
            text = text.replace('*** SUBJECT HERE ***', subject)
        if blurb:
            text = text.replace('*** BLURB HERE ***\n', blurb)
        os.rename(cover, os.path.join(out, COVER))
        for name in files[1:]:
            path = os.path.join(out, name)
            with open(path) as f:
                patch = f.read()
            patch = re.sub(r'^(Message-ID|In-Reply-To|References): .*\n', '',
                           patch, flags=re.M | re.I)
            with open(path, 'w') as f:
                f.write(patch)
        with open(os.path.join(out, COVER), 'w') as f:
            f.write(text)

        os.makedirs(PATCHES, exist_ok=True)
        for old in glob.glob(os.path.join(PATCHES, '*.patch')):
            os.remove(old)
        names = [COVER] + files[1:]
        for name in names:
            shutil.copy(os.path.join(out, name), os.path.join(PATCHES, name))
        with open(os.path.join(PATCHES, 'series'), 'w') as f:
            f.write('\n'.join(names) + '\n')
    finally:
        shutil.rmtree(out)
    # what was exported is now what build/linux is in sync with
    ids = subprocess.run(
        ['sh', '-c', 'for c in $(git -C "$1" rev-list --reverse base..HEAD); do '
         'git -C "$1" show "$c" | git patch-id --stable | cut -d" " -f1; done',
         'sh', TREE], check=True, capture_output=True, text=True).stdout
    with open(os.path.join(TREE, '.git', 'synced'), 'w') as f:
        f.write(ids)
    print(f'exported {len(names) - 1} patches + cover letter to patches/')


if __name__ == '__main__':
    main()
