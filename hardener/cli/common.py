"""Shared argparse helpers for the verb modules (L3 edge)."""

from __future__ import annotations

import argparse

from hardener.errors import NotAvailableError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeAlias

    #: what ``add_subparsers()`` returns: each verb module's ``register`` adds its parser to it
    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]


def add_output_flags(parser: argparse.ArgumentParser) -> None:
    """``--json`` / ``-v`` / ``-q`` accepted after the verb as well as before it."""
    parser.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print one JSON document on stdout",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="more detail on stderr (tracebacks on errors)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="only errors on stderr",
    )


def add_selection_flags(parser: argparse.ArgumentParser, *, servers: bool = False) -> None:
    """``--client ID`` and ``--project DIR`` (repeatable), and ``--server NAME`` when asked:
    the same selection for ``scan``, ``harden`` and ``restore``."""
    parser.add_argument(
        "--client", action="append", default=[], metavar="ID", help="only this client (repeatable)"
    )
    parser.add_argument(
        "--project",
        action="append",
        default=[],
        metavar="DIR",
        help="also cover this project directory (repeatable)",
    )
    if servers:
        parser.add_argument(
            "--server",
            action="append",
            default=[],
            metavar="NAME",
            help="only this server (repeatable)",
        )


def add_write_flags(parser: argparse.ArgumentParser) -> None:
    """``--dry-run`` and ``--yes`` for the verbs that rewrite client config files."""
    parser.add_argument("--dry-run", action="store_true", help="print a unified diff per file")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def not_available(verb: str) -> NotAvailableError:
    return NotAvailableError(f"'hardener {verb}' is not available yet in this version")
