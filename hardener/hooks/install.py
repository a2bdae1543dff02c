"""``hooks install|uninstall|status`` and the daemon's hook drift repair (L2 service).

The same write path as config edits (:mod:`hardener.engine.plan`): backup of the current bytes
(:class:`~hardener.backup.BackupStore`) → compare-and-swap atomic write
(:func:`~hardener.fsutil.atomic_write` with ``expected=``; refused when the file changed since it
was read) → state → one ``hooks.install`` / ``hooks.uninstall`` event in the spool.

``<state>/hooks-state.json`` (0600) remembers per file what install did: the SHA-256 of the bytes
before and after, the backup id and the keys install created. Uninstall of a file nobody touched
since (its bytes still hash to ``after``) writes the original bytes back exactly (or removes the
file install created); a file edited since gets hardener's handlers (and the keys install created,
when empty) removed by a splice, everything else kept. The daemon calls :func:`repair`: a recorded
install whose handlers went missing (a client or a person rewrote the file) is installed again.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hardener.backup import BackupStore
from hardener.engine.configfile import decode, parse_error
from hardener.errors import ConfigParseError, HardenerError, WriteConflictError
from hardener.event_bodies import HookInstallBody, InstallReason
from hardener.fsutil import atomic_write, read_snapshot, sha256_hex, write_private
from hardener.hooks.edit import check, install_edit, uninstall_text
from hardener.hooks.targets import HookTarget
from hardener.paths import HardenerPaths

log = logging.getLogger(__name__)

STATE_FILE = "hooks-state.json"
Emit = Callable[[str, Mapping[str, object]], object]


@dataclass
class HookOutcome:
    target: HookTarget
    #: changed | unchanged | skipped | error
    status: str
    state: str = ""
    detail: str = ""
    exact: bool = True
    backup_id: str | None = None
    error: HardenerError | None = None
    events: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "client": self.target.client,
            "scope": self.target.scope,
            "file": str(self.target.path),
            "status": self.status,
            "state": self.state,
        }
        if self.events:
            out["events"] = self.events
        if self.detail:
            out["detail"] = self.detail
        if self.backup_id:
            out["backup_id"] = self.backup_id
        if self.status == "changed":
            out["exact"] = self.exact
        if self.error is not None:
            out["error"] = self.error.message
        return out


class HookStateStore:
    def __init__(self, paths: HardenerPaths) -> None:
        self.path = paths.state_dir / STATE_FILE

    def load(self) -> dict[str, dict[str, object]]:
        snapshot = read_snapshot(self.path)
        if snapshot.data is None:
            return {}
        try:
            document = json.loads(snapshot.data)
            files: dict[str, dict[str, object]] = document["files"]
            return files
        except (ValueError, KeyError, TypeError) as exc:
            raise HardenerError(
                f"{self.path} is corrupt; it was left untouched",
                remedy="Move it aside and run 'hardener hooks install' again.",
            ) from exc

    def save(self, files: dict[str, dict[str, object]]) -> None:
        document = {"v": 1, "files": files}
        write_private(self.path, json.dumps(document, indent=1, sort_keys=True).encode())


def _read(target: HookTarget) -> tuple[Any, str | None]:
    snapshot = read_snapshot(target.path)
    if snapshot.data is None:
        return snapshot, None
    return snapshot, decode(target.path, snapshot.data)


class HookInstaller:
    """Install, uninstall and check hardener's hooks in the given targets."""

    def __init__(
        self,
        paths: HardenerPaths,
        hook: Path,
        emit: Emit,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.paths = paths
        self.hook = hook
        self.emit = emit
        self.clock = clock
        self.store = HookStateStore(paths)

    # --- status -------------------------------------------------------------------------
    def status(self, targets: Sequence[HookTarget]) -> list[HookOutcome]:
        recorded = self.store.load()
        out = []
        for target in targets:
            try:
                _, text = _read(target)
                state = check(text, target, self.hook) if text is not None else None
            except HardenerError as exc:
                out.append(HookOutcome(target, "error", "unreadable", error=exc))
                continue
            except ConfigParseError as exc:
                out.append(
                    HookOutcome(target, "error", "unreadable", error=parse_error(target.path, exc))
                )
                continue
            name = state.state if state is not None else "no_file"
            outcome = HookOutcome(target, "unchanged", name, events=state.events if state else {})
            if str(target.path) in recorded:
                outcome.detail = "recorded"
            out.append(outcome)
        return out

    # --- install ------------------------------------------------------------------------
    def install(
        self,
        targets: Sequence[HookTarget],
        *,
        create: bool = False,
        reason: InstallReason = "install",
    ) -> list[HookOutcome]:
        """Install into each target; ``create``: also where the client's directory is missing."""
        files = self.store.load()
        out = []
        try:
            for target in targets:
                out.append(self._install_one(target, files, create=create, reason=reason))
        finally:
            self.store.save(files)
        return out

    def _install_one(
        self,
        target: HookTarget,
        files: dict[str, dict[str, object]],
        *,
        create: bool,
        reason: InstallReason,
    ) -> HookOutcome:
        if not target.path.parent.is_dir():
            if not create:
                return HookOutcome(
                    target,
                    "skipped",
                    "client_absent",
                    detail=f"{target.path.parent} does not exist",
                )
            try:
                target.path.parent.mkdir(
                    parents=True, exist_ok=True, mode=0o755 if target.scope == "managed" else 0o700
                )
            except OSError as exc:
                error = HardenerError(f"cannot create {target.path.parent}: {exc.strerror or exc}")
                return HookOutcome(target, "error", "unwritable", error=error)
        try:
            snapshot, text = _read(target)
            new, created = install_edit(text, target, self.hook)
        except ConfigParseError as exc:
            return HookOutcome(target, "error", "unreadable", error=parse_error(target.path, exc))
        except HardenerError as exc:
            return HookOutcome(target, "error", "unreadable", error=exc)
        key = str(target.path)
        if new == text:
            files.setdefault(
                key, self._record(target, snapshot.sha256, sha256_hex(new.encode()), None, [])
            )
            return HookOutcome(target, "unchanged", "installed")
        data = new.encode("utf-8")
        try:
            backup_id = None
            if snapshot.data is not None:
                backup_id = (
                    BackupStore(self.paths.backups_dir)
                    .save(
                        target.path,
                        snapshot.data,
                        reason=f"before hooks {reason} ({target.client})",
                    )
                    .id
                )
            mode = 0o644 if target.scope == "managed" else 0o600
            atomic_write(target.path, data, expected=snapshot, mode=mode)
        except WriteConflictError as exc:
            error = WriteConflictError(
                f"{target.path} changed while hardener was working on it; nothing was written",
                remedy="Run 'hardener hooks install' again.",
            )
            error.__cause__ = exc
            return HookOutcome(target, "error", "conflict", error=error)
        except HardenerError as exc:
            return HookOutcome(target, "error", "unwritable", error=exc)
        before = snapshot.sha256
        files[key] = self._record(target, before, sha256_hex(data), backup_id, created)
        body: HookInstallBody = {
            "file": key,
            "client": target.client,
            "scope": target.scope,
            "events": list(target.events),
            "before_sha256": before,
            "after_sha256": sha256_hex(data),
            "backup_id": backup_id,
            "reason": reason,
        }
        self.emit("hooks.install", body)
        return HookOutcome(target, "changed", "installed", backup_id=backup_id)

    def _record(
        self,
        target: HookTarget,
        before: str | None,
        after: str,
        backup_id: str | None,
        created: list[list[str]],
    ) -> dict[str, object]:
        return {
            "client": target.client,
            "scope": target.scope,
            "style": target.style,
            "events": list(target.events),
            "own_file": target.own_file,
            "before_sha256": before,
            "after_sha256": after,
            "backup_id": backup_id,
            "created": created,
            "hook": str(self.hook),
            "installed": self.clock(),
        }

    # --- uninstall ----------------------------------------------------------------------
    def uninstall(self, targets: Sequence[HookTarget]) -> list[HookOutcome]:
        files = self.store.load()
        out = []
        try:
            for target in targets:
                out.append(self._uninstall_one(target, files))
        finally:
            self.store.save(files)
        return out

    def _uninstall_one(self, target: HookTarget, files: dict[str, dict[str, Any]]) -> HookOutcome:
        key = str(target.path)
        record = files.get(key)
        try:
            snapshot, text = _read(target)
        except HardenerError as exc:
            return HookOutcome(target, "error", "unreadable", error=exc)
        if text is None:
            files.pop(key, None)
            return HookOutcome(target, "unchanged", "no_file")
        exact = record is not None and snapshot.sha256 == record.get("after_sha256")
        try:
            if exact:
                assert record is not None
                original: bytes | None = None
                if record.get("backup_id"):
                    original = BackupStore(self.paths.backups_dir).get(str(record["backup_id"]))[1]
                new_data = original
            else:
                created = record.get("created", []) if record else []
                new = uninstall_text(text, target, created)
                if new == text:
                    files.pop(key, None)
                    return HookOutcome(target, "unchanged", "absent")
                new_data = None if target.own_file and _no_hooks(new) else new.encode("utf-8")
        except ConfigParseError as exc:
            return HookOutcome(target, "error", "unreadable", error=parse_error(target.path, exc))
        except HardenerError as exc:
            return HookOutcome(target, "error", "unreadable", error=exc)
        try:
            assert snapshot.data is not None
            backup = BackupStore(self.paths.backups_dir).save(
                target.path, snapshot.data, reason=f"before hooks uninstall ({target.client})"
            )
            if new_data is None:
                if read_snapshot(target.path).data != snapshot.data:
                    raise WriteConflictError(f"{target.path} changed since it was read")
                os.unlink(target.path)
            else:
                atomic_write(target.path, new_data, expected=snapshot)
        except WriteConflictError as exc:
            error = WriteConflictError(
                f"{target.path} changed while hardener was working on it; nothing was written",
                remedy="Run 'hardener hooks uninstall' again.",
            )
            error.__cause__ = exc
            return HookOutcome(target, "error", "conflict", error=error)
        except (HardenerError, OSError) as exc:
            failure = (
                exc
                if isinstance(exc, HardenerError)
                else HardenerError(f"cannot write {target.path}: {exc}")
            )
            return HookOutcome(target, "error", "unwritable", error=failure)
        files.pop(key, None)
        body: HookInstallBody = {
            "file": key,
            "client": target.client,
            "scope": target.scope,
            "events": list(target.events),
            "before_sha256": snapshot.sha256,
            "after_sha256": None if new_data is None else sha256_hex(new_data),
            "backup_id": backup.id,
            "reason": "uninstall",
            "exact": exact,
        }
        self.emit("hooks.uninstall", body)
        return HookOutcome(target, "changed", "absent", exact=exact, backup_id=backup.id)

    # --- drift --------------------------------------------------------------------------
    def repair(self, targets: Sequence[HookTarget]) -> list[HookOutcome]:
        """Re-install recorded hooks that went missing; other targets are left alone."""
        recorded = self.store.load()
        wanted = [t for t in targets if str(t.path) in recorded]
        broken = [
            o.target for o in self.status(wanted) if o.state != "installed" and o.status != "error"
        ]
        if not broken:
            return []
        for target in broken:
            log.info("hardener's hooks in %s went missing; installing them again", target.path)
        return self.install(broken, create=True, reason="drift")


def _no_hooks(text: str) -> bool:
    try:
        document = json.loads(text)
    except ValueError:
        return False
    hooks = document.get("hooks") if isinstance(document, dict) else None
    return not hooks or all(not v for v in hooks.values()) if isinstance(hooks, dict) else not hooks
