"""Engine handlers for tool calls, tool results and server-initiated requests (L1 pure core).

Split from ``hardener.detect.detector`` to keep modules small; the handlers see the engine only
through :class:`EngineView` (what they read), so this module never imports the detector. :class:`CallState` is the part of the
engine's state these handlers own: calls awaiting their result, per-tool argument histories, the
suspicion chain per client, and the text of recent results per server (to notice one
server's data reappearing in another server's sampling request).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Final, Protocol

from hardener.detect.arguments import ArgHistory, check_arguments, make_validator, sensitive_paths
from hardener.detect.context import Ctx
from hardener.detect.descriptions import scan_text, score
from hardener.detect.exfil import Suspicion, capabilities, chain_severity, qualifies
from hardener.detect.frequency import FrequencyHit, FrequencyTracker
from hardener.detect.model import Alert, Evidence, make_alert, raise_severity
from hardener.detect.pins import canonical
from hardener.detect.secrets import find_secrets
from hardener.detect.server_requests import assess, request_text, shingles

SEP: Final = "\x1f"
MAX_PENDING: Final = 4096
MAX_SUSPICIONS: Final = 32
MAX_ALERTED: Final = 256
MAX_EXCERPTS: Final = 16  # recent results kept per server, to compare with sampling requests
MAX_EXCERPT_CHARS: Final = 2048
MAX_HISTORIES: Final = 4096
FAILED: Final = frozenset({"error", "denied"})


def arguments_hash(arguments: Any) -> str:
    return hashlib.sha256(canonical(arguments)).hexdigest()[:16]


class CallState:
    """Serialisable state of the call/result/server-request handlers."""

    def __init__(self) -> None:
        self.pending: dict[str, dict[str, Any]] = {}
        self.histories: dict[str, ArgHistory] = {}
        self.suspicions: dict[str, list[Suspicion]] = {}
        self.alerted: dict[str, list[str]] = {}
        self.foreign: dict[str, dict[str, list[str]]] = {}

    def suspect(self, ctx: Ctx, reason: str, strength: int, severity: str = "medium") -> None:
        """Remember what makes later exfiltration-capable calls suspect (``severity``: of the
        alert that raised it; only suspicions that :func:`qualifies` count)."""
        chain = self.suspicions.setdefault(ctx.client, [])
        chain.append(
            Suspicion(ctx.ts, ctx.seq, ctx.session, ctx.n, ctx.server, reason, strength, severity)
        )
        del chain[:-MAX_SUSPICIONS]

    def active(self, client: str, now: float, window: float) -> list[Suspicion]:
        return [s for s in self.suspicions.get(client, []) if 0 <= now - s.ts <= window]

    def end_session(self, session: str) -> None:
        for pending_key in [k for k in self.pending if k.startswith(session + SEP)]:
            del self.pending[pending_key]

    def prune(self, now: float, window: float) -> None:
        for client in list(self.suspicions):
            self.suspicions[client] = self.active(client, now, window)
            if not self.suspicions[client]:
                del self.suspicions[client]
                self.alerted.pop(client, None)
        while len(self.histories) > MAX_HISTORIES:
            del self.histories[next(iter(self.histories))]

    def to_json(self) -> dict[str, Any]:
        return {
            "pending": self.pending,
            "histories": {k: h.to_json() for k, h in self.histories.items()},
            "suspicions": {c: [s.to_json() for s in chain] for c, chain in self.suspicions.items()},
            "alerted": self.alerted,
            "foreign": self.foreign,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CallState:
        state = cls()
        state.pending = {k: dict(v) for k, v in data.get("pending", {}).items()}
        state.histories = {k: ArgHistory.from_json(v) for k, v in data.get("histories", {}).items()}
        state.suspicions = {
            c: [Suspicion.from_json(s) for s in chain]
            for c, chain in data.get("suspicions", {}).items()
        }
        state.alerted = {k: list(v) for k, v in data.get("alerted", {}).items()}
        state.foreign = {
            c: {s: list(v) for s, v in servers.items()}
            for c, servers in data.get("foreign", {}).items()
        }
        return state


class EngineView(Protocol):
    """What the handlers read from :class:`hardener.detect.detector.DetectorEngine`."""

    calls: CallState
    freq: FrequencyTracker
    tools: dict[str, dict[str, dict[str, Any]]]
    validators: dict[str, Any]
    threshold: int
    exfil_window: float
    history_min_calls: int

    def protocol_version(self, session: str) -> str | None: ...


def _frequency_alert(ctx: Ctx, hit: FrequencyHit) -> Alert:
    where = "/".join(hit.key)
    if hit.rule == "frequency.burst":
        summary = f"{hit.count} calls of tool '{hit.key[-1]}' within {hit.window:g}s"
    elif hit.rule == "frequency.rate":
        summary = f"{hit.count} calls within 60s for {hit.scope} '{where}'"
    elif hit.rule == "frequency.baseline":
        summary = f"{hit.count} calls this minute on server '{ctx.server}', far above its baseline"
    else:
        summary = f"the same call of tool '{hit.key[-1]}' failed {hit.count} times in a row"
    return make_alert(
        hit.rule,
        summary,
        evidence=[ctx.evidence()],
        detail={"scope": hit.scope, "count": hit.count, "window_seconds": hit.window, **hit.detail},
        client=ctx.client,
        server=ctx.server,
        tool=hit.key[-1] if hit.scope == "tool" else None,
    )


def _validator(engine: EngineView, ctx: Ctx, tool: str, schema: Any) -> Any:
    cache_key = SEP.join((ctx.client, ctx.server, tool, engine.protocol_version(ctx.session) or ""))
    if cache_key not in engine.validators:
        ok = isinstance(schema, Mapping)
        engine.validators[cache_key] = (
            make_validator(schema, engine.protocol_version(ctx.session)) if ok else None
        )
    return engine.validators[cache_key]


def on_call(engine: EngineView, ctx: Ctx) -> list[Alert]:
    tool = str(ctx.body.get("tool", ""))
    arguments = ctx.body.get("arguments")
    state = engine.calls
    alerts = [
        _frequency_alert(ctx, hit) for hit in engine.freq.call(ctx.ts, ctx.client, ctx.server, tool)
    ]
    definition = engine.tools.get(SEP.join((ctx.client, ctx.server)), {}).get(tool)
    issues = []
    if definition is not None:
        schema = definition.get("inputSchema")
        issues += check_arguments(schema, arguments, _validator(engine, ctx, tool, schema))
    issues += sensitive_paths(arguments)
    history_key = SEP.join((ctx.client, ctx.server, tool))
    history = state.histories.pop(history_key, None) or ArgHistory()
    state.histories[history_key] = history  # most recently used last
    issues += history.check_and_learn(arguments, engine.history_min_calls)
    by_rule: dict[str, list[Any]] = {}
    for issue in issues:
        by_rule.setdefault(issue.rule, []).append(issue)
    caps = capabilities(definition if definition is not None else tool)
    for rule, found in by_rule.items():
        severity = None
        if rule == "arguments.sensitive-path" and all(i.value.startswith(".env") for i in found):
            severity = "medium"
        alerts.append(
            make_alert(
                rule,
                f"call of '{tool}' on '{ctx.server}': {found[0].message}"
                + (
                    f" ({found[0].value})"
                    if found[0].value and found[0].value != found[0].message
                    else ""
                )
                + (f" and {len(found) - 1} more" if len(found) > 1 else ""),
                evidence=[ctx.evidence(f"/arguments{i.pointer}") for i in found[:8]],
                severity=severity,
                detail={
                    "issues": [
                        {"pointer": i.pointer, "message": i.message, "value": i.value}
                        for i in found[:8]
                    ]
                },
                client=ctx.client,
                server=ctx.server,
                tool=tool,
            )
        )
    secrets = find_secrets(arguments)
    if secrets:
        alerts.append(
            make_alert(
                "secrets.in-arguments",
                f"call of '{tool}' on '{ctx.server}' carried {len(secrets)} secret value(s)",
                evidence=[ctx.evidence(f"/arguments{h.pointer}", h.span) for h in secrets[:8]],
                severity="high" if caps else None,
                detail={
                    "kinds": sorted({h.kind for h in secrets}),
                    "unredacted": any(not h.redacted for h in secrets),
                },
                client=ctx.client,
                server=ctx.server,
                tool=tool,
            )
        )
    if caps:
        alerts += _exfil(
            engine, ctx, tool, caps, bool(secrets) or "arguments.sensitive-path" in by_rule
        )
    if ctx.body.get("id") is not None:
        state.pending[SEP.join((ctx.session, str(ctx.body.get("id"))))] = {
            "tool": tool,
            "args_hash": arguments_hash(arguments),
        }
        while len(state.pending) > MAX_PENDING:
            del state.pending[next(iter(state.pending))]
    return alerts


def _exfil(
    engine: EngineView, ctx: Ctx, tool: str, caps: frozenset[str], secret: bool
) -> list[Alert]:
    state = engine.calls
    chain = [s for s in state.active(ctx.client, ctx.ts, engine.exfil_window) if qualifies(s)]
    if not chain:
        return []
    latest = chain[-1]
    dedupe = SEP.join((str(latest.seq if latest.seq is not None else latest.ts), ctx.server, tool))
    done = state.alerted.setdefault(ctx.client, [])
    if dedupe in done:
        return []
    done.append(dedupe)
    del done[:-MAX_ALERTED]
    cross = any(s.server != ctx.server for s in chain)
    severity = chain_severity(chain, caps, carries_secret=secret, cross_server=cross)
    reasons = sorted({f"{s.reason} on '{s.server}'" for s in chain})
    evidence = [ctx.evidence("/arguments")] + [Evidence(s.seq, s.session, s.n) for s in chain[-7:]]
    return [
        make_alert(
            "exfil.after-suspicion",
            f"'{tool}' ({', '.join(sorted(caps))}) on '{ctx.server}' was called "
            f"{ctx.ts - latest.ts:.0f}s after: " + "; ".join(reasons[:3]),
            evidence=evidence,
            severity=severity,
            detail={
                "capabilities": sorted(caps),
                "suspicions": [s.to_json() for s in chain[-7:]],
                "carries_secret": secret,
                "cross_server": cross,
            },
            client=ctx.client,
            server=ctx.server,
            tool=tool,
        )
    ]


def on_result(engine: EngineView, ctx: Ctx) -> list[Alert]:
    state = engine.calls
    entry = state.pending.pop(SEP.join((ctx.session, str(ctx.body.get("id")))), None) or {}
    tool = str(ctx.body.get("tool") or entry.get("tool") or "")
    failed = ctx.body.get("status") in FAILED or ctx.body.get("is_error") is True
    alerts = []
    hit = engine.freq.result(
        ctx.client, ctx.server, tool, str(entry.get("args_hash", "?")), failed=failed, seq=ctx.seq
    )
    if hit is not None:
        alerts.append(_frequency_alert(ctx, hit))
    excerpt = ctx.body.get("result_excerpt")
    if excerpt is None:
        return alerts
    text = request_text(excerpt)
    signals = scan_text(text, "/result_excerpt")
    total = score(signals)
    if total >= engine.threshold:
        severity = "high" if total >= 2 * engine.threshold else "medium"
        alerts.append(
            make_alert(
                "result.injection",
                f"result of '{tool}' on '{ctx.server}' contains instructions to the model (score {total})",
                evidence=[ctx.evidence(s.pointer, s.span, s.excerpt) for s in signals[:8]],
                severity=severity,
                detail={"score": total, "families": sorted({s.family for s in signals})},
                client=ctx.client,
                server=ctx.server,
                tool=tool,
            )
        )
        state.suspect(ctx, "result.injection", 3 if severity == "high" else 2, severity)
    secrets = find_secrets(excerpt)
    if secrets:
        alerts.append(
            make_alert(
                "secrets.in-result",
                f"result of '{tool}' on '{ctx.server}' carried {len(secrets)} secret value(s)",
                evidence=[ctx.evidence(f"/result_excerpt{h.pointer}", h.span) for h in secrets[:8]],
                severity=raise_severity("medium") if any(not h.redacted for h in secrets) else None,
                detail={
                    "kinds": sorted({h.kind for h in secrets}),
                    "unredacted": any(not h.redacted for h in secrets),
                },
                client=ctx.client,
                server=ctx.server,
                tool=tool,
            )
        )
        state.suspect(ctx, "secrets.in-result", 2, alerts[-1].severity)
    if text.strip():
        recent = state.foreign.setdefault(ctx.client, {}).setdefault(ctx.server, [])
        recent.append(text[:MAX_EXCERPT_CHARS])
        del recent[:-MAX_EXCERPTS]
    return alerts


def on_server_request(engine: EngineView, ctx: Ctx) -> list[Alert]:
    foreign = {
        server: shingles("\n".join(texts))
        for server, texts in engine.calls.foreign.get(ctx.client, {}).items()
        if server != ctx.server
    }
    result = assess(ctx.body, engine.threshold, foreign)
    if result is None:
        return []
    method = str(ctx.body.get("method"))
    summary = f"server '{ctx.server}' sent {method} ({ctx.body.get('via', 'request')})"
    if result.reasons:
        summary += ": " + "; ".join(result.reasons)
    evidence = [ctx.evidence()] + [
        ctx.evidence(s.pointer, s.span, s.excerpt) for s in result.signals[:6]
    ]
    if result.severity in ("high", "critical"):
        engine.calls.suspect(ctx, result.rule, 2, result.severity)
    return [
        make_alert(
            result.rule,
            summary,
            evidence=evidence,
            severity=result.severity,
            detail={**result.detail, "reasons": list(result.reasons)},
            client=ctx.client,
            server=ctx.server,
        )
    ]
