"""The error tree of hardener (L0 foundation).

Every error a user can meet is a :class:`HardenerError` that carries what happened, one line of
remedy, and the exit code the CLI maps it to. Only the CLI (``hardener.cli.main``) catches them::

    HardenerError                exit 3: failed, nothing changed
    ├── UsageError               exit 2: bad argv, invalid policy file (names file:line)
    │   └── PolicyError
    ├── NotAvailableError        exit 3: verb whose implementation has not landed
    ├── StateDirError            exit 3: state directory missing/unreadable/unsafe
    │   └── NoLedgerError        exit 3: no ledger enrolled here (every verb)
    ├── ConfigParseError         exit 3: a client config cannot be parsed (left untouched)
    ├── WriteConflictError       exit 3: file changed between read and write (compare-and-swap)
    ├── FileWriteError           exit 3: a write failed (permission, read-only fs, disk full)
    ├── KeychainError            exit 3: no usable OS keychain backend
    └── PartialChangeError       exit 4: failed after some changes were written
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_FAILED = 3
EXIT_PARTIAL = 4
EXIT_INTERRUPTED = 130


class HardenerError(Exception):
    """Base error: a message for people, a remedy, and an exit code."""

    exit_code: int = EXIT_FAILED
    default_remedy: str = "Run again with -v for details, and report it if it persists."

    def __init__(self, message: str, *, remedy: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.remedy = remedy if remedy is not None else self.default_remedy

    @property
    def kind(self) -> str:
        """A stable, machine-readable name of the error class."""
        return type(self).__name__

    def diagnostics(self) -> str:
        """What happened and what to do, as printed on stderr."""
        return f"{self.message}\n{self.remedy}"


class UsageError(HardenerError):
    exit_code = 2
    default_remedy = "Run 'hardener --help' for usage."


class PolicyError(UsageError):
    """An invalid policy file: names the file, the line and the setting."""

    default_remedy = "Fix the policy file (schema: schemas/policy.schema.json) and run again."

    def __init__(
        self,
        path: Path | str,
        problem: str,
        *,
        line: int | None = None,
        setting: str | None = None,
        remedy: str | None = None,
    ) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        what = f" (setting '{setting}')" if setting else ""
        super().__init__(f"invalid policy {where}{what}: {problem}", remedy=remedy)
        self.path = str(path)
        self.line = line
        self.setting = setting


class NotAvailableError(HardenerError):
    default_remedy = "This part of hardener has not landed yet; upgrade hardener."


class StateDirError(HardenerError):
    default_remedy = "Check that the directory exists, belongs to you and is mode 0700."


class NoLedgerError(StateDirError):
    """No ledger is enrolled in this state directory (exit 3, the same for every verb)."""

    default_remedy = (
        "Start the agent ('hardener daemon run') once to enroll, or check HOME/XDG paths."
    )


class ConfigParseError(HardenerError):
    default_remedy = "The file was left untouched. Fix its syntax (or let its client rewrite it)."


class WriteConflictError(HardenerError):
    default_remedy = "Another program changed the file meanwhile; run the command again."


class FileWriteError(HardenerError):
    default_remedy = "Check permissions and free space; the original file is unchanged."


class KeychainError(HardenerError):
    default_remedy = (
        "Install and unlock an OS keychain: on Linux a Secret Service such as gnome-keyring "
        "(running on the session D-Bus); on macOS the login keychain; on Windows Credential Manager."
    )


class PartialChangeError(HardenerError):
    exit_code = EXIT_PARTIAL
    default_remedy = "Some files were changed; run 'hardener scan' to see the state, then retry."
