"""Finding, starting and stopping the real server process (L2 shim).

The command is resolved with the ``PATH`` the client gave the shim, then the policy's
``shim.extra_path`` directories, then the login-shell ``PATH`` recorded at harden time (see
:mod:`hardener.shim.settings`). When a fallback directory was needed, the fallback directories are
appended to the child's ``PATH`` too (a ``node`` script found that way needs ``node`` beside it);
otherwise the child gets the shim's environment unchanged. argv is passed exactly, never through a
shell.

POSIX: the child leads its own process group, so stopping it (SIGTERM, then SIGKILL after a grace
period) reaches its helpers too (``npx`` → ``node``), and nothing outlives the shim. Windows: the
child is assigned to a Job Object that kills the whole tree when the shim's handle closes, and is
stopped with ``TerminateJobObject``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Mapping

TYPE_CHECKING = False  # typing is not imported at run time: the shim's start-up stays lean
if TYPE_CHECKING:
    from typing import Any


class Resolved:
    """Where the command was found; ``env`` is None to inherit the shim's environment unchanged."""

    __slots__ = ("env", "executable", "via")

    def __init__(self, executable: str, env: dict[str, str] | None, via: str) -> None:
        self.executable = executable
        self.env = env
        self.via = via  # "path" | "extra_path" | "login_path" | "explicit"


def which(command: str, directories: list[str]) -> str | None:
    """The first executable file named ``command`` in ``directories`` (``shutil.which`` on Windows)."""
    if sys.platform == "win32":
        import shutil

        found = shutil.which(command, path=os.pathsep.join(directories))
    else:
        found = None
        for directory in directories:
            candidate = os.path.join(directory or ".", command)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                found = candidate
                break
    return found


def resolve_command(
    command: str, env: Mapping[str, str], extra_path: list[str], login_path: list[str]
) -> Resolved | None:
    """Where ``command`` is, trying the client's PATH, then the policy's, then the login shell's."""
    if os.sep in command or (os.altsep and os.altsep in command):
        return Resolved(command, None, "explicit") if os.path.exists(command) else None
    found = which(command, env.get("PATH", os.defpath).split(os.pathsep))
    if found:
        return Resolved(found, None, "path")
    for via, dirs in (("extra_path", extra_path), ("login_path", login_path)):
        if not dirs:
            continue
        found = which(command, dirs)
        if found:
            extra = [d for d in [*extra_path, *login_path] if d]
            child_env = dict(env)
            child_env["PATH"] = os.pathsep.join([p for p in [env.get("PATH", "")] if p] + extra)
            return Resolved(found, child_env, via)
    return None


def spawn(argv: list[str], resolved: Resolved) -> subprocess.Popen[bytes]:
    """Start the server with pipes for stdin/stdout; stderr is the shim's own."""
    kwargs: dict[str, Any] = {}
    if sys.platform == "win32":
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
    else:
        kwargs["process_group"] = 0
    proc = subprocess.Popen(
        argv,
        executable=resolved.executable,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=None,
        env=resolved.env,
        bufsize=0,
        close_fds=True,
        **kwargs,
    )
    if sys.platform == "win32":
        _JOBS[proc.pid] = _assign_job(proc)
    return proc


#: The last resort: SIGKILL on POSIX; on Windows every stop ends the whole job anyway.
if sys.platform == "win32":
    KILL = signal.SIGTERM
else:
    KILL = signal.SIGKILL


def signal_child(proc: subprocess.Popen[bytes], sig: int) -> None:
    """Send ``sig`` to the child's process group (POSIX) or end its job (Windows)."""
    if sys.platform == "win32":
        if sig == signal.SIGINT:
            with contextlib.suppress(OSError):
                proc.send_signal(signal.CTRL_BREAK_EVENT)
        else:
            _terminate_job(proc)
    else:
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            with contextlib.suppress(OSError):
                proc.send_signal(sig)


def group_alive(proc: subprocess.Popen[bytes]) -> bool:
    """Whether any process of the child's group is left (POSIX); Windows: the child itself."""
    if sys.platform == "win32":
        alive = proc.poll() is None
    else:
        try:
            os.killpg(proc.pid, 0)
            alive = True
        except (ProcessLookupError, PermissionError):
            alive = False
    return alive


def exit_status(code: int | None) -> int:
    """The shim's exit code for a child's return code (128+N for a signal, like shells)."""
    if code is None:
        return 1
    return 128 - code if code < 0 else code


# --- Windows: a Job Object per child (not testable on this CI; typed for mypy) ---------------

_JOBS: dict[int, object] = {}

if sys.platform == "win32":  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    _JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000
    _JobObjectExtendedLimitInformation = 9

    class _IoCounters(ctypes.Structure):
        _fields_ = [
            (name, ctypes.c_ulonglong)
            for name in (
                "ReadOperationCount",
                "WriteOperationCount",
                "OtherOperationCount",
                "ReadTransferCount",
                "WriteTransferCount",
                "OtherTransferCount",
            )
        ]

    class _BasicLimits(ctypes.Structure):
        _fields_ = [
            ("PerProcessUserTimeLimit", ctypes.c_int64),
            ("PerJobUserTimeLimit", ctypes.c_int64),
            ("LimitFlags", wintypes.DWORD),
            ("MinimumWorkingSetSize", ctypes.c_size_t),
            ("MaximumWorkingSetSize", ctypes.c_size_t),
            ("ActiveProcessLimit", wintypes.DWORD),
            ("Affinity", ctypes.c_size_t),
            ("PriorityClass", wintypes.DWORD),
            ("SchedulingClass", wintypes.DWORD),
        ]

    class _ExtendedLimits(ctypes.Structure):
        _fields_ = [
            ("BasicLimitInformation", _BasicLimits),
            ("IoInfo", _IoCounters),
            ("ProcessMemoryLimit", ctypes.c_size_t),
            ("JobMemoryLimit", ctypes.c_size_t),
            ("PeakProcessMemoryUsed", ctypes.c_size_t),
            ("PeakJobMemoryUsed", ctypes.c_size_t),
        ]

    def _assign_job(proc: subprocess.Popen[bytes]) -> object:
        kernel32 = ctypes.windll.kernel32
        job = kernel32.CreateJobObjectW(None, None)
        if not job:
            return None
        info = _ExtendedLimits()
        info.BasicLimitInformation.LimitFlags = _JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
        kernel32.SetInformationJobObject(
            job, _JobObjectExtendedLimitInformation, ctypes.byref(info), ctypes.sizeof(info)
        )
        handle = int(proc._handle)  # type: ignore[attr-defined]
        kernel32.AssignProcessToJobObject(job, handle)
        return job

    def _terminate_job(proc: subprocess.Popen[bytes]) -> None:
        job = _JOBS.get(proc.pid)
        if job:
            ctypes.windll.kernel32.TerminateJobObject(job, 1)
        else:
            proc.kill()

else:

    def _assign_job(proc: subprocess.Popen[bytes]) -> object:
        return None

    def _terminate_job(proc: subprocess.Popen[bytes]) -> None:
        proc.kill()
