"""Cheap start-up settings: the compiled policy cache, the fingerprint key, the login PATH."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hardener.paths import Platform, hardener_paths
from hardener.settings import DEFAULTS, Settings
from hardener.shim import settings as shim_settings
from hardener.shim.child import resolve_command
from hardener.shim.locate import locate
from hardener.shim.settings import ShimSettings


def test_policy_cache_is_used_until_a_source_changes(sandbox_home: Path) -> None:
    loc = locate()
    paths = hardener_paths(Platform.current())
    warn: list[str] = []
    first = shim_settings.load_settings(loc, warn)
    assert first.mode == "audit"
    cache = Path(str(shim_settings.policy_cache_path(loc)))
    assert cache.exists()
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.state_dir.stat().st_mode) == 0o700
    paths.user_policy_file.parent.mkdir(parents=True, exist_ok=True)
    paths.user_policy_file.write_text('mode = "enforce"\n[tools]\ndeny = ["rm"]\n')
    second = shim_settings.load_settings(loc, warn)
    assert second.mode == "enforce"
    assert second.tools_deny == ("rm",)
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
    assert settings.mode == "audit"
    assert warn
    assert "policy" in warn[0]
    assert not Path(str(shim_settings.policy_cache_path(loc))).exists()


def _settings_annotation(dotted: str) -> str:
    cls: type = Settings
    *tables, leaf = dotted.split(".")
    for table in tables:
        cls = typing.get_type_hints(cls)[table]
    return str(cls.__annotations__[leaf])


def test_shim_settings_are_a_typed_subset_of_settings() -> None:
    assert set(ShimSettings.KEYS) <= set(DEFAULTS)
    assert ShimSettings.__slots__ == tuple(k.replace(".", "_") for k in ShimSettings.KEYS)
    for key, attr in zip(ShimSettings.KEYS, ShimSettings.__slots__, strict=True):
        # the same annotation text as the Settings field: the same aliases, the same type
        assert ShimSettings.__annotations__[attr] == _settings_annotation(key), key


@given(
    mode=st.sampled_from(["audit", "enforce"]),
    deny=st.lists(st.text(max_size=8), max_size=3),
    sampling=st.sampled_from(["allow", "deny"]),
    max_bytes=st.integers(16, 10**6),
    block=st.booleans(),
)
def test_shim_settings_carry_the_values_of_settings(
    mode: str, deny: list[str], sampling: str, max_bytes: int, block: bool
) -> None:
    typed = Settings.from_values(
        {
            "mode": mode,
            "tools.deny": deny,
            "server_requests.sampling": sampling,
            "redaction.max_value_bytes": max_bytes,
            "pins.block_low_severity_changes": block,
        }
    )
    shim = ShimSettings(typed.values())
    for key, attr in zip(ShimSettings.KEYS, ShimSettings.__slots__, strict=True):
        section, _, leaf = key.rpartition(".")
        want = getattr(getattr(typed, section), leaf) if section else getattr(typed, key)
        assert getattr(shim, attr) == want, key
    assert shim.enforce == (mode == "enforce")
    assert shim.server_requests()["sampling"] == sampling
    assert shim == ShimSettings(json.loads(json.dumps(typed.values())))  # as the cache has it


def test_shim_settings_refuse_missing_or_mistyped_values() -> None:
    values = Settings().values()
    with pytest.raises(AttributeError):
        ShimSettings(values).mode = "enforce"  # type: ignore[misc]
    for key, bad in [
        ("tools.deny", "rm"),
        ("tools.hide_denied", 1),
        ("redaction.max_value_bytes", True),
    ]:
        with pytest.raises(ValueError, match=key):
            ShimSettings({**values, key: bad})
    del values["mode"]
    with pytest.raises(ValueError, match="mode"):
        ShimSettings(values)


def test_a_damaged_cache_is_replaced_by_a_full_load(sandbox_home: Path) -> None:
    loc = locate()
    paths = hardener_paths(Platform.current())
    paths.user_policy_file.parent.mkdir(parents=True, exist_ok=True)
    paths.user_policy_file.write_text('mode = "enforce"\n')
    shim_settings.load_settings(loc, [])
    cache = Path(str(shim_settings.policy_cache_path(loc)))
    document = json.loads(cache.read_text())
    document["settings"]["tools.deny"] = "not a list"
    cache.write_text(json.dumps(document))
    warn: list[str] = []
    again = shim_settings.load_settings(loc, warn)
    assert again.mode == "enforce"
    assert again.tools_deny == ()
    assert warn == []
    assert json.loads(cache.read_text())["settings"]["tools.deny"] == []


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
