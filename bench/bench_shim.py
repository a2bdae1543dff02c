"""Benchmark: direct vs a minimal byte-copy relay vs hardener-shim, measured in one run, interleaved.

Run: ``.venv/bin/python bench/bench_shim.py [--calls 2000] [--starts 10]`` (after ``npm ci`` in tests/).
Prints session start time (spawn to initialize answer), round-trip latency of small tools/call echoes
(p50 / p99 / calls per second), throughput of 1 MB and 10 MB payloads, and the shim's peak RSS, with
ratios against the direct connection and against the minimal relay. The shim records into a
throwaway state directory (HOME is pointed at a temp dir), with its policy cache warmed first.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EVERYTHING = (
    ROOT
    / "tests"
    / "node_modules"
    / "@modelcontextprotocol"
    / "server-everything"
    / "dist"
    / "index.js"
)
#: The console script clients run (``python -m hardener.shim`` would add runpy's import time).
_SCRIPT = Path(sys.executable).with_name("hardener-shim")
SHIM = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "hardener.shim"]
SERVERS: dict[str, list[str]] = {
    "echo (in-repo)": [sys.executable, str(ROOT / "bench" / "echo_mcp_server.py")],
    "server-everything": [shutil.which("node") or "node", str(EVERYTHING), "stdio"],
    "mcp-server-time": [sys.executable, "-m", "mcp_server_time"],
}


def wrappers(server: list[str]) -> dict[str, list[str]]:
    return {
        "direct": server,
        "min-relay": [sys.executable, str(ROOT / "bench" / "min_relay.py"), *server],
        "shim": [
            *SHIM,
            "--client",
            "bench",
            "--server",
            "b",
            "--",
            *server,
        ],
    }


def thread_variant(server: list[str]) -> list[str]:
    """The shim with its recorder as a thread instead of a forked process (for comparison)."""
    return ["env", "HARDENER_SHIM_RECORDER=thread", *wrappers(server)["shim"]]


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM of a process (Linux)."""
    try:
        for row in Path(f"/proc/{pid}/status").read_text().splitlines():
            if row.startswith("VmHWM:"):
                return int(row.split()[1]) / 1024
    except OSError:
        return None
    return None


