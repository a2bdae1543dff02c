"""Client path helpers for tests: an in-memory FsView and one user per OS (tests helper)."""

from __future__ import annotations

from pathlib import Path

from hardener.clients import registry
from hardener.paths import OS, Platform


class FakeFs:
    """An in-memory FsView: a set of files (with text) and directories."""

    def __init__(self, files: dict[str, str] | None = None, dirs: tuple[str, ...] = ()) -> None:
        self.files = files or {}
        self.dirs = set(dirs)
        for name in self.files:
            parts = name.replace("\\", "/").split("/")
            for i in range(1, len(parts)):
                self.dirs.add("/".join(parts[:i]))

    def exists(self, path: Path) -> bool:
        return str(path) in self.files or self.is_dir(path)

    def is_dir(self, path: Path) -> bool:
        return str(path).replace("\\", "/") in self.dirs

    def glob(self, base: Path, pattern: str) -> list[Path]:
        import fnmatch

        prefix = str(base).replace("\\", "/").rstrip("/") + "/"
        names = set(self.files) | self.dirs
        return sorted(
            Path(n)
            for n in names
            if n.replace("\\", "/").startswith(prefix)
            and fnmatch.fnmatch(n.replace("\\", "/")[len(prefix) :], pattern)
            and n.replace("\\", "/")[len(prefix) :].count("/") == pattern.count("/")
        )

    def read_text(self, path: Path) -> str | None:
        return self.files.get(str(path))


MAC = Platform(OS.MACOS, {"HOME": "/Users/alice"})
WIN = Platform(
    OS.WINDOWS,
    {
        "USERPROFILE": "C:\\Users\\alice",
        "APPDATA": "C:\\Users\\alice\\AppData\\Roaming",
        "LOCALAPPDATA": "C:\\Users\\alice\\AppData\\Local",
    },
)
LINUX = Platform(OS.LINUX, {"HOME": "/home/alice"})


def user_paths(
    client: str, platform: Platform, fs: FakeFs | None = None, key: str = "user"
) -> list[str]:
    file = registry.get(client).file(key)
    assert file.locate is not None
    return [str(p) for p in file.locate(platform, fs or FakeFs())]
