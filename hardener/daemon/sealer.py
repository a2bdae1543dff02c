"""Seals spooled events into the ledger (L2 service). Placeholder until the ledger lands.

Interface the agent loop relies on::

    sealer = Sealer(paths, policy, keystore)   # enrolls on first use; KeychainError if none
    sealed = sealer.seal_pending()             # ingest every complete spool line, in order
    sealer.tick()                               # time-based duties: checkpoint, epoch close
    sealer.append(kind, body)                   # seal a daemon-originated record (alert, config.*)
    sealer.close()                              # final checkpoint, fsync
"""

from __future__ import annotations

from typing import Any

from hardener.errors import NotAvailableError
from hardener.paths import HardenerPaths
from hardener.policy import EffectivePolicy


class Sealer:
    def __init__(self, paths: HardenerPaths, policy: EffectivePolicy, keystore: Any) -> None:
        raise NotAvailableError("the ledger is not available yet in this version")

    def seal_pending(self) -> int:
        raise NotImplementedError

    def tick(self) -> None:
        raise NotImplementedError

    def append(self, kind: str, body: dict[str, Any]) -> int:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError
