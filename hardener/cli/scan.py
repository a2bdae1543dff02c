"""``hardener scan``: inventory of every client, config file and server (L3 edge).

Prints the inventory (stdout) and exits 0 when every server is covered, 1 when there are findings
(unwrapped or remote servers, broken files, literal secrets…), 3 on an error.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hardener.cli.common import add_output_flags, add_selection_flags
from hardener.cli.context import CliContext
from hardener.engine.context import EngineContext
from hardener.engine.report import ScanReport
from hardener.engine.scan import scan
from hardener.errors import EXIT_FINDINGS, EXIT_OK
from hardener.policy import load_policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hardener.cli.common import Subparsers

HELP = "inventory every MCP client config and server (0 all covered, 1 findings, 3 error)"
SCHEMA = "scan-report.schema.json"


def register(subparsers: Subparsers) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser("scan", help=HELP, description=HELP)
    add_output_flags(parser)
    add_selection_flags(parser)
    parser.set_defaults(func=run)
    return parser


def home_relative(path: str, home: str) -> str:
    return "~" + path[len(home) :] if path.startswith(home.rstrip("/\\") + "/") else path


def print_report(report: ScanReport, ctx: CliContext) -> None:
    home = str(ctx.platform.home)
    for client in report.clients:
        if not client.found:
            continue
        running = "  (running)" if client.running else ""
        ctx.out(f"{client.name} [{client.id}]{running}")
        for file in client.files:
            flags = file.format + ("" if file.writable else ", not rewritten")
            ctx.out(f"  {home_relative(file.path, home)}  ({file.scope}, {flags})")
            width = max((len(s.name) for s in file.servers), default=0)
            tables = {s.table for s in file.servers}
            for server in file.servers:
                extra = " (disabled)" if server.disabled else ""
                if len(tables) > 1:
                    extra += f"  in {server.table}"
                what = server.command or server.url or ""
                ctx.out(f"    {server.name:<{width}}  {server.state}{extra}  {what}".rstrip())
        for note in client.notes:
            ctx.out(f"  note: {note}")
        if ctx.verbose and client.absent:
            for path in client.absent:
                ctx.out(f"  probed, absent: {home_relative(path, home)}")
    findings = report.findings()
    if findings:
        ctx.out("")
        ctx.out(f"findings ({len(findings)}):")
        for finding in findings:
            where = f"[{finding.client}] " if finding.client else ""
            ctx.out(f"  {finding.severity}: {where}{finding.message}")
            if finding.remedy:
                ctx.out(f"    -> {finding.remedy}")
    summary = report.summary()
    ctx.out(
        f"{summary['clients']} clients, {summary['files']} files, {summary['servers']} servers: "
        f"{summary['wrapped']} wrapped, {summary['unwrapped']} unwrapped, "
        f"{summary['remote']} remote; {summary['errors']} errors, {summary['warnings']} warnings"
    )


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    engine = EngineContext.for_machine(ctx.platform, load_policy(ctx.platform).settings)
    report = scan(engine, args.client, [Path(p) for p in args.project])
    if ctx.json:
        ctx.emit_json(SCHEMA, report.to_json())
    else:
        print_report(report, ctx)
    return EXIT_FINDINGS if report.problems() else EXIT_OK
