"""``hardener status``: is this machine compliant? For people and for Jamf/Intune (L3 edge)."""

from __future__ import annotations

import argparse
from typing import Any

from hardener.cli.common import add_output_flags, not_available
from hardener.cli.context import CliContext

HELP = "compliance check for people and MDM (0 compliant, 1 non-compliant or unknown)"


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser("status", help=HELP, description=HELP)
    add_output_flags(parser)
    parser.add_argument(
        "--format",
        choices=["human", "json", "jamf", "intune"],
        default=None,
        help="output format (default human; --json means json)",
    )
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    raise not_available("status")
