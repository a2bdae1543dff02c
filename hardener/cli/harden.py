"""``hardener harden``: wrap every server entry the policy says to wrap (L3 edge).

Plans every file first (nothing is written while planning), shows what will change, asks on a
terminal unless ``--yes``, then applies file by file. ``--dry-run`` prints a unified diff per file.
A real run also records the login shell's ``PATH`` for the shim (:func:`record_login_path`).
Exit codes: 0 done or nothing to do, 3 error with nothing changed, 4 error after some files changed.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from hardener.cli.common import add_output_flags, add_selection_flags, add_write_flags
from hardener.cli.context import CliContext
from hardener.engine.context import EngineContext
from hardener.engine.harden import apply_all, plan_all
from hardener.engine.plan import FileOutcome, FilePlan
from hardener.errors import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL
from hardener.policy import load_policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hardener.cli.common import Subparsers

HELP = "route every MCP server through hardener-shim (0 done, 3 error, 4 partial)"
SCHEMA = "harden-report.schema.json"


def register(subparsers: Subparsers) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser("harden", help=HELP, description=HELP)
    add_output_flags(parser)
    add_write_flags(parser)
    add_selection_flags(parser)
    parser.set_defaults(func=run)
    return parser


def exit_code(outcomes: Sequence[FileOutcome]) -> int:
    failed = any(o.error is not None for o in outcomes)
    changed = any(o.status == "changed" for o in outcomes)
    if failed:
        return EXIT_PARTIAL if changed else EXIT_FAILED
    return EXIT_OK


def _outcome_json(outcome: FileOutcome, dry_run: bool) -> dict[str, object]:
    plan = outcome.plan
    error = outcome.error
    return {
        "path": str(plan.location.path),
        "client": plan.location.client.id,
        "status": outcome.status,
        "backup_id": outcome.backup_id,
        "before_sha256": outcome.before_sha256,
        "after_sha256": outcome.after_sha256,
        "diff": plan.diff() if dry_run and plan.changed else None,
        "entries": [
            {"name": c.name, "path": list(c.path), "action": c.action, "exact": c.exact}
            for c in plan.changes
        ],
        "findings": [f.to_json() for f in plan.findings],
        "error": None
        if error is None
        else {"kind": error.kind, "message": error.message, "remedy": error.remedy},
    }


def report(
    verb: str, outcomes: Sequence[FileOutcome], ctx: CliContext, *, dry_run: bool, shim: str | None
) -> None:
    entries = sum(len(o.plan.changes) for o in outcomes if o.status in ("changed", "would_change"))
    nothing = entries == 0 and not any(o.error for o in outcomes)
    if ctx.json:
        ctx.emit_json(
            SCHEMA,
            {
                "verb": verb,
                "dry_run": dry_run,
                "shim": shim,
                "nothing_to_do": nothing,
                "summary": {
                    "files": len(outcomes),
                    "changed": sum(1 for o in outcomes if o.status in ("changed", "would_change")),
                    "entries": entries,
                    "errors": sum(1 for o in outcomes if o.error is not None),
                },
                "files": [_outcome_json(o, dry_run) for o in outcomes],
            },
        )
        return
    done = "wrapped" if verb == "harden" else "restored"
    for outcome in outcomes:
        plan = outcome.plan
        if dry_run and plan.changed:
            ctx.stdout.write(plan.diff())
        names = ", ".join(c.name for c in plan.changes)
        if outcome.status == "changed":
            ctx.out(f"{plan.location.path}: {done} {names} (backup {outcome.backup_id})")
        elif outcome.status == "would_change":
            ctx.out(f"{plan.location.path}: would have {done} {names}")
        inexact = [c.name for c in plan.changes if not c.exact]
        if inexact and outcome.status in ("changed", "would_change"):
            ctx.warn(
                f"{plan.location.path}: {', '.join(inexact)} restored by value (the entry was "
                "edited since hardening, so its original formatting could not be put back)"
            )
        if ctx.verbose:
            for finding in plan.findings:
                ctx.warn(f"[{finding.client}] {finding.message}")
        if outcome.error is not None:
            ctx.stderr.write(
                f"hardener: error: {outcome.error.message}\n  {outcome.error.remedy}\n"
            )
    left = Counter(f.kind for o in outcomes for f in o.plan.findings)
    if left and not ctx.verbose:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(left.items()))
        ctx.out(f"left as they are: {kinds} (details: -v, or 'hardener scan')")
    if nothing:
        ctx.out("nothing to do")
    elif dry_run:
        ctx.out(f"dry run: {entries} entries would change; nothing was written")


def confirm(
    plans: Sequence[FilePlan], verb: str, ctx: CliContext, *, yes: bool, dry_run: bool
) -> bool:
    """Ask on a terminal before writing (never with --yes, --dry-run, or without a TTY)."""
    pending = [p for p in plans if p.changed]
    if yes or dry_run or not pending or not sys.stdin.isatty():
        return True
    for plan in pending:
        ctx.stderr.write(f"  {plan.location.path}: {', '.join(c.name for c in plan.changes)}\n")
    ctx.stderr.write(f"{verb} {sum(len(p.changes) for p in pending)} entries? [y/N] ")
    ctx.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    engine = EngineContext.for_machine(ctx.platform, load_policy(ctx.platform).settings)
    shim = str(engine.require_shim())
    locations = engine.locations(args.client, [Path(p) for p in args.project])
    plans = plan_all(engine, locations)
    if not confirm(plans, "wrap", ctx, yes=args.yes, dry_run=args.dry_run):
        ctx.out("nothing was changed")
        return EXIT_OK
    outcomes = apply_all(engine, plans, dry_run=args.dry_run)
    if not args.dry_run:
        record_login_path(ctx)
    report("harden", outcomes, ctx, dry_run=args.dry_run, shim=shim)
    return exit_code(outcomes)


def record_login_path(ctx: CliContext) -> None:
    """Record the login shell's ``PATH`` where the shim reads it (``login-path.json``).

    Clients started from a GUI (macOS Dock, a desktop launcher) hand servers a minimal ``PATH``;
    the shim then finds ``npx``/``uvx`` on the PATH the user's login shell would have. Best
    effort: a shell that fails or times out leaves the previous record and warns.
    """
    from hardener.shim.settings import refresh_login_path

    problem = refresh_login_path(ctx.platform.env)
    if problem is not None:
        ctx.warn(problem)
