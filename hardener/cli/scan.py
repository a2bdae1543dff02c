"""``hardener scan``: inventory of every client, config file and server (L3 edge)."""

from __future__ import annotations

import argparse
from typing import Any

from hardener.cli.common import add_output_flags, not_available
from hardener.cli.context import CliContext

HELP = "inventory every MCP client config and server (0 all covered, 1 findings, 3 error)"


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser("scan", help=HELP, description=HELP)
    add_output_flags(parser)
    parser.add_argument(
        "--client", action="append", default=[], metavar="ID", help="only this client (repeatable)"
    )
    parser.add_argument(
        "--project",
        action="append",
        default=[],
        metavar="DIR",
        help="also scan this project directory (repeatable)",
    )
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    raise not_available("scan")
