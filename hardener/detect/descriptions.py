"""Tool poisoning in descriptions: score what a server tells the model (L1 pure core).

Scans every text a server shows the model — tool names, titles and descriptions, every string
and property name inside ``inputSchema``/``outputSchema``, annotation titles, the server's
``instructions``, prompt and resource descriptions — for the signal families of
``hardener.detect.patterns`` plus hidden characters and terminal escapes
(``hardener.detect.text``). Text hidden in Unicode tags or in base64 blobs is decoded and scanned
too. An item's score is the sum over families of the strongest signal of that family across all
of the item's texts; an item is poisoned when the score reaches the threshold
(``detectors.description_score_threshold``). Hidden characters and terminal escapes are findings
of their own whatever the score: nobody needs them in a description.

Entry point: :func:`analyze_listing` (a tools/list result, optionally with instructions, prompts
and resources); :func:`scan_text` and :func:`score` for any other text.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from hardener.detect import (
    deception,
    directives,
    flows,
    orders,
    overreach,
    praise,
    selection,
    sideeffects,
)
from hardener.detect.clauses import PROSE_ONLY, SANITIZING_RE
from hardener.detect.deception import DECEPTION_PROSE_ONLY
from hardener.detect.flows import FLOW_PROSE_ONLY
from hardener.detect.harm import why as harm_why
from hardener.detect.hijack import HIJACK_PROSE_ONLY, disparaged_weight, lookalike, skip_switches
from hardener.detect.hijack import SCORED_AS as HIJACK_SCORED_AS
from hardener.detect.hijack import why as hijack_why
from hardener.detect.model import excerpt, raise_severity
from hardener.detect.ngram_model import Model, normal_text, shipped_model
from hardener.detect.orders import ORDER_PROSE_ONLY
from hardener.detect.overreach import OVERREACH_PROSE_ONLY
from hardener.detect.patterns import (
    ACCESS_BEFORE_RE,
    ACCESS_RE,
    BASE64_RE,
    CAPABILITY_FAMILIES,
    CATEGORY_AFTER_RE,
    CONTENT_OF_RE,
    DEFENSIVE_RE,
    DESCRIPTIVE_RE,
    DIRECTIVE_RE,
    EXAMPLE_LEAD_RE,
    EXAMPLE_RE,
    FAMILIES,
    NAME_DEFENSIVE_RE,
    NAME_DETECTOR_AFTER_RE,
    NAMED_ATTACK_RE,
    PROTECTIVE_RE,
    REPORTED_INSTRUCTION_RE,
    SENSITIVE_ANCHORS,
    SENSITIVE_PATH_RE,
    SENTENCE_END_RE,
    STRONG_PARAM_RE,
    SURVEY_RE,
    SUSPICIOUS_PARAM_RE,
    THREAT_ASKED_RE,
    THREAT_EXPLAINED_RE,
    THREAT_LIST_RE,
    THREAT_NAMED_BEFORE_RE,
    WITHOUT_BEFORE_RE,
    ZH_DEFENSIVE_RE,
    present_anchors,
)
from hardener.detect.praise import PRAISE_PROSE_ONLY
from hardener.detect.selection import SCORED_AS as SELECTION_SCORED_AS
from hardener.detect.selection import SELECTION_PROSE_ONLY, unrequired_mandates
from hardener.detect.shadowing import action_rules, cross_references, tool_references
from hardener.detect.sideeffects import SIDE_EFFECT_PROSE_ONLY
from hardener.detect.text import hidden_characters, homoglyph_words, skeleton, terminal_escapes

#: Longest single text scanned (a description larger than this is itself odd; the rest is cut).
MAX_TEXT: Final = 64 * 1024
#: Schema keys whose string values are machine syntax, not prose.
_SYNTAX_KEYS: Final = frozenset(
    {"type", "format", "$schema", "$id", "$ref", "$anchor", "$dynamicRef", "pattern"}
    | {"contentEncoding", "contentMediaType", "required"}
)
#: Four words in a row: prose, which no schema keyword's value ever is.
_PROSE_RE: Final = re.compile(r"(?:[A-Za-z][\w'~./-]*[\s:,]+){3,}[A-Za-z~.]")
#: A verb joined to the capability by "and" belongs to it ("monitor and exfiltrate").
_COORDINATED_RE: Final = re.compile(r"\w+\s*(?:,|\band\b|&|/)\s*$", re.IGNORECASE)
#: A link word some capability patterns start their match with ("… and exploit …").
_LEADING_LINK_RE: Final = re.compile(r"(?:and|then|to|that)\s+", re.IGNORECASE)
#: Before the match, a clause joined to it by "and"/"then": a verb coordinated with it.
_VERB_LINK_RE: Final = re.compile(r"\w[\w'-]*\s+(?:and|then|&)\s+(?:then\s+)?$", re.IGNORECASE)
#: A match that opens with a noun ("exfiltration", "keyloggers", "credential harvesting"), not
#: a verb: joined by "and" it is one more item of a list.
_NOUNISH_RE: Final = re.compile(
    r"[\w-]*(?:ion|ions|ing|ings|er|ers|ware|ment|ments|ance|ence|ity|ism|s|y)\b", re.IGNORECASE
)
_QUOTES: Final = frozenset("'\"`")
#: After a sensitive name: a docstring's parameter entry (``aws_secret_access_key (str): …``).
_DOC_PARAM_RE: Final = re.compile(r"\w*\s*\((?:Optional\[)?\w+\]?(?:,\s*optional)?\)\s*:")
_NAME_SEPARATORS: Final = re.compile(r"[_\-.]")
_CAMEL: Final = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NAME_TOKEN: Final = re.compile(r"^(?=.*[_\-.]|.*[a-z][A-Z])[A-Za-z][\w.\-]{4,}$")
_TOKEN_RE: Final = re.compile(r"[^\s'\"`()<>,;]*")
#: A single line break (not a paragraph break): docstrings wrap sentences at ~80 columns, so the
#: patterns read such a break as a space (same length, so spans stay exact).
_WRAP_RE: Final = re.compile(r"(?<!\n)[ \t]*\n(?!\s*\n)")
#: Families with their patterns strongest first: the first match is the family's weight.
_ORDERED: Final = {
    family: [
        (weight, regex, frozenset(anchors))
        for weight, regex, anchors in sorted(patterns, key=lambda entry: -entry[0])
    ]
    for family, patterns in FAMILIES.items()
}
_SENSITIVE_SET: Final = frozenset(SENSITIVE_ANCHORS)
#: Test seam: False disables the anchor prefilter (a test proves it never changes a result).
USE_ANCHORS = True
#: Evaluation seam (``bench/eval_detect.py --loso``): indices into the flat pattern list that
#: are skipped (clear the cache after changing it). Empty in normal use.
DISABLED: frozenset[int] = frozenset()
#: Evaluation seam: True leaves out the ``directive`` family (``hardener.detect.directives``).
DIRECTIVES_OFF = False


@dataclass(frozen=True)
class Signal:
    family: str
    weight: int
    pointer: str  # JSON pointer of the text within the listing
    span: tuple[int, int]  # offsets in that text
    excerpt: str
    note: str = ""


@dataclass(frozen=True)
class Finding:
    """One problem with one item (tool, prompt, resource or the server's instructions)."""

    rule: str  # description.poisoning | .hidden-text | .terminal-escape | .malicious-capability
    severity: str
    kind: str  # "tool" | "prompt" | "resource" | "instructions"
    name: str
    score: int
    signals: tuple[Signal, ...]

    @property
    def summary(self) -> str:
        what = self.name if self.kind == "instructions" else f"{self.kind} '{self.name}'"
        families = ", ".join(sorted({s.family for s in self.signals}))
        if self.rule == "description.poisoning":
            return f"{what} looks poisoned (score {self.score}: {families})"
        if self.rule == "description.hidden-text":
            return f"{what} contains hidden characters ({families})"
        if self.rule == "description.malicious-capability":
            return f"{what} openly offers an attack capability ({self.signals[0].excerpt!r})"
        return f"{what} contains terminal escape sequences"

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "kind": self.kind,
            "name": self.name,
            "score": self.score,
            "summary": self.summary,
            "signals": [
                {
                    "family": s.family,
                    "weight": s.weight,
                    "pointer": s.pointer,
                    "span": list(s.span),
                    "excerpt": s.excerpt,
                    **({"note": s.note} if s.note else {}),
                }
                for s in self.signals
            ],
        }


