"""Child processes for the ledger's crash tests: a sealing loop and a spool writer.

``python ledger_procs.py seal STOPFILE`` seals until STOPFILE exists and the spool is empty,
printing ``ready`` once the ledger is open (the test's handshake) and ``done`` at the end.
``python ledger_procs.py write EVENTS DELAY`` writes one session of EVENTS tool calls
(``EVENTS`` < 0: forever) and prints ``started`` after ``session.start``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def seal(stop: Path) -> None:
    from hardener.ledger.sealing.sealer import Sealer
    from hardener.paths import Platform, hardener_paths
    from hardener.policy import SourceDocument, merge_sources

    paths = hardener_paths(Platform.current())
    policy = merge_sources(
        [
            SourceDocument(
                "user", "test", {"ledger": {"checkpoint_records": 25, "segment_bytes": 65536}}
            )
        ]
    )
    sealer = Sealer(paths, policy.settings, None, dead_after=0.3)
    print("ready", flush=True)
    while True:
        sealer.seal_pending()
        sealer.tick()
        if stop.exists() and not any(paths.spool_dir.iterdir()):
            break
        time.sleep(0.005)
    sealer.close()
    print("done", flush=True)


def write(events: int, delay: float) -> None:
    from hardener.paths import Platform, hardener_paths
    from hardener.spool import SpoolWriter

    paths = hardener_paths(Platform.current())
    writer = SpoolWriter(paths, client="crash-test", server=f"server-{os.getpid()}")
    writer.emit("session.start", {"pid": os.getpid()})
    print("started", writer.session, flush=True)
    i = 0
    while events < 0 or i < events:
        writer.emit("tool.call", {"id": i, "tool": "echo", "arguments": {"i": i}})
        i += 1
        if delay:
            time.sleep(delay)
    writer.emit("session.end", {"reason": "client_closed"})
    writer.close()


if __name__ == "__main__":
    if sys.argv[1] == "seal":
        seal(Path(sys.argv[2]))
    else:
        write(int(sys.argv[2]), float(sys.argv[3]))
