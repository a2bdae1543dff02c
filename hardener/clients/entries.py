"""Classify one server entry: stdio, wrapped, bridged, remote, built-in, extension, invalid (L1).

Values in, a value out: :func:`classify` reads a parsed entry with the client's
:class:`~hardener.clients.spec.EntryShape` and says what it is, where its launch command sits
(including Zed's early-2025 ``{"command": {"path": …, "args": […]}}`` shape), whether it is
switched off, and for a remote entry whether the shim's bridge could stand in for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from hardener.clients.spec import EntryShape
from hardener.transform import Launch, ShimArgs, is_shim, parse_shim_args


class Kind(StrEnum):
    STDIO = "unwrapped"
    WRAPPED = "wrapped"
    BRIDGED = "bridged"
    REMOTE = "remote"
    BUILTIN = "builtin"
    EXTENSION = "extension"
    INVALID = "invalid"


@dataclass(frozen=True)
class EntryInfo:
    kind: Kind
    disabled: bool = False
    launch: Launch | None = None
    shim: ShimArgs | None = None
    remote_key: str | None = None
    url: str | None = None
    headers: tuple[str, ...] = ()
    #: INVALID: what is wrong; REMOTE: why it cannot be bridged ("" when it can)
    problem: str = ""


def _type_name(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "null" if value is None else "a number"
    )


def _is_disabled(shape: EntryShape, entry: dict[str, Any]) -> bool:
    return any(key in entry and entry[key] is value for key, value in shape.disabled_when)


def _launch(shape: EntryShape, entry: dict[str, Any]) -> Launch | str:
    """The entry's launch command, or a problem description."""
    command = entry[shape.command]
    if isinstance(command, dict) and "path" in command:  # Zed, early 2025
        command_path: tuple[str, ...] = (shape.command, "path")
        args_path: tuple[str, ...] = (shape.command, "args")
        holder: dict[str, Any] = command
        command, args_key = command["path"], "args"
    else:
        command_path, args_path, holder, args_key = (
            (shape.command,),
            (shape.args,),
            entry,
            shape.args,
        )
    if not isinstance(command, str) or not command.strip():
        return f"'{shape.command}' is {_type_name(command)}, not a command string"
    has_args = args_key in holder
    args = holder.get(args_key, [])
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        return f"'{args_key}' is not a list of strings"
    return Launch(command_path, args_path, command, tuple(args), has_args)


def _headers(shape: EntryShape, entry: dict[str, Any]) -> tuple[tuple[str, ...], str]:
    headers: list[str] = []
    for key in shape.header_maps:
        table = entry.get(key)
        if table is None:
            continue
        if not isinstance(table, dict):
            return (), f"'{key}' is not an object"
        for name, value in table.items():
            if not isinstance(value, str) or "\n" in value or ":" in name:
                return (), f"header '{name}' cannot be passed to the bridge"
            headers.append(f"{name}:{value}")
    return tuple(headers), ""


def classify(shape: EntryShape, entry: Any) -> EntryInfo:
    if not isinstance(entry, dict):
        return EntryInfo(Kind.INVALID, problem=f"the entry is {_type_name(entry)}, not an object")
    disabled = _is_disabled(shape, entry)
    remote_key = next(
        (k for k in shape.remote if k in entry and isinstance(entry[k], str)),
        None,
    )
    if shape.command in entry:
        launch = _launch(shape, entry)
        if isinstance(launch, str):
            return EntryInfo(Kind.INVALID, disabled, problem=launch)
        if remote_key is not None:
            return EntryInfo(
                Kind.INVALID,
                disabled,
                problem=f"the entry has both '{shape.command}' and '{remote_key}'",
            )
        if is_shim(launch.command):
            parsed = parse_shim_args(launch.args)
            kind = Kind.BRIDGED if parsed is not None and parsed.url is not None else Kind.WRAPPED
            problem = "" if parsed is not None else "hardener-shim arguments not recognised"
            return EntryInfo(kind, disabled, launch=launch, shim=parsed, problem=problem)
        return EntryInfo(Kind.STDIO, disabled, launch=launch)
    if remote_key is not None:
        headers, problem = _headers(shape, entry)
        blocker = next((k for k in shape.bridge_blockers if k in entry), None)
        if blocker is not None:
            problem = f"'{blocker}' (authentication the bridge cannot perform)"
        return EntryInfo(
            Kind.REMOTE,
            disabled,
            remote_key=remote_key,
            url=str(entry[remote_key]),
            headers=headers,
            problem=problem,
        )
    if entry.get("type") in shape.builtin_types:
        return EntryInfo(Kind.BUILTIN, disabled)
    if any(key in entry for key in shape.extension_keys):
        return EntryInfo(Kind.EXTENSION, disabled)
    return EntryInfo(
        Kind.INVALID,
        disabled,
        problem=f"no '{shape.command}' and no URL ({', '.join(shape.remote)})",
    )
