"""Unexpected tool-call arguments: schema violations, undeclared properties, novel values (L1 pure core).

- **Schema**: arguments are validated against the tool's ``inputSchema`` with the JSON Schema
  draft the protocol version implies — an explicit ``$schema`` wins; otherwise draft-07 up to
  2025-06-18 and 2020-12 from 2025-11-25 (2026-07-28 allows any 2020-12 keyword). Arguments arrive
  *redacted*: a value replaced by a marker is not the value the server saw, so errors at or below
  a redacted pointer are ignored.
- **Undeclared**: top-level properties the schema does not declare (when it does not allow extra
  properties explicitly). Poisoned descriptions ask for hidden parameters to smuggle data.
- **Sensitive paths**: a path-like argument naming SSH keys, cloud credentials, ``.env`` …
- **History**: per tool, the directories of absolute paths and the URL hosts it was called with;
  after ``min_calls`` calls, a path outside every seen directory or a never-seen host is novel.
"""

from __future__ import annotations

import ntpath
import posixpath
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlsplit

import jsonschema
import referencing
import referencing.exceptions
from jsonschema.protocols import Validator

from hardener.detect.patterns import SENSITIVE_ANCHORS, SENSITIVE_PATH_RE, might_match
from hardener.detect.secrets import redacted_pointers, walk_strings

#: Protocol versions whose tool schemas default to JSON Schema draft-07.
DRAFT7_VERSIONS: Final = frozenset({"2024-11-05", "2025-03-26", "2025-06-18"})
MAX_REMEMBERED: Final = 64
MAX_ERRORS: Final = 5
_WINDOWS_PATH: Final = re.compile(r"^[A-Za-z]:[\\/]|^\\\\[^\\]+\\")
_URL: Final = re.compile(r"^(?:https?|wss?|ftp)://", re.IGNORECASE)
_NESTED_QUANTIFIER: Final = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]")


@dataclass(frozen=True)
class ArgIssue:
    rule: str
    pointer: str
    message: str
    value: str = ""  # the offending value (paths/hosts only; never free text)


def draft_for(schema: Mapping[str, Any], protocol_version: str | None) -> type[Validator]:
    """The validator class for a tool's inputSchema."""
    default: type[Validator] = (
        jsonschema.Draft7Validator
        if protocol_version in DRAFT7_VERSIONS
        else jsonschema.Draft202012Validator
    )
    with warnings.catch_warnings():  # an unknown $schema URI falls back to the default
        warnings.simplefilter("ignore")
        cls: type[Validator] = jsonschema.validators.validator_for(dict(schema), default=default)
    return cls


def safe_regex(pattern: Any) -> bool:
    """False for regexes a server could use to stall us (nested quantifiers, huge ones)."""
    return (
        isinstance(pattern, str) and len(pattern) <= 512 and not _NESTED_QUANTIFIER.search(pattern)
    )


def _defang(schema: Any) -> Any:
    """The schema without regexes that could backtrack catastrophically."""
    if isinstance(schema, list):
        return [_defang(item) for item in schema]
    if not isinstance(schema, Mapping):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "pattern" and not safe_regex(value):
            continue
        if key == "patternProperties" and isinstance(value, Mapping):
            out[key] = {k: _defang(v) for k, v in value.items() if safe_regex(k)}
            continue
        out[key] = _defang(value)
    return out


def make_validator(schema: Mapping[str, Any], protocol_version: str | None) -> Validator | None:
    """A compiled validator, or None when the schema itself is invalid (not the caller's fault).

    ``$ref`` resolves only within the schema: an empty registry means no remote retrieval.
    """
    cls = draft_for(schema, protocol_version)
    clean = _defang(schema)
    try:
        cls.check_schema(clean)
    except jsonschema.SchemaError:
        return None
    return cls(clean, registry=referencing.Registry())


