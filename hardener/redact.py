"""Redaction of secrets and oversized values before an event touches the disk (L1 pure core).

:class:`Redactor` walks a JSON value and returns a copy in which

- the value of every key that names a secret (``password``, ``token``, ``api_key``,
  ``authorization``, ``cookie``, ``private_key``, … plus the policy's ``redaction.keys``) is
  replaced whole;
- every substring that looks like a secret (cloud provider keys, GitHub / GitLab / Slack / OpenAI /
  Anthropic / Stripe / Google / npm / PyPI / Hugging Face tokens, JWTs, PEM private keys, passwords in
  URLs, bearer and basic credentials, high-entropy strings, plus the policy's
  ``redaction.patterns``) is replaced in place;
- every string longer than ``redaction.max_value_bytes`` is replaced whole

by a marker ``[redacted:<reason> len=<n> fp=<fingerprint>]``. The fingerprint is a keyed HMAC-SHA256
(first 16 hex digits) of the original value, so an investigator can match equal values across
events without the log holding them, while nobody without the per-installation key can test guesses
against it. Values in, values out: the key and the settings are given to the constructor.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
from collections.abc import Iterable
from typing import Any, Final

from hardener.secret_catalogue import FORMATS, is_secret_key, marker

FINGERPRINT_HEX: Final = 16
DEFAULT_MAX_VALUE_BYTES: Final = 4096
#: Leaves whose fingerprints are listed in ``fingerprints`` (the rest are only counted).
MAX_FINGERPRINTS: Final = 100
#: Key names whose secret-or-not answer a redactor remembers (argument names repeat).
KEY_CACHE: Final = 4096
ENTROPY_MIN_LEN: Final = 24
ENTROPY_BITS: Final = 4.2

#: Secret formats, by name: the catalogue's, as (name, pattern).
SECRET_PATTERNS: Final[tuple[tuple[str, str], ...]] = tuple((f.name, f.pattern) for f in FORMATS)
_CANDIDATE = re.compile(rf"[A-Za-z0-9+/_\-=.]{{{ENTROPY_MIN_LEN},}}")


def fingerprint(key: bytes, data: bytes | str) -> str:
    """Keyed fingerprint: the first 16 hex digits of HMAC-SHA256(key, data)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    return hmac.new(key, raw, hashlib.sha256).hexdigest()[:FINGERPRINT_HEX]


def shannon_bits(text: str) -> float:
    """Shannon entropy of ``text`` in bits per character."""
    if not text:
        return 0.0
    counts: dict[str, int] = {}
    for char in text:
        counts[char] = counts.get(char, 0) + 1
    size = len(text)
    return -sum(n / size * math.log2(n / size) for n in counts.values())


def looks_random(token: str) -> bool:
    """A long token mixing letters and digits with high entropy (not hex, not a word or path)."""
    if len(token) < ENTROPY_MIN_LEN or ("/" in token.strip("/") and token.count("/") > 2):
        return False
    has_digit = any(c.isdigit() for c in token)
    has_upper = any(c.isupper() for c in token)
    has_lower = any(c.islower() for c in token)
    if not (has_digit and has_upper and has_lower):
        return False
    return shannon_bits(token) >= ENTROPY_BITS


