"""How dangerous a definition change is: the graded severity of a rug pull (L1 pure core).

Every change of a pinned tool (or of the server's instructions) is still surfaced and pinned as
pending; this module only decides *how loud* it is. The new definition and the lines the change
added run through the description detectors (``hardener.detect.descriptions``); the change is
**high** (or critical) when it

- makes the definition poisoned (a ``description.poisoning`` finding it did not have, or a higher
  score), or adds poisoning signals worth the threshold less ``CHANGE_MARGIN`` (2 at the default 3: a
  changed definition gaining an instruction to the model is suspect even below the threshold a
  static description must cross; a policy that raises the threshold raises this bar with it);
- adds a heading that lays down a mandate or sells the tool (``**MANDATORY SECURITY
  PROTOCOL**``, "Why use this?"): weight 1 in a description, but a release that adds one has
  started addressing the model;
- starts directing the model about the person's data: a directive (``hardener.detect.directives``)
  about secrets, files or the conversation, weight 1 in a description ("Read environment
  variables before lookup.");
- adds hidden characters or terminal escapes;
- names a sensitive file (``~/.ssh``, ``.env``, browser credential stores, …) it did not name;
- names a new destination for data: an e-mail address, a phone number, a public IP address, or a
  URL with a query placeholder (``?data={…}``);
- widens the input schema toward secrets: a new parameter whose name asks for a secret or for the
  conversation (``password``, ``api_key``, ``system_prompt``, ``sidenote``, …).

Anything else — rewording, new optional parameters, new enum values, documentation links — is
**low**: recorded and pending approval, but not blocking unless policy says so
(``pins.block_low_severity_changes``). :func:`blocks` is the enforce-mode decision the shim's pin
gate uses.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from hardener.detect import directives, hijack
from hardener.detect.descriptions import (
    Finding,
    Signal,
    analyze_item,
    item_texts,
    model_signal,
    resolve_model,
    scan_text,
    score,
)
from hardener.detect.model import raise_severity
from hardener.detect.ngram_model import Model
from hardener.detect.patterns import (
    PROTECTIVE_RE,
    SENSITIVE_PATH_RE,
    SUSPICIOUS_PARAM_RE,
)

#: Severities a change can get, weakest first.
LEVELS: Final = ("low", "high", "critical")
BLOCKING: Final = frozenset({"high", "critical"})
#: How far below the description threshold the text a change added may score and still make the
#: change high (at the default threshold 3: one signal of weight 2, or two weaker ones).
CHANGE_MARGIN: Final = 1
#: Headings that lay down a mandate or sell the tool (``hardener.detect.hijack``, told apart by
#: their notes: the family ``authority-tag`` also holds "[Live]"-style tags): weight 1 in a
#: description, but a release that *adds* one has started talking to the model.
CHANGE_HEADINGS: Final = frozenset(
    {hijack.WHY["pitch"], hijack.why("authority-tag", hijack.MANDATE_HEADING[0][1])}
)

_EMAIL_RE: Final = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.IGNORECASE)
_PHONE_RE: Final = re.compile(r"(?<![\w.])\+\d[\d ().-]{8,}\d\b")
_IP_RE: Final = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
_URL_PLACEHOLDER_RE: Final = re.compile(
    r"https?://\S+[?&][\w-]+=\s*(?:\{|<|\$\{|\[)", re.IGNORECASE
)
_SECRET_PARAM_RE: Final = re.compile(
    r"(?:^|[_\-\s])(?:passwords?|passwd|passphrase|secrets?|credentials?|private[_\-\s]?keys?"
    r"|api[_\-\s]?keys?|access[_\-\s]?tokens?|auth[_\-\s]?tokens?|session[_\-\s]?(?:cookie|token)s?"
    r"|cookies?|ssh[_\-\s]?keys?|seed[_\-\s]?phrase|mnemonic|id[_\-]rsa)(?:$|[_\-\s])",
    re.IGNORECASE,
)
_CAMEL: Final = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
#: Placeholder e-mail domains that documentation uses (not a destination).
_EXAMPLE_DOMAINS: Final = ("example.com", "example.org", "example.net", "domain.com", "email.com")


@dataclass(frozen=True)
class ChangeGrade:
    """The severity of one definition change and why."""

    severity: str  # "low" | "high" | "critical"
    reasons: tuple[str, ...]
    signals: tuple[Signal, ...] = ()

    @property
    def blocking(self) -> bool:
        return self.severity in BLOCKING

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "reasons": list(self.reasons),
            "signals": [
                {
                    "family": s.family,
                    "weight": s.weight,
                    "pointer": s.pointer,
                    "excerpt": s.excerpt,
                    **({"note": s.note} if s.note else {}),
                }
                for s in self.signals[:8]
            ],
        }


def blocks(severity: str | None, *, block_low: bool = False) -> bool:
    """Enforce mode: must a call to a tool with a pending change of this severity be refused?

    ``None`` (a pending change recorded before changes were graded) blocks, as it always did.
    """
    if severity is None or severity in BLOCKING:
        return True
    return block_low


# --- helpers ----------------------------------------------------------------------------------


def _texts(definition: Mapping[str, Any] | None, pointer: str) -> list[tuple[str, str]]:
    return item_texts(definition, pointer) if definition else []


def _added_lines(old: str, new: str) -> str:
    """The lines of ``new`` that ``old`` does not have (what the change introduced)."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    lines = new.splitlines()
    added: list[str] = []
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            added += lines[j1:j2]
    return "\n".join(added)


