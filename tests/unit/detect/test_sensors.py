"""Pairing hook calls with shim calls; what an unpaired hook call means."""

from __future__ import annotations

from typing import Any

from hardener.detect.sensors import SensorCorrelator, norm

T0 = 1_800_000_000.0


def ts(offset: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(T0 + offset, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record(
    seq: int,
    kind: str,
    body: dict[str, Any],
    *,
    at: float,
    server: str = "time",
    client: str = "claude-code",
) -> dict[str, Any]:
    event = {
        "v": 1,
        "kind": kind,
        "ts": ts(at),
        "session": f"s{seq}",
        "n": 0,
        "client": client,
        "server": server,
        "body": body,
    }
    return {"seq": seq, "ts": ts(at), "kind": kind, "body": event}


def hook(seq: int, at: float, prints: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    body = {
        "tool": "get_current_time",
        "mcp": True,
        "decision": "allow",
        "fingerprints": prints or {"/timezone": "aa"},
        **extra,
    }
    return record(
        seq,
        "hook.call",
        body,
        at=at,
        server=extra.pop("server", "time") if "server" in extra else "time",
    )


def shim(
    seq: int, at: float, prints: dict[str, str] | None = None, server: str = "time"
) -> dict[str, Any]:
    body = {"id": seq, "tool": "get_current_time", "fingerprints": prints or {"/timezone": "aa"}}
    return record(seq, "tool.call", body, at=at, server=server)


STDIO = [("claude-code", "time")]


def test_a_hook_call_and_the_shim_call_pair_in_either_order():
    c = SensorCorrelator(window=5)
    for first, second in ((hook(1, 0), shim(2, 0.01)), (shim(3, 10), hook(4, 10.2))):
        c.observe(first)
        c.observe(second)
    assert c.expire(T0 + 100, STDIO) == []
    assert c.summary()["paired"] == 2


def test_an_unpaired_hook_call_to_a_stdio_server_is_an_alert_after_the_window():
    c = SensorCorrelator(window=5)
    c.observe(hook(7, 0))
    assert c.expire(T0 + 4, STDIO) == []  # still inside the window
    (alert,) = c.expire(T0 + 6, STDIO)
    body = alert.to_body()
    assert body["rule"] == "sensor.unshimmed-call"
    assert (body["client"], body["server"], body["tool"]) == (
        "claude-code",
        "time",
        "get_current_time",
    )
    assert body["evidence"][0]["seq"] == 7
    assert c.expire(T0 + 100, STDIO) == []  # judged once


def test_different_arguments_or_a_late_shim_call_do_not_pair():
    c = SensorCorrelator(window=5)
    c.observe(hook(1, 0, {"/timezone": "aa"}))
    c.observe(shim(2, 0.1, {"/timezone": "bb"}))
    c.observe(hook(3, 20))
    c.observe(shim(4, 40))
    assert len(c.expire(T0 + 100, STDIO)) == 1  # one alert per server per alert_every
    assert c.summary()["unshimmed"] == 2


def test_remote_unknown_denied_and_non_mcp_calls_raise_nothing():
    c = SensorCorrelator(window=1)
    c.observe(hook(1, 0, transport={"url": "https://x/mcp", "shimmed": False}))
    c.observe(hook(2, 0, decision="deny"))
    c.observe(hook(3, 0, mcp=False))
    c.observe(
        record(
            4,
            "hook.call",
            {"tool": "t", "mcp": True, "decision": "allow"},
            at=0,
            server="remote-only",
        )
    )
    assert c.expire(T0 + 10, STDIO) == []
    assert c.summary()["audited_by_hook"] == 2
    assert c.summary()["not_expected"] == 2


def test_a_server_seen_through_a_shim_session_counts_as_stdio_and_names_are_normalised():
    c = SensorCorrelator(window=1)
    c.observe(record(1, "session.start", {"transport": "stdio"}, at=0, server="my.server"))
    c.observe(
        record(
            2,
            "hook.call",
            {"tool": "t", "mcp": True, "decision": "allow"},
            at=0,
            server="my_server",
        )
    )
    assert norm("my.server") == "my_server"
    assert len(c.expire(T0 + 5)) == 1


def test_cursor_launching_the_server_itself_is_unshimmed_even_without_inventory():
    c = SensorCorrelator(window=1)
    c.observe(hook(1, 0, transport={"command": "uvx mcp-server-time", "shimmed": False}))
    (alert,) = c.expire(T0 + 5)
    assert alert.detail["launched_as"] == "uvx mcp-server-time"


def test_state_round_trip_keeps_pending_calls_and_throttling():
    c = SensorCorrelator(window=5)
    c.observe(hook(1, 0))
    c.observe(shim(9, 0, server="other"))
    again = SensorCorrelator.from_state(c.to_state(), window=5)
    assert len(again.expire(T0 + 6, STDIO)) == 1
    again.observe(hook(2, 7))
    restored = SensorCorrelator.from_state(again.to_state(), window=5)
    assert restored.expire(T0 + 20, STDIO) == []  # throttled: alerted at T0 already
    assert restored.suppressed