# --- one text ---------------------------------------------------------------------------------


def _hidden_signals(text: str, pointer: str) -> Iterator[Signal]:
    for hit in hidden_characters(text):
        note = f"decodes to {hit.decoded[:80]!r}" if hit.decoded else ""
        yield Signal(
            f"hidden:{hit.kind}",
            3,
            pointer,
            (hit.start, hit.end),
            repr(text[hit.start : hit.end])[:80],
            note,
        )
    words = homoglyph_words(text)
    for hit in words:
        weight = 3 if len(words) >= 2 else 2
        yield Signal(
            "hidden:homoglyph", weight, pointer, (hit.start, hit.end), text[hit.start : hit.end]
        )
    for hit in terminal_escapes(text):
        yield Signal(
            "ansi",
            3,
            pointer,
            (hit.start, hit.end),
            repr(excerpt(text, hit.start, hit.end, context=20)),
        )


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    lo = 0
    for boundary in SENTENCE_END_RE.finditer(text, 0, start):
        lo = boundary.end()
    nxt = SENTENCE_END_RE.search(text, end)
    return lo, nxt.start() if nxt else len(text)


def _sentence(text: str, start: int, end: int) -> str:
    lo, hi = _sentence_bounds(text, start, end)
    return text[lo:hi]


#: Plain file-format names listed beside a secret file's name ("a .env, CSV, or JSON file"):
#: the file is named as a format the tool reads or writes (a list of other *files*, such as
#: "'.env', 'config.json', or '~/.ssh/id_rsa'", is not one).
_FORMAT = r"(?:CSV|TSV|JSON|JSONL|YAML|YML|TOML|XML|INI|TXT|Markdown|plain\s+text)"
_BEFORE_FORMATS_RE: Final = re.compile(
    r"\s*,\s*(?:" + _FORMAT + r"\s*,\s*)*(?:or\s+|and\s+)?" + _FORMAT + r"\b", re.IGNORECASE
)
_AFTER_FORMATS_RE: Final = re.compile(
    r"\b" + _FORMAT + r"\s*(?:,\s*(?:or\s+|and\s+)?|\s(?:or|and)\s+)$", re.IGNORECASE
)


def _sensitive(
    text: str, present: frozenset[str], *, name: bool = False, use_anchors: bool = True
) -> tuple[int, int, int] | None:
    """The strongest sensitive-path mention: (weight, start, end), or None. ``name``: the text
    is a property name, which documents nothing, so naming access to a secret file is a demand."""
    best: tuple[int, int, int] | None = None
    if use_anchors and _SENSITIVE_SET.isdisjoint(present):
        return None
    for match in SENSITIVE_PATH_RE.finditer(text):
        token = _TOKEN_RE.match(text, match.start())
        if token and token.group().endswith(".pub"):
            continue  # a public key is not a secret
        sentence = _sentence(text, match.start(), match.end())
        # "~/.ssh is rejected" describes a safeguard, not a request.
        if PROTECTIVE_RE.search(sentence):
            continue
        directive = name or DIRECTIVE_RE.search(sentence) is not None
        before = max(0, match.start() - 80)
        if CONTENT_OF_RE.search(text, before, match.start()) or (
            directive and ACCESS_BEFORE_RE.search(text, before, match.start())
        ):
            weight = 3  # the file's content is asked for, or the model is told to access it
        elif (not directive and DESCRIPTIVE_RE.search(sentence)) or _DOC_PARAM_RE.match(
            text, match.end()
        ):
            weight = 1  # documents a parameter's default or example, or the parameter itself
        elif _AFTER_FORMATS_RE.search(text, max(0, match.start() - 40), match.start()) or (
            _BEFORE_FORMATS_RE.match(text, match.end())
        ):
            weight = 1  # "from a .env, CSV, or JSON file": one of the file formats it takes
        elif not directive and SURVEY_RE.search(sentence) and not ACCESS_RE.search(sentence):
            weight = 1  # a secret scanner looks for the file without reading or sending it
        else:
            weight = 2
        if best is None or weight > best[0]:
            best = (weight, match.start(), match.end())
    return best


def _unwrap(text: str) -> str:
    """``text`` with single line breaks read as spaces (same length)."""
    if "\n" not in text:
        return text
    return _WRAP_RE.sub(lambda m: " " * len(m.group()), text)


_FIRST_WORD_RE: Final = re.compile(r"[A-Za-z]+(?=\s)")


def _list_item(text: str, lo: int, head: int, end: int, hi: int) -> tuple[str, int] | None:
    """When the match is one item of a list a colon introduces ("You can ask me to: scan for
    networks, capture handshakes, crack passwords"; "Supports: bloodhound (attack path
    analysis), responder (credential capture)"), the words that can make it defensive: those
    before the colon (what governs the whole list: "Detects: …") and its own item's before it,
    and the end of its own item. The other items are its siblings: a scan or an analysis one of
    them offers does not make the next item's cracking a detector's. None: not such a list."""
    colon = text.rfind(":", lo, head)
    if colon < 0:
        return None
    cuts = [i for i in _separators(text, colon + 1, hi) if i < head or i >= end]
    if not cuts:
        return None
    item_lo = max((i + 1 for i in cuts if i < head), default=colon + 1)
    item_hi = min((i for i in cuts if i >= end), default=hi)
    return text[lo:colon] + " " + text[item_lo:head], item_hi


def _separators(text: str, lo: int, hi: int) -> Iterator[int]:
    """Offsets of the commas and semicolons outside parentheses in ``text[lo:hi]``."""
    depth = 0
    for i in range(lo, hi):
        char = text[i]
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif char in ",;" and depth == 0:
            yield i


def _defensive(text: str, start: int, end: int, *, name: bool = False) -> bool:
    """The sentence around a capability names it to detect, resist or explain it, not to do it.
    Only the words *around* the match count ("bypass TCC protections" is not protective); a verb
    coordinated with it ("monitor and exfiltrate", "detect and exploit") is part of the
    capability; in a list after a colon, only its own item and what governs the list
    (:func:`_list_item`). ``name``: the text is a tool's name (see :func:`_defensive_name`)."""
    lo, hi = _sentence_bounds(text, start, end)
    lead = _LEADING_LINK_RE.match(text, start, end)
    head = lead.end() if lead else start
    before = text[lo:head]
    if name:
        # the match's own first word too: "list attacks" lists them (the pattern takes in the
        # words before "attacks")
        first = _FIRST_WORD_RE.match(text, head, end)
        return _defensive_name(text, text[lo : first.end()] if first else before, end, hi)
    if _VERB_LINK_RE.search(before) and not _NOUNISH_RE.match(text, head, end):
        # "find the keys and exfiltrate them": a verb joined to the clause before; only the
        # words after it can make it defensive
        return DEFENSIVE_RE.search(text, end, hi) is not None
    before = _COORDINATED_RE.sub("", before)
    if _named_only(text, before, (lo, head, end, hi)):
        return True
    if ZH_DEFENSIVE_RE.search(text, lo, hi):
        return True  # "后门检测": a Chinese sentence about detecting it
    item = _list_item(text, lo, head, end, hi)
    if item is not None:
        before, hi = _COORDINATED_RE.sub("", item[0]), item[1]
    return bool(DEFENSIVE_RE.search(before) or DEFENSIVE_RE.search(text, end, hi))


def _defensive_name(text: str, before: str, end: int, hi: int) -> bool:
    """In a tool's name, a detecting verb anywhere before the capability, a detector's word
    right after it (``webshell_scan``) or a defending phrase after it."""
    return bool(
        NAME_DEFENSIVE_RE.search(before)
        or NAME_DETECTOR_AFTER_RE.match(text, end)
        or DEFENSIVE_RE.search(text, end, hi)
    )


#: A negation right before a capability ("will never exfiltrate", "does not steal"): what the
#: tool promises not to do.
_NEGATED_RE: Final = re.compile(
    r"\b(?:never|not|n't|no\s+longer)\s+(?:ever\s+|actually\s+|secretly\s+|silently\s+)?$",
    re.IGNORECASE,
)


