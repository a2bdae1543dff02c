"""The baseline: a minimal Python relay that copies bytes both ways without parsing.

It reads 64 KiB at a time like the shim: a 1 MiB read costs an mmap/munmap per call however little
arrives (see hardener/shim/pipes.py), which would make this baseline slow, not minimal.
"""

import os
import subprocess
import sys
import threading

child = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)


def copy(src: int, dst: int, close: bool) -> None:
    while data := os.read(src, 1 << 16):
        view = memoryview(data)
        while view:
            view = view[os.write(dst, view) :]
    if close:
        os.close(dst)


threading.Thread(target=copy, args=(0, child.stdin.fileno(), True), daemon=True).start()
copy(child.stdout.fileno(), 1, False)
sys.exit(child.wait())
