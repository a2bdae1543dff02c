"""JSON-lines export file for log shippers: append, fsync per batch, rotate by rename (L2).

The file is 0600 (it holds events) and is never truncated in place: past ``max_bytes`` it is
renamed to ``<name>.<UTC time>`` and a new file is started, which is the rotation every common
shipper follows.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from hardener.fsutil import open_private_append


class JsonlFile:
    def __init__(self, path: Path, *, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.path = path
        self.max_bytes = max_bytes

    def write(self, lines: list[bytes]) -> None:
        if not lines:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = open_private_append(self.path)
        try:
            data = b"".join(lines)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
            size = os.fstat(fd).st_size
        finally:
            os.close(fd)
        if size >= self.max_bytes:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            os.replace(self.path, self.path.with_name(f"{self.path.name}.{stamp}"))
