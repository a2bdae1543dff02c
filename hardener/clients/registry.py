"""Every client hardener knows, by id (L1 pure core).

Adding a client is adding one spec module (and its fixtures under ``tests/fixtures/clients``) and
listing its ``SPEC`` here. The order is the order of ``scan`` output; a config file claimed by two
clients (a path both would read) belongs to the first.
"""

from __future__ import annotations

from collections.abc import Iterable

from hardener.clients import (
    amazonq,
    amp,
    antigravity,
    claude_code,
    claude_desktop,
    cline,
    codex,
    continue_,
    copilot,
    cursor,
    factory,
    gemini,
    goose,
    jetbrains,
    junie,
    kimi,
    kiro,
    lmstudio,
    opencode,
    qoder,
    qwen,
    roo,
    trae,
    vibe,
    vscode,
    windsurf,
    zed,
)
from hardener.clients.spec import ClientSpec
from hardener.errors import UsageError

CLIENTS: tuple[ClientSpec, ...] = (
    claude_desktop.SPEC,
    claude_code.SPEC,
    cursor.SPEC,
    vscode.SPEC,
    vscode.INSIDERS_SPEC,
    windsurf.SPEC,
    codex.SPEC,
    zed.SPEC,
    gemini.SPEC,
    cline.SPEC,
    lmstudio.SPEC,
    goose.SPEC,
    continue_.SPEC,
    jetbrains.SPEC,
    copilot.SPEC,
    qwen.SPEC,
    opencode.SPEC,
    kiro.SPEC,
    roo.SPEC,
    antigravity.SPEC,
    amp.SPEC,
    trae.SPEC,
    factory.SPEC,
    kimi.SPEC,
    qoder.SPEC,
    junie.SPEC,
    amazonq.SPEC,
    vibe.SPEC,
)

_BY_ID = {spec.id: spec for spec in CLIENTS}


def ids() -> tuple[str, ...]:
    return tuple(_BY_ID)


def get(client_id: str) -> ClientSpec:
    try:
        return _BY_ID[client_id]
    except KeyError:
        raise UsageError(
            f"unknown client '{client_id}'",
            remedy="Known clients: " + ", ".join(_BY_ID),
        ) from None


def select(client_ids: Iterable[str]) -> tuple[ClientSpec, ...]:
    """The specs named (validated), or every spec when none is named."""
    wanted = list(client_ids)
    if not wanted:
        return CLIENTS
    chosen = {get(client_id).id for client_id in wanted}
    return tuple(spec for spec in CLIENTS if spec.id in chosen)
