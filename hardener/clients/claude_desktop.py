"""Claude Desktop: ``claude_desktop_config.json``, classic and Windows Store paths (L1 pure core).

The app rewrites its file from memory on launch and on login changes, and has been seen dropping
hand-added ``mcpServers``: edit only while it is fully quit, and check again after its next start.
Desktop Extensions (``.mcpb``) live unpacked in ``Claude Extensions`` next to the config; they are
reported, never rewritten.
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients._dirs import app_data
from hardener.clients.spec import ClientSpec, ConfigFile, FsView, Table
from hardener.paths import OS, Platform

FILE_NAME = "claude_desktop_config.json"
MSIX_PACKAGE = "Claude_pzs8sxrjxfjjc"


def claude_dirs(platform: Platform) -> tuple[Path, ...]:
    """The app's data directories: the classic one, plus the MSIX (Store) one on Windows."""
    dirs = [platform.path(app_data(platform), "Claude")]
    if platform.os is OS.WINDOWS:
        dirs.append(
            platform.path(
                platform.localappdata, "Packages", MSIX_PACKAGE, "LocalCache", "Roaming", "Claude"
            )
        )
    return tuple(dirs)


def _config(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return tuple(platform.path(d, FILE_NAME) for d in claude_dirs(platform))


def _extensions(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    found: list[Path] = []
    for directory in claude_dirs(platform):
        found += [p for p in fs.glob(directory, "Claude Extensions/*") if fs.is_dir(p)]
    return tuple(found)


SPEC = ClientSpec(
    id="claude-desktop",
    name="Claude Desktop",
    files=(
        ConfigFile("user", "user", "json", (Table(("mcpServers",)),), locate=_config),
        ConfigFile(
            "extension",
            "plugin",
            "opaque",
            locate=_extensions,
            writable=False,
            reason="Claude Desktop extension: its server is launched from the extension bundle, "
            "not from claude_desktop_config.json, so it cannot be wrapped by editing a config",
        ),
    ),
    self_writes="rewrites its file from memory on launch and login; has dropped mcpServers",
    process_names=("Claude", "Claude.exe", "claude-desktop"),
    quit_before_edit=True,
    notes=("Quit Claude Desktop completely (tray/menu bar) before hardening, then restart it.",),
)
