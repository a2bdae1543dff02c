"""The per-user agent's main loop: seal, detect, repair drift, watch processes, beat (L2 service).

One thread runs everything; watchdog's observer threads only post notices to the
:class:`~hardener.daemon.inbox.Inbox`. The loop blocks until a notice, a signal or the next
deadline (debounced config repair, sealer tick, periodic sweep, heartbeat), so an idle agent
sleeps. SIGTERM/SIGINT end the loop cleanly: watchers stop, the spool is sealed, the sealer writes
its final checkpoint, a last heartbeat says "stopped", the lock is released. A crash loses
nothing: shims keep spooling and the next start seals it.
"""

from __future__ import annotations

import contextlib
import getpass
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Literal, Protocol

import psutil

from hardener._version import __version__
from hardener.daemon.alertlog import AlertLog
from hardener.daemon.heartbeat import (
    HEARTBEAT_SCHEMA,
    Heartbeat,
    HeartbeatWriter,
    read_heartbeat,
)
from hardener.daemon.inbox import Inbox, Notice
from hardener.daemon.lock import InstanceLock
from hardener.daemon.sealing import SealingService
from hardener.daemon.watch import Debouncer, DirectoryWatcher
from hardener.errors import HardenerError
from hardener.fsutil import ensure_private_dir
from hardener.paths import HardenerPaths, Platform, hardener_paths
from hardener.policy import EffectivePolicy, load_policy
from hardener.settings import Settings
from hardener.timestamps import utc_timestamp

log = logging.getLogger(__name__)

#: Quiet period after the last event on a config before it is reconciled, and the cap on waiting.
DEBOUNCE_SECONDS = 0.15
DEBOUNCE_MAX_SECONDS = 1.0
#: How often the sealer's time-based duties (checkpoint, epoch close) run.
TICK_SECONDS = 1.0


@dataclass
class Deadlines:
    tick: float = 0.0
    sweep: float = 0.0
    beat: float = 0.0


@dataclass
class AgentState:
    started_unix: float = field(default_factory=time.time)
    state: Literal["starting", "running", "stopped"] = "starting"
    stopping: bool = False
    signal: str | None = None


#: a signal disposition as ``signal.signal`` returns and takes it
Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None
#: events a component hands the agent to seal: (kind, body)
Found = Iterable[tuple[str, Mapping[str, object]]]


class Drift(Protocol):
    """What the agent drives of ``daemon/drift.DriftGuard``."""

    settings: Settings

    def start(self) -> None: ...
    def refresh(self) -> None: ...
    def targets(self) -> Iterable[Path]: ...
    def reconcile_all(self) -> bool: ...
    def reconcile(self, path: Path) -> bool: ...
    def take_retries(self) -> Iterable[Path]: ...
    def summary(self) -> Mapping[str, object]: ...


class Detector(Protocol):
    """What the agent drives of ``daemon/detection.Detection``."""

    def run(self) -> Found: ...
    def save(self) -> None: ...
    def summary(self) -> Mapping[str, object]: ...


class Watcher(Protocol):
    """``daemon/process_watch.ProcessWatch`` and ``daemon/selfcheck.LedgerSelfCheck``."""

    def summary(self) -> Mapping[str, object] | None: ...


class ProcessChecks(Watcher, Protocol):
    def check(self) -> Found: ...


class SelfCheck(Watcher, Protocol):
    def run(self) -> Found: ...


