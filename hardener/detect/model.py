"""Alerts, evidence and the rule catalogue shared by every detector (L1 pure core).

An :class:`Alert` is what a detector returns: a stable rule id, a severity, a one-line summary,
the evidence (ledger sequence numbers and the session/event numbers of the events involved, with
the exact offending text span or argument path), a remedy, and free-form ``detail``. Its
:meth:`Alert.to_body` is the body of an ``alert`` event / ledger record
(``schemas/alert.schema.json``).

:data:`RULES` is the catalogue: every rule id a detector can raise, with its default severity,
its one-line explanation and its remedy. Rule ids never change meaning; new rules get new ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from hardener import event_bodies as bodies
from hardener.event_bodies import AlertBody, Severity

SEVERITIES: Final = ("low", "medium", "high", "critical")
#: each severity as the alert body's type (a KeyError for anything else)
_SEVERITY: Final[dict[str, Severity]] = {
    "low": "low",
    "medium": "medium",
    "high": "high",
    "critical": "critical",
}

#: Longest excerpt of offending text kept in evidence (descriptions and results are redacted
#: upstream; the cap keeps alerts small).
EXCERPT_CHARS: Final = 240


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


def raise_severity(severity: str, steps: int = 1) -> str:
    """``severity`` moved up (or down, for negative ``steps``) within the scale."""
    rank = min(max(severity_rank(severity) + steps, 0), len(SEVERITIES) - 1)
    return SEVERITIES[rank]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    explanation: str
    remedy: str


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {rule.id: rule for rule in rules}


RULES: Final = _rules(
    Rule(
        "description.poisoning",
        "high",
        "A tool, prompt or server description contains instructions aimed at the model "
        "(hidden directives, secret-file access, exfiltration or instructions about other tools).",
        "Do not use this server until the description is explained; remove it from the client "
        "config or deny the tool in policy (tools.deny), and report it to the server's author.",
    ),
    Rule(
        "description.hidden-text",
        "high",
        "A description contains invisible or deceptive characters (Unicode tags, zero-width, "
        "bidi overrides, mixed-script homoglyphs) that a person reviewing it cannot see.",
        "Inspect the raw definition (hardener analyze-tools); treat the server as untrusted "
        "until the hidden text is explained.",
    ),
    Rule(
        "description.malicious-capability",
        "high",
        "A tool openly describes an attack capability (exfiltration, credential dumping, "
        "persistence or backdoors, payload generation, AV/EDR evasion, password cracking).",
        "Allow such a server only on purpose (a red-team workstation); otherwise remove it from "
        "the client config or deny the tool in policy (tools.deny).",
    ),
    Rule(
        "description.terminal-escape",
        "high",
        "A description contains ANSI/terminal control sequences that can hide or rewrite what a "
        "person sees in a terminal.",
        "Inspect the raw definition; treat the server as untrusted until explained.",
    ),
    Rule(
        "sensor.unshimmed-call",
        "high",
        "A client's hook saw an MCP tool call to a stdio server that the audit shim never saw: "
        "the server was started without hardener's wrapping (bypassed, unwrapped or launched "
        "from a config hardener does not watch).",
        "Run 'hardener scan' to find the unwrapped entry and 'hardener harden' to wrap it; if the "
        "entry is wrapped, find out who started the server directly.",
    ),
    Rule(
        "definition.changed",
        "high",
        "A tool definition or the server's instructions changed after they were first seen "
        "(possible rug pull). The severity is graded by what the change does: high or critical "
        "when it adds poisoning signals, hidden characters, sensitive files, destinations or "
        "parameters asking for secrets; low for wording and schema changes without such signals.",
        "Review the diff; if the change is expected run 'hardener approve --server NAME "
        "[--tool NAME]', otherwise remove the server.",
    ),
    Rule(
        "definition.renamed",
        "high",
        "A tool disappeared and a near-identical tool appeared under another name.",
        "Review the new tool; approve it with 'hardener approve --server NAME --tool NEW' if "
        "expected.",
    ),
    Rule(
        "definition.added",
        "low",
        "A server announced a new tool after its tool list was first pinned.",
        "Check that the new tool is expected; it was pinned on first sight.",
    ),
    Rule(
        "arguments.schema-invalid",
        "medium",
        "A tool call's arguments do not validate against the tool's inputSchema.",
        "Check what the model was asked to do; a prompt injection often produces malformed calls.",
    ),
    Rule(
        "arguments.undeclared",
        "medium",
        "A tool call carries properties that the tool's inputSchema does not declare.",
        "Check where the extra argument came from; poisoned descriptions ask for hidden "
        "parameters to smuggle data.",
    ),
    Rule(
        "arguments.sensitive-path",
        "high",
        "A tool call references a sensitive file (SSH keys, cloud credentials, .env, browser "
        "profiles, keychains, MCP client configs).",
        "Check whether the person asked for this file; if not, treat the session as compromised "
        "and rotate the credentials involved.",
    ),
    Rule(
        "arguments.novel-path",
        "medium",
        "A tool was called with a path outside every directory it was used with before.",
        "Check that the path was intended.",
    ),
    Rule(
        "arguments.novel-host",
        "low",
        "A tool was called with a URL host it was never used with before.",
        "Check that the destination was intended.",
    ),
    Rule(
        "frequency.burst",
        "medium",
        "A tool was called many times within a few seconds.",
        "Check for a runaway agent loop or automated abuse; raise detectors.burst_calls if this "
        "tool is meant to be called in bursts.",
    ),
    Rule(
        "frequency.rate",
        "medium",
        "A server or client sustained a call rate above detectors.rate_per_minute.",
        "Check for a runaway agent loop; raise the threshold if the load is expected.",
    ),
    Rule(
        "frequency.baseline",
        "low",
        "Calls per minute are far above this server's learned baseline.",
        "Check what the agent is doing right now.",
    ),
    Rule(
        "frequency.repeated-failure",
        "medium",
        "The same call failed repeatedly with identical arguments.",
        "Check for a stuck agent or probing (e.g. guessing paths or credentials).",
    ),
    Rule(
        "result.injection",
        "medium",
        "A tool result contains instructions aimed at the model (possible indirect prompt "
        "injection).",
        "Check the data source the tool read; treat later actions in this session with suspicion.",
    ),
    Rule(
        "exfil.after-suspicion",
        "high",
        "An exfiltration-capable tool (network, messaging, file write, shell) was called soon "
        "after a suspicious description, definition change or tool result in the same client.",
        "Review the call's arguments and destination now; if data left the machine, rotate the "
        "secrets involved and remove the suspicious server.",
    ),
    Rule(
        "server-request.sampling",
        "medium",
        "A server asked the client's model to generate text (sampling).",
        "Check the request; deny sampling in policy (server_requests.sampling) if unneeded.",
    ),
    Rule(
        "server-request.elicitation",
        "medium",
        "A server asked the person for input (elicitation).",
        "Never enter secrets into an elicitation; deny it in policy if unneeded.",
    ),
    Rule(
        "server-request.roots",
        "low",
        "A server asked for the client's workspace roots.",
        "Expected for filesystem-like servers; deny in policy (server_requests.roots) otherwise.",
    ),
    Rule(
        "secrets.in-arguments",
        "medium",
        "A tool call carried a value that looks like a secret (redacted in the log).",
        "Check that the secret was meant for this tool; rotate it if not.",
    ),
    Rule(
        "secrets.in-result",
        "medium",
        "A tool result carried a value that looks like a secret (redacted in the log).",
        "Check why the tool returned a secret to the model; rotate it if it may have leaked.",
    ),
)


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: which record/event, and where in it (pointer + span + excerpt)."""

    seq: int | None = None
    session: str | None = None
    n: int | None = None
    pointer: str | None = None
    span: tuple[int, int] | None = None
    excerpt: str | None = None

    def to_json(self) -> bodies.Evidence:
        out: bodies.Evidence = {}
        if self.seq is not None:
            out["seq"] = self.seq
        if self.session is not None:
            out["session"] = self.session
        if self.n is not None:
            out["n"] = self.n
        if self.pointer is not None:
            out["pointer"] = self.pointer
        if self.excerpt is not None:
            out["excerpt"] = self.excerpt
        if self.span is not None:
            out["span"] = list(self.span)
        return out


