"""``hardener alerts``: anomaly alerts from the ledger (L3 edge)."""

from __future__ import annotations

import argparse
from typing import Any

from hardener.cli.common import add_output_flags, not_available
from hardener.cli.context import CliContext

HELP = "list anomaly alerts from the log"


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser("alerts", help=HELP, description=HELP)
    add_output_flags(parser)
    parser.add_argument("--since", metavar="T", help="RFC 3339 time or a duration such as 24h")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    raise not_available("alerts")
