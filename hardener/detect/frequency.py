"""Call frequency: bursts, sustained rates, a learned baseline, repeated failures (L1 pure core).

Time is whatever the caller passes (event timestamps as epoch seconds), never a clock, so a replay
of the same stream raises the same alerts. Thresholds come from policy:

- **burst**: ``burst_calls`` calls of one tool (per client and server) within
  ``burst_window_seconds``;
- **rate**: ``rate_per_minute`` calls within 60 s, per server and per client;
- **baseline**: per (client, server), an exponentially weighted mean and variance of calls per
  active minute; once :data:`BASELINE_MIN_MINUTES` minutes are learned, a minute with more than
  ``max(mean + 4·sd, 3·mean, BASELINE_FLOOR)`` calls is unusual;
- **repeated failure**: ``repeated_failures`` consecutive failures of the same call (same tool and
  identical arguments).

Each window alerts once and then stays quiet for one window length, so a long burst is one alert,
not hundreds.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

BASELINE_MIN_MINUTES: Final = 30
BASELINE_FLOOR: Final = 30
BASELINE_ALPHA: Final = 0.05
RATE_WINDOW: Final = 60.0


@dataclass(frozen=True)
class FrequencyHit:
    rule: str
    scope: str  # "tool" | "server" | "client"
    key: tuple[str, ...]
    count: int
    window: float
    detail: dict[str, Any]


class Window:
    """The last ``limit`` timestamps of one key, and when it last alerted."""

    __slots__ = ("last_alert", "times")

    def __init__(self, limit: int, times: list[float] | None = None, last_alert: float = -math.inf):
        self.times: deque[float] = deque(times or [], maxlen=limit)
        self.last_alert = last_alert

    def hit(self, ts: float, limit: int, window: float) -> bool:
        """Record a call; True when ``limit`` calls fall within ``window`` (once per window)."""
        self.times.append(ts)
        if len(self.times) < limit or ts - self.times[0] > window:
            return False
        if ts - self.last_alert < window:
            return False
        self.last_alert = ts
        return True


class FrequencyTracker:
    """Sliding windows and baselines for every key seen (serialisable)."""

    def __init__(self, burst_calls: int, burst_window: float, rate_per_minute: int, repeated: int):
        self.burst_calls = burst_calls
        self.burst_window = burst_window
        self.rate = rate_per_minute
        self.repeated = repeated
        self.tool_windows: dict[str, Window] = {}
        self.rate_windows: dict[str, Window] = {}
        self.baselines: dict[str, dict[str, float]] = {}
        self.failures: dict[str, list[Any]] = {}  # key -> [count, first_seq, last_seq]

    @staticmethod
    def _key(*parts: str) -> str:
        return "\x1f".join(parts)

    def call(self, ts: float, client: str, server: str, tool: str) -> list[FrequencyHit]:
        hits: list[FrequencyHit] = []
        key = self._key(client, server, tool)
        window = self.tool_windows.setdefault(key, Window(self.burst_calls))
        if window.hit(ts, self.burst_calls, self.burst_window):
            hits.append(
                FrequencyHit(
                    "frequency.burst",
                    "tool",
                    (client, server, tool),
                    self.burst_calls,
                    self.burst_window,
                    {"first_ts": window.times[0], "last_ts": ts},
                )
            )
        for scope, parts in (("server", (client, server)), ("client", (client,))):
            rkey = self._key(scope, *parts)
            rate_window = self.rate_windows.setdefault(rkey, Window(self.rate))
            if rate_window.hit(ts, self.rate, RATE_WINDOW):
                hits.append(
                    FrequencyHit("frequency.rate", scope, parts, self.rate, RATE_WINDOW, {})
                )
        baseline = self._baseline(ts, self._key(client, server))
        if baseline is not None:
            hits.append(FrequencyHit("frequency.baseline", "server", (client, server), *baseline))
        return hits

    def _baseline(self, ts: float, key: str) -> tuple[int, float, dict[str, object]] | None:
        minute = math.floor(ts / 60.0)
        state = self.baselines.setdefault(
            key, {"minute": minute, "count": 0, "mean": 0.0, "var": 0.0, "n": 0, "alerted": -1}
        )
        if minute != state["minute"]:
            if minute > state["minute"]:  # fold the finished minute into the baseline
                count = state["count"]
                if state["n"] == 0:
                    state["mean"] = float(count)
                else:
                    delta = count - state["mean"]
                    state["mean"] += BASELINE_ALPHA * delta
                    state["var"] = (1 - BASELINE_ALPHA) * (state["var"] + BASELINE_ALPHA * delta**2)
                state["n"] += 1
            state["minute"] = minute
            state["count"] = 0
        state["count"] += 1
        if state["n"] < BASELINE_MIN_MINUTES or state["alerted"] == minute:
            return None
        mean, sd = state["mean"], math.sqrt(state["var"])
        limit = max(mean + 4 * sd, 3 * mean, BASELINE_FLOOR)
        if state["count"] > limit:
            state["alerted"] = minute
            return (
                int(state["count"]),
                RATE_WINDOW,
                {
                    "baseline_mean": round(mean, 2),
                    "baseline_sd": round(sd, 2),
                    "limit": round(limit, 1),
                },
            )
        return None

    def result(
        self, client: str, server: str, tool: str, args_hash: str, *, failed: bool, seq: int | None
    ) -> FrequencyHit | None:
        """Record a call's outcome; a hit when the same failing call repeats ``repeated`` times."""
        key = self._key(client, server, tool, args_hash)
        if not failed:
            self.failures.pop(key, None)
            return None
        entry = self.failures.setdefault(key, [0, seq, seq])
        entry[0] += 1
        entry[2] = seq
        if entry[0] == self.repeated:
            return FrequencyHit(
                "frequency.repeated-failure",
                "tool",
                (client, server, tool),
                int(entry[0]),
                0.0,
                {"first_seq": entry[1], "last_seq": seq, "arguments_hash": args_hash},
            )
        return None

    def prune(self, now: float) -> None:
        """Forget windows idle for longer than any window (bounded memory)."""
        horizon = max(self.burst_window, RATE_WINDOW)
        for table in (self.tool_windows, self.rate_windows):
            for key in [k for k, w in table.items() if not w.times or now - w.times[-1] > horizon]:
                del table[key]
        if len(self.failures) > 4096:
            for key in list(self.failures)[: len(self.failures) - 4096]:
                del self.failures[key]

    # --- state --------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        def windows(table: dict[str, Window]) -> dict[str, Any]:
            return {
                k: {
                    "times": list(w.times),
                    "last_alert": w.last_alert if math.isfinite(w.last_alert) else None,
                }
                for k, w in table.items()
            }

        return {
            "tool_windows": windows(self.tool_windows),
            "rate_windows": windows(self.rate_windows),
            "baselines": self.baselines,
            "failures": self.failures,
        }

    def load(self, data: Mapping[str, Any]) -> None:
        def windows(raw: Mapping[str, Any], limit: int) -> dict[str, Window]:
            out = {}
            for key, value in raw.items():
                last = value.get("last_alert")
                out[key] = Window(
                    limit, list(value.get("times", [])), -math.inf if last is None else float(last)
                )
            return out

        self.tool_windows = windows(data.get("tool_windows", {}), self.burst_calls)
        self.rate_windows = windows(data.get("rate_windows", {}), self.rate)
        self.baselines = {k: dict(v) for k, v in data.get("baselines", {}).items()}
        self.failures = {k: list(v) for k, v in data.get("failures", {}).items()}
