"""Mistral Vibe (``~/.vibe/config.toml``, ``[[mcp_servers]]``): the real ``hardener`` wraps a
stdio server, leaves a ``command`` line Vibe would split alone, bridges a static-header remote as
``transport = "stdio"``, and restores byte-exact.

With ``HARDENER_VIBE_PYTHON`` naming an interpreter where the real ``mistral-vibe`` is installed
(it needs Python 3.12+, which this project's CI image does not have), Vibe's own config loader reads
the hardened file and must see the shim's argv; without it that part is skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.daemon import run_hardener, sandbox_env

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "clients" / "vibe" / ".vibe"

VIBE_READS = """
import asyncio, json
from vibe.core.config.default_orchestrator import build_user_config_orchestrator
from vibe.core.config.harness_files import init_harness_files_manager
init_harness_files_manager("user")  # what the vibe entry point does, user layer only
async def main():
    orchestrator = await build_user_config_orchestrator()
    out = []
    for server in orchestrator.config.mcp_servers:
        argv = server.argv() if hasattr(server, "argv") else None
        out.append({"name": server.name, "transport": server.transport, "argv": argv})
    print(json.dumps(out))
asyncio.run(main())
"""


def _home(tmp_path: Path, *, bridge: bool) -> tuple[Path, Path]:
    home = tmp_path / "home"
    shutil.copytree(FIXTURE, home / ".vibe")
    if bridge:
        policy = home / ".config" / "hardener" / "policy.toml"
        policy.parent.mkdir(parents=True)
        policy.write_text('remote_servers = "bridge"\n')
    return home, home / ".vibe" / "config.toml"


def _vibe_sees(home: Path, config: Path) -> dict[str, dict]:
    python = os.environ.get("HARDENER_VIBE_PYTHON")
    if not python:
        pytest.skip("HARDENER_VIBE_PYTHON (an interpreter with mistral-vibe) is not set")
    copy = home / "vibe-copy"  # Vibe may migrate the file it loads: it reads a copy
    shutil.copytree(config.parent, copy)
    env = {"HOME": str(home), "VIBE_HOME": str(copy), "PATH": os.environ.get("PATH", "")}
    done = subprocess.run(
        [python, "-c", VIBE_READS],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return {s["name"]: s for s in json.loads(done.stdout.splitlines()[-1])}


def test_vibe_is_hardened_and_restored_byte_exact(tmp_path):
    home, config = _home(tmp_path, bridge=True)
    original = config.read_bytes()
    env = sandbox_env(home, keychain=False)
    scan = run_hardener(home, "scan", "--json", "--client", "vibe", env=env)
    servers = {
        s["name"]: s
        for c in json.loads(scan.stdout)["clients"]
        for f in c["files"]
        for s in f["servers"]
    }
    assert {n: s["state"] for n, s in servers.items()} == {
        "fetch": "unwrapped",
        "memory": "invalid",
        "docs": "remote",
    }
    harden = run_hardener(home, "harden", "--yes", "--client", "vibe", env=env)
    assert harden.returncode == 0, harden.stderr
    text = config.read_text()
    assert 'command = "npx -y @modelcontextprotocol/server-memory"' in text  # left alone
    assert 'transport = "stdio"' in text.split('name = "docs"')[1]  # bridged
    assert "X-API-Key:demo-key" in text
    seen = _vibe_sees(home, config) if os.environ.get("HARDENER_VIBE_PYTHON") else None
    restore = run_hardener(home, "restore", "--yes", "--client", "vibe", env=env)
    assert restore.returncode == 0, restore.stderr
    assert config.read_bytes() == original
    if seen is None:
        pytest.skip("HARDENER_VIBE_PYTHON (an interpreter with mistral-vibe) is not set")
    fetch = seen["fetch"]["argv"]
    assert Path(fetch[0]).name.startswith("hardener-shim")
    assert fetch[1:] == ["--client", "vibe", "--server", "fetch", "--", "uvx", "mcp-server-fetch"]
    assert seen["memory"]["argv"] == ["npx", "-y", "@modelcontextprotocol/server-memory"]
    docs = seen["docs"]
    assert docs["transport"] == "stdio"
    assert Path(docs["argv"][0]).name.startswith("hardener-shim")
    assert "https://docs.example.com/mcp" in docs["argv"]


def test_a_shim_path_vibe_would_split_is_refused(tmp_path):
    from hardener.clients import registry
    from hardener.clients.entries import classify, one_word

    spec = registry.get("vibe")
    assert one_word("/usr/bin/hardener-shim")
    assert not one_word("/Library/Application Support/hardener/bin/hardener-shim")
    line = classify(spec.entry, {"name": "x", "transport": "stdio", "command": "npx -y x"})
    assert "command line the client splits" in line.problem
    listed = classify(spec.entry, {"name": "x", "transport": "stdio", "command": ["npx", "x"]})
    assert listed.problem  # a list command is reported, never edited
