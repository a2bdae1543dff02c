"""The event envelope shared by the shim, the daemon, the ledger and the detectors (L1 pure core).

The shim describes what happened as events and appends them, one compact JSON object per line, to
its own spool file ``<state>/spool/<session>.jsonl`` (0600) before anything else can go wrong. The
daemon seals each line into the ledger in order. ``schemas/event.schema.json`` is the contract.

Envelope (every event)::

    {"v": 1, "kind": "tool.call", "ts": "2026-11-25T22:01:02.123456Z",
     "session": "<uuid4 hex>", "n": 7, "client": "claude-code", "server": "github",
     "body": {...}}

``n`` counts events within a session from 0, so a gap or a reordering is visible even before
sealing. A session's last event is ``session.end``; a spool file without it belongs to a live shim
or to one that was killed (the daemon tells them apart by the pid in ``session.start``).

Bodies by kind (fields are optional unless stated; redaction has happened before any of this):

- ``session.start``: pid, argv (redacted list), cwd, server_fingerprint, transport
  ("stdio"|"bridge"), url (redacted), protocol_era ("2025"|"2026"), protocol_version,
  client_info, server_info, capabilities, shim_version
- ``session.end``: reason ("client_closed"|"child_exited"|"signal"|"error"), exit_code,
  duration_ms, counts {messages_in, messages_out, anomalies}
- ``tool.call``: id (JSON-RPC id, as sent), tool, arguments (redacted), fingerprints
  {json-pointer: keyed fingerprint}, traceparent, task (bool)
- ``tool.result``: id, tool, status ("ok"|"error"|"denied"|"cancelled"|"no-response"),
  error_code, is_error, duration_ms, size_bytes, content_types, result_excerpt (redacted)
- ``tools.list``: tools [{name, title, description, inputSchema, outputSchema, annotations,
  hash}], instructions, instructions_hash, server_hash
- ``server.request``: method ("sampling/createMessage"|"elicitation/create"|"roots/list"),
  via ("request"|"input_required"), id, summary (redacted), decision ("forwarded"|"denied")
- ``policy.deny``: what ("tool"|"server"|"sampling"|"elicitation"|"roots"), name, rule, id
- ``protocol.anomaly``: direction ("c2s"|"s2c"), problem, size_bytes, sha256, excerpt
- ``config.harden`` / ``config.restore`` / ``config.drift`` / ``config.reset_by_client``: file,
  client, servers, before_sha256, after_sha256, backup_id, detail
- ``alert``: rule, severity ("low"|"medium"|"high"|"critical"), summary, evidence
  [ledger seqs or {session, n}], remedy, detail
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any, Final

VERSION: Final = 1

KINDS: Final = frozenset(
    {
        "session.start",
        "session.end",
        "tool.call",
        "tool.result",
        "tools.list",
        "server.request",
        "resource.read",
        "prompt.get",
        "policy.deny",
        "protocol.anomaly",
        "config.harden",
        "config.restore",
        "config.drift",
        "config.reset_by_client",
        "alert",
    }
)


def utc_timestamp(moment: datetime) -> str:
    """RFC 3339 UTC with microseconds and a ``Z``: sortable as text."""
    m = moment.astimezone(UTC)  # formatted by hand: strftime costs the shim ~4 us per event
    return (
        f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}"
        f".{m.microsecond:06d}Z"
    )


def new_session_id() -> str:
    return uuid.uuid4().hex


def make_event(
    kind: str,
    body: dict[str, Any],
    *,
    session: str,
    n: int,
    client: str,
    server: str,
    moment: datetime,
) -> dict[str, Any]:
    """Build one event envelope (pure: the caller supplies the clock)."""
    if kind not in KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    return {
        "v": VERSION,
        "kind": kind,
        "ts": utc_timestamp(moment),
        "session": session,
        "n": n,
        "client": client,
        "server": server,
        "body": body,
    }


def encode_line(event: dict[str, Any]) -> bytes:
    """One spool line: compact JSON, UTF-8, newline-terminated."""
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
