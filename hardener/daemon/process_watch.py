"""The daemon's process watch: servers outside the shim, clients to restart (L2 service).

Runs at start and at every sweep over one ``psutil`` snapshot of this user's processes, with the
server commands the drift guard learnt from the configs. A newly seen unshimmed server process
raises one ``process.unshimmed`` alert (per pid); the findings go into the heartbeat.
"""

from __future__ import annotations

import logging

from hardener.daemon.drift import DriftGuard
from hardener.processes import (
    RestartNeeded,
    UnshimmedProcess,
    find_restart_needed,
    find_unshimmed,
    snapshot,
)

log = logging.getLogger(__name__)


class ProcessWatch:
    def __init__(self, drift: DriftGuard, username: str | None) -> None:
        self._drift = drift
        self._username = username
        self._alerted: set[tuple[int, str, str]] = set()
        self.unshimmed: list[UnshimmedProcess] = []
        self.restart_needed: list[RestartNeeded] = []
        self.problem: str | None = None

    def check(self) -> list[tuple[str, dict[str, object]]]:
        """Take a snapshot; returns the events to seal (alerts for new findings)."""
        try:
            procs = snapshot(self._username)
        except Exception as exc:  # psutil on a locked-down machine: report, keep running
            self.problem = f"cannot list processes: {type(exc).__name__}"
            return []
        self.problem = None
        self.unshimmed = find_unshimmed(procs, self._drift.server_commands())
        self.restart_needed = find_restart_needed(
            procs, self._drift.hardened_at(), self._drift.process_names()
        )
        events: list[tuple[str, dict[str, object]]] = []
        for found in self.unshimmed:
            key = (found.pid, found.client, found.server)
            if key in self._alerted:
                continue
            self._alerted.add(key)
            log.warning("MCP server outside the shim: %s", found.describe())
            events.append(
                (
                    "alert",
                    {
                        "rule": "process.unshimmed",
                        "severity": "high",
                        "summary": f"MCP server {found.client}/{found.server} runs outside the "
                        f"audit shim (pid {found.pid})",
                        "evidence": [],
                        "remedy": f"Restart {found.client} so it launches the server through the "
                        "shim; check who started the process otherwise.",
                        "detail": {
                            "pid": found.pid,
                            "client": found.client,
                            "server": found.server,
                            "program": found.program,
                            "file": found.config,
                        },
                        "client": found.client,
                        "server": found.server,
                    },
                )
            )
        live = {(f.pid, f.client, f.server) for f in self.unshimmed}
        self._alerted &= live
        return events

    def summary(self) -> dict[str, object]:
        return {
            "problem": self.problem,
            "unshimmed": [
                {"pid": f.pid, "client": f.client, "server": f.server, "program": f.program}
                for f in self.unshimmed
            ],
            "restart_needed": [
                {"pid": r.pid, "client": r.client, "name": r.name} for r in self.restart_needed
            ],
        }
