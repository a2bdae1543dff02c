"""The drift guard: keep every discovered client config at its desired state (L2 service).

For each config file the daemon watches, :meth:`DriftGuard.reconcile` reads the bytes, skips
content it has already seen or written itself (by SHA-256), plans the repair
(:mod:`hardener.daemon.reconcile`) and applies it through the engine's one write path (backup →
compare-and-swap atomic write → desired state), then records what happened as ``config.drift`` /
``config.reset_by_client`` events, with an alert in enforce mode.

It never fights a client in a loop: more than ``daemon.max_rewrites_per_minute`` repairs of one file
within a minute puts that file in back-off for :data:`BACKOFF_SECONDS` with one ``drift.loop``
alert. A file changed between read and write is retried (the caller re-queues it).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from hardener.clients.discovery import ConfigLocation
from hardener.clients.entries import Kind
from hardener.daemon.reconcile import Repair, RepairPlan, plan_repair
from hardener.daemon.watch import ContentMemory
from hardener.engine.configfile import LoadedConfig, load
from hardener.engine.context import EngineContext
from hardener.engine.desired import DesiredStateStore
from hardener.engine.plan import EventSink, apply_plan
from hardener.engine.scan import analyse
from hardener.errors import HardenerError, WriteConflictError
from hardener.event_bodies import AlertBody, ConfigChangeBody
from hardener.fsutil import read_snapshot
from hardener.paths import Platform
from hardener.processes import ServerCommand
from hardener.settings import Settings
from hardener.timestamps import parse_timestamp

log = logging.getLogger(__name__)

WINDOW_SECONDS = 60.0
BACKOFF_SECONDS = 300.0

Emit = Callable[[str, Mapping[str, object]], object]


class FileOutcomeInfo(TypedDict):
    """What a repair's write adds to its ``config.drift`` body."""

    before_sha256: str | None
    after_sha256: str | None
    backup_id: str | None


ContextFactory = Callable[[Platform, Settings], EngineContext]


class _CollectingSink(EventSink):
    """Keeps the engine's per-entry events; the daemon writes its own drift events instead."""

    def __init__(self, ctx: EngineContext) -> None:
        super().__init__(ctx)
        self.events: list[tuple[str, Mapping[str, object]]] = []

    def emit(self, kind: str, body: Mapping[str, object]) -> None:
        self.events.append((kind, body))

    def close(self) -> None:
        return None


@dataclass
class FileWatchState:
    writes: deque[float] = field(default_factory=deque)
    backoff_until: float = 0.0
    repairs: int = 0


