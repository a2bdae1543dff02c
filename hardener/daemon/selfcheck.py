"""The agent verifies its own ledger at every sweep (L2 service).

Incremental verification (since the last verified checkpoint) with public keys only: it keeps the
verification cache close to the head, so ``hardener status`` — even as root over a
million-record ledger — only verifies the last few seconds of records. A finding that means the
sealed history changed raises one ``ledger.tampered`` alert (per finding), and the ledger's public
values go into the status cache.
"""

from __future__ import annotations

import logging
import time

from hardener.errors import HardenerError
from hardener.paths import HardenerPaths

log = logging.getLogger(__name__)

#: Finding reasons that mean the sealed history was changed (not a crash, not staleness).
TAMPER_REASONS = frozenset(
    {
        "modified",
        "forged",
        "missing",
        "reordered",
        "inserted",
        "truncated",
        "segment_missing",
        "replaced",
        "deleted",
    }
)


class LedgerSelfCheck:
    def __init__(self, paths: HardenerPaths) -> None:
        self._paths = paths
        self._alerted: str | None = None
        self.public: dict[str, object] | None = None
        self.last_unix: float | None = None
        self.problem: str | None = None

    def run(self) -> list[tuple[str, dict[str, object]]]:
        from hardener.ledger.audit import verify_ledger
        from hardener.ledger.store import read_public

        if read_public(self._paths) is None:
            return []
        try:
            report = verify_ledger(self._paths, save_cache=True)
        except HardenerError as exc:
            self.problem = exc.message
            return []
        self.last_unix = time.time()
        self.public = {
            "log_id": report.log_id,
            "seq": report.last_seq,
            "head": report.head,
            "checkpoint_key_fingerprint": report.fingerprint or None,
        }
        finding = report.finding
        if finding is None or str(finding.reason) not in TAMPER_REASONS:
            self.problem = None
            return []
        self.problem = f"{finding.reason} at seq {finding.seq}: {finding.message}"
        key = f"{finding.reason}:{finding.seq}:{finding.segment}:{finding.line}"
        if key == self._alerted:
            return []
        self._alerted = key
        log.error("the ledger does not verify: %s", self.problem)
        return [
            (
                "alert",
                {
                    "rule": "ledger.tampered",
                    "severity": "critical",
                    "summary": f"the audit ledger does not verify ({finding.reason} at seq "
                    f"{finding.seq})",
                    "evidence": [{"seq": finding.seq}] if finding.seq is not None else [],
                    "remedy": "Run 'hardener log verify' and preserve the ledger directory for "
                    "investigation; compare with checkpoints shipped off the machine.",
                    "detail": finding.to_dict(),
                },
            )
        ]

    def summary(self) -> dict[str, object] | None:
        if self.public is None and self.problem is None:
            return None
        return {**(self.public or {}), "verified_unix": self.last_unix, "problem": self.problem}
