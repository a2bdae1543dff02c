"""``hardener alerts``: anomaly alerts from the ledger (L3 edge).

Reads the ledger with its one reader (:func:`hardener.ledger.query.iter_records`) and lists the
alert records, oldest first, as a table or (``--json``) as ``alerts.schema.json``. An alert is a
record of kind ``alert`` whose body wraps an event envelope of kind ``alert`` whose body is the
alert (``alert.schema.json``): the daemon seals ``{"origin": "daemon", "event": …}``, a shim's
spooled alert is sealed as ``{"spool": …, "event": …}``. An alert's time (shown, and what
``--since`` compares) is when it was raised, the envelope's ``ts``, not when it was sealed. Lines
that are not well-formed records are skipped (``hardener log verify`` names them); this reader
does not verify the chain.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema

from hardener.cli.common import add_output_flags
from hardener.cli.context import CliContext
from hardener.detect.model import SEVERITIES, severity_rank
from hardener.errors import UsageError
from hardener.ledger.query import View, iter_records, view
from hardener.policy import load_schema
from hardener.timestamps import timestamp_or_none

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hardener.cli.common import Subparsers

HELP = "list anomaly alerts from the log"
SCHEMA = "alerts.schema.json"
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def register(subparsers: Subparsers) -> argparse.ArgumentParser:
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
        try:
            back = timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])
            return (now - back).timestamp()
        except (OverflowError, ValueError):
            return float("-inf")  # further back than any clock: everything
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


def alert_of(item: View) -> dict[str, object] | None:
    """The alert a sealed record carries, or None.

    Every alert is sealed as an event envelope of kind ``alert`` whose body is the alert: the
    daemon's as ``{"origin": "daemon", "event": {...}}``, a shim's as ``{"spool": {...}, "event":
    {...}}``. The envelope's client and server fill in the alert's when it names none.
    """
    event = item.event
    if event.get("kind") != "alert" or not isinstance(event.get("body"), Mapping):
        return None
    alert = dict(event["body"])
    for name in ("client", "server"):
        if name not in alert and isinstance(event.get(name), str) and event[name]:
            alert[name] = event[name]
    return alert


def read_alerts(ledger_dir: Path) -> Iterator[AlertRecord]:
    """Every alert in the ledger, in seq order, read with the ledger's one reader."""
    for record in iter_records(ledger_dir):
        if record.kind != "alert":
            continue
        item = view(record)
        alert = None if item is None else alert_of(item)
        if alert is not None:
            assert item is not None
            moment = item.event.get("ts")  # when it happened, not when it was sealed
            yield AlertRecord(record.seq, moment if isinstance(moment, str) else record.ts, alert)


def _select(records: list[AlertRecord], args: argparse.Namespace) -> list[AlertRecord]:
    since = parse_since(args.since, datetime.now(UTC)) if args.since else None
    minimum = severity_rank(args.severity) if args.severity else 0
    out = []
    for record in records:
        alert = record.alert
        if since is not None and (timestamp_or_none(record.ts) or 0.0) < since:
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
    for record in read_alerts(ledger):
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
