"""The policy's ``export.targets``, each resuming from the last seq it took (L2 service).

Targets (``schemas/policy.schema.json``): ``{"type": "jsonl", "path": FILE}``,
``{"type": "syslog", "host", "port", "protocol": "udp"|"tcp"|"tls"}`` or
``{"type": "otlp", "endpoint": URL, "headers"}`` (one resume point per OTLP signal, see
:mod:`hardener.export.otlp`), each with an optional
``include`` list of record kinds (checkpoints, epoch closes, prunes and recoveries always go).
``ledger/export-state.json`` keeps the next seq per target; it advances only after a batch was
handed over (written and fsynced, or sent), so a crash repeats at most one batch and never skips.
A target that fails is retried after ``retry_seconds`` without holding up the others.
:meth:`Exporter.health` reports each target's state (the daemon's heartbeat carries it, and
``hardener status`` turns it into the ``export.healthy`` check).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

from hardener.export.jsonl import JsonlFile
from hardener.export.otlp import OtlpSender, expand
from hardener.export.records import export_line, export_record, wanted
from hardener.export.syslog import ExportError, SyslogSender
from hardener.ledger.chain.record import Record
from hardener.ledger.query import RecordReader
from hardener.ledger.store import read_json, write_state
from hardener.paths import HardenerPaths
from hardener.settings import ExportTarget

log = logging.getLogger(__name__)

STATE = "export-state.json"
BATCH = 2000
#: URL credentials (``user:pass@``) and query strings (``?api_key=…``), kept out of the heartbeat
_URL_SECRETS = re.compile(r"(?<=://)[^/@\s]*@|\?[^\s'\"]*")


def public_text(text: str) -> str:
    """``text`` with the credentials and query strings of any URL in it replaced by ``…``."""
    return _URL_SECRETS.sub(lambda m: "?…" if m.group().startswith("?") else "…@", text)


def target_id(target: ExportTarget) -> str:
    if target.get("type") == "jsonl":
        return f"jsonl:{target.get('path')}"
    if target.get("type") == "otlp":
        return f"otlp:{target.get('signal', 'logs')}:{target.get('endpoint')}"
    proto = target.get("protocol", "udp")
    return f"syslog:{proto}://{target.get('host')}:{target.get('port', 514)}"


class TargetHealth(TypedDict):
    """One target in the heartbeat's ``export`` object (``schemas/heartbeat.schema.json``)."""

    ok: bool
    problem: str | None
    failures: int
    sent: int
    next_seq: int
    last_ok_unix: float | None
    retry_at_unix: float | None


@dataclass
class _Target:
    spec: ExportTarget
    ident: str
    reader: RecordReader
    retry_at: float = 0.0
    sender: SyslogSender | OtlpSender | None = None
    sent: int = 0
    #: the last failure's message, None once a hand-over succeeds again
    problem: str | None = None
    #: consecutive failed attempts
    failures: int = 0
    last_ok: float | None = None


class Exporter:
    def __init__(
        self,
        paths: HardenerPaths,
        targets: Sequence[ExportTarget],
        *,
        retry_seconds: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.paths = paths
        self.state_file = paths.ledger_dir / STATE
        self.retry_seconds = retry_seconds
        self.clock = clock
        state = read_json(self.state_file) or {}
        self.targets: list[_Target] = []
        for spec in [one for target in targets for one in expand(target)]:
            ident = target_id(spec)
            start = int(state.get(ident, 0))
            self.targets.append(_Target(spec, ident, RecordReader(paths.ledger_dir, start)))

    def export_pending(self) -> dict[str, int]:
        """Hand every new record to every target that is up; returns records sent per target."""
        now = self.clock()
        sent: dict[str, int] = {}
        changed = False
        for target in self.targets:
            if now < target.retry_at:
                continue
            count = 0
            before = delivered = target.reader.next_seq
            try:
                while True:
                    records = target.reader.read(BATCH)
                    if not records:
                        break
                    chosen = [r for r in records if wanted(r, target.spec.get("include"))]
                    self._deliver(target, chosen)
                    delivered = target.reader.next_seq
                    count += len(chosen)
            except (ExportError, OSError) as exc:
                target.reader.close()
                target.reader = RecordReader(self.paths.ledger_dir, delivered)
                target.retry_at = now + self.retry_seconds
                target.problem = str(exc) or type(exc).__name__
                target.failures += 1
                log.warning("export to %s failed, retrying later: %s", target.ident, exc)
            else:
                target.problem, target.failures, target.last_ok = None, 0, now
            if target.reader.next_seq != before:
                changed = True
            target.sent += count
            sent[target.ident] = count
        if changed:
            self._save()
        return sent

    def health(self) -> dict[str, TargetHealth]:
        """Each target's state by its id: up or failing (and why), what it took, where it is.

        It goes into the world-readable heartbeat, so URL credentials and query strings are cut.
        """
        return {
            public_text(target.ident): {
                "ok": target.problem is None,
                "problem": public_text(target.problem) if target.problem is not None else None,
                "failures": target.failures,
                "sent": target.sent,
                "next_seq": target.reader.next_seq,
                "last_ok_unix": target.last_ok,
                "retry_at_unix": target.retry_at if target.problem is not None else None,
            }
            for target in self.targets
        }

    def _deliver(self, target: _Target, records: list[Record]) -> None:
        if not records:
            return
        spec = target.spec
        if spec.get("type") == "jsonl":
            JsonlFile(Path(spec["path"]).expanduser()).write([export_line(r) for r in records])
            return
        if spec.get("type") == "otlp":
            otlp = target.sender
            if not isinstance(otlp, OtlpSender):  # first batch: None
                otlp = target.sender = OtlpSender(
                    str(spec.get("endpoint")),
                    spec.get("signal", "logs"),
                    headers=dict(spec.get("headers", {})),
                    timeout=float(spec.get("timeout_seconds", 10.0)),
                )
            otlp.send(records)
            return
        if target.sender is None:
            target.sender = SyslogSender(
                spec.get("host", "127.0.0.1"),
                spec.get("port", 514),
                spec.get("protocol", "udp"),
            )
        assert isinstance(target.sender, SyslogSender)
        target.sender.send([export_record(r) for r in records])

    def _save(self) -> None:
        state = read_json(self.state_file) or {}
        for target in self.targets:
            state[target.ident] = target.reader.next_seq
        write_state(self.state_file, state)

    def close(self) -> None:
        for target in self.targets:
            target.reader.close()
            if target.sender is not None:
                target.sender.close()
