"""Cheap start-up settings: the compiled policy cache, the fingerprint key, the login PATH."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from hardener.paths import Platform, hardener_paths
from hardener.shim import settings as shim_settings
from hardener.shim.child import resolve_command
from hardener.shim.locate import locate


def test_policy_cache_is_used_until_a_source_changes(sandbox_home: Path) -> None:
    loc = locate()
    paths = hardener_paths(Platform.current())
    warn: list[str] = []
    first = shim_settings.load_settings(loc, warn)
    assert first["mode"] == "audit"
    cache = Path(str(shim_settings.policy_cache_path(loc)))
    assert cache.exists()
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.state_dir.stat().st_mode) == 0o700
    paths.user_policy_file.parent.mkdir(parents=True, exist_ok=True)
    paths.user_policy_file.write_text('mode = "enforce"\n[tools]\ndeny = ["rm"]\n')
    second = shim_settings.load_settings(loc, warn)
    assert second["mode"] == "enforce"
    assert second["tools.deny"] == ["rm"]
    assert warn == []


def test_a_cached_start_imports_little(sandbox_home: Path) -> None:
    shim_settings.load_settings(locate(), [])
    code = (
        "import sys; from hardener.shim import main, settings, stdio, child, relay; from hardener.shim.locate import locate;"
        " settings.load_settings(locate(), []);"
        " print(sorted(m for m in ('jsonschema', 'dataclasses', 'pathlib', 'typing', 'keyring', 'watchdog', 'httpx', 'hardener.policy', 'hardener.redact') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_invalid_user_policy_warns_and_is_not_cached(sandbox_home: Path) -> None:
    loc = locate()
    paths = hardener_paths(Platform.current())
    paths.user_policy_file.parent.mkdir(parents=True, exist_ok=True)
    paths.user_policy_file.write_text("mode = 'sideways'\n")
    warn: list[str] = []
    settings = shim_settings.load_settings(loc, warn)
    assert settings["mode"] == "audit"
    assert warn
    assert "policy" in warn[0]
    assert not Path(str(shim_settings.policy_cache_path(loc))).exists()


def test_fingerprint_key_is_created_once_private(sandbox_home: Path) -> None:
    loc = locate()
    key = shim_settings.fingerprint_key(loc)
    assert len(key) == 32
    assert shim_settings.fingerprint_key(loc) == key
    path = Path(str(shim_settings.key_path(loc)))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_login_path_is_a_fallback_for_resolution(sandbox_home: Path, tmp_path: Path) -> None:
    loc = locate()
    bindir = tmp_path / "gui-missing-bin"
    bindir.mkdir()
    tool = bindir / "my-mcp-server"
    tool.write_text("#!/bin/sh\nexit 0\n")
    tool.chmod(0o755)
    assert shim_settings.read_login_path(loc) == []
    shim_settings.record_login_path(loc, f"/nonexistent{os.pathsep}{bindir}", "/bin/sh")
    login = shim_settings.read_login_path(loc)
    assert resolve_command("my-mcp-server", {"PATH": "/usr/bin"}, [], []) is None
    resolved = resolve_command("my-mcp-server", {"PATH": "/usr/bin"}, [], login)
    assert resolved is not None
    assert resolved.executable == str(tool)
    assert resolved.via == "login_path"
    assert resolved.env is not None
    assert resolved.env["PATH"].startswith("/usr/bin")
    extra = resolve_command("my-mcp-server", {"PATH": "/usr/bin"}, [str(bindir)], [])
    assert extra is not None
    assert extra.via == "extra_path"


def test_capture_login_path_reads_the_shell() -> None:
    value = shim_settings.capture_login_path("/bin/sh", timeout=20)
    assert value
    assert "/" in value
