"""``hardener daemon run|install|uninstall|status``: the per-user agent (L3 edge)."""

from __future__ import annotations

import argparse
from typing import Any

from hardener.cli.common import add_output_flags, not_available
from hardener.cli.context import CliContext

HELP = "the per-user agent: seal the spool, repair drift, write the status cache"


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser("daemon", help=HELP, description=HELP)
    actions = parser.add_subparsers(dest="daemon_action", metavar="ACTION", required=True)
    run_p = actions.add_parser("run", help="run the agent in the foreground")
    add_output_flags(run_p)
    run_p.add_argument(
        "--once", action="store_true", help="seal what is spooled, repair drift once, then exit"
    )
    for name, text in (
        ("install", "install the per-user service for this OS"),
        ("uninstall", "remove the per-user service"),
    ):
        sub = actions.add_parser(name, help=text)
        add_output_flags(sub)
        sub.add_argument("--dry-run", action="store_true", help="print what would be installed")
    status_p = actions.add_parser("status", help="is the agent installed and running?")
    add_output_flags(status_p)
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    raise not_available(f"daemon {args.daemon_action}")
