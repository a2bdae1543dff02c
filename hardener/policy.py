"""The policy: defaults, managed and user sources, validation, provenance (L0 foundation).

Policy is TOML (``schemas/policy.schema.json``). Sources, highest precedence first:

1. managed (the MDM's): Linux ``/etc/hardener/policy.toml`` (trusted only when owned by root and
   not group/world-writable), macOS managed preferences for :data:`~hardener.paths.POLICY_DOMAIN`,
   Windows ``HKLM\\SOFTWARE\\Policies\\hardener`` (value ``PolicyToml``, read through
   :class:`RegistryReader` so it is testable off Windows);
2. the user's ``policy.toml`` in the config dir;
3. the built-in defaults (:class:`hardener.settings.Settings`).

The merged values become one typed, frozen :class:`~hardener.settings.Settings`
(``EffectivePolicy.settings``), built once here and handed to callers; every value remembers its
source (``EffectivePolicy.source``). An invalid file is a :class:`PolicyError` naming the
file, the line and the setting; it is never silently ignored.
"""

from __future__ import annotations

import json
import os
import plistlib
import re
import stat
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import jsonschema

from hardener.errors import HardenerError, PolicyError
from hardener.paths import OS, Platform, hardener_paths, managed_policy_location
from hardener.settings import DEFAULTS, Settings

DEFAULT_SOURCE = "default"


def schemas_dir() -> Path:
    """``schemas/`` from the wheel (``hardener/_schemas``) or from a source checkout."""
    packaged = Path(str(resources.files("hardener"))) / "_schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "schemas"