class Peer:
    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            bufsize=0,
        )
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.stdin, self.stdout = self.proc.stdin, self.proc.stdout
        self.buf = b""
        self.next_id = 0

    def line(self) -> bytes:
        while b"\n" not in self.buf:
            data = os.read(self.stdout.fileno(), 1 << 20)
            if not data:
                raise EOFError("server closed")
            self.buf += data
        line, _, self.buf = self.buf.partition(b"\n")
        return line

    def call(self, method: str, params: dict[str, Any]) -> bytes:
        self.next_id += 1
        ident = self.next_id
        self.stdin.write(
            json.dumps({"jsonrpc": "2.0", "id": ident, "method": method, "params": params}).encode()
            + b"\n"
        )
        marker = b'"id":%d' % ident
        while True:
            line = self.line()
            if marker in line.replace(b" ", b"") and b'"method"' not in line[:40]:
                return line

    def initialize(self) -> None:
        self.call(
            "initialize",
            {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "bench", "version": "1"},
            },
        )
        self.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')

    def recorder_rss_mb(self) -> float | None:
        """VmHWM of the shim's forked recorder process, if there is one."""
        import psutil

        me = psutil.Process(self.proc.pid)
        for child in me.children():
            if child.cmdline() == me.cmdline():
                return peak_rss_mb(child.pid)
        return None

    def peak_rss_mb(self) -> float | None:
        return peak_rss_mb(self.proc.pid)

    def close(self) -> None:
        self.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start_time(argv: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    peer = Peer(argv, env)
    peer.initialize()
    took = time.perf_counter() - began
    peer.close()
    return took


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def latency(
    variants: dict[str, list[str]], env: dict[str, str], calls: int
) -> dict[str, dict[str, float]]:
    """Sequential echo calls, interleaved call by call across all variants (all alive at once)."""
    peers = {kind: Peer(argv, env) for kind, argv in variants.items()}
    for peer in peers.values():
        peer.initialize()
        for i in range(50):  # warm-up
            peer.call("tools/call", {"name": "echo", "arguments": {"message": f"w{i}"}})
    samples: dict[str, list[float]] = {kind: [] for kind in peers}
    for i in range(calls):
        for kind, peer in peers.items():
            t0 = time.perf_counter()
            peer.call("tools/call", {"name": "echo", "arguments": {"message": f"m{i}"}})
            samples[kind].append(time.perf_counter() - t0)
    for peer in peers.values():
        peer.close()
    return {
        kind: {"p50": pct(s, 0.5) * 1e3, "p99": pct(s, 0.99) * 1e3, "rate": len(s) / sum(s)}
        for kind, s in samples.items()
    }


def throughput(
    argv: list[str], env: dict[str, str], size: int, rounds: int
) -> tuple[float, float | None, float | None]:
    peer = Peer(argv, env)
    peer.initialize()
    message = "x" * size
    peer.call("tools/call", {"name": "echo", "arguments": {"message": message}})
    began = time.perf_counter()
    for _ in range(rounds):
        peer.call("tools/call", {"name": "echo", "arguments": {"message": message}})
    took = time.perf_counter() - began
    rss, recorder = peer.peak_rss_mb(), peer.recorder_rss_mb()
    peer.close()
    return 2 * size * rounds / took / 1e6, rss, recorder  # bytes both ways, MB/s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--starts", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    opts = parser.parse_args()
    # Like an installed package: bytecode compiled once (PYTHONDONTWRITEBYTECODE would otherwise
    # make every shim start recompile the modules changed since the last compile).
    compileall.compile_dir(str(ROOT / "hardener"), quiet=1)
    home = tempfile.mkdtemp(prefix="hardener-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env["HOME"] = home
    try:
        start_time(
            wrappers(SERVERS["echo (in-repo)"])["shim"], env
        )  # warm the policy cache and key
        print(
            f"python {sys.version.split()[0]}, {os.cpu_count()} cpus; times in ms; each row interleaved\n"
        )
        print("session start (spawn -> initialize answer), median of", opts.starts)
        for name, server in SERVERS.items():
            if name == "server-everything" and not EVERYTHING.exists():
                print(f"  {name}: skipped (run npm ci in tests/)")
                continue
            runs: dict[str, list[float]] = {k: [] for k in wrappers(server)}
            for _ in range(opts.starts):
                for kind, argv in wrappers(server).items():
                    runs[kind].append(start_time(argv, env))
            med = {k: statistics.median(v) * 1e3 for k, v in runs.items()}
            print(
                f"  {name:18} direct {med['direct']:7.1f}  min-relay {med['min-relay']:7.1f} (+{med['min-relay'] - med['direct']:.1f})  shim {med['shim']:7.1f} (+{med['shim'] - med['direct']:.1f})"
            )

        print(
            f"\nround trip of {opts.calls} small tools/call echoes (sequential, interleaved call by call)"
        )
        for name, server in SERVERS.items():
            if name == "mcp-server-time" or (
                name == "server-everything" and not EVERYTHING.exists()
            ):
                continue
            res = latency(
                {**wrappers(server), "shim-thread": thread_variant(server)}, env, opts.calls
            )
            d, m, s = res["direct"], res["min-relay"], res["shim"]
            added_m = (m["p50"] - d["p50"], m["p99"] - d["p99"])
            added_s = (s["p50"] - d["p50"], s["p99"] - d["p99"])
            print(
                f"  {name:18} p50 direct {d['p50']:.3f} min-relay {m['p50']:.3f} shim {s['p50']:.3f} | p99 direct {d['p99']:.3f} min-relay {m['p99']:.3f} shim {s['p99']:.3f}"
            )
            ratio50 = added_s[0] / added_m[0] if added_m[0] > 0 else float("nan")
            ratio99 = added_s[1] / added_m[1] if added_m[1] > 0 else float("nan")
            print(
                f"  {'':18} added p50: min-relay {added_m[0]:.3f} shim {added_s[0]:.3f} (x{ratio50:.2f}); added p99: min-relay {added_m[1]:.3f} shim {added_s[1]:.3f} (x{ratio99:.2f})"
            )
            print(
                f"  {'':18} calls/s direct {d['rate']:.0f} min-relay {m['rate']:.0f} shim {s['rate']:.0f} (shim/direct {s['rate'] / d['rate']:.2f}, shim/min-relay {s['rate'] / m['rate']:.2f})"
            )
            th = res["shim-thread"]
            print(
                f"  {'':18} recorder as a thread instead of a process: p50 {th['p50']:.3f} p99 {th['p99']:.3f} calls/s {th['rate']:.0f}"
            )

        print(
            "\nthroughput of large echoes (in-repo echo server), MB/s both ways, and peak RSS of the wrapper"
        )
        server = SERVERS["echo (in-repo)"]
        for size in (1_000_000, 10_000_000):
            res = {
                kind: throughput(argv, env, size, opts.rounds)
                for kind, argv in wrappers(server).items()
            }
            res["shim-thread"] = throughput(thread_variant(server), env, size, opts.rounds)
            d, m, s = res["direct"], res["min-relay"], res["shim"]
            print(
                f"  {size // 1_000_000:>2} MB  direct {d[0]:7.1f}  min-relay {m[0]:7.1f}  shim {s[0]:7.1f}  shim/min-relay {s[0] / m[0]:.2f}  shim/direct {s[0] / d[0]:.2f}  | RSS min-relay {m[1] or 0:.1f} MB, shim {s[1] or 0:.1f} MB + recorder {s[2] or 0:.1f} MB"
            )
            th = res["shim-thread"]
            print(f"  {'':6}recorder as a thread: {th[0]:7.1f} MB/s, RSS {th[1] or 0:.1f} MB")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
