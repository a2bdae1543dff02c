"""Drift repair planning for one config file: desired state vs what is on disk (L2 service).

:func:`plan_repair` compares the parsed file with its desired state (ARCHITECTURE 3.3) and plans
the text edits, entry by entry, with the engine's transforms:

- an entry that lost its wrapping → re-wrapped (``rewrap``); if its command or args changed meanwhile
  (a new package version) it is re-wrapped and flagged (``identity_change``);
- a server that is new to the desired state → per policy ``new_servers``: wrapped (``new_wrap``),
  switched off where the client has a switch (``new_quarantine``), or only reported (``new_report``);
- every recorded entry gone and no server left in the file → the client wiped the block: entries
  rebuilt from the desired state (``rebuilt``, a ``config.reset_by_client`` event);
- some recorded entries gone while others remain → deleted on purpose (``deleted``): the desired
  state forgets them and they stay deleted;
- entries a person restored on purpose (``released``) and entries a managed policy would block are
  left alone.

The result is checked before anything is written: the new text parses, each edited entry comes out
as planned, and undoing the planned edits on the parsed result gives back the parsed original.
Writing is the engine's one write path (:func:`hardener.engine.plan.apply_plan`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from hardener.clients.discovery import ConfigLocation
from hardener.clients.entries import EntryInfo, Kind, classify
from hardener.clients.inventory import ServerRef
from hardener.engine.configfile import LoadedConfig, parse_text
from hardener.engine.context import EngineContext
from hardener.engine.desired import EntryRecord, FileState
from hardener.engine.harden import entry_edit
from hardener.engine.plan import EntryChange, FilePlan
from hardener.engine.scan import analyse
from hardener.errors import ConfigParseError, HardenerError
from hardener.formats.interface import Path as DocPath
from hardener.json_types import JSONObject
from hardener.timestamps import utc_timestamp
from hardener.transform import parse_shim_args


@dataclass(frozen=True)
class Repair:
    """One thing the daemon did (or only noticed) in a file."""

    server: str
    action: (
        str  # rewrap | identity_change | new_wrap | new_quarantine | new_report | deleted | rebuilt
    )
    detail: str = ""

    def to_json(self) -> JSONObject:
        return {"server": self.server, "action": self.action, "detail": self.detail}


@dataclass
class RepairPlan:
    plan: FilePlan
    repairs: list[Repair] = field(default_factory=list)
    #: desired-state records of servers deleted on purpose (to forget)
    deleted: list[EntryRecord] = field(default_factory=list)
    #: the client wiped the servers block and the entries were rebuilt
    reset: bool = False
    #: the client must be quit before its file is edited (nothing planned)
    deferred: str = ""

    @property
    def writes(self) -> bool:
        return self.plan.changed


def _launch_key(info: EntryInfo) -> tuple[str, tuple[str, ...]] | None:
    if info.launch is None:
        return None
    return info.launch.command, info.launch.args


def _quarantine_switch(location: ConfigLocation) -> tuple[str, Any] | None:
    """The (key, value) that switches an entry off in this client, if it has one."""
    pairs = location.client.entry.disabled_when
    return pairs[0] if pairs else None


def _get(document: Any, path: DocPath) -> Any:
    value = document
    for key in path:
        value = value[key]
    return value


def _find_record(records: list[EntryRecord], ref: ServerRef) -> EntryRecord | None:
    for record in records:
        if tuple(record.path) == tuple(ref.path):
            return record
    for record in records:  # list-form tables: indexes move, names do not
        if record.name == ref.name and tuple(record.path[:-1]) == tuple(ref.path[:-1]):
            return record
    return None


def plan_repair(
    ctx: EngineContext,
    location: ConfigLocation,
    loaded: LoadedConfig,
    state: FileState | None,
) -> RepairPlan:
    """Plan the repair of one parsed file against its desired state (errors land in the plan)."""
    result = RepairPlan(FilePlan("harden", location, loaded=loaded, new_text=loaded.text))
    try:
        _Planner(ctx, location, loaded, state, result).run()
    except HardenerError as error:
        result.plan.error = error
    return result


class _Planner:
    """One planning pass; the text is edited entry after entry, with a log of how to undo."""

    def __init__(
        self,
        ctx: EngineContext,
        location: ConfigLocation,
        loaded: LoadedConfig,
        state: FileState | None,
        result: RepairPlan,
    ) -> None:
        self.ctx = ctx
        self.location = location
        self.loaded = loaded
        self.state = state
        self.result = result
        self.text = loaded.text
        self.undo: list[tuple[str, DocPath, object]] = []
        self.order = state.next_order() if state is not None else 0
        self.now = utc_timestamp(ctx.clock())
        self.quit_required = ""

    def run(self) -> None:
        report, entries = analyse(self.ctx, self.location, self.loaded)
        quit_required = next((f for f in report.findings if f.kind == "quit_required"), None)
        self.quit_required = quit_required.message if quit_required is not None else ""
        state = self.state
        records = list(state.entries) if state is not None else []
        released = {tuple(r.get("path", ())) for r in (state.released if state else [])}
        blocked = {s.name for s in report.servers if s.state == "blocked"}
        matched: set[int] = set()
        pairs: list[tuple[ServerRef, EntryInfo, EntryRecord | None]] = []
        for ref, info in entries:
            record = _find_record(records, ref)
            if record is not None:
                matched.add(id(record))
            pairs.append((ref, info, record))
        missing = [r for r in records if id(r) not in matched]
        if missing and not entries:
            self._rebuild(missing)
        for record in missing if entries else []:
            self.result.deleted.append(record)
            self._repair(Repair(record.name, "deleted", "removed from the file; stays removed"))
        for ref, info, record in pairs:
            if tuple(ref.path) in released or ref.name in blocked:
                continue
            if record is None:
                self._new_server(ref, info)
            elif info.kind in (Kind.STDIO, Kind.REMOTE):
                before = classify(self.location.client.entry, record.original)
                same = _launch_key(before) == _launch_key(info) and before.url == info.url
                repair = (
                    Repair(ref.name, "rewrap", "lost its wrapping")
                    if same
                    else Repair(ref.name, "identity_change", "command changed; re-wrapped")
                )
                self._wrap(ref, info, record, repair)
        if self.text != self.loaded.text:
            _verify(self.location, self.loaded, self.text, self.result.plan.changes, self.undo)
        self.result.plan.new_text = self.text

    def _repair(self, repair: Repair) -> None:
        self.result.repairs.append(repair)

    def _deferred(self) -> bool:
        """A client that rewrites its file from memory is running: plan no edit now."""
        if self.quit_required:
            self.result.deferred = self.quit_required
            return True
        return False

    def _rebuild(self, missing: list[EntryRecord]) -> None:
        if self._deferred():
            return
        self.result.reset = True
        for record in sorted(missing, key=lambda r: r.order):
            if record.wrapped is None:
                continue
            self.text = self.loaded.codec.set(self.text, tuple(record.path), record.wrapped)
            self.undo.append(("remove", tuple(record.path), None))
            self._repair(Repair(record.name, "rebuilt", "servers block wiped by the client"))

    def _new_server(self, ref: ServerRef, info: EntryInfo) -> None:
        if info.kind not in (Kind.STDIO, Kind.REMOTE):
            return
        action: str = self.ctx.settings.new_servers
        if action == "quarantine":
            switch = _quarantine_switch(self.location)
            if info.disabled:
                return
            if switch is not None:
                if self._deferred():
                    return
                path = tuple(ref.path)
                self.text = self.loaded.codec.set(self.text, (*path, switch[0]), switch[1])
                self.undo.append(("restore", path, copy.deepcopy(ref.value)))
                self._repair(Repair(ref.name, "new_quarantine", f"{switch[0]} = {switch[1]!r}"))
                return
            action = "report"
        if action == "report":
            self._repair(Repair(ref.name, "new_report", "new server left as is (policy)"))
            return
        self._wrap(ref, info, None, Repair(ref.name, "new_wrap", "new server wrapped on sight"))

    def _wrap(
        self, ref: ServerRef, info: EntryInfo, record: EntryRecord | None, repair: Repair
    ) -> None:
        if self._deferred():
            return
        edit = entry_edit(self.ctx, self.location, self.loaded, self.text, ref=ref, info=info)
        if edit is None or edit.text == self.text:
            if record is not None:
                self._repair(Repair(ref.name, "new_report", "cannot be wrapped (policy)"))
            return
        self.text = edit.text
        self.undo.append(("restore", tuple(ref.path), copy.deepcopy(ref.value)))
        new_record = EntryRecord(
            name=ref.name,
            path=list(ref.path),
            mode=edit.mode,
            order=record.order if record is not None else self.order,
            original=copy.deepcopy(ref.value),
            wrapped=None,
            had_args=edit.had_args,
            fragment=edit.fragment,
            shim=edit.wrapped_argv[0],
            updated=self.now,
        )
        if record is None:
            self.order += 1
        self.result.plan.changes.append(
            EntryChange(ref.name, ref.path, edit.mode, True, new_record, edit.wrapped_argv)
        )
        self._repair(repair)


def _verify(
    location: ConfigLocation,
    loaded: LoadedConfig,
    text: str,
    changes: list[EntryChange],
    undo: list[tuple[str, DocPath, object]],
) -> None:
    document = parse_text(location.path, loaded.codec, text)
    for change in changes:
        assert change.record is not None
        value = _get(document, change.path)
        info = classify(location.client.entry, value)
        if info.kind not in (Kind.WRAPPED, Kind.BRIDGED) or info.shim != parse_shim_args(
            change.argv[1:]
        ):
            raise _bug(location, f"the entry '{change.name}' did not come out as planned")
        change.record.wrapped = value
    undone = copy.deepcopy(document)
    for how, path, original in reversed(undo):
        parent = _get(undone, path[:-1])
        if how == "remove":
            del parent[path[-1]]
        else:
            parent[path[-1]] = original
    expected = copy.deepcopy(loaded.document)
    if undone != expected and not _only_empty_tables_added(undone, expected):
        raise _bug(location, "the repair would change more than the planned entries")


def _only_empty_tables_added(undone: object, expected: object) -> bool:
    """A rebuilt block may leave an empty table where none was (``"mcpServers": {}``)."""
    if not isinstance(undone, dict) or not isinstance(expected, dict):
        return False
    for key, value in undone.items():
        if key not in expected:
            if value not in ({}, []):
                return False
        elif value != expected[key] and not _only_empty_tables_added(value, expected[key]):
            return False
    return set(expected) <= set(undone)


def _bug(location: ConfigLocation, what: str) -> ConfigParseError:
    return ConfigParseError(
        f"{location.path}: {what}; nothing was written",
        remedy="This is a bug in hardener: please report it with the file's shape.",
    )
