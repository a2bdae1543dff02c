"""Shared fixtures: every test runs in a sandbox home (HOME and XDG variables in a temp dir)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from hardener.cli.main import main
from hardener.paths import Platform
from hardener.policy import load_schema

SANDBOX_VARS = (
    "HOME",
    "USERPROFILE",
    "XDG_CONFIG_HOME",
    "XDG_STATE_HOME",
    "XDG_DATA_HOME",
    "XDG_CACHE_HOME",
    "XDG_RUNTIME_DIR",
    "APPDATA",
    "LOCALAPPDATA",
    "CLAUDE_CONFIG_DIR",
    "CODEX_HOME",
    "GEMINI_CLI_HOME",
    "CONTINUE_GLOBAL_DIR",
)


@pytest.fixture
def sandbox_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh home directory; the real one is never touched."""
    home = tmp_path / "home"
    home.mkdir()
    for name in SANDBOX_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    return home


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, object]:
        document = json.loads(self.stdout)
        assert isinstance(document, dict)
        jsonschema.validate(document, load_schema(str(document["schema"])))
        return document


@pytest.fixture
def run_cli(sandbox_home: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run ``hardener`` in-process against the sandbox home and capture its output."""

    def _run(*argv: str) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr("sys.stdout", out)
        monkeypatch.setattr("sys.stderr", err)
        code = main(list(argv), platform=Platform.current())
        return CliResult(code, out.getvalue(), err.getvalue())

    return _run
