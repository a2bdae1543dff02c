"""OTLP export of records the real sealer made from a real shim session: resume without gaps or
duplicates per signal when the collector is down, payloads valid as the official OTLP messages."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters

from hardener.export.targets import Exporter
from hardener.ledger.query import iter_records
from hardener.ledger.sealing.sealer import Sealer
from hardener.settings import ExportTarget
from tests.integration.otlp_receiver import OtlpReceiver, attrs
from tests.integration.shim_support import TIME_SERVER, env_for, shim

from .ledger_support import keystore_fixture, paths_fixture, settings  # noqa: F401 - fixtures

pytestmark = [pytest.mark.keychain, pytest.mark.slow]


async def _calls(home: Path, count: int) -> None:
    argv = shim(*TIME_SERVER, client="cursor", server="time")
    params = StdioServerParameters(command=argv[0], args=argv[1:], env=env_for(home))
    async with Client(params) as session:
        for i in range(count):
            zone = "Mars/Olympus" if i == 1 else "Europe/Paris"  # one error result
            await session.call_tool("get_current_time", {"timezone": zone})


@pytest.mark.timeout(120)
def test_otlp_target_resumes_per_signal_without_gaps_or_duplicates(
    sandbox_home: Path, keystore, paths
) -> None:
    asyncio.run(_calls(sandbox_home, 3))
    sealer = Sealer(paths, settings(), keystore)
    try:
        assert sealer.seal_pending() > 0
    finally:
        sealer.close()
    records = list(iter_records(paths.ledger_dir))
    results = [r for r in records if r.kind == "tool.result"]
    assert len(results) == 3
    with OtlpReceiver() as otlp:
        target: ExportTarget = {"type": "otlp", "endpoint": otlp.url}
        otlp.fail_next = 2  # the collector is down for the first two requests (logs, traces)
        exporter = Exporter(paths, [target], retry_seconds=0)
        try:
            first = exporter.export_pending()
            down = exporter.health()
            assert [h["ok"] for h in down.values()] == [False, False, True], down
            assert all("HTTP 503" in str(h["problem"]) for h in list(down.values())[:2])
            second = exporter.export_pending()
            assert all(h["ok"] and h["failures"] == 0 for h in exporter.health().values())
        finally:
            exporter.close()
        assert all(not e for e in otlp.errors)
        # a restart resumes from the saved position: nothing is sent twice
        again = Exporter(paths, [target], retry_seconds=0)
        try:
            assert sum(again.export_pending().values()) == 0
        finally:
            again.close()
        assert first[f"otlp:metrics:{otlp.url}"] == len(records)
        assert second[f"otlp:logs:{otlp.url}"] == len(records)
        logs = otlp.logs()
        seqs = [attrs(r)["hardener.ledger.seq"] for r in logs]
        assert seqs == [r.seq for r in records]  # every record once, in order
        for log, record in zip(logs, records, strict=True):
            exported = json.loads(log.body.string_value)
            assert exported["seq"] == record.seq
            assert attrs(log)["hardener.ledger.hash"] == exported["hash"]
        spans = otlp.spans()
        assert [s.name for s in spans] == ["tools/call get_current_time"] * 3
        errors = [attrs(s).get("error.type") for s in spans]
        assert errors == [None, "tool_error", None]  # the unknown timezone is an isError result
        assert spans[1].status.code == 2
        assert {attrs(s)["network.transport"] for s in spans} == {"pipe"}
        assert {attrs(s)["gen_ai.operation.name"] for s in spans} == {"execute_tool"}
        assert len({s.trace_id for s in spans}) == 1  # one session, one trace
        assert len({s.span_id for s in spans}) == 3
        points = [p for m in otlp.metrics() for p in m.histogram.data_points]
        assert len(points) == 3
        assert all(p.count == 1 and sum(p.bucket_counts) == 1 for p in points)
