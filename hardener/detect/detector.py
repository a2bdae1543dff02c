"""The stateful detector engine over the sealed event stream (L1 pure core).

The daemon feeds every sealed ledger record to :meth:`DetectorEngine.observe` in order and seals
the returned alerts as ``alert`` records (body: :meth:`hardener.detect.model.Alert.to_body`). A
record is ``{"seq", "ts", "kind", "body"}``; records whose body is an event envelope
(``hardener.events``) are analysed, everything else (checkpoints, epoch closes, alerts) is
ignored. The engine never reads a clock: time is the event's own ``ts`` (when the shim saw it),
falling back to the record's ``ts`` — sealing can lag behind when the daemon was down, and a
burst must not be judged by when it was sealed. Replaying the same records gives the same alerts.

:meth:`to_state` / :meth:`from_state` carry everything learned (pins, histories, windows,
baselines, suspicions) as JSON, so the daemon can persist it across restarts.

Per event kind: ``tools.list`` → pins (rug pull) and description poisoning; ``pin.approve`` →
accept pending definitions; ``tool.call`` → frequency, arguments, secrets, exfiltration after
suspicion; ``tool.result`` → repeated failures, injection in results, secrets; ``server.request``
→ sampling/elicitation/roots.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from jsonschema.protocols import Validator

from hardener.detect import calls
from hardener.detect.changes import ChangeGrade
from hardener.detect.context import Ctx
from hardener.detect.descriptions import (
    Finding,
    analyze_item,
    analyze_listing,
    item_texts,
    listing_tool_names,
)
from hardener.detect.frequency import FrequencyTracker
from hardener.detect.model import Alert, make_alert
from hardener.detect.pins import Changes, ServerPins, approve, observe
from hardener.settings import Detectors
from hardener.timestamps import timestamp_or_none

STATE_VERSION: Final = 1
MAX_SESSIONS: Final = 4096
PRUNE_EVERY: Final = 1000
SEP: Final = "\x1f"


def key(*parts: str) -> str:
    return SEP.join(parts)


def is_event(value: object) -> bool:
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("kind"), str)
        and isinstance(value.get("body"), Mapping)
        and "session" in value
    )


class DetectorEngine:
    """All stateful detectors; one instance per daemon."""

    def __init__(self, settings: Detectors | None = None) -> None:
        rules = settings or Detectors()
        self.threshold = rules.description_score_threshold
        self.exfil_window = float(rules.exfil_window_seconds)
        self.history_min_calls = rules.history_min_calls
        self.freq = FrequencyTracker(
            rules.burst_calls,
            float(rules.burst_window_seconds),
            rules.rate_per_minute,
            rules.repeated_failures,
        )
        self.sessions: dict[str, dict[str, object]] = {}
        self.tools: dict[str, dict[str, dict[str, Any]]] = {}  # client␟server -> name -> def
        self.pins: dict[str, ServerPins] = {}
        self.calls = calls.CallState()
        self.validators: dict[str, Validator | None] = {}  # derived, not persisted
        self._observed = 0
        self._last_ts = 0.0

    # --- entry point ------------------------------------------------------------------------

    def observe(self, record: Mapping[str, Any]) -> list[Alert]:
        event = record.get("body")
        if not is_event(event):
            return []
        assert isinstance(event, Mapping)
        ts = timestamp_or_none(event.get("ts"))
        if ts is None:
            ts = timestamp_or_none(record.get("ts"))
        ctx = Ctx(
            seq=record.get("seq") if isinstance(record.get("seq"), int) else None,
            ts=ts if ts is not None else self._last_ts,
            session=str(event.get("session", "")),
            n=event.get("n") if isinstance(event.get("n"), int) else None,
            client=str(event.get("client", "")),
            server=str(event.get("server", "")),
            body=event["body"],
        )
        self._last_ts = max(self._last_ts, ctx.ts)
        handler = _HANDLERS.get(str(event["kind"]))
        alerts = handler(self, ctx) if handler else []
        self._observed += 1
        if self._observed % PRUNE_EVERY == 0:
            self.prune()
        return alerts

    def prune(self) -> None:
        self.freq.prune(self._last_ts)
        self.calls.prune(self._last_ts, self.exfil_window)

    # --- sessions -----------------------------------------------------------------------------

    def _session_start(self, ctx: Ctx) -> list[Alert]:
        self.sessions[ctx.session] = {
            "client": ctx.client,
            "server": ctx.server,
            "protocol_version": ctx.body.get("protocol_version"),
        }
        while len(self.sessions) > MAX_SESSIONS:
            del self.sessions[next(iter(self.sessions))]
        return []

    def _session_end(self, ctx: Ctx) -> list[Alert]:
        self.sessions.pop(ctx.session, None)
        self.calls.end_session(ctx.session)
        return []

    def protocol_version(self, session: str) -> str | None:
        info = self.sessions.get(session)
        version = info.get("protocol_version") if info else None
        return version if isinstance(version, str) else None

    def other_tools(self, client: str, server: str) -> frozenset[str]:
        names: set[str] = set()
        for pair, defs in self.tools.items():
            c, s = pair.split(SEP, 1)
            if c == client and s != server:
                names |= set(defs)
        return frozenset(names)

    # --- tool lists: pins and descriptions ----------------------------------------------------

    def _tools_list(self, ctx: Ctx) -> list[Alert]:
        tools = [t for t in ctx.body.get("tools") or [] if isinstance(t, Mapping)]
        instructions = ctx.body.get("instructions")
        instructions = instructions if isinstance(instructions, str) else None
        complete = not (ctx.body.get("partial") or ctx.body.get("next_cursor"))
        pair = key(ctx.client, ctx.server)
        updated, changes = observe(
            self.pins.get(pair),
            ctx.client,
            ctx.server,
            tools,
            instructions,
            complete=complete,
            threshold=self.threshold,
        )
        self.pins[pair] = updated
        current = {} if complete else dict(self.tools.get(pair, {}))
        current.update({str(t["name"]): dict(t) for t in tools if isinstance(t.get("name"), str)})
        self.tools[pair] = current
        for name in list(self.validators):
            if name.startswith(pair + SEP):
                del self.validators[name]
        alerts = self._pin_alerts(ctx, changes)
        alerts += self._description_alerts(ctx, tools, instructions, changes)
        return alerts

    def _pin_alerts(self, ctx: Ctx, changes: Changes) -> list[Alert]:
        alerts: list[Alert] = []
        for change in [*changes.changed, *([changes.instructions] if changes.instructions else [])]:
            if not change.new:
                continue
            what = f"tool '{change.name}'" if change.name else "the server's instructions"
            grade = change.grade
            alerts.append(
                make_alert(
                    "definition.changed",
                    f"{what} of server '{ctx.server}' changed after first use "
                    f"({', '.join(change.fields)}): {grade.severity}, {grade.reasons[0]}",
                    evidence=[ctx.evidence("/tools" if change.name else "/instructions")],
                    severity=grade.severity,
                    detail={
                        "fields": list(change.fields),
                        "diff": change.diff,
                        "pinned_hash": change.old_hash,
                        "current_hash": change.new_hash,
                        "grade": grade.to_json(),
                    },
                    client=ctx.client,
                    server=ctx.server,
                    tool=change.name,
                )
            )
            if grade.blocking:  # a benign update is no reason to distrust later calls
                self.calls.suspect(ctx, "definition.changed", _strength(grade), grade.severity)
        for rename in changes.renamed:
            if rename.first:
                alerts.append(
                    make_alert(
                        "definition.renamed",
                        f"tool '{rename.old}' of server '{ctx.server}' disappeared and a "
                        f"near-identical '{rename.new}' appeared",
                        evidence=[ctx.evidence("/tools")],
                        severity=rename.grade.severity,
                        detail={
                            "old": rename.old,
                            "new": rename.new,
                            "similarity": rename.similarity,
                            "grade": rename.grade.to_json(),
                        },
                        client=ctx.client,
                        server=ctx.server,
                        tool=rename.new,
                    )
                )
                if rename.grade.blocking:
                    strength = _strength(rename.grade)
                    self.calls.suspect(ctx, "definition.renamed", strength, rename.grade.severity)
        if changes.added and not changes.first_seen:
            alerts.append(
                make_alert(
                    "definition.added",
                    f"server '{ctx.server}' added tool(s) after first use: "
                    + ", ".join(changes.added[:10]),
                    evidence=[ctx.evidence("/tools")],
                    detail={"added": list(changes.added), "removed": list(changes.removed)},
                    client=ctx.client,
                    server=ctx.server,
                )
            )
        return alerts

    def _description_alerts(
        self, ctx: Ctx, tools: list[Mapping[str, Any]], instructions: str | None, changes: Changes
    ) -> list[Alert]:
        others = self.other_tools(ctx.client, ctx.server)
        if changes.first_seen:
            findings = analyze_listing(
                {"tools": tools, "instructions": instructions}, self.threshold, other_tools=others
            )
        else:
            fresh = {c.name for c in changes.changed if c.new} | set(changes.added)
            fresh |= {r.new for r in changes.renamed if r.first}
            siblings = listing_tool_names({"tools": tools})
            findings = []
            for index, tool in enumerate(tools):
                if tool.get("name") in fresh:
                    texts = item_texts(tool, f"/tools/{index}")
                    findings += analyze_item(
                        "tool",
                        str(tool["name"]),
                        texts,
                        self.threshold,
                        other_tools=others,
                        siblings=siblings,
                    )
            if changes.instructions and changes.instructions.new and instructions:
                findings += analyze_item(
                    "instructions",
                    "server instructions",
                    [("/instructions", instructions)],
                    self.threshold,
                    other_tools=others,
                    siblings=siblings,
                )
        alerts = []
        for finding in findings:
            alerts.append(self._finding_alert(ctx, finding))
            strength = 3 if finding.score >= 2 * self.threshold else 2
            self.calls.suspect(ctx, finding.rule, strength, finding.severity)
        return alerts

    def _finding_alert(self, ctx: Ctx, finding: Finding) -> Alert:
        evidence = [ctx.evidence(s.pointer, s.span, s.excerpt) for s in finding.signals[:8]]
        return make_alert(
            finding.rule,
            f"server '{ctx.server}': {finding.summary}",
            evidence=evidence,
            severity=finding.severity,
            detail={"score": finding.score, "threshold": self.threshold, **finding.to_json()},
            client=ctx.client,
            server=ctx.server,
            tool=finding.name if finding.kind == "tool" else None,
        )

    def _pin_approve(self, ctx: Ctx) -> list[Alert]:
        server = ctx.body.get("server")
        client = ctx.body.get("client")
        tool = ctx.body.get("tool")
        approved = ctx.body.get("approved")
        for pair, pins in list(self.pins.items()):
            if pins.server != server or (client is not None and pins.client != client):
                continue
            hashes = None
            if isinstance(approved, list) and approved:
                hashes = {
                    str(a.get("tool", "")): str(a.get("hash"))
                    for a in approved
                    if isinstance(a, Mapping) and (a.get("client") in (None, pins.client))
                }
            self.pins[pair], _ = approve(
                pins, tool if isinstance(tool, str) else None, hashes=hashes
            )
        return []

    # --- calls, results, server requests (hardener.detect.calls) ----------------------------

    # --- state ----------------------------------------------------------------------------------

    def to_state(self) -> dict[str, Any]:
        """Everything learned, as JSON-serialisable data."""
        return {
            "v": STATE_VERSION,
            "sessions": self.sessions,
            "tools": self.tools,
            "pins": {pair: pins.to_json() for pair, pins in self.pins.items()},
            "frequency": self.freq.to_json(),
            "calls": self.calls.to_json(),
            "observed": self._observed,
            "last_ts": self._last_ts,
        }

    @classmethod
    def from_state(
        cls, state: Mapping[str, Any], settings: Detectors | None = None
    ) -> DetectorEngine:
        """An engine that continues where ``to_state`` left off (thresholds from policy)."""
        engine = cls(settings)
        if state.get("v") != STATE_VERSION:
            raise ValueError(f"unsupported detector state version {state.get('v')!r}")
        engine.sessions = {k: dict(v) for k, v in state.get("sessions", {}).items()}
        engine.tools = {k: dict(v) for k, v in state.get("tools", {}).items()}
        engine.pins = {k: ServerPins.from_json(v) for k, v in state.get("pins", {}).items()}
        engine.freq.load(state.get("frequency", {}))
        engine.calls = calls.CallState.from_json(state.get("calls", {}))
        engine._observed = int(state.get("observed", 0))
        engine._last_ts = float(state.get("last_ts", 0.0))
        return engine


_HANDLERS: Final = {
    "session.start": DetectorEngine._session_start,
    "session.end": DetectorEngine._session_end,
    "tools.list": DetectorEngine._tools_list,
    "pin.approve": DetectorEngine._pin_approve,
    "tool.call": calls.on_call,
    "tool.result": calls.on_result,
    "server.request": calls.on_server_request,
}


def _strength(grade: ChangeGrade) -> int:
    """Suspicion strength of a graded definition change (only high/critical ones are suspect)."""
    return 3 if grade.severity == "critical" else 2
