"""Discovery: every config file every client could read, present or not (L1 pure core).

Given the platform, a read-only :class:`~hardener.clients.spec.FsView` and the project
directories, :func:`discover` lists one :class:`ConfigLocation` per (client, file kind, path),
including paths that do not exist yet (the daemon watches their directories, and ``scan`` reports
them as probed). A path two clients would read (VS Code reads Claude's ``.mcp.json``) belongs to the
first client in registry order, so it is wrapped once.

Project directories come from four places (:func:`project_dirs`): ``--project DIR`` on the command
line, the policy's ``scan.project_roots`` globs, the lists clients keep of the folders they were
used in (:mod:`hardener.clients.projects`: Claude Code, Gemini CLI, Qwen Code, Codex, VS Code and
its forks), and the projects of files hardener already edited (so ``restore`` needs no flags).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from hardener.clients import projects
from hardener.clients.spec import ClientSpec, ConfigFile, FsView
from hardener.paths import Platform

_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class ConfigLocation:
    client: ClientSpec
    file: ConfigFile
    path: Path
    exists: bool
    project: Path | None = None

    @property
    def writable(self) -> bool:
        return self.file.writable and self.file.format != "opaque"


def _has_glob(text: str) -> bool:
    return any(char in _GLOB_CHARS for char in text)


def expand_pattern(platform: Platform, fs: FsView, pattern: str) -> list[Path]:
    """An absolute (or ``~``-relative) path pattern with ``*``/``?``/``[…]``, expanded."""
    if pattern.startswith("~"):
        pattern = str(platform.home) + pattern[1:]
    path = platform.path(pattern)
    parts = path.parts
    fixed_parts: list[str] = []
    for part in parts:
        if _has_glob(part):
            break
        fixed_parts.append(part)
    if len(fixed_parts) == len(parts):
        return [path]
    base = platform.path(fixed_parts[0], *fixed_parts[1:]) if fixed_parts else platform.home
    rest = "/".join(parts[len(fixed_parts) :])
    return fs.glob(base, rest)


def claude_projects(platform: Platform, fs: FsView) -> list[Path]:
    """Project directories recorded in Claude Code's ``~/.claude.json`` (``projects`` keys)."""
    return projects.claude_code(platform, fs)


def project_dirs(
    platform: Platform,
    fs: FsView,
    *,
    explicit: Sequence[Path] = (),
    roots: Sequence[str] = (),
    include_recorded: bool = True,
    also: Sequence[Path] = (),
) -> list[Path]:
    """Every existing project directory hardener can know about, without duplicates.

    ``also``: directories known some other way (the projects of files hardener already edited).
    """
    candidates: list[Path] = list(explicit)
    for pattern in roots:
        candidates += expand_pattern(platform, fs, pattern)
    if include_recorded:
        candidates += projects.recorded_projects(platform, fs)
    candidates += also
    seen: set[str] = set()
    found: list[Path] = []
    for candidate in candidates:
        key = fs_key(fs, candidate)
        if key in seen or not fs.is_dir(candidate):
            continue
        seen.add(key)
        found.append(candidate)
    return found


def fs_key(fs: FsView, path: Path) -> str:
    """A key that makes two spellings of one file (symlinks, ``..``) compare equal."""
    resolve = getattr(fs, "resolve", None)
    return str(resolve(path)) if callable(resolve) else str(path)


def _project_paths(
    platform: Platform, fs: FsView, file: ConfigFile, project: Path
) -> Iterable[Path]:
    for pattern in file.project:
        if _has_glob(pattern):
            yield from fs.glob(project, pattern)
        else:
            yield platform.path(project, *pattern.split("/"))


def discover(
    platform: Platform,
    fs: FsView,
    specs: Sequence[ClientSpec],
    projects: Sequence[Path] = (),
) -> list[ConfigLocation]:
    """Every candidate config file of ``specs`` (user, plugin, managed and project scope)."""
    found: list[ConfigLocation] = []
    claimed: set[str] = set()

    def add(spec: ClientSpec, file: ConfigFile, path: Path, project: Path | None) -> None:
        key = fs_key(fs, path)
        if key in claimed:
            return
        claimed.add(key)
        found.append(ConfigLocation(spec, file, path, fs.exists(path), project))

    for spec in specs:
        for file in spec.files:
            if file.locate is not None:
                for path in file.locate(platform, fs):
                    add(spec, file, path, None)
            for project in projects:
                for path in _project_paths(platform, fs, file, project):
                    add(spec, file, path, project)
    return found


def project_of(file: ConfigFile, path: Path) -> Path | None:
    """The project directory of ``path`` if it is one of ``file``'s project files (no globs)."""
    parts = path.parts
    for pattern in file.project:
        if _has_glob(pattern):
            tail = pattern.split("/")
            if len(parts) > len(tail) and all(
                fnmatch.fnmatchcase(part, want)
                for part, want in zip(parts[-len(tail) :], tail, strict=True)
            ):
                return Path(*parts[: -len(tail)])
            continue
        tail = pattern.split("/")
        if len(parts) > len(tail) and list(parts[-len(tail) :]) == tail:
            return Path(*parts[: -len(tail)])
    return None
