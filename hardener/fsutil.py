"""Safe filesystem primitives: atomic and compare-and-swap writes, private dirs (L0 foundation).

Every write to a file that a user or a client owns goes through :func:`atomic_write` (after a
backup, see ``hardener.backup``): temp file in the same directory, fsync, ``os.replace``, original
permission bits kept, directory fsynced. A config that is a symlink is written at its target, so the
link stays a link. With ``expected=`` the write is a compare-and-swap: it refuses (with
:class:`~hardener.errors.WriteConflictError`) when the file changed since it was read.

hardener's own directories are created 0700 and refused when they are symlinks or belong to
another user (:func:`ensure_private_dir`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hardener.errors import FileWriteError, StateDirError, WriteConflictError

DIR_MODE = 0o700
FILE_MODE = 0o600
TEMP_MARKER = ".hardener-tmp-"


def sha256_hex(data: bytes) -> str:
    import hashlib  # deferred, like tempfile: the shim's recorder imports this module to append

    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class FileSnapshot:
    """The content of a file at the moment it was read (``data`` is None when it did not exist)."""

    path: Path
    data: bytes | None
    mode: int | None

    @property
    def exists(self) -> bool:
        return self.data is not None

    @property
    def sha256(self) -> str | None:
        return None if self.data is None else sha256_hex(self.data)


def read_snapshot(path: Path) -> FileSnapshot:
    """Read a whole file (following symlinks) with its permission bits."""
    try:
        with open(path, "rb") as handle:
            st = os.fstat(handle.fileno())
            data = handle.read()
    except FileNotFoundError:
        return FileSnapshot(path, None, None)
    except IsADirectoryError as exc:
        raise FileWriteError(f"{path} is a directory, expected a file") from exc
    except PermissionError as exc:
        raise FileWriteError(
            f"cannot read {path}: permission denied",
            remedy="Check the file's owner and permissions; nothing was changed.",
        ) from exc
    return FileSnapshot(path, data, stat.S_IMODE(st.st_mode))


def resolve_write_target(path: Path) -> Path:
    """The real file to replace: a symlinked config is written at its target."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def fsync_dir(directory: Path) -> None:
    """Make a rename or a new file in ``directory`` durable (a no-op on Windows)."""
    if os.name == "nt":  # directories cannot be opened for fsync on Windows
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_error(path: Path, exc: OSError) -> FileWriteError:
    reasons = {
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.EROFS: "read-only file system",
        errno.ENOSPC: "no space left on device",
        errno.EDQUOT: "disk quota exceeded",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    return FileWriteError(f"cannot write {path}: {reason}; the original file is unchanged")


def atomic_write(
    path: Path,
    data: bytes,
    *,
    mode: int | None = None,
    expected: FileSnapshot | None = None,
    _before_replace: Callable[[Path], None] | None = None,
) -> Path:
    """Replace ``path`` with ``data`` atomically; returns the path actually written.

    ``mode``: permission bits for a new file (default 0600); an existing file keeps its own.
    ``expected``: compare-and-swap; refuse if the file's bytes differ from this snapshot.
    ``_before_replace``: test seam, called with the temp path just before the rename.
    """
    import tempfile  # deferred: tempfile (with shutil, random, bz2, lzma) is ~1 MB of RSS

    target = resolve_write_target(path)
    directory = target.parent
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}{TEMP_MARKER}", dir=directory)
    except OSError as exc:
        raise _write_error(target, exc) from exc
    tmp = Path(tmp_name)
    try:
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            current = read_snapshot(target)
            if expected is not None and current.data != expected.data:
                raise WriteConflictError(
                    f"{path} changed since it was read; nothing was written",
                )
            keep = (
                current.mode if current.mode is not None else (FILE_MODE if mode is None else mode)
            )
            os.chmod(tmp, keep)
            if current.exists and sys.platform != "win32":
                with contextlib.suppress(PermissionError):
                    st = os.stat(target)
                    os.chown(tmp, st.st_uid, st.st_gid)
            if _before_replace is not None:
                _before_replace(tmp)
            os.replace(tmp, target)
        except OSError as exc:
            raise _write_error(target, exc) from exc
        fsync_dir(directory)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return target


