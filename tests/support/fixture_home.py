"""Sandbox homes populated with the client fixtures (``tests/fixtures/clients/<client>/<path>``).

Each fixture tree is laid out relative to ``HOME``; ``__HOME__`` inside a file is replaced by the
sandbox home (Claude Code records absolute project paths). Clients whose format has no codec yet
are left out, so these tests pick them up as soon as the codec lands.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from hardener.clients import registry
from hardener.clients.discovery import ConfigLocation
from hardener.clients.managed import ManagedRules
from hardener.engine.context import EngineContext
from hardener.engine.harden import apply_all, plan_all
from hardener.engine.plan import FileOutcome
from hardener.engine.shimpath import locate_shim
from hardener.formats.registry import codec_for
from hardener.paths import Platform, hardener_paths
from hardener.policy import SourceDocument, merge_sources
from hardener.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "clients"
EDGE = FIXTURES / "edge"
HOME_TOKEN = "__HOME__"
STATE = ".local"


def format_supported(name: str) -> bool:
    try:
        codec_for(name)
    except ValueError:
        return False
    return True


def fixture_clients() -> list[str]:
    """Client ids with a fixture tree whose formats can be edited in this build."""
    found = []
    for directory in sorted(FIXTURES.iterdir()):
        if directory.name == "edge" or not directory.is_dir():
            continue
        spec = registry.get(directory.name)
        formats = {f.format for f in spec.files} - {"opaque"}
        if all(format_supported(f) for f in formats):
            found.append(directory.name)
    return found


def install(home: Path, clients: list[str] | None = None) -> None:
    for client in clients if clients is not None else fixture_clients():
        source = FIXTURES / client
        for path in sorted(source.rglob("*")):
            if path.is_dir():
                continue
            target = home / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            data = path.read_bytes()
            if HOME_TOKEN.encode() in data:
                data = data.replace(HOME_TOKEN.encode(), str(home).encode())
            target.write_bytes(data)


def snapshot(home: Path) -> dict[str, bytes]:
    """Every file under ``home`` except hardener's own state."""
    return {
        str(p.relative_to(home)): p.read_bytes()
        for p in sorted(home.rglob("*"))
        if p.is_file() and not str(p.relative_to(home)).startswith(STATE)
    }


def settings(**values: object) -> Settings:
    """The defaults overlaid with ``harden__wrap_disabled=False`` style values (``__``: a dot)."""
    flat = {key.replace("__", "."): value for key, value in values.items()}
    return merge_sources([SourceDocument("user", "test", flat)]).settings


def harden(
    ctx: EngineContext, locations: Sequence[ConfigLocation], *, dry_run: bool = False
) -> list[FileOutcome]:
    """What ``hardener harden --yes`` does with ``locations``: plan them all, then apply."""
    return apply_all(ctx, plan_all(ctx, locations), dry_run=dry_run)


def context(
    home: Path,
    *,
    running: frozenset[str] = frozenset(),
    managed: ManagedRules | None = None,
    shim: Path | None = None,
    env: dict[str, str] | None = None,
    **values: object,
) -> EngineContext:
    platform = Platform.current({"HOME": str(home), **(env or {})})
    return EngineContext(
        platform=platform,
        paths=hardener_paths(platform),
        settings=settings(**values),
        managed=managed or ManagedRules(),
        running=running,
        shim=shim or locate_shim(),
        clock=lambda: datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
    )


def copy_edge(name: str, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(EDGE / name, target)
    return target
