"""The packaging scripts and the macOS/Windows artifacts, as far as a Linux machine can check them.

- every shell script under ``packaging/`` passes ``shellcheck``;
- the pinned dependency sets of the three OSes agree;
- the macOS payload built by ``packaging/macos/build-payload.sh``: its layout, the LaunchAgent
  (``plistlib``; the same bytes as hardener's one service template renders), the example
  configuration profile read by hardener's own managed-preferences reader, a wheel for every pin;
- the MSI built by ``packaging/windows/build-msi.sh`` with ``wixl``: its tables (``msiinfo``), the
  custom actions' place in the install sequence, and its files (``msiextract``) byte for byte.

The tools come from .ci/run (shellcheck, wixl, msitools); without them the tests skip on a
developer's machine and fail in CI.
"""

from __future__ import annotations

import os
import plistlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from hardener._version import __version__
from hardener.policy import _read_plist_source, merge_sources, parse_toml, validate_document
from hardener.service import launchd
from hardener.service.template import ServiceDefinition

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"
MAC_APP = "Library/Application Support/hardener"


def need(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        message = f"missing {', '.join(missing)} (.ci/run installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def run(
    *argv: str, cwd: Path | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        list(argv), capture_output=True, text=True, timeout=timeout, check=False, cwd=cwd
    )
    assert result.returncode == 0, f"{argv} exited {result.returncode}: {result.stderr[-3000:]}"
    return result


def shell_scripts() -> list[Path]:
    found = []
    for path in sorted(PACKAGING.rglob("*")):
        if path.is_file() and path.read_bytes().startswith(b"#!/bin/sh"):
            found.append(path)
    return found