def _pointer(path: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _under(pointer: str, prefixes: list[str]) -> bool:
    return any(pointer == p or pointer.startswith(p + "/") for p in prefixes)


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def _declared(schema: Mapping[str, Any]) -> tuple[set[str], list[str], bool]:
    """Declared property names, patternProperties regexes, and whether extras are explicitly
    allowed, looking through allOf/anyOf/oneOf branches."""
    names: set[str] = set(schema.get("properties") or {})
    patterns: list[str] = list(schema.get("patternProperties") or {})
    extra = schema.get("additionalProperties")
    open_ = extra is True or (isinstance(extra, Mapping) and bool(extra))
    open_ = open_ or isinstance(schema.get("unevaluatedProperties"), Mapping)
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(key) or []:
            if isinstance(branch, Mapping):
                n, p, o = _declared(branch)
                names |= n
                patterns += p
                open_ = open_ or o
    return names, patterns, open_


def check_arguments(
    schema: Mapping[str, Any] | None,
    arguments: Any,
    validator: Validator | None,
) -> list[ArgIssue]:
    """Schema violations and undeclared properties of one call (redaction-aware)."""
    if not isinstance(schema, Mapping):
        return []
    issues: list[ArgIssue] = []
    redacted = redacted_pointers(arguments)
    if validator is not None:
        try:
            for error in validator.iter_errors(arguments if arguments is not None else {}):
                pointer = _pointer(error.absolute_path)
                if _under(pointer, redacted):
                    continue
                if error.validator == "additionalProperties":
                    continue  # reported below with the property names
                issues.append(ArgIssue("arguments.schema-invalid", pointer, error.message[:200]))
                if len(issues) >= MAX_ERRORS:
                    break
        except (
            referencing.exceptions.Unresolvable,
            re.error,
            RecursionError,
        ):
            pass  # a broken schema is the server's problem, not evidence against the call
    if isinstance(arguments, Mapping):
        names, patterns, open_ = _declared(schema)
        if not open_ and (names or patterns or schema.get("additionalProperties") is False):
            for key in arguments:
                if key in names or any(safe_regex(p) and _search(p, str(key)) for p in patterns):
                    continue
                issues.append(
                    ArgIssue(
                        "arguments.undeclared",
                        _pointer([key]),
                        f"property '{key}' is not declared by the tool's inputSchema",
                    )
                )
    return issues


# --- value history ----------------------------------------------------------------------------


def path_value(value: str) -> tuple[str, str] | None:
    """``(flavour, normalized path)`` for an absolute path or file URL, else None."""
    text = value.strip()
    if not text or text[0] not in "/~\\fFabcdefghijklmnopqrstuvwxyzABCDEGHIJKLMNOPQRSTUVWXYZ":
        return None
    if "\n" in text or len(text) > 4096:
        return None
    if text[:7].lower() == "file://":
        text = urlsplit(text).path or "/"
    if _WINDOWS_PATH.match(text):
        return "windows", ntpath.normpath(text)
    if text.startswith("~") or (text.startswith("/") and not text.startswith("//")):
        return "posix", posixpath.normpath(text)
    return None


def parent_of(flavour: str, path: str) -> str:
    return ntpath.dirname(path) if flavour == "windows" else posixpath.dirname(path) or "/"


def is_under(flavour: str, path: str, directory: str) -> bool:
    sep = "\\" if flavour == "windows" else "/"
    if flavour == "windows":
        path, directory = path.lower(), directory.lower()
    return path == directory or path.startswith(directory.rstrip(sep) + sep)


def url_host(value: str) -> str | None:
    if not _URL.match(value.strip()):
        return None
    try:
        host = urlsplit(value.strip()).hostname
    except ValueError:
        return None
    return host.lower() if host else None


def sensitive_paths(arguments: Any) -> list[ArgIssue]:
    """Arguments naming sensitive files (paths, or commands that contain them)."""
    issues = []
    for pointer, leaf in walk_strings(arguments):
        if not isinstance(leaf, str) or not might_match(SENSITIVE_ANCHORS, leaf.lower()):
            continue
        for match in SENSITIVE_PATH_RE.finditer(leaf):
            text = match.group()
            if "/" in text or "\\" in text or text.startswith((".", "~", "id")):
                issues.append(ArgIssue("arguments.sensitive-path", pointer, text, text))
                break
    return issues


@dataclass
class ArgHistory:
    """What one tool has been called with (JSON-serialisable through to_json/from_json)."""

    calls: int = 0
    dirs: list[list[str]] = field(default_factory=list)  # [flavour, dir], most recent last
    hosts: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"calls": self.calls, "dirs": self.dirs, "hosts": self.hosts}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ArgHistory:
        return cls(
            int(data.get("calls", 0)), list(data.get("dirs", [])), list(data.get("hosts", []))
        )

    def _remember(self, items: list[Any], item: object) -> None:
        if item in items:
            items.remove(item)
        items.append(item)
        del items[:-MAX_REMEMBERED]

    def check_and_learn(self, arguments: object, min_calls: int) -> list[ArgIssue]:
        """Novel paths/hosts in this call (once warmed up), then remember them."""
        issues: list[ArgIssue] = []
        warmed = self.calls >= min_calls
        for pointer, leaf in walk_strings(arguments):
            if not isinstance(leaf, str):
                continue
            found = path_value(leaf)
            if found is not None:
                flavour, path = found
                known = [d for f, d in self.dirs if f == flavour]
                if warmed and not any(is_under(flavour, path, d) for d in known):
                    issues.append(
                        ArgIssue(
                            "arguments.novel-path",
                            pointer,
                            "path outside every directory this tool was called with",
                            path,
                        )
                    )
                self._remember(self.dirs, [flavour, parent_of(flavour, path)])
                continue
            host = url_host(leaf)
            if host is not None:
                if warmed and host not in self.hosts:
                    issues.append(
                        ArgIssue(
                            "arguments.novel-host",
                            pointer,
                            "URL host never seen for this tool",
                            host,
                        )
                    )
                self._remember(self.hosts, host)
        self.calls += 1
        return issues
