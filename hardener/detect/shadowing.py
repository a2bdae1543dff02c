"""Listing-level shadowing: one item's prose legislating for *another* tool (L1 pure core).

Tool shadowing is a description (or the server's instructions) telling the model how to use a
tool that is not its own: "when ``send_email`` is used, always bcc …", "the add tool must …",
"before calling read_file, …". The move is read as structure over word classes, not phrases:

1. a **tool reference** — an identifier shaped like a tool name (``snake_case``, ``camelCase``,
   ``dotted.name``, or a quoted word named as a tool) or "the *word* tool/function", that is neither the item's
   own name nor one of its own parameters (a description talks about its parameters all day);
2. in the same sentence, a **directive** about it: a *condition* on its use (a conditional
   word, then a use verb, then the reference: "whenever you call X", or "if X is invoked"), an
   *obligation* laid on it (the reference, then a modal: "X must", "the X tool should always"),
   or a plain *imperative* naming it as a tool ("call X first", "use the X tool"; "use X to …"
   alone may name an output field, so it counts only when X is called a tool or is one);
   a *note addressed* to it ("Important note for the X tool: …", with an order after the
   colon), or a claim to *change how it works* ("this tool updates how X works: …") count as
   obligations, and with an order in the sentence weigh like a prescription;
3. optionally a **prescription**: the sentence fixes arguments, recipients or destinations
   (a verb of setting/sending with an argument noun, an e-mail address or a URL).

Scoring (family ``shadowing``, the strongest reference counts; the default threshold is 3):

| reference is … | imperative or ordering | condition or obligation | … and prescribes arguments |
|---|---|---|---|
| a tool of the same listing | 0 | 0 | 1 |
| absent from the listing | 1 | 2 | 3 |
| a tool of another server of the client | 3 | 3 | 3 |

A reference preceded by another server's name ("the github server's create_pull_request")
counts as a tool of another server.

An *ordering* ("before calling X", "after invoking X") only sequences steps, so it weighs like
an imperative; with a prescription of arguments for X it weighs 3 when X is absent.

A server telling the model to sequence its *own* tools ("use list_files first to get the
path") is ordinary documentation and scores nothing; an obligation or argument rule for a tool
the server does not have targets someone else's tool. A one-tool listing (``analyze-tools`` on a
single definition) has no siblings, so any other tool it names counts as absent.

Shadowing need not name the tool: :func:`action_rules` reads a rule for an *action* another
tool performs (a conditional on a gerund of sending/paying/publishing … and its noun: "whenever
sending emails", "before making payments") whose sentence routes it to a fixed destination (a
routing word, then an address, URL or account number): weight 3, or 1 when the item's own name
names the action (a mail tool documenting its own copies).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

_F = re.IGNORECASE

#: A word that ends a sentence (the reference's context never crosses one).
_SENTENCE_END: Final = re.compile(r"[.!?](?=\s|$)|\n\s*\n|\n\s*[-*•]\s")
#: Identifier shaped like a tool name, quoted or not, or "the <word> tool".
_REF: Final = re.compile(
    r"[`'\"](?P<q>[A-Za-z][\w.\-]{1,60})[`'\"]"
    r"|(?<![\w/.$@:{-])(?P<i>[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?:[_.][a-z0-9]+)+|[a-z]+[0-9]*(?:[A-Z][a-z0-9]+)+)"
    r"(?![\w/(-])"
    r"|\b[Tt]he\s+(?P<w>[a-z][\w-]{1,30})\s+(?=(?:tool|function)\b)",
)
#: After the reference: it names a tool ("X tool", "X function", "X()")
_TOOLISH_AFTER: Final = re.compile(r"\s*(?:\(\))?\s*(?:tools?|functions?|commands?)\b", _F)
#: Determiners and generic words that are never a tool's name in "the <word> tool".
_NOT_A_NAME: Final = frozenset(
    {"this", "that", "same", "current", "following", "above", "below", "previous", "next"}
    | {"other", "appropriate", "relevant", "right", "correct", "first", "last", "new", "old"}
    | {"mcp", "main", "primary", "selected", "given", "specified", "corresponding", "best"}
)
#: A file name or a reference to syntax, not a tool (``config.json``, ``os.path``).
_FILEISH: Final = re.compile(r"\.(?:[a-z]{1,5})$")
#: A conditional word, a use verb, then (at the end) the reference.
_CONDITION_BEFORE: Final = re.compile(
    r"\b(?:(?P<rule>when(?:ever)?|if|each\s+time|every\s+time|once|as\s+soon\s+as)"
    r"|before|after|while|prior\s+to|until)\b(?:\s+[\w']+){0,4}?\s+(?:use[sd]?|using|call(?:s|ed|ing)?|invok\w+"
    r"|run(?:s|ning)?|execut\w+|trigger\w*|send(?:s|ing)?\s+\w+\s+(?:with|via|using))"
    r"\s+(?:the\s+|any\s+)?[`'\"]?$",
    _F,
)
#: After the reference: an assignment (the reference is an argument's name).
_ASSIGNED: Final = re.compile(r"[`'\"]?\s*(?:=|:=)")
#: After the reference: it is given a literal value ("their parentId is set to null"); a tool
#: is never set to null, a number or a boolean.
_GIVEN_A_LITERAL: Final = re.compile(
    r"[`'\"]?\s+(?:is|are|gets?|will\s+be)\s+(?:re)?set\s+to\s+[`'\"]?(?:null|none|nil|true"
    r"|false|empty|an?\s+empty\b|\d)",
    _F,
)
#: After the reference: it is being used ("X is called"), with a conditional word before.
_USED_AFTER: Final = re.compile(
    r"^[`'\"]?(?:\s+(?:tool|function))?\s+(?:is|are|gets?|has\s+been)\s+(?:being\s+)?"
    r"(?:used|called|invoked|run|executed|triggered)\b",
    _F,
)
_CONDITIONAL_WORD: Final = re.compile(r"\b(?:when(?:ever)?|if|each\s+time|every\s+time|once)\b", _F)
#: After the reference: an obligation laid on it.
_OBLIGATION_AFTER: Final = re.compile(
    r"^[`'\"]?(?:\s*\(\))?(?:\s+(?:tool|function|command|server))?\s+(?:must|should|shall"
    r"|needs?\s+to|has\s+to|is\s+(?:required|expected|only)\s+to|will\s+now|may\s+only"
    r"|can\s+only|always|(?:is|are)\s+(?:now\s+)?(?:configured|set|changed|updated|patched)\s+to)\b",
    _F,
)
#: Before the reference: a note or rule addressed to it ("Important note for the X tool:").
_ADDRESSED_BEFORE: Final = re.compile(
    r"\b(?:notes?|notices?|rules?|instructions?|reminders?|guidelines?|requirements?|polic(?:y|ies)"
    r"|directives?|updates?)\s+(?:for|to|regarding|concerning|about|on)\s+(?:the\s+|all\s+|any\s+"
    r"|every\s+)?[`'\"]?$",
    _F,
)
#: After an addressed reference: the colon that opens what it is told.
_ADDRESSED_AFTER: Final = re.compile(r"^[`'\"]?(?:\s+(?:tools?|functions?|server))?\s*:", _F)
#: Before the reference: the item says it changes how another tool behaves.
_REWRITES_BEFORE: Final = re.compile(
    r"\b(?:updates?|changes?|modif(?:y|ies)|overrides?|redefines?|replaces?|extends?|patch(?:es)?"
    r"|reconfigures?|alters?|hooks?\s+into)\s+(?:how|the\s+(?:behaviou?r|output|results?|way)\s+"
    r"(?:of\s+)?)\s*(?:the\s+)?[`'\"]?$",
    _F,
)
#: Before the reference: another server's name ("the github server's create_pull_request").
_OTHER_SERVER_BEFORE: Final = re.compile(r"\b[\w-]+\s+server'?s\s+[`'\"]?$", _F)
#: An imperative or modal somewhere in the sentence (what the condition leads to).
_DIRECTIVE: Final = re.compile(
    r"\b(?:always|must|never|make\s+sure|ensure|instead|required|do\s+not|don't|should|shall"
    r"|set|include|add|send|change|replace|pass|use|cc|bcc|forward|redirect|route|call|first)\b",
    _F,
)
#: A plain imperative naming the reference: the sentence starts with a use verb.
_IMPERATIVE_START: Final = re.compile(
    r"^\W*(?:(?:always|first|then|please|never)\s*,?\s+)?(?:(?P<call>call|invoke|run|execute)"
    r"|use|prefer|try)\b",
    _F,
)
#: What a call is given: arguments, recipients, destinations.
_ARGUMENT_NOUN: Final = (
    r"(?:recipients?|address(?:es)?|bcc|cc|destinations?|parameters?|arguments?|args|fields?"
    r"|headers?|urls?|endpoints?|accounts?|wallets?|ibans?|values?|to\s+field|channels?|targets?"
    r"|amounts?|prices?|totals?|quantit(?:y|ies)|branch(?:es)?|prox(?:y|ies))"
)
#: The sentence fixes arguments, recipients or destinations: a verb of setting or sending with
#: an argument noun, an e-mail address or a URL; or an argument noun with a modal ("the
#: destination account must be …").
_PRESCRIBE: Final = re.compile(
    r"\b(?:set|change|replace|override|use|pass|add|include|send|route|redirect|forward|cc"
    r"|bcc|copy|append|prepend|point|round|increase|decrease|multiply|double|inflate|adjust"
    r"|export|prefix|wrap|copied|forwarded|sent|routed|redirected)\b[^.\n]{0,60}?(?:\b"
    + _ARGUMENT_NOUN
    + r"\b|[\w.+-]+@[\w-]+\.[\w.]+|https?://)"
    r"|\bset\s+(?:the\s+|its\s+)?[\w-]+(?:\s+[\w-]+)?\s+(?:to|=)\s+\S"
    r"|\b" + _ARGUMENT_NOUN + r"\s+(?:\w+\s+)?(?:must|should|shall|has\s+to|needs?\s+to"
    r"|is\s+to|are\s+to)\s+(?:always\s+|now\s+)?(?:be|include|contain|equal|point)\b",
    _F,
)


@dataclass(frozen=True)
class CrossReference:
    """One reference to another tool with a directive about it."""

    weight: int
    pointer: str
    span: tuple[int, int]
    note: str


def _norm(name: str) -> str:
    return name.lower().replace("-", "_")


@functools.lru_cache(maxsize=16)
def _normalised(names: frozenset[str]) -> frozenset[str]:
    """A listing's names, normalised once per listing (every item of it asks)."""
    return frozenset(_norm(name) for name in names)


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    lo = 0
    for boundary in _SENTENCE_END.finditer(text, 0, start):
        lo = boundary.end()
    nxt = _SENTENCE_END.search(text, end)
    return lo, nxt.start() if nxt else len(text)