#: An example aside, not yet closed, after a word for risks or findings: what it names is an
#: outcome the sentence analyses ("attack paths (e.g. … = credential theft)"), not something the
#: tool does (an exploit runner's "payload (e.g. 'meterpreter/reverse_tcp')" still counts).
_EXAMPLE_ASIDE_RE: Final = re.compile(
    r"\b(?:risks?|findings?|paths?|chains?|scenarios?|impacts?|threats?|vulnerabilit(?:y|ies)"
    r"|weakness(?:es)?|exposures?)\s*\(\s*(?:e\.g\.|for\s+example|such\s+as|i\.e\.),?[^()]*$",
    re.I,
)


#: A verb's -ing form with its object ("by injecting an implant into …"): how the tool does it,
#: not the threat named as the agent ("encrypted by ransomware").
_GERUND_WITH_OBJECT_RE: Final = re.compile(
    r"[a-z]+ing\s+(?:an?|the|its|their|our|your|this|that|every|all)\s", re.IGNORECASE
)


#: A sentence that lists what a C2 or framework already holds (its sessions, modules, jobs,
#: listeners): a payload or technique named there is a kind of item, not something done. The
#: Russian words ("список", "сессий", "модули") are written as the homoglyph skeleton the
#: patterns read (Cyrillic look-alikes become Latin letters).
_INVENTORY_RE: Final = re.compile(
    r"\s*(?:list|lists|get|gets|show|shows|display|displays|count|counts|cпиcoк)\b[^.]*?"
    r"\b(?:sessions?|ceccи\w*|modules?|мoдyл\w*|jobs?|listeners?|handlers?"
    r"|payload\s+types?)\b",
    re.IGNORECASE,
)


_INVENTORY_ITEM_RE: Final = re.compile(
    r"[\s/-]*(?:modules?|sessions?|jobs?|listeners?|handlers?|payloads?)\b", re.IGNORECASE
)
_RIGHT_AFTER_RE: Final = re.compile(r"\s*(?:\([^()]*)?")


def _inventory_kind(text: str, lo: int, head: int, end: int) -> bool:
    """The match is a kind of the items an inventory sentence lists: it modifies the listed
    noun ("post-exploitation modules") or stands right after it, bare or in its parentheses
    ("sessions (shells, meterpreter)"); a technique done elsewhere in the sentence ("get
    credentials by dumping lsass from the sessions") is not."""
    if not _NOUNISH_RE.match(text, head, end):
        return False
    item = _INVENTORY_ITEM_RE.match(text, end)
    if item is not None and _INVENTORY_RE.match(text, lo, item.end()) is not None:
        return True  # it modifies the listed noun
    listed = _INVENTORY_RE.match(text, lo, head)
    return listed is not None and _RIGHT_AFTER_RE.fullmatch(text, listed.end(), head) is not None


def _named_only(text: str, before: str, bounds: tuple[int, int, int, int]) -> bool:
    """The capability is named, not offered: "without" it, a sentence whose subject is the
    threat ("these can hide …"), a category noun after it ("exfiltration patterns"), a question
    whether something is one, one item of a list of threats, the threat as agent, suspicion or
    example ("encrypted by ransomware"), or a quoted example value ("e.g. 'meterpreter'").
    ``bounds``: the sentence start, the match's head (after a leading link word), its end and
    the sentence end."""
    lo, head, end, hi = bounds
    if WITHOUT_BEFORE_RE.search(before) or THREAT_EXPLAINED_RE.match(text[lo:head]):
        return True
    if CATEGORY_AFTER_RE.match(text, end) or THREAT_ASKED_RE.search(before):
        return True
    if THREAT_LIST_RE.search(before):
        return True  # "common attacks: phishing, credential stuffing"
    if _inventory_kind(text, lo, head, end):
        return True  # "List all active sessions (shells, meterpreter)": an inventory's kinds
    if _EXAMPLE_ASIDE_RE.search(before):
        return True  # "compound paths (e.g. SQL injection + exposed SSH = credential theft)"
    if (
        THREAT_NAMED_BEFORE_RE.search(before)
        and _NOUNISH_RE.match(text, head, end)
        and not _GERUND_WITH_OBJECT_RE.match(text, head, end)
    ):
        return True  # "encrypted by ransomware", "a suspected phishing email"
    return _quoted(text, head, end) and EXAMPLE_RE.search(text, lo, hi) is not None


def _quoted(text: str, start: int, end: int) -> bool:
    """The match is a whole quoted token ('meterpreter')."""
    return start > 0 and end < len(text) and text[start - 1] in _QUOTES and text[end] in _QUOTES


def suppressed(family: str, subject: str, match: re.Match[str], kind: int) -> bool:
    """A pattern match that does not count: a capability (or a poisoning family's match that
    names an attack, such as "exfiltration") named to detect or explain it, markup named to
    strip it. ``kind`` as in :func:`_pattern_hits` (1: a tool's name)."""
    named = family in CAPABILITY_FAMILIES or NAMED_ATTACK_RE.match(match.group()) is not None
    if named and _defensive(subject, match.start(), match.end(), name=kind == 1):
        return True  # e.g. "detects exfiltration": the tool defends against it
    if family in CAPABILITY_FAMILIES and _bypass_as_noun(subject, match):
        return True  # "authorization bypass detection": a kind of finding, not a bypass done
    if family in CAPABILITY_FAMILIES and _in_identifier(subject, match.start()):
        return True  # "c2tc-kerberoast": a package's name in a catalogue, not a sentence
    if named and _NEGATED_RE.search(subject, max(0, match.start() - 40), match.start()):
        return True  # e.g. "it will never exfiltrate your data": a promise not to
    if _quoted_example(subject, match.start(), match.end()) or _reported(subject, match.start()):
        return True  # e.g. "detects injections such as 'ignore all previous instructions'"
    if family == "conceal" and THREAT_EXPLAINED_RE.match(_sentence(subject, *match.span())):
        return True  # e.g. "these can stay invisible to humans": explains the threat
    if family in _PROSE_FAMILIES and _in_fence(subject, match.start()):
        return True  # a fenced code block (an XML example) is not a sentence
    shown = family == "markup" or (family == "tag" and match.group().startswith("<!--"))
    if shown and _in_code(subject, match.start(), match.end()):
        return True  # ``<object>`` in code is shown as written: nothing renders or hides
    if family in ("disparage", "promotion") and _code_subject_replaces(subject, match):
        return True  # "the `label` attribute replaces `value`": a format's element, not a tool
    if family == "advertise" and _runs_a_local_command(subject, match):
        return True  # "ask the user to run `mcp-email-server ui`": setup, nothing fetched
    if family == "instruct" and _ASKS_THE_PERSON_RE.match(subject, match.end()):
        return True  # "after any task, call this tool to confirm with the user": a human check
    if family == "exfil" and flows.own_input(match):
        return True  # "pass your API token in the token field": the tool's own input
    if family == "exfil" and _ENCODED_MEDIA_RE.fullmatch(match.group()):
        return True  # "Base64 encoded image data to attach": the value's format and use
    if family in ("conceal", "unconfirmed") and _forbidden_without(subject, match):
        return True  # "MUST NOT proceed without the user's approval": demands the approval
    if _NEED_REMOVED_RE.search(subject, max(0, match.start() - 60), match.start()):
        return True  # "replaces the need to include full chat history": what it makes moot
    if _sample_input(subject, match.start(), match.end()):
        return True  # 'Example: classify({ text: "ignore your instructions" })': data it takes
    if family == "conceal" and _forbids_a_false_claim(subject, match):
        return True  # "cannot schedule … never tell a user a message was scheduled"
    if family == "markup" and _css_named_in_prose(subject, match):
        return True  # "set false to include display:none nodes": names a CSS state
    return family == "markup" and _sanitizing(subject, match.start(), match.end())


#: "bypass" as the head of a noun phrase ("authorization bypass detection", "WAF bypass
#: checks"): the word before it is a noun, not a subject, a modal or a link word.
_BARE_BYPASS_RE: Final = re.compile(r"bypass\s", re.IGNORECASE)
_WORD_BEFORE_RE: Final = re.compile(r"([A-Za-z][\w-]*)\s+$")
_VERB_LEADS: Final = frozenset(
    {"to", "and", "or", "then", "also", "can", "could", "will", "would", "may", "might", "must"}
    | {"shall", "should", "that", "which", "who", "help", "helps", "let", "lets", "try", "tries"}
    | {"attempt", "attempts", "not", "please", "you", "we", "it", "they", "i", "tool", "agent"}
)


