"""Helpers for the detector tests: the corpus and synthetic ledger records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hardener.events import utc_timestamp

EPOCH = 1_790_000_000.0
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tools"


def benign_listings() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted((FIXTURES / "benign").glob("*.json")):
        yield path.stem, json.loads(path.read_text(encoding="utf-8"))


def poisoned_items() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(
        (FIXTURES / "poisoned" / "corpus.json").read_text(encoding="utf-8")
    )["items"]
    return items


class Stream:
    """Builds sealed ledger records around event envelopes, with explicit timestamps."""

    def __init__(self, client: str = "claude-code") -> None:
        self.client = client
        self.seq = 0
        self.n: dict[str, int] = {}

    def record(
        self, kind: str, body: dict[str, Any], *, t: float, server: str, session: str | None = None
    ) -> dict[str, Any]:
        session = session or f"sess-{server}"
        n = self.n.get(session, 0)
        self.n[session] = n + 1
        self.seq += 1
        ts = utc_timestamp(datetime.fromtimestamp(EPOCH + t, UTC))
        event = {
            "v": 1,
            "kind": kind,
            "ts": ts,
            "session": session,
            "n": n,
            "client": self.client,
            "server": server,
            "body": body,
        }
        return {"seq": self.seq, "ts": ts, "kind": "event", "body": event}
