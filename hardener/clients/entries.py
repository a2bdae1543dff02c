"""Classify one server entry: stdio, wrapped, bridged, remote, built-in, extension, invalid (L1).

Values in, a value out: :func:`classify` reads a parsed entry with the client's
:class:`~hardener.clients.spec.EntryShape` and says what it is, where its launch command sits
(including Zed's early-2025 ``{"command": {"path": …, "args": […]}}`` shape), whether it is
switched off, and for a remote entry whether the shim's bridge could stand in for it. Two more
shapes come from the spec's :class:`~hardener.clients.spec.EntryShape`: opencode's argv list
(``"command": ["npx", "-y", "pkg"]``) and Cline 3.x's nested ``transport`` object.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from enum import StrEnum

from hardener.clients.spec import EntryShape
from hardener.formats.interface import Path as DocPath
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


def one_word(command: str) -> bool:
    """Does a client that shlex-splits ``command`` see it as one word, unchanged?"""
    try:
        return shlex.split(command) == [command]
    except ValueError:
        return False


def _type_name(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "null" if value is None else "a number"
    )


def _is_disabled(shape: EntryShape, entry: dict[str, object]) -> bool:
    return any(key in entry and entry[key] is value for key, value in shape.disabled_when)


def _argv_launch(shape: EntryShape, holder: dict[str, object], prefix: DocPath) -> Launch | str:
    """opencode's ``"command": [argv…]``: the program and its arguments in one list."""
    argv = holder[shape.command]
    if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
        return f"'{shape.command}' is {_type_name(argv)}, not a list of strings (the whole argv)"
    if not argv or not argv[0].strip():
        return f"'{shape.command}' has no program to run"
    path = (*prefix, shape.command)
    return Launch(path, path, argv[0], tuple(argv[1:]), True, argv_list=True)


def _launch(shape: EntryShape, holder: dict[str, object], prefix: DocPath = ()) -> Launch | str:
    """The entry's launch command, or a problem description."""
    if shape.argv_list:
        return _argv_launch(shape, holder, prefix)
    command = holder[shape.command]
    if isinstance(command, dict) and "path" in command:  # Zed, early 2025
        command_path: DocPath = (*prefix, shape.command, "path")
        args_path: DocPath = (*prefix, shape.command, "args")
        inner: dict[str, object] = command
        command, args_key = command["path"], "args"
    else:
        command_path, args_path, inner, args_key = (
            (*prefix, shape.command),
            (*prefix, shape.args),
            holder,
            shape.args,
        )
    if not isinstance(command, str) or not command.strip():
        return f"'{shape.command}' is {_type_name(command)}, not a command string"
    if shape.command_split and not one_word(command):
        return (
            f"'{shape.command}' is a command line the client splits into words; hardener wraps "
            f"a single program in '{shape.command}' with its arguments in '{args_key}'"
        )
    has_args = args_key in inner
    args = inner.get(args_key, [])
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        return f"'{args_key}' is not a list of strings"
    return Launch(command_path, args_path, command, tuple(args), has_args)


def _holder(shape: EntryShape, entry: dict[str, object]) -> tuple[DocPath, dict[str, object]]:
    """Where the launch/remote fields sit: the entry itself, or one of its ``nested`` objects."""
    if shape.command in entry or any(k in entry for k in shape.remote):
        return (), entry
    for key in shape.nested:
        inner = entry.get(key)
        if isinstance(inner, dict):
            return (key,), inner
    return (), entry


def _headers(shape: EntryShape, entry: dict[str, object]) -> tuple[tuple[str, ...], str]:
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


def classify(shape: EntryShape, entry: object) -> EntryInfo:
    if not isinstance(entry, dict):
        return EntryInfo(Kind.INVALID, problem=f"the entry is {_type_name(entry)}, not an object")
    disabled = _is_disabled(shape, entry)
    prefix, holder = _holder(shape, entry)
    remote_key = next(
        (k for k in shape.remote if k in holder and isinstance(holder[k], str)),
        None,
    )
    if shape.command in holder:
        launch = _launch(shape, holder, prefix)
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
        headers, problem = _headers(shape, holder)
        blocker = next((k for k in shape.bridge_blockers if k in entry or k in holder), None)
        if blocker is not None:
            problem = f"'{blocker}' (authentication the bridge cannot perform)"
        return EntryInfo(
            Kind.REMOTE,
            disabled,
            remote_key=remote_key,
            url=str(holder[remote_key]),
            headers=headers,
            problem=problem,
        )
    if entry.get("type") in shape.builtin_types:
        return EntryInfo(Kind.BUILTIN, disabled)
    if any(key in entry for key in shape.extension_keys):
        return EntryInfo(Kind.EXTENSION, disabled)
    where = "" if not shape.nested else f" (nor in {', '.join(repr(k) for k in shape.nested)})"
    return EntryInfo(
        Kind.INVALID,
        disabled,
        problem=f"no '{shape.command}' and no URL ({', '.join(shape.remote)}){where}",
    )
