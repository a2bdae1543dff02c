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

Bodies by kind (``schemas/event.schema.json`` ``$defs`` has the exact types, checked per kind by its
``allOf``; :mod:`hardener.event_bodies` has one TypedDict per kind, kept in agreement; consumers ignore
fields they do not know; redaction has happened before any of this). The shim's redaction marker
is ``"[redacted:<reason> len=<bytes> fp=<16 hex>]"``; a fingerprint is the first 16 hex digits of
HMAC-SHA256 with the per-installation key ``<state>/fingerprint.key``, so equal values match across
events without the log holding them.

- ``session.start``: pid (the shim's; required), child_pid, argv (redacted), cwd,
  argv_fingerprint, server_fingerprint (argv plus the environment's variable *names*),
  resolved_via ("path"|"extra_path"|"login_path"|"explicit"), transport ("stdio"|"bridge"),
  url (redacted) and headers (names only) for the bridge, policy_mode, would_deny (audit mode),
  protocol_era ("2025": initialize handshake | "2026": 2026-07-28 ``_meta``), protocol_version,
  client_info, server_info, capabilities {client, server}, instructions (excerpt),
  instructions_hash, shim_version. Written once the handshake is answered (so it carries
  serverInfo), or before any other event.
- ``session.end``: reason ("client_closed"|"child_exited"|"signal"|"error"|"denied"|
  "shim_gone": the shim was killed and its recorder wrote what it had), exit_code (the child's
  return code, negative for a signal), signal, error, duration_ms, counts {c2s, s2c, anomalies,
  tool_calls}
- ``tool.call``: id (JSON-RPC id, as sent), tool, arguments (redacted), fingerprints
  {JSON pointer: fingerprint} of string arguments (at most 100), secrets (kinds redacted),
  size_bytes, traceparent (W3C, from ``_meta``), task (tasks extension), retry and
  input_responses (2026 ``inputResponses`` keys), would_deny (audit mode). A line over the
  shim's parse limit (1 MiB) is summarised instead: parsed=false, sha256, tool and id read
  from its first bytes.
- ``tool.result``: id, tool, status ("ok"|"error"|"denied"|"cancelled"|"no-response"|
  "input_required"), error_code, error_message (redacted excerpt), is_error, duration_ms,
  size_bytes, content_types, result_excerpt (redacted, 200 chars), secrets, structured,
  task_id / task_status (tasks: 2025-11-25 CreateTaskResult or the 2026 extension's
  ``resultType: "task"``), result_type (when neither complete nor input_required),
  via ("tasks/result"), replaced_by_policy, parsed, sha256
- ``tools.list``: tools [{name, title, description, inputSchema, outputSchema, annotations,
  execution, _meta, hash (sha256 of the canonical JSON of the definition)}], server_hash,
  next_cursor, instructions_hash, hidden (removed by policy), partial (true when the list is one
  page of a paginated answer; the detectors then infer no removals). The detectors pin with their
  own ``hardener.detect.pins.tool_hash`` over the definitions, not with ``hash``.
- ``server.request``: method ("sampling/createMessage"|"elicitation/create"|"roots/list"),
  via ("request": legacy server-to-client request | "input_required": 2026 ``inputRequests``),
  id (request id, or the inputRequests key), in_reply_to {id, method, tool} (2026),
  summary (redacted: message counts, maxTokens, excerpts, requested field names),
  decision ("forwarded"|"denied")
- ``resource.read``: id, uri (redacted), traceparent; ``prompt.get``: id, name, arguments
  (redacted), traceparent
- ``policy.deny``: what ("tool"|"server"|"sampling"|"elicitation"|"roots"), name, rule, id
- ``protocol.anomaly``: direction ("c2s"|"s2c"|"internal"), problem ("invalid_json"|
  "not_utf8"|"not_an_object"|"not_jsonrpc"|"batch_not_allowed"|"missing_final_newline"|
  "oversized_unparsed"|"spool_write_failed"), size_bytes, sha256, excerpt (redacted); for
  spool_write_failed: since, error, dropped (events lost beyond the in-memory backlog)
- ``config.harden`` / ``config.restore`` / ``config.drift`` / ``config.reset_by_client``: file,
  client, servers, before_sha256, after_sha256, backup_id, detail
- ``alert``: rule, severity ("low"|"medium"|"high"|"critical"), summary, evidence
  [{seq, session, n, pointer, span, excerpt}, all optional], remedy, detail, client, server,
  tool (``schemas/alert.schema.json``; raised by ``hardener.detect``)
- ``pin.approve``: server, client (null: every client), tool (null: every pending change of the
  server, instructions included), approved [{client, tool ("" for the instructions), hash}]
  (written by ``hardener approve``; the detector engine accepts exactly these hashes)
- ``hook.call`` / ``hook.result``: written by ``hardener-hook`` (one spool file per event, so
  the file ends with its one line): hook (the client's event name), tool, raw_tool, mcp,
  server in the envelope (``-`` when the client does not name it), client_session, call_id,
  arguments (redacted), fingerprints (the same keyed fingerprints as ``tool.call``), secrets,
  cwd, transport {command, url (redacted), shimmed}, pid, ppid, size_bytes, hook_ms; call:
  decision ("allow"|"deny"), rule / would_deny; result: status, is_error, duration_ms,
  error_message, result_excerpt (redacted)
- ``hooks.install`` / ``hooks.uninstall``: file, client, scope ("user"|"managed"), events,
  before_sha256, after_sha256, backup_id, reason ("install"|"drift"|"policy"|"uninstall"), exact
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Final, TypedDict

from hardener.timestamps import utc_timestamp

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
        "pin.approve",
        "hook.call",
        "hook.result",
        "hooks.install",
        "hooks.uninstall",
    }
)


def new_session_id() -> str:
    import uuid  # deferred: importing uuid costs every hook and shim start ~7 ms

    return uuid.uuid4().hex


class Event(TypedDict):
    """The envelope; ``body`` is the kind's TypedDict in :mod:`hardener.event_bodies`."""

    v: int
    kind: str
    ts: str
    session: str
    n: int
    client: str
    server: str
    body: Mapping[str, object]


def make_event(
    kind: str,
    body: Mapping[str, object],
    *,
    session: str,
    n: int,
    client: str,
    server: str,
    moment: datetime,
) -> Event:
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


def encode_line(event: Mapping[str, object]) -> bytes:
    """One spool line: compact JSON, UTF-8, newline-terminated."""
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
