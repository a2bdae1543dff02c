"""``hardener hooks install --managed`` writes Codex's managed hooks into the ``[hooks]`` table of
its system ``requirements.toml`` (the real CLI on real files; ``HARDENER_MANAGED_ROOT`` stands in
for ``/``), ``status`` counts them, and uninstall gives the admin's file back byte-exact."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from tests.support.daemon import run_hardener, sandbox_env

ADMIN = """\
# IT: Codex requirements (do not edit by hand)
allowed_approval_policies = ["on-request", "untrusted"]

[mcp_servers.docs]
identity = { command = "docs-server" }

[[hooks.PreToolUse]]
matcher = "^Bash$"

[[hooks.PreToolUse.hooks]]
type = "command"
command = "/usr/local/bin/audit-bash"
timeout = 5
"""


def _env(home: Path, root: Path) -> dict[str, str]:
    return sandbox_env(home, keychain=False, HARDENER_MANAGED_ROOT=str(root))


def _sandbox(tmp_path: Path) -> tuple[Path, Path]:
    home, root = tmp_path / "home", tmp_path / "root"
    home.mkdir()
    root.mkdir()
    return home, root


def test_managed_codex_hooks_go_into_requirements_toml_and_come_back_out(tmp_path):
    home, root = _sandbox(tmp_path)
    env = _env(home, root)
    requirements = root / "etc" / "codex" / "requirements.toml"
    requirements.parent.mkdir(parents=True)
    requirements.write_text(ADMIN)
    policy = home / ".config" / "hardener" / "policy.toml"
    policy.parent.mkdir(parents=True)
    policy.write_text('[hooks]\nrequired = ["codex"]\n')

    done = run_hardener(
        home, "hooks", "install", "--managed", "--client", "codex", "--json", env=env
    )
    assert done.returncode == 0, done.stderr
    (target,) = json.loads(done.stdout)["targets"]
    assert (target["client"], target["scope"], target["status"]) == ("codex", "managed", "changed")
    assert target["file"] == str(requirements)
    hook = Path(json.loads(done.stdout)["hook"])
    table = tomllib.loads(requirements.read_text())
    assert table["allowed_approval_policies"] == ["on-request", "untrusted"]
    assert table["mcp_servers"] == {"docs": {"identity": {"command": "docs-server"}}}
    hooks = table["hooks"]
    assert hooks["managed_dir"] == str(hook.parent)  # Codex skips managed hooks without one
    assert hooks["PreToolUse"][0]["hooks"][0]["command"] == "/usr/local/bin/audit-bash"
    for event in ("PreToolUse", "PostToolUse"):
        (ours,) = [g for g in hooks[event] if "hardener-hook" in g["hooks"][0]["command"]]
        assert ours["matcher"] == "mcp__.*"
        assert ours["hooks"][0]["command"].endswith(f"--client codex --event {event}")
    assert requirements.stat().st_mode & 0o777 == 0o644  # readable by every user's Codex

    status = run_hardener(home, "hooks", "status", "--managed", "--client", "codex", env=env)
    assert status.returncode == 0, status.stdout + status.stderr
    checks = json.loads(run_hardener(home, "status", "--json", env=env).stdout)["checks"]
    (hooks_check,) = [c for c in checks if c["id"] == "hooks.installed"]
    assert hooks_check["result"] == "pass"
    assert hooks_check["data"]["covered"] == ["codex (managed)"]

    again = run_hardener(
        home, "hooks", "install", "--managed", "--client", "codex", "--json", env=env
    )
    assert json.loads(again.stdout)["targets"][0]["status"] == "unchanged"  # idempotent

    gone = run_hardener(home, "hooks", "uninstall", "--managed", "--client", "codex", env=env)
    assert gone.returncode == 0, gone.stderr
    assert requirements.read_text() == ADMIN  # byte-exact


def test_a_missing_requirements_file_is_created_and_removed_again(tmp_path):
    home, root = _sandbox(tmp_path)
    env = _env(home, root)
    requirements = root / "etc" / "codex" / "requirements.toml"
    done = run_hardener(home, "hooks", "install", "--managed", "--client", "codex", env=env)
    assert done.returncode == 0, done.stderr
    assert set(tomllib.loads(requirements.read_text())) == {"hooks"}
    # without --client the managed codex target is skipped when /etc/codex does not exist
    requirements.unlink()
    requirements.parent.rmdir()
    quiet = run_hardener(home, "hooks", "install", "--managed", "--json", env=env)
    states = {t["client"]: t["state"] for t in json.loads(quiet.stdout)["targets"]}
    assert states["codex"] == "client_absent"
    run_hardener(home, "hooks", "install", "--managed", "--client", "codex", env=env)
    gone = run_hardener(home, "hooks", "uninstall", "--managed", "--client", "codex", env=env)
    assert gone.returncode == 0, gone.stderr
    assert not requirements.exists()
