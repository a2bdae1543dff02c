"""``hardener-hook``: the command a client runs before and after each MCP tool call (L2 service).

``hardener-hook --client ID [--event NAME]`` reads the client's hook JSON from stdin
(:mod:`hardener.hooks.payload`), redacts the arguments with the shim's :class:`~hardener.redact.Redactor`
and fingerprint key (so the fingerprints equal the shim's for the same values), appends one
``hook.call`` or ``hook.result`` event to its own spool file ``<state>/spool/<session>.jsonl``
(0600, created exclusively, never through a symlink), and answers the client.

It never blocks a call unless the policy is in enforce mode and denies the server or the tool
(the shim's :class:`~hardener.shim.gate.Gate` rules); any problem of its own (bad input, no state
directory, a full disk) is reported on stderr and the call goes ahead (exit 0). Start-up stays
lean like the shim's: ``os``/``json`` on the common path, the policy from the shim's cache, no
network; measure with ``bench/bench_hook.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time

from hardener.hooks.payload import HookInput, PayloadError, answer, parse

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from hardener.event_bodies import (
        HookCallBody,
        HookResultBody,
        HookTransport,
        ProtocolAnomalyBody,
    )
    from hardener.redact import Redactor
    from hardener.shim.locate import Locations
    from hardener.shim.settings import ShimSettings

USAGE = "usage: hardener-hook --client ID [--event NAME]\n"
INPUT_LIMIT = 16 << 20
EXCERPT = 200
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


class _Usage(Exception):
    pass


def parse_args(argv: Sequence[str]) -> tuple[str, str | None]:
    client = ""
    event: str | None = None
    args = list(argv)
    index = 0
    while index < len(args):
        name, eq, inline = args[index].partition("=")
        if name not in ("--client", "--event"):
            raise _Usage(f"unknown argument {args[index]!r}")
        if eq:
            value = inline
        elif index + 1 < len(args):
            index += 1
            value = args[index]
        else:
            raise _Usage(f"{name} needs a value")
        if name == "--client":
            client = value
        else:
            event = value
        index += 1
    if not client:
        raise _Usage("--client is required")
    return client, event


def _warn(text: str) -> None:
    with contextlib.suppress(OSError):
        os.write(2, f"hardener-hook: {text}\n".encode("utf-8", "replace"))


def _private_dir(path: str) -> None:
    """Create ``path`` 0700 if needed; refuse a symlink or someone else's directory."""
    with contextlib.suppress(FileExistsError):
        os.mkdir(path, 0o700)
    st = os.lstat(path)
    if not (st.st_mode & 0o170000 == 0o040000):
        raise OSError(f"{path} is not a real directory")
    if sys.platform != "win32" and st.st_uid != os.getuid():
        raise OSError(f"{path} belongs to another user")


def append_event(
    loc: Locations, kind: str, body: Mapping[str, object], client: str, server: str
) -> str:
    """Write one event as a new spool file; returns its path."""
    from datetime import UTC, datetime

    from hardener.events import encode_line, make_event

    if loc.state_dir is None:
        raise OSError("HOME is not set: nothing can be recorded")
    os.makedirs(os.path.dirname(loc.state_dir), exist_ok=True)
    _private_dir(loc.state_dir)
    spool = os.path.join(loc.state_dir, "spool")
    _private_dir(spool)
    session = os.urandom(16).hex()  # like events.new_session_id, without importing uuid
    event = make_event(
        kind, body, session=session, n=0, client=client, server=server, moment=datetime.now(UTC)
    )
    data = encode_line(event)
    path = os.path.join(spool, f"{session}.jsonl")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
    return path


def _redactor(loc: Locations, settings: ShimSettings) -> Redactor:
    from hardener.redact import Redactor
    from hardener.shim.settings import SettingsError, fingerprint_key

    try:
        key = fingerprint_key(loc)
    except SettingsError as exc:
        _warn(f"warning: {exc}; fingerprints use a one-off key")
        key = os.urandom(32)
    return Redactor(
        key,
        extra_keys=list(settings.redaction_keys),
        extra_patterns=list(settings.redaction_patterns),
        max_value_bytes=settings.redaction_max_value_bytes,
    )


def deny_rule(settings: ShimSettings, hook: HookInput) -> str | None:
    """Why the policy refuses this call (enforced in enforce mode, noted in audit mode), or None."""
    if not hook.is_mcp or hook.phase != "call":
        return None
    from hardener.shim.gate import Gate

    gate = Gate.from_settings(settings, hook.server)
    return gate.server_rule() or gate.tool_rule(hook.tool)


