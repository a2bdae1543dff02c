"""The exact bytes of a ledger record: encoding, MAC placement and header parsing (L1 pure core).

A record is one line::

    {"v":1,"seq":N,"ts":"…Z","log_id":"<32 hex>","epoch":E,"kind":"…","prev":"<64 hex>","body":{…},"mac":"<64 hex>"}\\n

The MAC is the last field, computed over the exact bytes of the line before ``,"mac":"``, so a
verifier checks it by slicing, never by re-serialising. ``prev`` is the SHA-256 (hex) of the whole
previous line, newline included (64 zeros for the first record). The header up to ``"body":`` has a
fixed shape, so :func:`parse` reads it with one anchored regular expression and leaves the body
unparsed: the MAC and the chain protect it, and only the few ledger-internal kinds need its fields.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Final

VERSION: Final = 1
ZERO_HASH: Final = "0" * 64
MAC_HEX_LEN: Final = 64
MAC_OPEN: Final = b',"mac":"'
MAC_CLOSE: Final = b'"}\n'
SUFFIX_LEN: Final = len(MAC_OPEN) + MAC_HEX_LEN + len(MAC_CLOSE)

#: Ledger-internal record kinds (events use dotted kinds such as ``tool.call``).
FILE_OPEN: Final = "file_open"
FILE_CLOSE: Final = "file_close"
CHECKPOINT: Final = "checkpoint"
EPOCH_CLOSE: Final = "epoch_close"
PRUNE: Final = "prune"
RECOVERY: Final = "recovery"
#: the sealer found its ledger deleted or replaced while it ran and put it back (a tamper record)
LEDGER_BREAK: Final = "ledger_break"
SIGNED_KINDS: Final = frozenset({CHECKPOINT, EPOCH_CLOSE})
INTERNAL_KINDS: Final = frozenset(
    {FILE_OPEN, FILE_CLOSE, CHECKPOINT, EPOCH_CLOSE, PRUNE, RECOVERY, LEDGER_BREAK}
)

_TS = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"
_HEAD = re.compile(
    rb'\{"v":1,"seq":(0|[1-9][0-9]{0,17}),"ts":"(' + _TS.encode() + rb')",'
    rb'"log_id":"([0-9a-f]{32})","epoch":(0|[1-9][0-9]{0,17}),'
    rb'"kind":"([a-z][a-z0-9_.]{0,63})","prev":"([0-9a-f]{64})","body":(?=\{)'
)
#: the whole line in one match: header groups, body, MAC (the body cannot hold a newline)
LINE = re.compile(_HEAD.pattern + rb'(\{.*\}),"mac":"([0-9a-f]{64})"\}\n\Z')
_TS_RE = re.compile(_TS)
_KIND_RE = re.compile(r"[a-z][a-z0-9_.]{0,63}")


ACTIVE_SEGMENT: Final = "ledger.jsonl"


def archive_name(first_seq: int) -> str:
    """An archived segment's file name: it carries the seq of its first record."""
    return f"ledger-{first_seq:012d}.jsonl"


def line_hash(line: bytes) -> str:
    """SHA-256 hex of a whole line (newline included): what the next record's ``prev`` holds."""
    return hashlib.sha256(line).hexdigest()


def dumps(value: object) -> str:
    """Compact JSON as used inside records (UTF-8, no spaces, keys in the given order)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def header(
    *, seq: int, ts: str, log_id: str, epoch: int, kind: str, prev: str, body: bytes
) -> bytes:
    """The bytes a MAC covers: every field but ``mac``. ``body`` is a compact JSON object."""
    if not _TS_RE.fullmatch(ts):
        raise ValueError(f"timestamp {ts!r} is not RFC 3339 UTC with microseconds")
    if not _KIND_RE.fullmatch(kind):
        raise ValueError(f"record kind {kind!r} is not [a-z][a-z0-9_.]*")
    if len(log_id) != 32 or len(prev) != 64 or seq < 0 or epoch < 0:
        raise ValueError("log_id must be 32 hex, prev 64 hex, seq and epoch non-negative")
    if not body.startswith(b"{") or not body.endswith(b"}") or b"\n" in body:
        raise ValueError("body must be one JSON object on one line")
    return b"".join(
        (
            b'{"v":1,"seq":%d,"ts":"%s","log_id":"%s","epoch":%d,"kind":"%s","prev":"%s","body":'
            % (seq, ts.encode(), log_id.encode(), epoch, kind.encode(), prev.encode()),
            body,
        )
    )


def finish(head: bytes, mac_hex: str) -> bytes:
    """Append the MAC field and the newline to ``head``: one complete record line."""
    return b"".join((head, MAC_OPEN, mac_hex.encode(), MAC_CLOSE))


@dataclass(frozen=True, slots=True)
class Record:
    """A parsed record line. ``body`` is the raw JSON bytes of the body object."""

    seq: int
    ts: str
    log_id: str
    epoch: int
    kind: str
    prev: str
    body: bytes
    mac: str
    line: bytes

    @property
    def signed_part(self) -> bytes:
        """The bytes the MAC covers."""
        return self.line[: len(self.line) - SUFFIX_LEN]

    def body_json(self) -> dict[str, Any]:
        value = json.loads(self.body)
        if not isinstance(value, dict):
            raise ValueError("record body is not a JSON object")
        return value


def parse(line: bytes) -> Record | None:
    """Parse one complete line (with its newline); ``None`` when it is not a well-formed record."""
    match = LINE.match(line)
    if match is None:
        return None
    seq, ts, log_id, epoch, kind, prev, body, mac = match.groups()
    return Record(
        int(seq),
        ts.decode(),
        log_id.decode(),
        int(epoch),
        kind.decode(),
        prev.decode(),
        body,
        mac.decode(),
        line,
    )


def split_lines(data: bytes) -> tuple[list[bytes], bytes]:
    """Complete lines (each with its newline) and the torn remainder after the last newline."""
    cut = data.rfind(b"\n") + 1
    if not cut:
        return [], data
    # split on b"\n" only: bytes.splitlines would also split on a raw carriage return
    return [part + b"\n" for part in data[: cut - 1].split(b"\n")], data[cut:]
