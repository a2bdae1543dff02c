"""Tool-selection manipulation and parameter injection (L1 pure core).

A tool can win the model's choice without running anything down: it presents itself as the
better copy of a tool the model already has, awards itself a trust label, or plants a parameter
that makes the model fetch, infer or push a value the person never gave. The shapes, each a
clause over word classes, are contributed as signal families to ``hardener.detect.patterns``
(each pattern has anchors like every other family):

* **replica** (new family): the tool says it is a variant of an ordinary tool, and the better
  one ("works exactly like the standard lookup but reads the certified records", "unlike the
  basic search, this version …", "more complete results than the regular listing", "a superior
  contacts tool", "this is the hardened edition of …"), or opens with a self-awarded trust label
  (``[SECURE]``, ``[VERIFIED]``, ``[OFFICIAL]``) and then vouches for its own data or channel
  ("the authoritative list", "audited history", "integrity-checked"). Weight 2.
* **trust label** (joins ``authority-tag``): a bracketed self-awarded label that opens the
  description (``[TRUSTED]``, ``[PRIORITY]``, ``[SMART]``, ``[ADMIN]``), weight 1.
* **banner** (joins ``pitch``): a product banner in place of a description (a bold capitalised
  name with a bracketed label, ``**LEDGER SYNC HUB [AUTO-PILOT]**``) and bracketed marketing
  sections (``[HOW IT WORKS]:``, ``[BEST FOR]:``). Weight 1.
* **shortcoming** (joins ``disparage``, scored as ``promotion``): the ordinary tool is said to
  miss, hide or omit data, to fail or be unable to handle something, to be suspended, to crash
  the session or to be an anti-pattern. Weight 2.
* **param-inject** (new family): a parameter's entry that opens with an emphasised mandate
  (``**MANDATORY**``, ``[REQUIRED]``, ``**ROUTING CONFIGURATION**``) and then pushes the value
  the model must pass ("recommended", "please use 'x' for all", "must be set to true"), or makes
  the model obtain it by calling another tool, infer it, or assume it from context. Weight 2.
  :func:`unrequired_mandates` adds the schema's side: a property documented as mandatory that
  the input schema leaves out of ``required`` (weight 1; 2 when its value must come from
  another call or the model's guess).
* **chain** (new family): the tool drives a money, credential or message action with a value it
  picks itself ("infers the amount from past payments, then schedules the transfer",
  "auto-calculates the difference and sends it"), or says the person's arguments are rewritten
  on the way ("the recipient is automatically replaced with …"), or shares, dispatches or
  invites on its own ("automatically grants access to every stakeholder"). Weight 2.
* **post-hook** (joins ``hijack``): the tool must run after every read or retrieval of other
  tools (weight 2); **policy pretext** (joins ``authority``): "according to the data retention
  policy" (weight 1).

Commands made a precondition of the tool's job, downloads piped into an interpreter and
everything the model holds passed to another tool are ``hardener.detect.orders``' families.

Weights follow the other families: one of these clauses needs a second family to reach the
default threshold of 3.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Final

from hardener.detect.clauses import Pattern, whole
from hardener.detect.clauses import ci as _c

# --- word classes -----------------------------------------------------------------------------

#: The ordinary tool the copy sets itself against.
_ORDINARY = (
    r"(?:standard|regular|original|default|built-in|normal|existing|basic|legacy|usual|plain"
    r"|generic|conventional|old(?:er)?|raw|direct|native|non-secure|unverified)"
)
#: What a tool, a search or a listing is called.
_TOOLISH = (
    r"(?:tools?|functions?|versions?|endpoints?|apis?|calls?|search(?:es)?|lookups?|lists?"
    r"|listings?|queries|readers?|methods?|interfaces?|clients?|services?|utilit(?:y|ies)"
    r"|commands?|workflows?)"
)
#: A word that vouches for data or a channel.
_VOUCHED = (
    r"(?:verifi\w*|authoritative|audited|certified|trusted|official|integrity|tamper[\s-]?proof"
    r"|validated|sanctioned|approved|compliant|hardened)"
)
#: A self-awarded trust label.
_TRUST_LABEL = (
    r"(?:secure[ds]?|safe|official|verified|trusted|certified|authori[sz]ed|enhanced|improved"
    r"|optimi[sz]ed|advanced|premium|pro|priority|preferred|recommended|smart|enterprise"
    r"|sys[\s_-]?admin|admin|root|system|privileged|elevated|gateway|compliance|compliant"
    r"|exclusive|member[\s_-]access|final[\s_-]price|guaranteed|validated|authentic|important"
    r"|critical|urgent)"
)
#: What the copy claims to be better at.
_BETTER = r"(?:more|better|higher|greater|fuller|richer|cleaner|safer|faster)\s+(?:[\w-]+\s+){0,2}?"

# --- replica ----------------------------------------------------------------------------------

REPLICA: Final[list[Pattern]] = [
    (
        2,  # "works exactly like the standard lookup tool but reads the certified records"
        _c(
            r"\b(?:works|functions|behaves|operates|acts)\s+(?:exactly\s+|just\s+|much\s+)?like"
            r"\s+(?:the\s+|a\s+)?" + _ORDINARY + r"\s+(?:[\w`'-]+\s+){0,3}?" + _TOOLISH
            + r"?\s*,?\s*(?:but|except|while|only)\b"
            r"|\b(?:identical|equivalent|same)\s+(?:to|as)\s+(?:the\s+)?" + _ORDINARY + r"\s+"
            r"(?:[\w`'-]+\s+){0,3}?" + _TOOLISH + r"\s*,?\s*(?:but|except)\b"
        ),
        whole("works", "functions", "behaves", "operates", "acts", "identical", "equivalent",
              "same"),
    ),
    (
        2,  # "unlike the basic search, this version …" (one tool, not "unlike regular tools")
        _c(
            r"\bunlike\s+the\s+(?:[\w-]+\s+){0,2}?" + _ORDINARY + r"\s+(?:[\w`'-]+\s+)"
            r"{0,2}?" + _TOOLISH + r"\b[^.\n]{0,20}?,\s*this\s+(?:[\w-]+\s+)?"
            r"(?:tool|function|version|endpoint|one|interface|utility|variant|edition)\b"
        ),
        ("unlike",),
    ),
    (
        2,  # "more complete results than the regular listing"
        _c(
            r"\b" + _BETTER + r"(?:results?|data|information|coverage|answers?|records?|output)?"
            r"\s*than\s+(?:the\s+|a\s+|any\s+)?" + _ORDINARY + r"\b"
            r"|\ba\s+superior\s+(?:[\w-]+\s+){0,2}?" + _TOOLISH + r"\b"
        ),
        whole("than", "superior"),
    ),
    (
        2,  # "this is the **Fast Ledger Lookup** version": an emphasised name for the copy
        _c(
            r"\bthis\s+is\s+(?:the|an?)\s+(?:\w+\s+)?\*\*[^*\n]{2,40}\*\*\s+"
            r"(?:version|edition|variant|build|implementation)\b"
        ),
        whole("this"),
    ),
]  # fmt: skip

#: An opening self-awarded label: ``[SECURE]``, ``**[VERIFIED] …**``.
_OPENING_LABEL = r"^[\s*_#>]*\[\s*(?:[\w-]+[\s_/-]+){0,2}?" + _TRUST_LABEL + r"\b[^\]\n]{0,40}\]"

REPLICA.append(
    (
        2,  # "[SECURE] Get the authoritative list …": a label and then it vouches for itself
        _c(
            _OPENING_LABEL
            + r"[\s\S]{0,400}?(?:\b"
            + _VOUCHED
            + r"\b|\bpreferred\b|\brecommended\s+for\b|\bessential\s+for\b|\buse\s+this\s+"
            r"(?:tool\s+|function\s+)?(?:for|to)\b|\bensures?\b|\bguarantees?\b|\b"
            + _BETTER
            + r"\w+\s+than\b|\bsuperior\b)"
        ),
        ("[",),
    )
)

#: Joins ``authority-tag`` (its weight-1 opening labels), so one label never counts twice.
TRUST_LABEL: Final[list[Pattern]] = [(1, _c(_OPENING_LABEL), ("[",))]

# --- banner, shortcoming ----------------------------------------------------------------------

BANNER: Final[list[Pattern]] = [
    (
        1,
        re.compile(
            r"^[\s>#]*\*\*\s*\[?[A-Z][A-Z0-9 &/-]{6,60}\]?\s*\[[A-Z][A-Z0-9 _&/-]{2,40}\]\s*\*\*"
            r"|(?:^|\n)[\s>#*_-]*\[\s*(?:HOW\s+IT\s+WORKS|BEST\s+FOR|FEATURES?|CAPABILIT(?:Y|IES)"
            r"|INTELLIGENCE|BENEFITS?|ADVANTAGES?|WHY\s+\w+(?:\s+\w+)?)\s*\??\s*\]\s*:?"
            r"|(?:^|\n)[\s>#-]*\*\*\s*(?:CAPABILITIES|BENEFITS|ADVANTAGES|KEY\s+FEATURES)\s*:?\s*"
            r"\*\*"
        ),
        ("**", "["),
    ),
]

#: The ordinary tool named: a backticked tool name, or "the standard … tool" (a bare
#: ``snake_case`` word may be a parameter).
_OTHER_TOOL = (
    r"(?:`[a-z][a-z0-9]*(?:_[a-z0-9]+)+`|`[A-Z][A-Za-z]{3,}`\s+tool|\b(?:the\s+)?"
    r"(?:standard|regular|original|built-in|legacy|basic|old(?:er)?)\s+"
    r"(?:[\w`'-]+\s+){0,2}?" + _TOOLISH + r"\b)"
)
#: Between the tool and its shortcoming: not this tool's own doing ("this tool's checks miss").
_NOT_MINE = r"(?:(?!\bthis\b|\.\s)[^\n]){0,50}?"
#: A shortcoming laid on it.
_SHORTCOMING = (
    r"\b(?:miss(?:es)?|hides?|omits?|drops?|lacks?|leaves?\s+out|cannot\s+(?:handle|read|see"
    r"|process|decode|access)|can't\s+(?:handle|read|see|process)|fails?\s+(?:when|to|on|for"
    r"|with)|(?:is|are|has\s+been|have\s+been)\s+(?:currently\s+)?(?:suspended|disabled"
    r"|deprecated\s+(?:due|because)|unavailable\s+(?:due|because))|will\s+(?:likely\s+)?"
    r"(?:crash|corrupt|result\s+in\s+(?:garbled|corrupt\w*|errors?|data\s+loss|failures?))"
    r"|anti-?pattern)\b"
)

#: What it absorbs: several separate tools, or the raw calls it is "designed to replace".
_ABSORBED = (
    r"\b(?:supersed(?:e|es|ed|ing)|obsolet(?:e|es|ing))\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:invocations?|use|calls?|flow|chain|combination)\s+of\s+(?:the\s+)?(?:following|discrete"
    r"|independent|separate|individual)\b|\bdesigned\s+to\s+(?:replace|supersede)\s+(?:the\s+)?"
    r"(?:[\w-]+,?\s+){0,2}?(?:unsecured|unsafe|insecure|raw|direct|manual|legacy|unverified)\b"
)

SHORTCOMING: Final[list[Pattern]] = [
    (
        2,
        _c(
            r"(?<!this\s)" + _OTHER_TOOL + _NOT_MINE + _SHORTCOMING
            + r"|\banti-?patterns?\b[*_]*\s+of\s+(?:manually|calling|looping|chaining|invoking)\b"
            + r"|" + _ABSORBED
        ),
        (
            "miss", "hide", "omit", "drop", "lack", "leave", "cannot", "can't", "fail",
            "suspended", "disabled", "deprecated", "unavailable", "crash", "corrupt", "garbled",
            "pattern", "supersed", "obsolet", "designed",
        ),
    ),
]  # fmt: skip

#: Joins ``promotion``: the tool names itself the one channel for a whole kind of work.
ONE_CHANNEL: Final[list[Pattern]] = [
    (
        2,  # "the **required, sanctioned gateway** for every outbound request"
        _c(
            r"\b(?:mandatory|certified|official|sanctioned|approved|required|authori[sz]ed)[*_,\s]+"
            r"(?:and\s+|[\w-]+\s+){0,2}?(?:interface|tool|method|gateway|way|channel|proxy|utility"
            r"|entry\s+point)[*_]*\s+for\s+(?:all|every|any)\b"
        ),
        ("interface", "tool", "method", "gateway", "way", "channel", "proxy", "utility", "entry"),
    ),
]

# --- parameter injection ----------------------------------------------------------------------

#: An emphasised mandate opening a parameter's entry (a docstring ``:param x:`` line, an
#: ``x (str):`` line, or a property description that starts with it).
_PARAM_OPENING = (
    r"(?:^\s*|:param\s+\w+\s*:\s*|\b\w+\s*\(\w+\)\s*:\s*)"
    r"(?:\*\*\s*[A-Z][A-Z /&-]{2,40}\s*\*\*|\[\s*(?:REQUIRED|MANDATORY|CRITICAL|SECURITY"
    r"|COMPLIANCE|IMPORTANT)\s*\])"
)
#: The value pushed on the model.
_PUSHED_VALUE = (
    r"(?:\brecommend(?:ed|ation)\b|\bplease\s+(?:use|set|pass)\b|\bmust\s+(?:be\s+)?(?:set\s+to"
    r"|one\s+of|use|provide|pass|categori[sz]e)\b|\bshould\s+(?:be\s+)?(?:set\s+to|infer"
    r"|use|default)\b|\buse\s+['\"`]\w+|\bset\s+(?:it\s+|this\s+)?to\s+['\"`]\w+[^.\n]{0,40}?"
    r"\b(?:recommended|to\s+(?:activate|enable|ensure|guarantee))|\b(?:obtain|get|retrieve"
    r"|fetch)\s+(?:this|it|the\s+value)\s+(?:by\s+calling|from\s+(?:the\s+)?(?:`|profile|context"
    r"|user))|\bassum(?:e|ed)\s+from\s+(?:the\s+)?context\b|\binfer\w*\s+(?:this|it)\s+from\b"
    r"|\brequired\s+(?:by|for)\s+(?:the\s+)?(?:proper|message|system|router|access|queue"
    r"|routing)\b)"
)

PARAM_INJECT: Final[list[Pattern]] = [
    (
        2,
        re.compile(_PARAM_OPENING + r"(?:(?!:param\b)[\s\S]){0,260}?(?i:" + _PUSHED_VALUE + r")"),
        ("**", "["),
    ),
]

# --- chain ------------------------------------------------------------------------------------

#: A value the tool picks itself.
_PICKED = (
    r"(?:infer(?:s|red|ring)?|determin(?:e|es|ed|ing)|guess(?:es|ed)?|deduc(?:e|es|ed)"
    r"|auto-?calculat(?:e|es|ed)|estimat(?:e|es|ed)|deriv(?:e|es|ed)|find\s+the\s+correct"
    r"|picks?|chooses?)"
)
#: What moves money, credentials or messages.
_VALUE = (
    r"(?:amount|sum|difference|price|recipient|payee|iban|account|password|credentials?"
    r"|rate|fee)"
)
_MONEY_ACTION = (
    r"(?:send(?:s|ing)?|pay(?:s|ing|ment)?|transfer\w*|schedul\w*|transaction\w*|standing"
    r"\s+order|recurring|executes?|dispatch\w*|charg\w*|refund\w*|wire\w*)"
)

#: A credential parameter shown with a concrete secret-looking value for the model to pass.
_PLANTED_VALUE = (
    r"(?<![a-z])(?:password|passphrase|passcode|pin|secret|token)\w*`?\s+(?:[\w-]+\s+){0,3}?"
    r"[^.\n]{0,30}?"
    r"\((?:e\.g\.|for\s+example|such\s+as|like)[,:]?\s*['\"`](?=[^'\"`\s]*\d)(?=[^'\"`\s]*[a-z])"
    r"[^'\"`\s]{6,40}['\"`]\)"
)

CHAIN: Final[list[Pattern]] = [
    (
        2,  # "infers the amount from past payments, then schedules the transfer"
        _c(
            r"\b" + _PICKED + r"\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,2}?" + _VALUE
            + r"\b[\s\S]{0,200}?\b" + _MONEY_ACTION + r"\b"
            r"|\b" + _MONEY_ACTION + r"\b[\s\S]{0,160}?\bwith\s+the\s+(?:inferred|guessed"
            r"|estimated|derived|calculated|determined)\s+" + _VALUE + r"\b"
        ),
        ("infer", "determin", "guess", "deduc", "calculat", "estimat", "deriv", "correct",
         "pick", "choose"),
    ),
    (
        2,  # "the recipient is automatically replaced with the verified account"
        _c(
            r"\b(?:the\s+|your\s+|any\s+|all\s+)?(?:user'?s\s+)?(?:query|queries|recipients?"
            r"|amounts?|address(?:es)?|destinations?|urls?|arguments|parameters|iban|payee"
            r"|account(?:\s+number)?)\s+(?:is|are|will\s+be|gets?)\s+(?:automatically|silently"
            r"|transparently|quietly|always)\s+(?:modified|rewritten|changed|replaced|redirected"
            r"|overridden|overwritten|swapped|adjusted|set)\s+(?:to|with|into)\b"
        ),
        ("automatically", "silently", "transparently", "quietly", "always"),
    ),
    (2, _c(_PLANTED_VALUE), ("pass", "pin", "secret", "token")),
    (
        2,  # "automatically grants access to every reviewer", "automatically dispatches the reply"
        _c(
            r"\bautomatic(?:ally)?\s+(?:\w+\s+){0,2}?(?:shar(?:e|es|ing)|dispatch(?:es|ing)?"
            r"|grants?\s+access|invit(?:e|es|ing)|appends?\s+[^.\n]{0,40}?links?)\b"
        ),
        ("automatic",),
    ),
]  # fmt: skip

# --- post-hook, policy pretext ----------------------------------------------------------------

POST_HOOK: Final[list[Pattern]] = [
    (
        2,  # "this tool must be called right after any data retrieval tool finishes"
        _c(
            r"\b(?:it|this\s+(?:[\w-]+\s+)?(?:tool|function|step|utility))\s+[*_]*(?:must|shall"
            r"|has\s+to|needs\s+to|is\s+required\s+to)[*_]*\s+(?:always\s+)?be\s+(?:called|executed"
            r"|run|invoked|used|triggered)\s+(?:immediately\s+|right\s+)?(?:after|following)\s+"
            r"(?:any|every|each|all)\s+(?:[\w-]+\s+){0,2}?(?:retrieval|read(?:ing)?|fetch\w*"
            r"|query|search|lookup|data|access)\b"
        ),
        whole("after", "following"),
    ),
]

PRETEXT: Final[list[Pattern]] = [
    (
        1,
        _c(
            r"\baccording\s+to\s+(?:the\s+|our\s+)?(?:[\w-]+\s+){0,3}?(?:retention|security"
            r"|compliance|governance|dlp|privacy)\s+(?:[\w-]+\s+)?(?:polic(?:y|ies)|regulations?"
            r"|mandates?|rules?)\b"
        ),
        ("according",),
    ),
]

#: The families this module adds (``hardener.detect.patterns`` merges them into ``FAMILIES``).
SELECTION_FAMILIES: Final[dict[str, list[Pattern]]] = {
    "replica": REPLICA,
    "authority-tag": TRUST_LABEL,
    "pitch": BANNER,
    "disparage": SHORTCOMING,
    "promotion": ONE_CHANNEL,
    "param-inject": PARAM_INJECT,
    "chain": CHAIN,
    "hijack": POST_HOOK,
    "authority": PRETEXT,
}
#: Families scored as another one: a better copy of another tool is the bait move.
SCORED_AS: Final = {"replica": "bait"}
#: Of those, the families that read prose only (a property name is not a sentence).
SELECTION_PROSE_ONLY: Final = frozenset({"replica", "param-inject", "chain"})

#: Why each match matters (the finding's note): id of the regex -> why.
WHY_BY_PATTERN: Final = {
    **{id(rx): "presents itself as the better copy of an ordinary tool" for _w, rx, _a in REPLICA},
    id(REPLICA[-1][1]): "a self-awarded trust label, then it vouches for its own data",
    id(TRUST_LABEL[0][1]): "opens with a self-awarded trust label",
    id(BANNER[0][1]): "a product banner or marketing section in place of a description",
    id(SHORTCOMING[0][1]): "says the ordinary tool misses, hides or fails, to win the choice",
    id(ONE_CHANNEL[0][1]): "names itself the one channel for a whole kind of work",
    id(PARAM_INJECT[0][1]): "an emphasised mandatory parameter whose value it pushes or sends "
    "the model to fetch",
    id(CHAIN[0][1]): "moves money or credentials with a value the tool picks itself",
    id(CHAIN[1][1]): "says the person's arguments are rewritten on the way",
    id(CHAIN[2][1]): "plants a secret-looking value for a credential parameter",
    id(CHAIN[3][1]): "shares, dispatches or invites on its own, unasked",
    id(POST_HOOK[0][1]): "plants itself after every read of other tools",
    id(PRETEXT[0][1]): "a policy-sounding pretext for an order",
}


# --- schema: a mandate the schema does not back -------------------------------------------------

_MANDATE_RE: Final = re.compile(
    r"\*\*\s*(?:MANDATORY|REQUIRED)\b|\[\s*(?:MANDATORY|REQUIRED)\s*\]|\bMANDATORY\b"
    r"|^(?::param\s+\w+\s*:)?\s*\*\*\s*[A-Z][A-Z /&-]{2,40}\*\*"  # opens with a bold caps label
)
#: The value must come from another call, the person's records, or the model's guess.
_FETCHED_RE: Final = _c(
    r"\b(?:by\s+calling|call(?:ing)?\s+(?:the\s+)?`?\w+`?\s+(?:tool\s+)?(?:first|to\s+(?:get"
    r"|obtain))|retriev\w*\s+(?:it\s+)?from\s+(?:the\s+)?(?:user'?s?\s+)?profile|assum\w*\s+"
    r"from\s+(?:the\s+)?context|infer\w*\s+(?:this\s+|it\s+)?from|found\s+in\s+the\s+['\"]?to"
    r"['\"]?\s+field)"
)


def _param_entries(item: Mapping[str, object]) -> Iterator[tuple[str, str]]:
    """(parameter, its documentation): the property's description, and its ``:param x:``
    entry in the tool's description (up to the next entry)."""
    schema = item.get("inputSchema")
    props = schema.get("properties") if isinstance(schema, Mapping) else None
    if not isinstance(props, Mapping):
        return
    description = item.get("description")
    text = description if isinstance(description, str) else ""
    for name, spec in props.items():
        if isinstance(spec, Mapping) and isinstance(spec.get("description"), str):
            yield str(name), str(spec["description"])
        at = text.find(f":param {name}:")
        if at >= 0:
            end = text.find(":param ", at + 7)
            yield str(name), text[at : end if end >= 0 else len(text)]


def unrequired_mandates(item: Mapping[str, object]) -> list[tuple[str, int, str]]:
    """(parameter, weight, excerpt) for each input property documented with an emphasised
    mandate (``**MANDATORY**``, ``[REQUIRED]``) that the schema leaves out of ``required``: a
    made-up requirement, weight 1; 2 when its value must come from another call, the person's
    profile or the model's guess (the parameter makes the model fetch or invent it)."""
    schema = item.get("inputSchema")
    required = schema.get("required") if isinstance(schema, Mapping) else None
    listed = {str(r) for r in required} if isinstance(required, list) else set()
    found: dict[str, tuple[int, str]] = {}
    for name, doc in _param_entries(item):
        if name in listed or _MANDATE_RE.search(doc) is None:
            continue
        weight = 2 if _FETCHED_RE.search(doc) else 1
        if weight > found.get(name, (0, ""))[0]:
            found[name] = (weight, doc.strip()[:120])
    return [(name, weight, doc) for name, (weight, doc) in found.items()]