def excerpt(text: str, start: int, end: int, *, context: int = 40) -> str:
    """The offending text with a little context, capped at :data:`EXCERPT_CHARS`."""
    lo = max(0, start - context)
    hi = min(len(text), max(end, start) + context)
    piece = text[lo:hi]
    if len(piece) > EXCERPT_CHARS:
        piece = piece[:EXCERPT_CHARS] + "…"
    return piece


@dataclass(frozen=True)
class Alert:
    rule: str
    severity: str
    summary: str
    evidence: tuple[Evidence, ...] = ()
    remedy: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    client: str | None = None
    server: str | None = None
    tool: str | None = None

    def to_body(self) -> AlertBody:
        """The ``alert`` event body (``schemas/alert.schema.json``)."""
        body: AlertBody = {
            "rule": self.rule,
            "severity": _SEVERITY[self.severity],
            "summary": self.summary,
            "evidence": [item.to_json() for item in self.evidence],
            "remedy": self.remedy or RULES[self.rule].remedy,
            "detail": self.detail,
        }
        if self.client is not None:
            body["client"] = self.client
        if self.server is not None:
            body["server"] = self.server
        if self.tool is not None:
            body["tool"] = self.tool
        return body


def make_alert(
    rule: str,
    summary: str,
    *,
    evidence: tuple[Evidence, ...] | list[Evidence] = (),
    severity: str | None = None,
    detail: dict[str, object] | None = None,
    client: str | None = None,
    server: str | None = None,
    tool: str | None = None,
) -> Alert:
    """An alert for a catalogued ``rule`` (default severity and remedy from :data:`RULES`)."""
    entry = RULES[rule]
    return Alert(
        rule=rule,
        severity=severity or entry.severity,
        summary=summary,
        evidence=tuple(evidence),
        remedy=entry.remedy,
        detail=detail or {},
        client=client,
        server=server,
        tool=tool,
    )
