"""Policy enforcement on single messages, decided before they are forwarded (L2 shim, no I/O).

In ``mode = "enforce"`` the relay hands each complete line of a gated direction to a
:class:`Gate` first. It may forward the line unchanged (the common case: the original bytes, never
re-serialised), forward a rewritten message (a ``tools/list`` result without the hidden tools, an
``input_required`` result without the denied input requests), drop it and answer the sender
itself (a denied ``tools/call``; a denied sampling / elicitation / roots request), or refuse tool
calls while the spool cannot be written and policy is fail-closed. In enforce mode a call to a tool
whose definition changed since it was pinned (a rug pull) is refused too: :attr:`Gate.pins` (set
by the session) asks the pin store. In audit mode nothing is gated; the would-be decisions are
only recorded.
"""

from __future__ import annotations

import json

TYPE_CHECKING = False  # typing is not imported at run time: the shim's start-up stays lean
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Final

    from hardener.shim.settings import ShimSettings


#: JSON-RPC error codes the shim answers with (implementation-defined server error range).
CODE_DENIED: Final = -32001
CODE_NOT_RECORDED: Final = -32002
CODE_UNAVAILABLE: Final = -32003
#: The ``policy.deny`` rule of a call refused because the tool's definition changed.
RUG_PULL_RULE: Final = "rug_pull"
_KIND = {
    "sampling/createMessage": "sampling",
    "elicitation/create": "elicitation",
    "roots/list": "roots",
}


def error_line(
    ident: object, code: int, message: str, data: dict[str, object] | None = None
) -> bytes:
    error: dict[str, object] = {"code": code, "message": message}
    if data:
        error["data"] = data
    return (
        json.dumps({"jsonrpc": "2.0", "id": ident, "error": error}, separators=(",", ":")).encode()
        + b"\n"
    )


#: Requests a server may send to the client (legacy era) or inside ``inputRequests`` (2026).
SERVER_REQUEST_METHODS: Final = frozenset(_KIND)


def _match(patterns: list[str], *names: str) -> str | None:
    if not patterns:
        return None
    import fnmatch  # imports re: only when there are rules

    for pattern in patterns:
        for name in names:
            if fnmatch.fnmatchcase(name, pattern):
                return pattern
    return None


class Decision:
    """What to do with one line: forward ``forward`` (None = drop), and answer the sender."""

    __slots__ = ("forward", "note", "reply")

    def __init__(
        self,
        forward: bytes | None,
        reply: bytes | None = None,
        note: dict[str, object] | None = None,
    ) -> None:
        self.forward = forward
        self.reply = reply
        self.note = note


