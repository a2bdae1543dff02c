"""What runs on this machine, with ``psutil``: clients, servers outside the shim, restarts (L2 service).

The one module that asks the OS about processes (the daemon's process watch, ``hardener status``
and ``hardener harden``'s "client is running" findings all use it).

:func:`running_process_names` / :func:`is_running`: which MCP clients are running right now, for
two findings of ``harden``: a client that must be restarted to pick up a hardened file, and Claude
Desktop, which rewrites its config from memory and so must be quit before hardener edits it.

A process *is a configured server* when its argv ends with the entry's args and one of its argv
elements names the entry's command (basename, ignoring ``.exe``/``.cmd`` and version suffixes such
as ``python3.11``), so ``npx -y pkg`` matches ``node /usr/bin/npx -y pkg`` and a console script
matches ``python /venv/bin/script``. It runs *outside the shim* when none of its ancestors is a
``hardener-shim``. Only the top-most matching process of a tree is reported.

A client *needs a restart* when one of its processes started before its config was last hardened:
it still runs the servers it launched unwrapped.

Findings carry names and pids only, never the argv (it may hold tokens).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import psutil

from hardener.clients.spec import ClientSpec
from hardener.paths import OS

log = logging.getLogger(__name__)

SHIM_NAMES = frozenset({"hardener-shim"})
MAX_ANCESTRY = 16

#: Process names of each client's main program (a spec attribute, when it exists, wins).
CLIENT_PROCESS_NAMES: dict[str, tuple[str, ...]] = {
    "claude-desktop": ("claude", "claude-desktop"),
    "claude-code": ("claude",),
    "cursor": ("cursor",),
    "vscode": ("code",),
    "vscode-insiders": ("code-insiders",),
    "windsurf": ("windsurf",),
    "codex": ("codex",),
    "zed": ("zed", "zed-editor"),
    "gemini-cli": ("gemini",),
    "goose": ("goose",),
    "lm-studio": ("lm-studio", "lm studio"),
}


@dataclass(frozen=True)
class ProcInfo:
    pid: int
    ppid: int
    name: str
    argv: tuple[str, ...]
    create_time: float
    username: str | None = None


@dataclass(frozen=True)
class ServerCommand:
    """A configured stdio server, as the client would launch it without the shim."""

    client: str
    server: str
    argv: tuple[str, ...]
    config: str = ""


@dataclass(frozen=True)
class UnshimmedProcess:
    pid: int
    client: str
    server: str
    program: str
    config: str

    def describe(self) -> str:
        return f"{self.client}/{self.server} (pid {self.pid}, {self.program})"


@dataclass(frozen=True)
class RestartNeeded:
    pid: int
    client: str
    name: str
    started: float
    hardened_at: float

    def describe(self) -> str:
        return f"{self.client} (pid {self.pid}, {self.name}) started before its config was hardened"


_VERSION_SUFFIX = re.compile(r"[\d.]+$")


def program_name(arg: str) -> str:
    """Basename without directory, ``.exe``/``.cmd``/``.bat``, case or version suffix."""
    base = re.split(r"[\\/]", arg)[-1].lower()
    for suffix in (".exe", ".cmd", ".bat"):
        base = base.removesuffix(suffix)
    stripped = _VERSION_SUFFIX.sub("", base)
    return stripped or base


def is_shim(proc: ProcInfo) -> bool:
    head = proc.argv[:3]
    if any(program_name(arg) in SHIM_NAMES for arg in head):
        return True
    argv = list(proc.argv)
    return "-m" in argv[:3] and "hardener.shim" in argv[:4]


def matches(argv: Sequence[str], server_argv: Sequence[str]) -> bool:
    """Whether a process argv runs the configured ``server_argv`` (see the module docstring)."""
    if not argv or not server_argv:
        return False
    command, args = server_argv[0], list(server_argv[1:])
    wanted = program_name(command)
    if args:
        if len(argv) <= len(args) or list(argv[len(argv) - len(args) :]) != args:
            return False
        head = argv[: len(argv) - len(args)]
    else:
        head = argv[:2]
    return any(program_name(a) == wanted or a == command for a in head)


def snapshot(username: str | None = None) -> dict[int, ProcInfo]:
    """Every process (of ``username`` when given) with the fields the checks need."""
    found: dict[int, ProcInfo] = {}
    attrs = ["pid", "ppid", "name", "cmdline", "create_time", "username"]
    for proc in psutil.process_iter(attrs):
        info = proc.info
        try:
            owner = info.get("username")
            if username is not None and owner is not None and owner != username:
                continue
            found[int(info["pid"])] = ProcInfo(
                pid=int(info["pid"]),
                ppid=int(info.get("ppid") or 0),
                name=str(info.get("name") or ""),
                argv=tuple(info.get("cmdline") or ()),
                create_time=float(info.get("create_time") or 0.0),
                username=owner,
            )
        except (TypeError, ValueError):
            continue
    return found


def _ancestors(proc: ProcInfo, procs: Mapping[int, ProcInfo]) -> Iterable[ProcInfo]:
    seen = {proc.pid}
    current = procs.get(proc.ppid)
    for _ in range(MAX_ANCESTRY):
        if current is None or current.pid in seen:
            return
        yield current
        seen.add(current.pid)
        current = procs.get(current.ppid)


def find_unshimmed(
    procs: Mapping[int, ProcInfo], servers: Sequence[ServerCommand]
) -> list[UnshimmedProcess]:
    """Configured servers running without a shim among their ancestors."""
    if not servers:
        return []
    matched: dict[int, ServerCommand] = {}
    for proc in procs.values():
        if is_shim(proc):
            continue
        for server in servers:
            if matches(proc.argv, server.argv):
                matched[proc.pid] = server
                break
    findings = []
    for pid, server in sorted(matched.items()):
        proc = procs[pid]
        lineage = list(_ancestors(proc, procs))
        if any(is_shim(a) for a in lineage):
            continue
        if any(a.pid in matched for a in lineage):
            continue  # report the top-most process of the tree only
        program = program_name(proc.argv[0]) if proc.argv else proc.name
        findings.append(UnshimmedProcess(pid, server.client, server.server, program, server.config))
    return findings


def client_processes(procs: Mapping[int, ProcInfo], names: Sequence[str]) -> list[ProcInfo]:
    """Processes whose name or program is one of ``names`` (top-most of a tree only)."""
    wanted = {program_name(n) for n in names}

    def is_client(proc: ProcInfo) -> bool:
        candidates = [proc.name, *proc.argv[:2]]
        return any(program_name(c) in wanted for c in candidates if c)

    hits = {p.pid: p for p in procs.values() if is_client(p) and not is_shim(p)}
    return [
        p
        for p in sorted(hits.values(), key=lambda p: p.pid)
        if not any(a.pid in hits for a in _ancestors(p, procs))
    ]


def find_restart_needed(
    procs: Mapping[int, ProcInfo],
    hardened_at: Mapping[str, float],
    names: Mapping[str, Sequence[str]] | None = None,
) -> list[RestartNeeded]:
    """Client processes started before ``hardened_at[client]`` (the last wrap of its config)."""
    table: dict[str, Sequence[str]] = dict(CLIENT_PROCESS_NAMES)
    table.update(names or {})
    findings = []
    for client, when in sorted(hardened_at.items()):
        for proc in client_processes(procs, table.get(client, ())):
            if proc.create_time < when:
                findings.append(RestartNeeded(proc.pid, client, proc.name, proc.create_time, when))
    return findings


def running_process_names() -> frozenset[str]:
    names: set[str] = set()
    try:
        for process in psutil.process_iter(["name"]):
            name = process.info.get("name")
            if isinstance(name, str) and name:
                names.add(name)
    except (psutil.Error, OSError) as exc:  # e.g. /proc hidden: nothing known is running
        log.info("cannot list processes: %s", type(exc).__name__)
    return frozenset(names)


def is_running(spec: ClientSpec, running: frozenset[str], os_kind: OS) -> bool:
    if os_kind is OS.WINDOWS:
        lowered = {n.lower() for n in running}
        return any(name.lower() in lowered for name in spec.process_names)
    return any(name in running for name in spec.process_names)
