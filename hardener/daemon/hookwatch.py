"""The daemon's duty for client hooks: put back hardener's hook where it went missing (L2 service).

Runs at every sweep. Only files recorded in ``hooks-state.json`` by ``hardener hooks install``
are repaired (a person who ran ``hooks uninstall`` is not overruled); the repair is the same
edit and write path as install (:class:`~hardener.hooks.install.HookInstaller`), and its
``hooks.install`` events (``reason: "drift"``) are sealed through the agent. It also tells
the sensor correlator which stdio servers the inventory knows.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from hardener.engine.shimpath import locate_shim
from hardener.errors import HardenerError
from hardener.hooks.install import HookInstaller
from hardener.hooks.targets import targets
from hardener.paths import Platform, hardener_paths

log = logging.getLogger(__name__)


class HookRepair:
    def __init__(self, platform: Platform, record: Callable[[str, dict[str, Any]], Any]) -> None:
        self.platform = platform
        self.record = record
        self.repairs = 0

    def __call__(self) -> int:
        paths = hardener_paths(self.platform)
        if not (paths.state_dir / "hooks-state.json").exists():
            return 0
        try:
            hook = locate_shim(program="hardener-hook")
        except HardenerError as exc:
            log.warning("cannot repair client hooks: %s", exc.message)
            return 0
        chosen = targets(self.platform)
        if os.name != "nt" and os.geteuid() == 0:
            chosen += targets(self.platform, managed=True)
        installer = HookInstaller(paths, hook, self.record)
        try:
            outcomes = installer.repair(chosen)
        except HardenerError as exc:
            log.error("repairing client hooks failed: %s", exc.message)
            return 0
        for outcome in outcomes:
            if outcome.error is not None:
                log.error("repairing hooks in %s failed: %s", outcome.target.path, outcome.error)
        changed = sum(1 for o in outcomes if o.status == "changed")
        self.repairs += changed
        return changed
