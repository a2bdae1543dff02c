"""Benchmark the per-user agent: idle cost, drift repair latency, ``status`` run time.

Prints numbers and ratios against baselines measured in the same run:

- idle CPU (% of one core) and RSS of ``hardener daemon run`` over ``--idle-seconds``, next to an
  idle ``python -c 'import time; time.sleep(...)'`` process measured over the same window;
- drift repair latency: a "client" rewrites a hardened config (atomic rename, unwrapped) and the
  clock runs until the repaired bytes are on disk; p50/p99 over ``--writes`` writes;
- ``hardener status --format json`` wall time vs a bare ``python -c pass``, for the running agent's
  home, and for a home holding ``--ledger-records`` sealed records (built with the ledger's pure
  chain functions) and 20 config files: cold (no verification cache: every record verified) and
  warm (the agent keeps the cache at the head: only the tail is verified).

Run: ``.venv/bin/python -m bench.bench_daemon [--idle-seconds 10] [--writes 50] [--configs 20]
[--ledger-records 1000000]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from tests.support.daemon import run_hardener, sandbox_env, start_daemon

CONFIG = """{
  "mcpServers": {
    "time": {"command": "uvx", "args": ["mcp-server-time"]},
    "files": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]}
  }
}
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def cpu_seconds(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return float(times.user + times.system)


def make_home(root: Path, configs: int) -> tuple[Path, list[Path]]:
    home = root / "home"
    paths = [home / ".cursor" / "mcp.json", home / ".codeium" / "windsurf" / "mcp_config.json"]
    for index in range(max(0, configs - len(paths))):
        paths.append(home / f"proj{index}" / ".cursor" / "mcp.json")
    roots = []
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(CONFIG)
        if path.parts[-3].startswith("proj"):
            roots.append(str(path.parents[1]))
    policy = home / ".config" / "hardener" / "policy.toml"
    policy.parent.mkdir(parents=True)
    # The bench rewrites one file 50 times a minute on purpose: lift the anti-loop limit.
    policy.write_text(
        "[scan]\nproject_roots = ["
        + ", ".join(f'"{r}"' for r in roots)
        + "]\n[daemon]\nmax_rewrites_per_minute = 10000\n"
    )
    return home, paths


def wrapped(path: Path) -> bool:
    try:
        return path.read_text().count("hardener-shim") == 2
    except OSError:
        return False


def measure_idle(daemon_pid: int, seconds: float) -> dict[str, float]:
    baseline = subprocess.Popen([sys.executable, "-c", f"import time; time.sleep({seconds + 30})"])
    try:
        time.sleep(1.0)  # let the baseline finish starting before the window opens
        procs = {"daemon": psutil.Process(daemon_pid), "baseline": psutil.Process(baseline.pid)}
        start = {name: cpu_seconds(p) for name, p in procs.items()}
        began = time.monotonic()
        time.sleep(seconds)
        wall = time.monotonic() - began
        result = {}
        for name, proc in procs.items():
            result[f"{name}_cpu_pct"] = 100.0 * (cpu_seconds(proc) - start[name]) / wall
            result[f"{name}_rss_mb"] = proc.memory_info().rss / 1e6
        return result
    finally:
        baseline.kill()
        baseline.wait()


def measure_drift(config: Path, writes: int) -> list[float]:
    latencies = []
    for index in range(writes):
        tmp = config.with_name(f".mcp.json.bench{index}")
        tmp.write_text(CONFIG + " " * (index % 7))
        began = time.perf_counter()
        os.replace(tmp, config)
        deadline = began + 30
        while not wrapped(config):
            if time.perf_counter() > deadline:
                raise SystemExit(f"write {index}: not repaired within 30 s")
            time.sleep(0.001)
        latencies.append(time.perf_counter() - began)
        time.sleep(0.05)
    return latencies


def timed(argv: list[str], env: dict[str, str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=False, timeout=120)
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def big_ledger_home(root: Path, records: int, configs: int) -> Path:
    """A home with ``records`` sealed records in 16 MiB-ish segments, and ``configs`` configs."""
    import json

    from hardener.ledger.chain.keys import fingerprint
    from hardener.paths import Platform, hardener_paths
    from tests.support.ledger_factory import LOG_ID, build

    home, _ = make_home(root, configs)
    paths = hardener_paths(Platform.current(sandbox_env(home)))
    built = build(records, checkpoint_every=100, segment_every=30_000)
    paths.ledger_dir.mkdir(parents=True, mode=0o700)
    for name, data in built.data():
        (paths.ledger_dir / name).write_bytes(data)
    paths.public_dir.mkdir(parents=True, mode=0o755, exist_ok=True)
    public = {
        "v": 1,
        "log_id": LOG_ID,
        "first_key": built.first_key,
        "fingerprint": fingerprint(built.first_key),
    }
    (paths.public_dir / "ledger.json").write_text(json.dumps(public))
    return home


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--writes", type=int, default=50)
    parser.add_argument("--configs", type=int, default=20)
    parser.add_argument("--status-runs", type=int, default=5)
    parser.add_argument("--ledger-records", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hardener-bench-") as root:
        home, configs = make_home(Path(root), args.configs)
        env = sandbox_env(home, keychain=bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS")))
        harden = run_hardener(home, "harden", "--yes", env=env)
        if harden.returncode != 0:
            print(harden.stderr, file=sys.stderr)
            return 1
        daemon = start_daemon(home, env=env)
        try:
            beat = daemon.wait_ready()
            print(
                f"agent pid {daemon.proc.pid}, {args.configs} config files, sealing ok: "
                f"{beat['sealing']['ok']}"
            )
            idle = measure_idle(daemon.proc.pid, args.idle_seconds)
            print(
                f"idle over {args.idle_seconds:.0f} s: daemon {idle['daemon_cpu_pct']:.3f} % CPU, "
                f"{idle['daemon_rss_mb']:.1f} MB RSS; baseline sleep "
                f"{idle['baseline_cpu_pct']:.3f} % CPU, {idle['baseline_rss_mb']:.1f} MB RSS; "
                f"RSS ratio {idle['daemon_rss_mb'] / idle['baseline_rss_mb']:.2f}x"
            )
            latencies = measure_drift(configs[0], args.writes)
            p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
            print(
                f"drift repair over {len(latencies)} writes: p50 {p50 * 1000:.0f} ms, "
                f"p99 {p99 * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms "
                f"(debounce is part of it)"
            )
            status = timed(
                [sys.executable, "-m", "hardener", "status", "--format", "json"],
                env,
                args.status_runs,
            )
            bare = timed([sys.executable, "-c", "pass"], env, args.status_runs)
            print(
                f"status --format json: {status * 1000:.0f} ms median; bare python "
                f"{bare * 1000:.0f} ms; ratio {status / bare:.1f}x"
            )
        finally:
            daemon.stop()
        if args.ledger_records:
            began = time.perf_counter()
            big = big_ledger_home(Path(root) / "big", args.ledger_records, args.configs)
            print(
                f"built a {args.ledger_records:,}-record ledger in "
                f"{time.perf_counter() - began:.0f} s"
            )
            big_env = sandbox_env(big, keychain=False)
            argv = [sys.executable, "-m", "hardener", "status", "--format", "json"]
            cold = timed(argv, big_env, 1)
            warm = timed(argv, big_env, args.status_runs)
            print(
                f"status with {args.ledger_records:,} records and {args.configs} configs: "
                f"cold (full verify) {cold:.2f} s, warm (cache at the head) "
                f"{warm * 1000:.0f} ms; bare python {bare * 1000:.0f} ms; warm ratio "
                f"{warm / bare:.1f}x"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
