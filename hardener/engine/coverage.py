"""Which files ``restore`` must cover beyond discovery: every file hardener recorded (L2 service).

``harden --project DIR`` (or a project listed in ``~/.claude.json`` at the time) can wrap a file
that a later ``restore`` without ``--project`` would not discover. Restore therefore also covers
every file named in the backup manifest or in the desired state: it finds the client and file kind
by running discovery over the file's parent directories, and says, per file, why a recorded file
is not covered (gone, or not a config file of the chosen clients).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hardener.backup import BackupStore
from hardener.clients import registry
from hardener.clients.discovery import ConfigLocation, discover, fs_key
from hardener.engine.context import EngineContext
from hardener.engine.desired import DesiredStateStore
from hardener.errors import HardenerError

#: how many parent directories of a recorded file are tried as its project directory
PROJECT_DEPTH = 4


@dataclass
class Coverage:
    locations: list[ConfigLocation] = field(default_factory=list)
    #: recorded files not covered, with the reason (for people)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def recorded_files(ctx: EngineContext) -> list[Path]:
    """Every config file named in the backup manifest or the desired state, first seen first."""
    names: list[str] = []
    try:
        names += [record.path for record in BackupStore(ctx.paths.backups_dir).list()]
    except HardenerError as error:  # a corrupt manifest: the desired state still counts
        names.append(f"\0{error.message}")
    try:
        names += [state.file for state in DesiredStateStore(ctx.paths.desired_state_dir).all()]
    except HardenerError as error:
        names.append(f"\0{error.message}")
    seen: set[str] = set()
    out: list[Path] = []
    for name in names:
        if name not in seen:
            seen.add(name)
            out.append(Path(name))
    return out


def cover_recorded(
    ctx: EngineContext, discovered: Sequence[ConfigLocation], client_ids: Sequence[str] = ()
) -> Coverage:
    """Locations for recorded files that ``discovered`` misses, and why others are skipped."""
    coverage = Coverage()
    known = {fs_key(ctx.fs, location.path) for location in discovered}
    specs = registry.select(client_ids)
    gone: set[str] = set()
    for path in recorded_files(ctx):
        text = str(path)
        if text.startswith("\0"):
            coverage.skipped.append(("(state directory)", text[1:]))
            continue
        key = fs_key(ctx.fs, path)
        if not ctx.fs.exists(path):  # discovered or not: say why nothing is restored there
            if key not in gone:
                gone.add(key)
                coverage.skipped.append((text, "the file no longer exists"))
            continue
        if key in known:
            continue
        known.add(key)
        parents = list(path.parents)[:PROJECT_DEPTH]
        candidates = discover(ctx.platform, ctx.fs, specs, parents)
        match = next((c for c in candidates if fs_key(ctx.fs, c.path) == key), None)
        if match is None:
            if not client_ids:
                coverage.skipped.append((text, "not a config file of any client hardener knows"))
            continue  # a file of another client than the chosen ones
        if not match.writable:
            coverage.skipped.append((text, f"{match.client.id} does not let hardener write it"))
            continue
        coverage.locations.append(match)
    return coverage