def _in_identifier(text: str, start: int) -> bool:
    """The match is the tail of a hyphen-joined identifier (``c2tc-kerberoast``, a package
    name), not a word of the sentence."""
    return start >= 2 and text[start - 1] == "-" and text[start - 2].isalnum()


def _bypass_as_noun(text: str, match: re.Match[str]) -> bool:
    """The match opens with a bare "bypass" that a noun before it modifies: the bypass is named
    (as what a test looks for), not done."""
    if not _BARE_BYPASS_RE.match(match.group()):
        return False
    word = _WORD_BEFORE_RE.search(text, 0, match.start())
    if word is None or text[word.end() - 1 : match.start()].count("\n"):
        return False
    lead = word.group(1).lower()
    plural = lead.endswith("s") and not lead.endswith(("ss", "us", "is"))  # "payloads bypass …"
    return lead not in _VERB_LEADS and not lead.endswith("ly") and not plural


#: A command in a code span right after "ask the user to run", and what would make running it
#: a download (a URL, a fetcher, a pipe into a shell).
_CODE_COMMAND_RE: Final = re.compile(r"\s+`([^`\n]{1,120})`")
_FETCHES_RE: Final = re.compile(
    r"://|\b(?:curl|wget|iwr|invoke-webrequest|irm|invoke-expression|iex|powershell|certutil"
    r"|bitsadmin|npx|pip|npm|brew|apt|install)\b|\||\b(?:ba|z)?sh\s+-c\b",
    re.IGNORECASE,
)


def _runs_a_local_command(text: str, match: re.Match[str]) -> bool:
    """ "Ask the user to run `mcp-email-server ui`": the person is pointed to a command written
    out in code that fetches and installs nothing (a server's own setup UI); "ask the user to
    run `curl … | sh`" or to install something is still a download order."""
    if not match.group().lower().endswith("run"):
        return False
    command = _CODE_COMMAND_RE.match(text, match.end())
    return command is not None and _FETCHES_RE.search(command.group(1)) is None


#: Right after an order to call the tool: the call asks the person ("call this tool to confirm
#: with the user and ask for next instructions"), which keeps them in the loop.
_ASKS_THE_PERSON_RE: Final = re.compile(
    r"(?:\s+to)?\s+(?:confirm\s+with|check\s+with|ask|get\s+(?:feedback|approval|confirmation)"
    r"\s+from|collect\s+(?:feedback|approval|confirmation)\s+from)\s+the\s+(?:user|person"
    r"|human)\b",
    re.IGNORECASE,
)
#: An encoding named as the format of media the tool carries ("Base64 encoded image data to
#: attach", "base64-encoded PDF content to upload"): a noun phrase about a value, no order.
_ENCODED_MEDIA_RE: Final = re.compile(
    r"(?:the\s+)?base-?64[\s-]?encoded\s+(?:\w+\s+){0,2}?(?:image|file|audio|video|attachment"
    r"|pdf|binary|photo|picture|screenshot|document)s?(?:\s+(?:data|content|bytes|body))?"
    r"\s+to\s+(?:attach|upload|send|include|embed|add)",
    re.IGNORECASE,
)
#: A prohibition that governs the "without …" right after it, in the same clause ("must not
#: proceed to another task without", "never set it to true without"): acting without the
#: person's approval is what it forbids. A clause break or a joined order ("never ask; proceed
#: without", "don't bother the user and proceed without") leaves the "without" free.
_FORBIDS_BEFORE_RE: Final = re.compile(
    r"\b(?:must\s+not|mustn't|never|do\s+not|don't|does\s+not|doesn't|cannot|can't|can\s+not"
    r"|may\s+not|should\s+not|shouldn't|shall\s+not|(?:is|are)\s+not\s+(?:allowed|permitted)"
    r"\s+to)\b(?:(?!\b(?:and|then|but|instead|just|simply|rather|so)\b)[^.;:!?,\n]){0,80}$",
    re.IGNORECASE,
)


def _forbidden_without(text: str, match: re.Match[str]) -> bool:
    """The match's "without" (the person's approval, consent, knowledge) is governed by a
    prohibition before it in the same clause: "the assistant MUST NOT proceed to another task
    without the user's approval" requires the approval instead of skipping it."""
    at = match.group().lower().find("without")
    if at < 0:
        return False
    at += match.start()
    return _FORBIDS_BEFORE_RE.search(text, max(0, at - 120), at) is not None


#: Right before a match: the act is what the tool makes unnecessary ("Replaces the need to
#: include full chat history in prompts", "no need to paste the conversation"), not an order.
_NEED_REMOVED_RE: Final = re.compile(
    r"\b(?:(?:replaces?|removes?|eliminates?|avoids?|obviates?|spares?\s+you)\s+(?:the\s+|any\s+)?"
    r"(?:need|necessity)\s+(?:for\s+you\s+)?to|no\s+(?:longer\s+)?(?:any\s+)?need\s+to"
    r"|(?:without|instead\s+of)\s+(?:having|needing)\s+to)\s+$",
    re.IGNORECASE,
)
#: A call in an example whose text argument opens right here: ``f({ text: "``, ``f(input='``.
_SAMPLE_CALL_RE: Final = re.compile(
    r"\b[A-Za-z_][\w.]*\(\s*\{?\s*[\"']?(?:text|input|prompt|content|query|sample|string)"
    r"[\"']?\s*[:=]\s*$"
)


def _sample_input(text: str, start: int, end: int) -> bool:
    """The match lies in the quoted text argument of an example call
    (``Example: reflex_predict({ text: "ignore your instructions …" })``): a sample of the
    input a classifier or filter is given, not words addressed to the model."""
    at = max(text.rfind('"', 0, start), text.rfind("'", 0, start))
    if at < 0 or start - at > 200 or text[at] not in text[end : end + 200]:
        return False
    call = _SAMPLE_CALL_RE.search(text, max(0, at - 80), at)
    return (
        call is not None
        and EXAMPLE_RE.search(text, max(0, call.start() - 40), call.start()) is not None
    )


#: A statement that the tool cannot do something (its verb follows).
_CANNOT_RE: Final = r"\b(?:cannot|can't|can\s+not|unable\s+to|does\s+not|doesn't|never)\s+"


def _forbids_a_false_claim(text: str, match: re.Match[str]) -> bool:
    """ "Never tell a user a message was scheduled" where the same text says the tool
    "CANNOT SCHEDULE": the order keeps the model from claiming what did not happen (honesty),
    it hides nothing the tool did. The told outcome's verb must be one the text denies."""
    _lo, hi = _sentence_bounds(text, match.start(), match.end())
    told = re.findall(
        r"\b(?:was|were|is|are|has\s+been|have\s+been)\s+(\w{4,})", text[match.start() : hi]
    )
    for word in told:
        stem = word.lower()[:5]
        if re.search(_CANNOT_RE + r"(?:\w+\s+){0,2}?" + re.escape(stem), text, re.IGNORECASE):
            return True
    return False


#: A CSS hiding declaration (the markup family's ``display:none`` and its kin).
_CSS_HIDING_RE: Final = re.compile(r"(?:display|visibility|font-size|opacity)\s*:", re.IGNORECASE)
#: What puts a declaration where a renderer applies it: an open tag, a style attribute or
#: element, or a rule's braces.
_CSS_APPLIED_RE: Final = re.compile(r"<[^>]*$|\bstyle\b|\{[^}]*$", re.IGNORECASE)


def _css_named_in_prose(text: str, match: re.Match[str]) -> bool:
    """A CSS hiding declaration that no tag, style attribute or rule carries: in plain prose
    it names an element's state ("include display:none and off-screen nodes"), it hides
    nothing (a description is not rendered as a stylesheet)."""
    if _CSS_HIDING_RE.match(match.group()) is None:
        return False
    return _CSS_APPLIED_RE.search(text, max(0, match.start() - 200), match.start()) is None


