"""Shared set-up of one shim session: gate, recorder, protocol stdout (L2 shim).

:func:`prepare` builds what every transport needs. Only the cheap parts happen here (the gate from
the settings, the recorder's queue); the redactor, the tracker and the spool are created by the
recorder once it starts (after the server process is running), from the ``launch`` description
that the transport fills in. On POSIX the recorder is a forked process
(:mod:`hardener.shim.recording.process`), elsewhere (or with ``HARDENER_SHIM_RECORDER=thread``) a thread. :func:`protect_stdout` moves the protocol stream to a
private descriptor and points fd 1 (and ``sys.stdout``) at stderr, so that no stray ``print``
from any library can ever corrupt the protocol.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable

from hardener.shim.gate import Gate
from hardener.shim.locate import Locations
from hardener.shim.recording.recorder import Recorder

TYPE_CHECKING = False  # typing is not imported at run time: the shim's start-up stays lean
if TYPE_CHECKING:
    from hardener.pin_store import PinStore
    from hardener.redact import Redactor
    from hardener.shim.recording.recorder import Spool
    from hardener.shim.settings import ShimSettings
    from hardener.shim.tracker import SessionTracker

    if sys.platform == "win32":
        AnyRecorder = Recorder
    else:
        from hardener.shim.recording.process import ProcessRecorder

        AnyRecorder = Recorder | ProcessRecorder


class Session:
    """One shim session: its names, gate, recorder and launch description."""

    def __init__(
        self, client: str, server: str, gate: Gate, recorder: AnyRecorder, launch: dict[str, object]
    ) -> None:
        self.client = client
        self.server = server
        self.gate = gate
        self.recorder = recorder
        #: Filled in by the transport before the recorder starts: transport, argv, child_pid, url…
        self.launch = launch


def warn(text: str) -> None:
    with contextlib.suppress(OSError):
        os.write(2, text.encode("utf-8", "replace") + b"\n")


def protect_stdout() -> int:
    """A private duplicate of fd 1 for protocol bytes; fd 1 itself now goes to stderr."""
    proto = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return proto


def make_redactor(key: bytes, settings: ShimSettings) -> Redactor:
    from hardener.redact import Redactor

    return Redactor(
        key,
        extra_keys=list(settings.redaction_keys),
        extra_patterns=list(settings.redaction_patterns),
        max_value_bytes=settings.redaction_max_value_bytes,
    )


def launch_fingerprints(
    redactor: Redactor, argv: list[str], env_names: list[str]
) -> dict[str, str]:
    """Keyed fingerprints of the launch argv, and of argv plus the environment's variable names."""
    import json

    return {
        "argv_fingerprint": redactor.fingerprint(json.dumps(argv, ensure_ascii=False)),
        "server_fingerprint": redactor.fingerprint(
            json.dumps([argv, sorted(env_names)], ensure_ascii=False)
        ),
    }


def start_body(
    redactor: Redactor, settings: ShimSettings, launch: dict[str, object]
) -> dict[str, object]:
    """The static part of ``session.start`` (the protocol part is added by the tracker)."""
    from hardener._version import __version__

    body: dict[str, object] = {
        "pid": os.getpid(),
        "cwd": os.getcwd(),
        "shim_version": __version__,
        "policy_mode": settings.mode,
        "transport": launch.get("transport"),
    }
    argv = launch.get("argv")
    if isinstance(argv, list):
        args = [str(a) for a in argv]  # the shim's own argv (str); the recorder got it as JSON
        env = launch.get("env_names", [])
        env_names = [str(n) for n in env] if isinstance(env, list) else []
        body["argv"] = redactor.redact_argv(args)
        body.update(launch_fingerprints(redactor, args, env_names))
    if isinstance(url := launch.get("url"), str):
        body["url"] = redactor.redact_text(url)
        body["headers"] = launch.get("headers", [])
        body["server_fingerprint"] = redactor.fingerprint(url)
    for key in ("resolved_via", "child_pid", "would_deny"):
        if key in launch:
            body[key] = launch[key]
    return body


