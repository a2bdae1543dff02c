"""The one canonical JSON encoding behind every hash hardener computes or stores (L1 pure core).

Keys sorted, no whitespace, non-ASCII kept as UTF-8, lone surrogates (which JSON text from a
server may carry through ``\\ud800`` escapes) kept with ``surrogatepass``. Tool hashes in ledger
events (``tools.list`` ``hash``), pin files (``detect/pins.tool_hash``) and argument fingerprints
all come from :func:`canonical`, so stored hashes stay valid: for every value the old strict
encoders accepted the bytes are identical; values with a lone surrogate, which one of them
rejected with ``UnicodeEncodeError``, now hash too.
"""

from __future__ import annotations

import hashlib
import json


def canonical(value: object) -> bytes:
    """The canonical UTF-8 JSON bytes of a JSON value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8", "surrogatepass"
    )


def canonical_text(value: object) -> str:
    """:func:`canonical` as text (for diffs and similarity)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_of(value: object) -> str:
    """Hex SHA-256 of the canonical JSON of ``value``."""
    return hashlib.sha256(canonical(value)).hexdigest()
