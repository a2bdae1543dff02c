"""Wrap and unwrap one server entry: argv values and text splices (L1 pure core).

ARCHITECTURE 3.2: a stdio entry ``{"command": C, "args": [A…]}`` becomes
``{"command": SHIM, "args": ["--client", ID, "--server", NAME, "--", C, A…]}``; only the command
and args values change (through the format codec's ``set``), every other byte of the file stays.
A remote entry can instead become a bridge entry (``… --url URL [--header K:V]…``). A client
whose ``command`` is the whole argv as one list (opencode) gets the same argv in that one list:
``[SHIM, "--client", ID, "--server", NAME, "--", C, A…]``, and unwrapping is its exact inverse.

Two ways back, both pure:

- **exact**: wrapping records a :class:`Fragment`, the changed text before and after (with just
  enough context to be unique in the wrapped file). If the file still contains the ``after`` text
  exactly once, splicing ``before`` back gives the original bytes.
- **by value**: otherwise the original command and args are read back from the wrapped args
  themselves (or, for a bridge, from the recorded original entry) and written with the codec;
  the values are exact, the formatting is the codec's.

An entry with no ``args`` key gets one when wrapped (``args`` is part of every client's stdio
schema, so this adds no unknown key); the desired state remembers it was absent so an exact restore
removes it again, and a by-value restore drops it when the recorded original had none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from hardener.formats.interface import Codec
from hardener.formats.interface import Path as DocPath

SHIM_NAMES = frozenset({"hardener-shim", "hardener-shim.exe"})
#: how much surrounding text a fragment may take to become unique
MAX_CONTEXT = 4096
_CONTEXT_STEP = 32


def shim_basename(command: str) -> str:
    return re.split(r"[\\/]", command)[-1]


def is_shim(command: object) -> bool:
    """True when ``command`` runs hardener-shim (whatever its directory, on any OS)."""
    return isinstance(command, str) and shim_basename(command).lower() in SHIM_NAMES


@dataclass(frozen=True)
class ShimArgs:
    """The parsed arguments of a wrapped (``command`` set) or bridged (``url`` set) entry."""

    client: str
    server: str
    command: str | None = None
    args: tuple[str, ...] = ()
    url: str | None = None
    headers: tuple[str, ...] = ()


def wrap_args(client: str, server: str, command: str, args: Sequence[str]) -> list[str]:
    return ["--client", client, "--server", server, "--", command, *args]


def bridge_args(client: str, server: str, url: str, headers: Sequence[str]) -> list[str]:
    argv = ["--client", client, "--server", server, "--url", url]
    for header in headers:
        argv += ["--header", header]
    return argv


def parse_shim_args(args: Sequence[object]) -> ShimArgs | None:
    """Inverse of :func:`wrap_args` / :func:`bridge_args`; None for anything else."""
    if not all(isinstance(a, str) for a in args):
        return None
    items = [str(a) for a in args]
    options: dict[str, str] = {}
    headers: list[str] = []
    index = 0
    while index < len(items):
        flag = items[index]
        if flag == "--":
            break
        if flag not in ("--client", "--server", "--url", "--header") or index + 1 >= len(items):
            return None
        value = items[index + 1]
        if flag == "--header":
            headers.append(value)
        elif flag in options:
            return None
        else:
            options[flag] = value
        index += 2
    if "--client" not in options or "--server" not in options:
        return None
    client, server = options["--client"], options["--server"]
    if index < len(items):  # stdio mode: "--" CMD ARG…
        rest = items[index + 1 :]
        if not rest or "--url" in options or headers:
            return None
        return ShimArgs(client, server, command=rest[0], args=tuple(rest[1:]))
    if "--url" in options:
        return ShimArgs(client, server, url=options["--url"], headers=tuple(headers))
    return None


# --- text fragments ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Fragment:
    """The changed text of one entry edit: ``before`` was replaced by ``after``."""

    before: str
    after: str


def _common_prefix(a: str, b: str) -> int:
    low, high = 0, min(len(a), len(b))
    while low < high:  # slice comparisons run in C; O(n log n) even for megabyte files
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _common_suffix(a: str, b: str, limit: int) -> int:
    low, high = 0, limit
    while low < high:
        mid = (low + high + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            low = mid
        else:
            high = mid - 1
    return low


def changed_region(old: str, new: str) -> tuple[int, int, int]:
    """``(start, old_end, new_end)``: the one region where ``old`` and ``new`` differ."""
    start = _common_prefix(old, new)
    suffix = _common_suffix(old, new, min(len(old), len(new)) - start)
    return start, len(old) - suffix, len(new) - suffix


def _occurs_once(text: str, part: str) -> bool:
    first = text.find(part)
    return first >= 0 and text.find(part, first + 1) < 0


def make_fragment(old: str, new: str) -> Fragment | None:
    """The edit from ``old`` to ``new`` as a fragment unique in ``new`` (None if it cannot be)."""
    start, old_end, new_end = changed_region(old, new)
    left = right = 0
    while True:
        after = new[start - left : new_end + right]
        if after and _occurs_once(new, after):
            return Fragment(old[start - left : old_end + right], after)
        if (left >= start and right >= len(new) - new_end) or left + right > MAX_CONTEXT:
            return None
        left = min(start, left + _CONTEXT_STEP)
        right = min(len(new) - new_end, right + _CONTEXT_STEP)


def apply_fragment(text: str, fragment: Fragment) -> str | None:
    """Splice ``before`` back where ``after`` occurs exactly once; None when it does not."""
    index = text.find(fragment.after)
    if index < 0 or text.find(fragment.after, index + 1) >= 0:
        return None
    return text[:index] + fragment.before + text[index + len(fragment.after) :]


# --- entry edits ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Launch:
    """Where an entry's launch command sits (paths relative to the entry) and what it is."""

    command_path: DocPath
    args_path: DocPath
    command: str
    args: tuple[str, ...]
    has_args: bool
    #: the command and its args are one list at ``command_path`` (opencode); ``args_path`` is the
    #: same path
    argv_list: bool = False


