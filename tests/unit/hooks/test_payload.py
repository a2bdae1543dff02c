"""What each client sends a hook, normalised; what each one gets back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hardener.hooks.payload import PayloadError, answer, parse, shim_server, split_tool

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "hooks"


def load(name: str) -> dict[str, object]:
    return dict(json.loads((FIXTURES / name).read_text()))


def test_claude_code_pre_tool_use_as_captured_from_the_cli():
    hook = parse("claude-code", load("claude-code-2.1.332-PreToolUse.json"))
    assert (hook.phase, hook.server, hook.tool, hook.is_mcp) == (
        "call",
        "time",
        "get_current_time",
        True,
    )
    assert hook.arguments == {"timezone": "Europe/Paris"}
    assert hook.session == "db17a2cb-d715-4cfb-99dc-e6e9d165ec12"
    assert hook.call_id == "toolu_01HARDENER"
    # no opinion: Claude Code's own permission flow decides ("allow" would skip the prompt)
    assert answer(hook, None) == ("", 0)
    out, code = answer(hook, "tools.deny:get_*")
    assert code == 0
    decision = json.loads(out)["hookSpecificOutput"]
    assert decision["hookEventName"] == "PreToolUse"
    assert decision["permissionDecision"] == "deny"
    assert "tools.deny:get_*" in decision["permissionDecisionReason"]


def test_claude_code_post_tool_use_carries_status_duration_and_result():
    hook = parse("claude-code", load("claude-code-2.1.332-PostToolUse.json"))
    assert (hook.phase, hook.status, hook.duration_ms) == ("result", "ok", 25.0)
    assert "Europe/Paris" in str(hook.result)
    assert answer(hook, None) == ("", 0)


def test_claude_code_failure_event_as_captured_from_the_cli():
    hook = parse("claude-code", load("claude-code-2.1.332-PostToolUseFailure.json"))
    assert (hook.phase, hook.status, hook.server) == ("result", "error", "time")
    assert hook.error is not None
    assert "Invalid timezone" in hook.error
    assert hook.duration_ms == 10.0


def test_cursor_names_the_server_through_the_shim_command():
    hook = parse("cursor", load("cursor-beforeMCPExecution.json"))
    assert (hook.server, hook.tool, hook.is_mcp) == ("time", "get_current_time", True)
    assert hook.arguments == {"timezone": "Europe/Paris"}  # a JSON string in some versions
    assert hook.transport["shimmed"] is True
    assert json.loads(answer(hook, None)[0]) == {"permission": "allow"}
    refusal = json.loads(answer(hook, "servers.deny:time")[0])
    assert refusal["permission"] == "deny"
    assert "servers.deny:time" in refusal["agent_message"]


def test_cursor_remote_server_result():
    hook = parse("cursor", load("cursor-afterMCPExecution.json"))
    assert (hook.phase, hook.status, hook.duration_ms) == ("result", "ok", 250.0)
    assert hook.transport == {"url": "https://db.example.com/mcp"}
    assert answer(hook, None) == ("{}\n", 0)


def test_copilot_cli_camel_case_needs_the_event_from_the_command_line():
    data = load("copilot-cli-preToolUse.json")
    with pytest.raises(PayloadError):
        parse("copilot-cli", data)
    hook = parse("copilot-cli", data, "preToolUse")
    assert (hook.server, hook.tool, hook.phase) == ("github", "create_issue", "call")
    assert isinstance(hook.arguments, dict)
    assert hook.arguments["title"] == "Bug"
    assert answer(hook, None) == ("", 0)
    assert json.loads(answer(hook, "tools.deny:create_issue")[0])["permissionDecision"] == "deny"
    post = parse("copilot-cli", load("copilot-cli-postToolUse.json"), "postToolUse")
    assert (post.status, post.result) == ("error", "rate limited")


def test_codex_uses_claude_codes_shape():
    hook = parse("codex", load("codex-PreToolUse.json"))
    assert (hook.server, hook.tool, hook.call_id) == ("time", "get_current_time", "call_abc")
    assert "hookSpecificOutput" in answer(hook, "tools.deny:*")[0]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("mcp__github__create_issue", ("github", "create_issue", True)),
        ("mcp__my-server__a__b", ("my-server", "a__b", True)),
        ("MCP:db:query", ("db", "query", True)),
        ("Bash", ("", "Bash", False)),
        ("mcp__", ("", "mcp__", False)),
    ],
)
def test_split_tool(name, expected):
    assert split_tool(name) == expected


def test_shim_server_reads_the_wrapped_command():
    assert shim_server("/x/hardener-shim --client c --server 'my srv' -- npx s") == "my srv"
    assert shim_server("/x/hardener-shim --server=time -- uvx t") == "time"
    assert shim_server("npx server") is None
    assert shim_server("/x/hardener-shim --client c -- srv --server other") is None


@pytest.mark.parametrize("data", [[], "x", {"tool_name": "mcp__a__b"}, {"hook_event_name": "Stop"}])
def test_bad_input_is_a_payload_error(data):
    with pytest.raises(PayloadError):
        parse("claude-code", data)
