"""Values of a compliance report: checks, per-user reports, the machine verdict (L2 service).

A check has a stable id, a result (``pass``/``fail``/``unknown``), a one-line detail and whether it
counts towards the verdict (``required``; informational checks such as ``alerts.open`` do not,
unless policy says so). The verdict fails closed: any required check that is not ``pass`` makes
the user, and the machine, not compliant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PASS = "pass"  # noqa: S105 - a check result, not a password
FAIL = "fail"
UNKNOWN = "unknown"

COMPLIANT = "compliant"
NONCOMPLIANT = "noncompliant"
UNKNOWN_VERDICT = "unknown"

#: Every check id in the order they are reported. Stable: MDM rules match on them.
CHECK_IDS: tuple[str, ...] = (
    "agent.version",
    "agent.running",
    "policy.source",
    "clients.wrapped",
    "shim.integrity",
    "audit.chain",
    "audit.anchored",
    "audit.fresh",
    "keystore.backend",
    "export.healthy",
    "processes.unshimmed",
    "clients.restart",
    "alerts.open",
    "hooks.installed",
)


@dataclass(frozen=True)
class Check:
    id: str
    result: str
    detail: str
    required: bool = True
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def blocking(self) -> bool:
        """Counts against compliance."""
        return self.required and self.result != PASS

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "id": self.id,
            "result": self.result,
            "required": self.required,
            "detail": self.detail,
        }
        if self.data:
            out["data"] = self.data
        return out


@dataclass(frozen=True)
class LedgerFacts:
    """Public ledger values that make MDM inventory an external witness of the log."""

    log_id: str | None = None
    seq: int | None = None
    head: str | None = None
    checkpoint_key_fingerprint: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "log_id": self.log_id,
            "seq": self.seq,
            "head": self.head,
            "checkpoint_key_fingerprint": self.checkpoint_key_fingerprint,
        }


def verdict_of(checks: list[Check]) -> str:
    if any(c.required and c.result == FAIL for c in checks):
        return NONCOMPLIANT
    if any(c.required and c.result != PASS for c in checks):
        return UNKNOWN_VERDICT
    return COMPLIANT


@dataclass(frozen=True)
class UserReport:
    user: str | None
    home: str
    state_dir: str
    checks: list[Check]
    ledger: LedgerFacts

    @property
    def verdict(self) -> str:
        return verdict_of(self.checks)

    @property
    def failing(self) -> list[str]:
        return [c.id for c in self.checks if c.blocking]

    def to_json(self) -> dict[str, Any]:
        return {
            "user": self.user,
            "home": self.home,
            "state_dir": self.state_dir,
            "verdict": self.verdict,
            "compliant": self.verdict == COMPLIANT,
            "failing": self.failing,
            "checks": [c.to_json() for c in self.checks],
            "ledger": self.ledger.to_json(),
        }


_RANK = {PASS: 0, UNKNOWN: 1, FAIL: 2}


@dataclass(frozen=True)
class Report:
    """The machine's answer: one or more users' reports."""

    version: str
    generated_at: str
    host: str
    users: list[UserReport]

    @property
    def verdict(self) -> str:
        if not self.users:
            return UNKNOWN_VERDICT
        verdicts = {u.verdict for u in self.users}
        if NONCOMPLIANT in verdicts:
            return NONCOMPLIANT
        if UNKNOWN_VERDICT in verdicts:
            return UNKNOWN_VERDICT
        return COMPLIANT

    @property
    def compliant(self) -> bool:
        return self.verdict == COMPLIANT

    @property
    def single(self) -> UserReport | None:
        return self.users[0] if len(self.users) == 1 else None

    def failing(self) -> list[str]:
        """Failing check ids; prefixed with ``user:`` when several users are reported."""
        if self.single is not None:
            return self.single.failing
        if not self.users:
            return ["agent.running"]
        return [f"{u.user or u.home}:{cid}" for u in self.users for cid in u.failing]

    def merged_checks(self) -> list[Check]:
        """One check per id: the worst result over every user."""
        if self.single is not None:
            return self.single.checks
        merged: dict[str, Check] = {}
        for user in self.users:
            for check in user.checks:
                who = user.user or user.home
                current = merged.get(check.id)
                if current is None or _RANK[check.result] > _RANK[current.result]:
                    merged[check.id] = Check(
                        check.id, check.result, f"{who}: {check.detail}", check.required
                    )
        return [merged[cid] for cid in CHECK_IDS if cid in merged]
