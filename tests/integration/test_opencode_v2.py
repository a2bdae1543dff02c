"""opencode V2's layout (``mcp.servers.<name>``, ``"disabled": true``, settings such as
``mcp.timeout`` beside ``servers``) next to V1's (``mcp.<name>``): the inventory finds the servers
of both, and the real ``hardener`` wraps a V2 file and restores it byte-exact."""

from __future__ import annotations

import json
from pathlib import Path

from hardener.clients import registry
from hardener.clients.entries import Kind, classify
from hardener.clients.inventory import servers
from hardener.formats.registry import codec_for
from tests.support.daemon import run_hardener, sandbox_env

V2 = """{
  "$schema": "https://opencode.ai/config.json",
  // V2: servers under mcp.servers
  "mcp": {
    "timeout": 10000,
    "servers": {
      "everything": {"type": "local", "command": ["npx", "-y", "@modelcontextprotocol/server-everything"]},
      "docs": {"type": "remote", "url": "https://docs.example.com/mcp"},
      "off": {"type": "local", "command": ["uvx", "mcp-server-fetch"], "disabled": true},
    },
  },
}
"""


def _refs(text: str):
    spec = registry.get("opencode")
    (user,) = [f for f in spec.files if f.key == "user"]
    document = codec_for("jsonc").parse(text)
    refs, problems = servers(document, user.tables)
    return spec, {r.name: (r, classify(spec.entry, r.value)) for r in refs}, problems


def test_v2_servers_are_found_and_the_settings_beside_them_are_not_entries():
    _spec, found, problems = _refs(V2)
    assert problems == []
    assert set(found) == {"everything", "docs", "off"}
    assert found["everything"][0].path == ("mcp", "servers", "everything")
    assert found["everything"][1].kind is Kind.STDIO
    assert found["docs"][1].kind is Kind.REMOTE
    assert found["off"][1].disabled


def test_v1_is_still_read_even_with_a_server_named_servers():
    v1 = json.dumps(
        {
            "mcp": {
                "servers": {"type": "local", "command": ["npx", "x"]},
                "b": {"type": "remote", "url": "https://b"},
            }
        }
    )
    _, found, _ = _refs(v1)
    assert set(found) == {"servers", "b"}
    assert found["servers"][0].path == ("mcp", "servers")


def test_a_v2_file_is_hardened_and_restored_byte_exact(tmp_path):
    home = tmp_path / "home"
    config = home / ".config" / "opencode" / "opencode.jsonc"
    config.parent.mkdir(parents=True)
    config.write_text(V2)
    env = sandbox_env(home, keychain=False)
    harden = run_hardener(home, "harden", "--yes", "--client", "opencode", env=env)
    assert harden.returncode == 0, harden.stderr
    document = codec_for("jsonc").parse(config.read_text())
    entry = document["mcp"]["servers"]["everything"]
    assert Path(entry["command"][0]).name.startswith("hardener-shim")
    assert entry["command"][-3:] == ["npx", "-y", "@modelcontextprotocol/server-everything"]
    assert document["mcp"]["timeout"] == 10000
    assert "// V2: servers under mcp.servers" in config.read_text()
    restore = run_hardener(home, "restore", "--yes", "--client", "opencode", env=env)
    assert restore.returncode == 0, restore.stderr
    assert config.read_text() == V2
