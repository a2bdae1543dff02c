"""Run every check for each target user and build the machine's report (L2 service)."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from hardener._version import __version__
from hardener.status.checks import CHECKS
from hardener.status.inputs import LedgerSource, ServersSource, StatusInputs
from hardener.status.model import UNKNOWN, Check, LedgerFacts, Report, UserReport
from hardener.status.targets import Target
from hardener.timestamps import utc_timestamp

log = logging.getLogger(__name__)


def _ledger_facts(inputs: StatusInputs) -> LedgerFacts:
    ledger = inputs.ledger
    if not isinstance(ledger, str):
        return LedgerFacts(ledger.log_id, ledger.seq, ledger.head, ledger.key_fingerprint)
    beat = inputs.heartbeat
    public = (beat["sealing"].get("ledger") if beat is not None else None) or {}

    def text(key: str) -> str | None:
        value = public.get(key)
        return value if isinstance(value, str) else None

    seq = public.get("seq")
    return LedgerFacts(
        text("log_id"),
        seq if isinstance(seq, int) else None,
        text("head"),
        text("checkpoint_key_fingerprint"),
    )


def evaluate_user(
    target: Target,
    *,
    servers_source: ServersSource | None = None,
    ledger_source: LedgerSource | None = None,
    now: float | None = None,
) -> UserReport:
    inputs = StatusInputs(
        target, servers_source=servers_source, ledger_source=ledger_source, now=now
    )
    checks: list[Check] = []
    for check in CHECKS:
        try:
            checks.append(check(inputs))
        except Exception as exc:  # a bug in one check must not hide the others: fail closed
            name = check.__name__.replace("_", ".", 1)
            log.debug("check %s crashed", name, exc_info=True)
            checks.append(Check(name, UNKNOWN, f"check failed: {type(exc).__name__}: {exc}"))
    return UserReport(
        user=target.user,
        home=str(target.home),
        state_dir=str(inputs.paths.state_dir),
        checks=checks,
        ledger=_ledger_facts(inputs),
    )


def evaluate(
    targets: Sequence[Target],
    *,
    servers_source: ServersSource | None = None,
    ledger_source: LedgerSource | None = None,
) -> Report:
    now = time.time()
    users = [
        evaluate_user(t, servers_source=servers_source, ledger_source=ledger_source, now=now)
        for t in targets
    ]
    return Report(
        version=__version__,
        generated_at=utc_timestamp(datetime.fromtimestamp(now, UTC)),
        host=socket.gethostname(),
        users=users,
    )