def load_schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((schemas_dir() / name).read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class SourceDocument:
    """One policy source that was found and parsed."""

    kind: str  # "managed" | "user"
    label: str  # file path or registry key, for people
    data: Mapping[str, object]

    def describe(self) -> dict[str, str]:
        return {"kind": self.kind, "label": self.label}


@dataclass(frozen=True)
class EffectivePolicy:
    """The typed :class:`Settings` built once from the sources, and where each value came from."""

    settings: Settings
    #: dotted key -> ``"default"`` or ``"<kind>:<label>"`` of the source that set it
    provenance: Mapping[str, str]
    sources: tuple[SourceDocument, ...] = field(default=())

    def source(self, key: str) -> str:
        return self.provenance[key]

    @classmethod
    def defaults(cls) -> EffectivePolicy:
        return merge_sources([])


class RegistryReader(Protocol):
    """Reads one string value from the Windows registry; ``None`` when absent."""

    def read_string(self, hive: str, key: str, value: str) -> str | None: ...


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import winreg

    class WinRegReader:
        """:class:`RegistryReader` backed by ``winreg``."""

        def read_string(self, hive: str, key: str, value: str) -> str | None:
            root = {"HKLM": winreg.HKEY_LOCAL_MACHINE, "HKCU": winreg.HKEY_CURRENT_USER}[hive]
            try:
                with winreg.OpenKey(root, key) as handle:
                    data, kind = winreg.QueryValueEx(handle, value)
            except OSError:
                return None
            if kind == winreg.REG_MULTI_SZ:
                return "\n".join(data)
            return str(data)

else:

    class WinRegReader:
        """Off Windows there is no registry: nothing is ever found."""

        def read_string(self, hive: str, key: str, value: str) -> str | None:
            return None


# --- parsing and validation ------------------------------------------------------------------


def _line_of(text: str | None, dotted: str) -> int | None:
    """Best-effort line of ``dotted`` in TOML ``text`` (the leaf key assignment)."""
    if not text or not dotted:
        return None
    leaf = dotted.rsplit(".", maxsplit=1)[-1]
    table = ".".join(dotted.split(".")[:-1])
    in_table = table == ""
    pattern = re.compile(rf"^\s*(\"?){re.escape(leaf)}\1\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[([^\[\]]+)\]\s*(#.*)?$", line)
        if header:
            in_table = header.group(1).strip() == table
            continue
        if in_table and pattern.match(line):
            return number
        if table and re.match(rf"^\s*{re.escape(dotted)}\s*=", line):
            return number
    return None


def validate_document(data: Mapping[str, object], label: str, text: str | None = None) -> None:
    """Validate one source against ``policy.schema.json``; :class:`PolicyError` on the first problem."""
    validator = jsonschema.Draft202012Validator(load_schema("policy.schema.json"))
    errors = sorted(validator.iter_errors(dict(data)), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    error = errors[0]
    path = [str(part) for part in error.absolute_path if not isinstance(part, int)]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - allowed)
        if unknown:
            path = [*path, unknown[0]]
            message = f"unknown setting '{'.'.join(path)}'"
            raise PolicyError(
                label, message, line=_line_of(text, ".".join(path)), setting=".".join(path)
            )
    dotted = ".".join(path)
    raise PolicyError(label, error.message, line=_line_of(text, dotted), setting=dotted or None)


def parse_toml(text: str, label: str) -> dict[str, object]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise PolicyError(
            label, f"not valid TOML: {exc}", line=int(match.group(1)) if match else None
        ) from exc


def _flatten(data: Mapping[str, object], prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and dotted not in DEFAULTS:
            flat.update(_flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def merge_sources(sources: list[SourceDocument]) -> EffectivePolicy:
    """Defaults overlaid by each source (``sources`` lists the highest precedence first).

    Each source's values are type-checked under its own label, so a bad value names its file.
    """
    values: dict[str, object] = dict(DEFAULTS)
    provenance = dict.fromkeys(DEFAULTS, DEFAULT_SOURCE)
    for source in reversed(sources):
        flat = _flatten(source.data)
        Settings.from_values(flat, source.label)
        for key, value in flat.items():
            values[key] = value
            provenance[key] = f"{source.kind}:{source.label}"
    return EffectivePolicy(Settings.from_values(values), provenance, tuple(sources))


# --- sources ----------------------------------------------------------------------------------


#: Reads another user's file for root (``status --user``): bytes, None when absent; raises
#: :class:`HardenerError` when the file is refused (a link out of their files, a FIFO, too big).
UserFileReader = Callable[[Path], bytes | None]


def _read_user_source(path: Path, read: UserFileReader) -> SourceDocument | None:
    try:
        data = read(path)
        if data is None:
            return None
        text = data.decode("utf-8")
    except HardenerError as exc:
        raise PolicyError(path, f"not read: {exc.message}") from exc
    except UnicodeDecodeError as exc:
        raise PolicyError(path, f"cannot read the file: {exc}") from exc
    parsed = parse_toml(text, str(path))
    validate_document(parsed, str(path), text)
    return SourceDocument("user", str(path), parsed)


def _read_toml_source(path: Path, kind: str, *, require_root: bool) -> SourceDocument | None:
    try:
        st = os.stat(path)
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(path, f"cannot read the file: {exc}") from exc
    if require_root and (st.st_uid != 0 or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
        raise PolicyError(
            path,
            "managed policy is not owned by root or is group/world-writable; not trusted",
            remedy=f"Run: sudo chown root:root {path} && sudo chmod 644 {path}",
        )
    data = parse_toml(text, str(path))
    validate_document(data, str(path), text)
    return SourceDocument(kind, str(path), data)


def _read_plist_source(path: Path) -> SourceDocument | None:
    try:
        with open(path, "rb") as handle:
            raw = plistlib.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, plistlib.InvalidFileException, ValueError) as exc:
        raise PolicyError(path, f"cannot read the managed preferences: {exc}") from exc
    if not isinstance(raw, dict):
        raise PolicyError(path, "managed preferences are not a dictionary")
    text = raw.get("PolicyToml")
    data = parse_toml(text, str(path)) if isinstance(text, str) else dict(raw)
    validate_document(data, str(path), text if isinstance(text, str) else None)
    return SourceDocument("managed", str(path), data)


def _read_registry_source(reader: RegistryReader, key: str) -> SourceDocument | None:
    for hive in ("HKLM", "HKCU"):
        text = reader.read_string(hive, key, "PolicyToml")
        if text is None:
            continue
        label = f"{hive}\\{key}\\PolicyToml"
        data = parse_toml(text, label)
        validate_document(data, label, text)
        return SourceDocument("managed", label, data)
    return None


def managed_sources(
    platform: Platform, registry: RegistryReader | None = None, *, user: str | None = None
) -> list[SourceDocument]:
    """The administrator's policy documents found on this machine (most specific first)."""
    location = managed_policy_location(platform, user)
    found: list[SourceDocument] = []
    if platform.os is OS.WINDOWS and location.registry_key:
        reader = registry if registry is not None else WinRegReader()
        doc = _read_registry_source(reader, location.registry_key)
        if doc:
            found.append(doc)
    elif platform.os is OS.MACOS:
        for path in reversed(location.files):  # the user-specific profile wins over the device one
            doc = _read_plist_source(path)
            if doc:
                found.append(doc)
    else:
        for path in location.files:
            doc = _read_toml_source(path, "managed", require_root=True)
            if doc:
                found.append(doc)
    return found


def load_policy(
    platform: Platform,
    *,
    registry: RegistryReader | None = None,
    managed_override: list[SourceDocument] | None = None,
    read_user_file: UserFileReader | None = None,
) -> EffectivePolicy:
    """Managed, then user, then defaults. ``managed_override`` replaces the managed lookup (tests);
    ``read_user_file`` reads the user's ``policy.toml`` when root evaluates another user (never a
    plain read, which would follow a link they planted)."""
    managed = (
        managed_override
        if managed_override is not None
        else managed_sources(platform, registry, user=platform.env.get("USER"))
    )
    user_file = hardener_paths(platform).user_policy_file
    if read_user_file is not None:
        user_doc = _read_user_source(user_file, read_user_file)
    else:
        user_doc = _read_toml_source(user_file, "user", require_root=False)
    return merge_sources([*managed, *([user_doc] if user_doc else [])])
