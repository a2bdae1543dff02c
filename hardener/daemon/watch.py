"""Watching client config files and the spool directory with ``watchdog`` (L2 service).

Editors and clients replace files by rename, so the watcher observes *directories*, never files:
the parent of every config path, or, when that directory does not exist yet (a client installed
later), its nearest existing ancestor, re-evaluated whenever a directory appears or disappears.
A symlinked config (dotfiles) is also watched at its target's directory. Observer threads only post
:class:`~hardener.daemon.inbox.Notice` values; everything else happens in the main loop.

:class:`Debouncer` coalesces a burst of events per path into one reconcile; :class:`ContentMemory`
recognises our own writes (and content already checked) by SHA-256, not by timers.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any, Generic, TypeVar

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from hardener.daemon.inbox import Inbox, Notice

log = logging.getLogger(__name__)

#: Opened/closed-without-write/attribute events are noise (and our own reads would loop).
EVENT_FILTER: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileClosedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]


def nearest_existing_dir(path: Path) -> Path:
    """``path`` if it is a directory, else its closest ancestor that is one."""
    current = path
    while not current.is_dir():
        if current.parent == current:
            return current
        current = current.parent
    return current


K = TypeVar("K", bound=Hashable)


class Debouncer(Generic[K]):
    """Per-key quiet period: a key is due ``delay`` after its last touch, or ``max_delay`` after
    its first touch in a burst, whichever comes first. Pure; the caller supplies the clock."""

    def __init__(self, delay: float, max_delay: float) -> None:
        self.delay = delay
        self.max_delay = max_delay
        self._first: dict[K, float] = {}
        self._last: dict[K, float] = {}

    def touch(self, key: K, now: float) -> None:
        self._first.setdefault(key, now)
        self._last[key] = now

    def _deadline(self, key: K) -> float:
        return min(self._last[key] + self.delay, self._first[key] + self.max_delay)

    def next_deadline(self) -> float | None:
        return min((self._deadline(key) for key in self._last), default=None)

    def pop_due(self, now: float) -> list[K]:
        due = [key for key in self._last if self._deadline(key) <= now]
        for key in due:
            del self._first[key]
            del self._last[key]
        return due

    def __len__(self) -> int:
        return len(self._last)


class ContentMemory:
    """The SHA-256 of each file's content as we last wrote or checked it."""

    def __init__(self) -> None:
        self._known: dict[Path, str | None] = {}

    def remember(self, path: Path, sha256: str | None) -> None:
        self._known[path] = sha256

    def unchanged(self, path: Path, sha256: str | None) -> bool:
        return path in self._known and self._known[path] == sha256

    def forget(self, path: Path) -> None:
        self._known.pop(path, None)


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: DirectoryWatcher) -> None:
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = [event.src_path, getattr(event, "dest_path", "")]
        for raw in paths:
            if raw:
                text = raw.decode() if isinstance(raw, bytes) else raw
                self._watcher.classify(Path(text), is_directory=event.is_directory)


class DirectoryWatcher:
    """Watch the directories that hold ``targets`` (config files) and the ``spool_dir``."""

    def __init__(self, inbox: Inbox, *, spool_dir: Path | None = None) -> None:
        self._inbox = inbox
        self._spool_dir = Path(os.path.abspath(spool_dir)) if spool_dir else None
        self._targets: set[Path] = set()
        self._aliases: dict[Path, Path] = {}  # symlink target -> config path
        self._watches: dict[Path, Any] = {}
        self._observer: Any = None
        self._handler = _Handler(self)

    # -- what to watch ------------------------------------------------------------------------
    def set_targets(self, targets: Iterable[Path]) -> None:
        self._targets = {Path(os.path.abspath(t)) for t in targets}
        self.refresh()

    @property
    def targets(self) -> frozenset[Path]:
        return frozenset(self._targets)

    @property
    def watched_dirs(self) -> frozenset[Path]:
        return frozenset(self._watches)

    def wanted_dirs(self) -> set[Path]:
        wanted: set[Path] = set()
        aliases: dict[Path, Path] = {}
        for target in self._targets:
            wanted.add(nearest_existing_dir(target.parent))
            if target.is_symlink():
                real = Path(os.path.realpath(target))
                aliases[real] = target
                wanted.add(nearest_existing_dir(real.parent))
        if self._spool_dir is not None:
            wanted.add(nearest_existing_dir(self._spool_dir))
        self._aliases = aliases
        return wanted

    def refresh(self) -> None:
        """Re-evaluate which directories to watch (directories appear and disappear)."""
        wanted = self.wanted_dirs()
        if self._observer is None:
            return
        for gone in set(self._watches) - wanted:
            try:
                self._observer.unschedule(self._watches.pop(gone))
            except (KeyError, OSError):
                log.debug("watch on %s already gone", gone)
        for new in wanted - set(self._watches):
            try:
                self._watches[new] = self._observer.schedule(
                    self._handler, str(new), recursive=False, event_filter=EVENT_FILTER
                )
                log.debug("watching %s", new)
            except OSError as exc:
                # A directory that vanished meanwhile, or an inotify limit: the periodic sweep
                # still reconciles, so note it and carry on.
                log.warning("cannot watch %s: %s", new, exc.strerror or exc)

    # -- events (observer thread) ---------------------------------------------------------------
    def classify(self, path: Path, *, is_directory: bool) -> None:
        path = Path(os.path.abspath(path))
        target = self._aliases.get(path, path)
        if target in self._targets:
            self._inbox.post(Notice("config", target))
            return
        if self._spool_dir is not None and path.parent == self._spool_dir:
            self._inbox.post(Notice("spool", path))
            return
        # A directory on the way to a config (or the spool) appeared, moved or vanished.
        if (is_directory or path in self._watches) and (
            any(_is_ancestor(path, t) for t in self._targets)
            or (self._spool_dir is not None and _is_ancestor(path, self._spool_dir))
        ):
            self._inbox.post(Notice("rewatch", path))

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        self._observer = Observer()
        self._observer.daemon = True
        self._observer.start()
        self.refresh()

    def stop(self) -> None:
        if self._observer is None:
            return
        self._observer.stop()
        self._observer.join(timeout=5)
        self._observer = None
        self._watches.clear()


def _is_ancestor(candidate: Path, path: Path) -> bool:
    return candidate == path or candidate in path.parents
