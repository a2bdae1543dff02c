"""Project directories that clients record themselves (L1 pure core).

A project-scope config (``.gemini/settings.json``, ``.qwen/settings.json``, ``opencode.json``,
``.vscode/mcp.json``…) is only found when hardener knows the project directory. Clients keep lists
of the folders they were used in; each reader here turns one such list into absolute paths, read
through the :class:`~hardener.clients.spec.FsView` (never written, never required):

- Claude Code: the keys of ``projects`` in ``~/.claude.json``;
- Gemini CLI: ``~/.gemini/projects.json`` (``{"projects": {"<abs path>": "<id>"}}``), the
  ``.project_root`` file in each ``~/.gemini/tmp/<id>/`` and ``trustedFolders.json``;
- Qwen Code: the same files under ``~/.qwen`` (``$QWEN_HOME``);
- Codex: ``[projects."<abs path>"]`` tables in ``config.toml``;
- VS Code and its forks (Cursor, Windsurf, VSCodium, Kiro, Trae…): ``workspace.json`` in each
  ``User/workspaceStorage/<hash>/`` folder (``{"folder": "file:///…"}``).

A file that is missing or unparsable simply contributes nothing: scan reports config files, not
these lists. Paths that are not absolute or not local (``vscode-remote://``) are skipped.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import unquote, urlparse

from hardener.clients._dirs import vscode_user_dir
from hardener.clients.claude_code import claude_json
from hardener.clients.codex import codex_home
from hardener.clients.gemini import gemini_dir
from hardener.clients.qwen import qwen_dir
from hardener.clients.spec import FsView
from hardener.paths import OS, Platform

#: VS Code and the forks whose ``workspaceStorage`` records opened folders.
WORKSPACE_PRODUCTS: tuple[str, ...] = (
    "Code",
    "Code - Insiders",
    "VSCodium",
    "Cursor",
    "Windsurf",
    "Kiro",
    "Trae",
    "Antigravity",
)
#: at most this many workspace folders are read per product (newest hashes are not knowable
#: without stat; the cap only bounds the work on machines with years of history)
MAX_WORKSPACES = 2000
#: ``trustedFolders.json`` values that mean "this folder is used"
TRUSTED = frozenset({"TRUST_FOLDER", "TRUST_PARENT"})


def _json(fs: FsView, path: Path) -> object:
    text = fs.read_text(path)
    if not text:
        return None
    try:
        return json.loads(text.removeprefix("\ufeff"))
    except ValueError:
        return None


def _absolute(platform: Platform, value: object) -> Path | None:
    if not isinstance(value, str) or not value or "\n" in value or "\x00" in value:
        return None
    text = value
    if platform.os is OS.WINDOWS:
        ok = (len(text) > 2 and text[1] == ":") or text.startswith("\\\\")
    else:
        ok = text.startswith("/")
    return platform.path(text) if ok else None


def claude_code(platform: Platform, fs: FsView) -> list[Path]:
    """The ``projects`` keys of Claude Code's ``~/.claude.json``."""
    document = _json(fs, claude_json(platform))
    projects = document.get("projects") if isinstance(document, dict) else None
    if not isinstance(projects, dict):
        return []
    return [p for p in (_absolute(platform, key) for key in projects) if p is not None]


def _gemini_style(platform: Platform, fs: FsView, base: Path) -> list[Path]:
    """``projects.json``, ``tmp/*/.project_root`` and trusted folders under a Gemini-style dir."""
    found: list[Path] = []
    registry = _json(fs, platform.path(base, "projects.json"))
    if isinstance(registry, dict):
        projects = registry.get("projects", registry)
        keys: Iterable[object] = projects if isinstance(projects, dict | list) else ()
        found += [p for p in (_absolute(platform, k) for k in keys) if p is not None]
    for marker in fs.glob(platform.path(base, "tmp"), "*/.project_root"):
        path = _absolute(platform, (fs.read_text(marker) or "").strip())
        if path is not None:
            found.append(path)
    trusted = _json(fs, platform.path(base, "trustedFolders.json"))
    if isinstance(trusted, dict):
        found += [
            p
            for p in (_absolute(platform, k) for k, v in trusted.items() if v in TRUSTED)
            if p is not None
        ]
    return found


def gemini(platform: Platform, fs: FsView) -> list[Path]:
    return _gemini_style(platform, fs, gemini_dir(platform))


def qwen(platform: Platform, fs: FsView) -> list[Path]:
    return _gemini_style(platform, fs, qwen_dir(platform))


def codex(platform: Platform, fs: FsView) -> list[Path]:
    """``[projects."<abs path>"]`` tables of Codex's ``config.toml`` (its trusted projects)."""
    text = fs.read_text(platform.path(codex_home(platform), "config.toml"))
    if not text:
        return []
    try:
        document = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError:
        return []
    projects = document.get("projects")
    if not isinstance(projects, dict):
        return []
    return [p for p in (_absolute(platform, key) for key in projects) if p is not None]


def folder_uri(platform: Platform, uri: object) -> Path | None:
    """A local ``file://`` folder URI as a path (None for remote or malformed URIs)."""
    if not isinstance(uri, str):
        return None
    parsed = urlparse(uri)
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
        return None
    path = unquote(parsed.path)
    if platform.os is OS.WINDOWS and len(path) > 3 and path[0] == "/" and path[2] == ":":
        path = path[1:].replace("/", "\\")
    return _absolute(platform, path)


def vscode_workspaces(platform: Platform, fs: FsView) -> list[Path]:
    """Folders opened in VS Code and its forks (``workspaceStorage/*/workspace.json``)."""
    found: list[Path] = []
    for product in WORKSPACE_PRODUCTS:
        storage = platform.path(vscode_user_dir(platform, product), "workspaceStorage")
        for marker in fs.glob(storage, "*/workspace.json")[:MAX_WORKSPACES]:
            document = _json(fs, marker)
            if isinstance(document, dict):
                path = folder_uri(platform, document.get("folder"))
                if path is not None:
                    found.append(path)
    return found


Reader = Callable[[Platform, FsView], list[Path]]

#: every reader, in the order their projects are listed
READERS: tuple[tuple[str, Reader], ...] = (
    ("claude-code", claude_code),
    ("gemini", gemini),
    ("qwen", qwen),
    ("codex", codex),
    ("vscode", vscode_workspaces),
)


def recorded_projects(platform: Platform, fs: FsView) -> list[Path]:
    """Every project directory any client recorded (duplicates and missing dirs included)."""
    found: list[Path] = []
    for _, reader in READERS:
        found += reader(platform, fs)
    return found
