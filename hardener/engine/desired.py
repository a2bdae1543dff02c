"""The desired state: per (config file, server entry) what hardener wrote and what was there (L2).

ARCHITECTURE 3.3. ``harden`` records, for each entry it wrapped or bridged, the original entry, the
wrapped entry, whether ``args`` existed, and the text fragment of the edit (so ``restore`` can put
the original bytes back). The daemon reads it to repair drift. ``restore`` removes the records it
undid and lists those entries as *released*, so nobody re-wraps what a person just unwrapped.

One JSON file per config file under ``desired/`` (0600, in a 0700 directory), named by a hash of
the config's absolute path. A corrupt state file is an error, never treated as empty.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from hardener.errors import StateDirError
from hardener.fsutil import read_snapshot, write_private
from hardener.transform import Fragment

VERSION = 1


@dataclass
class EntryRecord:
    name: str
    path: list[str | int]
    mode: Literal["wrap", "bridge"]
    order: int
    original: Any
    wrapped: Any
    had_args: bool
    fragment: Fragment | None
    shim: str
    updated: str

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["fragment"] = None if self.fragment is None else asdict(self.fragment)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EntryRecord:
        fragment = data.get("fragment")
        return cls(
            name=str(data["name"]),
            path=list(data["path"]),
            mode=data["mode"],
            order=int(data["order"]),
            original=data["original"],
            wrapped=data["wrapped"],
            had_args=bool(data["had_args"]),
            fragment=None if fragment is None else Fragment(fragment["before"], fragment["after"]),
            shim=str(data["shim"]),
            updated=str(data["updated"]),
        )


@dataclass
class FileState:
    file: str
    client: str
    format: str
    entries: list[EntryRecord] = field(default_factory=list)
    #: entries a person restored on purpose: ``{"name": …, "path": […]}``
    released: list[dict[str, Any]] = field(default_factory=list)

    def find(self, path: list[str | int] | tuple[str | int, ...]) -> EntryRecord | None:
        wanted = list(path)
        return next((e for e in self.entries if e.path == wanted), None)

    def next_order(self) -> int:
        return max((e.order for e in self.entries), default=-1) + 1

    def put(self, record: EntryRecord) -> None:
        self.entries = [e for e in self.entries if e.path != record.path] + [record]
        self.released = [r for r in self.released if r.get("path") != record.path]

    def release(self, record: EntryRecord) -> None:
        self.entries = [e for e in self.entries if e.path != record.path]
        if not any(r.get("path") == record.path for r in self.released):
            self.released.append({"name": record.name, "path": record.path})

    def to_json(self) -> dict[str, object]:
        return {
            "version": VERSION,
            "file": self.file,
            "client": self.client,
            "format": self.format,
            "entries": [e.to_json() for e in self.entries],
            "released": self.released,
        }


class DesiredStateStore:
    """The ``desired/`` directory."""

    def __init__(self, directory: Path, read: Callable[[Path], bytes | None] | None = None) -> None:
        self.directory = directory
        #: how a file is read (None: plainly); root reading another user's state passes a reader
        #: that refuses links and FIFOs (``status``)
        self._read_bytes = read

    def path_for(self, config: Path | str) -> Path:
        digest = hashlib.sha256(str(config).encode()).hexdigest()[:32]
        return self.directory / f"{digest}.json"

    def load(self, config: Path | str) -> FileState | None:
        return self._read(self.path_for(config))

    def _read(self, path: Path) -> FileState | None:
        data = read_snapshot(path).data if self._read_bytes is None else self._read_bytes(path)
        if data is None:
            return None
        return self.parse(path, data)

    @staticmethod
    def parse(path: Path, raw: bytes) -> FileState:
        """One desired-state file's bytes (read by the caller: root reads them with checks)."""
        try:
            data = json.loads(raw)
            if data.get("version") != VERSION:
                raise ValueError(f"unsupported version {data.get('version')!r}")
            return FileState(
                file=str(data["file"]),
                client=str(data["client"]),
                format=str(data["format"]),
                entries=[EntryRecord.from_json(e) for e in data["entries"]],
                released=list(data.get("released", [])),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StateDirError(
                f"the desired-state file {path} is corrupt ({exc}); it was left untouched",
                remedy="Move it aside and run 'hardener harden' again to record the state anew.",
            ) from exc

    def save(self, state: FileState) -> Path:
        data = json.dumps(state.to_json(), indent=1, ensure_ascii=False).encode()
        return write_private(self.path_for(state.file), data)

    def all(self) -> list[FileState]:
        if not self.directory.is_dir():
            return []
        states = [self._read(p) for p in sorted(self.directory.glob("*.json"))]
        return [s for s in states if s is not None]
