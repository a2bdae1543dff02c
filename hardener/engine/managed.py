"""Read the administrators' policies of other clients from their system paths (L2 service).

See :mod:`hardener.clients.managed` for what is read and why. A policy file that cannot be parsed
is reported as a source with a problem and treated as restrictive for its client: hardener would
rather not wrap than have an administrator's allowlist block a server.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from hardener.clients.managed import (
    ManagedRules,
    claude_code_commands,
    claude_code_managed_dir,
    codex_identities,
    codex_requirements_path,
)
from hardener.paths import Platform


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def load_managed_rules(
    platform: Platform,
    *,
    claude_code_dir: Path | None = None,
    codex_requirements: Path | None = None,
) -> ManagedRules:
    """The rules in force on this machine (directories overridable for tests)."""
    cc_dir = claude_code_dir if claude_code_dir is not None else claude_code_managed_dir(platform)
    req = (
        codex_requirements if codex_requirements is not None else codex_requirements_path(platform)
    )
    sources: list[str] = []
    documents: list[Any] = []
    cc_files = [cc_dir / "managed-settings.json"]
    drop_in = cc_dir / "managed-settings.d"
    if drop_in.is_dir():
        cc_files += sorted(drop_in.glob("*.json"))
    blocked_unparsable = False
    for path in cc_files:
        text = _read(path)
        if text is None:
            continue
        sources.append(str(path))
        try:
            documents.append(json.loads(text))
        except ValueError:
            blocked_unparsable = True
    commands = claude_code_commands(documents)
    if blocked_unparsable and commands is None:
        commands = ()  # unknown allowlist: assume it matches by command
    identities: dict[str, Any] = {}
    text = _read(req)
    if text is not None:
        sources.append(str(req))
        try:
            identities = codex_identities(tomllib.loads(text))
        except tomllib.TOMLDecodeError:
            identities = {}
    return ManagedRules(commands, identities, tuple(sources))
