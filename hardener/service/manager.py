"""Plan, print and apply the install or removal of the agent's service (L2 service).

A plan is values: the files to write (path, bytes, mode) and the commands to run (argv lists, each
marked required or best-effort). ``--dry-run`` prints the plan; :func:`apply_plan` writes the files
atomically and runs the commands through an injectable runner, so tests never touch the real
service manager or system locations.
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hardener.changes import note_change
from hardener.errors import FileWriteError, HardenerError, UsageError
from hardener.fsutil import atomic_write
from hardener.paths import OS, Platform
from hardener.service import launchd, systemd, windows_task
from hardener.service.template import SCOPES, ServiceDefinition

log = logging.getLogger(__name__)

Runner = Callable[[list[str]], "subprocess.CompletedProcess[str]"]


@dataclass(frozen=True)
class PlannedFile:
    path: Path
    content: bytes
    mode: int = 0o644

    def text(self) -> str:
        if self.content.startswith((b"\xff\xfe", b"\xfe\xff")):
            return self.content.decode("utf-16")
        return self.content.decode("utf-8")


@dataclass(frozen=True)
class PlannedCommand:
    argv: list[str]
    required: bool = True


@dataclass(frozen=True)
class ServicePlan:
    action: str  # "install" | "uninstall"
    os: OS
    scope: str
    kind: str  # "systemd-user-unit" | "launch-agent" | "logon-task"
    write: list[PlannedFile] = field(default_factory=list)
    remove: list[Path] = field(default_factory=list)
    commands: list[PlannedCommand] = field(default_factory=list)
    after: list[PlannedCommand] = field(default_factory=list)


def _uid() -> int:
    return os.getuid() if hasattr(os, "getuid") else 0


def service_file(platform: Platform, definition: ServiceDefinition) -> tuple[str, Path]:
    if platform.os is OS.MACOS:
        return "launch-agent", launchd.plist_path(platform, definition)
    if platform.os is OS.WINDOWS:
        return "logon-task", windows_task.task_xml_path(platform, definition)
    return "systemd-user-unit", systemd.unit_path(platform, definition)


def plan_install(platform: Platform, definition: ServiceDefinition) -> ServicePlan:
    if definition.scope not in SCOPES:
        raise UsageError(f"unknown scope {definition.scope!r}; use one of {', '.join(SCOPES)}")
    kind, path = service_file(platform, definition)
    if platform.os is OS.MACOS:
        content = launchd.render(definition)
        commands = [
            PlannedCommand(argv, required=True)
            for argv in launchd.install_commands(platform, definition, _uid())
        ]
        if commands:  # reloading an already loaded agent: unload first, failure is fine
            commands.insert(
                0,
                PlannedCommand(launchd.uninstall_commands(platform, definition, _uid())[0], False),
            )
    elif platform.os is OS.WINDOWS:
        content = windows_task.render(definition)
        commands = [PlannedCommand(a) for a in windows_task.install_commands(platform, definition)]
    else:
        content = systemd.render(definition).encode()
        commands = [PlannedCommand(a) for a in systemd.install_commands(definition)]
    return ServicePlan(
        "install",
        platform.os,
        definition.scope,
        kind,
        write=[PlannedFile(path, content)],
        commands=commands,
    )


def plan_uninstall(platform: Platform, definition: ServiceDefinition) -> ServicePlan:
    kind, path = service_file(platform, definition)
    if platform.os is OS.MACOS:
        argvs = launchd.uninstall_commands(platform, definition, _uid())
        after: list[list[str]] = []
    elif platform.os is OS.WINDOWS:
        argvs = windows_task.uninstall_commands(platform, definition)
        after = []
    else:
        argvs = systemd.uninstall_commands(definition)
        after = systemd.after_uninstall_commands(definition)
    return ServicePlan(
        "uninstall",
        platform.os,
        definition.scope,
        kind,
        remove=[path],
        # Stopping something that is not running is not an error when removing it.
        commands=[PlannedCommand(a, required=False) for a in argvs],
        after=[PlannedCommand(a, required=False) for a in after],
    )


def default_runner(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)


def _run(commands: list[PlannedCommand], runner: Runner) -> list[str]:
    """Run each command; returns the problems of best-effort ones, raises on required ones."""
    notes = []
    for command in commands:
        try:
            result = runner(command.argv)
            code, err = result.returncode, (result.stderr or "").strip()
        except (OSError, subprocess.SubprocessError) as exc:
            code, err = -1, str(exc)
        if code == 0:
            continue
        message = f"'{' '.join(command.argv)}' failed ({code}): {err[:300]}"
        if command.required:
            raise HardenerError(
                message,
                remedy="The service file is in place; run the command yourself once the service "
                "manager is available (for systemd --user: log in to a session with a user bus).",
            )
        notes.append(message)
    return notes


def apply_plan(plan: ServicePlan, runner: Runner | None = None) -> list[str]:
    """Write/remove files and run commands; returns notes about best-effort steps that failed."""
    run = runner or default_runner
    notes: list[str] = []
    if plan.action == "uninstall":
        notes += _run(plan.commands, run)
    for planned in plan.write:
        try:
            planned.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FileWriteError(f"cannot create {planned.path.parent}: {exc.strerror}") from exc
        target = atomic_write(planned.path, planned.content, mode=planned.mode)
        note_change(target)
        if os.name != "nt":
            os.chmod(target, planned.mode)
        log.info("wrote %s", planned.path)
    for path in plan.remove:
        try:
            path.unlink()
            log.info("removed %s", path)
        except FileNotFoundError:
            notes.append(f"{path} was not installed")
        except OSError as exc:
            raise FileWriteError(f"cannot remove {path}: {exc.strerror}") from exc
    if plan.action == "install":
        notes += _run(plan.commands, run)
    notes += _run(plan.after, run)
    return notes


def installed(platform: Platform, definition: ServiceDefinition) -> Path | None:
    """The service file when it is installed for this scope (on Linux, also the package's unit)."""
    _, path = service_file(platform, definition)
    if path.exists():
        return path
    if platform.os is OS.LINUX and definition.scope == "global":
        vendor = systemd.vendor_unit_path(platform, definition)
        return vendor if vendor.exists() else None
    return None
