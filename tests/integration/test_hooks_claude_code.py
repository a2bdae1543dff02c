"""The real Claude Code CLI runs hardener's hooks; the real daemon pairs them with the shim.

Claude Code (``@anthropic-ai/claude-code`` from ``tests/package.json``) talks to a loopback
stand-in for the model API (:mod:`tests.integration.anthropic_standin`: the only part that is not
real; there is no model offline), which asks it to call ``get_current_time`` of the real
``mcp-server-time``. Everything else is what a user has: ``claude mcp add``, ``hardener harden``,
``hardener hooks install``, the agent sealing with the real keychain, the hook commands run by
Claude Code itself with the JSON it really sends, the shim relaying to the server. Then the same
call through an ``--mcp-config`` file hardener does not manage (the server runs unwrapped) raises
``sensor.unshimmed-call``. The sealed records also reach a loopback OTLP receiver as spans, logs
and metrics that parse as the official OTLP messages.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.integration.anthropic_standin import AnthropicStandIn
from tests.integration.otlp_receiver import OtlpReceiver, attrs
from tests.support.daemon import run_hardener, sandbox_env, start_daemon, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.keychain]

REPO = Path(__file__).resolve().parents[2]
CLAUDE = REPO / "tests" / "node_modules" / ".bin" / "claude"
TOOL = "mcp__time__get_current_time"
TIME = [sys.executable, "-m", "mcp_server_time"]


def _claude(home: Path, env: dict[str, str], api: str, *extra: str) -> dict[str, Any]:
    run_env = {
        **env,
        "ANTHROPIC_BASE_URL": api,
        "ANTHROPIC_API_KEY": "sk-ant-test-not-a-key",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_AUTOUPDATER": "1",
        "ENABLE_TOOL_SEARCH": "false",  # MCP tools offered directly, not behind ToolSearch
    }
    done = subprocess.run(
        [
            str(CLAUDE),
            "-p",
            "What time is it in Paris?",
            "--allowedTools",
            TOOL,
            "--output-format",
            "json",
            *extra,
        ],
        env=run_env,
        cwd=home / "project",
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return dict(json.loads(done.stdout))


def _events(ledger: Path) -> list[tuple[int, dict[str, Any]]]:
    out = []
    for line in ledger.read_text().splitlines():
        record = json.loads(line)
        event = record["body"].get("event") if isinstance(record["body"], dict) else None
        if isinstance(event, dict):
            out.append((record["seq"], event))
    return out


def _of(events: list[tuple[int, dict[str, Any]]], kind: str) -> list[dict[str, Any]]:
    return [e for _, e in events if e["kind"] == kind]


@pytest.mark.skipif(
    not CLAUDE.exists(), reason="Claude Code CLI not installed (tests/package.json)"
)
@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_claude_code_hooks_pair_with_the_shim_and_catch_an_unwrapped_server(tmp_path):
    if sys.platform == "linux" and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        if os.environ.get("CI"):
            pytest.fail("CI must run this under dbus-run-session with gnome-keyring")
        pytest.skip("no session D-Bus; run the suite through scripts/test")
    home = tmp_path / "home"
    (home / "project").mkdir(parents=True)
    env = sandbox_env(home)
    with OtlpReceiver() as otlp, AnthropicStandIn(TOOL, {"timezone": "Europe/Paris"}) as api:
        policy = home / ".config" / "hardener" / "policy.toml"
        policy.parent.mkdir(parents=True)
        policy.write_text(
            "[detectors]\nsensor_window_seconds = 2\n[daemon]\nheartbeat_seconds = 1\n"
            f'[hooks]\nrequired = ["claude-code"]\n'
            f'[[export.targets]]\ntype = "otlp"\nendpoint = "{otlp.url}"\n'
        )
        added = subprocess.run(
            [str(CLAUDE), "mcp", "add", "--scope", "user", "time", "--", *TIME],
            env={**env, "DISABLE_AUTOUPDATER": "1"},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert added.returncode == 0, added.stderr
        assert run_hardener(home, "harden", "--yes", env=env).returncode == 0
        before = run_hardener(home, "status", "--json", env=env)
        checks = {c["id"]: c for c in json.loads(before.stdout)["checks"]}
        assert checks["hooks.installed"]["result"] == "fail"
        installed = run_hardener(home, "hooks", "install", "--client", "claude-code", env=env)
        assert installed.returncode == 0, installed.stderr
        daemon = start_daemon(home, env=env)
        try:
            daemon.wait_ready()
            ledger = daemon.paths.ledger_dir / "ledger.jsonl"
            result = _claude(home, env, api.url)
            assert result["is_error"] is False
            # the hook (both phases) and the shim saw the same call; the daemon paired them
            events = wait_until(
                lambda: (
                    (e := _events(ledger)) and _of(e, "hook.result") and _of(e, "tool.result") and e
                ),
                what="hook and shim events sealed",
            )
            call = _of(events, "hook.call")[0]
            shim_call = _of(events, "tool.call")[0]
            assert call["server"] == shim_call["server"] == "time"
            assert call["body"]["tool"] == shim_call["body"]["tool"] == "get_current_time"
            assert call["body"]["fingerprints"] == shim_call["body"]["fingerprints"] != {}
            assert call["body"]["client_session"]
            assert call["body"]["decision"] == "allow"
            assert _of(events, "hook.result")[0]["body"]["status"] == "ok"
            paired = wait_until(
                lambda: (
                    ((daemon.heartbeat() or {}).get("detection") or {})
                    .get("sensors", {})
                    .get("paired")
                ),
                what="the daemon pairing the hook call with the shim call",
            )
            assert paired >= 1
            assert not [
                a
                for a in _of(_events(ledger), "alert")
                if a["body"]["rule"] == "sensor.unshimmed-call"
            ]
            status = run_hardener(home, "status", "--json", env=env)
            checks = {c["id"]: c for c in json.loads(status.stdout)["checks"]}
            assert checks["hooks.installed"]["result"] == "pass", checks["hooks.installed"]

            # the same server from a config hardener does not manage: started without the shim
            bypass = home / "bypass.json"
            bypass.write_text(
                json.dumps({"mcpServers": {"time": {"command": TIME[0], "args": TIME[1:]}}})
            )
            _claude(home, env, api.url, "--strict-mcp-config", "--mcp-config", str(bypass))
            alert = wait_until(
                lambda: [
                    a
                    for a in _of(_events(ledger), "alert")
                    if a["body"]["rule"] == "sensor.unshimmed-call"
                ],
                what="a sensor.unshimmed-call alert",
            )[0]["body"]
            assert alert["server"] == "time"
            assert alert["tool"] == "get_current_time"
            assert alert["severity"] == "high"

            # OTLP: the sealed tool call as a span following the MCP conventions, every record
            # as a log carrying its ledger seq and hash
            spans = wait_until(
                lambda: [s for s in otlp.spans() if s.name == "tools/call get_current_time"],
                what="the tool call span at the OTLP receiver",
            )
            span = attrs(spans[0])
            assert span["mcp.method.name"] == "tools/call"
            assert span["gen_ai.tool.name"] == "get_current_time"
            assert span["network.transport"] == "pipe"
            assert span["mcp.session.id"] == shim_call["session"]
            assert span["jsonrpc.request.id"] == str(shim_call["body"]["id"])
            assert span["mcp.protocol.version"]
            assert spans[0].end_time_unix_nano >= spans[0].start_time_unix_nano > 0
            exported = {}
            for line in run_hardener(home, "log", "export", env=env).stdout.splitlines():
                record = json.loads(line)
                exported[record["seq"]] = record["hash"]
            assert exported[span["hardener.ledger.seq"]] == span["hardener.ledger.hash"]
            logs = wait_until(
                lambda: [
                    attrs(r)
                    for r in otlp.logs()
                    if attrs(r).get("hardener.event.kind") == "hook.call"
                ],
                what="hook.call log records at the OTLP receiver",
            )
            for log in logs:
                assert exported[log["hardener.ledger.seq"]] == log["hardener.ledger.hash"]
            metric = wait_until(
                lambda: [m for m in otlp.metrics() if m.name == "mcp.client.operation.duration"],
                what="the duration metric",
            )[0]
            assert metric.unit == "s"
            assert metric.histogram.data_points[0].count == 1
            assert otlp.errors == []
        finally:
            assert daemon.stop() == 0, daemon.stderr()
    uninstalled = run_hardener(home, "hooks", "uninstall", env=env)
    assert uninstalled.returncode == 0, uninstalled.stderr
