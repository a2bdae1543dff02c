"""The declarative shape of one MCP client: its files, where servers live, its entry fields (L1).

A :class:`ClientSpec` says, for one client, which config files it reads (per OS and per project),
in which format, where the servers table sits inside each file (a map keyed by server name, or
Continue's list of objects carrying a ``name``), which fields of an entry hold the launch command,
which fields mark a remote server, and what else the rewriter must know (does the client rewrite
its own file, must it be quit before an edit, can it run stdio servers at all).

Path resolution is pure: a file's ``locate`` function gets the :class:`~hardener.paths.Platform`
(OS + environment) and an :class:`FsView` (a read-only window on the filesystem, injected by the
engine; tests pass a fake) and returns every candidate path, including paths that do not exist yet,
so the daemon can watch them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from hardener.paths import Platform

Format = Literal["json", "jsonc", "toml", "yaml", "opaque"]
Scope = Literal["user", "project", "managed", "plugin"]
TableForm = Literal["map", "list"]

#: Every key that marks a remote (URL) server, across clients.
REMOTE_KEYS: tuple[str, ...] = ("url", "serverUrl", "httpUrl", "uri")


class FsView(Protocol):
    """Read-only filesystem queries discovery needs (the engine passes the real one)."""

    def exists(self, path: Path) -> bool: ...

    def is_dir(self, path: Path) -> bool: ...

    def glob(self, base: Path, pattern: str) -> list[Path]:
        """Paths under ``base`` matching ``pattern`` (``*`` one level, ``**`` any depth), sorted."""
        ...

    def read_text(self, path: Path) -> str | None:
        """The file's text, or None when it is missing or unreadable."""
        ...


Locate = Callable[[Platform, FsView], tuple[Path, ...]]


@dataclass(frozen=True)
class Table:
    """Where servers live inside a parsed file.

    ``path`` may contain ``"*"``: every key of the object at that point (Claude Code's
    ``projects.<abs path>.mcpServers``).
    """

    path: tuple[str, ...]
    form: TableForm = "map"
    #: list form: the key of each item that holds the server's name
    name_key: str = "name"
    #: map form: a key whose object marks the map as a newer layout's container, not a table of
    #: servers (opencode V2 keeps servers under ``mcp.servers`` next to settings such as
    #: ``mcp.timeout``); the map then yields no entries (another table reads the servers)
    container_key: str = ""
    #: map form: yield nothing when the map itself looks like one server entry (opencode V2's
    #: ``mcp.servers`` read from a V1 file whose server happens to be named ``servers``)
    not_an_entry: bool = False


@dataclass(frozen=True)
class EntryShape:
    """Field names of one server entry."""

    command: str = "command"
    args: str = "args"
    remote: tuple[str, ...] = REMOTE_KEYS
    #: maps whose values may hold literal secrets (reported by key name only)
    secret_maps: tuple[str, ...] = ("env", "headers")
    #: (key, value) pairs meaning "this entry is switched off"
    disabled_when: tuple[tuple[str, object], ...] = (("disabled", True), ("enabled", False))
    #: values of ``type`` for entries with nothing to launch (built-ins, extension servers)
    builtin_types: tuple[str, ...] = ()
    #: keys that, present without a command, mean "provided by an extension of the client"
    extension_keys: tuple[str, ...] = ()
    #: bridging a remote entry: the transport keys removed (besides the remote key itself)
    bridge_drop: tuple[str, ...] = ("type", "headers", "transport", "transportType")
    #: bridging: a ``type`` value to write instead of dropping it (Goose needs ``type: stdio``)
    bridge_type: str | None = None
    #: the key ``bridge_type`` is written to (Mistral Vibe: ``transport``)
    bridge_type_key: str = "type"
    #: keys that make a remote entry impossible to bridge (auth the bridge cannot perform)
    bridge_blockers: tuple[str, ...] = (
        "oauth",
        "headersHelper",
        "auth",
        "apiKey",
        "requestOptions",
        "bearer_token_env_var",
        "env_http_headers",
        "http_headers_helper",
    )
    #: header maps passed to the bridge as ``--header K:V``
    header_maps: tuple[str, ...] = ("headers",)
    #: ``command`` holds the whole argv as one list (opencode); there is no ``args`` key
    argv_list: bool = False
    #: the client splits a ``command`` string into words (shlex, Mistral Vibe): a command with
    #: spaces is a command line hardener leaves alone, and the shim path must be one word
    command_split: bool = False
    #: keys whose object may hold the launch fields instead of the entry itself (Cline 3.x's
    #: ``{"transport": {"type": "stdio", "command": …, "args": […]}}``)
    nested: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConfigFile:
    """One kind of config file of a client (user file, a profile's file, a project file…)."""

    key: str
    scope: Scope
    format: Format
    tables: tuple[Table, ...] = ()
    #: user/managed scope: every candidate path on this platform (absent ones included)
    locate: Locate | None = None
    #: project scope: patterns relative to a project directory (``*`` allowed)
    project: tuple[str, ...] = ()
    #: False: discovered and reported, never rewritten (``reason`` says why)
    writable: bool = True
    reason: str = ""
    #: a top-level key naming the file's format version (Qwen's ``"$version"``) and the values
    #: hardener knows; a file with another value is reported and left untouched
    version_key: str = ""
    known_versions: tuple[object, ...] = ()


def version_problem(file: ConfigFile, document: object) -> str:
    """Why ``document`` is in a format version hardener does not know ("" when it is not)."""
    if not file.version_key or not isinstance(document, dict):
        return ""
    if file.version_key not in document:
        return ""
    value = document[file.version_key]
    if value in file.known_versions and type(value) is not bool:
        return ""
    known = ", ".join(repr(v) for v in file.known_versions)
    return f"'{file.version_key}' is {value!r}; hardener knows {known}"


@dataclass(frozen=True)
class ClientSpec:
    """Everything hardener knows about one MCP client."""

    id: str
    name: str
    files: tuple[ConfigFile, ...]
    entry: EntryShape = field(default_factory=EntryShape)
    #: the client can launch stdio servers (a bridge entry is only written when it can)
    accepts_stdio: bool = True
    #: how the client rewrites its own file, for people reading scan output
    self_writes: str = ""
    #: process names (case-sensitive except on Windows) meaning "this client is running"
    process_names: tuple[str, ...] = ()
    #: the client overwrites its file from memory: only edit while it is not running
    quit_before_edit: bool = False
    #: caveats shown by scan (not findings)
    notes: tuple[str, ...] = ()
    #: executables whose presence on ``PATH`` means "this client is installed"
    binaries: tuple[str, ...] = ()
    #: directories (config dirs, app bundles) whose presence means "this client is installed"
    installed: Locate | None = None

    def file(self, key: str) -> ConfigFile:
        for candidate in self.files:
            if candidate.key == key:
                return candidate
        raise KeyError(f"{self.id} has no config file {key!r}")


def fixed(*builders: Callable[[Platform], Path]) -> Locate:
    """A ``locate`` for files whose paths depend only on the platform."""

    def _locate(platform: Platform, fs: FsView) -> tuple[Path, ...]:
        return tuple(build(platform) for build in builders)

    return _locate


def env_path(platform: Platform, name: str) -> Path | None:
    """``$name`` as a path when set to an absolute path, else None."""
    value = platform.env.get(name, "")
    if not value:
        return None
    candidate = platform.path(value)
    text = str(candidate)
    absolute = text.startswith("/") or (len(text) > 2 and text[1] == ":") or text.startswith("\\\\")
    return candidate if absolute else None
