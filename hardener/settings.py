"""The typed, frozen settings: one dataclass per policy section, every default here (L0 foundation).

:func:`hardener.policy.merge_sources` builds one :class:`Settings` from the validated policy
documents (``EffectivePolicy.settings``); callers are handed it, or the section they need, and read
``settings.ledger.checkpoint_seconds`` instead of looking a dotted key up. The field tree mirrors
``schemas/policy.schema.json`` one to one (``tests/unit/test_settings.py`` keeps the two in
agreement: keys, defaults, types and enums). The schema checks ranges and shapes of each policy
document; :meth:`Settings.from_values` checks the types again, so values that did not come through a
policy file (tests, the shim's cache) cannot smuggle a wrong type in.

The shim starts too often to import this module (``dataclasses`` and ``typing`` cost it ~10 ms):
it carries a lean subset, :class:`hardener.shim.settings.ShimSettings`, built from
:meth:`Settings.values` and checked against these fields by the same test.
"""

from __future__ import annotations

import copy
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Literal, TypedDict

from hardener.errors import PolicyError

Mode = Literal["audit", "enforce"]
FailMode = Literal["open", "closed"]
NewServers = Literal["wrap", "quarantine", "report"]
RemoteServers = Literal["report", "bridge"]
Decision = Literal["allow", "deny"]
HookClient = Literal["*", "claude-code", "codex", "cursor", "copilot-cli"]
ExportType = Literal["jsonl", "syslog", "otlp"]
SyslogProtocol = Literal["udp", "tcp", "tls"]


class _ExportTargetType(TypedDict):
    type: ExportType


class ExportTarget(_ExportTargetType, total=False):
    """One ``export.targets`` entry (``schemas/policy.schema.json``; which keys apply by type).

    ``type`` is required (in a base class: ``Required[]`` is lost at run time on Python 3.11 when
    annotations are strings)."""

    path: str
    host: str
    port: int
    protocol: SyslogProtocol
    include: list[str]
    endpoint: str
    headers: dict[str, str]
    timeout_seconds: float
    #: Added by :func:`hardener.export.otlp.expand` (one target per OTLP signal), never in policy.
    signal: str


@dataclass(frozen=True, slots=True)
class ServerLists:
    """``[servers]``: server names (fnmatch globs) allowed (empty: all) and denied."""

    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Tools:
    """``[tools]``: tool allow/deny lists (``name`` or ``server/name`` globs)."""

    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    hide_denied: bool = False


@dataclass(frozen=True, slots=True)
class ServerRequests:
    """``[server_requests]``: sampling, elicitation and roots requests from servers."""

    sampling: Decision = "allow"
    elicitation: Decision = "allow"
    roots: Decision = "allow"


@dataclass(frozen=True, slots=True)
class Redaction:
    """``[redaction]``: extra keys and patterns, and the longest value kept."""

    keys: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    max_value_bytes: int = 4096


@dataclass(frozen=True, slots=True)
class Export:
    """``[export]``: where sealed records are exported."""

    targets: tuple[ExportTarget, ...] = ()


@dataclass(frozen=True, slots=True)
class Detectors:
    """``[detectors]``: detector thresholds."""

    burst_calls: int = 50
    burst_window_seconds: int = 5
    rate_per_minute: int = 300
    repeated_failures: int = 5
    description_score_threshold: int = 3
    exfil_window_seconds: int = 600
    history_min_calls: int = 5
    sensor_window_seconds: int = 30


@dataclass(frozen=True, slots=True)
class Pins:
    """``[pins]``: rug-pull pins."""

    block_low_severity_changes: bool = False


@dataclass(frozen=True, slots=True)
class Ledger:
    """``[ledger]``: the tamper-evident log."""

    epoch_seconds: int = 3600
    checkpoint_records: int = 100
    checkpoint_seconds: int = 60
    segment_bytes: int = 16 * 1024 * 1024
    retention_days: int = 365


@dataclass(frozen=True, slots=True)
class Scan:
    """``[scan]``: discovery."""

    project_roots: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Harden:
    """``[harden]``: how ``hardener harden`` rewrites client configs."""

    wrap_disabled: bool = True


@dataclass(frozen=True, slots=True)
class Shim:
    """``[shim]``: the audit shim."""

    extra_path: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Keychain:
    """``[keychain]``: key storage."""

    allow_insecure_backend: bool = False


@dataclass(frozen=True, slots=True)
class Daemon:
    """``[daemon]``: the per-user agent."""

    heartbeat_seconds: int = 30
    max_rewrites_per_minute: int = 5


@dataclass(frozen=True, slots=True)
class Status:
    """``[status]``: the compliance check."""

    fail_on_open_alerts: bool = False


@dataclass(frozen=True, slots=True)
class Hooks:
    """``[hooks]``: client hooks."""

    required: tuple[HookClient, ...] = ()


@dataclass(frozen=True, slots=True)
class Uninstall:
    """``[uninstall]``: what removing the package does with users' state."""

    purge_state: bool = False