def _references(text: str) -> Iterator[tuple[str, int, int, bool]]:
    """(name, start, end, named_as_tool) of every tool-shaped reference in a text."""
    for match in _REF.finditer(text):
        group = "q" if match.group("q") else "i" if match.group("i") else "w"
        name = match.group(group)
        start, end = match.span(group)
        toolish = group == "w" or _TOOLISH_AFTER.match(text, match.end()) is not None
        if group == "w" and name.lower() in _NOT_A_NAME:
            continue
        if _FILEISH.search(name) and not toolish:
            continue
        yield name, start, end, toolish


def tool_references(text: str) -> set[str]:
    """The (normalised) names of every tool-shaped reference in a text."""
    return {_norm(name) for name, _start, _end, _toolish in _references(text)}


def _written_as_element(text: str, name: str) -> bool:
    """The same text writes ``name`` as a markup element (``<name …>``, ``</name>``): it is an
    element of a document format (XML, HTML) that the tool takes, not a tool."""
    return re.search(r"</?" + re.escape(name) + r"(?=[\s/>])", text) is not None


@dataclass(frozen=True)
class _Reading:
    """What a sentence does with a tool reference (``before``/``after``: the sentence's text on
    either side of it)."""

    condition: bool  # "when X is used, …": a rule on its use
    sequence: bool  # "before calling X": only orders the steps
    obligation: bool  # "X must …", a note addressed to it, or a claim to change how it works
    imperative: bool  # "call X first"
    told: bool  # a note addressed to it, or a claim to change how it works