def ensure_private_dir(path: Path, *, mode: int = DIR_MODE) -> Path:
    """Create ``path`` (and parents) as a directory only this user can use.

    Refuses a symlink (we never follow links out of the directories we own) or a directory owned by
    someone else; tightens looser permission bits.
    """
    try:
        path.mkdir(mode=mode, parents=True, exist_ok=True)
        st = os.lstat(path)
    except OSError as exc:
        raise StateDirError(f"cannot create or read {path}: {exc.strerror or exc}") from exc
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise StateDirError(
            f"{path} is not a real directory (symlink or file)",
            remedy=f"Remove {path} so hardener can create it as a private directory.",
        )
    if sys.platform != "win32":
        if st.st_uid != os.getuid():
            raise StateDirError(
                f"{path} belongs to uid {st.st_uid}, not to you (uid {os.getuid()})",
                remedy=f"Remove {path} or give it back to your user.",
            )
        if stat.S_IMODE(st.st_mode) != mode:
            try:
                os.chmod(path, mode)
            except OSError as exc:
                raise StateDirError(f"cannot set mode {mode:o} on {path}") from exc
    if not os.access(path, os.R_OK | os.W_OK | os.X_OK):
        raise StateDirError(f"{path} is not readable and writable by you")
    return path


def write_private(path: Path, data: bytes) -> Path:
    """Atomically write a file in one of hardener's own directories with mode 0600."""
    if path.is_symlink():
        raise StateDirError(
            f"{path} is a symlink; hardener never follows links in its own directories",
            remedy=f"Remove {path} and run again.",
        )
    ensure_private_dir(path.parent)
    target = atomic_write(path, data, mode=FILE_MODE)
    if os.name != "nt":
        os.chmod(target, FILE_MODE)
    return target


def open_private_append(path: Path, *, readable: bool = False) -> int:
    """Open ``path`` for appending (created 0600, never through a symlink); returns an fd.

    ``readable`` opens it read-write (writes still append) so it can be read back."""
    access = os.O_RDWR if readable else os.O_WRONLY
    flags = access | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(path, flags, FILE_MODE)
    except OSError as exc:
        raise _write_error(path, exc) from exc


# --- reading another user's state (root/SYSTEM) -------------------------------------------------

#: Bytes a public state file (status heartbeat, ledger public values) may have; more is refused.
PUBLIC_MAX_BYTES = 1 << 20
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


class UnsafeStateError(StateDirError):
    """A file in a user's state that root must not read (a symlink, a foreign owner, too big)."""

    default_remedy = (
        "hardener's state files must be real files and directories owned by the user (or root) "
        "and not writable by others; remove what was planted and restart the agent."
    )


def open_nofollow(path: str | os.PathLike[str], flags: int) -> int:
    """An ``opener`` for :func:`open` that never follows a symlink at the last component."""
    return os.open(path, flags | _NOFOLLOW | _CLOEXEC)


def _check_owner(where: Path, st: os.stat_result, owner: int | None, forbidden: int) -> None:
    if os.name == "nt" or owner is None:
        return
    if st.st_uid not in (owner, 0):
        raise UnsafeStateError(f"{where} belongs to uid {st.st_uid}, not to uid {owner} or root")
    if stat.S_IMODE(st.st_mode) & forbidden:
        raise UnsafeStateError(
            f"{where} is writable by others (mode {stat.S_IMODE(st.st_mode):o}): refused"
        )


def _refuse_link(where: Path, exc: OSError) -> UnsafeStateError | None:
    if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
        return UnsafeStateError(f"{where} is a symlink or not a real directory/file: refused")
    return None


