"""The steps of ``hardener demo``, each with a short narrative and a claim it checks (L3 edge).

Every ``hardener`` command runs as its own process (exactly what a user would type), in the
sandbox's environment; the daemon is the real ``hardener daemon run``; the MCP session is the
official SDK client launching the server the way VS Code's (hardened) entry says. A step whose
claim does not hold makes the demo fail (exit 3) after cleaning up.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from hardener.demo.clients import SERVER, DemoConfig, configs, write_configs
from hardener.demo.sandbox import Sandbox, make_sandbox, setup_keys
from hardener.demo.session import BURST, DEMO_TOKEN, run_session
from hardener.errors import HardenerError

T = TypeVar("T")

POLICY = """# the demo's policy (a sandbox: nothing here applies to your machine)
mode = "audit"          # record and alert, never block: the demo wants to show the alerts
[detectors]
burst_calls = 20        # 30 calls of one tool within burst_window_seconds raise frequency.burst
burst_window_seconds = 30
[ledger]
checkpoint_seconds = 2
"""
INSECURE = """[keychain]
allow_insecure_backend = true   # only for the demo's labelled file key store
"""
EXPECTED_RULES = (
    "description.poisoning",
    "definition.changed",
    "frequency.burst",
    "server-request.sampling",
    "secrets.in-arguments",
)
WAIT_SECONDS = 20.0


class DemoFailed(HardenerError):
    default_remedy = (
        "Nothing outside the sandbox was touched. Please report the output above with "
        "'hardener --version' (with --keep DIR the sandbox and its daemon.out stay for a look)."
    )


@dataclass
class Outcome:
    """What the demo showed, for ``--json`` and the integration test."""

    sandbox: str
    keystore: str
    steps: list[dict[str, object]] = field(default_factory=list)
    claims: dict[str, object] = field(default_factory=dict)
    seconds: float = 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "sandbox": self.sandbox,
            "keystore": self.keystore,
            "seconds": round(self.seconds, 3),
            "steps": self.steps,
            "claims": self.claims,
        }


class Demo:
    def __init__(
        self,
        root: Path,
        *,
        keystore: str = "auto",
        say: Callable[[str], None] = print,
        verbose: bool = False,
    ) -> None:
        self.started = time.monotonic()
        self.root = root
        self.say = say
        self.verbose = verbose
        self.keystore_choice = keystore
        self.box: Sandbox = make_sandbox(root)
        self.outcome = Outcome(str(root), "")
        self.daemon: subprocess.Popen[bytes] | None = None
        self.items: list[DemoConfig] = []
        self._step = 0

    # --- helpers ------------------------------------------------------------------------------
    def step(self, title: str) -> None:
        self._step += 1
        elapsed = time.monotonic() - self.started
        self.say(f"\n[{self._step}] {title}   ({elapsed:.1f} s)")
        self.outcome.steps.append({"n": self._step, "title": title, "at": round(elapsed, 3)})

    def note(self, text: str) -> None:
        for line in text.rstrip("\n").splitlines():
            self.say(f"    {line}")

    def hardener(
        self, *args: str, show: bool = True, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        if show:
            self.say(f"    $ hardener {' '.join(args)}")
        return subprocess.run(
            [sys.executable, "-m", "hardener", *args],
            env=env or self.box.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=str(self.box.home),
        )

    def claim(self, name: str, value: object, ok: bool, why: str) -> None:
        self.outcome.claims[name] = value
        if not ok:
            if self.verbose:
                self.say(f"--- the daemon's log (last lines) ---\n{self._daemon_log()}")
            raise DemoFailed(f"the demo's claim '{name}' did not hold: {why.strip()[:500]}")

    # --- the steps ----------------------------------------------------------------------------
    def run(self) -> Outcome:
        try:
            self.intro()
            self.write_clients()
            self.harden()
            self.start_daemon()
            self.mcp_sessions()
            self.seal()
            self.alerts()
            self.verify()
            self.tamper_copy()
            self.restore()
        finally:
            self.stop_daemon()
            if self.box.keys is not None:
                self.box.keys.stop()
        self.outcome.seconds = time.monotonic() - self.started
        return self.outcome

    def intro(self) -> None:
        self.say(
            f"hardener demo: a throwaway home at {self.box.home} (nothing of yours is touched)"
        )
        keys = setup_keys(self.box, self.keystore_choice)
        self.outcome.keystore = keys.kind
        self.say(f"key store: {keys.description}")
        policy = POLICY + (INSECURE if keys.kind == "file" else "")
        policy_file = self.box.home / ".config" / "hardener" / "policy.toml"
        policy_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        policy_file.write_text(policy, encoding="utf-8")
        from hardener.paths import Platform, managed_policy_location

        managed = [p for p in managed_policy_location(Platform.current()).files if p.exists()]
        if managed:  # an MDM's policy outranks the sandbox's, as it should
            self.say(f"note: the managed policy {managed[0]} applies inside the sandbox too")

    def write_clients(self) -> None:
        self.step("Three AI clients, each with an MCP server, in their own formats")
        self.items = configs(self.box.home, self.root / "server-starts")
        write_configs(self.items)
        for item in self.items:
            self.note(f"{self.box.tilde(item.path):<32} {item.label}")
        self.outcome.claims["configs"] = {
            item.client: hashlib.sha256(item.text.encode()).hexdigest() for item in self.items
        }

    def harden(self) -> None:
        self.step("harden: every server entry now starts through hardener-shim (only that entry)")
        dry = self.hardener("harden", "--dry-run")
        diff = dry.stdout.replace(str(self.box.home), "~").replace(sys.prefix, "$VENV")
        diff = diff.replace("--- a~", "--- ~").replace("+++ b~", "+++ ~")
        shown = [line for line in diff.splitlines() if line.startswith(("+", "-", "@@"))]
        self.note("\n".join(shown[:14]) + ("\n…" if len(shown) > 14 else ""))
        done = self.hardener("harden", "--yes")
        wrapped = sum(1 for item in self.items if "hardener-shim" in item.path.read_text())
        self.note(f"{wrapped} of {len(self.items)} files wrapped; comments and order kept")
        self.claim("hardened", wrapped, done.returncode == 0 and wrapped == 3, done.stderr)

    def start_daemon(self) -> None:
        self.step("The per-user agent starts: it seals what the shims record and raises alerts")
        self.say("    $ hardener daemon run &")
        log = open(self.root / "daemon.out", "wb")  # noqa: SIM115 - the daemon's lifetime
        self.daemon = subprocess.Popen(
            [sys.executable, "-m", "hardener", "daemon", "run"],
            env=self.box.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=str(self.box.home),
        )
        log.close()
        beat = self._wait(self._heartbeat, "the daemon's first heartbeat")
        self.note(f"running (pid {beat['pid']}); ledger enrolled, key in the key store")

    def _heartbeat(self) -> dict[str, object] | None:
        assert self.daemon is not None
        if self.daemon.poll() is not None:
            raise DemoFailed(f"the daemon exited ({self.daemon.returncode}): {self._daemon_log()}")
        try:
            beat = json.loads((self.box.state_dir / "public" / "status.json").read_text())
        except (OSError, ValueError):
            return None
        ready = beat.get("pid") == self.daemon.pid and beat.get("state") == "running"
        return beat if ready else None

    def _daemon_log(self) -> str:
        try:
            return (self.root / "daemon.out").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def _wait(self, probe: Callable[[], T | None], what: str) -> T:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            value = probe()
            if value:
                return value
            if time.monotonic() > deadline:
                raise DemoFailed(f"timed out waiting for {what}")
            time.sleep(0.05)

    def _entry(self) -> tuple[str, list[str]]:
        """The launch command of the hardened VS Code entry, as VS Code would read it."""
        from hardener.formats.registry import codec_for

        vscode = self.items[0]
        entry = codec_for("jsonc").parse(vscode.path.read_text())["servers"][SERVER]
        return str(entry["command"]), [str(a) for a in entry["args"]]

    def mcp_sessions(self) -> None:
        self.step("An MCP client (the official SDK) uses the server via VS Code's entry")
        command, args = self._entry()
        self.note(f"launches {Path(command).name} {' '.join(args[:5])} … (the shim relays)")
        first = run_session(command, args, self.box.env)
        self.note(f"tools/list: {', '.join(first.tools)}")
        self.note("  search_notes' description tells the model to read ~/.ssh/id_rsa")
        self.note(f"{first.calls} calls: get_weather, {BURST} x ping in a row, deploy with")
        self.note(
            "  a GitHub token in its arguments, summarize (the server asks the client's model"
        )
        self.note("  to write text: a sampling request)")
        second = run_session(command, args, self.box.env, full=False)
        changed = first.tools.get("get_weather") != second.tools.get("get_weather")
        self.note("the server starts again: get_weather's definition is not the one first seen")
        self.claim("definition_changed_on_restart", changed, changed, "get_weather is unchanged")
        self.outcome.claims["calls"] = first.calls + second.calls

    def _sealed(self) -> dict[str, object] | None:
        from hardener.ledger.query import iter_records, view

        ends, rules = 0, set()
        for record in iter_records(self.box.state_dir / "ledger"):
            if record.kind == "session.end":
                ends += 1
            elif record.kind == "alert":
                item = view(record)
                body = item.event.get("body") if item is not None else None
                if isinstance(body, dict):
                    rules.add(str(body.get("rule")))
        if ends >= 2 and all(rule in rules for rule in EXPECTED_RULES):
            return {"sessions": ends, "rules": sorted(rules)}
        return None

    def seal(self) -> None:
        self.step("The daemon seals both sessions into the ledger and runs the detectors")
        found = self._wait(self._sealed, "the sealed sessions and their alerts")
        self.stop_daemon()
        self.note(f"{found['sessions']} sessions sealed; the agent stopped (final checkpoint)")
        ledger = self.box.state_dir / "ledger"
        raw = b"".join(p.read_bytes() for p in sorted(ledger.glob("*.jsonl")))
        spool = b"".join(p.read_bytes() for p in (self.box.state_dir / "spool").glob("*"))
        leaked = DEMO_TOKEN.encode() in raw or DEMO_TOKEN.encode() in spool
        marker = re.search(rb'"token":"(\[redacted:[^"]*)"', raw)
        shown = marker.group(1).decode() if marker else "?"
        self.note(f"the token is nowhere on disk; the ledger holds {shown} in its place")
        self.claim("token_redacted", not leaked, not leaked, "the demo token is in the ledger")

    def stop_daemon(self) -> None:
        daemon, self.daemon = self.daemon, None
        if daemon is None or daemon.poll() is not None:
            return
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=20)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait(timeout=5)

    def alerts(self) -> None:
        self.step("What a security team sees")
        table = self.hardener("alerts")
        self.note(table.stdout or table.stderr)
        document = json.loads(self.hardener("alerts", "--json", show=False).stdout)
        rules = sorted({a["alert"]["rule"] for a in document["alerts"]})
        missing = [r for r in EXPECTED_RULES if r not in rules]
        self.claim("alert_rules", rules, not missing, f"no alert for {', '.join(missing)}")

    def verify(self) -> None:
        self.step("The ledger proves its own integrity")
        result = self.hardener("log", "verify", "--all")
        self.note(result.stdout)
        self.claim("verify_exit", result.returncode, result.returncode == 0, result.stderr)

    def tamper_copy(self) -> None:
        self.step("Someone edits one sealed record (in a copy of the ledger)")
        copy_home = self.root / "tampered-copy"
        copy_state = copy_home / ".local" / "state" / "hardener"
        copy_state.mkdir(parents=True, exist_ok=True, mode=0o700)
        for name in ("ledger", "public"):
            shutil.copytree(self.box.state_dir / name, copy_state / name, dirs_exist_ok=True)
        seq, segment, line = _edit_one_record(copy_state / "ledger")
        self.note(f'record seq {seq} ({segment} line {line}): "service":"web" -> "www"')
        env = {
            **self.box.env,
            "HOME": str(copy_home),
            "XDG_STATE_HOME": str(copy_home / ".local" / "state"),
        }
        result = self.hardener("log", "verify", "--all", "--json", show=False, env=env)
        self.say("    $ hardener log verify --all        (on the copy)")
        human = self.hardener("log", "verify", "--all", show=False, env=env)
        self.note(human.stdout)
        finding = json.loads(result.stdout).get("finding") or {}
        self.claim(
            "tampered",
            {"exit": result.returncode, "seq": finding.get("seq"), "edited": seq},
            result.returncode == 1 and finding.get("seq") == seq,
            f"verify said {finding} for the edit of seq {seq}",
        )

    def restore(self) -> None:
        self.step("restore: every config back, byte for byte")
        result = self.hardener("restore", "--yes")
        same = {item.client: item.path.read_bytes() == item.text.encode() for item in self.items}
        for item in self.items:
            verdict = "byte-identical" if same[item.client] else "DIFFERENT"
            self.note(f"{self.box.tilde(item.path):<32} {verdict} to the original")
        self.claim(
            "restored_identical", same, result.returncode == 0 and all(same.values()), result.stderr
        )


def _edit_one_record(ledger: Path) -> tuple[int, str, int]:
    """Change ``"service":"web"`` to ``"www"`` in the ``deploy`` call (same length, MAC breaks)."""
    for path in sorted(ledger.glob("*.jsonl")):
        lines = path.read_bytes().split(b"\n")
        for index, line in enumerate(lines):
            if b'"kind":"tool.call"' in line and b'"service":"web"' in line:
                lines[index] = line.replace(b'"service":"web"', b'"service":"www"', 1)
                path.write_bytes(b"\n".join(lines))
                seq = int(json.loads(line)["seq"])
                return seq, path.name, index + 1
    raise DemoFailed("the deploy call is not in the ledger")


def run_demo(root: Path, *, keystore: str, say: Callable[[str], None], verbose: bool) -> Outcome:
    return Demo(root, keystore=keystore, say=say, verbose=verbose).run()