class Redaction:
    """The result of redacting one value (a plain class: ``dataclasses`` would cost every hook
    and shim start ~7 ms of imports)."""

    __slots__ = ("fingerprints", "found", "value")

    def __init__(
        self,
        value: Any,
        fingerprints: dict[str, str] | None = None,
        found: list[str] | None = None,
    ) -> None:
        self.value = value
        #: JSON pointer of each string leaf (up to :data:`MAX_FINGERPRINTS`) → keyed fingerprint.
        self.fingerprints = fingerprints if fingerprints is not None else {}
        #: Names of the secret kinds that were found (sorted, unique), e.g. ``["github-token"]``.
        self.found = found if found is not None else []

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Redaction):
            return NotImplemented
        return (self.value, self.fingerprints, self.found) == (
            other.value,
            other.fingerprints,
            other.found,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Redaction({self.value!r}, {self.fingerprints!r}, {self.found!r})"


class Redactor:
    """Redacts JSON values with a fingerprint key and the policy's ``redaction.*`` settings."""

    def __init__(
        self,
        key: bytes,
        *,
        extra_keys: Iterable[str] = (),
        extra_patterns: Iterable[str] = (),
        max_value_bytes: int = DEFAULT_MAX_VALUE_BYTES,
    ) -> None:
        if len(key) < 16:
            raise ValueError("the fingerprint key must be at least 16 bytes")
        self._key = key
        # The key schedule once; each fingerprint copies it (cheaper than a new HMAC per value).
        self._keyed = hmac.new(key, digestmod=hashlib.sha256)
        # Whether a key names a secret, by key: argument names repeat on every call.
        self._secret_keys: dict[str, bool] = {}
        self.max_value_bytes = max_value_bytes
        self._extra_keys = tuple(re.compile(k, re.IGNORECASE) for k in extra_keys)
        named = [(name, pattern) for name, pattern in SECRET_PATTERNS]
        named += [(f"policy-pattern-{i}", p) for i, p in enumerate(extra_patterns)]
        self._patterns = tuple((name, re.compile(p)) for name, p in named)
        # One pass that tells whether any rule could apply; most strings need nothing more.
        alternatives = [p.replace("(?P<s>", "(?:") for _, p in named]
        alternatives.append(_CANDIDATE.pattern)
        try:
            self._any: re.Pattern[str] | None = re.compile(
                "|".join(f"(?:{p})" for p in alternatives)
            )
        except re.error:  # e.g. a policy pattern with global flags or named groups
            self._any = None

    def fingerprint(self, data: bytes | str) -> str:
        """:func:`fingerprint` with this redactor's key."""
        mac = self._keyed.copy()
        mac.update(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
        return mac.hexdigest()[:FINGERPRINT_HEX]

    def marker(self, reason: str, original: str) -> str:
        size = len(original.encode("utf-8", "surrogatepass"))
        return marker(reason, size, self.fingerprint(original))

    # --- strings --------------------------------------------------------------------------
    def redact_text(self, text: str, found: set[str] | None = None) -> str:
        """``text`` with every secret-looking substring replaced by a marker."""
        hits = found if found is not None else set()
        size = len(text)
        if size > self.max_value_bytes or (
            size * 4 > self.max_value_bytes
            and len(text.encode("utf-8", "surrogatepass")) > self.max_value_bytes
        ):
            hits.add("oversized")
            return self.marker("oversized", text)
        if self._any is not None and self._any.search(text) is None:
            return text
        spans: list[tuple[int, int, str]] = []
        for name, pattern in self._patterns:
            for match in pattern.finditer(text):
                group = "s" if "s" in pattern.groupindex and match.group("s") else 0
                start, end = match.span(group)
                if end > start:
                    spans.append((start, end, name))
        for match in _CANDIDATE.finditer(text):
            token = match.group(0).strip("=.-_")
            if looks_random(token):
                start = match.start() + match.group(0).find(token)
                spans.append((start, start + len(token), "high-entropy"))
        if not spans:
            return text
        return self._replace(text, spans, hits)

    def _replace(self, text: str, spans: list[tuple[int, int, str]], hits: set[str]) -> str:
        spans.sort(key=lambda s: (s[0], -s[1]))
        merged: list[tuple[int, int, str]] = []
        for start, end, name in spans:
            if merged and start < merged[-1][1]:
                first, last, kept = merged[-1]
                merged[-1] = (first, max(last, end), kept)
                continue
            merged.append((start, end, name))
        out: list[str] = []
        cursor = 0
        for start, end, name in merged:
            hits.add(name)
            out.append(text[cursor:start])
            out.append(self.marker(name, text[start:end]))
            cursor = end
        out.append(text[cursor:])
        return "".join(out)

    # --- JSON values ----------------------------------------------------------------------
    def redact(self, value: object, *, fingerprints: bool = True) -> Redaction:
        """A redacted copy of ``value`` with leaf fingerprints and the kinds of secrets found."""
        found: set[str] = set()
        prints: dict[str, str] = {}
        redacted = self._walk(value, "", found, prints if fingerprints else None)
        return Redaction(redacted, prints, sorted(found))

    def _walk(
        self, value: object, pointer: str, found: set[str], prints: dict[str, str] | None
    ) -> object:
        if isinstance(value, str):
            if prints is not None and len(prints) < MAX_FINGERPRINTS:
                prints[pointer] = self.fingerprint(value)
            return self.redact_text(value, found)
        if isinstance(value, dict):
            out: dict[str, object] = {}
            for key, item in value.items():
                child = f"{pointer}/{_escape(str(key))}"
                if (
                    isinstance(key, str)
                    and self._is_secret_key(key)
                    and item not in (None, "", True, False)
                ):
                    text = item if isinstance(item, str) else _compact(item)
                    found.add("secret-key")
                    if prints is not None and len(prints) < MAX_FINGERPRINTS:
                        prints[child] = self.fingerprint(text)
                    out[key] = self.marker("secret-key", text)
                else:
                    out[key] = self._walk(item, child, found, prints)
            return out
        if isinstance(value, list):
            return [
                self._walk(item, f"{pointer}/{i}", found, prints) for i, item in enumerate(value)
            ]
        return value

    def _is_secret_key(self, key: str) -> bool:
        """:func:`is_secret_key` with the policy's extra keys, remembered for the first
        :data:`KEY_CACHE` names."""
        known = self._secret_keys.get(key)
        if known is None:
            known = is_secret_key(key, self._extra_keys)
            if len(self._secret_keys) < KEY_CACHE:
                self._secret_keys[key] = known
        return known

    def redact_argv(self, argv: list[str]) -> list[str]:
        """A redacted copy of a command line: values of secret-named flags and secret substrings."""
        out: list[str] = []
        secret_next = False
        for arg in argv:
            if secret_next:
                out.append(self.marker("secret-flag", arg))
                secret_next = False
                continue
            if arg.startswith("-") and "=" in arg:
                flag, _, val = arg.partition("=")
                if is_secret_key(flag.lstrip("-"), self._extra_keys) and val:
                    out.append(f"{flag}={self.marker('secret-flag', val)}")
                    continue
            elif arg.startswith("-") and is_secret_key(arg.lstrip("-"), self._extra_keys):
                secret_next = True
            out.append(self.redact_text(arg))
        return out


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