def read_checked(
    base: Path,
    parts: tuple[str, ...],
    *,
    owner: int | None,
    private_from: int = 0,
    max_bytes: int = PUBLIC_MAX_BYTES,
    file_owner_only: bool = False,
) -> bytes | None:
    """Read ``base/parts...`` without following a symlink at any component below ``base``.

    For root/SYSTEM reading a user's state: every directory in ``parts`` and the file are opened
    relative to the previous one with ``O_NOFOLLOW``; each must be owned by ``owner`` (or root) and
    not writable by others; components from index ``private_from`` on (hardener's own dirs) must not
    be group-writable either. The file must be a regular file of at most ``max_bytes``. Returns None
    when a component does not exist; raises :class:`UnsafeStateError` for anything planted.
    ``file_owner_only``: the file itself must belong to ``owner`` (root's is refused too).
    """
    if not parts:
        raise ValueError("read_checked needs a file name")
    if os.name == "nt" or not _DIRECTORY:
        return _read_checked_lstat(base, parts, owner, max_bytes)
    try:
        fd = os.open(base, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    except FileNotFoundError:
        return None
    where = base
    try:
        for index, name in enumerate(parts):
            where = where / name
            last = index == len(parts) - 1
            flags = os.O_RDONLY | _NOFOLLOW | _CLOEXEC | (_NONBLOCK if last else _DIRECTORY)
            try:
                child = os.open(name, flags, dir_fd=fd)
            except FileNotFoundError:
                return None
            except OSError as exc:
                refused = _refuse_link(where, exc)
                if refused is not None:
                    raise refused from exc
                raise UnsafeStateError(f"cannot open {where}: {exc.strerror or exc}") from exc
            os.close(fd)
            fd = child
            st = os.fstat(fd)
            forbidden = 0o022 if index >= private_from else 0o002
            _check_owner(where, st, owner, forbidden)
            if last:
                if not stat.S_ISREG(st.st_mode):
                    raise UnsafeStateError(f"{where} is not a regular file: refused")
                if file_owner_only and owner is not None and st.st_uid != owner:
                    raise UnsafeStateError(
                        f"{where} belongs to uid {st.st_uid}, not to uid {owner}: refused"
                    )
                if st.st_size > max_bytes:
                    raise UnsafeStateError(
                        f"{where} is {st.st_size} bytes, more than the {max_bytes} allowed: refused"
                    )
                data = os.read(fd, max_bytes + 1)
                if len(data) > max_bytes:
                    raise UnsafeStateError(f"{where} grew past {max_bytes} bytes: refused")
                return data
    finally:
        os.close(fd)
    return None  # pragma: no cover - the loop returns at the last part


def _read_checked_lstat(
    base: Path, parts: tuple[str, ...], owner: int | None, max_bytes: int
) -> bytes | None:  # pragma: no cover - Windows
    where = base
    for name in parts:
        where = where / name
        try:
            st = os.lstat(where)
        except FileNotFoundError:
            return None
        reparse = getattr(st, "st_file_attributes", 0) & getattr(
            stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0
        )
        if stat.S_ISLNK(st.st_mode) or reparse:
            raise UnsafeStateError(f"{where} is a symlink or junction: refused")
    if not stat.S_ISREG(st.st_mode) or st.st_size > max_bytes:
        raise UnsafeStateError(f"{where} is not a regular file of at most {max_bytes} bytes")
    with open(where, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UnsafeStateError(f"{where} grew past {max_bytes} bytes: refused")
    return data


def check_dirs(
    base: Path, parts: tuple[str, ...], *, owner: int | None, private_from: int = 0
) -> bool:
    """True when ``base/parts...`` is a chain of real directories (no symlink below ``base``) owned
    by ``owner`` or root and not writable by others; False when one is missing; raises
    :class:`UnsafeStateError` for anything planted."""
    where = base
    for index, name in enumerate(parts):
        where = where / name
        try:
            st = os.lstat(where)
        except FileNotFoundError:
            return False
        if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
            raise UnsafeStateError(f"{where} is a symlink or not a real directory: refused")
        _check_owner(where, st, owner, 0o022 if index >= private_from else 0o002)
    return True
