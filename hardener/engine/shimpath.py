"""Where ``hardener-shim`` is installed: the absolute path written into wrapped entries (L2).

The shim is the console script installed next to the Python interpreter running hardener
(``bin/hardener-shim`` in a venv, ``Scripts\\hardener-shim.exe`` on Windows, where it is a real
``.exe`` launcher as clients require); otherwise the first ``hardener-shim`` on ``PATH``. The path
is absolute and never a ``.cmd``/``.bat`` (modern Node refuses to spawn those without a shell).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from hardener.errors import HardenerError

SHIM = "hardener-shim"


def shim_file_name(windows: bool, program: str = SHIM) -> str:
    return f"{program}.exe" if windows else program


def locate_shim(
    *, executable: str | None = None, search_path: str | None = None, program: str = SHIM
) -> Path:
    """The absolute path of the installed shim (or another of hardener's console scripts, such
    as ``hardener-hook``); :class:`HardenerError` when there is none."""
    windows = os.name == "nt"
    name = shim_file_name(windows, program)
    interpreter = Path(executable or sys.executable)
    candidates = [interpreter.parent / name]
    if windows:  # python.exe in the venv root, scripts in Scripts\
        candidates.append(interpreter.parent / "Scripts" / name)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate.absolute()
    found = shutil.which(name, path=search_path)
    if found and not found.lower().endswith((".cmd", ".bat", ".ps1")):
        return Path(found).absolute()
    raise HardenerError(
        f"cannot find {name} next to {interpreter} or on PATH",
        remedy=f"Reinstall hardener (pip install hardener) so that its {program} command exists.",
    )
