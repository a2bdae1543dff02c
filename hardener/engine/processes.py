"""Which MCP clients are running right now (L2 service, psutil).

Used for two findings: a client that must be restarted to pick up a hardened file, and Claude
Desktop, which rewrites its config from memory and so must be quit before hardener edits it.
"""

from __future__ import annotations

import logging

import psutil

from hardener.clients.spec import ClientSpec
from hardener.paths import OS

log = logging.getLogger(__name__)


def running_process_names() -> frozenset[str]:
    names: set[str] = set()
    try:
        for process in psutil.process_iter(["name"]):
            name = process.info.get("name")
            if isinstance(name, str) and name:
                names.add(name)
    except (psutil.Error, OSError) as exc:  # e.g. /proc hidden: nothing known is running
        log.info("cannot list processes: %s", type(exc).__name__)
    return frozenset(names)


def is_running(spec: ClientSpec, running: frozenset[str], os_kind: OS) -> bool:
    if os_kind is OS.WINDOWS:
        lowered = {n.lower() for n in running}
        return any(name.lower() in lowered for name in spec.process_names)
    return any(name in running for name in spec.process_names)