def pins(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            out[re.sub(r"[-_.]+", "-", name).lower()] = version
    return out


def test_every_packaging_shell_script_passes_shellcheck():
    need("shellcheck")
    scripts = shell_scripts()
    names = {p.relative_to(PACKAGING).as_posix() for p in scripts}
    assert {
        "linux/postinst",
        "linux/prerm",
        "linux/postrm",
        "linux/hardener-users",
        "linux/build-deb.sh",
        "macos/postinstall",
        "macos/uninstall.sh",
        "macos/build-payload.sh",
        "windows/build-msi.sh",
        "jamf/extension-attribute.sh",
    } <= names
    result = subprocess.run(
        ["shellcheck", "--shell=sh", *map(str, scripts)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_shellcheck_catches_a_bad_script(tmp_path):
    need("shellcheck")
    bad = tmp_path / "bad"
    bad.write_text("#!/bin/sh\nrm -rf $HOME/$1\n")
    result = subprocess.run(["shellcheck", str(bad)], capture_output=True, check=False)
    assert result.returncode != 0


def test_the_three_dependency_pins_agree():
    linux = pins(PACKAGING / "linux" / "requirements.lock")
    mac = pins(PACKAGING / "macos" / "requirements.lock")
    win = pins(PACKAGING / "windows" / "requirements.lock")
    secret_service = {"secretstorage", "jeepney"}
    assert secret_service <= set(linux)
    assert mac == {k: v for k, v in linux.items() if k not in secret_service}
    windows_only = {"pywin32-ctypes", "pywin32"}  # keyring's and the mcp SDK's Windows bindings
    assert {k: v for k, v in win.items() if k not in windows_only} == mac
    assert windows_only <= set(win)


def test_linux_example_policy_is_valid():
    path = PACKAGING / "linux" / "policy.toml.example"
    text = path.read_text()
    data = parse_toml(text, str(path))
    validate_document(data, str(path), text)
    uninstall = data["uninstall"]
    assert isinstance(uninstall, dict)
    assert uninstall["purge_state"] is False


@pytest.fixture(scope="module")
def mac_payload(tmp_path_factory):
    need("shellcheck")
    out = tmp_path_factory.mktemp("macos") / "out"
    result = run("sh", str(PACKAGING / "macos" / "build-payload.sh"), str(out))
    assert result.stdout.strip() == str(out)
    return out


def test_macos_payload_layout(mac_payload):
    root = mac_payload / "root"
    app = root / MAC_APP
    assert (app / "requirements.lock").read_bytes() == (
        PACKAGING / "macos" / "requirements.lock"
    ).read_bytes()
    for name in ("uninstall.sh",):
        assert os.access(app / name, os.X_OK)
    assert os.access(mac_payload / "scripts" / "postinstall", os.X_OK)
    assert os.access(mac_payload / "build-pkg.sh", os.X_OK)
    top = sorted(p.relative_to(root).as_posix() for p in root.glob("Library/*/*"))
    assert top == [
        "Library/Application Support/hardener",
        "Library/LaunchAgents/io.hardener.agent.plist",
    ]
    # a wheel for every pin, Apple-silicon builds for the compiled ones, and hardener itself
    wheels = [w.name for w in (app / "wheels").glob("*.whl")]
    for name, version in pins(app / "requirements.lock").items():
        match = [
            w
            for w in wheels
            if re.sub(r"[-_.]+", "-", w.split("-")[0]).lower() == name
            and w.split("-")[1] == version
        ]
        assert len(match) == 1, (name, version, match)
        tag = match[0].rsplit("-", 1)[1]
        assert tag == "any.whl" or ("macosx" in tag and "arm64" in tag), match[0]
    assert f"hardener-{__version__}-py3-none-any.whl" in wheels
    build = (mac_payload / "build-pkg.sh").read_text()
    assert "pkgbuild --root root --scripts scripts --identifier io.hardener.agent" in build
    assert f"--version {__version__}" in build
    run(
        "shellcheck",
        str(mac_payload / "build-pkg.sh"),
        str(mac_payload / "scripts" / "postinstall"),
        str(app / "uninstall.sh"),
    )


def test_macos_launch_agent_is_the_one_template(mac_payload):
    path = mac_payload / "root" / "Library" / "LaunchAgents" / "io.hardener.agent.plist"
    agent = plistlib.loads(path.read_bytes())
    program = f"/{MAC_APP}/venv/bin/hardener"
    assert agent["Label"] == "io.hardener.agent"
    assert agent["ProgramArguments"] == [program, "daemon", "run"]
    assert agent["RunAtLoad"] is True
    assert agent["KeepAlive"] == {"SuccessfulExit": False}
    assert agent["LimitLoadToSessionType"] == ["Aqua"]
    definition = ServiceDefinition(argv=(program, "daemon", "run"), scope="global")
    assert path.read_bytes() == launchd.render(definition)
    # postinstall makes exactly the venv the agent runs from
    assert '"$APP/venv"' in (mac_payload / "scripts" / "postinstall").read_text()


def test_macos_configuration_profile_is_read_by_hardener(mac_payload, tmp_path):
    profile = plistlib.loads((mac_payload / "io.hardener.agent.mobileconfig").read_bytes())
    assert profile["PayloadType"] == "Configuration"
    assert profile["PayloadScope"] == "System"
    uuids = [profile["PayloadUUID"]] + [p["PayloadUUID"] for p in profile["PayloadContent"]]
    assert len(set(uuids)) == len(uuids)
    by_type = {p["PayloadType"]: p for p in profile["PayloadContent"]}
    rules = by_type["com.apple.servicemanagement"]["Rules"]
    assert {"RuleType": "Label", "RuleValue": "io.hardener.agent"}.items() <= rules[0].items()
    # macOS materialises a preference payload as /Library/Managed Preferences/<domain>.plist
    # holding the payload's own keys; hardener's managed-preferences reader takes it from there.
    settings = {
        k: v for k, v in by_type["io.hardener.agent"].items() if not k.startswith("Payload")
    }
    managed = tmp_path / "io.hardener.agent.plist"
    managed.write_bytes(plistlib.dumps(settings))
    document = _read_plist_source(managed)
    assert document is not None
    policy = merge_sources([document])
    assert policy.settings.mode == "audit"
    assert policy.settings.uninstall.purge_state is False
    assert policy.source("uninstall.purge_state") == f"managed:{managed}"


@pytest.fixture(scope="module")
def msi(tmp_path_factory):
    need("wixl", "msiinfo", "msiextract")
    out = tmp_path_factory.mktemp("windows") / "out"
    result = run("sh", str(PACKAGING / "windows" / "build-msi.sh"), str(out))
    path = Path(result.stdout.strip())
    assert path == out / f"hardener-{__version__}-x64.msi"
    return path


def table(msi: Path, name: str) -> list[list[str]]:
    text = run("msiinfo", "export", str(msi), name).stdout
    return [line.split("\t") for line in text.splitlines()[3:]]


def test_msi_tables(msi):
    tables = set(run("msiinfo", "tables", str(msi)).stdout.split())
    assert {"File", "Component", "Directory", "CustomAction", "InstallExecuteSequence"} <= tables
    properties = dict((row[0], row[1]) for row in table(msi, "Property"))
    assert properties["ProductName"] == "hardener"
    assert properties["ProductVersion"] == __version__
    assert properties["ALLUSERS"] == "1"
    assert properties["UpgradeCode"] == "{5E0F3A2B-7C41-4D8E-9A6B-2F1C0D3E4B5A}"
    assert "x64" in run("msiinfo", "suminfo", str(msi)).stdout
    actions = {row[0]: row for row in table(msi, "CustomAction")}
    deferred_system = 50 | 1024 | 2048  # exe from a property, deferred, not impersonated
    for name, script in (
        ("HardenerInstall", "install.ps1"),
        ("HardenerUninstall", "uninstall.ps1"),
    ):
        assert int(actions[name][1]) == deferred_system, actions[name]
        assert f'-File "[INSTALLDIR]{script}"' in actions[name][3]
    assert "HARDENERFORCE" in actions["HardenerUninstall"][3]
    sequence = {row[0]: (int(row[2]), row[1]) for row in table(msi, "InstallExecuteSequence")}
    order = lambda name: sequence[name][0]  # noqa: E731
    assert order("InstallInitialize") < order("HardenerUninstall") < order("RemoveFiles")
    assert order("InstallFiles") < order("HardenerInstall") < order("InstallFinalize")
    assert sequence["HardenerUninstall"][1] == 'REMOVE="ALL" AND NOT UPGRADINGPRODUCTCODE'
    assert sequence["HardenerInstall"][1] == 'NOT REMOVE="ALL"'


def test_msi_carries_the_scripts_and_every_pinned_wheel(msi, tmp_path):
    run("msiextract", "-C", str(tmp_path), str(msi))
    installed = next(tmp_path.rglob("install.ps1")).parent
    for name in ("install.ps1", "uninstall.ps1", "requirements.lock"):
        assert (installed / name).read_bytes() == (PACKAGING / "windows" / name).read_bytes()
    for script in ("detect.ps1", "detect-app.ps1", "remediate.ps1", "compliance-discovery.ps1"):
        assert (installed / "intune" / script).read_bytes() == (
            PACKAGING / "intune" / script
        ).read_bytes()
    wheels = [w.name for w in (installed / "wheels").glob("*.whl")]
    for name, version in pins(PACKAGING / "windows" / "requirements.lock").items():
        match = [
            w
            for w in wheels
            if re.sub(r"[-_.]+", "-", w.split("-")[0]).lower() == name
            and w.split("-")[1] == version
        ]
        assert len(match) == 1, (name, version)
        assert match[0].endswith(("-any.whl", "-win_amd64.whl")), match[0]
    assert f"hardener-{__version__}-py3-none-any.whl" in wheels
