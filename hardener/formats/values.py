"""Plain-value helpers shared by the codecs (L1 pure core).

:func:`same` is deep equality that also compares types, so ``1``, ``1.0`` and ``True`` are
different values (a codec must not skip writing ``true`` over ``1``). :func:`find_run` finds a list
inside a longer one, which is how a codec recognises that a new ``args`` list is the old one with
items added in front (wrapping) or removed from the front (unwrapping) and edits only those items.
"""

from __future__ import annotations

from typing import Any


def same(a: Any, b: Any) -> bool:
    """Deep equality that also compares types (``1 != True != 1.0``); tuples count as lists."""
    if isinstance(a, tuple):
        a = list(a)
    if isinstance(b, tuple):
        b = list(b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def find_run(longer: list[object], shorter: list[object]) -> int | None:
    """Where ``shorter`` occurs as a contiguous run in ``longer`` (the last such place), or None."""
    for start in range(len(longer) - len(shorter), -1, -1):
        if same(longer[start : start + len(shorter)], shorter):
            return start
    return None
