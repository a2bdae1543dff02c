"""The stdio shim: start the real server and relay both ways until one side ends (L2 shim).

Lifecycle (POSIX; Windows uses the Job Object of :mod:`hardener.shim.child`):

- the client closes stdin → the child's stdin is closed; if the child has not exited after
  :data:`GRACE` seconds it gets SIGTERM, and SIGKILL after another :data:`GRACE`;
- SIGINT / SIGTERM / SIGHUP to the shim are forwarded to the child's process group, with the same
  escalation;
- the child exits → its remaining output is drained, leftovers of its process group are stopped,
  the events are flushed, and the shim exits with the child's exit code (128+N for signal N).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

from hardener.shim import child as child_mod
from hardener.shim.blocked import answer_with_errors
from hardener.shim.gate import CODE_DENIED, CODE_UNAVAILABLE
from hardener.shim.pipes import grow_pipe
from hardener.shim.relay import OutWriter, Pump
from hardener.shim.session import Session, warn

TYPE_CHECKING = False  # typing is not imported at run time: the shim's start-up stays lean
if TYPE_CHECKING:
    import subprocess
    from typing import Any, Final


GRACE: Final = 2.0
DRAIN: Final = 1.0
EXIT_NOT_FOUND: Final = 127
EXIT_DENIED: Final = 1


def serve_denied(session: Session, proto_out: int, rule: str) -> int:
    """The server is denied by policy: answer every request with an error, never start it."""
    out = OutWriter(proto_out)
    session.recorder.start()
    deny = ("policy.deny", {"what": "server", "name": session.server, "rule": rule})
    session.recorder.started_events([deny])
    message = (
        f"MCP server '{session.server}' is blocked by policy ({rule}). "
        "Ask your administrator to allow it (hardener policy: servers.allow / servers.deny)."
    )
    warn(f"hardener-shim: {message}")
    answer_with_errors(
        0,
        out,
        session.recorder,
        code=CODE_DENIED,
        message=message,
        data={"rule": rule},
        first_only=False,
    )
    out.close()
    session.recorder.finish("denied", EXIT_DENIED)
    return EXIT_DENIED


def serve_unavailable(session: Session, proto_out: int, command: str, reason: str) -> int:
    """The server cannot start: say why on stderr and in answer to the first request, then exit."""
    out = OutWriter(proto_out)
    session.recorder.start()
    message = f"hardener-shim could not start MCP server '{session.server}': {reason}"
    warn(message)
    answer_with_errors(
        0,
        out,
        session.recorder,
        code=CODE_UNAVAILABLE,
        message=message,
        data={"command": command},
        first_only=True,
    )
    out.close()
    session.recorder.finish("error", EXIT_NOT_FOUND, {"error": reason})
    return EXIT_NOT_FOUND


class _Lifecycle:
    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self.wake = threading.Event()
        self.client_gone = False
        self.signalled: int | None = None

    def on_eof(self, what: str) -> None:
        if what in ("c2s", "s2c-write"):
            self.client_gone = True
        self.wake.set()

    def on_signal(self, signum: int, _frame: Any) -> None:
        self.signalled = signum
        child_mod.signal_child(self.proc, signum)
        self.wake.set()


def run_stdio(
    session: Session, proto_out: int, argv: list[str], resolved: child_mod.Resolved
) -> int:
    session.recorder.fork()  # before any thread or child exists
    try:
        proc = child_mod.spawn(argv, resolved)
    except OSError as exc:
        return serve_unavailable(
            session, proto_out, argv[0], f"cannot run '{argv[0]}': {exc.strerror or exc}"
        )
    assert proc.stdin is not None
    assert proc.stdout is not None
    session.launch["child_pid"] = proc.pid
    if sys.platform == "linux":
        grow_pipe(proc.stdin.fileno())
        grow_pipe(proc.stdout.fileno())
    life = _Lifecycle(proc)
    to_child = OutWriter(proc.stdin.fileno(), owns_fd=False)
    to_client = OutWriter(proto_out)
    gate = session.gate
    recorder = session.recorder
    recorder.start()

    def c2s_eof(what: str) -> None:
        if what == "c2s":
            to_child.close()
            proc.stdin.close()  # type: ignore[union-attr]
        life.on_eof(what)

    c2s = Pump(
        "c2s",
        0,
        to_child,
        to_client,
        recorder,
        gated=(lambda: gate.gates_c2s) if gate.may_gate else None,
        check=gate.check_c2s,
        on_eof=c2s_eof,
    )
    s2c = Pump(
        "s2c",
        proc.stdout.fileno(),
        to_client,
        to_child,
        recorder,
        gated=(lambda: gate.gates_s2c) if gate.may_gate else None,
        check=gate.check_s2c,
        on_eof=life.on_eof,
    )

    def wait_child() -> None:
        proc.wait()
        life.wake.set()

    waiter = threading.Thread(target=wait_child, name="hardener-wait", daemon=True)
    previous = _install_signals(life)
    try:
        s2c.start()
        c2s.start()
        waiter.start()
        _supervise(life)
        _drain_and_reap(proc, s2c)
    finally:
        _restore_signals(previous)
    to_child.close()
    to_client.close()
    code = proc.returncode
    reason = (
        "signal" if life.signalled else ("client_closed" if life.client_gone else "child_exited")
    )
    extra = {"signal": life.signalled} if life.signalled else None
    recorder.finish(reason, code, extra)
    return child_mod.exit_status(code)


def _supervise(life: _Lifecycle) -> None:
    """Wait for the child to exit, escalating once the client left or a signal arrived."""
    proc = life.proc
    deadline: float | None = None
    stage = 0  # 0: waiting politely, 1: SIGTERM sent, 2: SIGKILL sent
    while proc.returncode is None:
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        life.wake.wait(timeout)
        life.wake.clear()
        if proc.poll() is not None:
            return
        now = time.monotonic()
        if deadline is None and (life.client_gone or life.signalled):
            deadline = now + GRACE
            stage = 1 if life.signalled else 0
            continue
        if deadline is not None and now >= deadline:
            if stage == 0:
                child_mod.signal_child(proc, signal.SIGTERM)
                stage, deadline = 1, now + GRACE
            elif stage == 1:
                child_mod.signal_child(proc, child_mod.KILL)
                stage, deadline = 2, now + GRACE
            else:
                proc.wait()


def _drain_and_reap(proc: subprocess.Popen[bytes], s2c: threading.Thread) -> None:
    """Let the child's last output through, then stop whatever is left of its process group."""
    s2c.join(DRAIN)
    if child_mod.group_alive(proc):
        child_mod.signal_child(proc, signal.SIGTERM)
        end = time.monotonic() + GRACE
        # The pipe closing means whatever held it is gone (zombies still count in the group).
        while s2c.is_alive() and child_mod.group_alive(proc) and time.monotonic() < end:
            s2c.join(0.05)
        if child_mod.group_alive(proc) and sys.platform != "win32":
            child_mod.signal_child(proc, child_mod.KILL)
    s2c.join(DRAIN)


def _install_signals(life: _Lifecycle) -> dict[int, Any]:
    previous: dict[int, Any] = {}
    if threading.current_thread() is not threading.main_thread():
        return previous
    names = (
        ["SIGINT", "SIGTERM", "SIGHUP"] if os.name != "nt" else ["SIGINT", "SIGTERM", "SIGBREAK"]
    )
    for name in names:
        sig = getattr(signal, name, None)
        if sig is not None:
            previous[sig] = signal.signal(sig, life.on_signal)
    return previous


def _restore_signals(previous: dict[int, Any]) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)
