"""Where ``status`` gets the client inventory and the ledger's verdict (L2 service).

The seams of :class:`~hardener.status.inputs.StatusInputs`: each returns a callable, or None when
that part of hardener is not installed in this version (its checks are then ``unknown``).
"""

from __future__ import annotations

from typing import Any


def servers_source() -> Any:
    return None


def ledger_source() -> Any:
    return None