@dataclass(frozen=True, slots=True)
class Settings:
    """The effective policy, typed. ``Settings()`` is the built-in defaults."""

    mode: Mode = "audit"
    fail_mode: FailMode = "open"
    new_servers: NewServers = "wrap"
    remote_servers: RemoteServers = "report"
    servers: ServerLists = field(default_factory=ServerLists)
    tools: Tools = field(default_factory=Tools)
    server_requests: ServerRequests = field(default_factory=ServerRequests)
    redaction: Redaction = field(default_factory=Redaction)
    export: Export = field(default_factory=Export)
    detectors: Detectors = field(default_factory=Detectors)
    pins: Pins = field(default_factory=Pins)
    ledger: Ledger = field(default_factory=Ledger)
    scan: Scan = field(default_factory=Scan)
    harden: Harden = field(default_factory=Harden)
    shim: Shim = field(default_factory=Shim)
    keychain: Keychain = field(default_factory=Keychain)
    daemon: Daemon = field(default_factory=Daemon)
    status: Status = field(default_factory=Status)
    hooks: Hooks = field(default_factory=Hooks)
    uninstall: Uninstall = field(default_factory=Uninstall)

    @classmethod
    def from_values(cls, values: Mapping[str, object], label: str = "settings") -> Settings:
        """Defaults overlaid by ``{dotted key: value}``; :class:`PolicyError` on a bad key or type."""
        unknown = sorted(set(values) - set(KEYS))
        if unknown:
            raise PolicyError(label, f"unknown setting '{unknown[0]}'", setting=unknown[0])
        sections: dict[str, object] = {}
        for section in fields(cls):
            kind = _HINTS[cls][section.name]
            if isinstance(kind, type) and kind in SECTIONS:
                sections[section.name] = kind(
                    **{
                        leaf.name: _convert(values[dotted], _HINTS[kind][leaf.name], dotted, label)
                        for leaf in fields(kind)
                        if (dotted := f"{section.name}.{leaf.name}") in values
                    }
                )
            elif section.name in values:
                sections[section.name] = _convert(values[section.name], kind, section.name, label)
        return cls(**sections)  # type: ignore[arg-type]  # each value was checked by _convert

    def values(self) -> dict[str, object]:
        """``{dotted key: value}`` with lists (not tuples): what TOML and JSON documents hold."""
        flat: dict[str, object] = {}
        for section in fields(self):
            value = getattr(self, section.name)
            if type(value) in SECTIONS:
                for leaf in fields(value):
                    flat[f"{section.name}.{leaf.name}"] = _plain(getattr(value, leaf.name))
            else:
                flat[section.name] = _plain(value)
        return flat


SECTIONS: frozenset[type] = frozenset(
    {
        ServerLists,
        Tools,
        ServerRequests,
        Redaction,
        Export,
        Detectors,
        Pins,
        Ledger,
        Scan,
        Harden,
        Shim,
        Keychain,
        Daemon,
        Status,
        Hooks,
        Uninstall,
    }
)
#: Resolved field types of every class above (annotations are strings under ``__future__``).
_HINTS: dict[type, dict[str, object]] = {
    cls: typing.get_type_hints(cls) for cls in (Settings, *SECTIONS)
}


def _plain(value: object) -> object:
    if isinstance(value, tuple):
        return [copy.deepcopy(item) for item in value]
    return value


_SCALARS: dict[object, str] = {bool: "true or false", int: "an integer", str: "a string"}


def _describe(kind: object) -> str:
    if typing.get_origin(kind) is Literal:
        return " or ".join(repr(choice) for choice in typing.get_args(kind))
    if typing.get_origin(kind) is tuple:
        return f"a list, each {_describe(typing.get_args(kind)[0])}"
    if kind is ExportTarget:
        return "a table with a 'type' (an export target)"
    return _SCALARS.get(kind, str(kind))


def _convert(value: object, kind: object, dotted: str, label: str) -> object:
    """``value`` as ``kind`` (tuples for lists, deep copies of tables), or :class:`PolicyError`."""
    origin = typing.get_origin(kind)
    if origin is tuple and isinstance(value, list | tuple):
        item = typing.get_args(kind)[0]
        return tuple(_convert(one, item, dotted, label) for one in value)
    if kind is ExportTarget and isinstance(value, Mapping) and isinstance(value.get("type"), str):
        return copy.deepcopy(dict(value))
    if origin is Literal:
        ok = isinstance(value, str) and value in typing.get_args(kind)
    elif kind is bool:
        ok = isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind is str:
        ok = isinstance(value, str)
    else:
        ok = False
    if not ok:
        raise PolicyError(label, f"must be {_describe(kind)}, not {value!r}", setting=dotted)
    return value


#: Every setting with its default, by dotted key (derived from the dataclasses above).
DEFAULTS: dict[str, object] = Settings().values()
KEYS: frozenset[str] = frozenset(DEFAULTS)
