"""``hardener restore``: unwrap entries back to exactly what they were (L3 edge)."""

from __future__ import annotations

import argparse
from typing import Any

from hardener.cli.common import add_output_flags, not_available
from hardener.cli.context import CliContext

HELP = "unwrap server entries back to their originals (0 done, 3 error, 4 partial)"


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser("restore", help=HELP, description=HELP)
    add_output_flags(parser)
    parser.add_argument("--dry-run", action="store_true", help="print a unified diff per file")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument(
        "--client", action="append", default=[], metavar="ID", help="only this client (repeatable)"
    )
    parser.add_argument(
        "--project",
        action="append",
        default=[],
        metavar="DIR",
        help="also cover this project directory (repeatable)",
    )
    parser.add_argument(
        "--server",
        action="append",
        default=[],
        metavar="NAME",
        help="only this server (repeatable)",
    )
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    raise not_available("restore")
