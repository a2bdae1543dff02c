"""The .deb as an MDM or fleet tool installs it: built, installed with apt, two real users, removed.

Runs only as root and when asked (``CI`` set, or ``HARDENER_DEB_TEST=1``): it installs a package
machine-wide and creates local accounts. In CI as root every missing prerequisite is a failure, not
a skip. Everything here is the real thing: ``packaging/linux/build-deb.sh``, ``apt-get install``,
``useradd``, each user's agent started as that user (``runuser``) inside their own private D-Bus
session with an unlocked gnome-keyring, the packaged ``/usr/bin/hardener status --all-users`` run
as root, ``apt-get remove``/``purge`` running the maintainer scripts. Users, package and policy
are removed afterwards whatever happens.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import psutil
import pytest

from hardener.policy import load_schema

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "packaging" / "linux" / "build-deb.sh"
SHIM = "/opt/hardener/venv/bin/hardener-shim"
POLICY = Path("/etc/hardener/policy.toml")
TOOLS = (
    "dpkg-deb",
    "apt-get",
    "useradd",
    "userdel",
    "runuser",
    "dbus-run-session",
    "gnome-keyring-daemon",
    "systemd-analyze",
)
KEYRING_PASSWORD = "hardener-deb-test"

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _gate() -> None:
    ci = bool(os.environ.get("CI"))
    opted = os.environ.get("HARDENER_DEB_TEST") == "1"
    if sys.platform != "linux" or not (ci or opted):
        pytest.skip("installs a .deb and creates users: runs in CI, or with HARDENER_DEB_TEST=1")
    if os.geteuid() != 0:
        if opted:
            pytest.fail("HARDENER_DEB_TEST=1 needs root (it installs a package, adds users)")
        pytest.skip("CI without root: the package test needs root")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"missing tools for the package test: {', '.join(missing)} (see .ci/run)")
    if subprocess.run(["dpkg", "-s", "hardener"], capture_output=True, check=False).returncode == 0:
        pytest.fail("a hardener package is already installed here; the test would remove it")
    if POLICY.exists():
        pytest.fail(f"{POLICY} exists; the test sets its own managed policy")


def run(*argv: str, check: bool = True, timeout: float = 300, **kw) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    env = kw.pop("env", None) or {
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "LANG": "C.UTF-8",
        "DEBIAN_FRONTEND": "noninteractive",
        "HOME": "/root",
    }
    result = subprocess.run(
        list(argv), capture_output=True, text=True, timeout=timeout, check=False, env=env, **kw
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(argv)} exited {result.returncode}\nstdout:\n{result.stdout[-3000:]}\n"
            f"stderr:\n{result.stderr[-3000:]}"
        )
    return result


# -- the users and their client configs ---------------------------------------------------------
def configs_for(tag: str) -> dict[str, bytes]:
    """Three clients, three formats, with the details a rewrite could lose (comments, tabs, CRLF)."""
    return {
        ".cursor/mcp.json": (
            b'{\n\t"mcpServers": {\n\t\t"time": {"command": "uvx", "args": ["mcp-server-time"]},\n'
            b'\t\t"files-' + tag.encode() + b'": {\n\t\t\t"command": "npx",\n'
            b'\t\t\t"args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]\n\t\t}\n'
            b"\t}\n}"
        ),
        ".codex/config.toml": (
            b'model = "o4-mini"  # keep this comment\r\n\r\n'
            b"[mcp_servers.fetch]\r\n"
            b'command = "uvx"\r\n'
            b'args = ["mcp-server-fetch", "--user-agent", "' + tag.encode() + b'"]\r\n'
        ),
        ".config/goose/config.yaml": (
            b"# goose settings\nGOOSE_PROVIDER: openai\nextensions:\n  memory:\n"
            b"    enabled: true\n    type: stdio\n    name: memory\n    cmd: npx\n"
            b"    args:\n    - -y\n    - '@modelcontextprotocol/server-memory'\n"
            b"    timeout: 300\n"
        ),
    }


@dataclass
class User:
    name: str
    uid: int
    home: Path
    files: dict[Path, bytes] = field(default_factory=dict)
    agent: subprocess.Popen[str] | None = None
    started: list[subprocess.Popen[str]] = field(default_factory=list)
    log: Path | None = None

    @property
    def state(self) -> Path:
        return self.home / ".local" / "state" / "hardener"

    def env(self) -> list[str]:
        return [
            "env",
            "-i",
            f"HOME={self.home}",
            f"USER={self.name}",
            f"LOGNAME={self.name}",
            "PATH=/usr/bin:/bin",
            "LANG=C.UTF-8",
        ]

    def heartbeat(self) -> dict[str, object]:
        try:
            return json.loads((self.state / "public" / "status.json").read_text())  # type: ignore[no-any-return]
        except (OSError, ValueError):
            return {}

    def processes(self) -> list[psutil.Process]:
        found = []
        for proc in psutil.process_iter(["uids"]):
            uids = proc.info.get("uids")
            if uids is not None and uids.real == self.uid:
                found.append(proc)
        return found


def add_user(tag: str) -> User:
    name = f"hdt{tag}{secrets.token_hex(3)}"
    run("useradd", "--create-home", "--shell", "/bin/sh", name)
    entry = run("getent", "passwd", name).stdout.strip().split(":")
    user = User(name, int(entry[2]), Path(entry[5]))
    for rel, content in configs_for(tag).items():
        path = user.home / rel
        # Written as the user, in their home, like the clients do.
        run(*["runuser", "-u", name, "--"], "mkdir", "-p", str(path.parent))
        run("runuser", "-u", name, "--", "tee", str(path), input=content.decode())
        assert path.read_bytes() == content
        user.files[path] = content
    return user


def start_agent(user: User, log: Path) -> None:
    """The agent as the user's session would run it: their uid, their own bus and keychain."""
    script = (
        'printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets '
        ">/dev/null 2>&1; exec /usr/bin/hardener daemon run"
    )
    user.log = log
    with log.open("a") as sink:
        user.agent = subprocess.Popen(
            [
                "runuser",
                "-u",
                user.name,
                "--",
                *user.env(),
                f"KEYRING_PASSWORD={KEYRING_PASSWORD}",
                "dbus-run-session",
                "--",
                "sh",
                "-c",
                script,
            ],
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=sink,
            text=True,
        )
    user.started.append(user.agent)


