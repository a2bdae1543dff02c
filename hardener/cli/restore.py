"""``hardener restore``: unwrap entries back to exactly what they were (L3 edge).

Entry by entry, never a whole old file; the original bytes when the wrapped entry is as hardener
left it, the original values otherwise. Besides the discovered files, every file named in the
backup manifest or the desired state is covered (``hardener.engine.coverage``), or a warning says
why not. Exit codes as ``harden``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hardener.cli.common import add_output_flags, add_selection_flags, add_write_flags
from hardener.cli.context import CliContext
from hardener.cli.harden import confirm, exit_code, report
from hardener.engine.context import EngineContext
from hardener.engine.coverage import cover_recorded
from hardener.engine.harden import apply_all
from hardener.engine.restore import plan_restore
from hardener.errors import EXIT_OK
from hardener.policy import load_policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hardener.cli.common import Subparsers

HELP = "unwrap server entries back to their originals (0 done, 3 error, 4 partial)"


def register(subparsers: Subparsers) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser("restore", help=HELP, description=HELP)
    add_output_flags(parser)
    add_write_flags(parser)
    add_selection_flags(parser, servers=True)
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    engine = EngineContext.for_machine(ctx.platform, load_policy(ctx.platform).settings)
    locations = engine.locations(args.client, [Path(p) for p in args.project])
    coverage = cover_recorded(engine, locations, args.client)
    locations += coverage.locations
    for path, why in coverage.skipped:
        ctx.warn(f"not restored: {path}: {why}")
    plans = [
        plan_restore(engine, loc, set(args.server))
        for loc in locations
        if loc.exists and loc.writable
    ]
    if not confirm(plans, "restore", ctx, yes=args.yes, dry_run=args.dry_run):
        ctx.out("nothing was changed")
        return EXIT_OK
    outcomes = apply_all(engine, plans, dry_run=args.dry_run)
    report("restore", outcomes, ctx, dry_run=args.dry_run, shim=None)
    return exit_code(outcomes)
