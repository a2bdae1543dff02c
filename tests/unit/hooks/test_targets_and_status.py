"""Hook targets per OS, and the ``hooks.installed`` status check over real files."""

from __future__ import annotations

from pathlib import Path

from hardener.hooks.edit import install_text
from hardener.hooks.targets import targets
from hardener.paths import OS, Platform
from hardener.status.hookcheck import hooks_installed
from hardener.status.inputs import StatusInputs
from hardener.status.model import FAIL, PASS, UNKNOWN
from hardener.status.targets import current_target


def test_paths_per_os_and_client_variables():
    mac = {
        t.client: str(t.path)
        for t in targets(Platform(OS.MACOS, {"HOME": "/Users/a"}), managed=True)
    }
    assert mac["claude-code"] == "/Library/Application Support/ClaudeCode/managed-settings.json"
    assert mac["cursor"] == "/Library/Application Support/Cursor/hooks.json"
    win = {
        t.client: str(t.path)
        for t in targets(Platform(OS.WINDOWS, {"USERPROFILE": r"C:\Users\a"}), managed=True)
    }
    assert win["claude-code"] == r"C:\Program Files\ClaudeCode\managed-settings.json"
    linux = Platform(
        OS.LINUX,
        {
            "HOME": "/home/a",
            "CLAUDE_CONFIG_DIR": "/cfg/claude",
            "CODEX_HOME": "/cfg/codex",
            "COPILOT_HOME": "/cfg/copilot",
        },
    )
    user = {t.client: str(t.path) for t in targets(linux)}
    assert user == {
        "claude-code": "/cfg/claude/settings.json",
        "codex": "/cfg/codex/hooks.json",
        "cursor": "/home/a/.cursor/hooks.json",
        "copilot-cli": "/cfg/copilot/hooks/hardener.json",
    }
    assert {t.client for t in targets(linux, managed=True)} == {"claude-code", "codex", "cursor"}


def _inputs(home: Path, policy: str | None) -> StatusInputs:
    file = home / ".config" / "hardener" / "policy.toml"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.unlink(missing_ok=True)
    if policy is not None:
        file.write_text(policy)
    return StatusInputs(current_target(Platform.current()))


def test_hooks_installed_follows_the_policy(sandbox_home: Path):
    (sandbox_home / ".claude").mkdir()
    (sandbox_home / ".cursor").mkdir()
    check = hooks_installed(_inputs(sandbox_home, None))
    assert (check.result, check.required) == (PASS, False)  # informational without a requirement
    check = hooks_installed(_inputs(sandbox_home, 'hooks.required = ["*"]\n'))
    assert (check.result, check.required) == (FAIL, True)
    assert check.data["missing"] == ["claude-code", "cursor"]  # codex, copilot: not installed
    claude = targets(Platform.current())[0]
    claude.path.write_text(install_text(None, claude, Path("/elsewhere/hardener-hook")))
    check = hooks_installed(_inputs(sandbox_home, 'hooks.required = ["claude-code"]\n'))
    assert check.result == PASS  # any hardener-hook handler counts, wherever it is installed
    assert check.data["covered"] == ["claude-code"]
    claude.path.write_text("{not json")
    assert hooks_installed(_inputs(sandbox_home, None)).result == PASS
    unreadable = hooks_installed(_inputs(sandbox_home, 'hooks.required = ["claude-code"]\n'))
    assert unreadable.result == UNKNOWN  # cannot tell: counts against compliance
    assert unreadable.data["unreadable"] == [str(claude.path)]
