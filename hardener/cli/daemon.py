"""``hardener daemon run|install|uninstall|status``: the per-user agent (L3 edge)."""

from __future__ import annotations

import argparse
import time

from hardener.cli.common import add_output_flags
from hardener.cli.context import CliContext
from hardener.errors import EXIT_FAILED, EXIT_OK

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hardener.cli.common import Subparsers

HELP = "the per-user agent: seal the spool, repair drift, write the status cache"
DAEMON_SCHEMA = "daemon-status.schema.json"


def register(subparsers: Subparsers) -> argparse.ArgumentParser:
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
        sub.add_argument(
            "--scope",
            choices=["user", "global"],
            default="user",
            help="user: this user only (default); global: every user (administrators, MDM)",
        )
    stop_p = actions.add_parser(
        "stop", help="stop this user's running agent (SIGTERM, then wait for it to seal and exit)"
    )
    add_output_flags(stop_p)
    stop_p.add_argument(
        "--timeout", type=float, default=60.0, help="seconds to wait for it to exit (default 60)"
    )
    status_p = actions.add_parser("status", help="is the agent installed and running?")
    add_output_flags(status_p)
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    action = args.daemon_action
    if action == "run":
        return _run_agent(args, ctx)
    if action in ("install", "uninstall"):
        return _service(args, ctx)
    if action == "stop":
        return _stop(args, ctx)
    return _status(ctx)


def _run_agent(args: argparse.Namespace, ctx: CliContext) -> int:
    from hardener.daemon.assemble import build_agent
    from hardener.daemon.logsetup import configure_daemon_logging, remove_daemon_logging

    handler = configure_daemon_logging(ctx.paths.logs_dir, verbose=ctx.verbose)
    try:
        agent = build_agent(ctx.platform)
        agent.run(once=bool(args.once))
    finally:
        remove_daemon_logging(handler)
    return EXIT_OK


def _service(args: argparse.Namespace, ctx: CliContext) -> int:
    from hardener.service.manager import apply_plan, plan_install, plan_uninstall
    from hardener.service.template import default_definition

    definition = default_definition(ctx.platform, scope=args.scope)
    plan = (
        plan_install(ctx.platform, definition)
        if args.daemon_action == "install"
        else plan_uninstall(ctx.platform, definition)
    )
    notes: list[str] = []
    if not args.dry_run:
        notes = apply_plan(plan)
    if ctx.json:
        ctx.emit_json(
            DAEMON_SCHEMA,
            {
                "action": plan.action,
                "dry_run": bool(args.dry_run),
                "os": str(plan.os),
                "scope": plan.scope,
                "kind": plan.kind,
                "files": [
                    {"path": str(f.path), "mode": f"{f.mode:04o}", "content": f.text()}
                    for f in plan.write
                ],
                "remove": [str(p) for p in plan.remove],
                "commands": [c.argv for c in [*plan.commands, *plan.after]],
                "notes": notes,
            },
        )
        return EXIT_OK
    verb = "would" if args.dry_run else "did"
    for planned in plan.write:
        ctx.out(f"# {verb} write {planned.path} (mode {planned.mode:04o}):")
        if args.dry_run:
            ctx.out(planned.text().rstrip("\n"))
    for path in plan.remove:
        ctx.out(f"# {verb} remove {path}")
    for command in [*plan.commands, *plan.after]:
        ctx.out(f"# {verb} run: {' '.join(command.argv)}")
    for note in notes:
        ctx.warn(note)
    return EXIT_OK


def _stop(args: argparse.Namespace, ctx: CliContext) -> int:
    """Signal the process holding this user's daemon lock and wait until the lock is free.

    Only the lock holder's pid is signalled, and only while the lock is held; run it as the user
    whose agent it is (package removal does so for each user), never as root for another user.
    """
    import os
    import signal

    from hardener.daemon.lock import is_locked

    locked, pid = is_locked(ctx.paths.runtime_dir)
    if not locked:
        ctx.info("agent: not running")
        return EXIT_OK
    if pid is None:
        ctx.warn(f"the agent holds {ctx.paths.runtime_dir} but wrote no pid; stop it yourself")
        return EXIT_FAILED
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    except PermissionError:
        ctx.warn(f"pid {pid} holds the lock but is not this user's process; not signalled")
        return EXIT_FAILED
    deadline = time.monotonic() + max(0.0, float(args.timeout))
    while is_locked(ctx.paths.runtime_dir)[0]:
        if time.monotonic() >= deadline:
            ctx.warn(f"agent (pid {pid}) still running after {args.timeout:g} s")
            return EXIT_FAILED
        time.sleep(0.1)
    ctx.info(f"agent (pid {pid}) stopped")
    return EXIT_OK


def _status(ctx: CliContext) -> int:
    from hardener.daemon.heartbeat import read_heartbeat
    from hardener.daemon.lock import is_locked
    from hardener.service.manager import installed
    from hardener.service.template import default_definition

    locked, pid = is_locked(ctx.paths.runtime_dir)
    beat = read_heartbeat(ctx.paths)
    services = {
        scope: installed(ctx.platform, default_definition(ctx.platform, scope=scope))
        for scope in ("user", "global")
    }
    age = max(0.0, time.time() - beat["updated_unix"]) if beat is not None else None
    document = {
        "action": "status",
        "running": locked,
        "pid": pid if locked else None,
        "installed": {k: (str(v) if v else None) for k, v in services.items()},
        "heartbeat_age_seconds": age,
        "heartbeat": beat,
    }
    if ctx.json:
        ctx.emit_json(DAEMON_SCHEMA, document)
    else:
        state = f"running (pid {pid})" if locked else "not running"
        ctx.out(f"agent: {state}")
        for scope, path in services.items():
            ctx.out(f"service ({scope}): {path if path else 'not installed'}")
        if beat is not None and age is not None:
            ctx.out(f"last heartbeat: {age:.0f} s ago ({beat['state']})")
            if beat["sealing"]["problem"]:
                ctx.out(f"sealing: NOT WORKING: {beat['sealing']['problem']}")
    return EXIT_OK if locked else EXIT_FAILED
