"""One TypedDict per event kind: the body the producers build and the consumers read (L1 pure core).

``schemas/event.schema.json`` (``$defs`` by kind) and ``schemas/alert.schema.json`` are the
contract; ``tests/unit/test_event_bodies.py`` keeps these types and the schemas in agreement (same
keys, same required keys, same types), and checks bodies made by the real producers against both.
Required keys live in a ``_…Required`` base class (``Required[]`` is lost at run time on Python
3.11 when annotations are strings). Bodies may grow: consumers ignore keys they do not know.

The shim and ``hardener-hook`` import this module only for type checking (``typing`` costs their
start-up); everything else may import it normally.
"""

from __future__ import annotations

from typing import Literal, TypeAlias, TypedDict

from hardener.json_types import JSONObject, JSONValue

#: A JSON-RPC id as sent (the schema's ``requestId``).
RequestId: TypeAlias = str | int | float | None
Severity: TypeAlias = Literal["low", "medium", "high", "critical"]
Direction: TypeAlias = Literal["c2s", "s2c", "internal"]
InstallReason: TypeAlias = Literal["install", "drift", "policy", "uninstall"]


# --- the shim's sessions ---------------------------------------------------------------------


class _SessionStartRequired(TypedDict):
    pid: int


class SessionStartBody(_SessionStartRequired, total=False):
    child_pid: int
    cwd: str
    shim_version: str
    policy_mode: Literal["audit", "enforce"]
    transport: Literal["stdio", "bridge", "daemon"]
    argv: list[str]
    argv_fingerprint: str
    server_fingerprint: str
    resolved_via: Literal["path", "extra_path", "login_path", "explicit"]
    would_deny: str
    url: str
    headers: list[str]
    protocol_era: Literal["2025", "2026"]
    protocol_version: str
    client_info: JSONObject
    server_info: JSONObject
    capabilities: JSONObject
    instructions: str
    instructions_hash: str


class SessionCounts(TypedDict, total=False):
    c2s: int
    s2c: int
    anomalies: int
    tool_calls: int


class _SessionEndRequired(TypedDict):
    reason: Literal["client_closed", "child_exited", "signal", "error", "denied", "shim_gone"]


class SessionEndBody(_SessionEndRequired, total=False):
    exit_code: int | None
    signal: int
    duration_ms: float
    error: str
    counts: SessionCounts


# --- calls and results -----------------------------------------------------------------------


class ToolCallBody(TypedDict, total=False):
    id: RequestId
    tool: str | None
    arguments: JSONValue
    fingerprints: dict[str, str]
    secrets: list[str]
    size_bytes: int
    traceparent: str
    task: bool
    retry: bool
    input_responses: list[str]
    would_deny: str
    parsed: Literal[False]
    blake3: str
    sha256: str


ToolStatus: TypeAlias = Literal[
    "ok", "error", "denied", "cancelled", "no-response", "input_required"
]


class ToolResultFields(TypedDict, total=False):
    """Every ``tool.result`` key but the required ``status`` (bodies are built in parts)."""

    id: RequestId
    tool: str | None
    error_code: int | None
    error_message: str
    is_error: bool
    duration_ms: float
    size_bytes: int
    content_types: list[str]
    result_excerpt: str
    secrets: list[str]
    structured: bool
    task_id: str
    task_status: str | None
    via: Literal["tasks/result"]
    replaced_by_policy: bool
    parsed: Literal[False]
    blake3: str
    sha256: str
    result_type: str


class _ToolResultRequired(TypedDict):
    status: ToolStatus


class ToolResultBody(_ToolResultRequired, ToolResultFields, total=False):
    pass


class _ListedToolRequired(TypedDict):
    name: str | None
    hash: str


class ListedTool(_ListedToolRequired, total=False):
    """One tool of ``tools.list``: the definition's fields as the server sent them, and its hash."""

    title: str
    description: str
    inputSchema: JSONValue
    outputSchema: JSONValue
    annotations: JSONValue
    execution: JSONValue
    _meta: JSONValue


class _ToolsListRequired(TypedDict):
    tools: list[ListedTool]


class ToolsListBody(_ToolsListRequired, total=False):
    server_hash: str
    next_cursor: str
    instructions_hash: str
    hidden: list[str]
    partial: bool