#: The notes the word-class modules give their own patterns, by the id of the regex (looked up
#: before ``hijack``'s per-family notes, which would hide a module's note in a shared family).
_NOTE_BY_PATTERN: Final = {
    **selection.WHY_BY_PATTERN,
    **sideeffects.WHY_BY_PATTERN,
    **deception.WHY_BY_PATTERN,
    **orders.WHY_BY_PATTERN,
    **praise.WHY_BY_PATTERN,
    **flows.WHY_BY_PATTERN,
    **overreach.WHY_BY_PATTERN,
}

#: The families that read prose only (see ``_FLAT``).
_PROSE_FAMILIES: Final = (
    PROSE_ONLY
    | HIJACK_PROSE_ONLY
    | SIDE_EFFECT_PROSE_ONLY
    | DECEPTION_PROSE_ONLY
    | SELECTION_PROSE_ONLY
    | ORDER_PROSE_ONLY
    | PRAISE_PROSE_ONLY
    | FLOW_PROSE_ONLY
    | OVERREACH_PROSE_ONLY
)


def _in_fence(text: str, start: int) -> bool:
    """``start`` lies inside a fenced code block (an odd number of fences before it)."""
    return text.count("```", 0, start) % 2 == 1


def _in_code(text: str, start: int, end: int) -> bool:
    """The span lies in code a Markdown view shows as written: a fenced block, or an inline
    code span (an odd number of backticks since the last fence, and a closing one after)."""
    if _in_fence(text, start):
        return True
    fence = text.rfind("```", 0, start)
    ticks = text.count("`", fence + 3 if fence >= 0 else 0, start)
    return ticks % 2 == 1 and "`" in text[end : end + 200]


def _code_subject_replaces(text: str, match: re.Match[str]) -> bool:
    """A "replaces `x`" match whose sentence names its subject in code before the verb (an
    attribute or field of a format: "the `label` attribute replaces `value`"); a tool that puts
    itself in another's place speaks of itself ("this tool replaces `send_email`")."""
    at = match.group().lower().find("replaces")
    if at < 0:
        return False
    verb = match.start() + at
    lo, _hi = _sentence_bounds(text, verb, verb)
    return re.search(r"`[^`\s][^`]{0,60}`", text[lo:verb]) is not None


#: Opening quotation marks (a closing one of the same kind must follow the match).
_OPENING: Final = {"'": "'", '"': '"', "`": "`", "\u2018": "\u2019", "\u201c": "\u201d"}


def _quoted_example(text: str, start: int, end: int) -> bool:
    """The match lies inside a quotation given as an example of what a defending sentence
    detects or blocks ("Detects prompt injection such as 'ignore all previous instructions'"):
    it quotes the attack, it does not make it."""
    lo, hi = _sentence_bounds(text, start, end)
    for at in range(start - 1, max(lo, start - 120) - 1, -1):
        close = _OPENING.get(text[at])
        if close is None:
            continue
        lead = text[lo:at]
        return (
            close in text[end : min(hi + 1, end + 200)]
            and EXAMPLE_LEAD_RE.search(lead) is not None
            and DEFENSIVE_RE.search(lead) is not None
        )
    return False


def _reported(text: str, start: int) -> bool:
    """The match is what some text tells the model, reported by a sentence that detects or
    blocks it ("Flags tool descriptions that tell the model to hide actions from the user")."""
    lo, _hi = _sentence_bounds(text, start, start)
    lead = text[lo:start]
    reported = REPORTED_INSTRUCTION_RE.search(lead)
    return reported is not None and DEFENSIVE_RE.search(lead, 0, reported.start()) is not None


def _sanitizing(text: str, start: int, end: int) -> bool:
    """The sentence around markup names it to remove or escape it."""
    return SANITIZING_RE.search(_sentence(text, start, end)) is not None


#: One pattern hit of a text: family, weight, span, excerpt, note.
_Hit = tuple[str, int, tuple[int, int], str, str]


def _pattern_signals(text: str, pointer: str, note: str = "") -> Iterator[Signal]:
    kind = 2 if pointer.endswith("#name") else 1 if pointer.endswith("/name") else 0
    for family, weight, span, quoted, why in _cached_hits(text, kind, USE_ANCHORS):
        yield Signal(family, weight, pointer, span, quoted, note or why)


#: How many matches of one pattern in one text are looked at before it is taken as absent.
_MAX_TRIED: Final = 8


def first_counted(
    family: str, regex: re.Pattern[str], subject: str, kind: int
) -> re.Match[str] | None:
    """The first match of a pattern that counts (a later sentence may offer what an earlier
    one only named: "Detects exfiltration. Exfiltrates the keys.")."""
    for tried, match in enumerate(regex.finditer(subject)):
        if tried >= _MAX_TRIED:
            return None
        if not suppressed(family, subject, match, kind):
            return match
    return None


#: Every pattern in scan order (families in order, each strongest first), and for each anchor
#: the positions of the patterns it guards: a text runs only the patterns its anchors admit.
_FLAT: Final = [
    (
        family,
        weight,
        regex,
        family in _PROSE_FAMILIES,
    )
    for family, patterns in _ORDERED.items()
    for weight, regex, _anchors in patterns
]
_BY_ANCHOR: Final[dict[str, list[int]]] = {}
for _index, (_family, _patterns) in enumerate(
    (family, anchors) for family, patterns in _ORDERED.items() for _w, _r, anchors in patterns
):
    for _anchor in _patterns:
        _BY_ANCHOR.setdefault(_anchor, []).append(_index)
_EVERY: Final = range(len(_FLAT))


def _pattern_hits(text: str, kind: int, use_anchors: bool) -> tuple[_Hit, ...]:
    """(family, weight, span, excerpt, note) of the patterns' signals in one text, whatever its
    pointer (``kind``: 0 prose, 1 a tool name, 2 a property name). Cached: a listing repeats
    its parameters' names and descriptions across tools."""
    skel = skeleton(text)
    flat = _unwrap(skel.text)
    present = present_anchors(skel.text.lower())
    hits: list[_Hit] = []
    found = _sensitive(flat, present, name=kind == 2, use_anchors=use_anchors)
    if found is not None:
        start, end = skel.span(found[1], found[2])
        hits.append(("sensitive", found[0], (start, end), excerpt(text, start, end), ""))
    is_name = kind != 0
    if use_anchors:
        admitted: set[int] = set()
        for anchor in present:
            admitted.update(_BY_ANCHOR.get(anchor, ()))
        candidates: Iterable[int] = sorted(admitted)
    else:
        candidates = _EVERY
    done: set[str] = set()
    for index in candidates:
        family, weight, regex, prose_only = _FLAT[index]
        if family in done or (is_name and prose_only) or index in DISABLED:
            continue
        subject = skel.text if family == "padding" else flat
        match = first_counted(family, regex, subject, kind)
        if match is None:
            continue
        start, end = skel.span(match.start(), match.end())
        why = (
            _NOTE_BY_PATTERN.get(id(regex)) or hijack_why(family, regex) or harm_why(family, regex)
        )
        hits.append((family, weight, (start, end), excerpt(text, start, end), why))
        done.add(family)
    if not is_name and not DIRECTIVES_OFF:
        directive = directives.strongest(skel.text)
        if directive is not None:
            start, end = skel.span(*directive.span)
            why = directives.NOTE_PREFIX + ", ".join(directive.scopes)
            hits.append(
                ("directive", directive.weight, (start, end), excerpt(text, start, end), why)
            )
        rule = directives.legislated(skel.text)
        claims = directives.self_claims(skel.text)
        if rule is not None and all(c.family != "shadowing" for c in claims):
            claims.append(rule)
        for claim in claims:
            start, end = skel.span(*claim.span)
            hits.append(
                (claim.family, claim.weight, (start, end), excerpt(text, start, end), claim.note)
            )
    return tuple(hits)


#: Pattern hits by a digest of the text (a listing repeats its parameters' names and
#: descriptions across tools, and a server repeats its listing every session): only the hits
#: are held, never the text, and the table starts over when full.
_HITS: Final[dict[tuple[bytes, int, bool], tuple[_Hit, ...]]] = {}
_HITS_MAX: Final = 8192


def _cached_hits(text: str, kind: int, use_anchors: bool) -> tuple[_Hit, ...]:
    key = (
        hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest(),
        kind,
        use_anchors,
    )
    hits = _HITS.get(key)
    if hits is None:
        if len(_HITS) >= _HITS_MAX:
            _HITS.clear()
        hits = _HITS[key] = _pattern_hits(text, kind, use_anchors)
    return hits


