"""Is a client installed on this machine? Its binary on ``PATH``, its app bundle, its config dir (L1).

``status`` must not pass on what it cannot see: a client that is installed but none of whose config
files hardener could read (a new version that moved its file, a format hardener does not know) is
a compliance exception, not "0 of 0". :func:`installed_evidence` says what shows that the client is
there; it is pure given the :class:`~hardener.clients.spec.FsView` and a ``which`` function (the
engine passes :func:`shutil.which` over the target's ``PATH``).
"""

from __future__ import annotations

from collections.abc import Callable

from hardener.clients.spec import ClientSpec, FsView
from hardener.paths import Platform

Which = Callable[[str], str | None]


def installed_evidence(spec: ClientSpec, platform: Platform, fs: FsView, which: Which) -> str:
    """What shows that ``spec``'s client is installed ("" when nothing does)."""
    for name in spec.binaries:
        found = which(name)
        if found:
            return f"'{name}' on PATH ({found})"
    if spec.installed is not None:
        for path in spec.installed(platform, fs):
            if fs.is_dir(path):
                return f"{path} exists"
    return ""