def _read(before: str, after: str, *, toolish: bool) -> _Reading:
    cond = _CONDITION_BEFORE.search(before)
    # "when X is used …" lays a rule on X; "before calling X" only orders the steps
    condition = (cond is not None and cond.group("rule") is not None) or (
        _USED_AFTER.match(after) is not None and _CONDITIONAL_WORD.search(before) is not None
    )
    if condition and not _DIRECTIVE.search(after) and not _DIRECTIVE.search(before):
        condition = False
    sequence = cond is not None and not condition
    addressed = (
        _ADDRESSED_BEFORE.search(before) is not None
        and _ADDRESSED_AFTER.match(after) is not None
        and _DIRECTIVE.search(after) is not None
    )
    told = addressed or _REWRITES_BEFORE.search(before) is not None
    start_verb = _IMPERATIVE_START.match(before)
    # "use X to interpret …" may name a field; "call X" or "use the X tool" names a tool
    imperative = (
        start_verb is not None
        and len(before.split()) <= 3
        and (toolish or start_verb.group("call") is not None)
    )
    return _Reading(
        condition=condition,
        sequence=sequence,
        obligation=_OBLIGATION_AFTER.match(after) is not None or told,
        imperative=imperative or sequence,
        told=told,
    )


def cross_references(
    texts: Iterable[tuple[str, str]],
    own: Iterable[str],
    siblings: frozenset[str],
    other_tools: frozenset[str] = frozenset(),
) -> Iterator[CrossReference]:
    """Every directive about another tool in an item's prose texts. ``own``: the item's name and
    parameter names; ``siblings``: the tool names of the same listing; ``other_tools``: tool
    names of the client's other servers."""
    mine = {_norm(name) for name in own}
    present = _normalised(siblings)
    elsewhere = _normalised(other_tools)
    for pointer, text in texts:
        if pointer.endswith(("#name", "/name")) or len(text) < 12:
            continue
        for name, start, end, toolish in _references(text):
            key = _norm(name)
            # ``mxCell`` beside ``<mxCell …>``: an element of a format the tool takes, not a tool
            if key in mine or name.isupper() or _written_as_element(text, name):
                continue
            if "." in key and key.split(".", 1)[0] in mine:
                continue  # ``source_options.archive_path``: a path into its own arguments
            known = key in present or key in elsewhere
            if not (toolish or known or "_" in name or re.search(r"[a-z][A-Z]", name)):
                continue  # a quoted plain word ('json') or a dotted one (``os.path``): a value
            lo, hi = _sentence(text, start, end)
            before, after = text[lo:start], text[end:hi]
            if _ASSIGNED.match(text, end) or _GIVEN_A_LITERAL.match(text, end):
                continue  # ``abstract_mode=full``, "parentId is set to null": a field
            reading = _read(before, after, toolish=toolish or known)
            condition, obligation = reading.condition, reading.obligation
            imperative, sequence = reading.imperative, reading.sequence
            if not (condition or obligation or imperative):
                continue
            prescribes = _PRESCRIBE.search(text, lo, hi) is not None
            server, dot, tail = key.rpartition(".")
            qualified = bool(dot and server and "_" in tail and toolish)
            if qualified and tail in present:
                key = tail  # "ourserver.our_tool": one of its own
            if key in elsewhere and key not in present:
                weight, where = 3, "a tool of another server"
            elif _OTHER_SERVER_BEFORE.search(before) and key not in present:
                weight, where = 3, "a tool of another server (by its server's name)"
            elif qualified and key not in present:
                # "the mail-server.send_email tool": a tool named with another server's prefix
                weight, where = (
                    3 if condition or obligation or imperative else 2,
                    ("a tool of another server (by its server's name)"),
                )
            elif key in present:
                weight = 1 if prescribes and (condition or obligation) else 0
                where = "a tool of the same server"
            elif condition or obligation:
                # a note addressed to it, or a claim to change how it works, with an order
                ordered = reading.told and _DIRECTIVE.search(after) is not None
                weight = 3 if prescribes or ordered else 2
                where = "a tool this server does not have"
            else:
                weight = 3 if prescribes and sequence else 1
                where = "a tool this server does not have"
            if weight == 0:
                continue
            how = "prescribes its arguments" if prescribes else "instructs about it"
            yield CrossReference(weight, pointer, (start, end), f"names {where} ({name}); {how}")


