"""``harden``: plan the wrapping of every server entry of one file, then apply it (L2 service).

:func:`plan_harden` is pure given the parsed file and the context: it decides entry by entry
(wrap a stdio server, bridge a remote one when policy says so, leave the rest with a finding),
applies the text edits one after the other, and checks the result: the new text must parse, every
edited entry must now be the expected wrapped entry, and everything else must be unchanged. A file
that fails any of that is an error and is not written.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from hardener.clients.bridging import bridge_decision
from hardener.clients.discovery import ConfigLocation
from hardener.clients.entries import EntryInfo, Kind, classify
from hardener.clients.inventory import ServerRef
from hardener.engine.configfile import LoadedConfig, load, parse_text
from hardener.engine.context import EngineContext
from hardener.engine.desired import DesiredStateStore, EntryRecord
from hardener.engine.plan import EntryChange, EventSink, FileOutcome, FilePlan, apply_plan
from hardener.engine.scan import analyse
from hardener.errors import ConfigParseError, HardenerError
from hardener.formats.interface import Path as DocPath
from hardener.timestamps import utc_timestamp
from hardener.transform import EntryEdit, bridge_entry, parse_shim_args, wrap_entry

#: findings that mean "this server was deliberately not wrapped" (reported, not errors)
LEFT_ALONE = frozenset(
    {
        "managed_block",
        "remote_not_audited",
        "remote_hook_audited",
        "read_only",
        "report_only",
        "invalid_entry",
        "unknown_format",
    }
)


def get_path(document: Any, path: DocPath) -> Any:
    value = document
    for key in path:
        value = value[key]
    return value


def _set_path(document: object, path: DocPath, new: object) -> None:
    get_path(document, path[:-1])[path[-1]] = new


def entry_edit(
    ctx: EngineContext,
    location: ConfigLocation,
    loaded: LoadedConfig,
    text: str,
    *,
    ref: ServerRef,
    info: EntryInfo,
) -> EntryEdit | None:
    """Wrap a stdio entry, or bridge a remote one when policy says so; ``None``: leave it.

    Shared by ``harden`` and the daemon's drift repair, so both make the same edit."""
    shim = str(ctx.require_shim())
    shape = location.client.entry
    if info.kind is Kind.STDIO and info.launch is not None:
        if info.disabled and not ctx.settings.harden.wrap_disabled:
            return None
        return wrap_entry(
            loaded.codec,
            text,
            ref.path,
            info.launch,
            shim=shim,
            client=location.client.id,
            server=ref.name,
        )
    if (
        info.kind is Kind.REMOTE
        and info.url is not None
        and ctx.settings.remote_servers == "bridge"
        and isinstance(ref.value, dict)
        and bridge_decision(location.client, ref.value, info).ok
    ):
        return bridge_entry(
            loaded.codec,
            text,
            ref.path,
            ref.value,
            drop=(info.remote_key or "url", *shape.bridge_drop),
            command_key=shape.command,
            args_key=shape.args,
            type_value=shape.bridge_type,
            url=info.url,
            headers=info.headers,
            shim=shim,
            client=location.client.id,
            server=ref.name,
            argv_list=shape.argv_list,
            type_key=shape.bridge_type_key,
        )
    return None


def _verify(
    location: ConfigLocation, loaded: LoadedConfig, new_text: str, changes: Sequence[EntryChange]
) -> None:
    """The new text parses, edited entries are wrapped as planned, nothing else changed."""
    document = parse_text(location.path, loaded.codec, new_text)
    undone = copy.deepcopy(document)
    for change in changes:
        assert change.record is not None
        value = get_path(document, change.path)
        info = classify(location.client.entry, value)
        expected = parse_shim_args(change.argv[1:])
        if info.kind not in (Kind.WRAPPED, Kind.BRIDGED) or info.shim != expected:
            raise ConfigParseError(
                f"{location.path}: the edited entry '{change.name}' did not come out as planned; "
                "nothing was written",
                remedy="This is a bug in hardener: please report it with the file's shape.",
            )
        change.record.wrapped = value
        _set_path(undone, change.path, change.record.original)
    if undone != loaded.document:
        raise ConfigParseError(
            f"{location.path}: the edit would change more than the wrapped entries; nothing was written",
            remedy="This is a bug in hardener: please report it with the file's shape.",
        )


def plan_harden(
    ctx: EngineContext, location: ConfigLocation, loaded: LoadedConfig | None = None
) -> FilePlan:
    """What harden would do to one file; errors are captured in the plan, never raised."""
    plan = FilePlan("harden", location)
    if not location.exists:
        return plan
    if not location.writable:
        return plan  # read-only and report-only files: scan reports their servers
    try:
        plan.loaded = loaded if loaded is not None else load(location.path, location.file.format)
        report, entries = analyse(ctx, location, plan.loaded)
        plan.findings = [
            f for f in report.all_findings() if f.kind in LEFT_ALONE or f.kind == "quit_required"
        ]
        if any(f.kind == "quit_required" for f in report.findings):
            plan.error = HardenerError(
                report.findings[-1].message, remedy=report.findings[-1].remedy
            )
            return plan
        blocked = {s.name for s in report.servers if s.state == "blocked"}
        state = DesiredStateStore(ctx.paths.desired_state_dir).load(location.path)
        order = state.next_order() if state is not None else 0
        now = utc_timestamp(ctx.clock())
        text = plan.loaded.text
        for ref, info in entries:
            if ref.name in blocked and info.kind is Kind.STDIO:
                continue
            edit = entry_edit(ctx, location, plan.loaded, text, ref=ref, info=info)
            if edit is None or edit.text == text:
                continue
            text = edit.text
            record = EntryRecord(
                name=ref.name,
                path=list(ref.path),
                mode=edit.mode,
                order=order,
                original=copy.deepcopy(ref.value),
                wrapped=None,
                had_args=edit.had_args,
                fragment=edit.fragment,
                shim=edit.wrapped_argv[0],
                updated=now,
            )
            order += 1
            plan.changes.append(
                EntryChange(ref.name, ref.path, edit.mode, True, record, edit.wrapped_argv)
            )
        if plan.changes:
            _verify(location, plan.loaded, text, plan.changes)
        plan.new_text = text
    except HardenerError as error:
        plan.error = error
    return plan


def plan_all(ctx: EngineContext, locations: Sequence[ConfigLocation]) -> list[FilePlan]:
    """The plan of every existing, writable location (``hardener harden`` confirms, then
    :func:`apply_all` applies them)."""
    return [plan_harden(ctx, loc) for loc in locations if loc.exists and loc.writable]


def apply_all(ctx: EngineContext, plans: Sequence[FilePlan], *, dry_run: bool) -> list[FileOutcome]:
    sink = EventSink(ctx)
    outcomes: list[FileOutcome] = []
    try:
        for plan in plans:
            if dry_run:
                status = (
                    "error" if plan.error else ("would_change" if plan.changed else "unchanged")
                )
                outcomes.append(FileOutcome(plan, status, error=plan.error))
            else:
                outcomes.append(apply_plan(ctx, plan, sink))
    finally:
        sink.close()
    return outcomes
