"""``hardener daemon install|uninstall --dry-run`` through the CLI: nothing written, plan printed."""

from __future__ import annotations

import plistlib

import pytest


def test_dry_run_prints_the_unit_and_writes_nothing(run_cli, sandbox_home):
    result = run_cli("daemon", "install", "--dry-run")
    assert result.code == 0
    assert "[Service]" in result.stdout
    assert "Restart=on-failure" in result.stdout
    assert "would run: systemctl --user enable --now hardener.service" in result.stdout
    assert not (sandbox_home / ".config" / "systemd").exists()


def test_dry_run_json_validates(run_cli, sandbox_home):
    document = run_cli("daemon", "install", "--dry-run", "--json").json()
    assert document["action"] == "install"
    assert document["dry_run"] is True
    assert document["files"][0]["path"].endswith("hardener.service")
    assert document["files"][0]["mode"] == "0644"
    assert ["systemctl", "--user", "daemon-reload"] in document["commands"]
    uninstall = run_cli("daemon", "uninstall", "--dry-run", "--json").json()
    assert uninstall["remove"][0].endswith("hardener.service")


def test_global_scope_dry_run_names_system_locations_without_touching_them(run_cli):
    document = run_cli("daemon", "install", "--dry-run", "--scope", "global", "--json").json()
    assert document["files"][0]["path"] == "/etc/systemd/user/hardener.service"
    assert document["commands"] == [["systemctl", "--global", "enable", "hardener.service"]]


def test_daemon_status_when_nothing_runs(run_cli):
    result = run_cli("daemon", "status", "--json")
    assert result.code == 3
    document = result.json()
    assert document["running"] is False
    assert document["installed"] == {"user": None, "global": None}


@pytest.mark.parametrize("scope", ["user", "global"])
def test_macos_plist_from_the_same_template(scope, tmp_path):
    from hardener.paths import OS, Platform
    from hardener.service.manager import plan_install
    from hardener.service.template import default_definition

    platform = Platform(OS.MACOS, {"HOME": str(tmp_path)})
    plan = plan_install(platform, default_definition(platform, scope=scope))
    data = plistlib.loads(plan.write[0].content)
    assert data["ProgramArguments"][-2:] == ["daemon", "run"]
    assert data["RunAtLoad"] is True
