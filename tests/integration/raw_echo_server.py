"""A tiny stdio "server" for relay tests: echoes every byte it reads, unchanged.

``--trap``: ignore SIGTERM and stdin EOF (to test escalation to SIGKILL).
``--child``: start a grandchild (``sleep``) first, to test that no process outlives the shim.
``--garbage``: write a non-JSON line and a non-UTF-8 line first.
``--exit-after N``: exit with code 3 after echoing N lines.
"""

import os
import signal
import subprocess
import sys
import time

args = sys.argv[1:]
if "--trap" in args:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if "--child" in args:
    grandchild = subprocess.Popen(["sleep", "300"])
    sys.stderr.write(f"grandchild {grandchild.pid}\n")
    sys.stderr.flush()
if "--garbage" in args:
    os.write(1, b"this is not json\n\xff\xfe\xfd not utf-8\n")
limit = int(args[args.index("--exit-after") + 1]) if "--exit-after" in args else None
seen = 0
while True:
    chunk = os.read(0, 1 << 20)
    if not chunk:
        break
    view = memoryview(chunk)
    while view:
        view = view[os.write(1, view) :]
    seen += chunk.count(b"\n")
    if limit is not None and seen >= limit:
        sys.exit(3)
if "--trap" in args:
    while True:
        time.sleep(1)
