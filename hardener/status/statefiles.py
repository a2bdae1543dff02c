"""Reading a user's hardener state for ``status`` without trusting that user (L2 service).

As root/SYSTEM (an MDM), ``status`` reads only public values from a user's state directory (the
heartbeat ``public/status.json`` and ``public/ledger.json``), each opened component by component
from the user's home with ``O_NOFOLLOW``: a symlink the user planted (``public -> /``,
``status.json -> /etc/shadow``) is refused, never read; every component must belong to the user or
root and not be writable by others, and a file may have at most ``PUBLIC_MAX_BYTES``. A refusal is a
value (``problem``) that makes the checks depending on it fail or stay unknown, with the reason.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from hardener.errors import StateDirError
from hardener.fsutil import check_dirs, read_checked
from hardener.paths import HardenerPaths


@dataclass(frozen=True)
class StateFiles:
    """Where a user's state starts and who must own it."""

    #: the directory we trust (the user's home from the account database, or the state's parent)
    base: Path
    #: components from ``base`` to the state directory
    prefix: tuple[str, ...]
    #: uid every component must belong to (or root); None where ownership cannot be checked
    owner: int | None

    @classmethod
    def for_paths(cls, paths: HardenerPaths, home: Path, *, own: bool) -> StateFiles:
        state = Path(os.path.abspath(paths.state_dir))
        try:
            base, prefix = home, state.relative_to(Path(os.path.abspath(home))).parts
        except ValueError:  # XDG_STATE_HOME outside home (own session only)
            base, prefix = state.parent, (state.name,)
        owner: int | None = None
        if sys.platform != "win32":
            if own:
                owner = os.getuid()
            else:
                try:
                    owner = os.stat(home).st_uid
                except OSError as exc:
                    raise StateDirError(f"cannot read {home}: {exc.strerror or exc}") from exc
        return cls(base, tuple(prefix), owner)

    def read(self, *parts: str) -> bytes | None:
        """A file's bytes under the state dir; None when absent; raises when refused."""
        return read_checked(
            self.base,
            (*self.prefix, *parts),
            owner=self.owner,
            private_from=len(self.prefix) - 1,
        )

    def read_json(self, *parts: str) -> dict[str, object] | None:
        """A JSON object under the state dir; None when absent; raises when refused or invalid."""
        data = self.read(*parts)
        if data is None:
            return None
        where = self.base.joinpath(*self.prefix, *parts)
        try:
            value = json.loads(data)
        except ValueError as exc:
            raise StateDirError(f"{where} is not valid JSON") from exc
        if not isinstance(value, dict):
            raise StateDirError(f"{where} is not a JSON object")
        return value

    def check_dir(self, *parts: str) -> bool:
        """The state dir's ``parts`` are real directories (False when missing; raises if planted)."""
        return check_dirs(
            self.base,
            (*self.prefix, *parts),
            owner=self.owner,
            private_from=len(self.prefix) - 1,
        )
