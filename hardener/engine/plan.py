"""Plans (values) and applying them (I/O): the one write path for client config files (L2).

A :class:`FilePlan` is what harden or restore would do to one file: the new text, the entries it
changes, the findings about entries it leaves alone, or the error that stops it. Planning never
writes; :func:`apply_plan` does, always in this order: backup of the current bytes →
compare-and-swap atomic write (refused if the file changed since it was read) → desired state →
one ``config.harden``/``config.restore`` event per changed entry.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from hardener.backup import BackupStore
from hardener.changes import note_change
from hardener.clients.discovery import ConfigLocation
from hardener.engine.configfile import LoadedConfig
from hardener.engine.context import EngineContext
from hardener.engine.desired import DesiredStateStore, EntryRecord, FileState
from hardener.engine.report import Finding
from hardener.errors import HardenerError, WriteConflictError
from hardener.event_bodies import ConfigChangeBody
from hardener.formats.interface import Path as DocPath
from hardener.fsutil import atomic_write, sha256_hex
from hardener.spool import SpoolWriter
from hardener.transform import changed_region

Verb = Literal["harden", "restore"]
DIFF_CONTEXT = 3


@dataclass(frozen=True)
class EntryChange:
    name: str
    path: DocPath
    action: Literal["wrap", "bridge", "unwrap"]
    #: restore: the original bytes came back (False: the values, in the codec's formatting)
    exact: bool = True
    #: harden: the record to store; restore: the record to release (None if there was none)
    record: EntryRecord | None = None
    #: harden: the argv now in the entry (shim first)
    argv: tuple[str, ...] = ()


@dataclass
class FilePlan:
    verb: Verb
    location: ConfigLocation
    loaded: LoadedConfig | None = None
    new_text: str | None = None
    changes: list[EntryChange] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    error: HardenerError | None = None
    #: restore: desired-state records to release although their entry is no longer wrapped
    releases: list[EntryRecord] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return (
            self.error is None
            and self.loaded is not None
            and self.new_text is not None
            and self.new_text != self.loaded.text
        )

    def diff(self) -> str:
        """A unified diff of the change (only the changed region is compared: fast on big files)."""
        if not self.changed:
            return ""
        assert self.loaded is not None
        assert self.new_text is not None
        return unified_diff(str(self.location.path), self.loaded.text, self.new_text)


def unified_diff(name: str, old: str, new: str) -> str:
    start, old_end, new_end = changed_region(old, new)
    first = old.count("\n", 0, start)
    skip = max(0, first - DIFF_CONTEXT)
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    old_stop = min(len(old_lines), old.count("\n", 0, old_end) + 1 + DIFF_CONTEXT)
    new_stop = min(len(new_lines), new.count("\n", 0, new_end) + 1 + DIFF_CONTEXT)
    lines = difflib.unified_diff(
        old_lines[skip:old_stop], new_lines[skip:new_stop], f"a{name}", f"b{name}", n=DIFF_CONTEXT
    )
    out: list[str] = []
    for raw in lines:
        line = raw
        match = re.match(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@", raw)
        if match:
            a, b = int(match.group(1)) + skip, int(match.group(3)) + skip
            line = f"@@ -{a}{match.group(2) or ''} +{b}{match.group(4) or ''} @@\n"
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


@dataclass
class FileOutcome:
    plan: FilePlan
    #: changed | unchanged | would_change | skipped | error
    status: str
    backup_id: str | None = None
    before_sha256: str | None = None
    after_sha256: str | None = None
    error: HardenerError | None = None


class EventSink:
    """Opens the CLI's spool file on the first event (nothing is written for a no-op run)."""

    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx
        self._writer: SpoolWriter | None = None

    def emit(self, kind: str, body: Mapping[str, object]) -> None:
        if self._writer is None:
            self._writer = SpoolWriter(self._ctx.paths, client="hardener", server="-")
        self._writer.emit(kind, body, moment=self._ctx.clock())

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


def _update_desired(ctx: EngineContext, plan: FilePlan) -> None:
    store = DesiredStateStore(ctx.paths.desired_state_dir)
    location = plan.location
    state = store.load(location.path) or FileState(
        str(location.path), location.client.id, location.file.format
    )
    for change in plan.changes:
        if change.record is None:
            continue
        if plan.verb == "harden":
            state.put(change.record)
        else:
            state.release(change.record)
    for record in plan.releases:
        state.release(record)
    store.save(state)


def apply_plan(
    ctx: EngineContext,
    plan: FilePlan,
    sink: EventSink,
    *,
    _before_replace: Callable[[object], None] | None = None,
) -> FileOutcome:
    """Write one planned change (backup → CAS write → desired state → events)."""
    if plan.error is not None:
        return FileOutcome(plan, "error", error=plan.error)
    if not plan.changed:
        if plan.releases:
            try:
                _update_desired(ctx, plan)
            except HardenerError as exc:
                return FileOutcome(plan, "error", error=exc)
        return FileOutcome(plan, "unchanged")
    assert plan.loaded is not None
    assert plan.new_text is not None
    snapshot = plan.loaded.snapshot
    assert snapshot.data is not None
    location = plan.location
    data = plan.new_text.encode("utf-8")
    try:
        backup = BackupStore(ctx.paths.backups_dir).save(
            location.path, snapshot.data, reason=f"before {plan.verb} ({location.client.id})"
        )
        atomic_write(location.path, data, expected=snapshot, _before_replace=_before_replace)
        note_change(location.path)
    except WriteConflictError as exc:
        error = WriteConflictError(
            f"{location.path} changed while hardener was working on it; nothing was written",
            remedy=f"Run 'hardener {plan.verb}' again.",
        )
        error.__cause__ = exc
        return FileOutcome(plan, "error", error=error)
    except HardenerError as exc:
        return FileOutcome(plan, "error", error=exc)
    outcome = FileOutcome(plan, "changed", backup.id, sha256_hex(snapshot.data), sha256_hex(data))
    try:
        _update_desired(ctx, plan)
        kind = "config.harden" if plan.verb == "harden" else "config.restore"
        for change in plan.changes:
            body: ConfigChangeBody = {
                "file": str(location.path),
                "client": location.client.id,
                "servers": [change.name],
                "before_sha256": outcome.before_sha256,
                "after_sha256": outcome.after_sha256,
                "backup_id": backup.id,
                "detail": {
                    "path": list(change.path),
                    "action": change.action,
                    "exact": change.exact,
                },
            }
            sink.emit(kind, body)
    except (HardenerError, OSError) as exc:
        outcome.error = (
            exc
            if isinstance(exc, HardenerError)
            else HardenerError(f"cannot record the change to {location.path}: {exc}")
        )
    return outcome
