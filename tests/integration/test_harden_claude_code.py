"""Claude Code itself (the npm package's native binary) reads the entry hardener wrote.

In a sandbox ``HOME``: ``claude mcp add --scope user`` a real server (``mcp-server-time``),
``hardener harden --yes``, then ``claude mcp list`` (which connects to every configured server)
must still report it connected, now through the shim; ``hardener restore --yes`` must give back
the identical ``~/.claude.json`` entry.

The binary comes from ``tests/node_modules/.bin/claude`` (``@anthropic-ai/claude-code`` pinned in
``tests/package.json``), ``$HARDENER_TEST_CLAUDE``, or ``PATH``; without it the test is skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

TESTS = Path(__file__).resolve().parent.parent
SHIM_NOT_IMPLEMENTED = 3


def claude_binary() -> str | None:
    candidates = [
        os.environ.get("HARDENER_TEST_CLAUDE", ""),
        str(TESTS / "node_modules" / ".bin" / "claude"),
    ]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("claude")


def run(argv: list[str], home: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HOME": str(home),
        "DISABLE_AUTOUPDATER": "1",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    }
    env.pop("CLAUDE_CONFIG_DIR", None)
    return subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def entry_text(text: str) -> str:
    match = re.search(r'\n    "time": \{\n.*?\n    \}', text, re.DOTALL)
    assert match, text
    return match.group(0)


@pytest.mark.timeout(300)
def test_claude_code_connects_through_the_shim(sandbox_home):
    claude = claude_binary()
    if claude is None:
        pytest.skip(
            "Claude Code not installed (add @anthropic-ai/claude-code to tests/package.json)"
        )
    hardener = [sys.executable, "-m", "hardener"]
    added = run(
        [
            claude,
            "mcp",
            "add",
            "--scope",
            "user",
            "time",
            "--",
            sys.executable,
            "-m",
            "mcp_server_time",
        ],
        sandbox_home,
    )
    assert added.returncode == 0, added.stderr
    config = sandbox_home / ".claude.json"
    original_entry = entry_text(config.read_text())

    hardened = run([*hardener, "harden", "--yes", "--client", "claude-code"], sandbox_home)
    assert hardened.returncode == 0, hardened.stderr
    wrapped_entry = entry_text(config.read_text())
    assert "hardener-shim" in wrapped_entry
    assert '"--server",' in wrapped_entry or '"--server"' in wrapped_entry

    listed = run([claude, "mcp", "list"], sandbox_home)
    line = next((row for row in listed.stdout.splitlines() if row.startswith("time:")), "")
    assert "hardener-shim" in line, listed.stdout
    if "Connected" not in line:
        shim = re.search(r"time: (\S+)", line)
        probe = (
            run([shim.group(1), "--client", "x", "--server", "y", "--", "true"], sandbox_home)
            if shim
            else None
        )
        if (
            probe is not None
            and probe.returncode == SHIM_NOT_IMPLEMENTED
            and "not implemented" in probe.stderr
        ):
            pytest.xfail("shim not landed")
    assert "Connected" in line, listed.stdout

    restored = run([*hardener, "restore", "--yes"], sandbox_home)
    assert restored.returncode == 0, restored.stderr
    assert entry_text(config.read_text()) == original_entry
