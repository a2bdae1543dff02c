"""Where ``status`` gets the client inventory and the ledger's verdict (L2 service).

The seams of :class:`~hardener.status.inputs.StatusInputs`. :func:`servers_source` reads every
discovered client config of the target user with the engine (read-only) and says, per server
entry, whether it runs through the shim; entries hardener cannot wrap by design (report-only files,
extension-provided servers, remote servers while policy only reports them, disabled ones while
policy does not wrap them) are exempt but listed. :func:`ledger_status` verifies the ledger
incrementally (since the last verified checkpoint) with public keys, plus the keychain anchor when
the user runs it in their own session.
"""

from __future__ import annotations

import errno
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from hardener.clients import registry
from hardener.clients.entries import Kind
from hardener.clients.presence import installed_evidence
from hardener.daemon.selfcheck import TAMPER_REASONS as TAMPER
from hardener.engine.configfile import load
from hardener.engine.context import EngineContext
from hardener.engine.scan import analyse
from hardener.errors import HardenerError, StateDirError
from hardener.keystore import KeyStore
from hardener.paths import HardenerPaths
from hardener.settings import Settings
from hardener.status.inputs import (
    LedgerSource,
    LedgerStatus,
    ServerInventory,
    ServersSource,
    ServerState,
)
from hardener.status.statefiles import StateFiles
from hardener.status.targets import Target
from hardener.status.userfiles import CheckedFs, foreign_files
from hardener.timestamps import parse_timestamp

#: findings that mean "not wrappable by design"; the entry is exempt but reported
EXEMPT_FINDINGS = frozenset({"read_only", "report_only"})


def _state_of(
    kind: Kind, disabled: bool, findings: set[str], settings: Settings
) -> tuple[str, bool, str]:
    if kind is Kind.WRAPPED or kind is Kind.BRIDGED:
        return "wrapped", False, ""
    if findings & EXEMPT_FINDINGS:
        return "report-only", True, "cannot be wrapped in this client"
    if kind is Kind.REMOTE:
        if settings.remote_servers == "bridge":
            return "remote", False, "remote server not bridged"
        return "remote", True, 'remote, not audited (policy remote_servers = "report")'
    if kind in (Kind.BUILTIN, Kind.EXTENSION):
        return str(kind.value), True, "provided by the client"
    if kind is Kind.INVALID:
        return "invalid", False, "hardener does not understand this entry (see 'hardener scan')"
    if "managed_block" in findings:
        return "blocked", False, "a managed client policy blocks the wrapped entry"
    if disabled and not settings.harden.wrap_disabled:
        return "disabled", True, "disabled (policy does not wrap disabled servers)"
    return "unwrapped", False, "not audited"


def _state_reader(paths: HardenerPaths, target: Target) -> Callable[[Path], bytes | None]:
    """Root's reader of the user's state files (``desired/``): :class:`StateFiles` checks."""
    files = StateFiles.for_paths(paths, target.home, own=False)
    state = Path(os.path.abspath(paths.state_dir))

    def read(path: Path) -> bytes | None:
        return files.read(*Path(os.path.abspath(path)).relative_to(state).parts)

    return read


def _hardened_at(ctx: EngineContext) -> dict[str, float]:
    result: dict[str, float] = {}
    for desired in ctx.desired_store().all():
        for entry in desired.entries:
            try:
                when = parse_timestamp(entry.updated)
            except ValueError:
                continue
            result[desired.client] = max(result.get(desired.client, 0.0), when)
    return result


def inventory(target: Target, settings: Settings) -> ServerInventory:
    ctx = EngineContext.for_machine(target.platform, settings)
    foreign = foreign_files(target)
    if foreign is not None:  # as root: no link to someone else's file is followed
        ctx = replace(ctx, fs=CheckedFs(foreign), read_state=_state_reader(ctx.paths, target))
    servers: list[ServerState] = []
    errors: list[str] = []
    names: dict[str, tuple[str, ...]] = {}
    read: set[str] = set()
    probed: dict[str, int] = {}
    files_read = 0
    for location in ctx.locations():
        names[location.client.id] = location.client.process_names
        probed[location.client.id] = probed.get(location.client.id, 0) + 1
        if not location.exists:
            continue
        if location.file.format == "opaque":
            read.add(location.client.id)  # report-only by design, seen
            files_read += 1
            continue
        try:
            snapshot = None if foreign is None else foreign.snapshot(location.path)
            loaded = load(location.path, location.file.format, snapshot)
            report, entries = analyse(ctx, location, loaded)
        except HardenerError as exc:
            errors.append(exc.message)
            continue
        unknown = [f.message for f in report.findings if f.kind == "unknown_format"]
        if unknown:
            errors += unknown
            continue
        read.add(location.client.id)
        files_read += 1
        for server, (ref, info) in zip(report.servers, entries, strict=True):
            findings = {f.kind for f in server.findings}
            state, exempt, note = _state_of(info.kind, info.disabled, findings, settings)
            argv: tuple[str, ...] = ()
            shim = None
            if info.launch is not None and info.kind in (Kind.WRAPPED, Kind.BRIDGED):
                shim = info.launch.command
                if info.shim is not None and info.shim.command:
                    argv = (info.shim.command, *info.shim.args)
            elif info.launch is not None:
                argv = (info.launch.command, *info.launch.args)
            servers.append(
                ServerState(
                    location.client.id,
                    ref.name,
                    str(location.path),
                    state,
                    shim=shim,
                    argv=argv,
                    exempt=exempt,
                    note=note,
                )
            )
    return ServerInventory(
        servers=servers,
        errors=errors,
        unseen=_unseen(ctx, target, read, probed),
        files_read=files_read,
        hardened_at=_hardened_at(ctx),
        process_names=names,
        installed_shim=None if ctx.shim is None else str(ctx.shim),
        shim_error=ctx.shim_error,
    )


