"""Codex managed hooks: the ``[hooks]`` table of ``requirements.toml`` (the shape Codex's
``ManagedHooksRequirementsToml`` deserialises: ``managed_dir``, then event arrays of
``{matcher, hooks: [{type, command, timeout}]}``), spliced in and out byte-exact."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

from hardener.hooks.edit import check, install_edit, install_text, present, uninstall_text
from hardener.hooks.targets import HookTarget, handler, is_ours, targets
from hardener.paths import OS, Platform

HOOK = Path("/opt/hardener/bin/hardener-hook")


def _codex(os_: OS, env: dict[str, str]) -> HookTarget:
    (target,) = [t for t in targets(Platform(os_, env), managed=True) if t.client == "codex"]
    return target


LINUX = _codex(OS.LINUX, {"HOME": "/home/u"})
ADMIN_HOOK = {
    "matcher": "^Bash$",
    "hooks": [{"type": "command", "command": "/usr/local/bin/audit-bash", "timeout": 5}],
}

names = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
scalars = st.booleans() | st.integers(-1000, 1000) | st.text(max_size=10)


@st.composite
def requirements(draw: st.DrawFn) -> str:
    """An admin's requirements.toml: other requirements, maybe their own hooks and directory,
    written as tables, arrays of tables or inline values."""
    doc = tomlkit.document()
    if draw(st.booleans()):
        doc.add(tomlkit.comment("managed by IT"))
    doc["allowed_approval_policies"] = draw(
        st.lists(st.sampled_from(["untrusted", "on-request", "never"]), max_size=2)
    )
    for name in draw(st.lists(names, unique=True, max_size=2)):
        server = tomlkit.table()
        server["identity"] = {"command": draw(names)}
        doc.setdefault("mcp_servers", tomlkit.table())[name] = server
    if draw(st.booleans()):
        hooks = tomlkit.table()
        if draw(st.booleans()):
            hooks["managed_dir"] = "/enterprise/hooks"
        if draw(st.booleans()):
            events = tomlkit.aot() if draw(st.booleans()) else tomlkit.array()
            events.append(ADMIN_HOOK)
            hooks["PreToolUse"] = events
        doc["hooks"] = hooks
    if draw(st.booleans()):
        doc["extra"] = draw(st.dictionaries(names, scalars, max_size=3))
    return tomlkit.dumps(doc)


@settings(max_examples=80, deadline=None)
@given(text=requirements())
def test_install_then_uninstall_gives_back_the_same_bytes(text: str) -> None:
    before = tomllib.loads(text)
    new, created = install_edit(text, LINUX, HOOK)
    after = tomllib.loads(new)  # still valid TOML
    assert check(new, LINUX, HOOK).state == "installed"
    assert install_text(new, LINUX, HOOK) == new  # idempotent
    for key, value in before.items():
        if key != "hooks":
            assert after[key] == value  # nothing else changed
    theirs = before.get("hooks", {})
    table = after["hooks"]
    # an admin's own directory is kept; otherwise the handler's directory, so Codex loads them
    assert table["managed_dir"] == theirs.get("managed_dir", str(HOOK.parent))
    for event in LINUX.events:
        assert [g for g in table[event] if not is_ours(g)] == theirs.get(event, [])
        assert [g for g in table[event] if is_ours(g)] == [handler(LINUX, HOOK, event)]
    back = uninstall_text(new, LINUX, created)
    if "[hooks]" not in text and "[[hooks." in text:
        # the admin's [[hooks.X]] sections had no [hooks] header; adding managed_dir wrote one,
        # and the splice leaves it (same TOML; an untouched file gets its exact bytes from the
        # backup instead, see the integration test)
        assert tomllib.loads(back) == before
        assert back.replace("[hooks]\n", "", 1) == text
    else:
        assert back == text


def test_a_missing_file_becomes_a_hooks_table_codex_reads() -> None:
    text = install_text(None, LINUX, HOOK)
    document: dict[str, Any] = tomllib.loads(text)
    assert set(document) == {"hooks"}
    table = document["hooks"]
    assert table["managed_dir"] == "/opt/hardener/bin"
    group = table["PreToolUse"][0]
    assert group["matcher"] == "mcp__.*"
    (command,) = group["hooks"]
    assert command == {
        "type": "command",
        "command": "/opt/hardener/bin/hardener-hook --client codex --event PreToolUse",
        "timeout": 10,
    }
    assert set(table) == {"managed_dir", "PreToolUse", "PostToolUse"}
    assert present(text, LINUX)


def test_uninstall_after_an_admin_edit_keeps_their_hooks_and_takes_back_ours() -> None:
    new, created = install_edit('allowed_approval_policies = ["never"]\n', LINUX, HOOK)
    edited = new + '\n[[hooks.Stop]]\n[[hooks.Stop.hooks]]\ntype = "command"\ncommand = "x"\n'
    left = tomllib.loads(uninstall_text(edited, LINUX, created))
    assert left == {
        "allowed_approval_policies": ["never"],
        "hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x"}]}]},
    }


@pytest.mark.parametrize(
    ("os_", "env", "path", "key"),
    [
        (OS.LINUX, {"HOME": "/h"}, "/etc/codex/requirements.toml", "managed_dir"),
        (OS.MACOS, {"HOME": "/h"}, "/etc/codex/requirements.toml", "managed_dir"),
        (
            OS.WINDOWS,
            {"USERPROFILE": r"C:\Users\a"},
            r"C:\ProgramData\OpenAI\Codex\requirements.toml",
            "windows_managed_dir",
        ),
        (
            OS.LINUX,
            {"HOME": "/h", "HARDENER_MANAGED_ROOT": "/sb"},
            "/sb/etc/codex/requirements.toml",
            "managed_dir",
        ),
    ],
)
def test_where_codex_reads_its_requirements(
    os_: OS, env: dict[str, str], path: str, key: str
) -> None:
    target = _codex(os_, env)
    assert str(target.path) == path
    assert target.managed_dir_key == key
    assert target.fmt == "toml"
