"""Installing and removing hardener's handlers in settings text: splices, reversible, idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardener.hooks.edit import check, install_edit, install_text, present, uninstall_text
from hardener.hooks.targets import HookTarget, command_line, handler, is_ours, targets
from hardener.paths import OS, Platform

HOOK = Path("/opt/hardener venv/bin/hardener-hook")
TARGETS = targets(Platform(OS.LINUX, {"HOME": "/home/u"}))
OTHER = {"matcher": "Bash", "hooks": [{"type": "command", "command": "echo hi"}]}

keys = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
scalars = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=10)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A settings file: random keys, maybe some foreign hooks, in one of several layouts."""
    doc: dict[str, object] = draw(
        st.dictionaries(keys.filter(lambda k: k not in ("hooks", "version")), values, max_size=4)
    )
    if draw(st.booleans()):
        events = draw(
            st.lists(
                st.sampled_from(
                    ["PreToolUse", "PostToolUse", "beforeMCPExecution", "preToolUse", "Stop"]
                ),
                unique=True,
                max_size=3,
            )
        )
        doc["hooks"] = {e: draw(st.lists(st.just(OTHER), max_size=2)) for e in events}
    if draw(st.booleans()):
        doc["version"] = 1
    indent = draw(st.sampled_from([None, 2, 4, "\t"]))
    text = json.dumps(doc, indent=indent, ensure_ascii=draw(st.booleans()))
    newline = draw(st.sampled_from(["", "\n", "\r\n"]))
    return text.replace("\n", newline or "\n") + newline if indent is not None else text + newline


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.client)
@settings(max_examples=60, deadline=None)
@given(text=documents())
def test_install_then_uninstall_gives_back_the_same_bytes(target: HookTarget, text: str) -> None:
    new, created = install_edit(text, target, HOOK)
    assert check(new, target, HOOK).state == "installed"
    assert install_text(new, target, HOOK) == new  # idempotent
    parsed_before, parsed_after = json.loads(text), json.loads(new)
    for key, value in parsed_before.items():
        if key != "hooks":
            assert parsed_after[key] == value  # nothing else changed
    for event, items in (parsed_before.get("hooks") or {}).items():
        assert [i for i in parsed_after["hooks"][event] if not is_ours(i)] == items
    assert uninstall_text(new, target, created) == text


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.client)
def test_a_missing_file_becomes_a_minimal_document(target: HookTarget) -> None:
    text = install_text(None, target, HOOK)
    document = json.loads(text)
    assert set(document["hooks"]) == set(target.events)
    assert ("version" in document) is (target.style != "claude")
    assert present(text, target)
    assert check(None, target, HOOK).state == "absent"


def test_handler_shapes_and_the_quoted_command() -> None:
    claude, codex, cursor, copilot = TARGETS
    line = command_line(HOOK, "claude-code", "PreToolUse")
    assert line == "'/opt/hardener venv/bin/hardener-hook' --client claude-code --event PreToolUse"
    assert handler(claude, HOOK, "PreToolUse") == {
        "matcher": "mcp__.*",
        "hooks": [{"type": "command", "command": line, "timeout": 10}],
    }
    assert set(handler(cursor, HOOK, "beforeMCPExecution")) == {"command"}
    assert set(handler(copilot, HOOK, "preToolUse")) == {"type", "bash", "powershell", "timeoutSec"}
    assert copilot.own_file
    assert codex.path == Path("/home/u/.codex/hooks.json")


def test_an_outdated_handler_is_replaced_and_duplicates_go() -> None:
    claude = TARGETS[0]
    old = handler(claude, Path("/old/hardener-hook"), "PreToolUse")
    text = json.dumps({"hooks": {"PreToolUse": [old, OTHER, old]}}, indent=2)
    assert check(text, claude, HOOK).state == "partial"
    new = install_text(text, claude, HOOK)
    items = json.loads(new)["hooks"]["PreToolUse"]
    assert items == [handler(claude, HOOK, "PreToolUse"), OTHER]


def test_uninstall_after_the_person_edited_keeps_their_edit() -> None:
    claude = TARGETS[0]
    text = '{\n  "model": "opus"\n}\n'
    new, created = install_edit(text, claude, HOOK)
    edited = new.replace('"model": "opus"', '"model": "sonnet"')
    assert uninstall_text(edited, claude, created) == '{\n  "model": "sonnet"\n}\n'


def test_not_an_object_is_refused() -> None:
    from hardener.errors import ConfigParseError

    with pytest.raises(ConfigParseError):
        install_text("[1, 2]", TARGETS[0], HOOK)
    with pytest.raises(ConfigParseError):
        install_text('{"a": ', TARGETS[0], HOOK)