def _unseen(
    ctx: EngineContext, target: Target, read: set[str], probed: dict[str, int]
) -> list[str]:
    """Installed clients none of whose config files could be read."""
    search = target.platform.env.get("PATH", "")

    def which(name: str) -> str | None:
        return shutil.which(name, path=search) if search else None

    found: list[str] = []
    for spec in registry.CLIENTS:
        if spec.id in read:
            continue
        evidence = installed_evidence(spec, ctx.platform, ctx.fs, which)
        if evidence:
            found.append(
                f"{spec.name} is installed ({evidence}) but none of its "
                f"{probed.get(spec.id, 0)} config file(s) could be read"
            )
    return found


def servers_source() -> ServersSource:
    return inventory


#: Records may wait this many checkpoint intervals after the last checkpoint before they count as
#: stale (unanchored for too long).
STALE_CHECKPOINT_INTERVALS = 3
#: At most this many records are verified when ``status`` reads another user's ledger (root).
FOREIGN_MAX_RECORDS = 20_000


def _own_keystore(target: Target, settings: Settings) -> KeyStore | None:
    """The user's keychain for the truncation anchor, only in their own session (never prompts)."""
    if not target.own:
        return None
    from hardener.keystore import open_keystore

    try:
        return open_keystore(allow_insecure=settings.keychain.allow_insecure_backend)
    except HardenerError:
        return None


def ledger_status(target: Target, paths: HardenerPaths, settings: Settings) -> LedgerStatus:
    from hardener.ledger.audit import verify_ledger
    from hardener.ledger.store import PUBLIC, list_segments

    # public values and the ledger directory, never through a link the user planted
    files = StateFiles.for_paths(paths, target.home, own=target.own)
    public = files.read_json("public", PUBLIC)
    if public is None and files.check_dir("ledger") and list_segments(paths.ledger_dir):
        problem = f"{paths.public_dir / 'ledger.json'} is missing but the ledger exists (deleted?)"
        return LedgerStatus(False, None, problem=problem)
    if public is None:
        return LedgerStatus(False, None, problem="no ledger yet: the agent has never sealed")
    if not files.check_dir("ledger"):
        return LedgerStatus(
            True, None, problem=f"the ledger directory {paths.ledger_dir} is missing"
        )
    stale_after = STALE_CHECKPOINT_INTERVALS * float(settings.ledger.checkpoint_seconds)
    try:
        report = verify_ledger(
            paths,
            keystore=_own_keystore(target, settings),
            now=time.time(),
            stale_after=stale_after,
            # root reading another user's ledger must not leave root-owned files in it
            save_cache=target.own,
            # bounded for root/SYSTEM: the agent keeps the cache near the head, a user who
            # removes it must not make the MDM's check verify a million records
            max_records=None if target.own else FOREIGN_MAX_RECORDS,
        )
    except OSError as exc:  # the ledger files are opened with O_NOFOLLOW: ELOOP is a planted link
        planted = exc.errno == errno.ELOOP
        what = "is a symlink: refused" if planted else f"cannot be read ({exc.strerror or exc})"
        raise StateDirError(f"a ledger file in {paths.ledger_dir} {what}") from exc
    if report.incomplete:
        return LedgerStatus(
            exists=True,
            intact=None,
            problem=f"not verified: no recent verification cache and more than "
            f"{FOREIGN_MAX_RECORDS} record(s) to verify (the agent keeps the cache; run "
            f"'hardener log verify' as the user)",
            log_id=report.log_id,
            key_fingerprint=report.fingerprint or None,
            verified_records=report.records,
            stale_after=stale_after,
        )
    finding = report.finding
    return LedgerStatus(
        exists=True,
        intact=finding is None or str(finding.reason) not in TAMPER,
        problem="" if finding is None else f"{finding.message} (seq {finding.seq})",
        reason=None if finding is None else str(finding.reason),
        log_id=report.log_id,
        seq=report.last_seq,
        head=report.head,
        key_fingerprint=report.fingerprint or None,
        verified_records=report.records,
        anchor=report.anchor_status,
        anchor_seq=None if report.anchor is None else report.anchor.seq,
        stale_after=stale_after,
    )


def ledger_source() -> LedgerSource:
    return ledger_status