def _joined(texts: Iterable[tuple[str, str]]) -> str:
    return "\n".join(text for _pointer, text in texts)


def _sensitive_paths(text: str) -> set[str]:
    found: set[str] = set()
    for match in SENSITIVE_PATH_RE.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.end())
        line = text[start : end if end >= 0 else len(text)]
        if PROTECTIVE_RE.search(line) or text[match.end() : match.end() + 4] == ".pub":
            continue
        found.add(match.group().lower())
    return found


def _public_ip(value: str) -> bool:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    return address.is_global


def _destinations(text: str) -> set[str]:
    found = {
        m.group().lower()
        for m in _EMAIL_RE.finditer(text)
        if not m.group().lower().endswith(_EXAMPLE_DOMAINS)
    }
    found |= {m.group() for m in _PHONE_RE.finditer(text)}
    found |= {m.group() for m in _IP_RE.finditer(text) if _public_ip(m.group())}
    found |= {m.group() for m in _URL_PLACEHOLDER_RE.finditer(text)}
    return found


def _param_names(definition: Mapping[str, Any] | None) -> set[str]:
    if not definition:
        return set()
    schema = definition.get("inputSchema")
    props = schema.get("properties") if isinstance(schema, Mapping) else None
    return {str(name) for name in props} if isinstance(props, Mapping) else set()


def _secret_param(name: str) -> bool:
    spaced = _CAMEL.sub("_", name)
    return bool(SUSPICIOUS_PARAM_RE.match(name) or _SECRET_PARAM_RE.search(spaced))


# --- grading ----------------------------------------------------------------------------------


def grade_definition_change(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    threshold: int,
    *,
    kind: str = "tool",
    model: Model | str | None = None,
) -> ChangeGrade:
    """Severity of a tool (or prompt/resource) definition going from ``old`` to ``new``.

    ``old`` None: the definition is new (a rename); it is graded against nothing.
    """
    name = str(new.get("name", ""))
    old_texts = _texts(old, "/old")
    new_texts = _texts(new, "/new")
    old_findings = analyze_item(kind, name, old_texts, threshold, model=model) if old_texts else []
    new_findings = analyze_item(kind, name, new_texts, threshold, model=model)
    return _grade(
        (old_texts, new_texts), (old_findings, new_findings), threshold, (old, new), model
    )


def grade_instructions_change(
    old: str | None, new: str | None, threshold: int, *, model: Model | str | None = None
) -> ChangeGrade:
    """Severity of a change of the server's ``instructions``."""
    old_texts = [("/old/instructions", old)] if old else []
    new_texts = [("/new/instructions", new)] if new else []
    if not new_texts:
        return ChangeGrade("low", ("the instructions were removed",))
    kind, name = "instructions", "server instructions"
    old_findings = analyze_item(kind, name, old_texts, threshold, model=model) if old_texts else []
    new_findings = analyze_item(kind, name, new_texts, threshold, model=model)
    return _grade(
        (old_texts, new_texts), (old_findings, new_findings), threshold, (None, None), model
    )


_Texts = list[tuple[str, str]]
_Definition = Mapping[str, Any] | None


def _learned_signal(added: str, fresh: list[Signal], model: Model | str | None) -> Signal | None:
    """The classifier's signal for the added text, when asked for and its gate is met."""
    resolved = resolve_model(model)
    if resolved is None or score(fresh) < resolved.gate:
        return None
    return model_signal([("/added", added)], resolved)


#: Scopes of a directive (``hardener.detect.directives``) that reach for the person's data: a
#: release that starts ordering the model about them is no rewording, even at weight 1.
_DATA_SCOPES: Final = frozenset({"secret", "file", "conversation"})


