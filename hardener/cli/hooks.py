"""``hardener hooks install|uninstall|status``: hardener's hook in each client's settings (L3 edge).

``install`` writes the ``hardener-hook`` handler into the user (or, with ``--managed``, the
managed) hook settings of every supporting client whose directory exists (every one named with
``--client``, creating its directory); ``uninstall`` takes it out again, byte for byte when the
file was not edited since; ``status`` lists each target's state. Exit codes: install/uninstall
0 done or nothing to do, 3 error (nothing changed), 4 error with other changes in place; status
0 when every target present has the hook, 1 otherwise.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from hardener.cli.common import add_output_flags
from hardener.cli.context import CliContext
from hardener.errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hardener.cli.common import Subparsers

HELP = "install, remove or check hardener's hook in each client's hook settings"
SCHEMA = "hooks.schema.json"


def register(subparsers: Subparsers) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser("hooks", help=HELP, description=HELP)
    add_output_flags(parser)
    parser.add_argument("action", choices=("install", "uninstall", "status"))
    parser.add_argument("--client", metavar="ID", action="append", default=None)
    parser.add_argument(
        "--managed", action="store_true", help="the managed (MDM/admin) settings; needs root"
    )
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    from hardener.engine.shimpath import locate_shim
    from hardener.hooks.install import HookInstaller
    from hardener.hooks.targets import CLIENTS, by_client, targets
    from hardener.spool import SpoolWriter

    for client in args.client or []:
        if client not in CLIENTS:
            raise UsageError(
                f"client '{client}' takes no hooks in this version",
                remedy=f"Clients with hooks: {', '.join(CLIENTS)}.",
            )
    chosen = by_client(targets(ctx.platform, managed=args.managed), args.client)
    if args.client and not chosen:
        raise UsageError(
            f"no {'managed' if args.managed else 'user'} hook settings for {', '.join(args.client)}",
            remedy="Managed hook settings exist for claude-code, codex and cursor only.",
        )
    hook = locate_shim(program="hardener-hook")
    writer: SpoolWriter | None = None

    def emit(kind: str, body: Mapping[str, object]) -> None:
        nonlocal writer
        if writer is None:
            writer = SpoolWriter(ctx.paths, client="hardener", server="-")
        writer.emit(kind, body)

    installer = HookInstaller(ctx.paths, hook, emit)
    try:
        if args.action == "install":
            outcomes = installer.install(chosen, create=bool(args.client))
        elif args.action == "uninstall":
            outcomes = installer.uninstall(chosen)
        else:
            outcomes = installer.status(chosen)
    finally:
        if writer is not None:
            writer.close()
    if ctx.json:
        ctx.emit_json(
            SCHEMA,
            {
                "action": args.action,
                "scope": "managed" if args.managed else "user",
                "hook": str(hook),
                "targets": [o.to_json() for o in outcomes],
            },
        )
    else:
        for o in outcomes:
            line = (
                f"{o.target.client:12} {o.target.scope:8} {o.state or o.status:14} {o.target.path}"
            )
            ctx.out(line + (f"  ({o.status})" if args.action != "status" else ""))
            if o.error is not None:
                ctx.stderr.write(f"hardener: error: {o.error.message}\n{o.error.remedy}\n")
    errors = [o for o in outcomes if o.status == "error"]
    if args.action == "status":
        present = [o for o in outcomes if o.state not in ("no_file", "client_absent")]
        return 0 if present and all(o.state == "installed" for o in present) else 1
    if errors:
        return 4 if any(o.status == "changed" for o in outcomes) else 3
    return 0
