"""``hardener status`` as an MDM runs it (another user's home, no keychain) over a huge ledger.

    .venv/bin/python bench/bench_status.py [RECORDS] [ROUNDS]     (default 1000000, 7)

Builds a user state with the real pipeline (spool writer -> sealer with the real keychain ->
``ledger.jsonl`` with checkpoints per policy), leaves the verification cache where the agent's
self-check leaves it, writes a heartbeat with the real writer, then times, as subprocesses
interleaved round by round:

- baseline ``python -c pass`` and ``hardener --version`` (interpreter + CLI start-up);
- ``hardener status --format json --home <user home>`` from an unrelated HOME (what root does);

and prints medians, p90 and the ratio to the baselines, plus one run with the verification cache
removed (the agent has not verified yet): status verifies at most
``FOREIGN_MAX_RECORDS`` and reports the ledger checks unknown rather than reading 1 M records.
Without a session D-Bus it re-runs itself under ``dbus-run-session`` with a throwaway keyring.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_ledger import _reexec_under_dbus

BATCH = 100_000


def _build(records: int, home: Path) -> Path:
    os.environ["HOME"] = str(home)
    for name in ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR"):
        os.environ.pop(name, None)
    import psutil

    from hardener.daemon.heartbeat import HeartbeatWriter
    from hardener.keystore import open_keystore
    from hardener.ledger.audit import verify_ledger
    from hardener.ledger.sealing.sealer import Sealer
    from hardener.paths import Platform, hardener_paths
    from hardener.settings import Settings
    from hardener.spool import SpoolWriter

    paths = hardener_paths(Platform.current())
    policy = Settings()
    keystore = open_keystore()
    start = time.perf_counter()
    done = 0
    with Sealer(paths, policy, keystore) as sealer:
        while done < records:
            count = min(BATCH, records - done)
            with SpoolWriter(paths, client="bench", server=f"s{done}") as writer:
                writer.emit("session.start", {"pid": os.getpid()})
                for i in range(count - 2):
                    writer.emit("tool.call", {"id": i, "tool": "search", "arguments": {"q": i}})
                writer.emit("session.end", {"reason": "client_closed"})
            done += sealer.seal_pending()
    built = time.perf_counter() - start
    total = sum(1 for s in paths.ledger_dir.glob("ledger*.jsonl") for _ in s.open("rb"))
    size = sum(s.stat().st_size for s in paths.ledger_dir.glob("ledger*.jsonl"))
    print(f"built {total:,} ledger records ({size / 1e6:.0f} MB) in {built:.1f} s")
    start = time.perf_counter()
    verify_ledger(paths, save_cache=True)  # what the agent's self-check does at every sweep
    print(f"agent self-check (first, whole ledger): {time.perf_counter() - start:.1f} s")
    beat = {
        "schema": 1,
        "state": "running",
        "pid": os.getpid(),
        "process_create_time": psutil.Process().create_time(),
        "updated_at": "bench",
        "updated_unix": time.time(),
        "heartbeat_seconds": 3600,
    }
    HeartbeatWriter(paths).write(beat, time.time())
    keystore.close()
    return paths.ledger_dir


def _time(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def _stats(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return statistics.median(values), p90


def main() -> int:
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return _reexec_under_dbus()
    records = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    work = Path(tempfile.mkdtemp(prefix="hardener-bench-status-"))
    try:
        user = work / "user"
        mdm = work / "mdm"
        user.mkdir()
        mdm.mkdir()
        ledger_dir = _build(records, user)
        hardener = str(Path(sys.executable).with_name("hardener"))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "DBUS_"))}
        env["HOME"] = str(mdm)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "hardener --version": [hardener, "--version"],
            "status --home (as MDM)": [hardener, "status", "--format", "json", "--home", str(user)],
        }
        check = subprocess.run(
            commands["status --home (as MDM)"], check=False, env=env, capture_output=True, text=True
        )
        print(f"status exit {check.returncode}; {check.stdout.count('pass')} passing check fields")
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(rounds):
            for name, argv in commands.items():
                times[name].append(_time(argv, env))
        print(f"\n{rounds} rounds, interleaved:")
        base = {name: _stats(values)[0] for name, values in times.items()}
        for name, values in times.items():
            median, p90 = _stats(values)
            print(f"  {name:<26} median {median * 1000:8.1f} ms   p90 {p90 * 1000:8.1f} ms")
        status = base["status --home (as MDM)"]
        print(f"\nratio status / python -c pass:      {status / base['python -c pass']:6.2f}")
        print(f"ratio status / hardener --version:  {status / base['hardener --version']:6.2f}")
        (ledger_dir / "verified.json").unlink(missing_ok=True)
        cold = _time(commands["status --home (as MDM)"], env)
        print(f"status with no verification cache (bounded: unknown): {cold * 1000:.0f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
