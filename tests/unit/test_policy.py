"""Policy: defaults, precedence managed > user > default, provenance, errors with file:line."""

from __future__ import annotations

import json
import os
import plistlib
from pathlib import Path

import jsonschema
import pytest

from hardener.errors import PolicyError
from hardener.paths import OS, Platform, hardener_paths
from hardener.policy import (
    SourceDocument,
    load_policy,
    load_schema,
    managed_sources,
)
from hardener.settings import DEFAULTS


def _user_policy(home: Path, text: str) -> Path:
    path = hardener_paths(Platform(OS.LINUX, {"HOME": str(home)})).user_policy_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_every_default_is_documented_in_the_schema():
    schema = load_schema("policy.schema.json")
    for key, default in DEFAULTS.items():
        node = schema
        for part in key.split("."):
            node = node["properties"][part]
        assert node["default"] == default, key
        assert node.get("description"), key


def test_defaults_validate_against_the_schema():
    nested: dict[str, object] = {}
    for key, value in DEFAULTS.items():
        *tables, leaf = key.split(".")
        node = nested
        for table in tables:
            node = node.setdefault(table, {})  # type: ignore[assignment]
        node[leaf] = value  # type: ignore[index]
    jsonschema.validate(nested, load_schema("policy.schema.json"))


def test_defaults_only(sandbox_home):
    policy = load_policy(Platform(OS.LINUX, {"HOME": str(sandbox_home)}), managed_override=[])
    assert policy.settings.mode == "audit"
    assert policy.source("mode") == "default"


def test_user_overrides_default_and_managed_overrides_user(sandbox_home):
    path = _user_policy(
        sandbox_home, 'mode = "enforce"\nnew_servers = "report"\n[detectors]\nburst_calls = 9\n'
    )
    managed = SourceDocument("managed", "/etc/hardener/policy.toml", {"mode": "audit"})
    policy = load_policy(
        Platform(OS.LINUX, {"HOME": str(sandbox_home)}), managed_override=[managed]
    )
    assert policy.settings.mode == "audit"
    assert policy.source("mode") == "managed:/etc/hardener/policy.toml"
    assert policy.settings.new_servers == "report"
    assert policy.source("new_servers") == f"user:{path}"
    assert policy.settings.detectors.burst_calls == 9
    assert policy.settings.detectors.burst_window_seconds == 5
    assert policy.source("detectors.burst_window_seconds") == "default"


def test_invalid_value_names_file_line_and_setting(sandbox_home):
    path = _user_policy(sandbox_home, '# comment\n\n[detectors]\nburst_calls = "many"\n')
    with pytest.raises(PolicyError) as info:
        load_policy(Platform(OS.LINUX, {"HOME": str(sandbox_home)}), managed_override=[])
    assert info.value.line == 4
    assert info.value.setting == "detectors.burst_calls"
    assert f"{path}:4" in info.value.message
    assert info.value.exit_code == 2


def test_unknown_setting_is_rejected_with_its_line(sandbox_home):
    _user_policy(sandbox_home, 'mode = "audit"\nmood = "happy"\n')
    with pytest.raises(PolicyError, match="unknown setting 'mood'") as info:
        load_policy(Platform(OS.LINUX, {"HOME": str(sandbox_home)}), managed_override=[])
    assert info.value.line == 2


def test_toml_syntax_error_has_a_line(sandbox_home):
    _user_policy(sandbox_home, 'mode = "audit"\n\nfail_mode = \n')
    with pytest.raises(PolicyError, match="not valid TOML") as info:
        load_policy(Platform(OS.LINUX, {"HOME": str(sandbox_home)}), managed_override=[])
    assert info.value.line == 3


@pytest.mark.skipif(os.name == "nt" or os.geteuid() != 0, reason="needs root to chown")
def test_linux_managed_file_must_be_root_owned(tmp_path, monkeypatch):
    from hardener import policy as policy_module

    managed = tmp_path / "policy.toml"
    managed.write_text('mode = "enforce"\n')
    os.chown(managed, 0, 0)
    os.chmod(managed, 0o644)
    monkeypatch.setattr(
        policy_module,
        "managed_policy_location",
        lambda platform, user=None: type("L", (), {"files": (managed,), "registry_key": None})(),
    )
    docs = managed_sources(Platform(OS.LINUX, {"HOME": str(tmp_path)}))
    assert docs[0].data == {"mode": "enforce"}
    os.chmod(managed, 0o666)
    with pytest.raises(PolicyError, match="not trusted"):
        managed_sources(Platform(OS.LINUX, {"HOME": str(tmp_path)}))
    os.chmod(managed, 0o644)
    os.chown(managed, 1000, 1000)
    with pytest.raises(PolicyError, match="not owned by root"):
        managed_sources(Platform(OS.LINUX, {"HOME": str(tmp_path)}))


class FakeRegistry:
    def __init__(self, values: dict[tuple[str, str, str], str]) -> None:
        self.values = values

    def read_string(self, hive: str, key: str, value: str) -> str | None:
        return self.values.get((hive, key, value))


def test_windows_registry_policy():
    registry = FakeRegistry(
        {
            (
                "HKLM",
                r"SOFTWARE\Policies\hardener",
                "PolicyToml",
            ): 'mode = "enforce"\n[servers]\ndeny = ["evil*"]\n'
        }
    )
    docs = managed_sources(Platform(OS.WINDOWS, {"USERPROFILE": r"C:\u"}), registry)
    from hardener.policy import merge_sources

    policy = merge_sources(docs)
    assert policy.settings.servers.deny == ("evil*",)
    assert policy.source("mode") == r"managed:HKLM\SOFTWARE\Policies\hardener\PolicyToml"


def test_windows_registry_invalid_policy_is_an_error():
    registry = FakeRegistry({("HKCU", r"SOFTWARE\Policies\hardener", "PolicyToml"): "mode = 3\n"})
    with pytest.raises(PolicyError, match="mode"):
        managed_sources(Platform(OS.WINDOWS, {"USERPROFILE": r"C:\u"}), registry)


def test_macos_managed_preferences_plist(tmp_path, monkeypatch):
    from hardener import policy as policy_module

    plist = tmp_path / "io.hardener.agent.plist"
    plist.write_bytes(plistlib.dumps({"mode": "enforce", "detectors": {"burst_calls": 7}}))
    monkeypatch.setattr(
        policy_module,
        "managed_policy_location",
        lambda platform, user=None: type("L", (), {"files": (plist,), "registry_key": None})(),
    )
    docs = managed_sources(Platform(OS.MACOS, {"HOME": str(tmp_path)}))
    assert docs[0].data["detectors"] == {"burst_calls": 7}


def test_policy_show_json_reports_sources(run_cli, sandbox_home):
    _user_policy(sandbox_home, 'mode = "enforce"\n')
    result = run_cli("policy", "show", "--json")
    assert result.code == 0
    document = result.json()
    assert document["settings"]["mode"]["value"] == "enforce"
    assert document["settings"]["mode"]["source"].startswith("user:")
    assert document["settings"]["fail_mode"]["source"] == "default"
    json.dumps(document)


def test_policy_show_invalid_policy_exits_2_with_file_line(run_cli, sandbox_home):
    _user_policy(sandbox_home, 'mode = "yolo"\n')
    result = run_cli("policy", "show")
    assert result.code == 2
    assert "policy.toml:1" in result.stderr
