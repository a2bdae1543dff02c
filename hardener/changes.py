"""What this process changed on the user's machine so far, for the exit code of a crash (L0).

The CLI's one catch point maps an unexpected exception to exit 3 (nothing changed) or 4 (changes
in place). Code that replaces a user's file (a client config, a service unit) calls
:func:`note_change` right after the write succeeded; :func:`changed` tells the catch point.
"""

from __future__ import annotations

from pathlib import Path

_CHANGED: list[str] = []


def note_change(path: Path | str) -> None:
    _CHANGED.append(str(path))


def changed() -> list[str]:
    """Files changed by this process, in order (a copy)."""
    return list(_CHANGED)


def reset() -> None:
    """Forget earlier changes (the CLI calls this at the start of every in-process run)."""
    _CHANGED.clear()