# --- rules for an action another tool performs ----------------------------------------------

#: Actions that some tool performs for the person (sending, paying, publishing …) as gerunds.
_ACTION: Final = (
    r"(?P<verb>send|forward|transferr|transfer|pay|post|upload|push|commit|publish|deploy|writ"
    r"|creat|book|order|email|e-mail|messag|text|reply|replies|deposit|withdraw|wir)(?:ing|e)?"
)
#: What the action is done to (the noun names the other tool's job).
_ACTION_NOUN: Final = (
    r"(?P<noun>e-?mails?|mails?|messages?|payments?|transfers?|transactions?|invoices?|funds"
    r"|money|notifications?|files?|commits?|code|posts?|tweets?|orders?|tickets?|texts|sms"
    r"|replies|wires?)"
)
#: A conditional on the action: "when/whenever/each time/if (you are) sending emails".
_ACTION_RULE: Final = re.compile(
    r"\b(?:when(?:ever)?|each\s+time|every\s+time|any\s*time|if|while|before)\s+(?:you\s+(?:are\s+)?"
    r"|the\s+(?:ai|assistant|agent|model)\s+(?:is\s+)?)?(?:(?:mak|process|handl|execut|do|perform"
    r"|initiat|issu|submitt)ing\s+|(?:\w+\s+)?" + _ACTION + r"\w*\s+)"
    r"(?:(?:an?|any|the|all|some)\s+)?(?:\w+\s+)?" + _ACTION_NOUN + r"\b",
    _F,
)
#: Prescribing who or where, then a fixed destination (an e-mail address, a URL, an
#: account/IBAN-like number, a wallet) within a few words: "bcc archive@x", "route funds to
#: account 1234…".
_ROUTED_TO_LITERAL: Final = re.compile(
    r"\b(?:bcc|cc|recipients?|destination|redirect\w*|forward\w*|rout(?:e|es|ed|ing)|send\s+"
    r"(?:a\s+)?cop(?:y|ies)|copy|account|wallet|iban|address)\b[^.\n]{0,60}?(?:[\w.+-]+@[\w-]+"
    r"\.[\w.]+|https?://\S+|\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,}|\b0x[0-9a-f]{16,}|\b\d{8,}\b)",
    _F,
)


def action_rules(texts: Iterable[tuple[str, str]], own: Iterable[str]) -> Iterator[CrossReference]:
    """Rules for an action some other tool performs ("whenever sending emails, bcc …"), with a
    routing word and a fixed destination in the same sentence. Weight 3; 1 when the item's own
    name names the action (a mail tool documenting its own copies)."""
    own_words = " ".join(_norm(name).replace("_", " ") for name in own)
    for pointer, text in texts:
        if pointer.endswith(("#name", "/name")) or len(text) < 20:
            continue
        for match in _ACTION_RULE.finditer(text):
            lo, hi = _sentence(text, match.start(), match.end())
            if _ROUTED_TO_LITERAL.search(text, lo, hi) is None:
                continue
            verb, noun = (match.group("verb") or "handl").lower(), match.group("noun").lower()
            mine = verb[:4] in own_words or noun.rstrip("s")[:4] in own_words
            weight = 1 if mine else 3
            note = (
                f"a rule for {verb}ing {noun} (another tool's job) with a fixed destination"
                if not mine
                else f"a rule for its own {noun} with a fixed destination"
            )
            yield CrossReference(weight, pointer, match.span(), note)
            break
