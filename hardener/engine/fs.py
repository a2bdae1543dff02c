"""The real filesystem behind discovery's :class:`~hardener.clients.spec.FsView` (L2 service).

Read-only, and forgiving: a directory hardener may not list (permissions) simply yields nothing;
errors about the config files themselves are raised later, when a file is read for a scan.
"""

from __future__ import annotations

import os
from pathlib import Path


class RealFs:
    """:class:`~hardener.clients.spec.FsView` over the real filesystem."""

    def exists(self, path: Path) -> bool:
        try:
            return os.path.lexists(path)
        except (OSError, ValueError):
            return False

    def is_dir(self, path: Path) -> bool:
        try:
            return path.is_dir()
        except (OSError, ValueError):
            return False

    def glob(self, base: Path, pattern: str) -> list[Path]:
        if not self.is_dir(base):
            return []
        try:
            return sorted(base.glob(pattern))
        except (OSError, ValueError):
            return []

    def read_text(self, path: Path) -> str | None:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError, ValueError):
            return None

    def resolve(self, path: Path) -> str:
        try:
            return os.path.realpath(path)
        except (OSError, ValueError):
            return str(path)
