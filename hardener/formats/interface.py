"""The codec contract every config format implements (L1 pure core).

A codec never re-serialises a file it does not own. It reads values out of the text, and edits by
replacing the exact span of one value (or inserting/removing one key) so that every byte outside
the edited span stays identical: comments, trailing commas, indentation, key order, line endings,
BOM, escapes, unknown keys.

Paths address values from the document root: a tuple of object keys (``str``) and list indexes
(``int``), for example ``("mcpServers", "github", "args")`` or ``("mcpServers", 0, "command")``
(Continue's list form) or ``("projects", "/Users/alice/src/app", "mcpServers", "db")``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from hardener.errors import ConfigParseError

Path = tuple[str | int, ...]


class Missing:
    """Sentinel type: no value at that path."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = Missing()


class SyntaxErrorAt(ConfigParseError):
    """The text is not valid in the codec's format. The message is file-independent,
    ``"line L, column C: problem"``; the caller adds the file's path."""

    def __init__(self, line: int, column: int, problem: str) -> None:
        super().__init__(f"line {line}, column {column}: {problem}")
        self.line = line
        self.column = column
        self.problem = problem


class PathConflictError(ConfigParseError):
    """A path cannot be edited: an ancestor is not an object (or list), or an index is out of range."""

    default_remedy = "The file was left untouched; its structure is not what hardener expects."


class Codec(ABC):
    """Read and splice one format. All methods are pure (text in, text out) and never return text
    that does not parse. Errors are ``ConfigParseError`` subclasses: :class:`SyntaxErrorAt` for text
    that is not valid in the format, :class:`PathConflictError` for an edit the structure does not
    allow. Get one with :func:`hardener.formats.registry.codec_for`."""

    #: "json", "jsonc", "toml", "yaml"
    name: str

    @abstractmethod
    def parse(self, text: str) -> Any:
        """The whole document as plain Python values (dict/list/str/int/float/bool/None; TOML
        dates stay ``datetime``). An empty JSON text is a :class:`SyntaxErrorAt`; an empty TOML
        text is ``{}`` and an empty YAML text is ``None``."""

    @abstractmethod
    def get(self, text: str, path: Path) -> Any:
        """The plain value at ``path`` (a fresh copy), or :data:`MISSING`. For a duplicated key the
        last occurrence wins, as in ``JSON.parse``."""

    @abstractmethod
    def set(self, text: str, path: Path, value: object) -> str:
        """Replace the value at ``path``; if only its last key is missing, insert that key into the
        existing parent object (after its last member, in the file's own style). Any other missing
        ancestor is created as nested objects. An index equal to a list's length appends. Setting
        the value already there returns ``text`` itself (idempotent). A list that keeps the old items
        as one run (``[*added, *old]`` or ``old[k:]``) is edited by adding/removing only the other
        items, so comments between the old items survive. Returns the new text."""

    @abstractmethod
    def delete(self, text: str, path: Path) -> str:
        """Remove the key (or list item) at ``path`` together with its separator (and, in JSON, a
        comment on the same line); every occurrence of a duplicated key goes. A missing path returns
        ``text`` unchanged. Returns the new text."""
