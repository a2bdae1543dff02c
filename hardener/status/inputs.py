"""What the checks look at, gathered lazily once per user (L2 service).

Each source is read at most once and a failure to read it becomes a value (an error message), so
one broken source makes its checks ``unknown`` or ``fail`` without hiding the others. The seams
(``servers``, ``ledger``) are filled by :mod:`hardener.status.sources`, which knows the engine and
the ledger.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from hardener.daemon.heartbeat import HEARTBEAT_NAME, Heartbeat, HeartbeatInvalid, parse_heartbeat
from hardener.errors import HardenerError
from hardener.paths import HardenerPaths, hardener_paths
from hardener.policy import EffectivePolicy, load_policy
from hardener.processes import ProcInfo, ServerCommand, snapshot
from hardener.settings import Settings
from hardener.status.statefiles import StateFiles
from hardener.status.targets import Target
from hardener.status.userfiles import foreign_files


@dataclass(frozen=True)
class ServerState:
    """One server entry in one config file, as ``status`` sees it."""

    client: str
    server: str
    config: str
    #: "wrapped", "unwrapped", "remote", "disabled", "quarantined", "unsupported", ...
    state: str
    #: the shim path a wrapped entry runs (None otherwise)
    shim: str | None = None
    #: what the client would launch without the shim (original command + args)
    argv: tuple[str, ...] = ()
    #: policy does not require this entry to run through the shim (released, report-only)
    exempt: bool = False
    note: str = ""


@dataclass(frozen=True)
class ServerInventory:
    servers: list[ServerState] = field(default_factory=list)
    #: config files that could not be read (path: problem)
    errors: list[str] = field(default_factory=list)
    #: per client id, the unix time its config was last hardened
    hardened_at: dict[str, float] = field(default_factory=dict)
    #: per client id, process names of the client (from its spec)
    process_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: the installed shim (absolute path) or None, with the reason
    installed_shim: str | None = None
    shim_error: str = ""
    #: clients that are installed but none of whose config files could be read ("name: why")
    unseen: list[str] = field(default_factory=list)
    #: how many config files were read (0 with no servers means nothing was seen)
    files_read: int = 0


@dataclass(frozen=True)
class LedgerStatus:
    """What the ledger's verification says (public keys, plus the anchor for the user's own run)."""

    exists: bool
    intact: bool | None
    problem: str = ""
    #: the verifier's finding reason ("modified", "truncated", "stale", "torn", ...)
    reason: str | None = None
    log_id: str | None = None
    seq: int | None = None
    head: str | None = None
    key_fingerprint: str | None = None
    verified_records: int = 0
    #: the keychain anchor: "ok", "none" (no checkpoint yet), "missing", "unavailable" (root)
    anchor: str = "unavailable"
    anchor_seq: int | None = None
    #: how long records may stay after the last checkpoint before they count as stale
    stale_after: float | None = None


#: where the inventory and the ledger facts come from (``status/sources.py``; tests substitute)
ServersSource = Callable[[Target, Settings], ServerInventory]
LedgerSource = Callable[[Target, HardenerPaths, Settings], LedgerStatus]


class StatusInputs:
    def __init__(
        self,
        target: Target,
        *,
        servers_source: ServersSource | None = None,
        ledger_source: LedgerSource | None = None,
        now: float | None = None,
    ) -> None:
        self.target = target
        self.now = time.time() if now is None else now
        self._servers_source = servers_source
        self._ledger_source = ledger_source

    @cached_property
    def paths(self) -> HardenerPaths:
        return hardener_paths(self.target.platform)

    @cached_property
    def policy_or_error(self) -> EffectivePolicy | HardenerError:
        try:
            files = foreign_files(self.target)  # as root: the user's policy.toml read safely
            reader = None if files is None else files.read
            return load_policy(self.target.platform, read_user_file=reader)
        except HardenerError as exc:
            return exc

    @property
    def settings(self) -> Settings:
        """The effective settings, or the defaults when the policy cannot be read (policy.source
        fails)."""
        value = self.policy_or_error
        return value.settings if isinstance(value, EffectivePolicy) else Settings()

    @cached_property
    def state_files(self) -> StateFiles:
        return StateFiles.for_paths(self.paths, self.target.home, own=self.target.own)

    @cached_property
    def _heartbeat(self) -> tuple[Heartbeat | None, str]:
        """The heartbeat (read without following links, size-capped, checked against its schema)
        or None and why not."""
        try:
            document = self.state_files.read_json("public", HEARTBEAT_NAME)
        except HardenerError as exc:
            return None, f"status cache refused: {exc.message}"
        if document is None:
            return None, ""
        try:
            return parse_heartbeat(document), ""
        except HeartbeatInvalid as exc:
            where = self.paths.public_dir / HEARTBEAT_NAME
            return None, f"status cache refused: {where} is {exc}"

    @property
    def heartbeat(self) -> Heartbeat | None:
        return self._heartbeat[0]

    @property
    def heartbeat_problem(self) -> str:
        return self._heartbeat[1]

    @cached_property
    def processes(self) -> dict[int, ProcInfo] | str:
        try:
            return snapshot(self.target.user)
        except Exception as exc:  # psutil on a locked-down machine
            return f"cannot list processes: {type(exc).__name__}"

    @cached_property
    def inventory(self) -> ServerInventory | str:
        if self._servers_source is None:
            return "client inventory is not available in this version"
        try:
            result: ServerInventory = self._servers_source(self.target, self.settings)
        except HardenerError as exc:
            return exc.message
        return result

    @cached_property
    def ledger(self) -> LedgerStatus | str:
        if self._ledger_source is None:
            return "ledger verification is not available in this version"
        try:
            result: LedgerStatus = self._ledger_source(self.target, self.paths, self.settings)
        except HardenerError as exc:
            return exc.message
        return result

    def server_commands(self) -> list[ServerCommand]:
        inventory = self.inventory
        if isinstance(inventory, str):
            return []
        return [
            ServerCommand(s.client, s.server, s.argv, s.config) for s in inventory.servers if s.argv
        ]
