"""One timestamp parser: what the shim and the ledger write, every reader reads the same way.

Before issue 16 the detectors parsed with ``fromisoformat`` (a time without an offset in the
reader's local zone), the sealer, position and verifier with ``strptime`` (only the ``Z`` form
with a fraction), the query filters with their own ``Z`` replacement.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hardener.detect import detector
from hardener.ledger import query
from hardener.ledger.chain.record import Record
from hardener.timestamps import parse_timestamp, timestamp_or_none, utc_timestamp

MOMENTS = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)


@given(MOMENTS)
def test_written_times_read_back_exactly(moment: datetime) -> None:
    text = utc_timestamp(moment)  # the one writer (events, records, alerts)
    assert parse_timestamp(text) == pytest.approx(moment.timestamp(), abs=1e-6)
    assert detector.parse_ts(text) == parse_timestamp(text)
    assert query.parse_time(text, now=0.0) == parse_timestamp(text)


def _record(ts: str) -> Record:
    return Record(
        seq=0, ts=ts, log_id="x", epoch=0, kind="k", prev="", body=b"{}", mac="", line=b""
    )


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-31T12:00:00",
        "2026-01-31T12:00:00Z",
        "2026-01-31T12:00:00.000000Z",
        "2026-01-31T13:00:00+01:00",
        "2026-01-31T12:00:00.0Z",
    ],
)
def test_old_divergent_forms_agree(text: str) -> None:
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"  # the old detector parser used the local zone
    time.tzset()
    try:
        expected = datetime(2026, 1, 31, 12, tzinfo=UTC).timestamp()
        assert detector.parse_ts(text) == expected
        assert query.parse_time(text, now=0.0) == expected
        assert query.record_time(_record(text)) == expected
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


def test_non_times_are_none_or_errors() -> None:
    assert timestamp_or_none("yesterday") is None
    assert timestamp_or_none(True) is None
    assert timestamp_or_none(12) == 12.0
    with pytest.raises(ValueError, match="Invalid isoformat"):
        parse_timestamp("not a time")
