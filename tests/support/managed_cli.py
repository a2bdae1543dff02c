"""The real ``hardener`` CLI under a sandbox home and managed root, shared by the managed-policy tests.

``HARDENER_MANAGED_ROOT`` stands in for ``/`` so the administrator's files sit at their real
system paths under a temporary directory; ``HOME`` points at the sandbox user's home.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ADMITTED = ["npx", "-y", "@modelcontextprotocol/server-filesystem", "/srv/docs"]
OTHER = ["uvx", "mcp-server-fetch"]


def hardener(home: Path, root: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m hardener *argv`` with no inherited ``XDG_``/``HARDENER`` settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "HARDENER"))}
    env["HOME"] = str(home)
    env["HARDENER_MANAGED_ROOT"] = str(root)
    return subprocess.run(
        [sys.executable, "-m", "hardener", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


def servers_of(scan: dict[str, Any], client: str) -> dict[str, dict[str, Any]]:
    """The servers a ``scan --json`` document lists for ``client``, by name."""
    return {
        s["name"]: s
        for c in scan["clients"]
        if c["id"] == client
        for f in c["files"]
        for s in f["servers"]
    }