def _steers_toward_data(signal: Signal) -> bool:
    if signal.family != "directive" or not signal.note.startswith(directives.NOTE_PREFIX):
        return False
    scopes = signal.note.removeprefix(directives.NOTE_PREFIX).split(", ")
    return any(scope in _DATA_SCOPES for scope in scopes)


def _added_text_reasons(
    old_joined: str, new_joined: str, threshold: int, model: Model | str | None
) -> list[tuple[str, list[Signal]]]:
    """Why the lines a change added make it high on their own (empty: they do not): poisoning
    signals the old text did not have, worth the threshold less :data:`CHANGE_MARGIN` (a
    definition that changes and gains them is suspect below the bar a never-changed description
    must cross), or a mandate or sales heading (:data:`CHANGE_HEADINGS`)."""
    added = _added_lines(old_joined, new_joined)
    if not added:
        return []
    introduced = [s for s in scan_text(added, "/added") if not s.family.startswith("hidden:")]
    old_families = {(s.family, s.weight) for s in scan_text(old_joined, "/old")}
    fresh = [s for s in introduced if (s.family, s.weight) not in old_families]
    learned = _learned_signal(added, fresh, model)
    if learned is not None:
        fresh.append(learned)  # the classifier reads the added text on its own too
    if score(fresh) >= max(1, threshold - CHANGE_MARGIN):
        families = ", ".join(sorted({s.family for s in fresh}))
        return [(f"the added text carries poisoning signals ({families})", fresh)]
    steering = [s for s in fresh if _steers_toward_data(s)]
    if steering:
        scopes = ", ".join(sorted({s.note.removeprefix(directives.NOTE_PREFIX) for s in steering}))
        return [(f"the change starts directing the model about {scopes}", steering)]
    headings = [s for s in fresh if s.note in CHANGE_HEADINGS]
    if headings:
        families = ", ".join(sorted({s.family for s in headings}))
        return [(f"the change adds a mandate or sales heading ({families})", headings)]
    return []


def _grade(
    texts: tuple[_Texts, _Texts],
    findings: tuple[list[Finding], list[Finding]],
    threshold: int,
    definitions: tuple[_Definition, _Definition],
    model: Model | str | None = None,
) -> ChangeGrade:
    """Grade one change from the (old, new) texts, findings and definitions."""
    old_texts, new_texts = texts
    old_findings, new_findings = findings
    old, new = definitions
    severity = "low"
    reasons: list[str] = []
    signals: list[Signal] = []

    def escalate(level: str, reason: str, evidence: Iterable[Signal] = ()) -> None:
        nonlocal severity
        if LEVELS.index(level) > LEVELS.index(severity):
            severity = level
        reasons.append(reason)
        signals.extend(evidence)

    old_rules = {f.rule: f for f in old_findings}
    for finding in new_findings:
        before = old_rules.get(finding.rule)
        if finding.rule == "description.poisoning":
            if before is None or finding.score > before.score:
                level = "critical" if finding.severity == "critical" else "high"
                escalate(
                    level,
                    f"the new definition looks poisoned (score {finding.score}"
                    + (f", was {before.score}" if before else "")
                    + ")",
                    finding.signals,
                )
        elif before is None:
            what = "hidden characters" if finding.rule.endswith("hidden-text") else "escapes"
            escalate("high", f"the change adds {what} ({finding.rule})", finding.signals)

    # What the change itself introduced, scored on its own.
    old_joined = _joined(old_texts)
    if severity == "low":
        for reason, evidence in _added_text_reasons(
            old_joined, _joined(new_texts), threshold, model
        ):
            escalate("high", reason, evidence)

    new_joined = _joined(new_texts)
    paths = sorted(_sensitive_paths(new_joined) - _sensitive_paths(old_joined))
    if paths:
        escalate("high", "the change names sensitive files: " + ", ".join(paths[:5]))
    destinations = sorted(_destinations(new_joined) - _destinations(old_joined))
    if destinations:
        escalate("high", "the change names new destinations: " + ", ".join(destinations[:5]))
    secrets = sorted(p for p in _param_names(new) - _param_names(old) if _secret_param(p))
    if secrets:
        escalate("high", "the change adds parameters asking for secrets: " + ", ".join(secrets))
    if severity == "high" and len(reasons) >= 3:
        severity = raise_severity(severity)
    if not reasons:
        reasons.append("wording or schema change without a poisoning signal")
    return ChangeGrade(severity, tuple(reasons), tuple(signals))
