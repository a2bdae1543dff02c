"""What each client sends a hook on stdin, normalised; and the answer each one expects (L1 pure).

Sources (checked against each client's documentation, see docs/hooks.md):

- **Claude Code** (``PreToolUse`` / ``PostToolUse`` / ``PostToolUseFailure``): ``session_id``,
  ``transcript_path``, ``cwd``, ``permission_mode``, ``hook_event_name``, ``tool_name``
  (``mcp__<server>__<tool>`` for MCP tools), ``tool_input``, ``tool_use_id``, ``tool_response``
  (PostToolUse, for MCP tools the result text), ``error`` (PostToolUseFailure); version 2.1.332
  adds ``prompt_id``, ``effort``, ``duration_ms`` (PostToolUse) and ``mcp_server`` {``name``,
  ``source``}, whose name (the config key) hardener prefers to parsing the tool name
  (``tests/fixtures/hooks/`` holds payloads captured from that version). A PreToolUse hook that prints nothing and exits 0
  leaves the normal permission flow alone; ``hookSpecificOutput.permissionDecision = "deny"``
  refuses the call. (Answering ``"allow"`` would *skip* the user's permission prompt, so hardener
  never does.)
- **Codex** uses the same event names, fields and answers as Claude Code (``hooks.json``).
- **Cursor** (``beforeMCPExecution`` / ``afterMCPExecution``): ``conversation_id``,
  ``generation_id``, ``hook_event_name``, ``workspace_roots``, ``tool_name``, ``tool_input``
  (an object, or a JSON string in some versions), ``url`` or ``command`` (the server),
  ``result_json`` and ``duration`` (ms, after). Answer ``{"permission": "allow"|"deny",
  "user_message", "agent_message"}`` before, ``{}`` after.
- **GitHub Copilot CLI** (``preToolUse`` / ``postToolUse``, camelCase payload): ``timestamp``
  (ms), ``cwd``, ``toolName``, ``toolArgs`` (a JSON string), ``toolResult`` {``resultType``,
  ``textResultForLlm``}. The event name is not in the payload, so the hook command carries
  ``--event``. Only ``{"permissionDecision": "deny", "permissionDecisionReason"}`` is acted on.

Nothing here does I/O; :mod:`hardener.hooks.main` reads stdin and writes the spool.
"""

from __future__ import annotations

import json

TYPE_CHECKING = False  # typing stays out of the hook's start-up path
if TYPE_CHECKING:
    from typing import Literal

PRE_EVENTS = frozenset({"PreToolUse", "beforeMCPExecution", "preToolUse"})
POST_EVENTS = frozenset(
    {"PostToolUse", "PostToolUseFailure", "afterMCPExecution", "postToolUse", "errorOccurred"}
)
#: Characters Claude Code keeps in the server part of ``mcp__<server>__<tool>``.
_KEEP = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


class PayloadError(ValueError):
    """The hook's input is not what the client documents (message for stderr)."""


def split_tool(name: str) -> tuple[str, str, bool]:
    """``(server, tool, is_mcp)`` from a client's tool name."""
    if name.startswith("mcp__"):
        server, sep, tool = name[5:].partition("__")
        if sep and server and tool:
            return server, tool, True
    if name.startswith("MCP:") and name.count(":") >= 2:
        _, server, tool = name.split(":", 2)
        return server, tool, True
    return "", name, False


def shim_server(command: object) -> str | None:
    """The ``--server`` of a ``hardener-shim`` command line (Cursor's ``command`` field)."""
    if not isinstance(command, str) or "hardener-shim" not in command:
        return None
    import shlex

    try:
        parts = shlex.split(command)
    except ValueError:
        parts = command.split()
    for index, part in enumerate(parts):
        if part == "--":
            break
        if part == "--server" and index + 1 < len(parts):
            return parts[index + 1]
        if part.startswith("--server="):
            return part.split("=", 1)[1]
    return None


