"""``hardener log verify|show|tail|export``: the tamper-evident ledger (L3 edge)."""

from __future__ import annotations

import argparse
from typing import Any

from hardener.cli.common import add_output_flags, not_available
from hardener.cli.context import CliContext

HELP = "verify, show, tail and export the tamper-evident log (verify: 0 intact, 1 tampered)"


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser("log", help=HELP, description=HELP)
    actions = parser.add_subparsers(dest="log_action", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="check every record's chain, MAC and checkpoints")
    add_output_flags(verify)
    verify.add_argument(
        "--all",
        action="store_true",
        help="verify every segment, not just since the last checkpoint",
    )
    verify.add_argument("--verifier", metavar="FILE", help="verify with an exported verifier file")
    show = actions.add_parser("show", help="print records, with filters")
    add_output_flags(show)
    show.add_argument("--since", metavar="T", help="RFC 3339 time or a duration such as 2h")
    show.add_argument("--until", metavar="T")
    show.add_argument("--kind", action="append", default=[], help="event kind (repeatable)")
    show.add_argument("--client", action="append", default=[])
    show.add_argument("--server", action="append", default=[])
    show.add_argument("--tool", action="append", default=[])
    show.add_argument("--limit", type=int, default=None)
    tail = actions.add_parser("tail", help="follow new records")
    add_output_flags(tail)
    export = actions.add_parser("export", help="export records as JSON lines or to syslog")
    add_output_flags(export)
    export.add_argument("--out", metavar="FILE", help="write JSON lines to FILE (default stdout)")
    export.add_argument("--since", metavar="T")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    raise not_available(f"log {args.log_action}")
