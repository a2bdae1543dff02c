"""Exfiltration-capable tools and the suspicion chain (L1 pure core).

:func:`capabilities` classifies a tool from its name, description, input schema and annotations
into what it could use to move data off the machine or out of the person's control:
``network`` (HTTP requests, uploads, webhooks), ``messaging`` (email, chat, SMS, issues and
comments on hosted services), ``file-write`` and ``shell``. Read-only tools
(``readOnlyHint: true`` without an open world) are never exfiltration-capable.

:class:`Suspicion` is something that makes the next exfiltration-capable call in the same client
worth an alert: a poisoned description, a definition change graded high (it introduced poisoning
signals), a tool result carrying instructions or secrets — at least medium (:func:`qualifies`). :func:`chain_severity` grades the resulting ``exfil.after-suspicion`` alert: the
stronger the chain, the higher the severity.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from hardener.detect.model import raise_severity, severity_rank

_NAME_RULES: Final = (
    ("shell", re.compile(r"(?:^|_)(?:shell|bash|exec|execute|run_?command|terminal|cmd|powershell|subprocess|eval|start_process|interact_with_process|ssh)(?:_|$)")),
    ("network", re.compile(r"(?:^|_)(?:fetch|http|https|(?<!pull_)request|curl|wget|upload|webhook|navigate|browse|scrape|crawl|api|graphql|sftp)(?:_|$)")),
    ("messaging", re.compile(r"(?:^|_)(?:send|reply|forward|post|publish|tweet|notify|comment|share|invite|push|dm)(?:_|$)|(?:^|_)create_(?:issue|pull_request|gist|comment|message|post|draft|page)(?:_|$)")),
    ("file-write", re.compile(r"(?:^|_)(?:write|edit|create_file|save|append|move|copy|patch|create_directory|mkdir)(?:_|$)")),
)  # fmt: skip
_PARAM_RULES: Final = (
    ("network", re.compile(r"^(?:url|uri|endpoint|webhook(?:_?url)?|host|hostname|target_url)$", re.I)),
    ("messaging", re.compile(r"^(?:to|recipients?|cc|bcc|channel(?:_?id)?|chat_?id|phone(?:_?number)?|email)$", re.I)),
    ("shell", re.compile(r"^(?:command|cmd|script|shell_command)$", re.I)),
)  # fmt: skip
_CAMEL: Final = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _snake(name: str) -> str:
    return _CAMEL.sub("_", name).replace("-", "_").replace(".", "_").lower()


def capabilities(tool: Mapping[str, Any] | str) -> frozenset[str]:
    """Exfiltration capabilities of a tool definition (or of a bare tool name)."""
    if isinstance(tool, str):
        tool = {"name": tool}
    name = _snake(str(tool.get("name", "")))
    annotations = tool.get("annotations") if isinstance(tool.get("annotations"), Mapping) else {}
    assert isinstance(annotations, Mapping)
    if annotations.get("readOnlyHint") is True and annotations.get("openWorldHint") is not True:
        return frozenset()
    found = {cap for cap, regex in _NAME_RULES if regex.search(name)}
    schema = tool.get("inputSchema")
    props = schema.get("properties") if isinstance(schema, Mapping) else None
    if isinstance(props, Mapping):
        found |= {cap for cap, regex in _PARAM_RULES for p in props if regex.match(str(p))}
    if annotations.get("openWorldHint") is True and annotations.get("readOnlyHint") is False:
        found.add("network")
    if annotations.get("readOnlyHint") is True:
        found -= {"file-write", "shell", "messaging"}
    return frozenset(found)


@dataclass(frozen=True)
class Suspicion:
    ts: float
    seq: int | None
    session: str | None
    n: int | None
    server: str
    reason: str  # a rule id: description.poisoning, definition.changed, result.injection, …
    strength: int  # 1 weak … 3 strong
    severity: str = "medium"  # of the alert that raised it

    def to_json(self) -> dict[str, Any]:
        return {
            "ts": self.ts,
            "seq": self.seq,
            "session": self.session,
            "n": self.n,
            "server": self.server,
            "reason": self.reason,
            "strength": self.strength,
            "severity": self.severity,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Suspicion:
        return cls(
            float(data["ts"]),
            data.get("seq"),
            data.get("session"),
            data.get("n"),
            str(data["server"]),
            str(data["reason"]),
            int(data["strength"]),
            # saved before suspicions carried a severity: definition changes were not graded
            str(
                data.get("severity")
                or ("low" if str(data["reason"]).startswith("definition.") else "medium")
            ),
        )


def qualifies(suspicion: Suspicion) -> bool:
    """Can this suspicion make a later exfiltration-capable call an alert? Only when the alert
    that raised it was at least medium, and a definition change only when its graded severity
    was high or critical (the change carried poisoning signals, not a benign upstream update)."""
    if severity_rank(suspicion.severity) < severity_rank("medium"):
        return False
    if suspicion.reason.startswith("definition."):
        return severity_rank(suspicion.severity) >= severity_rank("high")
    return True


def chain_severity(
    suspicions: list[Suspicion], caps: frozenset[str], *, carries_secret: bool, cross_server: bool
) -> str:
    """Severity of an exfiltration-after-suspicion alert from the strength of the chain."""
    severity = "medium"
    if max(s.strength for s in suspicions) >= 3 or len({s.reason for s in suspicions}) >= 2:
        severity = raise_severity(severity)
    if carries_secret:
        severity = raise_severity(severity)
    if cross_server and ("network" in caps or "messaging" in caps or "shell" in caps):
        severity = raise_severity(severity) if severity == "medium" else severity
    return severity