def agent_log(user: User) -> str:
    return user.log.read_text(errors="replace")[-3000:] if user.log and user.log.exists() else ""


def wait_for(predicate, what: str, timeout: float = 120.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def agent_running(user: User) -> bool:
    beat = user.heartbeat()
    return beat.get("state") == "running" and bool(beat.get("sealing", {}).get("ok"))  # type: ignore[union-attr]


def hardened(user: User) -> bool:
    return all(SHIM.encode() in path.read_bytes() for path in user.files)


def kill_user_processes(user: User) -> None:
    """End what the test started as this (throwaway) user: by pid, TERM then KILL."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        procs = user.processes()
        if not procs:
            return
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                proc.send_signal(sig)
        psutil.wait_procs(procs, timeout=10)


# -- the status contract ------------------------------------------------------------------------
def status(fmt: str) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    """``hardener status`` exactly as an MDM runs it: root, a bare environment, no user's bus."""
    return run(
        "/usr/bin/hardener",
        "status",
        "--all-users",
        "--format",
        fmt,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": "/root", "LANG": "C.UTF-8"},
    )


def users_in(document: dict[str, object]) -> dict[str, dict[str, object]]:
    users = document["users"]
    assert isinstance(users, list)
    return {u["user"]: u for u in users}


@pytest.fixture
def package_env(tmp_path: Path) -> Iterator[dict[str, object]]:
    _gate()
    state: dict[str, object] = {"users": []}
    try:
        yield state
    finally:
        users: list[User] = state["users"]  # type: ignore[assignment]
        for user in users:
            kill_user_processes(user)
            for proc in user.started:
                if proc.poll() is None:
                    proc.kill()
                proc.wait(timeout=30)
        if run("dpkg", "-s", "hardener", check=False).returncode == 0:
            env = {
                "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
                "HARDENER_FORCE_REMOVE": "1",
                "DEBIAN_FRONTEND": "noninteractive",
                "HOME": "/root",
            }
            run("apt-get", "purge", "-y", "-q", "hardener", check=False, env=env)
        if state.get("policy_written"):
            POLICY.unlink(missing_ok=True)
            with_parent = POLICY.parent
            if with_parent.is_dir() and not any(with_parent.iterdir()):
                with_parent.rmdir()
        for user in users:
            kill_user_processes(user)
            run("userdel", "--remove", user.name, check=False)


def test_deb_install_harden_status_remove_purge(package_env, tmp_path):
    started = time.monotonic()
    timings: dict[str, float] = {}

    # 1. build the package with the script CI and release engineers use
    out = tmp_path / "dist"
    built = run(
        "sh",
        str(BUILD),
        str(out),
        timeout=600,
        env={**os.environ, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
    )
    debs = sorted(out.glob("hardener_*.deb"))
    assert len(debs) == 1, built.stderr
    deb = debs[0]
    assert built.stdout.strip() == str(deb)
    fields = run("dpkg-deb", "--field", str(deb), "Package", "Depends", "Architecture").stdout
    assert re.search(r"^Depends: python3\.1\d", fields, re.M), fields
    listing = run("dpkg-deb", "--contents", str(deb)).stdout
    assert "./usr/lib/systemd/user/hardener.service" in listing
    assert "/opt/hardener/venv/lib/python3" in listing
    assert (
        str(tmp_path)
        not in run(
            "sh",
            "-c",
            f"dpkg-deb --fsys-tarfile {deb} | tar -xOf - ./opt/hardener/venv/bin/hardener",
        ).stdout
    )
    timings["build"] = time.monotonic() - started

    # 2. two people with client configs, before the package arrives
    users = [add_user("a"), add_user("b")]
    package_env["users"] = users

    # 3. install as an MDM/fleet tool does; nothing of any user's changes at install
    run("apt-get", "install", "-y", "-q", "--no-install-recommends", str(deb), timeout=300)
    for user in users:
        for path, content in user.files.items():
            assert path.read_bytes() == content, f"install touched {path}"
        assert not user.state.exists(), "install created per-user state"
    for link in ("/usr/bin/hardener", "/usr/bin/hardener-shim"):
        assert Path(link).resolve().is_file(), link
    wants = Path("/etc/systemd/user/default.target.wants/hardener.service")
    assert wants.is_symlink()
    assert wants.resolve() == Path("/usr/lib/systemd/user/hardener.service")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    verify = run(
        "systemd-analyze",
        "verify",
        "--user",
        "/usr/lib/systemd/user/hardener.service",
        check=False,
        env={"PATH": "/usr/bin:/bin", "XDG_RUNTIME_DIR": str(runtime), "HOME": str(tmp_path)},
    )
    assert verify.returncode == 0, verify.stderr
    assert "hardener.service" not in verify.stderr, verify.stderr
    # with no managed policy, a purge would keep every user's state
    plan = tmp_path / "plan"
    run("/usr/lib/hardener/hardener-users", "plan-purge", str(plan))
    assert plan.read_text() == ""
    timings["install"] = time.monotonic() - started

    # 4. each user's agent starts in their own session: the first start hardens their configs
    for user in users:
        start_agent(user, tmp_path / f"agent-{user.name}.log")
    for user in users:
        wait_for(lambda u=user: agent_running(u), f"the agent of {user.name}: {agent_log(user)}")
        wait_for(lambda u=user: hardened(u), f"the configs of {user.name} to be wrapped", 60)
        assert user.agent is not None
        assert user.agent.poll() is None
        assert (user.state / "backups").is_dir()
        assert user.state.stat().st_uid == user.uid
        daemon = run(
            "runuser",
            "-u",
            user.name,
            "--",
            *user.env(),
            "/usr/bin/hardener",
            "daemon",
            "status",
            "--json",
            check=False,
        )
        installed = json.loads(daemon.stdout)["installed"]
        assert installed["global"] == "/usr/lib/systemd/user/hardener.service", daemon.stdout
    timings["agents"] = time.monotonic() - started

    # 5. root asks, as Jamf/Intune/a fleet tool would: every user, each format, the exit contract
    result = status("json")
    document = json.loads(result.stdout)
    jsonschema.validate(document, load_schema("status.schema.json"))
    per_user = users_in(document)
    for user in users:
        report = per_user[user.name]
        failing = [c for c in report["checks"] if c["result"] != "pass" and c["required"]]  # type: ignore[union-attr]
        assert report["verdict"] == "compliant", failing
        assert report["home"] == str(user.home)
        assert isinstance(report["ledger"]["seq"], int)  # type: ignore[index]
    assert result.returncode == 0, document["failing"]
    assert document["compliant"] is True
    jamf = status("jamf")
    assert (jamf.returncode, jamf.stdout, jamf.stderr) == (0, "<result>COMPLIANT</result>\n", "")
    intune = status("intune")
    assert intune.returncode == 0
    assert intune.stderr == ""
    assert intune.stdout.count("\n") == 1
    assert json.loads(intune.stdout)["compliant"] is True

    # one user's agent stops: that user (and only that user) is reported, and the exit says so
    stopped = users[1]
    run(
        "runuser",
        "-u",
        stopped.name,
        "--",
        *stopped.env(),
        "/usr/bin/hardener",
        "-q",
        "daemon",
        "stop",
        "--timeout",
        "60",
    )
    assert stopped.agent is not None
    stopped.agent.wait(timeout=60)
    result = status("json")
    assert result.returncode == 1
    per_user = users_in(json.loads(result.stdout))
    assert per_user[users[0].name]["verdict"] == "compliant"
    assert per_user[stopped.name]["verdict"] != "compliant"
    assert "agent.running" in per_user[stopped.name]["failing"]  # type: ignore[operator]
    jamf = status("jamf")
    assert jamf.returncode == 1
    assert jamf.stderr == ""
    assert jamf.stdout.startswith("<result>NONCOMPLIANT ")
    assert "agent.running" in jamf.stdout
    intune = status("intune")
    assert intune.returncode == 1
    assert json.loads(intune.stdout)["compliant"] is False
    start_agent(
        stopped, tmp_path / f"agent-{stopped.name}.log"
    )  # back up: remove must stop a running agent itself
    wait_for(lambda: agent_running(stopped), f"the agent of {stopped.name} again")
    timings["status"] = time.monotonic() - started

    # 6. the security team allows purging; remove stops every agent and restores every file
    POLICY.parent.mkdir(mode=0o755, exist_ok=True)
    POLICY.write_text('mode = "audit"\n[uninstall]\npurge_state = true\n')
    POLICY.chmod(0o644)
    package_env["policy_written"] = True
    removed = run("apt-get", "remove", "-y", "-q", "hardener", timeout=300)
    for user in users:
        assert user.agent is not None
        assert user.agent.wait(timeout=60) == 0, agent_log(user)
        for path, content in user.files.items():
            assert path.read_bytes() == content, f"{path} not restored byte for byte"
        assert user.state.is_dir(), "remove deleted state (only purge may)"
        # apt-get passes the maintainer scripts' output through on its stdout
        assert f"restored the client configs of {user.name}" in removed.stdout + removed.stderr
    assert not Path("/opt/hardener").exists()
    assert not Path("/usr/bin/hardener").exists()
    assert not wants.exists()
    timings["remove"] = time.monotonic() - started

    # 7. purge, allowed by the managed policy: each user's state goes, their configs stay
    run("apt-get", "purge", "-y", "-q", "hardener", timeout=300)
    for user in users:
        assert not user.state.exists(), f"{user.state} survived an allowed purge"
        for path, content in user.files.items():
            assert path.read_bytes() == content
    assert not Path("/var/lib/hardener").exists()
    timings["purge"] = time.monotonic() - started
    rounded = {k: round(v, 1) for k, v in timings.items()}
    print("package test timings (cumulative s):", json.dumps(rounded))