def _maybe_json(value: object) -> object:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class HookInput:
    """One hook invocation, whatever the client."""

    __slots__ = (
        "arguments",
        "call_id",
        "client",
        "cwd",
        "duration_ms",
        "error",
        "event",
        "is_mcp",
        "phase",
        "raw_tool",
        "result",
        "server",
        "session",
        "status",
        "tool",
        "transport",
    )

    def __init__(self, client: str, event: str) -> None:
        self.client = client
        self.event = event
        self.phase = "call" if event in PRE_EVENTS else "result"
        self.raw_tool = ""
        self.tool = ""
        self.server = ""
        self.is_mcp = False
        self.arguments: object = {}
        self.session: str | None = None
        self.call_id: str | None = None
        self.cwd: str | None = None
        self.status: Literal["ok", "error", "denied"] | None = None
        self.result: object = None
        self.error: str | None = None
        self.duration_ms: float | None = None
        #: what the client says about the server: {"command": …} or {"url": …}; shimmed: bool
        self.transport: dict[str, object] = {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def parse(client: str, data: object, event: str | None = None) -> HookInput:
    """Normalise the client's JSON; ``event`` is the ``--event`` given on the command line."""
    if not isinstance(data, dict):
        raise PayloadError("the hook input is not a JSON object")
    name = _text(data.get("hook_event_name")) or event
    if not name:
        raise PayloadError("the hook input names no event (hook_event_name) and no --event given")
    if name not in PRE_EVENTS and name not in POST_EVENTS:
        raise PayloadError(f"hook event {name!r} is not one hardener handles")
    hook = HookInput(client, name)
    if "toolName" in data or "toolArgs" in data:  # Copilot CLI, camelCase
        _camel(hook, data, name)
    else:
        _snake(hook, data, name)
    hook.server, hook.tool, hook.is_mcp = split_tool(hook.raw_tool)
    named = hook.transport.pop("server_name", None)
    if isinstance(named, str):
        hook.server, hook.is_mcp = named, True
    via_shim = shim_server(hook.transport.get("command"))
    if via_shim is not None:
        hook.transport["shimmed"] = True
        hook.server = hook.server or via_shim
    if hook.transport.get("url") or hook.transport.get("command"):
        hook.is_mcp = True  # Cursor names the server only for MCP calls
    if hook.arguments is None:
        hook.arguments = {}
    return hook


def _camel(hook: HookInput, data: dict[str, object], name: str) -> None:
    hook.raw_tool = str(data.get("toolName") or "")
    hook.arguments = _maybe_json(data.get("toolArgs"))
    hook.session = _text(data.get("sessionId"))
    hook.cwd = _text(data.get("cwd"))
    result = data.get("toolResult")
    if isinstance(result, dict):
        kind = result.get("resultType")
        hook.status = "ok" if kind == "success" else ("denied" if kind == "denied" else "error")
        hook.result = result.get("textResultForLlm")
    if name == "errorOccurred":
        hook.status = "error"
        error = data.get("error")
        hook.error = str(error.get("message") if isinstance(error, dict) else error)


def _snake(hook: HookInput, data: dict[str, object], name: str) -> None:
    hook.raw_tool = str(data.get("tool_name") or "")
    hook.arguments = _maybe_json(data.get("tool_input"))
    hook.session = _text(data.get("session_id")) or _text(data.get("conversation_id"))
    hook.call_id = _text(data.get("tool_use_id")) or _text(data.get("generation_id"))
    hook.cwd = _text(data.get("cwd"))
    if hook.cwd is None and isinstance(workspace := data.get("workspace_roots"), list):
        roots = [r for r in workspace if isinstance(r, str)]
        hook.cwd = roots[0] if roots else None
    if name == "PostToolUseFailure":
        hook.status = "error"
        hook.error = str(data.get("error") or "")
    elif name in ("PostToolUse", "afterMCPExecution"):
        response = data.get("tool_response", _maybe_json(data.get("result_json")))
        hook.result = response
        failed = isinstance(response, dict) and response.get("isError") is True
        hook.status = "error" if failed else "ok"
    duration = data.get("duration_ms", data.get("duration"))
    if isinstance(duration, int | float) and not isinstance(duration, bool):
        hook.duration_ms = float(duration)
    server = data.get("mcp_server")
    if isinstance(server, dict) and isinstance(server.get("name"), str) and server["name"]:
        hook.transport["server_name"] = server["name"]  # Claude Code 2.1: the config's name
    for key in ("url", "command"):
        if isinstance(data.get(key), str) and data[key]:
            hook.transport[key] = data[key]


def answer(hook: HookInput, deny_reason: str | None) -> tuple[str, int]:
    """``(stdout text, exit code)`` the client expects; ``deny_reason`` None lets the call go."""
    if hook.phase != "call":
        return ("{}\n" if hook.event == "afterMCPExecution" else ""), 0
    if hook.event == "beforeMCPExecution":
        if deny_reason is None:
            return json.dumps({"permission": "allow"}) + "\n", 0
        message = f"hardener policy refuses this MCP tool call ({deny_reason})"
        refusal = {"permission": "deny", "user_message": message, "agent_message": message}
        return json.dumps(refusal) + "\n", 0
    if deny_reason is None:
        return "", 0  # no opinion: the client's own permission flow decides
    reason = f"hardener policy refuses this MCP tool call ({deny_reason})"
    doc: dict[str, object]
    if hook.event == "preToolUse":  # Copilot CLI
        doc = {"permissionDecision": "deny", "permissionDecisionReason": reason}
    else:  # Claude Code, Codex
        doc = {
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": reason,
            }
        }
    return json.dumps(doc) + "\n", 0
