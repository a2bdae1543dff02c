"""Read one client config file: snapshot, decode, parse with its codec (L2 service).

Every problem becomes a :class:`~hardener.errors.HardenerError` naming the file: a syntax error as
``path:line:column: problem``, a file that is not UTF-8, a directory where a file should be, a
permission problem. Nothing here writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from hardener.errors import ConfigParseError
from hardener.formats.interface import Codec, SyntaxErrorAt
from hardener.formats.registry import codec_for
from hardener.fsutil import FileSnapshot, read_snapshot


@dataclass(frozen=True)
class LoadedConfig:
    path: Path
    snapshot: FileSnapshot
    codec: Codec
    text: str
    document: object


def parse_error(path: Path, error: ConfigParseError) -> ConfigParseError:
    """The codec's error with the file's path in front (``path:line:column: problem``)."""
    if isinstance(error, SyntaxErrorAt):
        message = f"{path}:{error.line}:{error.column}: {error.problem}"
    else:
        message = f"{path}: {error.message}"
    result = ConfigParseError(message, remedy=error.remedy)
    result.__cause__ = error
    return result


def decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigParseError(
            f"{path}:{line}: not UTF-8 text (byte offset {exc.start})",
            remedy="The file was left untouched. Save it as UTF-8 and run again.",
        ) from exc


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def parse_text(path: Path, codec: Codec, text: str) -> object:
    """The parsed document. Strict JSON goes through the C parser first (same values as the
    codec, much faster on big files); anything it refuses gets the codec's precise error."""
    if codec.name == "json":
        try:
            return json.loads(text.removeprefix("\ufeff"), parse_constant=_reject_constant)
        except ValueError:
            pass
    try:
        return codec.parse(text)
    except ConfigParseError as exc:
        raise parse_error(path, exc) from exc


def load(path: Path, format_name: str, snapshot: FileSnapshot | None = None) -> LoadedConfig:
    """Read and parse ``path``; ``snapshot`` reuses bytes already read."""
    snap = snapshot if snapshot is not None else read_snapshot(path)
    if snap.data is None:
        raise ConfigParseError(f"{path} does not exist", remedy="Nothing to do for this file.")
    try:
        codec = codec_for(format_name)
    except ValueError as exc:
        raise ConfigParseError(
            f"{path}: cannot edit {format_name} files in this version ({exc})",
            remedy="The file was left untouched. Upgrade hardener.",
        ) from exc
    text = decode(path, snap.data)
    return LoadedConfig(path, snap, codec, text, parse_text(path, codec, text))