class Agent:
    """Wire the components together and run the loop."""

    def __init__(
        self,
        platform: Platform,
        policy: EffectivePolicy,
        *,
        sealing: SealingService | None = None,
        drift: Drift | None = None,
        detection: Detector | None = None,
        processes: ProcessChecks | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.platform = platform
        self.paths: HardenerPaths = hardener_paths(platform)
        self.policy = policy
        self.clock = clock
        self.inbox = Inbox()
        self.lock = InstanceLock(self.paths.runtime_dir)
        self.sealing = sealing or SealingService(self.paths, policy.settings)
        self.drift = drift
        self.detection = detection
        self.processes = processes
        self.selfcheck: SelfCheck | None = None
        #: client-hook drift repair (hardener.daemon.hookwatch.HookRepair), run at each sweep
        self.hook_repair: Callable[[], int] | None = None
        self.watcher = DirectoryWatcher(self.inbox, spool_dir=self.paths.spool_dir)
        self.debouncer: Debouncer[Path] = Debouncer(DEBOUNCE_SECONDS, DEBOUNCE_MAX_SECONDS)
        self.heartbeat = HeartbeatWriter(self.paths)
        self.state = AgentState()
        self._alerted = False
        self.deadlines = Deadlines()
        self._interval = float(policy.settings.daemon.heartbeat_seconds)
        self._export_ups: dict[str, bool] = {}
        previous = read_heartbeat(self.paths)
        alerts = previous.get("alerts") if previous is not None else None
        self.alerts = AlertLog(alerts, now=time.time())
        self._old_handlers: dict[int, Handler] = {}
        self._old_wakeup: int | None = None

    # -- lifecycle ----------------------------------------------------------------------------
    def run(self, *, once: bool = False) -> int:
        self.lock.acquire()
        try:
            self._install_signals()
            self._start()
            if not once:
                self._loop()
        finally:
            self._shutdown()
        return 0

    def request_stop(self, reason: str = "request") -> None:
        """Stop the loop from another thread (tests, embedding)."""
        self.state.stopping = True
        self.state.signal = reason
        self.inbox.post(Notice("wake"))

    def stop_requested(self) -> bool:
        return self.state.stopping

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        # Only set flags here: the wake-up fd (set_wakeup_fd) interrupts the wait.
        self.state.stopping = True
        self.state.signal = signal.Signals(signum).name

    def _install_signals(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # embedded in a thread (tests): the owner stops us with request_stop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            self._old_handlers[sig] = signal.signal(sig, self._on_signal)
        with contextlib.suppress(ValueError, OSError):
            self._old_wakeup = signal.set_wakeup_fd(
                self.inbox.wakeup_fd(), warn_on_full_buffer=False
            )

    def _restore_signals(self) -> None:
        for sig, handler in self._old_handlers.items():
            with contextlib.suppress(ValueError, OSError):
                signal.signal(sig, handler)
        self._old_handlers.clear()
        if self._old_wakeup is not None:
            with contextlib.suppress(ValueError, OSError):
                signal.set_wakeup_fd(self._old_wakeup)
            self._old_wakeup = None

    def _start(self) -> None:
        ensure_private_dir(self.paths.state_dir)
        ensure_private_dir(self.paths.spool_dir)
        log.info("agent %s starting (pid %d)", __version__, os.getpid())
        self._record_login_path()
        self.sealing.start()
        self._seal()
        self._detect()
        if self.drift is not None:
            self.drift.start()
            self.watcher.set_targets(self.drift.targets())
        else:
            self.watcher.set_targets([])
        self.watcher.start()
        if self.drift is not None:
            self.drift.reconcile_all()
        self._check_processes()
        self._seal()
        self._self_check()
        self.state.state = "running"
        now = self.clock()
        self.deadlines = Deadlines(tick=now + TICK_SECONDS, sweep=now + self._interval, beat=now)
        self._beat(now, force=True)
        log.info("agent ready (pid %d)", os.getpid())

    def _record_login_path(self) -> None:
        """The login shell's ``PATH`` for the shims: the agent is the one that hardens after an
        MDM rollout, and clients started from a GUI hand servers a minimal ``PATH``."""
        from hardener.shim.settings import refresh_login_path

        problem = refresh_login_path(os.environ)
        if problem is not None:
            log.warning("%s", problem)

    def _shutdown(self) -> None:
        reason = self.state.signal or "exit"
        log.info("agent stopping (%s)", reason)
        try:
            self.watcher.stop()
            if self.state.state != "starting":
                self._seal()
            self.sealing.close()
            if self.detection is not None:
                self.detection.save()
            self.state.state = "stopped"
            if self.lock.held:
                self._beat(self.clock(), force=True)
        finally:
            self._restore_signals()
            self.lock.release()
            self.inbox.close()
            log.info("agent stopped")

    # -- the loop -----------------------------------------------------------------------------
    def _next_deadline(self) -> float:
        candidates = [self.deadlines.tick, self.deadlines.sweep, self.deadlines.beat]
        pending = self.debouncer.next_deadline()
        if pending is not None:
            candidates.append(pending)
        return min(candidates)

    def _loop(self) -> None:
        while not self.state.stopping:
            self.inbox.wait(max(0.0, self._next_deadline() - self.clock()))
            if self.stop_requested():
                break
            try:
                self.step()
            except Exception:
                # A bug in one duty must not stop the agent (sealing is what matters most);
                # every duty is retried at its next deadline, never in a tight loop.
                log.exception("an agent step failed; continuing")

    def step(self) -> None:
        """Handle whatever is pending and every deadline that passed (one loop iteration)."""
        changed = False
        spool_dirty = False
        for notice in self.inbox.drain():
            if notice.kind == "spool":
                spool_dirty = True
            elif notice.kind == "config" and notice.path is not None:
                self.debouncer.touch(notice.path, self.clock())
            elif notice.kind == "rewatch":
                self.watcher.refresh()
                for target in self.watcher.targets:
                    if notice.path is not None and notice.path in (target, *target.parents):
                        self.debouncer.touch(target, self.clock())
        if spool_dirty:
            changed |= self._seal() > 0
        now = self.clock()
        due = self.debouncer.pop_due(now)
        if due and self.drift is not None:
            for path in due:
                try:
                    changed |= bool(self.drift.reconcile(path))
                except Exception:
                    log.exception("repairing %s failed; the next sweep tries again", path)
            for path in self.drift.take_retries():
                self.debouncer.touch(path, self.clock())
            self._seal()
        # Deadlines move before each duty runs, so a duty that fails is not retried in a spin.
        if now >= self.deadlines.tick:
            self.deadlines.tick = now + TICK_SECONDS
            self.sealing.tick()
            changed |= self._export_turned()
        if now >= self.deadlines.sweep:
            self.deadlines.sweep = now + self._interval
            self._sweep()
            changed = True
        if self.sealing.take_breaks():
            # the ledger was deleted or replaced under the sealer: verify now, raise the alert
            self._self_check()
        changed |= self._alerted
        self._alerted = False
        self._beat(self.clock(), force=changed)

    def _sweep(self) -> None:
        """Periodic safety net: anything a watch missed is caught here."""
        self._reload_policy()
        if not self.sealing.ok:
            self.sealing.start()
        self._seal()
        if self.drift is not None:
            self.drift.refresh()
            self.watcher.set_targets(self.drift.targets())
            self.drift.reconcile_all()
        else:
            self.watcher.refresh()
        if self.hook_repair is not None:
            try:
                self.hook_repair()
            except Exception:
                log.exception("repairing client hooks failed; the next sweep tries again")
        self._check_processes()
        self._seal()
        self._detect()
        if self.detection is not None:
            self.detection.save()
        self._self_check()

    def _self_check(self) -> None:
        if self.selfcheck is None or not self.sealing.ok:
            return
        try:
            found = self.selfcheck.run()
        except Exception:  # verification must not stop the agent
            log.exception("verifying the ledger failed")
            return
        for kind, body in found:
            self.record(kind, body)

    def record(self, kind: str, body: Mapping[str, object]) -> int | None:
        """Seal a record the agent produced (alerts are also noted for the status cache)."""
        seq = self.sealing.append(kind, body)
        if kind == "alert":
            self.alerts.note(body, now=time.time(), seq=seq)
            self._alerted = True
        return seq

    def _reload_policy(self) -> None:
        """Pick up a changed policy (an MDM push) for drift repair and discovery.

        Ledger and detector settings take effect at the next start; an invalid new policy is
        logged and the current one kept.
        """
        try:
            policy = load_policy(self.platform)
        except HardenerError as exc:
            log.error("the policy changed but is invalid; keeping the current one: %s", exc.message)
            return
        if policy.settings == self.policy.settings:
            return
        log.info("policy changed; drift repair follows it now, ledger settings at the next start")
        self.policy = policy
        if self.drift is not None:
            self.drift.settings = policy.settings

    def _seal(self) -> int:
        count = self.sealing.seal()
        if count:
            self._detect()
        return count

    def _detect(self) -> None:
        """Run the detectors over what was sealed since they last looked; seal their alerts."""
        if self.detection is None or not self.sealing.ok:
            return
        try:
            found = self.detection.run()
        except Exception:  # a detector bug must not stop sealing; the cursor stays put
            log.exception("the detectors failed; sealing continues")
            return
        for kind, body in found:
            self.record(kind, body)

    def _check_processes(self) -> None:
        if self.processes is None:
            return
        for kind, body in self.processes.check():
            self.record(kind, body)

    def _export_turned(self) -> bool:
        """Whether an export target went down or came back since the last tick (status shows
        it at once instead of at the next beat)."""
        health = self.sealing.export_health() or {}
        ups = {ident: state["ok"] for ident, state in health.items()}
        turned, self._export_ups = ups != self._export_ups, ups
        return turned

    # -- heartbeat ----------------------------------------------------------------------------
    def heartbeat_document(self) -> Heartbeat:
        try:
            created = psutil.Process().create_time()
        except psutil.Error:
            created = None
        now = time.time()
        document: Heartbeat = {
            "schema": HEARTBEAT_SCHEMA,
            "version": __version__,
            "state": self.state.state,
            "pid": os.getpid(),
            "process_create_time": created,
            "started_at": utc_timestamp(datetime.fromtimestamp(self.state.started_unix, UTC)),
            "updated_at": utc_timestamp(datetime.fromtimestamp(now, UTC)),
            "updated_unix": now,
            "heartbeat_seconds": self._interval,
            "host": socket.gethostname(),
            "user": _username(),
            "mode": self.policy.settings.mode,
            "sealing": {
                "ok": self.sealing.ok,
                "problem": self.sealing.problem,
                "backend": self.sealing.backend,
                "backend_real": self.sealing.backend_real,
                "sealed_total": self.sealing.sealed_total,
                "last_seal_unix": self.sealing.last_seal_unix,
                "spool": self.sealing.backlog(),
                "ledger": self.selfcheck.summary() if self.selfcheck is not None else None,
            },
        }
        if self.drift is not None:
            document["drift"] = self.drift.summary()
        processes = self.processes.summary() if self.processes is not None else None
        if processes is not None:
            document["processes"] = processes
        document["alerts"] = self.alerts.summary(now)
        export = self.sealing.export_health()
        if export is not None:
            document["export"] = export
        if self.detection is not None:
            document["detection"] = self.detection.summary()
        return document

    def _beat(self, now: float, *, force: bool) -> None:
        if not force and now < self.deadlines.beat:
            return
        self.deadlines.beat = now + self._interval
        document = self.heartbeat_document()
        if not force and not self.heartbeat.due(document, now, self._interval):
            return
        try:
            self.heartbeat.write(document, now)
        except Exception as exc:  # a full disk must not stop sealing
            log.error("cannot write the status cache: %s", exc)


def _username() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None
