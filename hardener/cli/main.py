"""``hardener`` entry point: argv parsing, the one error catch point, exit codes (L3 edge).

Exit codes (ARCHITECTURE 3.1): 0 ok, 1 findings / non-compliant / tampered, 2 usage,
3 failed with nothing changed, 4 failed with changes in place, 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import traceback
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from hardener._version import __version__
from hardener.cli.context import CliContext
from hardener.errors import EXIT_INTERRUPTED, EXIT_USAGE, HardenerError, UsageError
from hardener.paths import Platform

#: The verbs and their modules, in the order ``--help`` lists them. A verb's module is imported
#: only when that verb runs (or for ``--help``), so ``hardener status`` does not pay for the
#: detector engine or the config engine at start-up.
VERB_MODULES: dict[str, str] = {
    "scan": "hardener.cli.scan",
    "harden": "hardener.cli.harden",
    "restore": "hardener.cli.restore",
    "status": "hardener.cli.status",
    "daemon": "hardener.cli.daemon",
    "log": "hardener.cli.log",
    "alerts": "hardener.cli.alerts",
    "analyze-tools": "hardener.cli.analyze_tools",
    "approve": "hardener.cli.approve",
    "policy": "hardener.cli.policy",
    "keys": "hardener.cli.keys",
    "hooks": "hardener.cli.hooks",
}

#: Global flags (none takes a value), skipped when looking for the verb in argv.
_GLOBAL_FLAGS = frozenset({"--json", "-v", "--verbose", "-q", "--quiet", "-vv", "-vvv"})


def _verb_in(argv: Sequence[str]) -> str | None:
    for arg in argv:
        if arg in _GLOBAL_FLAGS:
            continue
        return arg if arg in VERB_MODULES else None
    return None


def verb_modules(only: str | None = None) -> list[ModuleType]:
    names = [only] if only else list(VERB_MODULES)
    return [importlib.import_module(VERB_MODULES[name]) for name in names]


ERROR_SCHEMA = "error.schema.json"


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors reach the one catch point."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}", remedy=f"Run '{self.prog} --help' for usage.")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hardener",
        description="Audit every MCP server your AI clients launch: wrap, watch, log, alert.",
        epilog="exit codes: 0 ok, 1 findings/non-compliant, 2 usage, 3 error (nothing changed), "
        "4 error (changes in place), 130 interrupted",
    )
    parser.add_argument("--version", action="version", version=f"hardener {__version__}")
    parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="more detail on stderr (tracebacks on errors)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="only errors on stderr")
    subparsers = parser.add_subparsers(
        dest="verb", metavar="VERB", required=True, parser_class=_Parser
    )
    for module in verb_modules(only):
        module.register(subparsers)
    return parser


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING
    if verbose >= 2:
        level = logging.DEBUG
    elif verbose == 1:
        level = logging.INFO
    elif quiet:
        level = logging.ERROR
    logging.basicConfig(
        level=level, stream=sys.stderr, format="hardener: %(levelname)s: %(name)s: %(message)s"
    )


def _wants_json(argv: Sequence[str]) -> bool:
    return "--json" in argv or any(a in ("--format=json",) for a in argv)


def _report(error: HardenerError, ctx: CliContext, *, as_json: bool) -> int:
    ctx.stderr.write(f"hardener: error: {error.message}\n{error.remedy}\n")
    if ctx.verbose:
        traceback.print_exception(error, file=ctx.stderr)
    if as_json:
        ctx.emit_json(
            ERROR_SCHEMA,
            {
                "error": {
                    "kind": error.kind,
                    "message": error.message,
                    "remedy": error.remedy,
                    "exit_code": error.exit_code,
                }
            },
        )
    return error.exit_code


def main(argv: Sequence[str] | None = None, *, platform: Platform | None = None) -> int:
    """Run the CLI; returns the exit code. Tests call this in-process."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    ctx = CliContext(platform=platform or Platform.current())
    as_json = _wants_json(args_list)
    ctx.verbose = args_list.count("-v") + args_list.count("--verbose")
    try:
        parser = build_parser(_verb_in(args_list))
        if not args_list:
            parser.print_help(ctx.stderr)
            return EXIT_USAGE
        args = parser.parse_args(args_list)
        ctx.json = bool(getattr(args, "json", False))
        ctx.verbose = int(getattr(args, "verbose", 0) or 0)
        ctx.quiet = bool(getattr(args, "quiet", False))
        _configure_logging(ctx.verbose, ctx.quiet)
        return int(args.func(args, ctx))
    except HardenerError as error:
        return _report(error, ctx, as_json=as_json)
    except KeyboardInterrupt:
        ctx.stderr.write("hardener: interrupted\n")
        return EXIT_INTERRUPTED
    except SystemExit as exc:  # --help / --version exit 0 through argparse
        return int(exc.code) if isinstance(exc.code, int) else 0