@dataclass(frozen=True)
class EntryEdit:
    """The result of wrapping or bridging one entry."""

    text: str
    mode: Literal["wrap", "bridge"]
    fragment: Fragment | None
    wrapped_argv: tuple[str, ...]
    had_args: bool


def wrap_entry(
    codec: Codec,
    text: str,
    entry_path: DocPath,
    launch: Launch,
    *,
    shim: str,
    client: str,
    server: str,
) -> EntryEdit:
    """Put the shim in front of the entry's command; only command and args change."""
    args = wrap_args(client, server, launch.command, launch.args)
    if launch.argv_list:
        new = codec.set(text, (*entry_path, *launch.command_path), [shim, *args])
    else:
        new = codec.set(text, (*entry_path, *launch.command_path), shim)
        new = codec.set(new, (*entry_path, *launch.args_path), args)
    return EntryEdit(new, "wrap", make_fragment(text, new), (shim, *args), launch.has_args)


def bridge_entry(
    codec: Codec,
    text: str,
    entry_path: DocPath,
    entry: dict[str, object],
    *,
    drop: Sequence[str],
    command_key: str,
    args_key: str,
    type_value: str | None,
    url: str,
    headers: Sequence[str],
    shim: str,
    client: str,
    server: str,
    argv_list: bool = False,
    type_key: str = "type",
) -> EntryEdit:
    """Turn a remote entry into a stdio entry running the shim in bridge mode."""
    new = text
    for key in drop:
        if key in entry and not (key == type_key and type_value is not None):
            new = codec.delete(new, (*entry_path, key))
    if type_value is not None:
        new = codec.set(new, (*entry_path, type_key), type_value)
    args = bridge_args(client, server, url, headers)
    if argv_list:
        new = codec.set(new, (*entry_path, command_key), [shim, *args])
    else:
        new = codec.set(new, (*entry_path, command_key), shim)
        new = codec.set(new, (*entry_path, args_key), args)
    return EntryEdit(new, "bridge", make_fragment(text, new), (shim, *args), False)


def unwrap_entry(
    codec: Codec,
    text: str,
    entry_path: DocPath,
    *,
    command_path: DocPath,
    args_path: DocPath,
    inner: ShimArgs | None,
    fragment: Fragment | None = None,
    original: object = None,
    had_args: bool = True,
    argv_list: bool = False,
) -> tuple[str, bool]:
    """Undo a wrap or a bridge; returns the new text and whether the bytes are exact.

    ``fragment``/``original``/``had_args`` come from the desired state when it exists. Without
    them a wrapped entry is unwrapped from its own args; a bridged one needs ``original``.
    """
    if fragment is not None:
        exact = apply_fragment(text, fragment)
        if exact is not None:
            return exact, True
    if inner is not None and inner.command is not None:
        if argv_list:
            argv = [inner.command, *inner.args]
            return codec.set(text, (*entry_path, *command_path), argv), False
        new = codec.set(text, (*entry_path, *command_path), inner.command)
        if not had_args and not inner.args:
            return codec.delete(new, (*entry_path, *args_path)), False
        return codec.set(new, (*entry_path, *args_path), list(inner.args)), False
    if original is not None:
        return codec.set(text, entry_path, original), False
    raise ValueError("nothing to restore this entry from")
