"""Bursts, rates, the learned baseline and repeated failures (time from the caller)."""

from __future__ import annotations

from hardener.detect.frequency import BASELINE_MIN_MINUTES, FrequencyTracker


def tracker(**kw):
    params = {"burst_calls": 5, "burst_window": 5.0, "rate_per_minute": 20, "repeated": 3} | kw
    return FrequencyTracker(
        params["burst_calls"], params["burst_window"], params["rate_per_minute"], params["repeated"]
    )


def rules(hits):
    return [(h.rule, h.scope) for h in hits]


def test_burst_fires_once_at_the_threshold():
    freq = tracker()
    fired = []
    for i in range(12):
        fired += rules(freq.call(100 + i * 0.1, "c", "s", "t"))
    assert fired == [("frequency.burst", "tool")]


def test_spread_out_calls_are_not_a_burst():
    freq = tracker()
    hits = [h for i in range(12) for h in freq.call(100 + i * 2.0, "c", "s", "t")]
    assert hits == []


def test_burst_alerts_again_after_a_quiet_window():
    freq = tracker()
    first = [h for i in range(5) for h in freq.call(100 + i * 0.1, "c", "s", "t")]
    second = [h for i in range(5) for h in freq.call(200 + i * 0.1, "c", "s", "t")]
    assert len(first) == len(second) == 1


def test_bursts_are_per_tool():
    freq = tracker()
    hits = [h for i in range(8) for h in freq.call(100 + i * 0.1, "c", "s", f"t{i % 2}")]
    assert hits == []


def test_rate_per_server_and_per_client():
    freq = tracker(burst_calls=1000)
    hits = []
    for i in range(20):
        hits += freq.call(100 + i * 2.5, "c", f"s{i % 2}", f"t{i}")
    assert rules(hits) == [("frequency.rate", "client")]
    freq = tracker(burst_calls=1000)
    hits = [h for i in range(20) for h in freq.call(100 + i * 2.5, "c", "s", f"t{i}")]
    assert sorted(rules(hits)) == [("frequency.rate", "client"), ("frequency.rate", "server")]


def test_learned_baseline():
    freq = tracker(burst_calls=10_000, rate_per_minute=10_000)
    t = 0.0
    for _minute in range(BASELINE_MIN_MINUTES + 2):
        for call in range(4):
            assert freq.call(t + call, "c", "s", "t") == []
        t += 60
    hits = [h for call in range(40) for h in freq.call(t + call * 0.5, "c", "s", "t")]
    assert rules(hits) == [("frequency.baseline", "server")]
    assert hits[0].detail["baseline_mean"] == 4.0


def test_repeated_identical_failures():
    freq = tracker()
    results = [freq.result("c", "s", "t", "h1", failed=True, seq=i) for i in range(5)]
    hits = [r for r in results if r is not None]
    assert len(hits) == 1
    assert hits[0].detail["first_seq"] == 0
    assert hits[0].detail["last_seq"] == 2
    # a success resets; different arguments count separately
    freq.result("c", "s", "t", "h2", failed=True, seq=10)
    freq.result("c", "s", "t", "h2", failed=False, seq=11)
    freq.result("c", "s", "t", "h2", failed=True, seq=12)
    assert freq.result("c", "s", "t", "h2", failed=True, seq=13) is None


def test_state_round_trip_continues_the_window():
    freq = tracker()
    for i in range(3):
        freq.call(100 + i * 0.1, "c", "s", "t")
    restored = tracker()
    restored.load(freq.to_json())
    hits = [h for i in range(3, 6) for h in restored.call(100 + i * 0.1, "c", "s", "t")]
    assert rules(hits) == [("frequency.burst", "tool")]


def test_prune_forgets_idle_windows():
    freq = tracker()
    freq.call(0, "c", "s", "t")
    freq.prune(1000)
    assert freq.tool_windows == {}
    assert freq.rate_windows == {}
