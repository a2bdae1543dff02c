"""Recent alerts the agent raised, summarised for the status cache (L2 service).

``alerts.open`` in ``hardener status`` counts high/critical alerts of the last 24 hours from the
heartbeat, so it stays cheap with a million ledger records. The agent notes every alert it seals
here; at start it takes back the still-recent ones from the previous heartbeat.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

WINDOW_SECONDS = 24 * 3600
HIGH = frozenset({"high", "critical"})
MAX_KEPT = 50


class Noted(TypedDict):
    """One alert in the heartbeat's ``alerts.recent``."""

    rule: str
    severity: str
    unix: float
    seq: int | None


class AlertSummary(TypedDict):
    """The heartbeat's ``alerts`` object."""

    high_24h: int
    total_24h: int
    recent: list[Noted]


class AlertLog:
    def __init__(self, previous: Mapping[str, object] | None = None, *, now: float) -> None:
        self._items: list[Noted] = []
        recent = (previous or {}).get("recent")
        for item in recent if isinstance(recent, list) else []:
            unix = item.get("unix") if isinstance(item, dict) else None
            if isinstance(unix, int | float):
                seq = item.get("seq")
                self._items.append(
                    {
                        "rule": str(item.get("rule", "?")),
                        "severity": str(item.get("severity", "low")),
                        "unix": float(unix),
                        "seq": seq if isinstance(seq, int) else None,
                    }
                )
        self._prune(now)

    def note(self, body: Mapping[str, object], *, now: float, seq: int | None) -> None:
        self._items.append(
            {
                "rule": str(body.get("rule", "?")),
                "severity": str(body.get("severity", "low")),
                "unix": now,
                "seq": seq,
            }
        )
        self._prune(now)

    def _prune(self, now: float) -> None:
        self._items = [i for i in self._items if now - float(i["unix"]) <= WINDOW_SECONDS]
        self._items = self._items[-MAX_KEPT:]

    def summary(self, now: float) -> AlertSummary:
        self._prune(now)
        return {
            "high_24h": sum(1 for i in self._items if i["severity"] in HIGH),
            "total_24h": len(self._items),
            "recent": list(self._items),
        }
