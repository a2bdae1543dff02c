"""Shared argparse helpers for the verb modules (L3 edge)."""

from __future__ import annotations

import argparse

from hardener.errors import NotAvailableError


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


def not_available(verb: str) -> NotAvailableError:
    return NotAvailableError(f"'hardener {verb}' is not available yet in this version")