class DriftGuard:
    def __init__(
        self,
        platform: Platform,
        settings: Settings,
        emit: Emit,
        *,
        context_factory: ContextFactory = EngineContext.for_machine,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.platform = platform
        self.settings = settings
        self._emit = emit
        self._context_factory = context_factory
        self._clock = clock
        self._ctx: EngineContext | None = None
        self._locations: dict[Path, ConfigLocation] = {}
        self.memory = ContentMemory()
        self._files: dict[Path, FileWatchState] = {}
        self._servers: dict[Path, list[ServerCommand]] = {}
        self._reported: set[tuple[Path, str]] = set()
        self._retry: set[Path] = set()
        self._deferred: dict[Path, str] = {}
        self._errors: dict[Path, str] = {}
        self.total_repairs = 0

    # -- discovery ------------------------------------------------------------------------------
    @property
    def ctx(self) -> EngineContext:
        if self._ctx is None:
            self._ctx = self._context_factory(self.platform, self.settings)
        return self._ctx

    def start(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Rediscover config files (new clients, new projects) with a fresh engine context."""
        self._ctx = self._context_factory(self.platform, self.settings)
        try:
            locations = self._ctx.locations()
        except HardenerError as exc:
            log.error("cannot discover client configs: %s", exc.message)
            return
        self._locations = {
            loc.path: loc for loc in locations if loc.writable and loc.file.format != "opaque"
        }

    def targets(self) -> list[Path]:
        return sorted(self._locations)

    def take_retries(self) -> set[Path]:
        retry, self._retry = self._retry, set()
        return retry

    # -- reconcile ------------------------------------------------------------------------------
    def reconcile_all(self) -> bool:
        changed = False
        for path in self.targets():
            changed |= self.reconcile(path)
        return changed

    def reconcile(self, path: Path) -> bool:
        """Bring one file back to its desired state; True when the file or desired state changed."""
        location = self._locations.get(path)
        if location is None:
            return False
        try:
            snapshot = read_snapshot(path)
        except HardenerError as exc:
            self._note_error(path, exc.message)
            return False
        if self.memory.unchanged(path, snapshot.sha256) and path not in self._deferred:
            return False
        if snapshot.data is None:
            self.memory.remember(path, None)
            self._servers.pop(path, None)
            return False
        state = self._file(path)
        now = self._clock()
        try:
            loaded = load(path, location.file.format, snapshot)
            ctx = self._context_factory(self.platform, self.settings)
            self._ctx = ctx
            desired = DesiredStateStore(ctx.paths.desired_state_dir).load(path)
            plan = plan_repair(ctx, location, loaded, desired)
        except HardenerError as exc:
            self._note_error(path, exc.message)
            self.memory.remember(path, snapshot.sha256)
            return False
        self._errors.pop(path, None)
        self._learn_servers(ctx, location, loaded)
        if plan.deferred:
            if path not in self._deferred:
                log.warning("not repairing %s now: %s", path, plan.deferred)
            self._deferred[path] = plan.deferred
        else:
            self._deferred.pop(path, None)
        if plan.plan.error is not None:
            self._note_error(path, plan.plan.error.message)
            self.memory.remember(path, snapshot.sha256)
            return False
        reportable = [
            r
            for r in plan.repairs
            if r.action != "new_report" or self._first_report(path, r.server)
        ]
        if not plan.writes and not plan.deleted:
            self.memory.remember(path, snapshot.sha256)
            if reportable:
                self._record(location, plan, reportable, None)
            return False
        if plan.writes and self._backing_off(path, state, now):
            self.memory.remember(path, snapshot.sha256)
            return False
        return self._apply(
            ctx, location, plan, repairs=reportable, before=snapshot.sha256, state=state, now=now
        )

    def _apply(
        self,
        ctx: EngineContext,
        location: ConfigLocation,
        plan: RepairPlan,
        *,
        repairs: list[Repair],
        before: str | None,
        state: FileWatchState,
        now: float,
    ) -> bool:
        path = location.path
        outcome_info: FileOutcomeInfo | None = None
        if plan.writes:
            sink = _CollectingSink(ctx)
            outcome = apply_plan(ctx, plan.plan, sink)
            if outcome.status == "error" and outcome.error is not None:
                if isinstance(outcome.error.__cause__, WriteConflictError) or isinstance(
                    outcome.error, WriteConflictError
                ):
                    log.info("%s changed while being repaired; trying again", path)
                    self._retry.add(path)
                    return False
                self._note_error(path, outcome.error.message)
                self.memory.remember(path, before)
                return False
            self.memory.remember(path, outcome.after_sha256)
            state.writes.append(now)
            outcome_info = {
                "before_sha256": outcome.before_sha256,
                "after_sha256": outcome.after_sha256,
                "backup_id": outcome.backup_id,
            }
        else:
            self.memory.remember(path, before)
        if plan.deleted:
            self._forget(ctx, path, plan)
        state.repairs += 1
        self.total_repairs += 1
        self._record(location, plan, repairs, outcome_info)
        return True

    def _forget(self, ctx: EngineContext, path: Path, plan: RepairPlan) -> None:
        store = DesiredStateStore(ctx.paths.desired_state_dir)
        desired = store.load(path)
        if desired is None:
            return
        gone = {tuple(r.path) for r in plan.deleted}
        desired.entries = [e for e in desired.entries if tuple(e.path) not in gone]
        store.save(desired)

    def _first_report(self, path: Path, server: str) -> bool:
        key = (path, server)
        if key in self._reported:
            return False
        self._reported.add(key)
        return True

    def _backing_off(self, path: Path, state: FileWatchState, now: float) -> bool:
        while state.writes and now - state.writes[0] > WINDOW_SECONDS:
            state.writes.popleft()
        if now < state.backoff_until:
            return True
        limit = self.settings.daemon.max_rewrites_per_minute
        if len(state.writes) < limit:
            return False
        state.backoff_until = now + BACKOFF_SECONDS
        state.writes.clear()
        location = self._locations[path]
        log.error("%s is rewritten by its client over and over; backing off", path)
        alert: AlertBody = {
            "rule": "drift.loop",
            "severity": "high",
            "summary": f"{location.client.name} keeps undoing hardener's repair of {path}; "
            f"more than {limit} repairs in a minute, repairs paused for "
            f"{int(BACKOFF_SECONDS)} s",
            "evidence": [],
            "remedy": f"Quit {location.client.name}, run 'hardener harden', then restart it; "
            "check for a second tool that manages this file.",
            "detail": {"file": str(path), "client": location.client.id},
            "client": location.client.id,
        }
        self._emit("alert", alert)
        return True

    def _record(
        self,
        location: ConfigLocation,
        plan: RepairPlan,
        repairs: list[Repair],
        outcome: FileOutcomeInfo | None,
    ) -> None:
        if not repairs:
            return
        kind = "config.reset_by_client" if plan.reset else "config.drift"
        body: ConfigChangeBody = {
            "file": str(location.path),
            "client": location.client.id,
            "servers": sorted({r.server for r in repairs}),
            "detail": {
                "changes": [r.to_json() for r in repairs],
                "identity_change": any(r.action == "identity_change" for r in repairs),
                "written": outcome is not None,
            },
        }
        if outcome is not None:
            body["before_sha256"] = outcome["before_sha256"]
            body["after_sha256"] = outcome["after_sha256"]
            body["backup_id"] = outcome["backup_id"]
        self._emit(kind, body)
        log.info("%s: %s", location.path, ", ".join(f"{r.server} {r.action}" for r in repairs))
        lost = [r for r in repairs if r.action in ("rewrap", "identity_change", "rebuilt")]
        if lost and self.settings.mode == "enforce":
            alert: AlertBody = {
                "rule": "config.drift",
                "severity": "medium",
                "summary": f"{location.client.name} config {location.path} lost hardening "
                f"for {', '.join(sorted({r.server for r in lost}))}; repaired",
                "evidence": [],
                "remedy": "Check who changed the file; the servers run through the shim again.",
                "detail": {"file": str(location.path), "client": location.client.id},
                "client": location.client.id,
            }
            self._emit("alert", alert)

    def _note_error(self, path: Path, message: str) -> None:
        if self._errors.get(path) != message:
            log.warning("cannot repair %s: %s", path, message)
        self._errors[path] = message

    def _file(self, path: Path) -> FileWatchState:
        return self._files.setdefault(path, FileWatchState())

    # -- what the process checks and the heartbeat need --------------------------------------
    def _learn_servers(
        self, ctx: EngineContext, location: ConfigLocation, loaded: LoadedConfig
    ) -> None:
        try:
            _, entries = analyse(ctx, location, loaded)
        except HardenerError:
            return
        commands = []
        for ref, info in entries:
            argv: tuple[str, ...] = ()
            if info.kind is Kind.WRAPPED and info.shim is not None and info.shim.command:
                argv = (info.shim.command, *info.shim.args)
            elif info.kind is Kind.STDIO and info.launch is not None:
                argv = (info.launch.command, *info.launch.args)
            if argv:
                commands.append(
                    ServerCommand(location.client.id, ref.name, argv, str(location.path))
                )
        self._servers[location.path] = commands

    def server_commands(self) -> list[ServerCommand]:
        return [c for commands in self._servers.values() for c in commands]

    def hardened_at(self) -> dict[str, float]:
        """Per client, the last time hardener wrapped an entry of one of its files."""
        result: dict[str, float] = {}
        try:
            states = DesiredStateStore(self.ctx.paths.desired_state_dir).all()
        except HardenerError:
            return result
        for desired in states:
            for entry in desired.entries:
                try:
                    when = parse_timestamp(entry.updated)
                except ValueError:
                    continue
                result[desired.client] = max(result.get(desired.client, 0.0), when)
        return result

    def process_names(self) -> dict[str, tuple[str, ...]]:
        return {loc.client.id: loc.client.process_names for loc in self._locations.values()}

    def summary(self) -> dict[str, object]:
        now = self._clock()
        return {
            "watched_files": len(self._locations),
            "files_with_servers": sum(1 for servers in self._servers.values() if servers),
            "repairs": self.total_repairs,
            "backoff": sorted(str(p) for p, s in self._files.items() if s.backoff_until > now),
            "deferred": {str(p): why for p, why in self._deferred.items()},
            "errors": {str(p): why for p, why in self._errors.items()},
        }
