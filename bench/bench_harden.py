"""Benchmark: scan, harden and restore against just reading and parsing the same files.

Two sandbox homes, built in a temp dir:

- ``fixtures``: every client's realistic fixture files (tests/fixtures/clients);
- ``synthetic``: 15 config files (JSON, JSONC, TOML, YAML across clients) with 300 servers.

For each: the baseline is reading every existing config file and parsing it with the fastest
stdlib/C parser (``json``, ``tomllib``, ``ruamel`` safe loader), measured in the same run. Then the
engine's ``scan`` (discovery + parse + classify + findings, no process listing), ``harden`` (plan,
backup, atomic write, desired state, events) and ``restore``, each the median of several runs.
Prints absolute times, per file and per entry, and ratios to the baseline.

    .venv/bin/python -m bench.bench_harden [--runs N]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from ruamel.yaml import YAML

from hardener.clients.managed import ManagedRules
from hardener.engine.context import EngineContext
from hardener.engine.harden import apply_all, plan_harden
from hardener.engine.restore import plan_restore
from hardener.engine.scan import scan
from hardener.engine.shimpath import locate_shim
from hardener.paths import Platform, hardener_paths
from hardener.processes import running_process_names
from hardener.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.support.fixture_home import install  # noqa: E402

SERVERS_PER_FILE = 20
_COMMENT = re.compile(r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*.*?\*/', re.DOTALL)
_TRAILING = re.compile(r",(\s*[}\]])")
SYNTHETIC_FILES: list[tuple[str, str]] = [
    (".config/Claude/claude_desktop_config.json", "json"),
    (".claude.json", "json"),
    (".cursor/mcp.json", "json"),
    (".codeium/windsurf/mcp_config.json", "json"),
    (".lmstudio/mcp.json", "json"),
    (".cline/data/settings/cline_mcp_settings.json", "json"),
    (".config/Code/User/mcp.json", "jsonc"),
    (".config/Code/User/profiles/p1/mcp.json", "jsonc"),
    (".config/Code - Insiders/User/mcp.json", "jsonc"),
    (".config/zed/settings.json", "jsonc"),
    (".gemini/settings.json", "jsonc"),
    (".codex/config.toml", "toml"),
    (".config/goose/config.yaml", "yaml-goose"),
    (".continue/config.yaml", "yaml-continue"),
    (
        ".config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json",
        "json",
    ),
]


def _server(i: int) -> dict[str, object]:
    return {
        "command": "npx",
        "args": ["-y", f"@example/server-{i}", "--root", f"/srv/data/{i}"],
        "env": {"LOG_LEVEL": "info", "TOKEN": "${TOKEN_" + str(i) + "}"},
    }


def _render(kind: str, table_key: str) -> str:
    servers = {f"server-{i:03d}": _server(i) for i in range(SERVERS_PER_FILE)}
    if kind in ("json", "jsonc"):
        doc = {"theme": "dark", table_key: servers, "other": {"a": [1, 2, 3]}}
        text = json.dumps(doc, indent=2)
        return (
            text.replace('{\n  "theme"', '{\n  // settings\n  "theme"') if kind == "jsonc" else text
        )
    if kind == "toml":
        lines = ['model = "gpt-5-codex"', ""]
        for name, entry in servers.items():
            lines += [f"# {name}", f"[mcp_servers.{name}]", 'command = "npx"']
            lines.append("args = [" + ", ".join(json.dumps(a) for a in entry["args"]) + "]")  # type: ignore[attr-defined]
            lines += ["startup_timeout_sec = 20", ""]
        return "\n".join(lines)
    if kind == "yaml-goose":
        lines = ["GOOSE_PROVIDER: anthropic", "extensions:"]
        for name in servers:
            lines += [
                f"  {name}:",
                "    args:",
                "    - -y",
                f"    - '@example/{name}'",
                "    cmd: npx",
            ]
            lines += ["    enabled: true", f"    name: {name}", "    type: stdio"]
        return "\n".join(lines) + "\n"
    lines = ["name: Local", "version: 1.0.0", "schema: v1", "mcpServers:"]
    for name in servers:
        lines += [
            f"  - name: {name}",
            "    command: npx",
            "    args:",
            "      - -y",
            f"      - '@example/{name}'",
        ]
    return "\n".join(lines) + "\n"


def build_synthetic(home: Path) -> None:
    keys = {
        ".config/Code/User/mcp.json": "servers",
        ".config/Code/User/profiles/p1/mcp.json": "servers",
        ".config/Code - Insiders/User/mcp.json": "servers",
        ".config/zed/settings.json": "context_servers",
    }
    for rel, kind in SYNTHETIC_FILES:
        path = home / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_render(kind, keys.get(rel, "mcpServers")))


def context(home: Path) -> EngineContext:
    platform = Platform.current({"HOME": str(home)})
    return EngineContext(
        platform=platform,
        paths=hardener_paths(platform),
        settings=Settings(),
        managed=ManagedRules(),
        shim=locate_shim(),
        clock=lambda: datetime.now(UTC),
    )


def baseline(files: list[Path]) -> None:
    yaml = YAML(typ="safe", pure=False)
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".toml":
            tomllib.loads(data.decode())
        elif path.suffix == ".yaml":
            yaml.load(data)
        else:
            text = data.decode().removeprefix("\ufeff")
            try:
                json.loads(text)
            except ValueError:  # JSONC: strip comments and trailing commas, then the C parser
                stripped = _COMMENT.sub(lambda m: m.group(1) or "", text)
                json.loads(_TRAILING.sub(r"\1", stripped))


def median_time(
    action: Callable[[], object], runs: int, between: Callable[[], object] | None = None
) -> float:
    times = []
    for _ in range(runs):
        if between is not None:
            between()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_scenario(name: str, home: Path, runs: int) -> None:
    ctx = context(home)
    locations = [loc for loc in ctx.locations() if loc.exists and loc.file.format != "opaque"]
    files = [loc.path for loc in locations]
    entries = sum(len(f.servers) for c in scan(ctx).clients for f in c.files)

    def do_harden() -> None:
        apply_all(ctx, [plan_harden(ctx, loc) for loc in locations if loc.writable], dry_run=False)

    def do_restore() -> None:
        apply_all(ctx, [plan_restore(ctx, loc) for loc in locations if loc.writable], dry_run=False)

    by_format: dict[str, list[float]] = {}
    for loc in locations:
        if not loc.writable:
            continue
        start = time.perf_counter()
        plan = plan_harden(ctx, loc)
        took = time.perf_counter() - start
        slot = by_format.setdefault(loc.file.format, [0.0, 0.0])
        slot[0] += took
        slot[1] += len(plan.changes)
    t_base = median_time(lambda: baseline(files), runs)
    t_scan = median_time(lambda: scan(ctx), runs)
    t_harden = median_time(do_harden, runs, between=do_restore)
    t_noop = median_time(do_harden, runs)  # already hardened: plan only, nothing written
    t_restore = median_time(do_restore, runs, between=do_harden)
    n = len(files)
    print(f"\n== {name}: {n} config files, {entries} server entries (median of {runs} runs)")
    print(f"{'step':<28}{'total ms':>10}{'per file ms':>13}{'per entry ms':>14}{'x baseline':>12}")
    for label, seconds in [
        ("baseline read+parse", t_base),
        ("scan", t_scan),
        ("harden (write everything)", t_harden),
        ("harden again (nothing to do)", t_noop),
        ("restore", t_restore),
    ]:
        print(
            f"{label:<28}{seconds * 1000:>10.1f}{seconds * 1000 / n:>13.2f}"
            f"{seconds * 1000 / max(entries, 1):>14.3f}{seconds / t_base:>12.1f}"
        )
    costs = ", ".join(
        f"{fmt} {total * 1000 / max(count, 1):.1f}"
        for fmt, (total, count) in sorted(by_format.items())
    )
    print(f"harden planning, ms per wrapped entry by format (codec edits dominate): {costs}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    running_process_names()
    print(
        f"process listing (psutil, once per CLI run): {(time.perf_counter() - start) * 1000:.1f} ms"
    )
    with tempfile.TemporaryDirectory() as tmp:
        fixtures = Path(tmp) / "fixtures"
        fixtures.mkdir()
        install(fixtures)
        run_scenario("fixtures (every client)", fixtures, args.runs)
        synthetic = Path(tmp) / "synthetic"
        synthetic.mkdir()
        build_synthetic(synthetic)
        run_scenario("synthetic (15 files x 20 servers)", synthetic, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