class InReplyTo(TypedDict, total=False):
    id: RequestId
    method: str
    tool: str | None


class _ServerRequestRequired(TypedDict):
    method: str | None
    via: Literal["request", "input_required"]
    decision: Literal["forwarded", "denied"]


class ServerRequestBody(_ServerRequestRequired, total=False):
    id: JSONValue
    in_reply_to: InReplyTo
    summary: JSONObject


class ResourceReadBody(TypedDict, total=False):
    id: RequestId
    uri: str
    traceparent: str


class PromptGetBody(TypedDict, total=False):
    id: RequestId
    name: str | None
    arguments: JSONValue
    traceparent: str


class _PolicyDenyRequired(TypedDict):
    what: Literal["tool", "server", "sampling", "elicitation", "roots"]
    rule: str | None


class PolicyDenyBody(_PolicyDenyRequired, total=False):
    name: str | None
    id: JSONValue


class _ProtocolAnomalyRequired(TypedDict):
    direction: Direction
    problem: Literal[
        "invalid_json",
        "not_utf8",
        "not_an_object",
        "not_jsonrpc",
        "batch_not_allowed",
        "missing_final_newline",
        "oversized_unparsed",
        "spool_write_failed",
    ]


class ProtocolAnomalyBody(_ProtocolAnomalyRequired, total=False):
    size_bytes: int
    blake3: str
    sha256: str
    excerpt: str
    since: str
    error: str
    dropped: int


# --- config files, hooks, approvals (CLI and daemon) -----------------------------------------


class _ConfigChangeRequired(TypedDict):
    file: str
    client: str
    servers: list[str]


class ConfigChangeBody(_ConfigChangeRequired, total=False):
    """``config.harden``, ``config.restore``, ``config.drift``, ``config.reset_by_client``."""

    before_sha256: str | None
    after_sha256: str | None
    backup_id: str | None
    detail: JSONObject


class _HookInstallRequired(TypedDict):
    file: str
    client: str
    scope: Literal["user", "managed"]


class HookInstallBody(_HookInstallRequired, total=False):
    """``hooks.install`` and ``hooks.uninstall``."""

    events: list[str]
    before_sha256: str | None
    after_sha256: str | None
    backup_id: str | None
    reason: InstallReason
    exact: bool


class Approval(TypedDict):
    client: str
    tool: str
    hash: str


class PinApproveBody(TypedDict):
    """Written by ``hardener approve``; the detector engine accepts exactly these hashes."""

    server: str
    client: str | None
    tool: str | None
    approved: list[Approval]


# --- client hooks ----------------------------------------------------------------------------


class HookTransport(TypedDict, total=False):
    command: str
    url: str
    shimmed: bool


class _HookEventRequired(TypedDict):
    hook: str
    tool: str
    mcp: bool


class _HookEvent(_HookEventRequired, total=False):
    raw_tool: str
    client_session: str | None
    call_id: str | None
    arguments: JSONValue
    fingerprints: dict[str, str]
    secrets: list[str]
    cwd: str
    transport: HookTransport
    pid: int
    ppid: int
    size_bytes: int
    hook_ms: float


class _HookCallRequired(_HookEvent):
    decision: Literal["allow", "deny"]


class HookCallBody(_HookCallRequired, total=False):
    rule: str
    would_deny: str


class _HookResultRequired(_HookEvent):
    status: Literal["ok", "error", "denied"]


class HookResultBody(_HookResultRequired, total=False):
    is_error: bool
    duration_ms: float
    error_message: str
    result_excerpt: str


# --- alerts ----------------------------------------------------------------------------------


class Evidence(TypedDict, total=False):
    """Where an alert's evidence is (``alert.schema.json`` ``evidence`` items)."""

    seq: int
    session: str
    n: int
    pointer: str
    span: list[int]
    excerpt: str


class _AlertRequired(TypedDict):
    rule: str
    severity: Severity
    summary: str
    evidence: list[Evidence]
    remedy: str
    detail: JSONObject


class AlertBody(_AlertRequired, total=False):
    """An ``alert`` body (``schemas/alert.schema.json``), raised by ``hardener.detect`` or the
    daemon."""

    client: str
    server: str
    tool: str
