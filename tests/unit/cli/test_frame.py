"""The CLI frame: verbs registered, usage errors, exit codes, JSON error documents."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hardener._version import __version__
from hardener.errors import FileWriteError, PartialChangeError


def test_help_lists_every_verb(run_cli):
    result = run_cli("--help")
    assert result.code == 0
    for verb in (
        "scan",
        "harden",
        "restore",
        "status",
        "daemon",
        "log",
        "alerts",
        "analyze-tools",
        "approve",
        "policy",
        "keys",
    ):
        assert verb in result.stdout


def test_version(run_cli):
    result = run_cli("--version")
    assert result.code == 0
    assert __version__ in result.stdout


@pytest.mark.parametrize("argv", [["frobnicate"], ["scan", "--no-such-flag"], ["log"], []])
def test_usage_errors_exit_2(run_cli, argv):
    result = run_cli(*argv)
    assert result.code == 2
    assert result.stdout == ""


def test_unknown_verb_names_the_problem(run_cli):
    result = run_cli("frobnicate")
    assert "hardener: error:" in result.stderr
    assert "invalid choice" in result.stderr
    assert "--help" in result.stderr


def test_usage_error_with_json_prints_an_error_document(run_cli):
    result = run_cli("--json", "scan", "--bogus")
    assert result.code == 2
    error = result.json()["error"]
    assert error["exit_code"] == 2
    assert error["kind"] == "UsageError"


def test_partial_change_exits_4_with_remedy(run_cli, monkeypatch):
    import hardener.cli.scan as scan

    def boom(args, ctx):
        raise PartialChangeError("two of three files were written")

    monkeypatch.setattr(scan, "run", boom)
    result = run_cli("scan")
    assert result.code == 4
    assert "hardener: error: two of three files were written" in result.stderr
    assert "hardener scan" in result.stderr  # the remedy line


def test_unlanded_verb_exits_3_without_fake_output(run_cli, monkeypatch):
    # Every verb lands sooner or later: stand one in for a verb that has not.
    import hardener.cli.scan as scan
    from hardener.cli.common import not_available

    def unlanded(args, ctx):
        raise not_available("scan")

    monkeypatch.setattr(scan, "run", unlanded)
    result = run_cli("scan")
    assert result.code == 3
    assert result.stdout == ""
    assert "not available yet" in result.stderr


def test_one_catch_point_shows_traceback_only_with_verbose(run_cli, monkeypatch):
    def boom(args, ctx):
        raise FileWriteError("cannot write /x: read-only file system")

    import hardener.cli.scan as scan

    monkeypatch.setattr(scan, "run", boom)
    quiet = run_cli("scan")
    assert quiet.code == 3
    assert "hardener: error: cannot write /x" in quiet.stderr
    assert "Traceback" not in quiet.stderr
    loud = run_cli("-v", "scan")
    assert "Traceback" in loud.stderr


def test_keyboard_interrupt_exits_130(run_cli, monkeypatch):
    import hardener.cli.scan as scan

    def interrupted(args, ctx):
        raise KeyboardInterrupt

    monkeypatch.setattr(scan, "run", interrupted)
    assert run_cli("scan").code == 130


def test_python_dash_m_works(sandbox_home):
    proc = subprocess.run(
        [sys.executable, "-m", "hardener", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0
    assert __version__ in proc.stdout


def test_shim_keeps_stdout_clean_and_returns_the_childs_code(sandbox_home):
    proc = subprocess.run(
        [sys.executable, "-m", "hardener.shim", "--client", "c", "--server", "s", "--", "false"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.stdout == ""
    assert proc.returncode == 1
