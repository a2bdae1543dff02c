"""``hardener-shim`` entry point (L2 service; the shim is its own small program).

``hardener-shim --client ID --server NAME -- CMD ARG…`` starts the real server and relays stdio;
``hardener-shim --client ID --server NAME --url URL [--header K:V]…`` bridges stdio to a remote
Streamable HTTP server. Both record events in ``<state>/spool/<session>.jsonl``. The shim never
writes anything but protocol bytes to stdout; its own messages go to stderr. Exit code: the child's
(stdio), 0/1 (bridge), 2 for a usage error, 127 when the server cannot be started.

Start-up is kept lean (imports are deferred; the policy comes from a cache, see
:mod:`hardener.shim.settings`); measure with ``python -X importtime -m hardener.shim``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from hardener._version import __version__

USAGE = (
    "usage: hardener-shim --client ID --server NAME -- CMD ARG...\n"
    "       hardener-shim --client ID --server NAME --url URL [--header K:V]...\n"
)
HELP = (
    USAGE
    + "\nThe hardener audit shim: started by an MCP client in place of a server, it relays every\n"
    "message unchanged and records tool calls (redacted) in hardener's spool.\n"
)


class _Usage(Exception):
    pass


class Options:
    """The parsed command line."""

    def __init__(self) -> None:
        self.client = ""
        self.server = ""
        self.url: str | None = None
        self.headers: list[str] = []
        self.command: list[str] = []


def parse_args(argv: Sequence[str]) -> Options:
    opts = Options()
    args = list(argv)
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            opts.command = args[index + 1 :]
            break
        name, eq, inline = arg.partition("=")
        if name in ("--client", "--server", "--url", "--header"):
            if eq:
                value = inline
            elif index + 1 < len(args):
                index += 1
                value = args[index]
            else:
                raise _Usage(f"{name} needs a value")
            if name == "--header":
                opts.headers.append(value)
            else:
                setattr(opts, name[2:], value)
        else:
            raise _Usage(f"unknown argument {arg!r} (the server command goes after '--')")
        index += 1
    if not opts.client or not opts.server:
        raise _Usage("--client and --server are required")
    if bool(opts.url) == bool(opts.command):
        raise _Usage("give either '-- CMD ARG...' or '--url URL'")
    for header in opts.headers:
        if ":" not in header:
            raise _Usage(f"--header {header!r} is not K:V")
    return opts


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] in (["--help"], ["-h"]):
        sys.stderr.write(HELP)
        return 0
    if args[:1] == ["--version"]:
        sys.stderr.write(f"hardener-shim {__version__}\n")
        return 0
    try:
        opts = parse_args(args)
    except _Usage as exc:
        sys.stderr.write(f"{USAGE}hardener-shim: error: {exc}\n")
        return 2
    return _run(opts)


def _run(opts: Options) -> int:
    from hardener.shim import settings as shim_settings
    from hardener.shim.locate import locate
    from hardener.shim.session import prepare, protect_stdout, warn

    proto_out = protect_stdout()
    loc = locate()
    problems: list[str] = []
    if loc.state_dir is None:
        problems.append("HOME is not set: nothing can be recorded")
    settings = shim_settings.load_settings(loc, problems)
    for problem in problems:
        warn(f"hardener-shim: warning: {problem}")

    if opts.url is not None:
        from hardener.shim.bridge import run_bridge

        remote: dict[str, object] = {
            "transport": "bridge",
            "url": opts.url,
            "headers": sorted(h.split(":", 1)[0].strip() for h in opts.headers),
        }
        session = prepare(
            loc,
            settings,
            client=opts.client,
            server=opts.server,
            launch=remote,
            protocol_fds=[0, proto_out],
        )
        return run_bridge(session, proto_out, opts.url, opts.headers)

    from hardener.shim import child as child_mod
    from hardener.shim import stdio

    launch: dict[str, object] = {
        "transport": "stdio",
        "argv": opts.command,
        "env_names": list(os.environ),
    }
    session = prepare(
        loc,
        settings,
        client=opts.client,
        server=opts.server,
        launch=launch,
        protocol_fds=[0, proto_out],
    )
    rule = session.gate.server_rule()
    if rule and session.gate.enforce:
        return stdio.serve_denied(session, proto_out, rule)
    if rule:
        launch["would_deny"] = rule
    resolved = child_mod.resolve_command(
        opts.command[0],
        os.environ,
        list(settings.shim_extra_path),
        shim_settings.read_login_path(loc),
    )
    if resolved is None:
        reason = (
            f"command '{opts.command[0]}' was not found on PATH, in shim.extra_path, "
            "or on the login shell's PATH"
        )
        return stdio.serve_unavailable(session, proto_out, opts.command[0], reason)
    launch["resolved_via"] = resolved.via
    return stdio.run_stdio(session, proto_out, opts.command, resolved)
