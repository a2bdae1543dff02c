"""``hardener approve``: accept a changed tool or server definition (rug-pull pins) (L3 edge)."""

from __future__ import annotations

import argparse
from typing import Any

from hardener.cli.common import add_output_flags, not_available
from hardener.cli.context import CliContext

HELP = "accept the current definition of a changed server or tool"


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser("approve", help=HELP, description=HELP)
    add_output_flags(parser)
    parser.add_argument("--client", metavar="ID", default=None)
    parser.add_argument("--server", metavar="NAME", required=True)
    parser.add_argument("--tool", metavar="NAME", default=None)
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    raise not_available("approve")
