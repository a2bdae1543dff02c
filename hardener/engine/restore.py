"""``restore``: put wrapped entries back exactly as they were, entry by entry (L2 service).

Never a whole old file (clients rewrite other keys meanwhile). For each wrapped or bridged entry,
newest first: splice the recorded original bytes back when the wrapped text is still there
(exact); otherwise write the original values read from the wrapped args themselves (or, for a
bridge, from the desired state, falling back to the newest backup that has the entry unwrapped).
Restored entries are released from the desired state, so the daemon leaves them alone.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence

from hardener.backup import BackupStore
from hardener.clients.discovery import ConfigLocation
from hardener.clients.entries import EntryInfo, Kind, classify
from hardener.clients.inventory import ServerRef, servers
from hardener.clients.spec import version_problem
from hardener.engine.configfile import LoadedConfig, decode, load, parse_text
from hardener.engine.context import EngineContext
from hardener.engine.desired import DesiredStateStore, FileState
from hardener.engine.harden import get_path
from hardener.engine.plan import EntryChange, FilePlan
from hardener.engine.report import Finding
from hardener.errors import ConfigParseError, HardenerError
from hardener.formats.interface import Path as DocPath
from hardener.transform import unwrap_entry


def backup_original(
    ctx: EngineContext, location: ConfigLocation, loaded: LoadedConfig, path: DocPath
) -> object:
    """The entry at ``path`` in the newest backup of this file where it is not wrapped."""
    store = BackupStore(ctx.paths.backups_dir)
    wanted = str(location.path.absolute())
    for record in sorted(store.list(), key=lambda r: r.created, reverse=True):
        if record.path != wanted:
            continue
        try:
            _, data = store.get(record.id)
            value = get_path(loaded.codec.parse(decode(location.path, data)), path)
        except (HardenerError, KeyError, IndexError, TypeError):
            continue
        if classify(location.client.entry, value).kind in (Kind.STDIO, Kind.REMOTE):
            return value
    return None


def _order(pair: tuple[ServerRef, EntryInfo], state: FileState | None) -> tuple[int, int]:
    record = state.find(pair[0].path) if state is not None else None
    return (0, -record.order) if record is not None else (1, 0)


def plan_restore(
    ctx: EngineContext,
    location: ConfigLocation,
    only: Collection[str] = (),
    loaded: LoadedConfig | None = None,
) -> FilePlan:
    """What restore would do to one file (entries named in ``only``, or all)."""
    plan = FilePlan("restore", location)
    if not location.exists or not location.writable:
        return plan
    try:
        plan.loaded = loaded if loaded is not None else load(location.path, location.file.format)
        unknown = version_problem(location.file, plan.loaded.document)
        if unknown:  # a format hardener does not know: report it, edit nothing
            plan.findings.append(
                Finding(
                    "unknown_format",
                    f"{location.path} is in a format version hardener does not know ({unknown}); "
                    "it was left untouched",
                    "Upgrade hardener, or restore the entries by hand.",
                    location.client.id,
                    str(location.path),
                )
            )
            return plan
        state = DesiredStateStore(ctx.paths.desired_state_dir).load(location.path)
        refs, _ = servers(plan.loaded.document, location.file.tables)
        chosen = [
            (ref, classify(location.client.entry, ref.value))
            for ref in refs
            if not only or ref.name in only
        ]
        wrapped = [p for p in chosen if p[1].kind in (Kind.WRAPPED, Kind.BRIDGED)]
        wrapped.sort(key=lambda p: _order(p, state))
        text = plan.loaded.text
        for ref, info in wrapped:
            record = state.find(ref.path) if state is not None else None
            assert info.launch is not None
            original = record.original if record is not None else None
            if original is None and (info.shim is None or info.shim.command is None):
                original = backup_original(ctx, location, plan.loaded, ref.path)
            if original is None and (info.shim is None or info.shim.command is None):
                plan.findings.append(
                    Finding(
                        "not_restorable",
                        f"'{ref.name}' cannot be restored: no record of its original entry",
                        "Edit the entry by hand, or restore a backup from the state directory.",
                        location.client.id,
                        str(location.path),
                        ref.name,
                    )
                )
                continue
            inner = info.shim if info.shim is not None and info.shim.command is not None else None
            text, exact = unwrap_entry(
                plan.loaded.codec,
                text,
                ref.path,
                command_path=info.launch.command_path,
                args_path=info.launch.args_path,
                inner=inner,
                fragment=record.fragment if record is not None else None,
                original=original,
                had_args=record.had_args if record is not None else True,
                argv_list=info.launch.argv_list,
            )
            plan.changes.append(EntryChange(ref.name, ref.path, "unwrap", exact, record))
        if state is not None:
            done = {tuple(c.path) for c in plan.changes}
            plan.releases = [
                r
                for r in state.entries
                if tuple(r.path) not in done and (not only or r.name in only)
            ]
        if plan.changes:
            _verify(location, plan.loaded, text, plan.changes)
        plan.new_text = text
    except HardenerError as error:
        plan.error = error
    return plan


def _verify(
    location: ConfigLocation, loaded: LoadedConfig, new_text: str, changes: Sequence[EntryChange]
) -> None:
    document = parse_text(location.path, loaded.codec, new_text)
    rewrapped = copy.deepcopy(document)
    for change in changes:
        value = get_path(document, change.path)
        if classify(location.client.entry, value).kind in (Kind.WRAPPED, Kind.BRIDGED):
            raise ConfigParseError(
                f"{location.path}: '{change.name}' is still wrapped after restoring; nothing was written",
                remedy="This is a bug in hardener: please report it with the file's shape.",
            )
        container = get_path(rewrapped, change.path[:-1])
        container[change.path[-1]] = get_path(loaded.document, change.path)
    if rewrapped != loaded.document:
        raise ConfigParseError(
            f"{location.path}: restoring would change more than the wrapped entries; nothing was written",
            remedy="This is a bug in hardener: please report it with the file's shape.",
        )
