"""``hardener keys export-verifier``: what an off-machine verifier needs (L3 edge)."""

from __future__ import annotations

import argparse
from typing import Any

from hardener.cli.common import add_output_flags, not_available
from hardener.cli.context import CliContext

HELP = "ledger keys: export a verifier for off-machine verification"


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser("keys", help=HELP, description=HELP)
    actions = parser.add_subparsers(dest="keys_action", metavar="ACTION", required=True)
    export = actions.add_parser("export-verifier", help="write the initial seed and public key")
    add_output_flags(export)
    export.add_argument("--out", metavar="FILE", required=True)
    export.add_argument("--delete-seed-after-export", action="store_true")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    raise not_available(f"keys {args.keys_action}")
