"""LM Studio: ``<LM Studio home>/mcp.json`` in Cursor's notation (L1 pure core).

The home is the path written in ``~/.lmstudio-home-pointer`` when that file exists, else
``~/.cache/lm-studio`` when that directory exists, else ``~/.lmstudio``.
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients.spec import ClientSpec, ConfigFile, FsView, Table
from hardener.paths import Platform


def lmstudio_home(platform: Platform, fs: FsView) -> Path:
    pointer = fs.read_text(platform.path(platform.home, ".lmstudio-home-pointer"))
    if pointer and pointer.strip():
        target = platform.path(pointer.strip())
        text = str(target)
        if text.startswith("/") or (len(text) > 2 and text[1] == ":"):
            return target
    cache = platform.path(platform.home, ".cache", "lm-studio")
    if fs.is_dir(cache):
        return cache
    return platform.path(platform.home, ".lmstudio")


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (platform.path(lmstudio_home(platform, fs), "mcp.json"),)


SPEC = ClientSpec(
    id="lmstudio",
    name="LM Studio",
    files=(ConfigFile("user", "user", "json", (Table(("mcpServers",)),), locate=_user),),
    self_writes="the in-app mcp.json editor and 'Add to LM Studio' links write the file",
    process_names=("LM Studio", "LM Studio.exe", "lm-studio"),
)
