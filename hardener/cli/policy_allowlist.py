"""``hardener policy allowlist --client ID``: the wrapped commands an administrator must allow (L3 edge).

Claude Code and GitHub Copilot (Copilot CLI, VS Code) managed settings allow stdio servers by their
exact argv (``allowedMcpServers: [{"serverCommand": [...]}]``). Wrapping changes the argv, so
``harden`` leaves such servers alone and reports them blocked by the allowlist. This verb prints,
in that client's own managed-settings format, the wrapped argv of every server the allowlist admits
today: once the administrator adds it, ``harden`` wraps the server and the client still admits it.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from hardener.cli.common import add_output_flags
from hardener.cli.context import CliContext
from hardener.clients.entries import Kind
from hardener.clients.managed import ALLOWLIST_OWNERS, VSCODE_ALLOW_POLICY, VSCODE_CLIENTS
from hardener.engine.configfile import load
from hardener.engine.context import EngineContext
from hardener.engine.scan import analyse, wrapped_argv
from hardener.errors import EXIT_OK, ConfigParseError, FileWriteError, UsageError
from hardener.policy import load_policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hardener.cli.common import Subparsers

HELP = "print the wrapped commands a client's managed allowlist must admit, in its own format"
SCHEMA = "policy-allowlist.schema.json"


@dataclass(frozen=True)
class Admitted:
    name: str
    file: str
    original: list[str]
    wrapped: list[str]


def add_parser(actions: Subparsers) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = actions.add_parser("allowlist", help=HELP, description=HELP)
    add_output_flags(parser)
    parser.add_argument(
        "--client", required=True, metavar="ID", help=f"one of: {', '.join(ALLOWLIST_OWNERS)}"
    )
    parser.add_argument(
        "--project", action="append", default=[], metavar="DIR", help="also this project"
    )
    return parser


def admitted(
    engine: EngineContext,
    client: str,
    projects: list[str],
    allowlist: tuple[tuple[str, ...], ...] | None = None,
    names: frozenset[str] = frozenset(),
) -> list[Admitted]:
    """Stdio servers of ``client`` that its allowlist admits now and would block once wrapped
    (servers admitted by ``names`` keep matching once wrapped)."""
    if allowlist is None:
        allowlist = engine.managed.allowlist(client) or ()
    found: list[Admitted] = []
    for location in engine.locations([client], [Path(p) for p in projects]):
        if not location.exists or not location.writable or location.file.format == "opaque":
            continue
        try:
            loaded = load(location.path, location.file.format)
        except (ConfigParseError, FileWriteError):
            continue  # scan reports it
        for ref, info in analyse(engine, location, loaded)[1]:
            if info.kind is not Kind.STDIO or info.launch is None or ref.name in names:
                continue
            original = [info.launch.command, *info.launch.args]
            wrapped = wrapped_argv(engine, location, ref, info)
            if wrapped is None or tuple(original) not in allowlist:
                continue
            if tuple(wrapped) in allowlist:
                continue  # already admitted: harden wraps it
            found.append(Admitted(ref.name, str(location.path), original, wrapped))
    return found


def snippet(servers: list[Admitted]) -> dict[str, Any]:
    """The ``allowedMcpServers`` entries to add (Claude Code and Copilot share this schema)."""
    unique: list[list[str]] = []
    for server in servers:
        if server.wrapped not in unique:
            unique.append(server.wrapped)
    return {"allowedMcpServers": [{"serverCommand": argv} for argv in unique]}


def vscode_policy(engine: EngineContext, client: str, projects: list[str]) -> dict[str, Any] | None:
    """VS Code's own ChatAllowedMcpServers policy: the servers it admits by command that wrapping
    would block, and the whole new policy value (a JSON string, as policy files carry it)."""
    rules = engine.managed
    allowed = rules.vscode_allowed
    if client not in VSCODE_CLIENTS or allowed is None:
        return None
    servers = admitted(engine, client, projects, allowed.commands, allowed.names)
    entries: list[dict[str, Any]] = [{"serverName": n} for n in sorted(allowed.names)]
    entries += [{"serverUrl": u} for u in allowed.urls]
    entries += [{"serverCommand": list(c)} for c in allowed.commands]
    entries += snippet(servers)["allowedMcpServers"]
    return {
        "policy": VSCODE_ALLOW_POLICY,
        "file": rules.vscode_policy_file,
        "servers": [asdict(s) for s in servers],
        "snippet": {VSCODE_ALLOW_POLICY: json.dumps(entries)},
    }


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    client = args.client
    if client not in ALLOWLIST_OWNERS:
        raise UsageError(
            f"'{client}' has no exact-command allowlist hardener knows",
            remedy=f"Use one of: {', '.join(ALLOWLIST_OWNERS)}.",
        )
    engine = EngineContext.for_machine(ctx.platform, load_policy(ctx.platform).settings)
    rules = engine.managed
    in_force = rules.allowlist(client) is not None
    target = rules.allowlist_files.get(client, "")
    servers = admitted(engine, client, args.project) if in_force else []
    document = snippet(servers)
    vscode = vscode_policy(engine, client, args.project)
    if ctx.json:
        result: dict[str, Any] = {
            "client": client,
            "allowlist_in_force": in_force,
            "managed_file": target,
            "servers": [asdict(s) for s in servers],
            "snippet": document,
        }
        if vscode is not None:
            result["vscode_policy"] = vscode
        ctx.emit_json(SCHEMA, result)
        return EXIT_OK
    if vscode is not None:
        _print_vscode(ctx, vscode)
    if not in_force:
        ctx.info(f"{ALLOWLIST_OWNERS[client]} have no serverCommand allowlist on this machine")
        return EXIT_OK
    if not servers:
        ctx.info(f"no {client} server is blocked by the allowlist in {target}")
        return EXIT_OK
    ctx.info(
        f"add these entries to allowedMcpServers in {target} (keep the existing ones), "
        "then run 'hardener harden':"
    )
    for server in servers:
        ctx.info(f"  {server.name} ({server.file}): {json.dumps(server.original)}")
    ctx.out(json.dumps(document, indent=2))
    return EXIT_OK


def _print_vscode(ctx: CliContext, vscode: dict[str, Any]) -> None:
    if not vscode["servers"]:
        ctx.info(f"no server is blocked by VS Code's {vscode['policy']} policy in {vscode['file']}")
        return
    ctx.info(
        f"set the {vscode['policy']} policy in {vscode['file']} to this value (the existing "
        "entries plus the wrapped commands), then run 'hardener harden':"
    )
    for server in vscode["servers"]:
        ctx.info(f"  {server['name']} ({server['file']}): {json.dumps(server['original'])}")
    ctx.out(json.dumps(vscode["snippet"], indent=2))
