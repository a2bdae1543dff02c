"""``hardener approve``: accept a changed tool or server definition (rug-pull pins) (L3 edge).

``hardener approve --server NAME [--tool NAME] [--client ID]`` moves the pending (changed or
renamed) definitions of a server from the pin store's ``pending`` to its accepted pins, for one
client or every client, and records a ``pin.approve`` event (client ``hardener``) naming exactly
the hashes approved, so the ledger shows who accepted what and the daemon's detectors follow.
Without ``--tool`` the server's changed instructions are approved too. Running it again says there
is nothing to approve. In enforce mode the shim refuses calls to a changed tool until this runs.
"""

from __future__ import annotations

import argparse

from hardener.cli.common import add_output_flags
from hardener.cli.context import CliContext
from hardener.errors import UsageError
from hardener.event_bodies import Approval, PinApproveBody
from hardener.pin_store import PinStore
from hardener.spool import SpoolWriter

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hardener.cli.common import Subparsers

HELP = "accept the current definition of a changed server or tool"
SCHEMA = "approve.schema.json"


def register(subparsers: Subparsers) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser("approve", help=HELP, description=HELP)
    add_output_flags(parser)
    parser.add_argument("--client", metavar="ID", default=None)
    parser.add_argument("--server", metavar="NAME", required=True)
    parser.add_argument("--tool", metavar="NAME", default=None)
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    store = PinStore(ctx.paths)
    known = store.all()
    scope = [p for p in known if p.server == args.server]
    if args.client is not None:
        scope = [p for p in scope if p.client == args.client]
    if not scope:
        names = sorted({f"{p.client}/{p.server}" for p in known})
        raise UsageError(
            f"no pins for server '{args.server}'"
            + (f" and client '{args.client}'" if args.client else ""),
            remedy=(
                "Known (client/server): " + ", ".join(names)
                if names
                else "Nothing is pinned yet: pins are taken when a wrapped server first lists its tools."
            ),
        )
    if args.tool is not None and not any(
        args.tool in p.tools or args.tool in p.pending for p in scope
    ):
        raise UsageError(
            f"server '{args.server}' has no tool named '{args.tool}'",
            remedy="Run without --tool to approve every pending change of the server.",
        )
    approvals = store.approve(args.server, client=args.client, tool=args.tool)
    approved: list[Approval] = [
        {"client": a.client, "tool": item["tool"], "hash": item["hash"]}
        for a in approvals
        for item in a.approved
    ]
    event = None
    if approved:
        with SpoolWriter(ctx.paths, client="hardener", server=args.server) as writer:
            body: PinApproveBody = {
                "server": args.server,
                "client": args.client,
                "tool": args.tool,
                "approved": approved,
            }
            n = writer.emit("pin.approve", body)
            event = {"session": writer.session, "n": n}
    if ctx.json:
        ctx.emit_json(
            SCHEMA,
            {
                "server": args.server,
                "client": args.client,
                "tool": args.tool,
                "approved": approved,
                "event": event,
            },
        )
    elif approved:
        for item in approved:
            what = f"tool '{item['tool']}'" if item["tool"] else "server instructions"
            ctx.out(f"approved {what} of '{args.server}' for client '{item['client']}'")
    else:
        ctx.out(f"nothing to approve for server '{args.server}': no pending changes")
    return 0
