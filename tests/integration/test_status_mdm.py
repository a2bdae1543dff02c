"""``hardener status`` as an MDM runs it: real processes, exact output shapes, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest

from hardener.policy import load_schema
from tests.support.daemon import run_hardener, sandbox_env, start_daemon

pytestmark = pytest.mark.slow

JAMF = re.compile(
    r"^<result>(COMPLIANT|NONCOMPLIANT [A-Za-z0-9_.:,\-]+; .*seq=(\d+|-) head=([0-9a-f]{64}|-))"
    r"</result>\n$"
)
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def home(tmp_path):
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.mark.parametrize("fmt", ["jamf", "intune"])
def test_mdm_formats_print_only_stdout_and_exit_1_when_not_compliant(home, fmt):
    result = run_hardener(home, "status", "--format", fmt)
    assert result.returncode == 1
    assert result.stderr == ""
    if fmt == "jamf":
        assert JAMF.match(result.stdout), result.stdout
        assert "agent.running" in result.stdout
    else:
        assert result.stdout.count("\n") == 1
        document = json.loads(result.stdout)
        assert document["compliant"] is False
        assert document["agent.running"] == "fail"


def test_mdm_formats_stay_quiet_on_errors(home):
    # An invalid policy is an error for people, but the MDM still gets one clean answer.
    policy = home / ".config" / "hardener" / "policy.toml"
    policy.parent.mkdir(parents=True)
    policy.write_text("mode = [\n")
    for fmt in ("jamf", "intune"):
        result = run_hardener(home, "status", "--format", fmt)
        assert result.returncode == 1
        assert result.stderr == ""
        assert result.stdout.strip()
    human = run_hardener(home, "status")
    assert human.returncode == 1
    assert "policy.source" in human.stdout


def test_json_status_validates_and_names_every_check(home):
    result = run_hardener(home, "status", "--json")
    document = json.loads(result.stdout)
    jsonschema.validate(document, load_schema("status.schema.json"))
    assert result.returncode == 1
    assert document["verdict"] in ("noncompliant", "unknown")
    ids = [c["id"] for c in document["checks"]]
    assert ids[:2] == ["agent.version", "agent.running"]
    assert len(ids) == len(set(ids))
    assert document["home"] == str(home)


def test_status_sees_the_running_agent(home):
    daemon = start_daemon(home, env=sandbox_env(home, keychain=False))
    try:
        daemon.wait_ready()
        result = run_hardener(home, "status", "--format", "json", env=daemon.env)
    finally:
        assert daemon.stop() == 0
    checks = {c["id"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["agent.running"]["result"] == "pass", checks["agent.running"]
    assert checks["keystore.backend"]["result"] == "fail"
    assert result.returncode == 1


def test_root_can_read_another_users_home(home, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    daemon = start_daemon(home, env=sandbox_env(home, keychain=False))
    try:
        daemon.wait_ready()
        # run from an unrelated home, pointing at the user's home; no keychain involved
        result = run_hardener(
            other, "status", "--json", "--home", str(home), env=sandbox_env(other, keychain=False)
        )
    finally:
        assert daemon.stop() == 0
    document = json.loads(result.stdout)
    assert document["home"] == str(home)
    checks = {c["id"]: c for c in document["checks"]}
    assert checks["agent.running"]["result"] == "pass"


def test_jamf_extension_attribute_wrapper(home, tmp_path):
    script = REPO / "packaging" / "jamf" / "extension-attribute.sh"
    missing = subprocess.run(
        ["sh", str(script)],
        env={**sandbox_env(home), "HARDENER": str(tmp_path / "nope")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert missing.stdout == "<result>NOT INSTALLED</result>\n"
    launcher = tmp_path / "hardener"
    launcher.write_text(f'#!/bin/sh\nexec {__import__("sys").executable} -m hardener "$@"\n')
    launcher.chmod(0o755)
    result = subprocess.run(
        ["sh", str(script)],
        env={**sandbox_env(home), "HARDENER": str(launcher)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert result.stderr == ""
    assert re.match(r"^<result>[^<>]+</result>\n$", result.stdout), result.stdout
