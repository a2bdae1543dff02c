"""Property tests: ``scan``, ``harden`` and ``restore`` over generated configs never crash.

Configs of four clients (JSON, JSONC, TOML, YAML) with generated servers: URLs holding ``${…}``
variables, odd types in every field, unicode names, huge values. Each verb runs through the real
CLI entry point (in-process, in a sandbox home), so a bug would surface as the catch point's
``internal error``: that must never happen, exit codes stay in the documented set, a file hardener
refuses stays byte-identical, and ``harden`` then ``restore`` gives back the original bytes.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from hardener.cli.main import main
from hardener.engine.report import safe_url
from hardener.paths import Platform
from tests.conftest import SANDBOX_VARS

NAMES = st.text(min_size=1, max_size=12).filter(lambda s: s.strip() and "\x00" not in s)
HUGE = st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=3), st.integers(2000, 20000))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    HUGE,
)
ODD = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
VARIABLE = st.sampled_from(
    ["${input:home-assistant-domain}", "${env:HOST}", "${workspaceFolder}", "${HOME}", "${:}", "${"]
)
URLS = st.builds(
    lambda scheme, host, port, path: f"{scheme}://{host}{port}/{path}",
    st.sampled_from(["https", "http", "ws", ""]),
    st.one_of(VARIABLE, st.just("example.com"), st.just("[::1]"), st.text(max_size=10)),
    st.one_of(st.just(""), st.just(":8080"), VARIABLE.map(lambda v: ":" + v), st.just(":x")),
    st.one_of(VARIABLE, st.text(max_size=10)),
)
COMMANDS = st.one_of(st.sampled_from(["npx", "uvx", "python3", "/usr/bin/node"]), NAMES, HUGE)
ARGS = st.lists(st.one_of(st.text(max_size=20), VARIABLE), max_size=4)


@st.composite
def servers(draw: st.DrawFn) -> dict[str, Any]:
    """Stdio entries, remote entries and junk; any field may hold an odd value."""
    out: dict[str, Any] = {}
    for name in draw(st.lists(NAMES, min_size=1, max_size=3, unique=True)):
        shape = draw(st.sampled_from(["stdio", "stdio", "remote", "odd"]))
        if shape == "odd":
            out[name] = draw(ODD)
            continue
        if shape == "stdio":
            fields = {"command": COMMANDS, "args": ARGS}
            optional = {"env": st.dictionaries(NAMES, st.text(max_size=10), max_size=2)}
        else:
            fields = {"url": URLS}
            optional = {
                "type": st.sampled_from(["http", "sse", "streamable-http"]),
                "headers": st.dictionaries(NAMES, VARIABLE, max_size=2),
            }
        entry: dict[str, Any] = {key: draw(value) for key, value in fields.items()}
        for key, value in optional.items():
            if draw(st.booleans()):
                entry[key] = draw(value)
        if draw(st.integers(0, 3)) == 0:  # one field of an odd type
            entry[draw(st.sampled_from([*sorted(entry), "type", "disabled"]))] = draw(ODD)
        out[name] = entry
    return out


def _toml_safe(value: Any) -> Any:
    """TOML has no null: drop ``None`` (everything else odd stays)."""
    if isinstance(value, dict):
        return {str(k): _toml_safe(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_toml_safe(v) for v in value if v is not None]
    return value


def render(client: str, table: dict[str, Any]) -> tuple[str, str]:
    """(path relative to home, text) of a config of ``client`` holding ``table``."""
    if client == "cursor":
        return ".cursor/mcp.json", json.dumps({"mcpServers": table}, indent=2)
    if client == "vscode":
        body = json.dumps({"servers": table}, indent=2, ensure_ascii=False)
        return ".config/Code/User/mcp.json", "// VS Code\n" + body.replace("\n}", ",\n}", 1)
    if client == "codex":
        text = tomlkit.dumps({"model": "x", "mcp_servers": _toml_safe(table)})
        return ".codex/config.toml", "# codex\n" + text
    rename = {"command": "cmd", "env": "envs"}
    table = {
        name: {rename.get(k, k): v for k, v in entry.items()} if isinstance(entry, dict) else entry
        for name, entry in table.items()
    }
    stream = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    yaml.dump({"GOOSE_PROVIDER": "openai", "extensions": table}, stream)
    return ".config/goose/config.yaml", "# goose\n" + stream.getvalue()


@contextlib.contextmanager
def sandbox() -> Iterator[Path]:
    saved = {name: os.environ.get(name) for name in SANDBOX_VARS}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        for name in SANDBOX_VARS:
            os.environ.pop(name, None)
        os.environ["HOME"] = str(home)
        try:
            yield home
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def cli(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(list(argv), platform=Platform.current())
    return code, err.getvalue()


@settings(
    max_examples=int(os.environ.get("HARDENER_PROPERTY_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    client=st.sampled_from(["cursor", "vscode", "codex", "goose"]),
    table=servers(),
)
def test_scan_harden_restore_never_crash_and_round_trip(client: str, table: dict[str, Any]) -> None:
    with sandbox() as home:
        relative, text = render(client, table)
        path = home / relative
        path.parent.mkdir(parents=True)
        original = text.encode("utf-8")
        path.write_bytes(original)
        code, err = cli("scan", "--json")
        assert "internal error" not in err, err
        assert code in (0, 1, 3), err
        code, err = cli("harden", "--yes", "--json")
        assert "internal error" not in err, err
        assert code in (0, 3, 4), err
        if code == 3:
            assert path.read_bytes() == original, "a refused file must stay byte-identical"
        code, err = cli("restore", "--yes", "--json")
        assert "internal error" not in err, err
        assert code in (0, 3, 4), err
        assert path.read_bytes() == original, "harden then restore gives back the original bytes"


@given(URLS)
def test_safe_url_never_raises_and_drops_credentials(url: str) -> None:
    shown = safe_url(url)
    assert isinstance(shown, str)
    assert "?" not in shown.split("://", 1)[-1] or "?" not in url
    assert safe_url("https://user:pw@${input:host}/p?token=1") == "https://${input:host}/p"


def test_a_bug_is_an_internal_error_not_a_traceback(monkeypatch: Any) -> None:
    with sandbox():

        def boom(*_a: Any, **_k: Any) -> Any:
            raise RuntimeError("boom\nsecond line")

        monkeypatch.setattr("hardener.cli.scan.scan", boom)
        code, err = cli("scan")
        assert code == 3
        assert err.startswith("hardener: internal error: RuntimeError: boom second line\n")
        assert "Traceback" not in err
        assert "-v" in err
        code, err = cli("-v", "scan")
        assert code == 3
        assert "Traceback" in err


def test_an_internal_error_after_a_change_exits_4(monkeypatch: Any) -> None:
    from hardener import changes

    with sandbox():

        def boom(*_a: Any, **_k: Any) -> Any:
            changes.note_change("/some/config.json")
            raise KeyError("x")

        monkeypatch.setattr("hardener.cli.scan.scan", boom)
        code, err = cli("--json", "scan")
        assert code == 4
        assert "/some/config.json" in err


def test_the_vscode_config_that_crashed_scan() -> None:
    """Issue 10: a ``${input:…}`` host made ``safe_url`` raise; scan must report, not crash."""
    text = """{
  "inputs": [{"type": "promptString", "id": "home-assistant-domain", "description": "Domain"}],
  "servers": {
    "home-assistant": {"type": "sse", "url": "https://${input:home-assistant-domain}/mcp_server/sse"}
  }
}
"""
    with sandbox() as home:
        path = home / ".config/Code/User/mcp.json"
        path.parent.mkdir(parents=True)
        path.write_text(text)
        err = io.StringIO()
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["scan", "--json"], platform=Platform.current())
        assert code in (0, 1), err.getvalue()
        assert "internal error" not in err.getvalue()
        document = json.loads(out.getvalue())
        servers = [s for c in document["clients"] for f in c["files"] for s in f["servers"]]
        assert servers[0]["url"] == "https://${input:home-assistant-domain}/mcp_server/sse"
