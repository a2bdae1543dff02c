"""Rug-pull detection: trust-on-first-use pins of tool definitions (L1 pure core).

The first time a (client, server) pair lists its tools, every definition is pinned: a SHA-256 of
the canonical JSON of its name, title, description, input and output schema and annotations
(:func:`tool_hash`), plus the server's ``instructions`` (:func:`instructions_hash`). Later lists
are compared with the pins (:func:`observe`):

- a pinned tool whose hash differs is *changed* and goes to ``pending`` (the pin is kept) with a
  per-field text diff;
- a new tool that is nearly identical to a pinned tool missing from the list is a *rename* and
  goes to ``pending`` too;
- any other new tool is *added* and pinned on first sight;
- changed server instructions go to ``pending_instructions``.

:func:`approve` accepts pending definitions. :func:`should_refuse_call` is the enforce-mode
decision the shim makes before forwarding ``tools/call``: a call to a tool with a pending change
(or to any tool of a server whose instructions changed) is refused until approved — when the
change's graded severity (``hardener.detect.changes``) is high or critical, or when policy
``pins.block_low_severity_changes`` is set. The shim must only consult it when policy ``mode`` is
``"enforce"``. Storage lives in ``hardener.pin_store`` (L2).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

from hardener.canonical import canonical_text, sha256_of
from hardener.detect.changes import (
    ChangeGrade,
    blocks,
    grade_definition_change,
    grade_instructions_change,
)

PIN_FIELDS: Final = ("name", "title", "description", "inputSchema", "outputSchema", "annotations")
#: Description score threshold used to grade changes when the caller does not pass the policy's.
DEFAULT_THRESHOLD: Final = 3
#: The grade of a change nobody graded (kept for callers that build a Change by hand).
UNGRADED: Final = ChangeGrade("high", ("not graded",))
RENAME_SIMILARITY: Final = 0.9
MAX_DIFF_CHARS: Final = 4000


def pinned_view(tool: Mapping[str, object]) -> dict[str, Any]:
    """The parts of a tool definition that are pinned."""
    return {key: tool[key] for key in PIN_FIELDS if key in tool}


def tool_hash(tool: Mapping[str, Any]) -> str:
    return sha256_of(pinned_view(tool))


def instructions_hash(instructions: str | None) -> str:
    return sha256_of(instructions or "")


@dataclass(frozen=True)
class Pin:
    hash: str
    definition: dict[str, Any]
    reason: str = ""  # for pending entries: "changed" | "renamed"
    renamed_from: str | None = None
    #: Pending entries: the graded severity of the change (``hardener.detect.changes``); None for
    #: entries recorded before changes were graded (they block, as they always did).
    severity: str | None = None
    why: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"hash": self.hash, "definition": self.definition}
        if self.reason:
            out["reason"] = self.reason
        if self.renamed_from is not None:
            out["renamed_from"] = self.renamed_from
        if self.severity is not None:
            out["severity"] = self.severity
            out["why"] = list(self.why)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Pin:
        severity = data.get("severity")
        return cls(
            hash=str(data["hash"]),
            definition=dict(data.get("definition") or {}),
            reason=str(data.get("reason", "")),
            renamed_from=data.get("renamed_from"),
            severity=str(severity) if severity is not None else None,
            why=tuple(str(w) for w in data.get("why") or ()),
        )


@dataclass(frozen=True)
class ServerPins:
    """Pins of one (client, server): accepted definitions and pending changes."""

    client: str
    server: str
    tools: dict[str, Pin] = field(default_factory=dict)
    pending: dict[str, Pin] = field(default_factory=dict)
    instructions: Pin | None = None
    pending_instructions: Pin | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "v": 1,
            "client": self.client,
            "server": self.server,
            "tools": {name: pin.to_json() for name, pin in sorted(self.tools.items())},
            "pending": {name: pin.to_json() for name, pin in sorted(self.pending.items())},
            "instructions": self.instructions.to_json() if self.instructions else None,
            "pending_instructions": (
                self.pending_instructions.to_json() if self.pending_instructions else None
            ),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ServerPins:
        def pins(key: str) -> dict[str, Pin]:
            return {str(k): Pin.from_json(v) for k, v in (data.get(key) or {}).items()}

        def one(key: str) -> Pin | None:
            value = data.get(key)
            return Pin.from_json(value) if isinstance(value, Mapping) else None

        return cls(
            client=str(data["client"]),
            server=str(data["server"]),
            tools=pins("tools"),
            pending=pins("pending"),
            instructions=one("instructions"),
            pending_instructions=one("pending_instructions"),
        )


@dataclass(frozen=True)
class Change:
    """One changed tool (or the server's instructions when ``name`` is None)."""

    name: str | None
    fields: tuple[str, ...]
    diff: str
    old_hash: str
    new_hash: str
    new: bool  # first time this particular new definition is seen (alert once)
    grade: ChangeGrade = UNGRADED


@dataclass(frozen=True)
class Rename:
    old: str
    new: str
    similarity: float
    first: bool
    grade: ChangeGrade = UNGRADED


@dataclass(frozen=True)
class Changes:
    first_seen: bool = False
    changed: tuple[Change, ...] = ()
    renamed: tuple[Rename, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    instructions: Change | None = None


def _text(value: object) -> list[str]:
    if isinstance(value, str):
        return value.splitlines()
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).splitlines()


def field_diff(old: Mapping[str, object], new: Mapping[str, object]) -> tuple[tuple[str, ...], str]:
    """Which pinned fields differ, and a unified diff of each (capped)."""
    missing = object()
    fields = tuple(key for key in PIN_FIELDS if old.get(key, missing) != new.get(key, missing))
    chunks: list[str] = []
    for key in fields:
        lines = difflib.unified_diff(
            _text(old.get(key, "")),
            _text(new.get(key, "")),
            fromfile=f"pinned/{key}",
            tofile=f"current/{key}",
            lineterm="",
        )
        chunks.append("\n".join(lines))
    diff = "\n".join(chunks)
    if len(diff) > MAX_DIFF_CHARS:
        diff = diff[:MAX_DIFF_CHARS] + "\n… (diff truncated)"
    return fields, diff


def similarity(a: Mapping[str, object], b: Mapping[str, object]) -> float:
    """How alike two definitions are, ignoring their names and titles (0..1)."""
    strip = ("name", "title")
    left = canonical_text({k: v for k, v in pinned_view(a).items() if k not in strip})
    right = canonical_text({k: v for k, v in pinned_view(b).items() if k not in strip})
    matcher = difflib.SequenceMatcher(None, left, right, autojunk=False)
    if matcher.real_quick_ratio() < RENAME_SIMILARITY or matcher.quick_ratio() < RENAME_SIMILARITY:
        return matcher.quick_ratio()
    return matcher.ratio()


def observe(
    pins: ServerPins | None,
    client: str,
    server: str,
    tools: Sequence[Mapping[str, object]],
    instructions: str | None,
    *,
    complete: bool = True,
    threshold: int = DEFAULT_THRESHOLD,
) -> tuple[ServerPins, Changes]:
    """Compare a tool list with the pins; returns the updated pins and what changed.

    ``complete``: False for one page of a paginated list (then missing tools are not "removed"
    and renames are not inferred). Every change and rename is graded
    (``hardener.detect.changes``, at the description ``threshold``); the grade is kept on the
    pending pin, where :func:`should_refuse_call` reads it.
    """
    current = {str(t.get("name")): dict(t) for t in tools if isinstance(t.get("name"), str)}
    if pins is None:
        first = ServerPins(
            client,
            server,
            tools={name: Pin(tool_hash(d), pinned_view(d)) for name, d in current.items()},
            instructions=Pin(instructions_hash(instructions), {"instructions": instructions}),
        )
        return first, Changes(first_seen=True, added=tuple(sorted(current)))

    accepted = dict(pins.tools)
    pending = dict(pins.pending)
    changed: list[Change] = []
    renamed: list[Rename] = []
    added: list[str] = []
    missing = [name for name in accepted if name not in current] if complete else []
    for name, definition in sorted(current.items()):
        digest = tool_hash(definition)
        if name in accepted:
            if digest == accepted[name].hash:
                pending.pop(name, None)  # changed back: nothing left to approve
                continue
            seen_before = name in pending and pending[name].hash == digest
            fields, diff = field_diff(accepted[name].definition, pinned_view(definition))
            grade = grade_definition_change(
                accepted[name].definition, pinned_view(definition), threshold
            )
            changed.append(
                Change(name, fields, diff, accepted[name].hash, digest, not seen_before, grade)
            )
            pending[name] = Pin(
                digest, pinned_view(definition), "changed", None, grade.severity, grade.reasons
            )
            continue
        if name in pending and pending[name].hash == digest:
            previous = pending[name]
            if previous.reason == "renamed" and previous.renamed_from is not None:
                grade = ChangeGrade(previous.severity or "high", previous.why)
                renamed.append(Rename(previous.renamed_from, name, 1.0, False, grade))
            continue
        best = max(
            ((similarity(accepted[old].definition, definition), old) for old in missing),
            default=(0.0, ""),
        )
        if best[0] >= RENAME_SIMILARITY:
            grade = grade_definition_change(
                accepted[best[1]].definition, pinned_view(definition), threshold
            )
            renamed.append(Rename(best[1], name, round(best[0], 3), True, grade))
            pending[name] = Pin(
                digest, pinned_view(definition), "renamed", best[1], grade.severity, grade.reasons
            )
        else:
            added.append(name)
            accepted[name] = Pin(digest, pinned_view(definition))
    accepted_instructions, pending_instructions, instructions_change = _observe_instructions(
        pins, instructions, threshold
    )
    updated = replace(
        pins,
        tools=accepted,
        pending=pending,
        instructions=accepted_instructions,
        pending_instructions=pending_instructions,
    )
    return updated, Changes(
        changed=tuple(changed),
        renamed=tuple(renamed),
        added=tuple(added),
        removed=tuple(sorted(name for name in missing if name not in {r.old for r in renamed})),
        instructions=instructions_change,
    )


def _observe_instructions(
    pins: ServerPins, instructions: str | None, threshold: int
) -> tuple[Pin | None, Pin | None, Change | None]:
    """(accepted, pending, change) of the server's instructions after this list."""
    instructions_change = None
    pending_instructions = pins.pending_instructions
    digest = instructions_hash(instructions)
    if pins.instructions is None:
        accepted_instructions: Pin | None = Pin(digest, {"instructions": instructions})
    else:
        accepted_instructions = pins.instructions
        if digest == pins.instructions.hash:
            pending_instructions = None
        else:
            seen_before = pending_instructions is not None and pending_instructions.hash == digest
            old_text = pins.instructions.definition.get("instructions") or ""
            _, diff = field_diff({"description": old_text}, {"description": instructions or ""})
            diff = diff.replace("pinned/description", "pinned/instructions").replace(
                "current/description", "current/instructions"
            )
            grade = grade_instructions_change(old_text, instructions, threshold)
            instructions_change = Change(
                None,
                ("instructions",),
                diff,
                pins.instructions.hash,
                digest,
                not seen_before,
                grade,
            )
            pending_instructions = Pin(
                digest,
                {"instructions": instructions},
                "changed",
                None,
                grade.severity,
                grade.reasons,
            )
    return accepted_instructions, pending_instructions, instructions_change


def approve(
    pins: ServerPins, tool: str | None = None, *, hashes: Mapping[str, str] | None = None
) -> tuple[ServerPins, list[dict[str, str]]]:
    """Accept pending definitions (all, or one ``tool``); returns the new pins and what was
    approved as ``[{"tool": name or "", "hash": …}]`` (``""`` stands for the instructions).

    ``hashes``: approve only pending entries whose hash matches (replaying a recorded approval).
    """
    accepted = dict(pins.tools)
    pending = dict(pins.pending)
    approved: list[dict[str, str]] = []
    for name, pin in sorted(pins.pending.items()):
        if tool is not None and name != tool:
            continue
        if hashes is not None and hashes.get(name) != pin.hash:
            continue
        accepted[name] = Pin(pin.hash, pin.definition)
        del pending[name]
        approved.append({"tool": name, "hash": pin.hash})
    instructions = pins.instructions
    pending_instructions = pins.pending_instructions
    if (
        tool is None
        and pending_instructions is not None
        and (hashes is None or hashes.get("") == pending_instructions.hash)
    ):
        instructions = Pin(pending_instructions.hash, pending_instructions.definition)
        approved.append({"tool": "", "hash": pending_instructions.hash})
        pending_instructions = None
    updated = replace(
        pins,
        tools=accepted,
        pending=pending,
        instructions=instructions,
        pending_instructions=pending_instructions,
    )
    return updated, approved


def should_refuse_call(
    pins_view: Mapping[tuple[str, str], ServerPins],
    client: str,
    server: str,
    tool: str,
    *,
    block_low: bool = False,
) -> str | None:
    """Enforce mode: why a ``tools/call`` of ``tool`` must be refused, or None to forward it.

    ``pins_view`` maps (client, server) to that pair's pins (``hardener.pin_store.PinStore.view``).
    A pending change blocks when its graded severity is high or critical (or it was never
    graded); a low one (wording, schema without a poisoning signal) only when ``block_low``
    (policy ``pins.block_low_severity_changes``). Pure and cheap (two dict lookups), so the shim
    can call it for every call.
    """
    pins = pins_view.get((client, server))
    if pins is None:
        return None
    instructions = pins.pending_instructions
    if instructions is not None and blocks(instructions.severity, block_low=block_low):
        return (
            f"the instructions of server '{server}' changed since they were first seen"
            f"{_graded(instructions)}; run 'hardener approve --server {server}' after reviewing "
            "the change"
        )
    pin = pins.pending.get(tool)
    if pin is None or not blocks(pin.severity, block_low=block_low):
        return None
    what = (
        "was renamed from '" + str(pin.renamed_from) + "'" if pin.reason == "renamed" else "changed"
    )
    return (
        f"tool '{tool}' of server '{server}' {what} since it was first seen{_graded(pin)}; "
        f"run 'hardener approve --server {server} --tool {tool}' after reviewing the change"
    )


def _graded(pin: Pin) -> str:
    if pin.severity is None:
        return ""
    return f" ({pin.severity}: {pin.why[0]})" if pin.why else f" ({pin.severity})"
