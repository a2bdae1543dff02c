"""Service rendering from the one template: systemd unit, LaunchAgent plist, logon task XML."""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from hardener.paths import OS, Platform
from hardener.service import launchd, systemd, windows_task
from hardener.service.manager import apply_plan, installed, plan_install, plan_uninstall
from hardener.service.template import ServiceDefinition, agent_argv, default_definition

NS = {"t": windows_task.NAMESPACE}


def definition(**kw) -> ServiceDefinition:
    base: dict[str, Any] = {"argv": ("/opt/hardener dir/bin/hardener", "daemon", "run")}
    base.update(kw)
    return ServiceDefinition(**base)


def linux(home: Path, **env: str) -> Platform:
    return Platform(OS.LINUX, {"HOME": str(home), **env})


def test_agent_argv_prefers_the_launcher_next_to_python(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    python = bin_dir / "python"
    python.touch()
    platform = linux(tmp_path)
    assert agent_argv(platform, str(python)) == (str(python), "-m", "hardener", "daemon", "run")
    (bin_dir / "hardener").touch()
    assert agent_argv(platform, str(python)) == (str(bin_dir / "hardener"), "daemon", "run")


def test_systemd_unit_quotes_arguments():
    text = systemd.render(definition(argv=("/a b/hardener", "50%", "$HOME", 'q"x')))
    line = next(x for x in text.splitlines() if x.startswith("ExecStart="))
    assert line == 'ExecStart="/a b/hardener" "50%%" "$$HOME" "q\\"x"'
    assert "Restart=on-failure" in text
    assert "RestartPreventExitStatus=3" in text
    assert "WantedBy=default.target" in text


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_analyze_verifies_the_rendered_unit(tmp_path):
    exe = tmp_path / "bin" / "hardener"
    exe.parent.mkdir()
    exe.write_text("#!/bin/sh\nexit 0\n")
    exe.chmod(0o755)
    unit = tmp_path / "hardener.service"
    unit.write_text(systemd.render(definition(argv=(str(exe), "daemon", "run"))))
    runtime = tmp_path / "xdg-runtime"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "SYSTEMD_LOG_COLOR": "0"}
    result = subprocess.run(
        ["systemd-analyze", "--user", "verify", str(unit)],
        capture_output=True,
        check=False,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    # verify exits 0 on parse warnings too: any line about our file is a failure.
    assert "hardener.service" not in result.stderr, result.stderr
    # and the check can fail: a bad directive is reported
    unit.write_text(unit.read_text().replace("Restart=on-failure", "Restart=sometimes"))
    bad = subprocess.run(
        ["systemd-analyze", "--user", "verify", str(unit)],
        capture_output=True,
        check=False,
        text=True,
        env=env,
        timeout=60,
    )
    assert "restart" in bad.stderr.lower()


def test_launch_agent_plist_parses_and_keeps_the_agent_alive():
    data = plistlib.loads(launchd.render(definition(label="io.hardener.agent")))
    assert data["Label"] == "io.hardener.agent"
    assert data["ProgramArguments"] == ["/opt/hardener dir/bin/hardener", "daemon", "run"]
    assert data["RunAtLoad"] is True
    assert data["KeepAlive"] == {"SuccessfulExit": False}
    assert data["LimitLoadToSessionType"] == ["Aqua"]


def test_logon_task_xml_parses_with_a_logon_trigger_for_the_user():
    raw = windows_task.render(
        definition(
            argv=("C:\\Program Files\\hardener\\hardener.exe", "daemon", "run"),
            windows_user="CORP\\alice",
        )
    )
    assert raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff")  # UTF-16 with a BOM
    root = ET.fromstring(raw.decode("utf-16").split("\n", 1)[1])
    assert root.tag == f"{{{windows_task.NAMESPACE}}}Task"
    assert root.find("t:Triggers/t:LogonTrigger/t:UserId", NS).text == "CORP\\alice"
    assert root.find("t:Principals/t:Principal/t:LogonType", NS).text == "InteractiveToken"
    assert root.find("t:Actions/t:Exec/t:Command", NS).text.endswith("hardener.exe")
    assert root.find("t:Actions/t:Exec/t:Arguments", NS).text == "daemon run"
    assert root.find("t:Settings/t:MultipleInstancesPolicy", NS).text == "IgnoreNew"
    assert root.find("t:Settings/t:RestartOnFailure/t:Count", NS) is not None


def test_global_logon_task_runs_for_the_users_group():
    raw = windows_task.render(definition(scope="global"))
    root = ET.fromstring(raw.decode("utf-16").split("\n", 1)[1])
    assert root.find("t:Principals/t:Principal/t:GroupId", NS).text == "S-1-5-32-545"
    assert root.find("t:Triggers/t:LogonTrigger/t:UserId", NS) is None


@pytest.mark.parametrize(
    ("os_kind", "expected"),
    [
        (OS.LINUX, "{home}/.config/systemd/user/hardener.service"),
        (OS.MACOS, "{home}/Library/LaunchAgents/io.hardener.agent.plist"),
    ],
)
def test_user_scope_paths_derive_from_home(tmp_path, os_kind, expected):
    platform = Platform(os_kind, {"HOME": str(tmp_path)})
    plan = plan_install(platform, default_definition(platform))
    assert str(plan.write[0].path) == expected.format(home=tmp_path)


def test_windows_and_global_paths():
    win = Platform(OS.WINDOWS, {"USERPROFILE": "C:\\Users\\alice", "USERNAME": "alice"})
    plan = plan_install(win, default_definition(win))
    assert str(plan.write[0].path) == "C:\\Users\\alice\\AppData\\Local\\hardener\\agent-task.xml"
    assert plan.commands[0].argv[:2] == ["schtasks", "/Create"]
    lin = Platform(OS.LINUX, {"HOME": "/home/alice"})
    glob = plan_install(lin, default_definition(lin, scope="global"))
    assert str(glob.write[0].path) == "/etc/systemd/user/hardener.service"
    assert glob.commands[0].argv == ["systemctl", "--global", "enable", "hardener.service"]


class Recorder:
    def __init__(self, fail: set[str] | None = None):
        self.calls: list[list[str]] = []
        self.fail = fail or set()

    def __call__(self, argv):
        self.calls.append(argv)
        code = 1 if any(word in self.fail for word in argv) else 0
        return subprocess.CompletedProcess(argv, code, "", "no bus" if code else "")


def test_install_and_uninstall_in_a_sandbox_home(tmp_path):
    platform = linux(tmp_path)
    defn = default_definition(platform)
    runner = Recorder()
    assert installed(platform, defn) is None
    notes = apply_plan(plan_install(platform, defn), runner)
    unit = tmp_path / ".config" / "systemd" / "user" / "hardener.service"
    assert notes == []
    assert installed(platform, defn) == unit
    assert unit.stat().st_mode & 0o777 == 0o644
    assert runner.calls[-1] == ["systemctl", "--user", "enable", "--now", "hardener.service"]
    # install twice: same file, no error
    apply_plan(plan_install(platform, defn), runner)
    notes = apply_plan(plan_uninstall(platform, defn), Recorder(fail={"disable"}))
    assert not unit.exists()
    assert any("disable" in n for n in notes)  # best effort when stopping
    notes = apply_plan(plan_uninstall(platform, defn), Recorder())
    assert any("not installed" in n for n in notes)


def test_install_reports_a_service_manager_that_cannot_enable(tmp_path):
    from hardener.errors import HardenerError

    platform = linux(tmp_path)
    with pytest.raises(HardenerError, match="enable"):
        apply_plan(plan_install(platform, default_definition(platform)), Recorder(fail={"enable"}))
    assert (tmp_path / ".config" / "systemd" / "user" / "hardener.service").exists()
