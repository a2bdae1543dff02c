"""Line endings and BOM around round-trip libraries (L1 pure core).

tomlkit and ruamel.yaml write new lines as LF and do not expect a UTF-8 BOM. A codec built on them
edits the file in a normalised form: :func:`split` takes off the BOM and, for a file that uses CRLF
on every line, turns CRLF into LF; :func:`join` puts both back, so a CRLF file stays CRLF in the
lines that were written new, too. Files with mixed line endings are left as they are.
"""

from __future__ import annotations

from typing import NamedTuple

BOM = "\ufeff"


class Layout(NamedTuple):
    bom: bool
    crlf: bool


def split(text: str) -> tuple[str, Layout]:
    """The text without BOM and with LF line endings, and how to restore it."""
    bom = text.startswith(BOM)
    body = text[1:] if bom else text
    lf = body.count("\n")
    crlf = lf > 0 and body.count("\r\n") == lf
    return (body.replace("\r\n", "\n") if crlf else body), Layout(bom, crlf)


def join(body: str, layout: Layout) -> str:
    """Inverse of :func:`split` for an edited body."""
    if layout.crlf:
        body = body.replace("\n", "\r\n")
    return (BOM if layout.bom else "") + body
