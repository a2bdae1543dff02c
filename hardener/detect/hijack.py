"""Tool-selection hijacking: a description that steers the model's choice of tool (L1 pure core).

A poisoned tool need not tell the model to leak anything: it can win the model's *choice* and
then do the harm itself. The move has a few recurring parts, each a clause shape over word
classes (so a new wording of the same move still matches), contributed as signal families to
``hardener.detect.patterns`` (each pattern has anchors like every other family):

* **disparage**: another tool (a backticked or ``snake_case`` identifier, "the standard/legacy
  … tool/search/workflow"), or the ordinary step-by-step workflow ("calling X then Y",
  "manually …"), is said to be unsafe, unreliable, stale, error-prone, risky (hallucination,
  race conditions), blocked or out of sync. Honest documentation that names a sibling says what
  to call first or which one fits better ("use ``list_files`` first", "prefer ``search`` for
  large repositories", "deprecated: use X instead", where the deprecated one is the tool
  itself); it does not run the sibling down. Scored as ``promotion`` (the same move as the
  self-promotion patterns: the two never add up).
* **pitch**: a marketing heading that argues for choosing the tool ("[WHY USE THIS?]", "**Why
  this is the better choice**", "Core advantages:", "value proposition", "superset of …").
  Weight 1: it needs another family.
* **unconfirmed**: the person's confirmation skipped for what the tool does ("without asking
  for confirmation", an ``auto_confirm`` switch, "no approval needed") weighs 1 (an honest
  ``force`` flag says as much); 2 when skipping it is the default or immediate in the same
  sentence, the selling point ("zero-click"), or an order ("execute … without approval"), and
  for a schema switch (``auto_confirm``) whose ``default`` is true.
* **gatekeeper** (family ``hijack``): the tool inserts itself into every other operation ("it
  must be called immediately before any operation that reads data", "all booking and query
  operations must be followed by …").
* **pii-ask**: a parameter that makes the model fetch the person's identifiers (passport,
  licence, phone, e-mail, address) from their profile, inbox or the conversation.

Listing-aware parts (``hardener.detect.descriptions`` calls them with the listing's tool
names and the client's other servers' tool names): :func:`disparaged_weight` (whose tool is run
down), :func:`lookalike` (a tool named like another server's tool plus a selling qualifier,
``read_file_secure``: family ``lookalike``, weight 2) and :func:`skip_switches` (input-schema
properties that switch the confirmation off).

Weights follow the other families: a clause an honest tool might carry weighs 1-2 and needs a
second family to reach the default threshold of 3.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from hardener.detect.clauses import Pattern, whole
from hardener.detect.clauses import ci as _c
from hardener.detect.clauses import near as _near

_F = re.IGNORECASE


# --- word classes -----------------------------------------------------------------------------

#: Another tool by name: a backticked identifier or a snake_case one (two words or more).
_NAMED_TOOL = r"(?:`[A-Za-z][\w.*\-]*`|\b[a-z][a-z0-9]*(?:_[a-z0-9*]+)+\b)"
#: The ordinary way, not this tool: "the standard tool", "legacy search", "basic list".
_ORDINARY = (
    r"\b(?:standard|legacy|basic|regular|old(?:er)?|original|built-in|native|normal|ordinary"
    r"|usual|conventional|traditional|generic|other)\s+(?:[\w-]+\s+){0,2}?(?:tools?|functions?"
    r"|endpoints?|versions?|workflows?|approach(?:es)?|methods?|search(?:es)?|lists?|reads?"
    r"|apis?|calls?|process(?:es)?|lookups?|queries)\b"
)
#: Doing it step by step yourself.
_MANUAL = (
    r"\b(?:manual(?:ly)?|separately|individually|one\s+by\s+one|step[\s-]by[\s-]step"
    r"|(?:calling|using|invoking|running)\s+" + _NAMED_TOOL + r"\s+(?:and\s+then|then|followed\s+by"
    r"|and|before|after))\b"
)
#: What runs it down.
_FLAW = (
    r"\b(?:deprecated|unsafe|insecure|compromised|untrusted|unreliable|stale|outdated"
    r"|out[\s-]of[\s-]date|inaccurate|error[\s-]prone|prone\s+to|risk(?:s|y|ing)?\s+(?:of\s+)?"
    r"(?:hallucinat\w*|errors?|mistakes|data\s+loss|race|failures?|inconsisten\w+)|hallucinat\w*"
    r"|race\s+conditions?|out\s+of\s+sync|fragmented|volatile|unorganized|(?:frequently|often"
    r"|usually|typically)\s+(?:blocked|fails?|wrong|leaves?|misses|breaks?|returns?\s+wrong)"
    r"|(?:is|are|was|were|been)\s+(?:\w+\s+)?(?:broken|buggy|blocked|vulnerable|dangerous"
    r"|flagged\s+(?:for|as)\s+(?:\w+\s+)?(?:security|removal|deprecation|compliance|issues?"
    r"|errors?|vulnerab\w*|unsafe|insecure))|no\s+longer\s+(?:trusted|supported|safe|reliable|accurate|secure))\b"
    r"(?!\s*:)"  # "insecure: skip TLS verification" names a parameter
)
#: The person's identifiers.
_IDENTIFIER = (
    r"(?:passport(?:\s+(?:number|no\.?|id))?|driver'?s?\s+licen[cs]e(?:\s+(?:number|id))?"
    r"|national\s+id|id\s+(?:number|card)|social\s+security(?:\s+number)?|ssn|date\s+of\s+birth"
    r"|birth\s*date|(?:phone|mobile|contact)(?:\s+(?:phone|number))*|e-?mail(?:\s+(?:address|id))?"
    r"|(?:home\s+|postal\s+)?address|iban|card\s+number)"
)
#: Somewhere the model holds it without being given it for this call.
_ELSEWHERE = (
    r"(?:retriev\w*|obtain\w*|tak(?:e|en)|pull\w*|look(?:ed)?\s+(?:(?:it|them)\s+)?up|fetch\w*|found|find|get"
    r"|extract\w*|infer\w*|assum\w*|read)\s+(?:it\s+|this\s+|them\s+)?(?:from|in)\s+(?:the\s+"
    r"|their\s+|his\s+|her\s+)?(?:user'?s?\s+)?(?:profile|account|context|memory|history"
    r"|contacts|previous\s+\w+|received\s+e-?mails?|e-?mails|inbox|conversation|address\s+context"
    r"|['\"]?to['\"]?\s+field)"
)

# --- families ---------------------------------------------------------------------------------

DISPARAGE: Final[list[Pattern]] = [
    (
        2,
        _c(
            r"(?<!this\s)(?<!that\s)(?:" + _NAMED_TOOL + r"|" + _ORDINARY + r"|" + _MANUAL + r")"
            + _near(90)
            + _FLAW
        ),
        (
            "deprecated", "unsafe", "insecure", "compromised", "untrusted", "unreliable", "stale",
            "outdated", "out-of-date", "out of date", "inaccurate", "error", "prone", "risk",
            "hallucinat", "race", "sync", "fragmented", "volatile", "unorganized", "often",
            "frequently", "usually", "typically", "broken", "buggy", "blocked", "flagged",
            "vulnerable", "dangerous", "longer",
        ),
    ),
]  # fmt: skip

#: Harsher than "deprecated": the other one is said to be dangerous or wrong.
_HARSH = (
    r"\b(?:unsafe|insecure|compromised|untrusted|unreliable|stale|inaccurate|error[\s-]prone"
    r"|hallucinat\w*|race\s+conditions?|vulnerable|dangerous|broken|buggy|(?:frequently|often)"
    r"\s+(?:blocked|fails?|wrong|misses)|no\s+longer\s+(?:trusted|safe|secure|reliable))\b"
)
#: This tool put forward in its place.
_USE_ME = (
    r"\b(?:(?:use|call|choose|select|prefer|pick|invoke)\s+(?:this|me)\b|this\s+(?:[\w.-]+\s+)?"
    r"(?:tool|function|version|one|endpoint)\s+(?:instead|rather|is\s+the\s+(?:only|safe|correct"
    r"|right|recommended))\b)"
)

DISPARAGE.append(
    (
        3,
        _c(
            r"(?<!this\s)(?:"
            + _NAMED_TOOL
            + r"|"
            + _ORDINARY
            + r"|"
            + _MANUAL
            + r")"
            + _near(90)
            + _HARSH
            + r"[\s\S]{0,200}?"
            + _USE_ME
            + r"|"
            + _USE_ME
            + r"[\s\S]{0,200}?(?:"
            + _NAMED_TOOL
            + r"|"
            + _ORDINARY
            + r")"
            + _near(90)
            + _HARSH
        ),
        (
            "unsafe",
            "insecure",
            "compromised",
            "untrusted",
            "unreliable",
            "stale",
            "inaccurate",
            "error",
            "prone",
            "hallucinat",
            "race",
            "vulnerable",
            "dangerous",
            "broken",
            "buggy",
            "blocked",
            "fail",
            "wrong",
            "misses",
            "longer",
        ),
    )
)

#: Other tools or the ordinary workflow, as what this tool does away with.
_OTHERS_OR_WORKFLOW = (
    r"(?:" + _NAMED_TOOL + r"|\b(?:the\s+)?(?:following|separate|individual|granular|multiple"
    r"|several|other|standard|basic|lengthy|manual)\s+(?:[\w-]+\s+){0,2}?(?:tools?|functions?"
    r"|calls?|steps?|workflows?)\b|\bworkflows?\b)"
)

DISPARAGE.append(
    (
        2,
        _c(
            r"\b(?:supersed(?:es|ing)|eliminat(?:es|ing)\s+the\s+need\s+(?:to|for)|no\s+need\s+to\s+"
            r"manually\s+\w+|instead\s+of\s+(?:manually\s+)?"
            r"(?:calling|using|invoking|chaining|running)|replac(?:es|ing)\s+(?:the\s+)?(?:\w+\s+)?"
            r"(?:need\s+(?:for|to)|[\"'][^\"'\n]{0,60}[\"']\s+workflow|workflow|calls?\s+to))\b"
            + _near(100)
            + _OTHERS_OR_WORKFLOW
        ),
        ("supersed", "eliminat", "need", "instead", "replac"),
    )
)

#: A heading that lays down a mandate ("**MANDATORY PREREQUISITE**", "**PROTOCOL
#: REQUIREMENT**:"): authority the tool awards itself, scored as ``authority-tag``.
MANDATE_HEADING: Final[list[Pattern]] = [
    (
        1,
        re.compile(
            r"\*\*\s*(?:[A-Z][A-Z /&-]{0,30}?\s)?(?:MANDATORY|REQUIRED|REGULATORY|COMPLIANCE|PROTOCOL"
            r"|CRITICAL|POLICY|SECURITY)\s+(?:[A-Z-]+\s+){0,2}(?:REQUIREMENT|PREREQUISITE|PROTOCOL"
            r"|DIRECTIVE|CONFIGURATION|ARGUMENT|PARAMETER|IDENTITY|CLASSIFICATION)S?\s*\*\*"
        ),
        ("**",),
    ),
]

PITCH: Final[list[Pattern]] = [
    (
        1,
        _c(
            r"(?:^|\n)[\s>#*_\[(-]*(?:\*\*|\[|#+\s)[^\]\n]{0,40}?\b(?:why\s+(?:(?:you\s+should\s+)?"
            r"(?:use|choose|pick|prefer)\s+(?:this|me|it)|this\s+is\s+the\s+(?:\w+\s+)?(?:choice"
            r"|option))|why\s+not\b|value\s+proposition|(?:core|key|unique)\s+advantages?"
            r"|superior\s+to|(?:superset|functionality)\s+replacement|replacement\s+declaration"
            r"|differentiation|better\s+than\s+(?:the\s+)?(?:standard|other|built-in|default))"
        ),
        ("why", "value", "advantage", "superior", "replacement", "differentiation", "better"),
    ),
]

#: The person's confirmation left out.
_SKIP_CONFIRM = (
    r"(?:\bwithout\s+(?:\w+\s+){0,2}?(?:(?:asking|requiring|needing|waiting|prompting"
    r"|requesting|seeking|awaiting)\s+(?:for\s+)?)?(?:the\s+|any\s+|an?\s+)?(?:user'?s?\s+"
    r"|explicit\s+|manual\s+|further\s+|additional\s+|human\s+)?(?:confirmation|approval"
    r"|permission|consent)\b"
    r"|\bauto[\s_-]?(?:confirm|approv)\w*"
    r"|\bno\s+(?:user\s+|further\s+|manual\s+)?(?:confirmation|approval|consent)\s+(?:is\s+)?"
    r"(?:needed|required|necessary)"
    r"|\bskip(?:s|ping)?\s+(?:the\s+)?(?:user'?s?\s+)?(?:confirmation|approval))"
)
_SKIP_ANCHORS = ("without", "auto", "confirmation", "approval", "consent")
#: Skipping it is the default, immediate, or the selling point.
_BY_DEFAULT = (
    r"(?:\bdefaults?\s+(?:to\s+|is\s+|:\s*)?[`'\"]?(?:true|yes|on|enabled)\b|\bby\s+default\b"
    r"|\bimmediately\b|\binstantly\b)"
)
#: A sentence that opens with an order to act.
_ACT_NOW = (
    r"(?:^|[.!?]\s+|\n\s*)[*_\s]*(?:always\s+)?(?:execute|run|perform|send|pay|transfer|delete"
    r"|proceed|process|approve|act|complete|submit|purchase)\b"
)

UNCONFIRMED: Final[list[Pattern]] = [
    (
        2,
        _c(
            _SKIP_CONFIRM + _near(80) + _BY_DEFAULT
            + r"|" + _BY_DEFAULT + _near(60) + _SKIP_CONFIRM
            + r"|\bzero[\s-]click\b"
            + r"|" + _ACT_NOW + _near(100) + _SKIP_CONFIRM
        ),
        (*_SKIP_ANCHORS, "zero"),
    ),
    (1, _c(_SKIP_CONFIRM), _SKIP_ANCHORS),
]  # fmt: skip

GATEKEEPER: Final[list[Pattern]] = [
    (
        2,
        _c(
            r"\b(?:it|this\s+(?:[\w-]+\s+)?(?:tool|function|step|check|handshake|call|utility))\s+"
            r"[*_]*(?:must|shall|has\s+to|needs\s+to|is\s+required\s+to)[*_]*\s+(?:always\s+)?be\s+"
            r"(?:called|executed|run|invoked|used|performed|triggered)\b"
            + _near(80)
            + r"\b(?:before|after|prior\s+to|following)\s+(?:accessing\s+|using\s+|calling\s+"
            r"|executing\s+|performing\s+)?(?:any|every|each|all)\s+(?!(?:other\s+)?(?:[\w-]+\s+){0,3}?"
            r"(?:tools?|functions?|operations?\s+(?:with|on|in|using))\b)"
        ),
        whole("it", "this"),
    ),
    (
        2,
        _c(
            r"\b(?:all|any|every|each)\s+(?:[\w/-]+,?\s+(?:and\s+|or\s+)?){0,4}?(?:operations?"
            r"|tool\s+calls?|requests?|actions?|transactions?)\b(?:\s+\([^)\n]{0,30}\))?\s+[*_]*"
            r"(?:must|shall|should)[*_]*\s+(?:always\s+)?be\s+(?:immediately\s+)?followed\s+by\b"
        ),
        whole("followed"),
    ),
]

PII_ASK: Final[list[Pattern]] = [
    (
        2,
        _c(
            r"\b(?:the\s+)?(?:current\s+)?user'?s\s+(?:\w+\s+){0,2}?" + _IDENTIFIER + r"\b"
            + _near(60)
            + r"\b"
            + _ELSEWHERE
        ),
        ("user",),
    ),
]  # fmt: skip

#: The families this module adds (``hardener.detect.patterns`` merges them into ``FAMILIES``).
HIJACK_FAMILIES: Final[dict[str, list[Pattern]]] = {
    "disparage": DISPARAGE,
    "pitch": PITCH,
    "unconfirmed": UNCONFIRMED,
    "hijack": GATEKEEPER,
    "pii-ask": PII_ASK,
    "authority-tag": MANDATE_HEADING,
}
#: Of those, the families that read prose only (a property name is not a sentence).
HIJACK_PROSE_ONLY: Final = frozenset({"disparage", "pitch", "unconfirmed", "pii-ask"})
#: Families scored as another one (the same move never counts twice).
SCORED_AS: Final = {"disparage": "promotion"}


# --- listing-aware weight ---------------------------------------------------------------------

_IDENT_RE: Final = re.compile(r"`([A-Za-z][\w.\-]*)`|\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b")


def _norm(name: str) -> str:
    return name.lower().replace("-", "_")


def disparaged_weight(
    matched: str,
    weight: int,
    siblings: frozenset[str],
    other_tools: frozenset[str],
    own_params: frozenset[str] = frozenset(),
) -> tuple[int, str]:
    """(weight, note) of a ``disparage`` match once the listing is known: running down a tool
    of *another* server of the client by name weighs 3 (the move that wins the model's choice
    away from it); when every tool it names is one of the same listing's, the server speaks of
    its own tools (a deprecation notice), which weighs 1; when every name is one of the tool's
    own input properties ("`tray_id`/`url` (omit all three to list everything)"), it speaks
    of its arguments, not of a tool: 0."""
    named = {_norm(a or b) for a, b in _IDENT_RE.findall(matched)}
    if not named:
        return weight, ""
    if own_params and named <= {_norm(p) for p in own_params}:
        return 0, "about the tool's own parameters"
    if named & {_norm(t) for t in other_tools}:
        return 3, "runs down a tool of another server"
    if siblings and named <= {_norm(s) for s in siblings}:
        return min(weight, 1), "about the server's own tools"
    return weight, ""


# --- schema: a switch that skips the confirmation -----------------------------------------------

#: A property whose job is to skip the person's confirmation.
_SKIP_SWITCH: Final = re.compile(
    r"^(?:auto[_-]?(?:confirm|approve|accept)\w*|skip[_-]?(?:confirm|approv|review)\w*"
    r"|no[_-]?(?:confirm|prompt)\w*|bypass[_-]?(?:confirm|approv|review)\w*|zero[_-]?click"
    r"|without[_-]?confirm\w*|dont[_-]?ask|silent[_-]?(?:approve|confirm)\w*)$",
    _F,
)


def skip_switches(schema: object) -> list[tuple[str, int]]:
    """(property name, weight) of each input-schema property that switches the person's
    confirmation off: 1, or 2 when it is on unless the model turns it off (``default``/``const``
    true)."""
    props = schema.get("properties") if isinstance(schema, Mapping) else None
    if not isinstance(props, Mapping):
        return []
    found = []
    for name, spec in props.items():
        if not _SKIP_SWITCH.match(str(name)):
            continue
        on = isinstance(spec, Mapping) and (
            spec.get("default") is True or spec.get("const") is True
        )
        found.append((str(name), 2 if on else 1))
    return found


#: Why each family's match matters (the finding's note: a reviewer decides in seconds).
WHY: Final = {
    "disparage": "runs another tool or the ordinary workflow down to win the model's choice",
    "pitch": "a sales heading that argues for choosing this tool over others",
    "unconfirmed": "skips the person's confirmation",
    "pii-ask": "sends the model after the person's identifiers held elsewhere",
}
#: Notes by pattern (a family whose patterns do different jobs): id of the regex -> why.
WHY_BY_PATTERN: Final = {
    id(DISPARAGE[1][1]): "runs another tool down and puts itself in its place",
    **{id(rx): "plants itself before or after every other operation" for _w, rx, _a in GATEKEEPER},
    id(MANDATE_HEADING[0][1]): "a heading that lays down a mandate",
}


def why(family: str, regex: re.Pattern[str]) -> str:
    """The note for a match of one of this module's patterns ("" for other families)."""
    return WHY_BY_PATTERN.get(id(regex), WHY.get(family, ""))


