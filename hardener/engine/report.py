"""The values scan, harden and restore return, and their JSON form (L2 service).

Findings have a stable ``kind`` (scripts match on it) and a severity: ``error`` (a file could not
be read or parsed), ``warning`` (something is not audited, or will break), ``info`` (worth knowing,
nothing to fix). ``scan`` exits 1 when any error or warning exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

Severity = Literal["error", "warning", "info"]

#: kind -> severity
FINDING_KINDS: dict[str, Severity] = {
    "unparsable": "error",
    "unreadable": "error",
    "quit_required": "error",
    "unknown_format": "error",
    "unwrapped": "warning",
    "remote_not_audited": "warning",
    "remote_hook_audited": "info",
    "stale_shim": "warning",
    "shim_args_unrecognised": "warning",
    "managed_block": "warning",
    "literal_secret": "warning",
    "invalid_entry": "warning",
    "invalid_table": "warning",
    "read_only": "warning",
    "report_only": "warning",
    "not_restorable": "warning",
    "client_running": "info",
    "managed_exclusive": "info",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str
    remedy: str = ""
    client: str | None = None
    file: str | None = None
    server: str | None = None

    @property
    def severity(self) -> Severity:
        return FINDING_KINDS[self.kind]

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
        }
        if self.remedy:
            data["remedy"] = self.remedy
        for key in ("client", "file", "server"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


def safe_url(url: str) -> str:
    """A URL without credentials, query or fragment (those may hold tokens)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unparsable URL)"
    if not parts.scheme or not parts.hostname:
        return url.split("?", 1)[0].split("#", 1)[0]
    # the host part without credentials, as written (it may hold ``${input:…}`` variables, which
    # make ``parts.port`` raise)
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host}{parts.path}"


@dataclass
class ServerReport:
    name: str
    table: str
    path: list[str | int]
    state: str
    disabled: bool = False
    command: str | None = None
    url: str | None = None
    findings: list[Finding] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "table": self.table,
            "path": self.path,
            "state": self.state,
            "disabled": self.disabled,
            "command": self.command,
            "url": self.url,
            "findings": [f.kind for f in self.findings],
        }


@dataclass
class FileReport:
    client: str
    kind: str
    scope: str
    path: str
    format: str
    writable: bool
    reason: str = ""
    project: str | None = None
    servers: list[ServerReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def all_findings(self) -> list[Finding]:
        return [*self.findings, *(f for s in self.servers for f in s.findings)]

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "kind": self.kind,
            "scope": self.scope,
            "format": self.format,
            "project": self.project,
            "writable": self.writable,
            "reason": self.reason,
            "servers": [s.to_json() for s in self.servers],
            "findings": [f.kind for f in self.findings],
        }


@dataclass
class ClientReport:
    id: str
    name: str
    running: bool
    files: list[FileReport] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.files)

    def all_findings(self) -> list[Finding]:
        return [*self.findings, *(f for file in self.files for f in file.all_findings())]

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "found": self.found,
            "running": self.running,
            "notes": self.notes,
            "files": [f.to_json() for f in self.files],
            "absent": self.absent,
        }


@dataclass
class ScanReport:
    clients: list[ClientReport]
    projects: list[str]
    shim: str | None

    def findings(self) -> list[Finding]:
        return [f for c in self.clients for f in c.all_findings()]

    def problems(self) -> list[Finding]:
        """Findings that make ``scan`` exit 1 (errors and warnings)."""
        return [f for f in self.findings() if f.severity != "info"]

    def summary(self) -> dict[str, int]:
        servers = [s for c in self.clients for f in c.files for s in f.servers]
        findings = self.findings()
        return {
            "clients": sum(1 for c in self.clients if c.found),
            "files": sum(len(c.files) for c in self.clients),
            "servers": len(servers),
            "wrapped": sum(1 for s in servers if s.state in ("wrapped", "bridged")),
            "unwrapped": sum(1 for s in servers if s.state in ("unwrapped", "blocked")),
            "remote": sum(1 for s in servers if s.state == "remote"),
            "errors": sum(1 for f in findings if f.severity == "error"),
            "warnings": sum(1 for f in findings if f.severity == "warning"),
        }

    def to_json(self) -> dict[str, object]:
        return {
            "shim": self.shim,
            "projects": self.projects,
            "summary": self.summary(),
            "clients": [c.to_json() for c in self.clients],
            "findings": [f.to_json() for f in self.findings()],
        }
