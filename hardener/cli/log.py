"""``hardener log verify|show|tail|export``: the tamper-evident ledger (L3 edge).

``verify`` exits 0 when intact, 1 when tampered (the report names the first bad record, its file
and line, and why), 3 when it cannot verify. ``show --json`` prints one document
(``log-show.schema.json``); ``tail --json`` and ``export`` print a stream of export records, one
JSON object per line (``log-export-record.schema.json``), which is what shippers read.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from hardener.cli.common import add_output_flags
from hardener.cli.context import CliContext
from hardener.errors import EXIT_FINDINGS, EXIT_OK, KeychainError, UsageError
from hardener.keystore import KeyStore
from hardener.ledger.audit import VerifyReport, verify_ledger
from hardener.ledger.position import LedgerStateError
from hardener.ledger.query import Filters, RecordReader, View, iter_records, parse_time, view
from hardener.ledger.sealkeys import read_verifier
from hardener.ledger.store import require_public
from hardener.policy import load_policy
from hardener.settings import Settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hardener.cli.common import Subparsers
    from hardener.ledger.chain.record import Record

HELP = "verify, show, tail and export the tamper-evident log (verify: 0 intact, 1 tampered)"


def register(subparsers: Subparsers) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser("log", help=HELP, description=HELP)
    actions = parser.add_subparsers(dest="log_action", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="check every record's chain, MAC and checkpoints")
    add_output_flags(verify)
    scope = verify.add_mutually_exclusive_group()
    scope.add_argument(
        "--all",
        action="store_true",
        help="verify every segment, not just since the last checkpoint",
    )
    scope.add_argument(
        "--since-checkpoint",
        action="store_true",
        help="verify from the last verified checkpoint (the default)",
    )
    verify.add_argument("--verifier", metavar="FILE", help="verify with an exported verifier file")
    show = actions.add_parser("show", help="print records, with filters")
    add_output_flags(show)
    _add_filters(show)
    show.add_argument("--limit", type=int, default=None, help="only the last N matching records")
    tail = actions.add_parser("tail", help="print the last records and follow new ones")
    add_output_flags(tail)
    tail.add_argument("-f", "--follow", action="store_true", help="keep printing new records")
    tail.add_argument("-n", "--lines", type=int, default=10, metavar="N", help="records to start")
    tail.add_argument("--timeout", type=float, default=None, metavar="S", help="stop after S s")
    tail.add_argument("--interval", type=float, default=0.2, help=argparse.SUPPRESS)
    export = actions.add_parser("export", help="export records as JSON lines or to syslog")
    add_output_flags(export)
    export.add_argument("--out", metavar="FILE", help="append JSON lines to FILE (default stdout)")
    export.add_argument("--since", metavar="T", help="RFC 3339 time or a duration such as 2h")
    export.add_argument("--kind", action="append", default=[], help="record kind (repeatable)")
    export.add_argument("--syslog", metavar="URL", help="send RFC 5424 to udp|tcp|tls://HOST:PORT")
    export.add_argument(
        "--otlp", metavar="URL", help="send OTLP/HTTP JSON (logs, spans, metrics) to URL"
    )
    export.add_argument(
        "--targets", action="store_true", help="export to the policy's targets, resuming"
    )
    parser.set_defaults(func=run)
    return parser


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", metavar="T", help="RFC 3339 time or a duration such as 2h")
    parser.add_argument("--until", metavar="T")
    parser.add_argument("--kind", action="append", default=[], help="event kind (repeatable)")
    parser.add_argument("--client", action="append", default=[])
    parser.add_argument("--server", action="append", default=[])
    parser.add_argument("--tool", action="append", default=[])


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    actions = {"verify": _verify, "show": _show, "tail": _tail, "export": _export}
    return actions[args.log_action](args, ctx)


def _keystore(settings: Settings, ctx: CliContext) -> KeyStore | None:
    from hardener.keystore import open_keystore

    try:
        return open_keystore(allow_insecure=settings.keychain.allow_insecure_backend)
    except KeychainError as error:
        ctx.warn(f"{error.message}; verifying with public keys only (no MACs, no anchor)")
        return None


# --- verify ----------------------------------------------------------------------------------


def _verify(args: argparse.Namespace, ctx: CliContext) -> int:
    settings = load_policy(ctx.platform).settings
    verifier = read_verifier(Path(args.verifier)) if args.verifier else None
    keystore = _keystore(settings, ctx)
    stale_after = max(3.0 * settings.ledger.checkpoint_seconds, 60.0)
    try:
        report = verify_ledger(
            ctx.paths,
            full=bool(args.all),
            keystore=keystore,
            verifier=verifier,
            now=time.time(),
            stale_after=stale_after,
        )
    except LedgerStateError as error:
        if "log verify" not in error.remedy:
            raise
        raise LedgerStateError(
            error.message,
            remedy=f"Nothing was changed. Keep a copy of {ctx.paths.ledger_dir} as evidence and "
            "compare it with a backup or the checkpoints shipped off the machine (SIEM, MDM).",
        ) from error
    finally:
        if keystore is not None:
            keystore.close()
    if ctx.json:
        ctx.emit_json("log-verify.schema.json", {"ok": report.intact, **report.to_dict()})
    else:
        _print_report(report, ctx)
    return EXIT_OK if report.intact else EXIT_FINDINGS


def _print_report(report: VerifyReport, ctx: CliContext) -> None:
    span = f"seq {report.from_seq}..{report.last_seq}" if report.records else "no new records"
    macs = f"{report.macs_checked} MACs checked ({report.mac_keys} keys)"
    if report.macs_unverifiable:
        macs += f", {report.macs_unverifiable} covered by the chain and signatures only"
    anchor = report.anchor_status
    if report.anchor is not None:
        anchor += f" at seq {report.anchor.seq}"
    finding = report.finding
    if finding is None:
        ctx.out(f"ledger {report.log_id}: intact ({report.mode}: {report.records} records, {span})")
        ctx.out(f"  {macs}; {report.signatures} checkpoint signatures; keychain anchor {anchor}")
        ctx.out(f"  head {report.head}")
        for note in report.notes:
            ctx.info(f"note: {note}")
        return
    where = f"{finding.segment} line {finding.line}" if finding.segment else "end of ledger"
    ctx.out(f"ledger {report.log_id}: TAMPERED — {finding.reason} at seq {finding.seq} ({where})")
    ctx.out(f"  {finding.message}")
    if finding.expected is not None or finding.computed is not None:
        ctx.out(f"  expected: {finding.expected}")
        ctx.out(f"  found:    {finding.computed or '(nothing)'}")
    ctx.out(f"  checked {report.records} records before it; keychain anchor {anchor}")


# --- show / tail -----------------------------------------------------------------------------


def _filters(args: argparse.Namespace, now: float) -> Filters:
    return Filters(
        since=parse_time(args.since, now) if args.since else None,
        until=parse_time(args.until, now) if getattr(args, "until", None) else None,
        kinds=list(args.kind),
        clients=list(getattr(args, "client", [])),
        servers=list(getattr(args, "server", [])),
        tools=list(getattr(args, "tool", [])),
    )


def _require_ledger(ctx: CliContext) -> Mapping[str, object]:
    return require_public(ctx.paths)


def _line(item: View) -> str:
    r = item.record
    who = f"{item.client or '-'}/{item.server or '-'}"
    return f"{r.seq:>8}  {r.ts}  {r.kind:<18} {who:<32} {item.summary()}"


def _show(args: argparse.Namespace, ctx: CliContext) -> int:
    public = _require_ledger(ctx)
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    wanted = _filters(args, time.time())
    found: collections.deque[View] = collections.deque(maxlen=args.limit)
    for record in iter_records(ctx.paths.ledger_dir):
        item = view(record)
        if item is not None and wanted.match(item):
            found.append(item)
    if ctx.json:
        records = [item.to_dict() for item in found]
        ctx.emit_json(
            "log-show.schema.json",
            {"log_id": public["log_id"], "count": len(records), "records": records},
        )
        return EXIT_OK
    ctx.out(f"{'SEQ':>8}  {'TIME (UTC)':<27}  {'KIND':<18} {'CLIENT/SERVER':<32} DETAIL")
    for item in found:
        ctx.out(_line(item))
    return EXIT_OK


def _emit_record(item: View, ctx: CliContext) -> None:
    if ctx.json:
        from hardener.export.records import export_line

        ctx.stdout.write(export_line(item.record).decode())
    else:
        ctx.out(_line(item))
    ctx.stdout.flush()


def _tail(args: argparse.Namespace, ctx: CliContext) -> int:
    _require_ledger(ctx)
    last: collections.deque[View] = collections.deque(maxlen=max(args.lines, 0))
    next_seq = 0
    for record in iter_records(ctx.paths.ledger_dir):
        next_seq = record.seq + 1
        item = view(record)
        if item is not None:
            last.append(item)
    for item in last:
        _emit_record(item, ctx)
    if not args.follow:
        return EXIT_OK
    reader = RecordReader(ctx.paths.ledger_dir, next_seq)
    deadline = None if args.timeout is None else time.monotonic() + args.timeout
    try:
        while deadline is None or time.monotonic() < deadline:
            records = reader.read()
            for record in records:
                item = view(record)
                if item is not None:
                    _emit_record(item, ctx)
            if not records:
                time.sleep(args.interval)
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        reader.close()
    return EXIT_OK


# --- export ----------------------------------------------------------------------------------


def _send_otlp(url: str, records: list[Record]) -> str:
    from hardener.export.otlp import SIGNALS, OtlpSender

    if not url.startswith(("http://", "https://")):
        raise UsageError(
            f"--otlp {url!r} is not an http(s) URL", remedy="e.g. http://127.0.0.1:4318"
        )
    for signal in SIGNALS:
        sender = OtlpSender(url, signal)
        try:
            for start in range(0, len(records), 1000):
                sender.send(records[start : start + 1000])
        finally:
            sender.close()
    return url


def _export(args: argparse.Namespace, ctx: CliContext) -> int:
    public = _require_ledger(ctx)
    from hardener.export.jsonl import JsonlFile
    from hardener.export.records import export_line, export_record, wanted
    from hardener.export.syslog import SyslogSender, parse_url
    from hardener.export.targets import Exporter

    if args.targets:
        targets = list(load_policy(ctx.platform).settings.export.targets)
        if not targets:
            raise UsageError("the policy has no export.targets", remedy="Add [[export.targets]].")
        exporter = Exporter(ctx.paths, targets, retry_seconds=0)
        try:
            sent = exporter.export_pending()
            errors = [t.problem for t in exporter.targets if t.problem is not None]
        finally:
            exporter.close()
        if ctx.json:
            ctx.emit_json(
                "log-export.schema.json",
                {
                    "log_id": public["log_id"],
                    "records": sum(sent.values()),
                    "targets": sent,
                    "errors": errors,
                },
            )
        for error in errors:
            ctx.warn(error)
        return EXIT_OK if not errors else 3
    if ctx.json and not (args.out or args.syslog or args.otlp):
        raise UsageError("--json needs --out, --syslog or --otlp (stdout carries the records)")
    since = parse_time(args.since, time.time()) if args.since else None
    selected = Filters(since=since)
    records = []
    for record in iter_records(ctx.paths.ledger_dir):
        item = view(record)
        if item is not None and selected.match(item) and wanted(record, args.kind or None):
            records.append(record)
    destination = "stdout"
    if args.otlp:
        destination = _send_otlp(args.otlp, records)
    elif args.syslog:
        protocol, host, port = parse_url(args.syslog)
        sender = SyslogSender(host, port, protocol)
        try:
            for start in range(0, len(records), 1000):
                sender.send([export_record(r) for r in records[start : start + 1000]])
        finally:
            sender.close()
        destination = args.syslog
    elif args.out:
        JsonlFile(Path(args.out), max_bytes=sys.maxsize).write([export_line(r) for r in records])
        destination = str(Path(args.out))
    else:
        with contextlib.suppress(BrokenPipeError):
            for record in records:
                ctx.stdout.write(export_line(record).decode())
            ctx.stdout.flush()
    if ctx.json:
        ctx.emit_json(
            "log-export.schema.json",
            {"log_id": public["log_id"], "records": len(records), "destination": destination},
        )
    else:
        # with the records on stdout the count is a diagnostic; otherwise it is the result
        (ctx.info if destination == "stdout" else ctx.out)(
            f"exported {len(records)} records to {destination}"
        )
    return EXIT_OK
