"""``hardener status``: is this machine compliant? For people and for Jamf/Intune (L3 edge).

Exit 0 compliant, 1 non-compliant or unknown (fail closed). The MDM formats (jamf, intune) never
write to stderr and never prompt: every problem, even an error, becomes a non-compliant answer on
stdout.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from hardener.cli.common import add_output_flags
from hardener.cli.context import CliContext
from hardener.errors import EXIT_FINDINGS, EXIT_OK, HardenerError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hardener.cli.common import Subparsers
    from hardener.status.targets import Target

HELP = "compliance check for people and MDM (0 compliant, 1 non-compliant or unknown)"
MDM_FORMATS = ("jamf", "intune")


def register(subparsers: Subparsers) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser("status", help=HELP, description=HELP)
    add_output_flags(parser)
    parser.add_argument(
        "--format",
        choices=["human", "json", "jamf", "intune"],
        default=None,
        help="output format (default human; --json means json)",
    )
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--user", metavar="NAME", help="evaluate this user's state (root/SYSTEM)")
    who.add_argument("--home", metavar="DIR", help="evaluate the state under this home directory")
    who.add_argument(
        "--all-users", action="store_true", help="evaluate every user with hardener state"
    )
    parser.set_defaults(func=run)
    return parser


def _targets(args: argparse.Namespace, ctx: CliContext) -> list[Target]:
    from hardener.status.targets import (
        all_targets,
        current_target,
        target_for_home,
        target_for_user,
    )

    if args.all_users:
        return all_targets(ctx.platform)
    if args.user:
        return [target_for_user(ctx.platform, args.user)]
    if args.home:
        return [target_for_home(ctx.platform, Path(args.home))]
    return [current_target(ctx.platform)]


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    fmt = args.format or ("json" if ctx.json else "human")
    if fmt in MDM_FORMATS:
        # Nothing may reach stderr: Intune turns any stderr output into a script error.
        logging.disable(logging.CRITICAL)
    try:
        return _run(args, ctx, fmt)
    except HardenerError as exc:
        if fmt not in MDM_FORMATS:
            raise
        # The MDM gets one answer on stdout, never stderr: every check unknown, with the reason.
        from hardener._version import __version__
        from hardener.status.formats import RENDERERS
        from hardener.status.model import CHECK_IDS, UNKNOWN, Check, LedgerFacts, Report, UserReport

        checks = [Check(cid, UNKNOWN, f"status failed: {exc.message}") for cid in CHECK_IDS]
        user = UserReport(args.user, str(args.home or ""), "", checks, LedgerFacts())
        ctx.stdout.write(RENDERERS[fmt](Report(__version__, "", "", [user])))
        return EXIT_FINDINGS
    finally:
        if fmt in MDM_FORMATS:
            logging.disable(logging.NOTSET)


def _run(args: argparse.Namespace, ctx: CliContext, fmt: str) -> int:
    from hardener.status.evaluate import evaluate
    from hardener.status.formats import RENDERERS
    from hardener.status.sources import ledger_source, servers_source

    report = evaluate(
        _targets(args, ctx), servers_source=servers_source(), ledger_source=ledger_source()
    )
    ctx.stdout.write(RENDERERS[fmt](report))
    ctx.stdout.flush()
    return EXIT_OK if report.compliant else EXIT_FINDINGS