def clear_cache() -> None:
    """Forget every cached hit (benchmarks measure a cold start with it)."""
    _HITS.clear()


def _decoded_blobs(text: str) -> Iterator[tuple[tuple[int, int], str]]:
    for match in BASE64_RE.finditer(text):
        blob = match.group()
        try:
            raw = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True)
            decoded = raw.decode("utf-8")
        except (binascii.Error, ValueError):
            continue
        if (
            sum(ch.isalpha() or ch == " " for ch in decoded) >= 0.8 * len(decoded)
            and " " in decoded
        ):
            yield (match.start(), match.end()), decoded


def scan_text(text: str, pointer: str = "") -> list[Signal]:
    """Every signal in one text, including text hidden in tags or base64."""
    text = text[:MAX_TEXT]
    signals = list(_hidden_signals(text, pointer))
    signals += _pattern_signals(text, pointer)
    for hit in hidden_characters(text):
        if hit.decoded:
            for signal in _pattern_signals(hit.decoded, pointer, "hidden in Unicode tags"):
                signals.append(_relocate(signal, (hit.start, hit.end), hit.decoded))
    for span, decoded in _decoded_blobs(text):
        for signal in _pattern_signals(decoded, pointer, "hidden in base64"):
            signals.append(_relocate(signal, span, decoded))
    return signals


def _relocate(signal: Signal, span: tuple[int, int], decoded: str) -> Signal:
    """A signal found in decoded hidden text points at the hidden run in the original."""
    return Signal(
        signal.family,
        signal.weight,
        signal.pointer,
        span,
        excerpt(decoded, *signal.span),
        signal.note,
    )


#: Families that count as one: "cross-tool" (``patterns``) and "shadowing" (``clauses``, and
#: the listing-level ``hardener.detect.shadowing``) are the same move; one clause never counts
#: twice.
_SCORED_AS: Final = {"cross-tool": "shadowing", **HIJACK_SCORED_AS, **SELECTION_SCORED_AS}
#: Families whose matches name a tool (dropped when every tool they name is the item's sibling).
_NAMES_A_TOOL: Final = frozenset({"cross-tool", "shadowing"})


def score(signals: Iterable[Signal]) -> int:
    best: dict[str, int] = {}
    for signal in signals:
        family = _SCORED_AS.get(signal.family, signal.family)
        if family == "sensitive" and signal.weight <= 1:
            family = "secret-words"  # a secret file only documented: a mention of secrets
        best[family] = max(best.get(family, 0), signal.weight)
    return sum(best.values())


# --- items ------------------------------------------------------------------------------------


def _spaced(name: str) -> str:
    """A property or tool name as words, so ``read_ssh_id_rsa`` matches like prose."""
    return _CAMEL.sub(" ", name).replace("_", " ").replace("-", " ")


