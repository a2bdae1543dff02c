"""Benchmark: direct vs a minimal byte relay vs hardener-shim, interleaved in one run, several rounds.

Run: ``.venv/bin/python bench/bench_shim.py [--rounds 5] [--calls 400] [--before DIR] [--only NAMES]`` (after
``npm ci`` in tests/ for the Node server). Every round measures, for each server (the in-repo Python
echo server, ``@modelcontextprotocol/server-everything`` on Node, and ``cat``), all wrappers alive
at once and interleaved call by call:

- round-trip latency of small ``tools/call`` echoes: p50, p99 and max, the latency each wrapper
  *adds* to the direct connection, and the shim's ratios to the minimal relay
  (``bench/min_relay.py``), defined in :func:`report_latency`;
- CPU time per call of the wrapper processes (shim + its recorder; from ``/proc``), a metric that
  is far less sensitive to a busy machine than wall time;
- throughput of 10 MB echoes (both ways), as a ratio to the minimal relay;
- peak RSS of the shim plus its recorder process (and their PSS, which counts shared pages once).

``--before DIR`` adds a second shim, imported from the ``hardener`` package in DIR (e.g. a
``git archive`` of main), measured in the same interleaved run; ``--variant NAME=DIR`` (repeatable)
adds more such shims as ``shim@NAME``, for A/B tests of one change. The summary gives the median over
rounds and the spread (min-max). The shim records into a throwaway HOME, its policy cache warmed.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EVERYTHING = (
    ROOT / "tests" / "node_modules" / "@modelcontextprotocol" / "server-everything" / "dist"
) / "index.js"
#: The console script clients run (``python -m hardener.shim`` would add runpy's import time).
_SCRIPT = Path(sys.executable).with_name("hardener-shim")
SHIM = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "hardener.shim"]
SERVERS: dict[str, list[str]] = {
    "python echo": [sys.executable, str(ROOT / "bench" / "echo_mcp_server.py")],
    "node everything": [shutil.which("node") or "node", str(EVERYTHING), "stdio"],
    "cat": [shutil.which("cat") or "cat"],
}


def shim_from(root: str | None) -> list[str]:
    if root is None:
        return SHIM
    code = (
        f"import sys; sys.path.insert(0, {root!r}); "
        "from hardener.shim.main import main; sys.exit(main())"
    )
    return [sys.executable, "-c", code]


OLD_RELAY = "relay@1MiB"
#: ``--variant NAME=DIR``: more shims from other trees, measured as ``shim@NAME``.
VARIANTS: dict[str, str] = {}


def wrappers(
    server: list[str], before: str | None, old_relay: bool = False
) -> dict[str, list[str]]:
    tail = ["--client", "bench", "--server", "b", "--", *server]
    relay = [sys.executable, str(ROOT / "bench" / "min_relay.py")]
    out = {"direct": server, "relay": [*relay, *server]}
    if old_relay:
        out[OLD_RELAY] = [*relay, "--read", str(1 << 20), *server]
    if before is not None:
        out["shim@before"] = [*shim_from(before), *tail]
    for name, root in VARIANTS.items():
        out[f"shim@{name}"] = [*shim_from(root), *tail]
    out["shim"] = [*SHIM, *tail]
    return out


def _proc_status(pid: int, field: str) -> float | None:
    try:
        for row in Path(f"/proc/{pid}/status").read_text().splitlines():
            if row.startswith(field + ":"):
                return int(row.split()[1]) / 1024
    except OSError:
        return None
    return None


def _smaps_mb(pid: int) -> dict[str, float]:
    """PSS and USS (private clean + dirty) of a process, MB, from ``smaps_rollup``."""
    out = {"pss": 0.0, "uss": 0.0}
    try:
        for row in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, value = row.partition(":")
            if key == "Pss":
                out["pss"] += int(value.split()[0]) / 1024
            elif key in ("Private_Clean", "Private_Dirty"):
                out["uss"] += int(value.split()[0]) / 1024
    except OSError:
        pass
    return out


def _cpu_seconds(pid: int) -> float:
    """CPU time of all threads of a process, in ns resolution (``schedstat``)."""
    total = 0
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError, ValueError, IndexError):
                total += int((task / "schedstat").read_text().split()[0])
    except OSError:
        return 0.0
    return total / 1e9


class Peer:
    """A client over a wrapper's stdio; ``raw`` when the server echoes requests back (``cat``)."""

    def __init__(self, argv: list[str], env: dict[str, str], *, raw: bool) -> None:
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
        self.stdin, self.out = self.proc.stdin, self.proc.stdout.fileno()
        self.raw = raw
        self.buf = bytearray()
        self.next_id = 0

    def line(self) -> bytes:
        scan = 0
        while (end := self.buf.find(b"\n", scan)) < 0:
            scan = len(self.buf)
            data = os.read(self.out, 1 << 16)  # a 1 MiB read costs an mmap/munmap each time
            if not data:
                raise EOFError("server closed")
            self.buf += data
        line = bytes(self.buf[:end])
        del self.buf[: end + 1]
        return line

    def call(self, method: str, params: dict[str, Any]) -> None:
        self.next_id += 1
        ident = self.next_id
        data = (
            json.dumps({"jsonrpc": "2.0", "id": ident, "method": method, "params": params}).encode()
            + b"\n"
        )
        writer = None
        if len(data) > 1 << 16:  # a server like cat answers while we still write: no deadlock
            writer = threading.Thread(target=self.stdin.write, args=(data,))
            writer.start()
        else:
            self.stdin.write(data)
        marker = b'"id":%d' % ident
        while True:
            line = self.line()
            head = line[:100].replace(b" ", b"")
            ends = head + line[-100:].replace(b" ", b"")
            if marker in ends and (self.raw or b'"method"' not in head[:40]):
                if writer is not None:
                    writer.join()
                return

    def initialize(self) -> None:
        info = {"name": "bench", "version": "1"}
        self.call(
            "initialize", {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": info}
        )
        self.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')

    def pids(self) -> list[int]:
        """The wrapper and (for the shim) its forked recorder; not the server."""
        import psutil

        me = psutil.Process(self.proc.pid)
        found = [me.pid]
        with contextlib.suppress(psutil.Error):
            found += [c.pid for c in me.children() if c.cmdline() == me.cmdline()]
        return found

    def cpu(self) -> float:
        return sum(_cpu_seconds(pid) for pid in self.pids())

    def memory(self) -> dict[str, float]:
        """MB, summed over the wrapper and its recorder: peak RSS, PSS, USS; and each one's RSS."""
        pids = self.pids()
        out = {"rss": 0.0, "pss": 0.0, "uss": 0.0}
        for index, pid in enumerate(pids):
            rss = _proc_status(pid, "VmHWM") or 0.0
            out["rss"] += rss
            out[f"rss{index}"] = rss
            for key, value in _smaps_mb(pid).items():
                out[key] += value
        return out

    def close(self) -> None:
        self.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


Row = dict[str, dict[str, float]]
Samples = dict[str, list[float]]


def latency_round(
    variants: dict[str, list[str]], env: dict[str, str], calls: int, raw: bool, pooled: Samples
) -> Row:
    peers = {kind: Peer(argv, env, raw=raw) for kind, argv in variants.items()}
    try:
        for peer in peers.values():
            peer.initialize()
            for i in range(30):  # warm-up (and the recorder's set-up)
                peer.call("tools/call", {"name": "echo", "arguments": {"message": f"w{i}"}})
        time.sleep(0.1)
        samples: dict[str, list[float]] = {kind: [] for kind in peers}
        cpu0 = {kind: peer.cpu() for kind, peer in peers.items()}
        for i in range(calls):
            for kind, peer in peers.items():
                args = {"name": "echo", "arguments": {"message": f"m{i}"}}
                t0 = time.perf_counter()
                peer.call("tools/call", args)
                samples[kind].append(time.perf_counter() - t0)
        time.sleep(0.05)  # let the recorders finish the last events (their CPU counts too)
        cpu = {kind: (peer.cpu() - cpu0[kind]) / calls * 1e6 for kind, peer in peers.items()}
        memory = {kind: peer.memory() for kind, peer in peers.items()}
    finally:
        for peer in peers.values():
            peer.close()
    for kind, values in samples.items():
        pooled.setdefault(kind, []).extend(values)
    return {
        kind: {
            "p50": pct(s, 0.5) * 1e6,
            "p99": pct(s, 0.99) * 1e6,
            "max": max(s) * 1e6,
            "cpu": cpu[kind],
            **memory[kind],
        }
        for kind, s in samples.items()
    }


def throughput_round(
    variants: dict[str, list[str]], env: dict[str, str], size: int, echoes: int, raw: bool
) -> Row:
    peers = {kind: Peer(argv, env, raw=raw) for kind, argv in variants.items()}
    message = "x" * size
    out: Row = {kind: {"mbs": 0.0} for kind in peers}
    took = dict.fromkeys(peers, 0.0)
    try:
        for peer in peers.values():
            peer.initialize()
            peer.call("tools/call", {"name": "echo", "arguments": {"message": message}})
        time.sleep(0.05)
        cpu0 = {kind: peer.cpu() for kind, peer in peers.items()}
        for _ in range(echoes):
            for kind, peer in peers.items():
                t0 = time.perf_counter()
                peer.call("tools/call", {"name": "echo", "arguments": {"message": message}})
                took[kind] += time.perf_counter() - t0
        time.sleep(0.2)
        for kind, peer in peers.items():
            out[kind]["mbs"] = 2 * size * echoes / took[kind] / 1e6
            out[kind]["cpu"] = (peer.cpu() - cpu0[kind]) / echoes * 1e3
            out[kind].update(peer.memory())
    finally:
        for peer in peers.values():
            peer.close()
    return out


def start_round(variants: dict[str, list[str]], env: dict[str, str]) -> Row:
    out: Row = {}
    for kind, argv in variants.items():
        began = time.perf_counter()
        peer = Peer(argv, env, raw=False)
        peer.initialize()
        out[kind] = {"start": (time.perf_counter() - began) * 1e3}
        peer.close()
    return out


def summary(values: list[float], fmt: str = "{:.2f}") -> str:
    if not values:
        return "-"
    med = statistics.median(values)
    return f"{fmt.format(med)} [{fmt.format(min(values))}-{fmt.format(max(values))}]"


def _ratio_of_medians(num: list[float], den: list[float]) -> float:
    return statistics.median(num) / max(1.0, statistics.median(den))


#: Below this, the relay's added p99 is within the noise of the direct p99: no ratio is printed.
MEANINGFUL_US = 10.0


def report_latency(name: str, rounds: list[Row], shims: list[str], pooled: Samples) -> None:
    """Round-trip percentiles per round, and the ratios against the minimal relay.

    ``added`` means a wrapper's percentile minus the direct connection's in the same round. The
    ratios printed for each shim:

    - p50: median over rounds of the shim's added p50 / the same median of the relay's (the
      ratio of medians: a per-round ratio of two small differences is mostly noise); and the
      round trip, shim p50 / relay p50 per round, median [min-max];
    - p99, round trip: shim p99 / relay p99 per round, median [min-max], and over the samples of
      all rounds pooled (with 400 calls a round's p99 is its 4th-slowest call: pooling puts 5
      rounds' 20 slowest calls in the tail). Nothing is subtracted, so noise is never divided
      by noise;
    - p99, added: pooled p99 minus the pooled direct p99, shim over relay; printed only when
      the relay adds at least :data:`MEANINGFUL_US` (on a busy machine direct's own p99 can be
      slower than the relay's, and the difference means nothing).
    """
    print(f"\n{name}: small tools/call round trip, µs, median over {len(rounds)} rounds [min-max]")
    kinds = list(rounds[0])
    for metric in ("p50", "p99", "max", "cpu"):
        cells = "  ".join(f"{k} {summary([r[k][metric] for r in rounds], '{:.0f}')}" for k in kinds)
        label = "cpu/call" if metric == "cpu" else metric
        print(f"  {label:8} {cells}")
    added = {k: [r[k]["p50"] - r["direct"]["p50"] for r in rounds] for k in kinds if k != "direct"}
    print("  added p50 " + "  ".join(f"{k} +{summary(v, '{:.0f}')}" for k, v in added.items()))
    p99 = {k: pct(v, 0.99) * 1e6 for k, v in pooled.items()}
    print(
        f"  pooled p99 ({len(pooled['direct'])} calls each) "
        + "  ".join(f"{k} {v:.0f}" for k, v in p99.items())
    )
    relay_added = p99["relay"] - p99["direct"]
    for shim in shims:
        p50 = _ratio_of_medians(added[shim], added["relay"])
        trip50 = [r[shim]["p50"] / r["relay"]["p50"] for r in rounds]
        trip99 = [r[shim]["p99"] / r["relay"]["p99"] for r in rounds]
        shim_added = p99[shim] - p99["direct"]
        tail = (
            f"x{shim_added / relay_added:.2f} (+{shim_added:.0f} vs +{relay_added:.0f} µs)"
            if relay_added >= MEANINGFUL_US
            else f"- (relay +{relay_added:.0f} µs: below the noise)"
        )
        print(
            f"    {shim}: p50 added x{p50:.2f}, round trip x{summary(trip50)}; "
            f"p99 round trip x{summary(trip99)}, pooled x{p99[shim] / p99['relay']:.2f}; "
            f"p99 added (pooled) {tail}"
        )
    print_memory(rounds, kinds, "after small calls only")
    for shim in shims:
        cpu_ratio = [r[shim]["cpu"] / max(1.0, r["relay"]["cpu"]) for r in rounds]
        print(f"  {shim} cpu per call / relay's: x{summary(cpu_ratio)}")
        if OLD_RELAY in added:
            old = _ratio_of_medians(added[shim], added[OLD_RELAY])
            print(f"    {shim} vs {OLD_RELAY}: p50 added x{old:.2f}")


_MEM = ("rss", "pss", "uss")


def print_memory(rounds: list[Row], kinds: list[str], when: str) -> None:
    """Memory of each wrapper, summed over it and its recorder process, median over rounds."""
    print(
        f"  memory {when}, MB, wrapper + its recorder process: peak RSS (VmHWM: each process's"
        " resident pages, shared ones counted in both), PSS (shared pages split between the"
        " processes mapping them), USS (pages only that process has: what its exit frees)"
    )
    for kind in kinds[1:]:
        cells = [f"{m.upper()} {summary([r[kind][m] for r in rounds], '{:.1f}')}" for m in _MEM]
        each = [r[kind].get("rss1") for r in rounds]
        split = (
            f" (wrapper {summary([r[kind]['rss0'] for r in rounds], '{:.1f}')}"
            f" + recorder {summary([e for e in each if e is not None], '{:.1f}')})"
            if all(e is not None for e in each)
            else ""
        )
        print(f"    {kind}: peak RSS {cells[0][4:]}{split}, {cells[1]}, {cells[2]}")


def report_throughput(name: str, size: int, rounds: list[Row], shims: list[str]) -> None:
    kinds = list(rounds[0])
    print(f"\n{name}: {size // 1_000_000} MB echoes, MB/s both ways, median [min-max]")
    print(
        "  " + "  ".join(f"{k} {summary([r[k]['mbs'] for r in rounds], '{:.0f}')}" for k in kinds)
    )
    for shim in shims:
        for base in ("relay", OLD_RELAY) if OLD_RELAY in kinds else ("relay",):
            ratios = [r[shim]["mbs"] / r[base]["mbs"] for r in rounds]
            print(f"    {shim} / {base}: x{summary(ratios)}")
    print(
        "  cpu ms per echo (wrapper + recorder) "
        + "  ".join(f"{k} {summary([r[k]['cpu'] for r in rounds], '{:.1f}')}" for k in kinds[1:])
    )
    print_memory(rounds, kinds, f"after {size // 1_000_000} MB lines")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=400, help="small calls per round")
    parser.add_argument("--echoes", type=int, default=3, help="10 MB echoes per round")
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--starts", type=int, default=3, help="session starts per round")
    parser.add_argument("--before", help="a directory holding another hardener package to compare")
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="another hardener tree to measure as shim@NAME (repeatable)",
    )
    parser.add_argument("--only", help="comma-separated server names (default: all)")
    parser.add_argument(
        "--old-relay",
        action="store_true",
        help=f"also measure {OLD_RELAY}: the minimal relay reading 1 MiB at a time (issue 13's baseline)",
    )
    opts = parser.parse_args()
    compileall.compile_dir(str(ROOT / "hardener"), quiet=1)
    if opts.before:
        compileall.compile_dir(str(Path(opts.before) / "hardener"), quiet=1)
    for spec in opts.variant:
        name, _, root = spec.partition("=")
        VARIANTS[name] = root
        compileall.compile_dir(str(Path(root) / "hardener"), quiet=1)
    home = tempfile.mkdtemp(prefix="hardener-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env["HOME"] = home
    servers = dict(SERVERS)
    if not EVERYTHING.exists():
        print("node everything: skipped (run npm ci in tests/)")
        del servers["node everything"]
    if opts.only:
        servers = {k: v for k, v in servers.items() if k in opts.only.split(",")}
    shims = [k for k in wrappers([], opts.before) if k.startswith("shim")]
    lat: dict[str, list[Row]] = {name: [] for name in servers}
    pooled: dict[str, Samples] = {name: {} for name in servers}
    thr: dict[str, list[Row]] = {name: [] for name in servers if name != "node everything"}
    starts: list[Row] = []
    try:
        echo = SERVERS["python echo"]
        start_round(
            wrappers(echo, opts.before, opts.old_relay), env
        )  # warm the policy cache and key
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, load average {load}")
        for index in range(opts.rounds):
            print(f"round {index + 1}/{opts.rounds}", file=sys.stderr, flush=True)
            for _ in range(opts.starts):
                starts.append(start_round(wrappers(echo, opts.before, opts.old_relay), env))
            for name, server in servers.items():
                raw = name == "cat"
                lat[name].append(
                    latency_round(
                        wrappers(server, opts.before, opts.old_relay),
                        env,
                        opts.calls,
                        raw,
                        pooled[name],
                    )
                )
                if name in thr:
                    thr[name].append(
                        throughput_round(
                            wrappers(server, opts.before, opts.old_relay),
                            env,
                            opts.size,
                            opts.echoes,
                            raw,
                        )
                    )
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if starts:
        print("\nsession start (spawn -> initialize answer, python echo), ms, median [min-max]")
        print(
            "  "
            + "  ".join(
                f"{k} {summary([r[k]['start'] for r in starts], '{:.1f}')}" for k in starts[0]
            )
        )
    for name in servers:
        report_latency(name, lat[name], shims, pooled[name])
        if name in thr:
            report_throughput(name, opts.size, thr[name], shims)
    return 0


if __name__ == "__main__":
    sys.exit(main())