class Gate:
    """The policy decisions for one server (built from the effective settings)."""

    def __init__(
        self,
        server: str,
        *,
        enforce: bool = False,
        fail_closed: bool = False,
        tools_deny: list[str] | None = None,
        tools_allow: list[str] | None = None,
        servers_deny: list[str] | None = None,
        servers_allow: list[str] | None = None,
        hide_denied: bool = False,
        requests: dict[str, str] | None = None,
        block_low_changes: bool = False,
    ) -> None:
        self.server = server
        self.enforce = enforce
        self.fail_closed = fail_closed
        self.tools_deny = tools_deny or []
        self.tools_allow = tools_allow or []
        self.servers_deny = servers_deny or []
        self.servers_allow = servers_allow or []
        self.hide_denied = hide_denied
        self.requests = requests or {}  # sampling|elicitation|roots -> allow|deny
        #: Policy ``pins.block_low_severity_changes`` (see ``hardener.detect.pins``).
        self.block_low_changes = block_low_changes
        #: Set by the recorder when the spool cannot be written (fail-closed refuses tool calls).
        self.recording_broken = False
        #: Enforce mode: tool name -> why a call must be refused (pending pin change), or None.
        #: ``listed`` is True when the client asked for ``tools/list`` since the last call, so
        #: the checker first lets the recorder catch up with the answer.
        self.pins: Callable[[str], str | None] | None = None
        self.listed = False

    @classmethod
    def from_settings(cls, settings: ShimSettings, server: str) -> Gate:
        return cls(
            server,
            enforce=settings.enforce,
            fail_closed=settings.fail_mode == "closed",
            tools_deny=list(settings.tools_deny),
            tools_allow=list(settings.tools_allow),
            servers_deny=list(settings.servers_deny),
            servers_allow=list(settings.servers_allow),
            hide_denied=settings.tools_hide_denied,
            requests=settings.server_requests(),
            block_low_changes=settings.pins_block_low_severity_changes,
        )

    # --- rules ----------------------------------------------------------------------------
    def server_rule(self) -> str | None:
        """The rule that denies this server, if any."""
        rule = _match(self.servers_deny, self.server)
        if rule:
            return f"servers.deny:{rule}"
        if self.servers_allow and not _match(self.servers_allow, self.server):
            return "servers.allow"
        return None

    def tool_rule(self, tool: str) -> str | None:
        qualified = f"{self.server}/{tool}"
        rule = _match(self.tools_deny, tool, qualified)
        if rule:
            return f"tools.deny:{rule}"
        if self.tools_allow and not _match(self.tools_allow, tool, qualified):
            return "tools.allow"
        return None

    def request_rule(self, method: str) -> str | None:
        kind = _KIND.get(method)
        if kind and self.requests.get(kind) == "deny":
            return f"server_requests.{kind}"
        return None

    @property
    def may_gate(self) -> bool:
        """Whether a direction can ever be gated in this session (``enforce`` and ``fail_mode``
        are fixed at start): when not, the relay runs its loop without asking per read."""
        return self.enforce or self.fail_closed

    @property
    def gates_c2s(self) -> bool:
        return (
            self.enforce and (bool(self.tools_deny or self.tools_allow) or self.pins is not None)
        ) or (self.fail_closed and self.recording_broken)

    @property
    def gates_s2c(self) -> bool:
        return self.enforce and (
            any(v == "deny" for v in self.requests.values())
            or (self.hide_denied and bool(self.tools_deny or self.tools_allow))
        )

    # --- decisions ------------------------------------------------------------------------
    def audit_note(self, msg: object) -> dict[str, object] | None:
        """In audit mode: what enforce mode would have done with a client message."""
        if self.enforce or not isinstance(msg, dict) or msg.get("method") != "tools/call":
            return None
        params = msg.get("params")
        tool = params.get("name") if isinstance(params, dict) else None
        rule = self.tool_rule(tool) if isinstance(tool, str) else None
        return {"would_deny": rule} if rule else None

    def check_c2s(self, line: bytes, msg: object) -> Decision:
        if not isinstance(msg, dict) or msg.get("method") != "tools/call" or "id" not in msg:
            if isinstance(msg, dict) and msg.get("method") == "tools/list":
                self.listed = True
            return Decision(line)
        params = msg.get("params")
        tool = params.get("name") if isinstance(params, dict) else None
        ident = msg["id"]
        if self.fail_closed and self.recording_broken:
            text = "hardener cannot record this tool call (its audit log cannot be written) and policy is fail-closed"
            return Decision(
                None,
                error_line(ident, CODE_NOT_RECORDED, text),
                {
                    "denied": True,
                    "what": "tool",
                    "rule": "fail_mode:closed",
                    "code": CODE_NOT_RECORDED,
                },
            )
        rule = self.tool_rule(tool) if self.enforce and isinstance(tool, str) else None
        if rule is None and self.enforce and self.pins is not None and isinstance(tool, str):
            reason = self.pins(tool)
            if reason is not None:
                return Decision(
                    None,
                    error_line(ident, CODE_DENIED, reason, {"rule": RUG_PULL_RULE}),
                    {"denied": True, "what": "tool", "rule": RUG_PULL_RULE, "code": CODE_DENIED},
                )
        if rule is None:
            return Decision(line)
        text = f"tool '{tool}' of server '{self.server}' is blocked by policy ({rule}); ask your administrator to allow it"
        return Decision(
            None,
            error_line(ident, CODE_DENIED, text, {"rule": rule}),
            {"denied": True, "what": "tool", "rule": rule, "code": CODE_DENIED},
        )

    def check_s2c(self, line: bytes, msg: object) -> Decision:
        """Server messages: denied legacy requests are answered; results may be rewritten."""
        if not isinstance(msg, dict):
            return Decision(line)
        method = msg.get("method")
        if isinstance(method, str):
            rule = (
                self.request_rule(method)
                if method in SERVER_REQUEST_METHODS and "id" in msg
                else None
            )
            if rule is None:
                return Decision(line)
            text = f"{method} is blocked by the user's policy ({rule})"
            return Decision(
                None, error_line(msg["id"], CODE_DENIED, text), {"denied": True, "rule": rule}
            )
        result = msg.get("result")
        if not isinstance(result, dict):
            return Decision(line)
        if isinstance(result.get("inputRequests"), dict):
            return self._input_required(line, msg, result)
        if self.hide_denied and isinstance(result.get("tools"), list):
            return self._hide_tools(line, msg, result)
        return Decision(line)

    def _input_required(
        self, line: bytes, msg: dict[str, object], result: dict[str, Any]
    ) -> Decision:
        requests: dict[str, object] = result["inputRequests"]
        denied = {}
        for key, request in requests.items():
            method = request.get("method") if isinstance(request, dict) else None
            rule = self.request_rule(method) if isinstance(method, str) else None
            if rule:
                denied[key] = rule
        if not denied:
            return Decision(line)
        note: dict[str, object] = {"denied_inputs": denied}
        kept = {k: v for k, v in requests.items() if k not in denied}
        if not kept:
            text = (
                "the server needs input that the user's policy blocks ("
                + ", ".join(sorted(set(denied.values())))
                + ")"
            )
            note["replaced"] = True
            return Decision(error_line(msg.get("id"), CODE_DENIED, text), None, note)
        rewritten = dict(msg, result=dict(result, inputRequests=kept))
        return Decision(_encode(rewritten), None, note)

    def _hide_tools(self, line: bytes, msg: dict[str, object], result: dict[str, Any]) -> Decision:
        tools = result["tools"]
        hidden = [
            t.get("name")
            for t in tools
            if isinstance(t, dict) and isinstance(t.get("name"), str) and self.tool_rule(t["name"])
        ]
        if not hidden:
            return Decision(line)
        kept = [t for t in tools if not (isinstance(t, dict) and t.get("name") in hidden)]
        return Decision(
            _encode(dict(msg, result=dict(result, tools=kept))), None, {"hidden": hidden}
        )


def _encode(msg: dict[str, object]) -> bytes:
    return json.dumps(msg, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
