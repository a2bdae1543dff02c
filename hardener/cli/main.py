"""``hardener`` entry point: argv parsing, the one error catch point, exit codes (L3 edge).

Exit codes (README "Exit codes"): 0 ok, 1 findings / non-compliant / tampered, 2 usage,
3 failed with nothing changed, 4 failed with changes in place, 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from hardener._version import __version__
from hardener.changes import changed
from hardener.changes import reset as reset_changes
from hardener.cli.context import CliContext
from hardener.errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_PARTIAL,
    EXIT_USAGE,
    HardenerError,
    UsageError,
)
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
    "demo": "hardener.cli.demo",
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
    """``--json``, ``--format=json`` or ``--format json`` anywhere (also when argv is invalid)."""
    pairs = zip(argv, [*argv[1:], ""], strict=False)
    return any(a in ("--json", "--format=json") or (a, b) == ("--format", "json") for a, b in pairs)


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
    reset_changes()
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
        code = int(args.func(args, ctx))
        ctx.stdout.flush()  # a reader that went away shows here, in the catch point, not at exit
        return code
    except HardenerError as error:
        return _report(error, ctx, as_json=as_json)
    except KeyboardInterrupt:
        ctx.stderr.write("hardener: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError as exc:  # `hardener log show | head`: not a bug
        return _output_closed(exc, ctx)
    except SystemExit as exc:  # --help / --version exit 0 through argparse
        return int(exc.code) if isinstance(exc.code, int) else 0
    except Exception as exc:  # the one catch point for bugs: never a bare traceback, never 1
        return _internal_error(exc, ctx, as_json=as_json)


def _output_closed(exc: BrokenPipeError, ctx: CliContext) -> int:
    """The reader of our output went away: say so (if stderr still listens), exit as interrupted."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, ctx.stdout.fileno())  # Python's final flush at exit must not fail again
        os.close(devnull)
    with contextlib.suppress(OSError, ValueError):
        ctx.stderr.write("hardener: stopped: the reader of its output went away (broken pipe)\n")
        if ctx.verbose:
            traceback.print_exception(exc, file=ctx.stderr)
        ctx.stderr.flush()
    return EXIT_INTERRUPTED


REPORT_HINT = (
    "This is a bug in hardener. Run the same command again with -v and report the traceback "
    "(it names no secrets; check before sharing) with 'hardener --version'."
)


def _internal_error(exc: Exception, ctx: CliContext, *, as_json: bool) -> int:
    """An unexpected exception: one line, how to report it, exit 3 (or 4 after a change)."""
    touched = changed()
    code = EXIT_PARTIAL if touched else EXIT_FAILED
    text = " ".join(str(exc).split())[:300]
    message = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    remedy = REPORT_HINT
    if touched:
        remedy = (
            f"Files were already changed ({', '.join(touched[:3])}); run 'hardener scan' to see "
            "the state. " + REPORT_HINT
        )
    ctx.stderr.write(f"hardener: internal error: {message}\n{remedy}\n")
    if ctx.verbose:
        traceback.print_exception(exc, file=ctx.stderr)
    if as_json:
        ctx.emit_json(
            ERROR_SCHEMA,
            {
                "error": {
                    "kind": "InternalError",
                    "message": f"internal error: {message}",
                    "remedy": remedy,
                    "exit_code": code,
                }
            },
        )
    return code
