"""The daemon's log: a rotating 0600 file in the logs directory, mirrored to stderr with -v (L2).

Logging is configured in exactly one place per process; the CLI frame configures stderr, and
``hardener daemon run`` adds this file handler. Records never carry secrets or environment values
(the modules that log are responsible for that); this module only decides where they go.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

from hardener.fsutil import FILE_MODE, ensure_private_dir

LOG_NAME = "daemon.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 3
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A size-rotating handler whose files are created 0600 (rotation renames, never copies)."""

    def _open(self):  # type: ignore[no-untyped-def]
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(self.baseFilename, flags, FILE_MODE)
        if sys.platform != "win32":
            os.fchmod(fd, FILE_MODE)
        return os.fdopen(fd, "a", encoding=self.encoding or "utf-8", errors=self.errors)


def configure_daemon_logging(logs_dir: Path, *, verbose: int) -> logging.Handler:
    """Send the ``hardener`` loggers to ``logs_dir/daemon.log``; stderr keeps what -v asked for.

    Returns the file handler so the caller can remove and close it at shutdown.
    """
    ensure_private_dir(logs_dir)
    handler = PrivateRotatingFileHandler(
        logs_dir / LOG_NAME, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(logging.DEBUG if verbose >= 2 else logging.INFO)
    package = logging.getLogger("hardener")
    package.addHandler(handler)
    package.setLevel(logging.DEBUG if verbose >= 2 else logging.INFO)
    if verbose == 0:
        # Without -v, stderr (the CLI frame's root handler) only gets warnings and errors.
        for root_handler in logging.getLogger().handlers:
            root_handler.setLevel(max(root_handler.level, logging.WARNING))
    return handler


def remove_daemon_logging(handler: logging.Handler) -> None:
    logging.getLogger("hardener").removeHandler(handler)
    handler.close()
