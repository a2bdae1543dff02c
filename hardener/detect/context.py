"""The record a detector handler looks at, flattened (L1 pure core).

Shared by :mod:`hardener.detect.detector` (which builds it from a sealed record) and the handlers
of :mod:`hardener.detect.calls`, so neither imports the other's internals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hardener.detect.model import Evidence


@dataclass(frozen=True)
class Ctx:
    """The record being observed, flattened for the handlers."""

    seq: int | None
    ts: float
    session: str
    n: int | None
    client: str
    server: str
    body: Mapping[str, Any]

    def evidence(
        self,
        pointer: str | None = None,
        span: tuple[int, int] | None = None,
        excerpt: str | None = None,
    ) -> Evidence:
        return Evidence(self.seq, self.session, self.n, pointer, span, excerpt)
