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


def test_policy_cache_is_used_until_a_source_changes(sandbox_home: Path) -> None:
    paths = hardener_paths(Platform.current())
    warn: list[str] = []
    first = shim_settings.load_settings(paths, warn)
    assert first["mode"] == "audit"
    cache = shim_settings.policy_cache_path(paths)
    assert cache.exists()
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    paths.user_policy_file.parent.mkdir(parents=True, exist_ok=True)
    paths.user_policy_file.write_text('mode = "enforce"\n[tools]\ndeny = ["rm"]\n')
    second = shim_settings.load_settings(paths, warn)
    assert second["mode"] == "enforce"
    assert second["tools.deny"] == ["rm"]
    assert warn == []


def test_cached_start_does_not_import_jsonschema(sandbox_home: Path) -> None:
    paths = hardener_paths(Platform.current())
    shim_settings.load_settings(paths, [])
    code = "import sys; from hardener.paths import Platform, hardener_paths; from hardener.shim import settings as s; s.load_settings(hardener_paths(Platform.current()), []); print('jsonschema' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"


def test_invalid_user_policy_warns_and_is_not_cached(sandbox_home: Path) -> None:
    paths = hardener_paths(Platform.current())
    paths.user_policy_file.parent.mkdir(parents=True, exist_ok=True)
    paths.user_policy_file.write_text("mode = 'sideways'\n")
    warn: list[str] = []
    settings = shim_settings.load_settings(paths, warn)
    assert settings["mode"] == "audit"
    assert warn
    assert "policy" in warn[0]
    assert not shim_settings.policy_cache_path(paths).exists()


def test_fingerprint_key_is_created_once_private(sandbox_home: Path) -> None:
    paths = hardener_paths(Platform.current())
    key = shim_settings.fingerprint_key(paths)
    assert len(key) == 32
    assert shim_settings.fingerprint_key(paths) == key
    path = shim_settings.key_path(paths)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_login_path_is_a_fallback_for_resolution(sandbox_home: Path, tmp_path: Path) -> None:
    paths = hardener_paths(Platform.current())
    bindir = tmp_path / "gui-missing-bin"
    bindir.mkdir()
    tool = bindir / "my-mcp-server"
    tool.write_text("#!/bin/sh\nexit 0\n")
    tool.chmod(0o755)
    assert shim_settings.read_login_path(paths) == []
    shim_settings.record_login_path(paths, f"/nonexistent{os.pathsep}{bindir}", "/bin/sh")
    login = shim_settings.read_login_path(paths)
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