def _schema_texts(schema: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(schema, str):
        yield pointer, schema
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            yield from _schema_texts(value, f"{pointer}/{index}")
    elif isinstance(schema, Mapping):
        for key, value in schema.items():
            child = f"{pointer}/{_escape(str(key))}"
            if key in _SYNTAX_KEYS:
                # a keyword's value is a token ("string", "uri", a property's name); prose in
                # one is text smuggled where a reviewer does not look ("full-schema poisoning")
                yield from ((p, t) for p, t in _schema_texts(value, child) if _PROSE_RE.search(t))
                continue
            if key in ("properties", "patternProperties", "$defs", "definitions") and isinstance(
                value, Mapping
            ):
                for name, sub in value.items():
                    sub_pointer = f"{child}/{_escape(str(name))}"
                    yield f"{sub_pointer}#name", _spaced(str(name))
                    yield from _schema_texts(sub, sub_pointer)
            else:
                yield from _schema_texts(value, child)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def item_texts(item: Mapping[str, Any], pointer: str) -> list[tuple[str, str]]:
    """(pointer, text) of every text of a tool/prompt/resource definition."""
    texts: list[tuple[str, str]] = []
    name = item.get("name")
    if isinstance(name, str):
        texts.append((f"{pointer}/name", _NAME_SEPARATORS.sub(" ", name)))
    for key in ("title", "description", "uri", "uriTemplate"):
        value = item.get(key)
        if isinstance(value, str):
            texts.append((f"{pointer}/{key}", value))
    for key in ("inputSchema", "outputSchema", "arguments"):
        if key in item:
            texts += _schema_texts(item[key], f"{pointer}/{key}")
    annotations = item.get("annotations")
    if isinstance(annotations, Mapping) and isinstance(annotations.get("title"), str):
        texts.append((f"{pointer}/annotations/title", annotations["title"]))
    return texts


#: A tool whose name says it creates or edits an agent (``create_agent``, ``updateAssistant``).
_MAKES_AN_AGENT_RE: Final = re.compile(
    r"\b(?:create|update|edit|configure|modify|patch|new|add|build|make)\s+(?:\w+\s+)?"
    r"(?:agent|assistant|bot|chatbot|persona|character|gpt)s?\b",
    re.IGNORECASE,
)
#: The settings such an agent is made of (the parameter carries the new agent's prompt).
_AGENT_SETTING_RE: Final = re.compile(
    r"^(?:system[_-]?prompt|model[_-]?instructions)$", re.IGNORECASE
)


#: What a parameter that collects the model's own context says to it: it addresses the model
#: ("your full system prompt", "every tool you have") or names the conversation at hand.
_ASKS_OWN_CONTEXT_RE: Final = re.compile(
    r"\b(?:you|your|yours|verbatim|so\s+far|above|everything|(?:this|the|current|whole|full"
    r"|entire)\s+(?:conversation|chat|session|context|dialog(?:ue)?)|all\s+(?:previous|prior"
    r"|earlier))\b",
    re.IGNORECASE,
)


#: A value the caller chooses: it has a default, or is a custom one (the model's own system
#: prompt has neither).
_CALLERS_VALUE_RE: Final = re.compile(r"\b(?:defaults?|custom|overrides?)\b", re.IGNORECASE)


def _documented_setting(spec: object, *, strong: bool) -> bool:
    """A property named like a context collector whose own description documents an ordinary
    value without addressing the model or naming the conversation: a field of the call, weight
    1. For the weak names (``internalNotes``: "Internal notes visible only to the team, not on
    the invoice") that is enough; the strong ones (``system_prompt``) must also be the caller's
    choice ("Custom system prompt (default: neutral problem-solving)")."""
    text = spec.get("description") if isinstance(spec, Mapping) else None
    if not isinstance(text, str) or len(text.split()) < 3:
        return False
    if _ASKS_OWN_CONTEXT_RE.search(text) is not None:
        return False
    chosen = isinstance(spec, Mapping) and "default" in spec
    return not strong or chosen or _CALLERS_VALUE_RE.search(text) is not None


def _param_signals(item: Mapping[str, Any], pointer: str) -> Iterator[Signal]:
    schema = item.get("inputSchema")
    props = schema.get("properties") if isinstance(schema, Mapping) else None
    if not isinstance(props, Mapping):
        return
    makes_agent = _MAKES_AN_AGENT_RE.search(_spaced(str(item.get("name", "")))) is not None
    for name in props:
        if SUSPICIOUS_PARAM_RE.match(str(name)):
            where = f"{pointer}/inputSchema/properties/{_escape(str(name))}#name"
            weight = 3 if STRONG_PARAM_RE.match(str(name)) else 2
            note = "parameter abuse"
            if makes_agent and _AGENT_SETTING_RE.match(str(name)):
                weight, note = 1, "the system prompt of the agent the tool creates"
            elif _documented_setting(props[name], strong=weight == 3):
                weight, note = 1, "documented as a value of the caller's, not the model's context"
            yield Signal("param", weight, where, (0, len(str(name))), str(name), note)
    for name, weight in skip_switches(schema):
        where = f"{pointer}/inputSchema/properties/{_escape(name)}#name"
        note = "switches the person's confirmation off" + (" by default" if weight > 1 else "")
        yield Signal("unconfirmed", weight, where, (0, len(name)), name, note)
    for name, weight, doc in unrequired_mandates(item):
        where = f"{pointer}/inputSchema/properties/{_escape(name)}#name"
        note = "documented as mandatory, yet optional in the schema" + (
            "; its value must come from another call or a guess" if weight > 1 else ""
        )
        yield Signal("unbacked-mandate", weight, where, (0, len(name)), doc, note)


def _lookalike_signals(name: str, pointer: str, other_tools: frozenset[str]) -> list[Signal]:
    """A tool named like another server's tool plus a selling qualifier (``hijack.lookalike``)."""
    found = lookalike(name, other_tools)
    if found is None:
        return []
    other, qualifier = found
    note = f"named like {other!r} of another server, plus {qualifier!r}"
    return [Signal("lookalike", 2, f"{pointer}/name", (0, len(name)), name, note)]


def _other_tool_signals(
    texts: Sequence[tuple[str, str]], other_tools: frozenset[str]
) -> Iterator[Signal]:
    """Names of tools of *other* servers mentioned in this item's prose."""
    if not other_tools:
        return
    for pointer, text in texts:
        if pointer.endswith("#name") or pointer.endswith("/name"):
            continue
        for token in set(re.findall(r"[A-Za-z][\w.\-]{4,}", text)):
            if token in other_tools and _NAME_TOKEN.match(token):
                start = text.index(token)
                yield Signal(
                    "other-tool",
                    1,
                    pointer,
                    (start, start + len(token)),
                    excerpt(text, start, start + len(token)),
                    "names a tool of another server",
                )
                return


#: ``model=SHIPPED``: add the classifier shipped in the package. The default is None (the rules
#: alone): on the held-back corpus part it caught 2 more of 35 poisoned items but doubled the
#: false positives (4 -> 8 of 1,195), so it is opt-in (``hardener analyze-tools --classifier``).
SHIPPED: Final = "shipped"


def resolve_model(model: Model | str | None) -> Model | None:
    return shipped_model() if model == SHIPPED else model if isinstance(model, Model) else None


def model_texts(texts: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The texts the classifier reads: prose only, not the tool's or its parameters' names."""
    return [(p, t) for p, t in texts if t and not p.endswith(("/name", "#name"))]


def model_signal(texts: Sequence[tuple[str, str]], model: Model) -> Signal | None:
    """The classifier's signal for an item, citing the word n-grams that weighed most."""
    prose = model_texts(texts)
    if not prose:
        return None
    prediction = model.predict([t for _p, t in prose])
    weight = model.weight_of(prediction.probability)
    if weight == 0:
        return None
    cited = []
    for evidence in prediction.evidence:
        gram = evidence.feature[2:]
        cited.append(f"{gram!r} {evidence.contribution:+.2f}")
    note = f"classifier p={prediction.probability:.2f}; top n-grams: " + ", ".join(cited)
    pointer, text = prose[0]
    span = (0, 0)
    if prediction.evidence:
        top = prediction.evidence[0]
        pointer, text = prose[top.text_index]
        span = top.span
        if len(normal_text(text)) != len(text):  # NFKC moved offsets: find the word instead
            word = top.feature[2:].split(" ")[0]
            at = text.lower().find(word)
            span = (at, at + len(word)) if at >= 0 else (0, 0)
    return Signal("model", weight, pointer, span, excerpt(text, *span), note)


def _own_names(name: str, texts: Sequence[tuple[str, str]]) -> set[str]:
    """The item's name and its parameters' names (what its own prose may talk about)."""
    own = {name}
    for pointer, _text in texts:
        if pointer.endswith("#name"):
            own.add(pointer[:-5].rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~"))
    return own


def _about_siblings(signal: Signal, text: str, siblings: frozenset[str]) -> bool:
    """A clause-pattern shadowing signal whose every named tool is one of the same listing's:
    the server documents how its own tools go together (see ``hardener.detect.shadowing``)."""
    if signal.family not in _NAMES_A_TOOL or signal.note:
        return False
    named = tool_references(text[signal.span[0] : signal.span[1]])
    return bool(named) and named <= {n.lower().replace("-", "_") for n in siblings}


#: A self-preference claim ("use this tool instead", "puts itself in other tools' place").
_INSTEAD_RE: Final = re.compile(r"\binstead\b|\bin\s+place\s+of\b", re.IGNORECASE)


def _prefers_itself_to_siblings(signal: Signal, text: str, siblings: frozenset[str]) -> bool:
    """ "Use this tool instead of `run_report` when …" said beside ``run_report`` in the same
    listing: the server routes the model among its own tools. Every tool the sentence names
    must be a sibling (one of another server, or none named, still counts)."""
    if signal.family == "shadowing":
        if not signal.note.startswith("puts itself in other tools' place"):
            return False
    elif signal.family != "promotion":
        return False
    lo, hi = _sentence_bounds(text, *signal.span)
    sentence = text[lo:hi]
    if _INSTEAD_RE.search(sentence) is None:
        return False
    named = tool_references(sentence)
    return bool(named) and named <= {n.lower().replace("-", "_") for n in siblings}


def _prefers_its_own_argument(signal: Signal, text: str, params: frozenset[str]) -> bool:
    """ "Named `git_action` rather than `action` only because `action` is this tool's dispatch
    field": a preference claim whose every named identifier is one of the tool's own input
    properties speaks of its arguments, not of another tool whose place it takes."""
    if signal.family != "shadowing" or not signal.note.startswith("puts itself in other"):
        return False
    lo, hi = _sentence_bounds(text, *signal.span)
    named = tool_references(text[lo:hi])
    return bool(named) and named <= {p.lower().replace("-", "_") for p in params}


#: A sentence that opens with an elided requirement ("Required for all actions.").
_ELIDED_REQUIREMENT_RE: Final = re.compile(
    r"\W*(?:always\s+)?(?:required|needed|mandatory)\s+(?:for|by|in)\b", re.IGNORECASE
)


def _parameter_requirement(signal: Signal, text: str) -> bool:
    """An input property's description that says it is "Required for all actions": the elided
    subject is the property (a field every action of the tool needs), not the tool claiming a
    place before every operation."""
    if signal.family not in ("authority", "hijack") or "/properties/" not in signal.pointer:
        return False
    start, end = signal.span
    matched = text[start:end]  # a span that carries the sentence break ("). REQUIRED for …")
    start += len(matched) - len(matched.lstrip())
    end -= len(matched) - len(matched.rstrip(" \t\n.;:!?"))
    lo, _hi = _sentence_bounds(text, start, max(start, end))
    return _ELIDED_REQUIREMENT_RE.match(text, lo) is not None


def _prefers_siblings(signal: Signal, text: str, siblings: frozenset[str]) -> bool:
    """ "ALWAYS prefer batch tools over repeated individual calls:" followed by a list of
    ``figma_batch_*`` tools of the same listing: the server tells the model which of its own
    tools to pick. The sentence and the list (to the next blank line) must name tools, and
    every one of them a sibling."""
    if signal.family != "preference":
        return False
    lo, hi = _sentence_bounds(text, *signal.span)
    if text[lo:hi].rstrip().endswith(":"):
        gap = text.find("\n\n", hi)
        hi = min(gap if gap >= 0 else len(text), hi + 1200)
    named = tool_references(text[lo:hi])
    return bool(named) and named <= {n.lower().replace("-", "_") for n in siblings}


#: Families that offer the item *in place of* another ("the secure version of X").
_OFFERS_ITSELF: Final = frozenset({"bait", "replica"})
_SPACES_RE: Final = re.compile(r"\s+")


def _about_itself(signal: Signal, text: str, name: str) -> bool:
    """A baiting signal whose "other" tool is the item itself ("this is the secure version of
    the vulnerable status tool", said by ``vulnerable_status_tool``): it describes its own
    variant, it lures nobody away from another tool."""
    if signal.family not in _OFFERS_ITSELF or not name:
        return False
    own = _spaced(name).lower().strip()
    after = _SPACES_RE.sub(" ", text[signal.span[0] : signal.span[1] + 80].lower())
    return len(own) >= 8 and own in after


def _shadowing_signal(
    texts: Sequence[tuple[str, str]],
    name: str,
    siblings: frozenset[str],
    other_tools: frozenset[str],
) -> Signal | None:
    """The strongest directive about another tool (``hardener.detect.shadowing``)."""
    best = None
    own = _own_names(name, texts)
    refs = itertools.chain(
        cross_references(texts, own, siblings, other_tools), action_rules(texts, {name})
    )
    for ref in refs:
        if best is None or ref.weight > best.weight:
            best = ref
    if best is None:
        return None
    text = dict(texts)[best.pointer]
    return Signal(
        "shadowing", best.weight, best.pointer, best.span, excerpt(text, *best.span), best.note
    )


def _own_params(texts: Sequence[tuple[str, str]]) -> frozenset[str]:
    """The input-schema property names of an item, read off its texts' pointers."""
    return frozenset(
        pointer[: -len("#name")].rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
        for pointer, _text in texts
        if pointer.endswith("#name") and "/properties/" in pointer
    )


def _disparaged(
    signal: Signal,
    text: str,
    siblings: frozenset[str],
    other_tools: frozenset[str],
    own_params: frozenset[str] = frozenset(),
) -> Signal:
    """A ``disparage`` signal weighed by whose tools it runs down (``hijack.disparaged_weight``)."""
    if signal.family != "disparage":
        return signal
    matched = text[signal.span[0] : signal.span[1]]
    weight, note = disparaged_weight(matched, signal.weight, siblings, other_tools, own_params)
    if weight == signal.weight:
        return signal
    return Signal(signal.family, weight, signal.pointer, signal.span, signal.excerpt, note)


def _own_job(signal: Signal, name: str) -> Signal:
    """A directive whose scopes the item's own name shows to be its job (a password manager's
    tool that includes the password in its response) weighs only what remains."""
    if signal.family != "directive" or not signal.note.startswith(directives.NOTE_PREFIX):
        return signal
    scopes = tuple(signal.note[len(directives.NOTE_PREFIX) :].split(", "))
    weight, kept = directives.outside_job(scopes, name)
    if weight == signal.weight:
        return signal
    note = directives.NOTE_PREFIX + ", ".join(kept) + " (the rest is its own job)"
    return Signal(signal.family, weight, signal.pointer, signal.span, signal.excerpt, note)


#: A tool name that says it manages environment variables (``replaceEnvironmentVariables``,
#: ``set_env_vars``, ``dotenv_sync``).
_ENV_JOB_RE: Final = re.compile(r"environment|env[\s_-]*var|dotenv", re.IGNORECASE)


def _own_env_file(signal: Signal, text: str, name: str) -> Signal:
    """A ``.env`` file named by a tool whose job is environment variables (a host's "replace
    the Node.js environment variables ... with real values taken from the project `.env`
    file") is that tool's subject, as a parameter's documented file is: weight 1. A demand
    for the file's content (weight 3) still counts."""
    if signal.family != "sensitive" or signal.weight != 2:
        return signal
    if not text[signal.span[0] : signal.span[1]].lower().endswith(".env"):
        return signal
    if _ENV_JOB_RE.search(_spaced(name)) is None:
        return signal
    note = "a .env file named by a tool whose job is environment variables"
    return Signal(signal.family, 1, signal.pointer, signal.span, signal.excerpt, note)


def item_signals(
    texts: Sequence[tuple[str, str]],
    *,
    extra: Iterable[Signal] = (),
    other_tools: frozenset[str] = frozenset(),
    model: Model | str | None = None,
    name: str = "",
    siblings: frozenset[str] = frozenset(),
) -> list[Signal]:
    """Every signal of one item: the rule families, then the classifier's (if any).
    ``name``: the item's own name; ``siblings``: the tool names of its listing."""
    signals: list[Signal] = list(extra)
    params = _own_params(texts)
    for pointer, text in texts:
        found = scan_text(text, pointer)
        if siblings:
            found = [
                s
                for s in found
                if not _about_siblings(s, text, siblings)
                and not _prefers_itself_to_siblings(s, text, siblings)
                and not _prefers_siblings(s, text, siblings)
            ]
        found = [
            _disparaged(s, text, siblings, other_tools, params)
            for s in found
            if not _parameter_requirement(s, text)
            and not _prefers_its_own_argument(s, text, params)
        ]
        found = [s for s in found if s.weight > 0]
        if name:
            found = [
                _own_env_file(_own_job(s, name), text, name)
                for s in found
                if not _about_itself(s, text, name)
            ]
            found = [s for s in found if s.weight > 0]
        signals += found
    signals += _other_tool_signals(texts, other_tools)
    shadow = _shadowing_signal(texts, name, siblings, other_tools)
    if shadow is not None:
        signals.append(shadow)
    resolved = resolve_model(model)
    if resolved is not None and score(signals) >= resolved.gate:
        learned = model_signal(texts, resolved)
        if learned is not None:
            signals.append(learned)
    return signals


def analyze_item(
    kind: str,
    name: str,
    texts: Sequence[tuple[str, str]],
    threshold: int,
    *,
    extra: Iterable[Signal] = (),
    other_tools: frozenset[str] = frozenset(),
    model: Model | str | None = None,
    siblings: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Findings for one item. ``siblings``: the tool names of the item's listing (empty: the
    item is judged alone, so every other tool it names counts as absent)."""
    name_for_refs = "" if kind == "instructions" else name
    signals = item_signals(
        texts,
        extra=extra,
        other_tools=other_tools,
        model=model,
        name=name_for_refs,
        siblings=siblings,
    )
    findings: list[Finding] = []
    capability = tuple(s for s in signals if s.family in CAPABILITY_FAMILIES)
    signals = [s for s in signals if s.family not in CAPABILITY_FAMILIES]
    hidden = tuple(s for s in signals if s.family.startswith("hidden:"))
    ansi = tuple(s for s in signals if s.family == "ansi")
    prose = [s for s in signals if not s.family.startswith("hidden:") and s.family != "ansi"]
    total = score(signals)
    if capability:
        findings.append(
            Finding(
                "description.malicious-capability",
                "high",
                kind,
                name,
                score(capability),
                capability,
            )
        )
    if hidden and (len(hidden) > 1 or hidden[0].weight >= 3):
        findings.append(Finding("description.hidden-text", "high", kind, name, total, hidden))
    if ansi:
        findings.append(Finding("description.terminal-escape", "high", kind, name, total, ansi))
    if total >= threshold and prose:
        families = {s.family for s in prose}
        severity = "high"
        if total >= 2 * threshold or ({"sensitive", "exfil"} <= families):
            severity = raise_severity(severity)
        strongest = sorted(signals, key=lambda s: (-s.weight, s.pointer, s.span))
        findings.append(
            Finding("description.poisoning", severity, kind, name, total, tuple(strongest))
        )
    return findings


def analyze_listing(
    listing: Mapping[str, Any],
    threshold: int,
    *,
    other_tools: frozenset[str] = frozenset(),
    model: Model | str | None = None,
) -> list[Finding]:
    """Findings for a tools/list result plus the optional ``instructions``, ``prompts`` and
    ``resources`` of the same server. ``other_tools``: tool names of the client's other servers
    (mentioning them is a shadowing hint)."""
    findings: list[Finding] = []
    siblings = listing_tool_names(listing)
    instructions = listing.get("instructions")
    if isinstance(instructions, str) and instructions:
        findings += analyze_item(
            "instructions",
            "server instructions",
            [("/instructions", instructions)],
            threshold,
            other_tools=other_tools,
            model=model,
            siblings=siblings,
        )
    for key, kind in (("tools", "tool"), ("prompts", "prompt"), ("resources", "resource")):
        items = listing.get(key)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                continue
            pointer = f"/{key}/{index}"
            name = str(item.get("name", index))
            extra = list(_param_signals(item, pointer)) if kind == "tool" else []
            if kind == "tool":
                extra += _lookalike_signals(name, pointer, other_tools)
            findings += analyze_item(
                kind,
                name,
                item_texts(item, pointer),
                threshold,
                extra=extra,
                other_tools=other_tools,
                model=model,
                siblings=siblings,
            )
    return findings


def listing_tool_names(listing: Mapping[str, Any]) -> frozenset[str]:
    """The names of a listing's tools (and prompts): what its items may legitimately name."""
    names: set[str] = set()
    for key in ("tools", "prompts"):
        items = listing.get(key)
        if isinstance(items, list):
            names |= {str(i["name"]) for i in items if isinstance(i, Mapping) and "name" in i}
    return frozenset(names)
