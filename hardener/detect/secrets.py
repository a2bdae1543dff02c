"""Secrets in flight: redaction markers and unredacted secret shapes in events (L1 pure core).

The shim redacts before an event touches the disk (ARCHITECTURE 3.4): a value that is a secret is
replaced by a *marker* carrying the reason and a keyed fingerprint. A marker in a ``tool.call``'s
arguments or a ``tool.result``'s excerpt is therefore the evidence that a secret went to or came
from a tool. Accepted marker shapes (the redactor's ``[redacted:<reason> len=<n> fp=<hex>]``, from
``hardener.secret_catalogue``, and a few common spellings)::

    "[REDACTED:<reason>:<fingerprint>]"   "[REDACTED]"   "«redacted:<reason>…»"
    "<redacted:<reason>…>"                "***REDACTED***"
    {"$redacted": "<reason>", "fp": "…"}  {"redacted": true, "reason": "…"}

Markers whose reason says the value was only too large (``oversize``, ``too-large``,
``truncated``, ``binary``) are not secrets. As defence in depth, well-known secret formats that
escaped redaction (the catalogue's self-identifying formats: cloud keys, tokens, private keys,
JWTs) are found too; their text is never copied into evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final

from hardener.secret_catalogue import MARKER_RE as OWN_MARKER
from hardener.secret_catalogue import NOT_SECRET_REASONS, TOKEN_FORMATS, TOKEN_HINTS

#: Markers: the redactor's own (:data:`hardener.secret_catalogue.MARKER_RE`, group ``r0``) and
#: a few common spellings from other tools.
MARKER_RE: Final = re.compile(
    OWN_MARKER.pattern.replace("(?P<reason>", "(?P<r0>")
    + r"|\[REDACTED(?::(?P<r1>[\w.+-]*))?(?::[^\]]*)?\]"
    r"|«redacted(?::(?P<r2>[\w.+-]*))?[^»]*»"
    r"|<redacted(?::(?P<r3>[\w.+-]*))?[^>]*>"
    r"|\*{3}REDACTED\*{3}",
    re.IGNORECASE,
)
_MARKER_HINT: Final = re.compile(r"redact", re.IGNORECASE)

#: (name, pattern) of secret formats that should never appear unredacted: the catalogue's
#: self-identifying formats.
SECRET_SHAPES: Final = tuple((f.name, re.compile(f.pattern)) for f in TOKEN_FORMATS)


@dataclass(frozen=True)
class SecretHit:
    pointer: str  # JSON pointer of the value
    kind: str  # the redaction reason, or the name of an unredacted secret shape
    redacted: bool
    span: tuple[int, int] | None = None  # within the string value, when inside text


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _marker_reason(match: re.Match[str]) -> str:
    return (
        match.group("r0") or match.group("r1") or match.group("r2") or match.group("r3") or "secret"
    )


def _dict_marker(value: Mapping[str, object]) -> str | None:
    if "$redacted" in value:
        reason = value["$redacted"]
        return reason if isinstance(reason, str) and reason else "secret"
    if value.get("redacted") is True or "__redacted__" in value:
        reason = value.get("reason") or value.get("__redacted__")
        return reason if isinstance(reason, str) and reason else "secret"
    return None


def walk_strings(value: object, pointer: str = "") -> Iterator[tuple[str, object]]:
    """(pointer, leaf) for every leaf and every redaction-marker dict of a JSON value."""
    if isinstance(value, Mapping):
        if _dict_marker(value) is not None:
            yield pointer, value
            return
        for key, child in value.items():
            yield from walk_strings(child, f"{pointer}/{_escape(str(key))}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from walk_strings(child, f"{pointer}/{index}")
    else:
        yield pointer, value


def redacted_pointers(value: object) -> list[str]:
    """Pointers of every value replaced by a marker (whatever the reason)."""
    found = []
    for pointer, leaf in walk_strings(value):
        if isinstance(leaf, Mapping) or (
            isinstance(leaf, str) and _MARKER_HINT.search(leaf) and MARKER_RE.search(leaf)
        ):
            found.append(pointer)
    return found


def find_secrets(value: object) -> list[SecretHit]:
    """Redaction markers (secrets only) and unredacted secret shapes in a JSON value."""
    hits: list[SecretHit] = []
    for pointer, leaf in walk_strings(value):
        if isinstance(leaf, Mapping):
            reason = _dict_marker(leaf) or "secret"
            if not NOT_SECRET_REASONS.search(reason):
                hits.append(SecretHit(pointer, reason, True))
            continue
        if not isinstance(leaf, str):
            continue
        if _MARKER_HINT.search(leaf):
            for match in MARKER_RE.finditer(leaf):
                reason = _marker_reason(match)
                if not NOT_SECRET_REASONS.search(reason):
                    hits.append(SecretHit(pointer, reason, True, (match.start(), match.end())))
        if not TOKEN_HINTS.search(leaf):
            continue
        for name, pattern in SECRET_SHAPES:
            for match in pattern.finditer(leaf):
                hits.append(SecretHit(pointer, name, False, (match.start(), match.end())))
    return hits
