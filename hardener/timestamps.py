"""The one way hardener writes and reads timestamps (L1 pure core).

Events, records and alerts carry RFC 3339 UTC with microseconds and a ``Z``
(``2026-01-31T12:00:00.123456Z``, sortable as text; :func:`utc_timestamp`). Everything that reads a
timestamp back (the sealer, the ledger position, the verifier, the query filters, the detectors,
drift and status) goes through :func:`parse_timestamp`: RFC 3339 with ``Z`` or an offset, any number
of fraction digits; a time without an offset is UTC (never the reader's local time zone).
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_timestamp(moment: datetime) -> str:
    """RFC 3339 UTC with microseconds and a ``Z``: sortable as text."""
    m = moment.astimezone(UTC)  # formatted by hand: strftime costs the shim ~4 us per event
    return (
        f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}"
        f".{m.microsecond:06d}Z"
    )


def parse_timestamp(text: str) -> float:
    """POSIX seconds of an RFC 3339 time; raises ``ValueError`` when it is not one."""
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def timestamp_or_none(value: object) -> float | None:
    """POSIX seconds of a JSON value that should be a time (a number or RFC 3339), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return parse_timestamp(value)
        except ValueError:
            return None
    return None
