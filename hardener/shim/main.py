"""``hardener-shim`` entry point (L2 service; the shim is its own small program).

Placeholder until the shim issue lands: it parses its contract and exits 3 with a clear message on
stderr. It never writes to stdout, which belongs to the MCP protocol.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from hardener._version import __version__

DESCRIPTION = (
    "hardener audit shim (NOT IMPLEMENTED YET in this version: it exits 3 without starting the "
    "server). Started by an MCP client in place of a server: "
    "hardener-shim --client ID --server NAME -- CMD ARG...  or  "
    "hardener-shim --client ID --server NAME --url URL [--header K:V]..."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hardener-shim", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"hardener-shim {__version__}")
    parser.add_argument("--client", required=True, metavar="ID")
    parser.add_argument("--server", required=True, metavar="NAME")
    parser.add_argument("--url", metavar="URL")
    parser.add_argument("--header", action="append", default=[], metavar="K:V")
    parser.add_argument("command", nargs=argparse.REMAINDER, metavar="-- CMD ARG...")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        build_parser().parse_args(args_list)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else 2
    sys.stderr.write(
        "hardener-shim: error: the audit shim is not implemented yet in this version\n"
    )
    return 3