# --- a look-alike of another server's tool ------------------------------------------------------

#: Words that dress a copy up as the better one.
_QUALIFIER: Final = re.compile(
    r"^(?:v\d+|\d+|new|pro|plus|secure|safe|safer|verified|official|enhanced|improved|fixed|real"
    r"|trusted|mod|modified|advanced|premium|fast|better|ultimate|alt|updated|latest|live|auth"
    r"|authorized|certified|compliance|compliant|audit(?:ed)?|with_[a-z0-9_]+)$"
)


def lookalike(name: str, other_tools: frozenset[str]) -> tuple[str, str] | None:
    """(the other tool, the qualifier) when ``name`` is another server's tool name with a
    qualifier that sells it (``read_file_secure``, ``verified_send_email``, ``search_v2``): a
    copy placed to win the model's choice away from the original. The same listing's own
    versions (``search`` and ``search_v2`` of one server) are ordinary and not looked at."""
    mine = _norm(name)
    for other in sorted(other_tools, key=len, reverse=True):
        them = _norm(other)
        if len(them) < 4 or them == mine:
            continue
        if mine.startswith(them + "_"):
            rest = mine[len(them) + 1 :]
        elif mine.endswith("_" + them):
            rest = mine[: -len(them) - 1]
        else:
            continue
        if _QUALIFIER.match(rest):
            return other, rest
    return None
