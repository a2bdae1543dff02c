"""``hardener demo [--keep DIR]``: the whole product, end to end, in a throwaway sandbox (L3 edge).

Writes three clients' configs, hardens them, starts the real daemon, drives a real MCP session
through the real shim, shows the alerts, verifies the ledger, tampers with a copy and restores the
configs byte for byte (:mod:`hardener.demo.scenario`). Nothing outside the sandbox is touched; the
sandbox is removed afterwards unless ``--keep DIR`` names where to keep it. Exit 0 when every
claim of the demo held, 3 otherwise.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import tempfile
from pathlib import Path

from hardener.cli.common import add_output_flags
from hardener.cli.context import CliContext
from hardener.errors import EXIT_OK, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hardener.cli.common import Subparsers

HELP = "see hardener work end to end in a throwaway sandbox home (about 10 s)"
SCHEMA = "demo.schema.json"


def register(subparsers: Subparsers) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser("demo", help=HELP, description=HELP)
    add_output_flags(parser)
    parser.add_argument("--keep", metavar="DIR", help="keep the sandbox in DIR to explore it")
    parser.add_argument(
        "--keystore",
        choices=("auto", "gnome-keyring", "file"),
        default="auto",
        help="auto: a private gnome-keyring when installed, else the demo's labelled file store",
    )
    parser.set_defaults(func=run)
    return parser


def _root(keep: str | None) -> tuple[Path, bool]:
    if keep is None:
        return Path(tempfile.mkdtemp(prefix="hardener-demo-")), False
    root = Path(keep).absolute()
    if root.exists() and any(root.iterdir()):
        raise UsageError(
            f"--keep {keep}: the directory is not empty", remedy="Name a new directory."
        )
    return root, True


def _explore_hint(ctx: CliContext, root: Path, keystore: str) -> None:
    home = root / "home"
    env = root / "env.sh"
    lines = [
        f"export HOME={shlex.quote(str(home))}",
        f"export XDG_CONFIG_HOME={shlex.quote(str(home / '.config'))}",
        f"export XDG_STATE_HOME={shlex.quote(str(home / '.local' / 'state'))}",
        f"export XDG_DATA_HOME={shlex.quote(str(home / '.local' / 'share'))}",
    ]
    if keystore == "file":
        from hardener.demo import demokeys

        lines += [
            f"export PYTHON_KEYRING_BACKEND={demokeys.QUALNAME}",
            f"export {demokeys.ENV}={shlex.quote(str(root / 'demo-keystore.json'))}",
        ]
    else:
        lines.append(
            "# the keyring is in $HOME/.local/share/keyrings; to use it again: dbus-run-session "
            "-- sh -c 'gnome-keyring-daemon --unlock --components=secrets < "
            f"{shlex.quote(str(root / 'keyring-password'))}; exec $SHELL'"
        )
    env.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ctx.info(f"\nthe sandbox is kept in {root}: 'source {env}' and try 'hardener log show'")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    from hardener.demo.scenario import run_demo

    root, keep = _root(args.keep)
    say = ctx.info if ctx.json else ctx.out
    try:
        outcome = run_demo(root, keystore=args.keystore, say=say, verbose=bool(ctx.verbose))
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
    if ctx.json:
        ctx.emit_json(SCHEMA, {"ok": True, "kept": keep, **outcome.to_json()})
    else:
        say(f"\nall of it held, in {outcome.seconds:.1f} s; 'hardener --help' for the rest")
    if keep:
        _explore_hint(ctx, root, outcome.keystore)
    return EXIT_OK
