"""``hardener alerts``: anomaly alerts from the ledger (L3 edge).

Reads the ledger's JSON-line segments (``<state>/ledger/*.jsonl``) and lists the alert records,
oldest first, as a table or (``--json``) as ``alerts.schema.json``. An alert is a record of kind
``alert`` whose body is the alert (``alert.schema.json``), or whose body is an event envelope of
kind ``alert`` (an alert raised by the shim and sealed like any event). A torn last line (a
writer killed mid-append) is skipped silently; other unreadable lines are skipped with a warning.
This reader does not verify the chain: ``hardener log verify`` does.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema

from hardener.cli.common import add_output_flags
from hardener.cli.context import CliContext
from hardener.detect.detector import parse_ts
from hardener.detect.model import SEVERITIES, severity_rank
from hardener.errors import UsageError
from hardener.events import utc_timestamp
from hardener.policy import load_schema

HELP = "list anomaly alerts from the log"
SCHEMA = "alerts.schema.json"
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser("alerts", help=HELP, description=HELP)
    add_output_flags(parser)
    parser.add_argument("--since", metavar="T", help="RFC 3339 time or a duration such as 24h")
    parser.add_argument(
        "--severity", metavar="S", choices=SEVERITIES, help="only this severity and above"
    )
    parser.add_argument("--client", metavar="ID", help="only alerts about this client")
    parser.add_argument("--server", metavar="NAME", help="only alerts about this server")
    parser.set_defaults(func=run)
    return parser


def parse_since(value: str, now: datetime) -> float:
    """Epoch seconds from an RFC 3339 time or a duration back from ``now``."""
    match = _DURATION.match(value.strip())
    if match:
        return (now - timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])).timestamp()
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise UsageError(
            f"--since {value!r} is neither an RFC 3339 time nor a duration",
            remedy="Use for example --since 2026-11-25T08:00:00Z or --since 24h (s, m, h, d, w).",
        ) from exc
    if moment.tzinfo is None:  # a time without an offset is UTC, like the ledger's
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


@dataclass(frozen=True)
class AlertRecord:
    seq: int | None
    ts: str
    alert: dict[str, Any]


def _alert_body(record: Mapping[str, Any]) -> dict[str, Any] | None:
    body = record.get("body")
    if not isinstance(body, Mapping):
        return None
    if record.get("kind") == "alert" and "rule" in body:
        return dict(body)
    if body.get("kind") == "alert" and isinstance(body.get("body"), Mapping):
        alert = dict(body["body"])
        for field in ("client", "server"):
            if field not in alert and isinstance(body.get(field), str):
                alert[field] = body[field]
        return alert
    return None


def read_alerts(ledger_dir: Path, warn: Any = None) -> Iterator[AlertRecord]:
    """Every alert record in the ledger segments, in file then line order."""
    if not ledger_dir.is_dir():
        return
    for path in sorted(ledger_dir.glob("*.jsonl")):
        try:
            lines = path.read_bytes().split(b"\n")
        except OSError as exc:
            if warn:
                warn(f"cannot read {path}: {exc.strerror or exc}")
            continue
        last = len(lines) - 1
        while last >= 0 and not lines[last].strip():
            last -= 1
        for number, raw in enumerate(lines[: last + 1], start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except ValueError:
                if number != last + 1 and warn:  # a torn last line is expected after a crash
                    warn(f"{path}:{number}: unreadable ledger line skipped")
                continue
            if not isinstance(record, Mapping):
                continue
            alert = _alert_body(record)
            if alert is None:
                continue
            seq = record.get("seq") if isinstance(record.get("seq"), int) else None
            ts = record.get("ts")
            if isinstance(ts, int | float):
                ts = utc_timestamp(datetime.fromtimestamp(ts, UTC))
            yield AlertRecord(seq, str(ts or ""), alert)


def _select(records: list[AlertRecord], args: argparse.Namespace) -> list[AlertRecord]:
    since = parse_since(args.since, datetime.now(UTC)) if args.since else None
    minimum = severity_rank(args.severity) if args.severity else 0
    out = []
    for record in records:
        alert = record.alert
        if since is not None and (parse_ts(record.ts) or 0.0) < since:
            continue
        if alert.get("severity") in SEVERITIES and severity_rank(alert["severity"]) < minimum:
            continue
        if args.client and alert.get("client") != args.client:
            continue
        if args.server and alert.get("server") != args.server:
            continue
        out.append(record)
    return out


def _human(ctx: CliContext, records: list[AlertRecord]) -> None:
    if not records:
        ctx.info("no alerts")
        return
    ctx.out(f"{'SEQ':>6}  {'TIME':<19}  {'SEVERITY':<8}  {'RULE':<27}  {'WHERE':<24}  SUMMARY")
    for record in records:
        alert = record.alert
        where = "/".join(str(alert[k]) for k in ("client", "server") if alert.get(k))
        seq = "" if record.seq is None else str(record.seq)
        ctx.out(
            f"{seq:>6}  {record.ts[:19]:<19}  {alert.get('severity', '?'):<8}  "
            f"{alert.get('rule', '?'):<27}  {where[:24]:<24}  {alert.get('summary', '')}"
        )
        seqs = sorted(
            {e["seq"] for e in alert.get("evidence", []) if isinstance(e, Mapping) and "seq" in e}
        )
        if ctx.verbose:
            ctx.out(
                f"{'':>8}evidence: seq {', '.join(map(str, seqs)) or '-'}; {alert.get('remedy', '')}"
            )


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    ledger = ctx.paths.ledger_dir
    validator = jsonschema.Draft202012Validator(load_schema("alert.schema.json"))
    records = []
    for record in read_alerts(ledger, ctx.warn):
        problem = next(iter(validator.iter_errors(record.alert)), None)
        if problem is not None:
            ctx.warn(
                f"alert at seq {record.seq} does not match alert.schema.json: {problem.message}"
            )
            continue
        records.append(record)
    records.sort(key=lambda r: (r.seq is None, r.seq or 0))
    if not ledger.is_dir():
        ctx.info(f"no ledger yet at {ledger}")
    selected = _select(records, args)
    if ctx.json:
        ctx.emit_json(
            SCHEMA,
            {
                "ledger": str(ledger),
                "count": len(selected),
                "alerts": [{"seq": r.seq, "ts": r.ts, "alert": r.alert} for r in selected],
            },
        )
    else:
        _human(ctx, selected)
    return 0
