"""Rendering a compliance :class:`~hardener.status.model.Report` (L2 service).

- human: the verdict line first, then one line per check, then the ledger's public values;
- json: one document (``schemas/status.schema.json``);
- jamf: only ``<result>COMPLIANT</result>`` or
  ``<result>NONCOMPLIANT id,id; seq=N head=H</result>`` (Jamf keeps the text between the tags);
- intune: one line of compact JSON with flat keys (custom-compliance rules read flat settings).

All renderers are pure: report in, text out.
"""

from __future__ import annotations

import json

from hardener.status.model import COMPLIANT, LedgerFacts, Report, UserReport

STATUS_SCHEMA = "status.schema.json"
_LABEL = {"pass": "PASS", "fail": "FAIL", "unknown": "UNKNOWN"}


def _ledger_text(ledger: LedgerFacts) -> str:
    seq = "-" if ledger.seq is None else str(ledger.seq)
    head = ledger.head or "-"
    return f"seq={seq} head={head}"


def render_human(report: Report) -> str:
    verdict = report.verdict.upper()
    failing = report.failing()
    headline = f"hardener status: {verdict}"
    if failing:
        headline += f" ({len(failing)} not passing: {', '.join(failing)})"
    lines = [headline]
    for user in report.users:
        if len(report.users) > 1:
            lines.append(f"user {user.user or user.home} ({user.verdict})")
        width = max((len(c.id) for c in user.checks), default=0)
        for check in user.checks:
            tag = _LABEL.get(check.result, check.result.upper())
            note = "" if check.required else " (informational)"
            lines.append(f"  {tag:<8}{check.id:<{width}}  {check.detail}{note}")
        ledger = user.ledger
        lines.append(
            f"  ledger: log_id={ledger.log_id or '-'} {_ledger_text(ledger)} "
            f"key={ledger.checkpoint_key_fingerprint or '-'}"
        )
    if not report.users:
        lines.append("  no hardener state found for any user")
    return "\n".join(lines) + "\n"


def json_document(report: Report) -> dict[str, object]:
    single: UserReport | None = report.single
    return {
        "schema": STATUS_SCHEMA,
        "version": report.version,
        "generated_at": report.generated_at,
        "host": report.host,
        "verdict": report.verdict,
        "compliant": report.compliant,
        "failing": report.failing(),
        "user": single.user if single else None,
        "home": single.home if single else None,
        "checks": [c.to_json() for c in report.merged_checks()],
        "ledger": (single.ledger if single else LedgerFacts()).to_json(),
        "users": [u.to_json() for u in report.users],
    }


def render_json(report: Report) -> str:
    return json.dumps(json_document(report), indent=2, ensure_ascii=False) + "\n"


def render_jamf(report: Report) -> str:
    if report.verdict == COMPLIANT:
        return "<result>COMPLIANT</result>\n"
    failing = ",".join(report.failing())
    if report.single is not None:
        witness = _ledger_text(report.single.ledger)
    elif report.users:
        witness = "; ".join(f"{u.user or u.home} {_ledger_text(u.ledger)}" for u in report.users)
    else:
        witness = _ledger_text(LedgerFacts())
    text = f"NONCOMPLIANT {failing}; {witness}"
    # Jamf takes everything between the tags; keep the markup unambiguous.
    return f"<result>{text.replace('<', '').replace('>', '')}</result>\n"


def render_intune(report: Report) -> str:
    single = report.single
    ledger = single.ledger if single else LedgerFacts()
    document: dict[str, object] = {
        "compliant": report.compliant,
        "verdict": report.verdict,
        "failing": ",".join(report.failing()),
        "version": report.version,
        "users": len(report.users),
        "log_id": ledger.log_id,
        "seq": ledger.seq,
        "head": ledger.head,
        "key_fingerprint": ledger.checkpoint_key_fingerprint,
    }
    for check in report.merged_checks():
        document[check.id] = check.result
    return json.dumps(document, separators=(",", ":"), ensure_ascii=True) + "\n"


RENDERERS = {
    "human": render_human,
    "json": render_json,
    "jamf": render_jamf,
    "intune": render_intune,
}
