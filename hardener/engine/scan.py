"""``scan``: inventory every client, config file and server entry, with findings (L2 service).

:func:`scan_file` looks at one discovered file (reads and parses it; never writes) and
:func:`scan` at every file of the chosen clients. A file that cannot be read or parsed is a finding
naming ``path:line:column``; the other files are still scanned.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from hardener.clients.bridging import bridge_decision
from hardener.clients.discovery import ConfigLocation
from hardener.clients.entries import EntryInfo, Kind, classify, one_word
from hardener.clients.inventory import ServerRef, servers, table_label
from hardener.clients.managed import wrap_blocked
from hardener.clients.secrets import literal_secrets
from hardener.clients.spec import version_problem
from hardener.engine.configfile import LoadedConfig, load
from hardener.engine.context import EngineContext
from hardener.engine.report import (
    ClientReport,
    FileReport,
    Finding,
    ScanReport,
    ServerReport,
    safe_url,
)
from hardener.errors import ConfigParseError, FileWriteError, HardenerError
from hardener.hooks.edit import present as hook_present
from hardener.hooks.targets import CLIENTS as HOOK_CLIENTS
from hardener.hooks.targets import targets as hook_targets
from hardener.transform import wrap_args

HARDEN_REMEDY = "Run 'hardener harden'."


def hooks_installed(ctx: EngineContext, client_id: str) -> bool:
    """Hardener's hook is in the client's user or managed hook settings."""
    for managed in (False, True):
        for target in hook_targets(ctx.platform, managed=managed):
            if target.client == client_id and hook_present(ctx.fs.read_text(target.path), target):
                return True
    return False


def _remote_finding(
    ctx: EngineContext,
    location: ConfigLocation,
    ref: ServerRef,
    info: EntryInfo,
    finding: Callable[[str, str, str], Finding],
) -> Finding:
    """What scan says of a remote entry hardener leaves as it is."""
    client = location.client
    if ctx.settings.remote_servers != "bridge":
        why = ' (policy remote_servers = "report")'
    else:
        decision = bridge_decision(client, ref.value, info)
        if decision.client_oauth and hooks_installed(ctx, client.id):
            return finding(
                "remote_hook_audited",
                f"'{ref.name}' is a remote server left as is ({decision.reason}): "
                "client-managed OAuth: audited by hooks",
                "",
            )
        if decision.client_oauth and client.id in HOOK_CLIENTS:
            return finding(
                "remote_not_audited",
                f"'{ref.name}' is a remote server, not audited: {decision.reason}; "
                "hardener's hook is not installed",
                f"Run 'hardener hooks install --client {client.id}'.",
            )
        why = f"; it cannot be bridged: {decision.reason}"
        if decision.client_oauth:
            why += f" and {client.name} has no hooks, so nothing audits it"
    return finding("remote_not_audited", f"'{ref.name}' is a remote server, not audited{why}", "")


def wrapped_argv(
    ctx: EngineContext, location: ConfigLocation, ref: ServerRef, info: EntryInfo
) -> list[str] | None:
    """The argv the client would launch once this stdio server is wrapped."""
    if info.launch is None:
        return None
    shim = str(ctx.shim) if ctx.shim is not None else "hardener-shim"
    return [shim, *wrap_args(location.client.id, ref.name, info.launch.command, info.launch.args)]


def blocked_reason(
    ctx: EngineContext, location: ConfigLocation, ref: ServerRef, info: EntryInfo
) -> str | None:
    """Why a managed policy would block this stdio server once wrapped (None: it would not)."""
    argv = wrapped_argv(ctx, location, ref, info)
    if argv is None or info.launch is None:
        return None
    original = [info.launch.command, *info.launch.args]
    if location.client.entry.command_split and not one_word(argv[0]):
        return (
            f"{location.client.name} splits '{location.client.entry.command}' into words and the "
            f"shim's path ({argv[0]}) has spaces or quotes: the client could not start it. "
            "Install hardener at a path without spaces."
        )
    return wrap_blocked(ctx.managed, location.client.id, ref.name, argv, original)


def _shim_exists(command: str) -> bool:
    return os.path.isabs(command) and os.path.isfile(command)


def server_report(
    ctx: EngineContext, location: ConfigLocation, ref: ServerRef, info: EntryInfo
) -> ServerReport:
    client, path = location.client, str(location.path)

    def finding(kind: str, message: str, remedy: str = "") -> Finding:
        return Finding(kind, message, remedy, client.id, path, ref.name)

    report = ServerReport(
        ref.name, table_label(ref.table), list(ref.path), info.kind.value, info.disabled
    )
    found = report.findings
    if info.launch is not None:
        report.command = (
            info.shim.command if info.shim and info.shim.command else info.launch.command
        )
    if info.url is not None or (info.shim is not None and info.shim.url is not None):
        url = info.url or (info.shim.url if info.shim else None)
        report.url = None if url is None else safe_url(url)
    if info.kind is Kind.STDIO:
        blocked = blocked_reason(ctx, location, ref, info)
        if not location.writable:
            found.append(
                finding("read_only", f"'{ref.name}' is not audited: {location.file.reason}")
            )
        elif blocked:
            report.state = "blocked"
            found.append(finding("managed_block", f"'{ref.name}' is not wrapped: {blocked}"))
        else:
            found.append(finding("unwrapped", f"'{ref.name}' is not audited", HARDEN_REMEDY))
    elif info.kind in (Kind.WRAPPED, Kind.BRIDGED):
        if info.shim is None:
            found.append(finding("shim_args_unrecognised", f"'{ref.name}': {info.problem}"))
        assert info.launch is not None
        if not _shim_exists(info.launch.command):
            found.append(
                finding(
                    "stale_shim",
                    f"'{ref.name}' is wrapped with {info.launch.command}, which does not exist",
                    "Reinstall hardener, or run 'hardener restore' then 'hardener harden'.",
                )
            )
    elif info.kind is Kind.REMOTE:
        found.append(_remote_finding(ctx, location, ref, info, finding))
    elif info.kind is Kind.EXTENSION:
        found.append(
            finding(
                "report_only",
                f"'{ref.name}' is provided by an extension of the client and cannot be wrapped",
            )
        )
    elif info.kind is Kind.INVALID:
        found.append(finding("invalid_entry", f"'{ref.name}' was left as is: {info.problem}"))
    if info.kind is not Kind.INVALID:
        for where in literal_secrets(ref.value, client.entry.secret_maps):
            found.append(
                finding(
                    "literal_secret",
                    f"'{ref.name}' has a secret written literally in {where}",
                    "Move it to an environment variable or the client's secret store.",
                )
            )
    return report


def file_report(location: ConfigLocation) -> FileReport:
    return FileReport(
        client=location.client.id,
        kind=location.file.key,
        scope=location.file.scope,
        path=str(location.path),
        format=location.file.format,
        writable=location.writable,
        reason=location.file.reason,
        project=None if location.project is None else str(location.project),
    )


def error_finding(location: ConfigLocation, error: HardenerError) -> Finding:
    kind = "unparsable" if isinstance(error, ConfigParseError) else "unreadable"
    return Finding(kind, error.message, error.remedy, location.client.id, str(location.path))


def analyse(
    ctx: EngineContext, location: ConfigLocation, loaded: LoadedConfig
) -> tuple[FileReport, list[tuple[ServerRef, EntryInfo]]]:
    """The report of a parsed file, and its entries with their classification."""
    report = file_report(location)
    unknown = version_problem(location.file, loaded.document)
    if unknown:
        report.findings.append(
            Finding(
                "unknown_format",
                f"{location.client.name}: {location.path} is in a format version hardener does "
                f"not know ({unknown}); it was left untouched",
                "Upgrade hardener to a version that knows this client's format.",
                location.client.id,
                str(location.path),
            )
        )
        return report, []
    exclusive = ctx.managed.claude_code_exclusive
    if location.client.id == "claude-code" and exclusive and location.file.scope != "managed":
        report.findings.append(
            Finding(
                "managed_exclusive",
                f"Claude Code: the administrator's exclusive {exclusive} is deployed; Claude Code "
                f"loads only its servers and ignores the ones in {location.path}",
                "",
                location.client.id,
                str(location.path),
            )
        )
    refs, problems = servers(loaded.document, location.file.tables)
    for problem in problems:
        report.findings.append(
            Finding("invalid_table", problem, "", location.client.id, str(location.path))
        )
    entries = [(ref, classify(location.client.entry, ref.value)) for ref in refs]
    report.servers = [server_report(ctx, location, ref, info) for ref, info in entries]
    if (
        location.client.quit_before_edit
        and location.writable
        and ctx.client_running(location.client)
        and any(info.kind is Kind.STDIO for _, info in entries)
    ):
        report.findings.append(
            Finding(
                "quit_required",
                f"{location.client.name} is running and rewrites {location.path} from memory; "
                "it will not be edited now",
                f"Quit {location.client.name} completely, run 'hardener harden', then start it.",
                location.client.id,
                str(location.path),
            )
        )
    return report, entries


def scan_file(ctx: EngineContext, location: ConfigLocation) -> FileReport:
    """Inspect one existing file; problems become findings, never exceptions."""
    if location.file.format == "opaque":
        report = file_report(location)
        report.findings.append(
            Finding("report_only", location.file.reason, "", location.client.id, str(location.path))
        )
        return report
    try:
        loaded = load(location.path, location.file.format)
    except (ConfigParseError, FileWriteError) as error:
        report = file_report(location)
        report.findings.append(error_finding(location, error))
        return report
    return analyse(ctx, location, loaded)[0]


def scan(
    ctx: EngineContext, client_ids: Sequence[str] = (), projects: Sequence[Path] = ()
) -> ScanReport:
    locations = ctx.locations(client_ids, projects)
    by_client: dict[str, ClientReport] = {}
    project_dirs: list[str] = []
    for location in locations:
        spec = location.client
        client = by_client.get(spec.id)
        if client is None:
            client = by_client[spec.id] = ClientReport(
                spec.id, spec.name, ctx.client_running(spec), notes=list(spec.notes)
            )
        if location.project is not None and str(location.project) not in project_dirs:
            project_dirs.append(str(location.project))
        if not location.exists:
            client.absent.append(str(location.path))
            continue
        client.files.append(scan_file(ctx, location))
    for client in by_client.values():
        if client.running and client.found:
            client.findings.append(
                Finding(
                    "client_running",
                    f"{client.name} is running: restart it after hardening to use the shim",
                    client=client.id,
                )
            )
    return ScanReport(
        list(by_client.values()), project_dirs, None if ctx.shim is None else str(ctx.shim)
    )
