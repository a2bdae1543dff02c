"""The daemon's duty for client hooks: put back hardener's hook where it went missing (L2 service).

Runs at every sweep. Files recorded in ``hooks-state.json`` by ``hardener hooks install`` are
repaired (a person who ran ``hooks uninstall`` is not overruled), and the clients policy
``hooks.required`` names (``"*"``: every hook-capable one) get the hook installed when they are
present for the user (their settings directory exists; ``reason: "policy"``); the repair is the same
edit and write path as install (:class:`~hardener.hooks.install.HookInstaller`), and its
``hooks.install`` events (``reason: "drift"``) are sealed through the agent. It also tells
the sensor correlator which stdio servers the inventory knows.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping

from hardener.engine.shimpath import locate_shim
from hardener.errors import HardenerError
from hardener.hooks.install import HookInstaller
from hardener.hooks.targets import targets
from hardener.paths import Platform, hardener_paths
from hardener.settings import Settings

log = logging.getLogger(__name__)


class HookRepair:
    def __init__(
        self,
        platform: Platform,
        record: Callable[[str, Mapping[str, object]], object],
        settings: Callable[[], Settings] | None = None,
    ) -> None:
        self.platform = platform
        self.record = record
        self.settings = settings
        self.repairs = 0

    def _required(self) -> list[str]:
        if self.settings is None:
            return []
        return list(self.settings().hooks.required)

    def __call__(self) -> int:
        paths = hardener_paths(self.platform)
        required = self._required()
        if not required and not (paths.state_dir / "hooks-state.json").exists():
            return 0
        try:
            hook = locate_shim(program="hardener-hook")
        except HardenerError as exc:
            log.warning("cannot repair client hooks: %s", exc.message)
            return 0
        chosen = targets(self.platform)
        if sys.platform != "win32" and os.geteuid() == 0:
            chosen += targets(self.platform, managed=True)
        installer = HookInstaller(paths, hook, self.record)
        try:
            outcomes = installer.repair(chosen)
            if required:
                recorded = installer.store.load()
                wanted = [
                    t
                    for t in targets(self.platform)
                    if ("*" in required or t.client in required)
                    and str(t.path) not in recorded
                    and t.path.parent.is_dir()
                ]
                if wanted:
                    outcomes += installer.install(wanted, reason="policy")
        except HardenerError as exc:
            log.error("repairing client hooks failed: %s", exc.message)
            return 0
        for outcome in outcomes:
            if outcome.error is not None:
                log.error("repairing hooks in %s failed: %s", outcome.target.path, outcome.error)
        changed = sum(1 for o in outcomes if o.status == "changed")
        self.repairs += changed
        return changed