def prepare(
    loc: Locations,
    settings: ShimSettings,
    *,
    client: str,
    server: str,
    launch: dict[str, object],
    open_spool: Callable[[], Spool] | None = None,
    protocol_fds: list[int] | None = None,
) -> Session:
    gate = Gate.from_settings(settings, server)

    def default_open() -> Spool:
        if loc.state_dir is None:
            raise OSError("no state directory (is HOME set?)")
        from hardener.paths import Platform, hardener_paths
        from hardener.spool import SpoolWriter

        return SpoolWriter(hardener_paths(Platform.current()), client=client, server=server)

    def setup() -> tuple[SessionTracker, Callable[[], Spool]]:
        from hardener.shim.settings import SettingsError, fingerprint_key
        from hardener.shim.tracker import SessionTracker

        try:
            key = fingerprint_key(loc)
        except SettingsError as exc:
            warn(f"hardener-shim: warning: {exc}; fingerprints use a per-session key")
            key = os.urandom(32)
        redactor = make_redactor(key, settings)
        tracker = SessionTracker(redactor, start_body(redactor, settings, session.launch))
        if loc.state_dir is not None:
            tracker.on_tools_list = pin_observer(
                client, server, settings.detectors_description_score_threshold
            )
        return tracker, open_spool or default_open

    recorder: AnyRecorder
    if sys.platform != "win32" and os.environ.get("HARDENER_SHIM_RECORDER") != "thread":
        from hardener.shim.recording.process import ProcessRecorder

        recorder = ProcessRecorder(setup, gate, warn, launch, protocol_fds or [])
    else:
        recorder = Recorder(setup, gate, warn)
    session = Session(client, server, gate, recorder, launch)
    if gate.enforce and loc.state_dir is not None:
        gate.pins = pin_checker(gate, recorder, client, server)
    return session


def pin_observer(
    client: str, server: str, threshold: int | None = None
) -> Callable[[list[dict[str, object]], str | None, bool], None]:
    """The tracker's ``on_tools_list``: pins every listed tool on first sight and records changed
    definitions as pending (``hardener.pins``; runs in the recorder, never in the relay). The pin
    modules (which import the description detector) are imported at the first ``tools/list``
    answer, not when the recorder starts."""
    store: list[PinStore] = []
    warned: list[bool] = []

    def observe(tools: list[dict[str, object]], instructions: str | None, complete: bool) -> None:
        try:
            if not store:
                from hardener.paths import Platform, hardener_paths
                from hardener.pin_store import PinStore

                paths = hardener_paths(Platform.current())
                if threshold is None:
                    store.append(PinStore(paths))
                else:
                    store.append(PinStore(paths, threshold=threshold))
            store[0].observe(client, server, tools, instructions, complete=complete)
        except Exception as exc:  # a broken pin store must not stop the recording
            if not warned:
                warned.append(True)
                warn(f"hardener-shim: warning: cannot update the tool pins: {exc}")

    return observe


def pin_checker(
    gate: Gate, recorder: AnyRecorder, client: str, server: str
) -> Callable[[str], str | None]:
    """Enforce mode: why a call of a tool must be refused (its definition changed since it was
    pinned and the change is not approved yet), or None. The pin modules are imported on the
    first tool call, not at start-up; each call then costs a ``stat`` of the pin file."""
    state: list[tuple[PinStore, Callable[..., str | None]]] = []

    def check(tool: str) -> str | None:
        if gate.listed:  # let the recorder observe the tools/list answer the client has seen
            gate.listed = False
            if not recorder.sync():
                warn("hardener-shim: warning: the recorder is behind; checking older tool pins")
        try:
            if not state:
                from hardener.detect.pins import should_refuse_call
                from hardener.paths import Platform, hardener_paths
                from hardener.pin_store import PinStore

                state.append((PinStore(hardener_paths(Platform.current())), should_refuse_call))
            store, should_refuse = state[0]
            reason: str | None = should_refuse(
                store.view(client, server), client, server, tool, block_low=gate.block_low_changes
            )
            return reason
        except Exception as exc:
            warn(f"hardener-shim: warning: cannot read the tool pins: {exc}")
            if gate.fail_closed:
                return f"hardener cannot read its tool pins ({exc}) and policy is fail-closed"
            return None

    return check
