"""Enforcement decisions: denied tools, servers and server requests; hidden tools."""

from __future__ import annotations

import json

from hardener.shim.gate import CODE_DENIED, CODE_NOT_RECORDED, Gate
from tests.support.shim_settings import shim_settings

ENFORCE = {
    "mode": "enforce",
    "tools.deny": ["rm*", "github/delete_repo"],
    "server_requests.sampling": "deny",
    "tools.hide_denied": True,
}


def _line(msg: object) -> bytes:
    return json.dumps(msg).encode() + b"\n"


def test_denied_tool_is_answered_not_forwarded() -> None:
    gate = Gate.from_settings(shim_settings(ENFORCE), "files")
    assert gate.gates_c2s
    line = _line({"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {"name": "rm_rf"}})
    decision = gate.check_c2s(line, json.loads(line))
    assert decision.forward is None
    assert decision.reply is not None
    answer = json.loads(decision.reply)
    assert answer["id"] == 4
    assert answer["error"]["code"] == CODE_DENIED
    assert "tools.deny:rm*" in answer["error"]["message"]
    ok = _line({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {"name": "read"}})
    assert gate.check_c2s(ok, json.loads(ok)).forward is ok


def test_server_qualified_rules_and_allow_lists() -> None:
    gate = Gate.from_settings(shim_settings(ENFORCE), "github")
    assert gate.tool_rule("delete_repo") == "tools.deny:github/delete_repo"
    assert Gate.from_settings(shim_settings(ENFORCE), "other").tool_rule("delete_repo") is None
    allow = Gate.from_settings(
        shim_settings({"mode": "enforce", "tools.allow": ["read_*"], "servers.allow": ["git*"]}),
        "files",
    )
    assert allow.tool_rule("write_file") == "tools.allow"
    assert allow.tool_rule("read_file") is None
    assert allow.server_rule() == "servers.allow"
    assert (
        Gate.from_settings(shim_settings({"servers.deny": ["fil*"]}), "files").server_rule()
        == "servers.deny:fil*"
    )


def test_audit_mode_only_notes_what_it_would_deny() -> None:
    gate = Gate.from_settings(shim_settings({**ENFORCE, "mode": "audit"}), "files")
    assert not gate.gates_c2s
    assert not gate.gates_s2c
    assert gate.audit_note({"method": "tools/call", "params": {"name": "rm"}}) == {
        "would_deny": "tools.deny:rm*"
    }


def test_legacy_sampling_request_is_refused_to_the_server() -> None:
    gate = Gate.from_settings(shim_settings(ENFORCE), "files")
    line = _line({"jsonrpc": "2.0", "id": 9, "method": "sampling/createMessage", "params": {}})
    decision = gate.check_s2c(line, json.loads(line))
    assert decision.forward is None
    assert decision.reply is not None
    assert json.loads(decision.reply)["id"] == 9
    roots = _line({"jsonrpc": "2.0", "id": 10, "method": "roots/list"})
    assert gate.check_s2c(roots, json.loads(roots)).forward is roots


def test_input_required_drops_denied_requests_or_becomes_an_error() -> None:
    gate = Gate.from_settings(shim_settings(ENFORCE), "files")
    both = {
        "jsonrpc": "2.0",
        "id": 3,
        "result": {
            "resultType": "input_required",
            "requestState": "s",
            "inputRequests": {
                "a": {"method": "sampling/createMessage", "params": {}},
                "b": {"method": "elicitation/create", "params": {}},
            },
        },
    }
    decision = gate.check_s2c(_line(both), both)
    assert decision.forward is not None
    rewritten = json.loads(decision.forward)
    assert list(rewritten["result"]["inputRequests"]) == ["b"]
    assert rewritten["result"]["requestState"] == "s"
    assert decision.note == {"denied_inputs": {"a": "server_requests.sampling"}}
    only = {
        "jsonrpc": "2.0",
        "id": 4,
        "result": {
            "resultType": "input_required",
            "inputRequests": {"a": {"method": "sampling/createMessage", "params": {}}},
        },
    }
    decision = gate.check_s2c(_line(only), only)
    assert decision.forward is not None
    assert json.loads(decision.forward)["error"]["code"] == CODE_DENIED


def test_hidden_tools_are_removed_from_list_results() -> None:
    gate = Gate.from_settings(shim_settings(ENFORCE), "files")
    msg = {
        "jsonrpc": "2.0",
        "id": 2,
        "result": {
            "tools": [{"name": "rm", "inputSchema": {}}, {"name": "ls", "inputSchema": {}}],
            "resultType": "complete",
        },
    }
    decision = gate.check_s2c(_line(msg), msg)
    assert decision.forward is not None
    assert [t["name"] for t in json.loads(decision.forward)["result"]["tools"]] == ["ls"]
    assert json.loads(decision.forward)["result"]["resultType"] == "complete"
    assert decision.note == {"hidden": ["rm"]}


def test_fail_closed_refuses_tool_calls_while_recording_is_broken() -> None:
    gate = Gate.from_settings(shim_settings({"fail_mode": "closed"}), "files")
    assert not gate.gates_c2s
    gate.recording_broken = True
    assert gate.gates_c2s
    line = _line({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "x"}})
    decision = gate.check_c2s(line, json.loads(line))
    assert decision.reply is not None
    assert json.loads(decision.reply)["error"]["code"] == CODE_NOT_RECORDED


def test_enforce_refuses_calls_the_pin_checker_refuses_and_flags_tool_lists() -> None:
    gate = Gate.from_settings(shim_settings({"mode": "enforce"}), "files")
    assert not gate.gates_c2s  # nothing to enforce until the session sets a pin checker
    asked: list[str] = []

    def pins(tool: str) -> str | None:
        asked.append(tool)
        return "tool 'read' changed; run 'hardener approve'" if tool == "read" else None

    gate.pins = pins
    assert gate.gates_c2s
    listing = _line({"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert gate.check_c2s(listing, json.loads(listing)).forward is listing
    assert gate.listed
    call = _line({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "read"}})
    decision = gate.check_c2s(call, json.loads(call))
    assert decision.forward is None
    assert decision.reply is not None
    answer = json.loads(decision.reply)
    assert answer["id"] == 2
    assert answer["error"]["code"] == CODE_DENIED
    assert answer["error"]["data"] == {"rule": "rug_pull"}
    assert "hardener approve" in answer["error"]["message"]
    assert decision.note == {
        "denied": True,
        "what": "tool",
        "rule": "rug_pull",
        "code": CODE_DENIED,
    }
    other = _line({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "list"}})
    assert gate.check_c2s(other, json.loads(other)).forward is other
    assert asked == ["read", "list"]


def test_audit_mode_never_consults_the_pins() -> None:
    gate = Gate.from_settings(shim_settings({"mode": "audit"}), "files")
    gate.pins = lambda tool: "changed"
    assert not gate.gates_c2s
    call = _line({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "read"}})
    assert gate.check_c2s(call, json.loads(call)).forward is call
