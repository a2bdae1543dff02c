"""Everything a scan/harden/restore run depends on, gathered once (L2 service).

The CLI builds an :class:`EngineContext` from the real machine; tests and the daemon build one with
their own pieces (a fixed shim path, no managed policy, a fake process list, a fixed clock), which
is how the use cases stay testable without patching.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from hardener.clients import registry
from hardener.clients.discovery import ConfigLocation, discover, project_dirs, project_of
from hardener.clients.managed import ManagedRules
from hardener.clients.spec import ClientSpec, FsView
from hardener.engine.desired import DesiredStateStore
from hardener.engine.fs import RealFs
from hardener.engine.managed import load_managed_rules
from hardener.engine.shimpath import locate_shim
from hardener.errors import HardenerError
from hardener.paths import HardenerPaths, Platform, hardener_paths
from hardener.processes import is_running, running_process_names
from hardener.settings import Settings


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class EngineContext:
    platform: Platform
    paths: HardenerPaths
    settings: Settings
    fs: FsView = field(default_factory=RealFs)
    managed: ManagedRules = field(default_factory=ManagedRules)
    running: frozenset[str] = frozenset()
    #: the shim to write into entries; None when it could not be found (``shim_error`` says why)
    shim: Path | None = None
    shim_error: str = ""
    clock: Callable[[], datetime] = _now
    #: how hardener's state files are read (None: plainly); ``status`` as root passes a reader
    #: that never follows a link the user planted
    read_state: Callable[[Path], bytes | None] | None = None

    @classmethod
    def for_machine(cls, platform: Platform, settings: Settings) -> EngineContext:
        """The real machine: managed policies, running processes, the installed shim."""
        shim: Path | None = None
        error = ""
        try:
            shim = locate_shim()
        except HardenerError as exc:
            error = exc.message
        return cls(
            platform=platform,
            paths=hardener_paths(platform),
            settings=settings,
            managed=load_managed_rules(platform),
            running=running_process_names(),
            shim=shim,
            shim_error=error,
        )

    def require_shim(self) -> Path:
        if self.shim is None:
            raise HardenerError(
                self.shim_error or "hardener-shim is not installed",
                remedy="Reinstall hardener so that its hardener-shim command exists.",
            )
        return self.shim

    def client_running(self, spec: ClientSpec) -> bool:
        return is_running(spec, self.running, self.platform.os)

    def locations(
        self, client_ids: Sequence[str] = (), projects: Sequence[Path] = ()
    ) -> list[ConfigLocation]:
        """Discovery for this context: the chosen clients' files, user and project scope."""
        specs = registry.select(client_ids)
        roots = self.settings.scan.project_roots
        dirs = project_dirs(
            self.platform,
            self.fs,
            explicit=[p.absolute() for p in projects],
            roots=list(roots),
            also=self.edited_projects(),
        )
        return discover(self.platform, self.fs, specs, dirs)

    def desired_store(self) -> DesiredStateStore:
        return DesiredStateStore(self.paths.desired_state_dir, self.read_state)

    def edited_projects(self) -> list[Path]:
        """Project directories of the files hardener edited (its desired state), so that restore,
        scan and status find them again without ``--project``."""
        try:
            states = self.desired_store().all()
        except HardenerError:
            return []  # a corrupt state file is reported by harden/restore themselves
        found: list[Path] = []
        for state in states:
            spec = next((s for s in registry.CLIENTS if s.id == state.client), None)
            if spec is None:
                continue
            for file in spec.files:
                project = project_of(file, Path(state.file))
                if project is not None:
                    found.append(project)
                    break
        return found
