"""A reader that goes away (``hardener … | head``) is not a bug: no "internal error", no traceback,
no "Exception ignored" at exit; the verb stops with the interrupted code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hardener.errors import EXIT_INTERRUPTED
from tests.support.daemon import sandbox_env


@pytest.mark.parametrize("unbuffered", ["1", ""])
def test_a_closed_stdout_is_reported_as_such(sandbox_home: Path, unbuffered: str) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte
    env = sandbox_env(sandbox_home)
    env["PYTHONUNBUFFERED"] = unbuffered
    try:
        result = subprocess.run(
            [sys.executable, "-m", "hardener", "policy", "show"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=str(sandbox_home),
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.returncode == EXIT_INTERRUPTED, result.stderr
    assert "broken pipe" in result.stderr
    assert "internal error" not in result.stderr
    assert "Exception ignored" not in result.stderr
    assert "Traceback" not in result.stderr
