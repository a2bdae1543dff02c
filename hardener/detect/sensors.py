"""Cross-checking the two sensors: client hooks against the audit shim (L1 pure core).

A client with hardener's hook installed reports each MCP tool call twice: ``hook.call`` from
``hardener-hook`` (what the client decided to call) and ``tool.call`` from the shim (what went
over the wire to a stdio server). :class:`SensorCorrelator` pairs them by client, server, tool,
time (``window`` seconds either way) and the keyed fingerprints of the arguments, which both
sensors compute with the same per-installation key. Server names are compared in the form Claude
Code uses inside ``mcp__<server>__<tool>`` (characters other than letters, digits, ``_`` and ``-``
become ``_``).

A hook call still unpaired ``window`` seconds after it happened is judged by :meth:`expire`:

- to a server known to be stdio (the daemon's inventory, or a shim session seen for it), or one
  the client itself launched as a command that is not the shim → ``sensor.unshimmed-call``: the
  server ran without the wrapping (at most one alert per client and server every
  ``alert_every`` seconds; the rest are counted in the next alert's detail);
- to a remote server, or one hardener does not know → nothing to raise: the ``hook.call``
  record itself is the audit of that call (counted in :meth:`summary`);
- a call the hook denied, or one the client did not mark as an MCP call → not expected at
  the shim.

Values in, values out: records as the daemon reads them from the ledger (``{"seq", "ts",
"kind", "body": event}``), time from the events and the ``now`` the caller passes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from hardener.detect.model import Alert, Evidence, make_alert

MAX_PENDING: Final = 10_000
_KEEP: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def norm(name: str) -> str:
    return "".join(c if c in _KEEP else "_" for c in name)


def _ts(value: Any) -> float | None:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            return None
    return None


def _prints(body: Mapping[str, Any]) -> dict[str, str]:
    value = body.get("fingerprints")
    return dict(value) if isinstance(value, Mapping) else {}


@dataclass
class _Seen:
    """One call seen by one sensor, waiting for its partner."""

    key: str
    ts: float
    prints: dict[str, str]
    seq: int | None
    session: str
    n: int | None
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> list[Any]:
        return [self.key, self.ts, self.prints, self.seq, self.session, self.n, self.detail]

    @classmethod
    def from_json(cls, row: list[Any]) -> _Seen:
        return cls(str(row[0]), float(row[1]), dict(row[2]), row[3], str(row[4]), row[5], row[6])


class SensorCorrelator:
    """Pairs ``hook.call`` with shim ``tool.call`` events; raises ``sensor.unshimmed-call``."""

    def __init__(self, window: float = 30.0, alert_every: float = 600.0) -> None:
        self.window = window
        self.alert_every = alert_every
        self.hooks: list[_Seen] = []  # hook calls without a shim partner yet
        self.shims: list[_Seen] = []  # shim calls without a hook partner yet
        self.shimmed: set[str] = set()  # client␟server seen through a shim session (stdio)
        self.last_alert: dict[str, float] = {}
        self.suppressed: dict[str, int] = {}
        self.counts = {"paired": 0, "audited_by_hook": 0, "unshimmed": 0, "not_expected": 0}

    # --- input --------------------------------------------------------------------------
    def observe(self, record: Mapping[str, Any]) -> list[Alert]:
        event = record.get("body")
        if not isinstance(event, Mapping) or not isinstance(event.get("body"), Mapping):
            return []
        kind = event.get("kind")
        body: Mapping[str, Any] = event["body"]
        client = str(event.get("client", ""))
        server = norm(str(event.get("server", "")))
        ts = _ts(event.get("ts")) or _ts(record.get("ts"))
        if ts is None:
            return []
        seq = record.get("seq") if isinstance(record.get("seq"), int) else None
        n = event.get("n") if isinstance(event.get("n"), int) else None
        session = str(event.get("session", ""))
        if kind == "session.start" and body.get("transport") == "stdio":
            self.shimmed.add(f"{client}\x1f{server}")
        elif kind == "tool.call" and isinstance(body.get("tool"), str):
            key = f"{client}\x1f{server}\x1f{body['tool']}"
            seen = _Seen(key, ts, _prints(body), seq, session, n)
            if not self._pair(self.hooks, seen):
                self.shims.append(seen)
        elif kind == "hook.call" and isinstance(body.get("tool"), str):
            key = f"{client}\x1f{server}\x1f{body['tool']}"
            detail = {
                "mcp": bool(body.get("mcp")),
                "decision": body.get("decision"),
                "transport": dict(body.get("transport") or {}),
                "client_session": body.get("client_session"),
                "call_id": body.get("call_id"),
                "hook": body.get("hook"),
            }
            seen = _Seen(key, ts, _prints(body), seq, session, n, detail)
            if not self._pair(self.shims, seen):
                self.hooks.append(seen)
        del self.hooks[:-MAX_PENDING]
        del self.shims[:-MAX_PENDING]
        return []

    def _pair(self, others: list[_Seen], seen: _Seen) -> bool:
        for index, other in enumerate(others):
            if (
                other.key == seen.key
                and abs(other.ts - seen.ts) <= self.window
                and other.prints == seen.prints
            ):
                del others[index]
                self.counts["paired"] += 1
                return True
        return False

    # --- judgement ----------------------------------------------------------------------
    def expire(self, now: float, stdio: Iterable[tuple[str, str]] = ()) -> list[Alert]:
        """Judge hook calls older than the window; ``stdio``: (client, server) pairs the
        inventory knows as stdio servers (wrapped or not)."""
        known = {f"{c}\x1f{norm(s)}" for c, s in stdio} | self.shimmed
        alerts: list[Alert] = []
        keep: list[_Seen] = []
        for seen in self.hooks:
            if seen.ts + self.window > now:
                keep.append(seen)
                continue
            alert = self._judge(seen, known)
            if alert is not None:
                alerts.append(alert)
        self.hooks = keep
        self.shims = [s for s in self.shims if s.ts + self.window > now]
        return alerts

    def _judge(self, seen: _Seen, known: set[str]) -> Alert | None:
        client, server, tool = seen.key.split("\x1f")
        detail = seen.detail
        transport = detail.get("transport") or {}
        if not detail.get("mcp") or detail.get("decision") == "deny" or server in ("", "-"):
            self.counts["not_expected"] += 1
            return None
        command = transport.get("command")
        direct = isinstance(command, str) and not transport.get("shimmed")
        if transport.get("url") or (f"{client}\x1f{server}" not in known and not direct):
            self.counts["audited_by_hook"] += 1
            return None
        self.counts["unshimmed"] += 1
        pair = f"{client}\x1f{server}"
        if seen.ts - self.last_alert.get(pair, float("-inf")) < self.alert_every:
            self.suppressed[pair] = self.suppressed.get(pair, 0) + 1
            return None
        self.last_alert[pair] = seen.ts
        more = self.suppressed.pop(pair, 0)
        return make_alert(
            "sensor.unshimmed-call",
            f"{client} called tool '{tool}' of stdio server '{server}' but the audit shim never "
            "saw the call",
            evidence=(Evidence(seen.seq, seen.session, seen.n),),
            detail={
                "window_seconds": self.window,
                "hook": detail.get("hook"),
                "client_session": detail.get("client_session"),
                "call_id": detail.get("call_id"),
                "launched_as": command if direct else None,
                "earlier_unalerted": more,
            },
            client=client,
            server=server,
            tool=tool,
        )

    # --- persistence --------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        return {**self.counts, "pending_hook_calls": len(self.hooks)}

    def to_state(self) -> dict[str, Any]:
        return {
            "hooks": [s.to_json() for s in self.hooks],
            "shims": [s.to_json() for s in self.shims],
            "shimmed": sorted(self.shimmed),
            "last_alert": self.last_alert,
            "suppressed": self.suppressed,
            "counts": self.counts,
        }

    @classmethod
    def from_state(
        cls, state: Mapping[str, Any], window: float = 30.0, alert_every: float = 600.0
    ) -> SensorCorrelator:
        out = cls(window, alert_every)
        out.hooks = [_Seen.from_json(r) for r in state.get("hooks", [])]
        out.shims = [_Seen.from_json(r) for r in state.get("shims", [])]
        out.shimmed = set(state.get("shimmed", []))
        out.last_alert = {str(k): float(v) for k, v in dict(state.get("last_alert", {})).items()}
        out.suppressed = {str(k): int(v) for k, v in dict(state.get("suppressed", {})).items()}
        out.counts.update({str(k): int(v) for k, v in dict(state.get("counts", {})).items()})
        return out
