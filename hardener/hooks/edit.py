"""Adding and removing hardener's hook handlers in a settings text (L1 pure core).

Edits go through the JSON codec (:mod:`hardener.formats`), so every byte outside the edited
list items stays as it was: the person's other hooks, other settings, comments where the format
allows them, indentation and key order. A missing file becomes a minimal document holding only
hardener's handlers. :func:`check` tells whether a text has exactly the handlers install would
write (the daemon's drift test).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hardener.formats.interface import MISSING, Codec
from hardener.formats.registry import codec_for
from hardener.hooks.targets import HookTarget, handler, is_ours


def codec(target: HookTarget) -> Codec:
    return codec_for(target.fmt)


def _new_document(target: HookTarget, hook: Path) -> str:
    hooks: dict[str, Any] = {event: [handler(target, hook, event)] for event in target.events}
    if target.fmt != "json":  # Codex requirements.toml: a [hooks] table of its own
        if target.managed_dir_key:
            hooks = {target.managed_dir_key: str(hook.parent), **hooks}
        return codec(target).set("", ("hooks",), hooks)
    document: dict[str, Any] = {"hooks": hooks}
    if target.style != "claude":
        document = {"version": 1, "hooks": hooks}
    return json.dumps(document, indent=2) + "\n"


def _items(c: Codec, text: str, event: str) -> list[object] | None:
    value = c.get(text, ("hooks", event))
    return value if isinstance(value, list) else None


@dataclass(frozen=True)
class HookState:
    """What a settings text holds of hardener's hooks."""

    #: installed (every event has exactly the current handler) | partial | outdated | absent
    state: str
    events: dict[str, str]


def check(text: str | None, target: HookTarget, hook: Path) -> HookState:
    if text is None:
        return HookState("absent", dict.fromkeys(target.events, "absent"))
    c = codec(target)
    per: dict[str, str] = {}
    for event in target.events:
        items = _items(c, text, event) or []
        ours = [item for item in items if is_ours(item)]
        if not ours:
            per[event] = "absent"
        elif ours == [handler(target, hook, event)]:
            per[event] = "installed"
        else:
            per[event] = "outdated"
    states = set(per.values())
    if states == {"installed"}:
        state = "installed"
    elif states == {"absent"}:
        state = "absent"
    elif "outdated" in states and "absent" not in states and "installed" not in states:
        state = "outdated"
    else:
        state = "partial"
    return HookState(state, per)


def install_text(text: str | None, target: HookTarget, hook: Path) -> str:
    """``text`` with hardener's handler for every event of ``target`` (idempotent)."""
    return install_edit(text, target, hook)[0]


def install_edit(text: str | None, target: HookTarget, hook: Path) -> tuple[str, list[list[str]]]:
    """The new text and the keys install created (uninstall removes them again when empty)."""
    if text is None:
        return _new_document(target, hook), []
    created: list[list[str]] = []
    c = codec(target)
    c.parse(text)  # a syntax error is raised before anything is planned
    if not isinstance(c.get(text, ()), dict):
        from hardener.formats.interface import PathConflictError

        raise PathConflictError("the top level is not a JSON object")
    if target.style != "claude" and c.get(text, ("version",)) is MISSING:
        text = c.set(text, ("version",), 1)
        created.append(["version"])
    if c.get(text, ("hooks",)) is MISSING:
        created.append(["hooks"])
    key = target.managed_dir_key
    if key and c.get(text, ("hooks", key)) is MISSING:
        # Codex skips managed hooks without a managed hook directory; an admin's own is kept
        text = c.set(text, ("hooks", key), str(hook.parent))
        created.append(["hooks", key])
    for event in target.events:
        wanted = handler(target, hook, event)
        items = _items(c, text, event)
        if items is None:
            if c.get(text, ("hooks", event)) is MISSING:
                created.append(["hooks", event])
            text = c.set(text, ("hooks", event), [wanted])
            continue
        ours = [i for i, item in enumerate(items) if is_ours(item)]
        if not ours:
            text = c.set(text, ("hooks", event, len(items)), wanted)
            continue
        if items[ours[0]] != wanted:
            text = c.set(text, ("hooks", event, ours[0]), wanted)
        for index in reversed(ours[1:]):  # duplicates of ours (e.g. an old install) go
            text = c.delete(text, ("hooks", event, index))
    return text, created


def _empty(value: object) -> bool:
    return value in ([], {}, 1)


def uninstall_text(text: str, target: HookTarget, created: list[list[str]] | None = None) -> str:
    """``text`` without any of hardener's handlers (other handlers untouched); keys listed in
    ``created`` (by :func:`install_edit`) go too when nothing but hardener's was in them."""
    c = codec(target)
    c.parse(text)
    for event in target.events:
        items = _items(c, text, event)
        if items is None:
            continue
        ours = [i for i, item in enumerate(items) if is_ours(item)]
        for index in reversed(ours):
            text = c.delete(text, ("hooks", event, index))
    managed = ["hooks", target.managed_dir_key or ""]
    # deepest first; the managed hook directory after the events that need it
    for path in sorted(created or [], key=lambda p: (-len(p), p == managed)):
        value = c.get(text, tuple(path))
        if value is not MISSING and (_empty(value) or _managed_dir_left(c, text, target, path)):
            text = c.delete(text, tuple(path))
    return text


def _managed_dir_left(c: Codec, text: str, target: HookTarget, path: list[str]) -> bool:
    """The managed hook directory install set (uninstall takes back what install added)."""
    key = target.managed_dir_key
    return bool(key) and path == ["hooks", key] and isinstance(c.get(text, tuple(path)), str)


def present(text: str | None, target: HookTarget) -> bool:
    """Does every event of ``target`` carry a handler of hardener's (whatever its path)?"""
    if text is None:
        return False
    c = codec(target)
    try:
        return all(any(is_ours(i) for i in (_items(c, text, e) or [])) for e in target.events)
    except ValueError:
        return False