def _excerpt(redactor: Redactor, value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return redactor.redact_text(text[: EXCERPT * 4])[:EXCERPT]


def event_body(
    hook: HookInput, redactor: Redactor, size: int, rule: str | None, enforce: bool
) -> HookCallBody | HookResultBody:
    """The ``hook.call`` / ``hook.result`` body (redacted)."""
    body: HookCallBody | HookResultBody
    secrets: set[str] = set()
    if hook.phase == "call":
        call: HookCallBody = {
            "hook": hook.event,
            "tool": hook.tool,
            "mcp": hook.is_mcp,
            "decision": "deny" if rule is not None and enforce else "allow",
        }
        if rule is not None and enforce:
            call["rule"] = rule
        elif rule is not None:
            call["would_deny"] = rule
        body = call
    else:
        result: HookResultBody = {
            "hook": hook.event,
            "tool": hook.tool,
            "mcp": hook.is_mcp,
            "status": hook.status or "ok",
            "is_error": hook.status == "error",
        }
        if hook.duration_ms is not None:
            result["duration_ms"] = hook.duration_ms
        if hook.error:
            text = redactor.redact_text(hook.error[: EXCERPT * 4], secrets)
            result["error_message"] = text[:EXCERPT]
        if hook.result is not None:
            result["result_excerpt"] = _excerpt(redactor, hook.result)
        body = result
    body["raw_tool"] = hook.raw_tool
    body["client_session"] = hook.session
    body["call_id"] = hook.call_id
    body["size_bytes"] = size
    body["pid"] = os.getpid()
    body["ppid"] = os.getppid()
    if hook.cwd is not None:
        body["cwd"] = hook.cwd
    if hook.transport:
        transport: HookTransport = {"shimmed": bool(hook.transport.get("shimmed"))}
        if isinstance(command := hook.transport.get("command"), str):
            transport["command"] = redactor.redact_text(command)
        if isinstance(url := hook.transport.get("url"), str):
            transport["url"] = redactor.redact_text(url)
        body["transport"] = transport
    redaction = redactor.redact(hook.arguments)
    body["arguments"] = redaction.value
    body["fingerprints"] = redaction.fingerprints
    secrets |= set(redaction.found)
    if secrets:
        body["secrets"] = sorted(secrets)
    return body


def run(client: str, event: str | None, raw: bytes) -> tuple[str, int]:
    """Record and answer one hook invocation; ``(stdout, exit code)``."""
    started = time.perf_counter()
    from hardener.shim.locate import locate
    from hardener.shim.settings import load_settings

    loc = locate()
    problems: list[str] = []
    settings = load_settings(loc, problems)
    for problem in problems:
        _warn(f"warning: {problem}")
    try:
        hook = parse(client, json.loads(raw), event)
    except (ValueError, PayloadError) as exc:
        _warn(f"warning: {exc}; the call goes ahead unrecorded by the hook")
        _record_anomaly(loc, client, raw)
        return "", 0
    rule = deny_rule(settings, hook)
    enforce = settings.enforce
    try:
        redactor = _redactor(loc, settings)
        body = event_body(hook, redactor, len(raw), rule, enforce)
        body["hook_ms"] = round((time.perf_counter() - started) * 1000, 3)
        kind = "hook.call" if hook.phase == "call" else "hook.result"
        append_event(loc, kind, body, client, hook.server or "-")
    except OSError as exc:
        _warn(f"warning: cannot record the call: {exc}")
    return answer(hook, rule if enforce else None)


def _record_anomaly(loc: Locations, client: str, raw: bytes) -> None:
    import hashlib

    body: ProtocolAnomalyBody = {
        "direction": "internal",
        "problem": "invalid_json",
        "size_bytes": len(raw),
        "sha256": hashlib.sha256(raw).hexdigest(),
        "error": "hardener-hook input is not a hook payload",
    }
    try:
        append_event(loc, "protocol.anomaly", body, client, "-")
    except OSError as exc:
        _warn(f"warning: cannot record the anomaly: {exc}")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] in (["--help"], ["-h"]):
        sys.stderr.write(USAGE)
        return 0
    try:
        client, event = parse_args(args)
    except _Usage as exc:
        sys.stderr.write(f"{USAGE}hardener-hook: error: {exc}\n")
        return 2
    raw = sys.stdin.buffer.read(INPUT_LIMIT)
    out, code = run(client, event, raw)
    if out:
        sys.stdout.write(out)
        sys.stdout.flush()
    return code
