"""``hardener analyze-tools FILE``: run the description detectors on a saved tools/list (L3 edge)."""

from __future__ import annotations

import argparse
from typing import Any

from hardener.cli.common import add_output_flags, not_available
from hardener.cli.context import CliContext

HELP = "check a saved tools/list result for poisoned descriptions (0 clean, 1 findings)"


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "analyze-tools", help=HELP, description=HELP
    )
    add_output_flags(parser)
    parser.add_argument("file", metavar="FILE", help="JSON file: a tools/list result or response")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    raise not_available("analyze-tools")
