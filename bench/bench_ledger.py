"""Ledger speed: sealing and verification against plain appending of the same lines, same run.

    .venv/bin/python bench/bench_ledger.py [EVENTS]        (default 50000)

Runs against the real keychain: without a session D-Bus it re-runs itself under
``dbus-run-session`` with a throwaway gnome-keyring (as ``scripts/test`` does). Prints:

- baseline: the same spool lines appended to a file (one write per 100 lines, with and without an
  fsync per 100, which is what the sealer's group commit does at every checkpoint);
- sealing from spool files with checkpoints on (policy defaults: every 100 records), records/s;
- ``verify --all`` with every MAC key, and with public keys only, records/s;
- incremental verify (since the last verified checkpoint) after a few more records;
- latency from a spool line being written to it being sealed, with a 10 ms sealing loop.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def _reexec_under_dbus() -> int:
    home = tempfile.mkdtemp(prefix="hardener-bench-home-")
    env = dict(os.environ, HOME=home, KEYRING_PASSWORD="bench")
    shell = (
        'printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets '
        '>/dev/null 2>&1; exec "$@"'
    )
    try:
        return subprocess.call(
            ["dbus-run-session", "--", "sh", "-c", shell, "sh", sys.executable, *sys.argv],
            env=env,
        )
    finally:
        shutil.rmtree(home, ignore_errors=True)


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>12,.0f} records/s"


def main() -> int:
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return _reexec_under_dbus()
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    work = Path(tempfile.mkdtemp(prefix="hardener-bench-"))
    os.environ["HOME"] = str(work)
    for name in ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR"):
        os.environ.pop(name, None)

    from hardener.keystore import open_keystore
    from hardener.ledger.audit import verify_ledger
    from hardener.ledger.sealing.sealer import Sealer
    from hardener.paths import Platform, hardener_paths
    from hardener.settings import Settings
    from hardener.spool import SpoolWriter

    paths = hardener_paths(Platform.current())
    policy = Settings()
    keystore = open_keystore()
    sessions = 10
    per = events // sessions
    for s in range(sessions):
        with SpoolWriter(paths, client="bench", server=f"server-{s}") as writer:
            writer.emit("session.start", {"pid": os.getpid()})
            for i in range(per - 2):
                writer.emit("tool.call", {"id": i, "tool": "search", "arguments": {"q": f"q{i}"}})
            writer.emit("session.end", {"reason": "client_closed"})
    lines = [
        line for f in sorted(paths.spool_dir.iterdir()) for line in f.read_bytes().splitlines(True)
    ]
    total = len(lines)
    print(f"{total} spool events, {sum(map(len, lines)) / total:.0f} bytes each on average")

    # baseline: the same lines appended to a plain file
    plain = work / "plain.jsonl"
    results = {}
    for label, sync in (("append, no fsync", False), ("append, fsync per 100", True)):
        plain.unlink(missing_ok=True)
        fd = os.open(plain, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        start = time.perf_counter()
        for i in range(0, total, 100):
            os.write(fd, b"".join(lines[i : i + 100]))
            if sync:
                os.fsync(fd)
        os.close(fd)
        results[label] = time.perf_counter() - start
        print(f"baseline {label:<24} {rate(total, results[label])}")

    start = time.perf_counter()
    with Sealer(paths, policy, keystore) as sealer:
        sealed = sealer.seal_pending()
    seal_s = time.perf_counter() - start
    with open(paths.ledger_dir / "ledger.jsonl", "rb") as handle:
        records = sum(1 for _ in handle)
    print(f"seal (checkpoint every 100)        {rate(sealed, seal_s)}   ({records} records)")

    start = time.perf_counter()
    report = verify_ledger(paths, full=True, keystore=keystore, save_cache=True)
    verify_s = time.perf_counter() - start
    assert report.finding is None, report.finding
    print(f"verify --all, every MAC            {rate(report.records, verify_s)}")
    start = time.perf_counter()
    public = verify_ledger(paths, full=True, keystore=None, save_cache=False)
    public_s = time.perf_counter() - start
    assert public.finding is None, public.finding
    print(f"verify --all, public keys only     {rate(public.records, public_s)}")

    with SpoolWriter(paths, client="bench", server="more") as writer:
        for i in range(50):
            writer.emit("tool.call", {"id": i, "tool": "search", "arguments": {}})
        writer.emit("session.end", {"reason": "client_closed"})
    with Sealer(paths, policy, keystore) as sealer:
        sealer.seal_pending()
    start = time.perf_counter()
    incremental = verify_ledger(paths, keystore=keystore)
    inc_s = time.perf_counter() - start
    assert incremental.finding is None
    assert incremental.mode == "incremental"
    print(
        f"incremental verify ({incremental.records} new of {report.records + incremental.records}) "
        f"{inc_s * 1000:8.1f} ms (keychain reads included)"
    )

    latencies = _latency(paths, policy, keystore, Sealer, SpoolWriter)
    p50 = statistics.median(latencies) * 1000
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000
    print(
        f"spool-to-sealed latency, 10 ms loop: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms"
    )

    append = results["append, fsync per 100"]
    print()
    print(
        f"ratio seal / append(fsync per 100):  {append / seal_s:6.3f}  (1.0 = as fast as appending)"
    )
    print(f"ratio seal / append(no fsync):       {results['append, no fsync'] / seal_s:6.3f}")
    print(f"ratio verify-all / append(no fsync): {results['append, no fsync'] / verify_s:6.3f}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


def _latency(paths, policy, keystore, sealer_cls, writer_cls) -> list[float]:  # type: ignore[no-untyped-def]
    from hardener.ledger.query import RecordReader

    stop = threading.Event()
    written: dict[int, float] = {}

    def produce() -> None:
        with writer_cls(paths, client="bench", server="latency") as writer:
            for i in range(600):
                written[i] = time.perf_counter()
                writer.emit("tool.call", {"id": i, "tool": "t", "arguments": {}})
                time.sleep(0.005)
            writer.emit("session.end", {"reason": "client_closed"})
        stop.set()

    latencies: list[float] = []
    with sealer_cls(paths, policy, keystore) as sealer:
        reader = RecordReader(paths.ledger_dir, sealer.writer.next_seq)
        reader.read()  # position the measuring reader at the end before the clock starts
        producer = threading.Thread(target=produce)
        producer.start()
        while not stop.is_set() or sealer.seal_pending():
            sealer.seal_pending()
            sealer.tick()
            now = time.perf_counter()
            for record in reader.read():
                if record.kind == "tool.call" and b'"server":"latency"' in record.body:
                    n = int(record.body.split(b'"id":', 1)[1].split(b",", 1)[0])
                    latencies.append(now - written[n])
            time.sleep(0.01)
        producer.join()
        reader.close()
    return latencies


if __name__ == "__main__":
    sys.exit(main())
