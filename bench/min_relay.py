"""The baseline: a minimal Python relay that copies bytes both ways without parsing.

It reads 64 KiB at a time like the shim: a 1 MiB read costs an mmap/munmap per call however little
arrives (see hardener/shim/pipes.py), which would make this baseline slow, not minimal.
``--read N CMD...`` reads N bytes at a time instead (``--read 1048576``: the baseline issue 13 was
measured against).
"""

import os
import subprocess
import sys
import threading

args = sys.argv[1:]
READ = 1 << 16
if args[:1] == ["--read"]:
    READ, args = int(args[1]), args[2:]
child = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)


def copy(src: int, dst: int, close: bool) -> None:
    while data := os.read(src, READ):
        view = memoryview(data)
        while view:
            view = view[os.write(dst, view) :]
    if close:
        os.close(dst)


threading.Thread(target=copy, args=(0, child.stdin.fileno(), True), daemon=True).start()
copy(child.stdout.fileno(), 1, False)
sys.exit(child.wait())
