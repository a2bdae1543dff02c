"""Reading another user's client configs as root without trusting that user (L2 service).

``status --user``/``--all-users`` (an MDM, as root) reads each user's client configs to say
whether their servers run through the shim. Dotfiles are often symlinks (a dotfiles repository),
so a link is not refused outright; where it leads decides:

- no link on the way: the file is read component by component from the user's home with
  ``O_NOFOLLOW`` (:func:`hardener.fsutil.read_checked`): every directory and the file must belong
  to the user or root and not be writable by others;
- a link somewhere on the way: the resolved path is read the same way (a link swapped in
  meanwhile is refused by ``O_NOFOLLOW``), and only when the file itself belongs to the user and
  lies inside the user's home or in a directory the user owns. A link to another owner's file
  (``~/.cursor/mcp.json -> /etc/shadow``) or to a directory of someone else is refused and
  reported; its target is never opened;
- at most ``PUBLIC_MAX_BYTES`` are read.

A refusal raises :class:`~hardener.fsutil.UnsafeStateError` with the reason (status reports it as
an unreadable config); discovery's reads (:class:`CheckedFs`) treat it as absent.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from hardener.engine.fs import RealFs
from hardener.errors import StateDirError
from hardener.fsutil import FileSnapshot, UnsafeStateError, read_checked
from hardener.status.targets import Target


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.relative_to(directory)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class UserFiles:
    """One user's files as root reads them: their home (resolved) and their uid."""

    home: Path
    owner: int | None

    @classmethod
    def of(cls, home: Path, owner: int | None) -> UserFiles:
        return cls(Path(os.path.realpath(home)), owner)

    def read(self, path: Path) -> bytes | None:
        """The file's bytes; None when it does not exist; raises when refused (never read)."""
        given = Path(os.path.abspath(path))
        try:
            real = Path(os.path.realpath(given, strict=True))
        except (FileNotFoundError, NotADirectoryError):
            return None  # absent, or a dangling link: nothing to read
        except OSError as exc:  # a link loop
            problem = f"{given} cannot be resolved ({exc.strerror or exc}): refused"
            raise UnsafeStateError(problem) from exc
        linked = real != given
        if linked:
            self._check_link(given, real)
        if _inside(real, self.home):
            base, parts = self.home, real.relative_to(self.home).parts
        else:
            base, parts = Path(real.anchor), real.parts[1:]
        if not parts:
            return None
        try:
            return read_checked(base, parts, owner=self.owner, file_owner_only=linked)
        except UnsafeStateError as exc:
            if linked:
                raise UnsafeStateError(f"{given} is a link to {real}: {exc.message}") from exc
            raise

    def _check_link(self, given: Path, real: Path) -> None:
        if self.owner is None:  # no ownership to check (Windows): links are not followed
            raise UnsafeStateError(f"{given} is a link to {real}: refused, not read")
        try:
            st = os.lstat(real)
            parent = os.lstat(real.parent)
        except OSError as exc:
            raise UnsafeStateError(f"{given} is a link to {real}: {exc.strerror or exc}") from exc
        if st.st_uid != self.owner:
            raise UnsafeStateError(
                f"{given} is a link to {real}, which belongs to uid {st.st_uid}, not to the user "
                f"(uid {self.owner}): refused, not read"
            )
        if not _inside(real, self.home) and parent.st_uid != self.owner:
            raise UnsafeStateError(
                f"{given} is a link to {real}, outside {self.home} in a directory of uid "
                f"{parent.st_uid}, not the user's (uid {self.owner}): refused, not read"
            )

    def snapshot(self, path: Path) -> FileSnapshot:
        data = self.read(path)
        return FileSnapshot(path, data, None)


class CheckedFs(RealFs):
    """Discovery's file view for another user: reads go through :class:`UserFiles`."""

    def __init__(self, files: UserFiles) -> None:
        self.files = files

    def read_text(self, path: Path) -> str | None:
        try:
            data = self.files.read(path)
        except UnsafeStateError:
            return None
        try:
            return None if data is None else data.decode("utf-8")
        except UnicodeDecodeError:
            return None


def foreign_files(target: Target) -> UserFiles | None:
    """How root reads another user's files (None: the user's own run reads them plainly)."""
    if target.own:
        return None
    owner: int | None = None
    if sys.platform != "win32":
        try:
            owner = os.stat(target.home).st_uid
        except OSError as exc:
            raise StateDirError(f"cannot read {target.home}: {exc.strerror or exc}") from exc
    return UserFiles.of(target.home, owner)
