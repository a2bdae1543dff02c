"""Server-initiated requests: sampling, elicitation, roots — in both protocol eras (L1 pure core).

The shim records a ``server.request`` event whether the server sent a JSON-RPC request to the
client (protocol versions up to 2025-11-25, ``via: "request"``) or an ``inputRequests`` entry in
an ``InputRequiredResult`` (2026-07-28, ``via: "input_required"``). Every such request is worth
knowing about; severity rises when

- a sampling request's text carries instructions to the model (scored like a description) or
  text that came from *another* server's tool results (data laundering through the model), or a
  secret;
- an elicitation asks the person for secrets (passwords, tokens, card numbers);

and falls one step when policy denied the request (``decision: "denied"``).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from hardener.detect.descriptions import Signal, scan_text, score
from hardener.detect.model import raise_severity
from hardener.detect.secrets import find_secrets, walk_strings

METHODS: Final = {
    "sampling/createMessage": "server-request.sampling",
    "elicitation/create": "server-request.elicitation",
    "roots/list": "server-request.roots",
}
SHINGLE_WORDS: Final = 8
SHINGLE_CHARS: Final = 8192
_WORD: Final = re.compile(r"\w+")
_SECRET_ASK: Final = re.compile(
    r"passw(?:or)?d|passphrase|api[\s_-]?key|token|secret|credential|ssn|social\s+security"
    r"|credit[\s_-]?card|card[\s_-]?number|cvv|\bpin\b|one[\s_-]?time\s+code|otp|2fa|mfa"
    r"|private[\s_-]?key|seed|mnemonic",
    re.IGNORECASE,
)


def shingles(text: str) -> set[str]:
    """CRC-32s of every run of :data:`SHINGLE_WORDS` words of the first :data:`SHINGLE_CHARS`
    characters (to spot text copied between tools; stable across processes, unlike ``hash``)."""
    words = _WORD.findall(text[:SHINGLE_CHARS].lower())
    return {
        f"{zlib.crc32(' '.join(words[i : i + SHINGLE_WORDS]).encode()):08x}"
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


def request_text(summary: object) -> str:
    """All the text in a request summary (a string or a redacted JSON structure)."""
    if isinstance(summary, str):
        return summary
    return "\n".join(
        f"{pointer} {leaf}" if pointer.endswith(("/name", "/title")) else str(leaf)
        for pointer, leaf in walk_strings(summary)
        if isinstance(leaf, str)
    )


def _asked_fields(summary: object) -> list[str]:
    """Property names of an elicitation's requestedSchema, where the summary has them."""
    if not isinstance(summary, Mapping):
        return []
    schema = summary.get("requestedSchema")
    props = schema.get("properties") if isinstance(schema, Mapping) else None
    return [str(p) for p in props] if isinstance(props, Mapping) else []


@dataclass(frozen=True)
class RequestAssessment:
    rule: str
    severity: str
    reasons: tuple[str, ...]
    signals: tuple[Signal, ...] = ()
    detail: dict[str, object] = field(default_factory=dict)


def assess(
    body: Mapping[str, object],
    threshold: int,
    foreign: Mapping[str, Iterable[str]] | None = None,
) -> RequestAssessment | None:
    """Grade one ``server.request`` body; None for methods that are not worth an alert.

    ``foreign``: shingles of recent tool results of the client's *other* servers, by server.
    """
    method = str(body.get("method", ""))
    rule = METHODS.get(method)
    if rule is None:
        return None
    severity = "low" if rule == "server-request.roots" else "medium"
    reasons: list[str] = []
    signals: tuple[Signal, ...] = ()
    detail: dict[str, object] = {
        "method": method,
        "via": body.get("via"),
        "decision": body.get("decision"),
    }
    summary = body.get("summary")
    text = request_text(summary)
    if rule == "server-request.sampling" and text:
        found = scan_text(text, "/summary")
        total = score(found)
        if total >= threshold:
            severity = raise_severity(severity)
            reasons.append(f"the request text carries instructions to the model (score {total})")
            signals = tuple(found)
        mine = shingles(text)
        sources = sorted(name for name, theirs in (foreign or {}).items() if mine & set(theirs))
        if sources:
            severity = raise_severity(severity)
            reasons.append("the request text contains tool results of other servers")
            detail["copied_from_servers"] = sources
    if find_secrets(summary):
        severity = raise_severity(severity)
        reasons.append("the request carries a secret (redacted)")
    if rule == "server-request.elicitation":
        asked = [name for name in _asked_fields(summary) if _SECRET_ASK.search(name)]
        if asked or (not _asked_fields(summary) and _SECRET_ASK.search(text)):
            severity = raise_severity(severity)
            reasons.append("the server asks the person for a secret")
            detail["asked_fields"] = asked
        if isinstance(summary, Mapping) and summary.get("mode") == "url":
            detail["url_mode"] = True
    if body.get("decision") == "denied":
        severity = raise_severity(severity, -1)
        reasons.append("policy denied the request")
    return RequestAssessment(rule, severity, tuple(reasons), signals, detail)
