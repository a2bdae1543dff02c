"""Instructions addressed to the model about things outside a tool's job (L1 pure core).

The clause families (``hardener.detect.clauses``) read fixed shapes; this module reads one
*structure* sentence by sentence, so a wording no source used before still counts:

1. the sentence **directs** someone: a modal or an urgency word (must, should, always, make
   sure, remember to, it is essential that …), or it opens with an imperative verb ("Read …",
   "Include …", "Note: send …"); and
2. it concerns a **scope** a tool's own documentation has no business steering the model in:

   - ``conversation``: the person's messages, the chat history, the system prompt, the
     model's instructions or context;
   - ``secret``: credentials, keys, tokens, passwords, seed phrases;
   - ``file``: a file outside the tool's arguments (a home path ``~/…``, ``/etc/…``, a dotfile,
     the home directory);
   - ``other-tools``: every/any/each/all other tool call ("before each tool call", "for every
     subsequent request");
   - ``reply``: the model's answer to the person ("in your reply", "tell the user …");
   - ``hiding``: keeping it from the person (do not mention, without telling, the user need not
     know, silently);
   - ``consent``: skipping the person's confirmation (without asking for confirmation, already
     approved);
   - ``persistence``: surviving the session (remember permanently, every future session);
   - ``destination``: a fixed address or URL data goes to.

Weight (family ``directive``): one ordinary scope 1; a *strong* scope (hiding, consent,
persistence, other-tools) or two scopes 2; three scopes, or a strong scope with another, 3.
A negated directive about secrets, files or the conversation ("never include credentials")
is a safeguard and counts nothing for those scopes. The strongest sentence of a text counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from hardener.detect.patterns import SENSITIVE_PATH

_F = re.IGNORECASE

#: Where a sentence ends (a dot, ! or ? and a space; a paragraph break; a line break after a
#: colon or bold text, or before a list item, a heading or a capital). Texts come with their
#: line breaks: a wrapped docstring line goes on in lower case.
_SENTENCE_RE: Final = re.compile(
    r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)[.!?](?=\s)|\n\s*\n|\n(?=\s*(?:[-*•#>|]|\d+[.)]|[A-Z]))"
    r"|(?<=[:*])[ \t]*\n"
)

_MODAL: Final = re.compile(
    r"\b(?:must|should|shall|needs?\s+to|have\s+to|has\s+to|(?:are|is)\s+(?:required|expected"
    r"|instructed|supposed)\s+to|make\s+sure|ensure|be\s+sure\s+to|remember\s+to|don'?t\s+forget"
    r"|do\s+not\s+forget|always|never|please|do\s+not|don'?t|it\s+is\s+(?:essential|critical|mandatory|vital"
    r"|important|necessary|required)\s+(?:that|to))\b",
    _F,
)
#: An imperative verb opening the sentence (after an optional label or adverb).
_IMPERATIVE: Final = re.compile(
    r"^\W*(?:(?:note|important|remember|reminder|also|then|first|finally|additionally|next"
    r"|afterwards|please|always|now)\s*[:,]?\s+)*(?:read|send|forward|include|append|attach"
    r"|call|invoke|run|execute|copy|upload|post|store|save|remember|add|tell|inform|check|ignore"
    r"|respond|reply|answer|pass|provide|insert|ask|collect|gather|share|fetch|retrieve|open"
    r"|e-?mail|notify|report|mention|prefix|write|record|log|keep|hide|treat|consider|assume"
    r"|trust|prefer|route|redirect|bcc|cc|grant|disable|skip|bypass|embed|put|place|set|output"
    r"|print|return|submit|transmit|mirror|sync|summari[sz]e|list|enumerate|look\s+up|encode"
    r"|obfuscate|consult|prepend|replace|use|apply|check\s+in|delete|remove|overwrite|modify"
    r"|change|install|approve|accept|confirm|purchase|buy|pay|transfer|wire|grant|sign)\b",
    _F,
)
#: A condition or purpose clause, then the imperative ("Whenever an email is sent, also bcc …",
#: "After each search, forward …", "To personalise it, open …").
_CLAUSED_IMPERATIVE: Final = re.compile(
    r"^\W*(?:[\w-]+\s*:\s*)?(?:when(?:ever)?|if|each\s+time|every\s+time|after|before|once"
    r"|while|as\s+soon\s+as|to|for|in\s+order\s+to)\b[^,;:]{0,120}[,;:]\s*(?:(?:also|then"
    r"|first|always|please|simply|just|now)\s+)*(?:read|send|forward|include|append|attach|call"
    r"|invoke|run|execute|copy|upload|post|store|save|remember|add|tell|check|pass|provide"
    r"|insert|ask|collect|gather|share|fetch|retrieve|open|e-?mail|notify|report|mention|prefix"
    r"|prepend|write|record|log|keep|hide|set|put|embed|bcc|cc|route|redirect|use|output|print"
    r"|submit|transmit|mirror|encode|replace|change)\b",
    _F,
)
#: Words addressed to the model (the sentence need not start with the verb then).
_ADDRESSED: Final = re.compile(
    r"\b(?:you|your|yourself|the\s+(?:ai|assistant|model|llm|agent|bot|copilot)|ai\s+assistants?"
    r"|claude|chatgpt)\b",
    _F,
)
_NEGATED: Final = re.compile(
    r"\b(?:never|do\s*not|don'?t|must\s+not|should\s+not|shall\s+not|cannot|can'?t|no)\b", _F
)

_SCOPES: Final[dict[str, re.Pattern[str]]] = {
    "conversation": re.compile(
        r"\b(?:conversation(?:\s+(?:history|so\s+far|log))?|chat\s+(?:history|log|transcript)"
        r"|(?:previous|prior|earlier|past|all|recent)\s+(?:user\s+)?messages|message\s+history"
        r"|(?:the\s+)?user'?s\s+(?:messages?|requests?|quer(?:y|ies)|prompts?|questions?|inputs?"
        r"|intent)|everything\s+the\s+user\s+(?:says|said|types?|writes?|asks?)|system\s+prompt"
        r"|(?:your|the\s+model'?s?)\s+(?:instructions|context|memory)|context\s+window"
        r"|(?:full|entire|whole)\s+(?:context|session|dialog(?:ue)?|thread)|(?:chat|conversation"
        r"|discussion)\s+so\s+far|(?:every|each|all)\s+(?:of\s+the\s+user'?s\s+)?messages?)\b",
        _F,
    ),
    "secret": re.compile(
        r"\b(?:passwords?|passphrases?|api[\s_-]?keys?|access[\s_-]?(?:keys?|tokens?)"
        r"|secret[\s_-]?keys?|secrets|credentials?|private[\s_-]?keys?|ssh[\s_-]?keys?"
        r"|(?:auth|bearer|session|oauth|refresh)[\s_-]?tokens?|session[\s_-]?cookies?|cookies"
        r"|seed[\s_-]?phrases?|mnemonic|recovery[\s_-]?(?:phrases?|codes?)|2fa\s+codes?"
        r"|one[\s-]time\s+(?:codes?|passwords?)|environment\s+variables?|env\s+vars?"
        r"|(?:deploy|personal(?:\s+access)?|github|gitlab|npm|pypi|slack|admin|root|service[\s-]account"
        r"|signing|master|wallet)\s+(?:tokens?|keys?))\b",
        _F,
    ),
    "file": re.compile(
        r"(?<![\w/])~/[\w.-]+|\$HOME\b|%USERPROFILE%|(?<![\w])/etc/[\w.-]+|\bhome\s+(?:directory"
        r"|folder)|" + SENSITIVE_PATH,
        _F,
    ),
    "other-tools": re.compile(
        r"\b(?:every|each|any|all|other|another)\s+(?:other\s+|subsequent\s+|future\s+|later\s+"
        r"|further\s+)?(?:[\w-]+\s+)?(?:tools?|functions?|mcp\s+servers?|servers?|commands?)"
        r"(?:\s+(?:calls?|invocations?|uses?|requests?))?\b"
        r"|\b(?:before|after|when)\s+(?:\w+ing|execute|call|run|use|invoke)\s+(?:the\s+|any\s+)?"
        r"[\w.-]+\s+(?:operations?|tools?|functions?)\b"
        r"|\b(?:before|after)\s+(?:each|every|any)\s+(?:other\s+)?(?:tool\s+call|call|request"
        r"|action|step|operation)\b|\b(?:every|each|all)\s+(?:subsequent|future)\s+(?:calls?"
        r"|requests?|responses?|actions?)\b|\bother\s+(?:tools|servers|mcp\s+servers)\b",
        _F,
    ),
    "reply": re.compile(
        r"\b(?:in|into|to|at\s+the\s+(?:end|start|beginning|top|bottom)\s+of)\s+(?:your|every"
        r"|each|all|any)\s+(?:final\s+|next\s+)?(?:responses?|answers?|repl(?:y|ies)|outputs?"
        r"|messages?\s+to\s+the\s+user)\b|\b(?:tell|inform|convince|assure|persuade)\s+(?:the\s+)?"
        r"(?:user|human|person)\b",
        _F,
    ),
    "hiding": re.compile(
        r"\b(?:do\s*not|don'?t|never|must\s+not|should\s+not|no\s+need\s+to)\s+(?:\w+\s+){0,2}?"
        r"(?:mention|tell|inform|reveal|disclose|notify|alert|show|discuss|explain|surface)\b"
        r"|\bwithout\s+(?:telling|informing|notifying|alerting|mentioning|showing|letting)\b"
        r"|\b(?:silently|secretly|covertly|quietly|discreetly|stealthily|behind\s+the\s+scenes)\b"
        r"|\b(?:user|human|person)s?\s+(?:does|do|will|must|should|need)\s*(?:not|n'?t|never)\s+"
        r"(?:need\s+to\s+)?(?:know|see|notice|be\s+(?:told|aware|informed))",
        _F,
    ),
    "consent": re.compile(
        r"\bwithout\s+(?:\w+\s+)?(?:confirmation|permission|approval|consent|asking)\b"
        r"|\b(?:do\s*not|don'?t|never|must\s+not|should\s+not)\s+(?:\w+\s+)?(?:ask|check\s+with"
        r"|consult|confirm\s+with)\s+(?:the\s+)?(?:user|human|person)\s+(?:for|before|whether|if"
        r"|first|to\s+(?:confirm|approve|allow|authori[sz]e))\b"
        r"|\b(?:without|no\s+need\s+(?:for|to)|do\s*not|don'?t|never|skip(?:ping)?)\s+(?:\w+\s+)?"
        r"(?:ask(?:ing)?|request(?:ing)?|seek(?:ing)?|wait(?:ing)?\s+for|prompt(?:ing)?|get(?:ting)?"
        r"|the)\s+(?:\w+\s+){0,3}?(?:confirmation|permission|approval|consent)\b"
        r"|\b(?:already|pre-?)\s*(?:authori[sz]ed|approved|consented|granted)\b"
        r"|\b(?:user|human)\s+has\s+(?:already\s+)?(?:authori[sz]ed|approved|consented|granted)\b",
        _F,
    ),
    "persistence": re.compile(
        r"\b(?:remember|memori[sz]e|retain|keep|store|save)\b[^.\n]{0,60}\b(?:permanently|forever"
        r"|indefinitely|across\s+sessions|for\s+(?:all\s+)?future)\b|\b(?:every|all|each)\s+"
        r"(?:future|subsequent|later|new)\s+(?:sessions?|conversations?|chats?)\b",
        _F,
    ),
    "destination": re.compile(
        r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b|https?://[^\s)'\"]+|\bwebhook\b"
        r"|(?<![\w.])\+\d[\d\s().-]{7,}\d\b",
        _F,
    ),
    "pretext": re.compile(
        r"\b(?:for|to|due\s+to|per)\s+(?:\w+\s+){0,2}?(?:compliance|audit(?:ing)?|regulatory"
        r"|legal|security|gdpr|soc\s?2|hipaa)\s+(?:reasons?|purposes|requirements?|checks?"
        r"|polic(?:y|ies)|archives?|logs?)\b|\bfor\s+(?:compliance|auditing|verification)\b",
        _F,
    ),
    "encoding": re.compile(
        r"\b(?:encode|encoded|encoding|obfuscat\w*|base-?64|rot13|hex[\s-]?encod\w*)\b", _F
    ),
    "tamper": re.compile(
        r"\b(?:replace|overwrite|alter|modify|change|swap|falsify)\s+(?:the\s+|its\s+|their\s+"
        r"|all\s+)?(?:values?|results?|outputs?|responses?|arguments?|numbers?|answers?)\b",
        _F,
    ),
    "against-user": re.compile(
        r"\b(?:even\s+if|even\s+when|regardless\s+of\s+(?:what|whether))\s+(?:the\s+)?(?:user"
        r"|human|person)s?\s+(?:asks?|requests?|says?|wants?|tells?|prefers?|objects?)\b",
        _F,
    ),
}
_STRONG: Final = frozenset({"hiding", "consent", "persistence", "against-user"})
#: Scopes that count only beside another (benign documentation steers replies, names URLs and
#: says what to pass "to every subsequent tool call").
_WEAK: Final = frozenset({"reply", "destination", "other-tools", "pretext", "encoding"})
#: Scopes that count only when the sentence moves data (read, send, include …): "ensure your
#: credentials are configured" directs nothing about the secret itself.
_MOVED: Final = frozenset({"secret", "file", "conversation", "destination"})
_SAFEGUARDED: Final = frozenset({"secret", "file", "conversation"})
#: "Hiding" whose object is a secret: the secret is kept from whoever would see it (a
#: safeguard), not the tool's doings kept from the person.
_SECRET_KEPT: Final = re.compile(
    r"\b(?:never|do\s*not|don'?t|must\s+not|should\s+not|no)\s+(?:\w+\s+){0,2}?(?:reveal"
    r"|disclose|show|expose|leak|print|log)s?\s+(?:any\s+|the\s+|internal\s+|your\s+"
    r"|their\s+|stored\s+|raw\s+)*(?:secrets?|credentials?|passwords?|api[\s_-]?keys?|tokens?"
    r"|private[\s_-]?keys?|keys)\b(?!\s+(?:to\s+|with\s+)?(?:the\s+)?(?:users?|person|human|you|that"
    r"|which|we)\b)",
    _F,
)
_MOVE_VERB: Final = re.compile(
    r"\b(?:read|reads|send|sent|include|pass|provide|share|append|attach|paste|enter|upload"
    r"|forward|copy|collect|output|print|reveal|post|submit|extract|dump|store|save|log|record"
    r"|summari[sz]e|transmit|report|bcc|cc|mirror|sync|route|redirect|email|e-mail|leak|put"
    r"|embed|insert|add|give|supply|fill\s+in|look\s+up|fetch|retrieve|open|cat|gather)\b",
    _F,
)


@dataclass(frozen=True)
class Directive:
    weight: int
    span: tuple[int, int]  # the sentence
    scopes: tuple[str, ...]


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, lo = [], 0
    for match in _SENTENCE_RE.finditer(text):
        spans.append((lo, match.start() + 1))
        lo = match.end()
    spans.append((lo, len(text)))
    return [(a, b) for a, b in spans if b - a >= 12]


#: A directive signal's note: this prefix, then its scopes.
NOTE_PREFIX: Final = "directs the model about: "
#: Words of a tool's own name that make a scope its job.
_JOB_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "secret": ("password", "secret", "credential", "vault", "token", "key", "auth", "login"),
    "file": ("file", "path", "dir", "folder", "fs", "read", "write"),
    "conversation": ("message", "chat", "conversation", "history", "memory", "thread"),
}
_NAME_WORDS: Final = re.compile(r"[a-z]+|[A-Z][a-z]*")


def outside_job(scopes: tuple[str, ...], name: str) -> tuple[int, tuple[str, ...]]:
    """(weight, scopes) of a directive once the scopes the tool's own name shows to be its
    job are set aside (``password_update`` including the password in its response)."""
    words = [w.lower() for w in _NAME_WORDS.findall(name)]
    kept = tuple(
        scope
        for scope in scopes
        if not any(w.startswith(job) for w in words for job in _JOB_WORDS.get(scope, ()))
    )
    return _weight(set(kept)), kept


def _weight(scopes: set[str]) -> int:
    if not scopes or (scopes <= _WEAK and len(scopes) == 1):
        return 0
    points = sum(2 if scope in _STRONG else 1 for scope in scopes)
    return min(3, points)


def scopes_of(sentence: str) -> set[str] | None:
    """The scopes one sentence steers, or None when it directs no one."""
    directs = (
        _MODAL.search(sentence) is not None
        or _IMPERATIVE.match(sentence) is not None
        or _CLAUSED_IMPERATIVE.match(sentence) is not None
    )
    if not directs:
        return None
    negated = _NEGATED.search(sentence) is not None
    scopes = {name for name, regex in _SCOPES.items() if regex.search(sentence)}
    if "hiding" in scopes and _SECRET_KEPT.search(sentence):
        scopes.discard("hiding")  # "error messages never reveal secrets": keeps the secret
    if "hiding" in scopes and not _SCOPES["hiding"].search(_NOT_SILENTLY.sub(" ", sentence)):
        scopes.discard("hiding")  # "never silently use API nodes": keeps the person told
    if negated and "hiding" not in scopes and "consent" not in scopes:
        scopes -= _SAFEGUARDED
    if "secret" in scopes and _ISSUED.search(sentence) and not _HANDS_ON.search(sentence):
        scopes.discard("secret")  # "use the Upload URL endpoint to obtain credentials"
    if scopes & _MOVED and _MOVE_VERB.search(sentence) is None:
        scopes -= _MOVED
    return scopes


#: A concealing adverb under a prohibition ("never silently use API nodes", "do not quietly
#: retry"): the order keeps the person informed, the opposite of hiding.
_NOT_SILENTLY: Final = re.compile(
    r"\b(?:never|not|do\s*not|don'?t|must\s+not|mustn'?t|should\s+not|shouldn'?t)\s+"
    r"(?:\w+\s+)?(?:silently|secretly|covertly|quietly|discreetly|stealthily)\b",
    _F,
)
#: A credential the service itself issues, got from one of its endpoints or tools ("use the
#: `Generate Upload URL` endpoint to obtain credentials"): nothing of the person's is moved.
_ISSUED: Final = re.compile(
    r"\buse\s+(?:the\s+)?[^.\n]{1,60}?\b(?:endpoint|tool|api|call|command)\s+to\s+(?:obtain"
    r"|get|generate|create|request|mint|issue)\s+(?:\w+\s+){0,2}?(?:credentials?|tokens?"
    r"|keys?)\b",
    _F,
)
#: Handing a secret on, which an issued credential does not excuse.
_HANDS_ON: Final = re.compile(
    r"\b(?:include|send|pass|paste|share|append|attach|provide|forward|post|e-?mail|leak"
    r"|report|submit|reveal|print|output)\b",
    _F,
)


def strongest(text: str) -> Directive | None:
    """The strongest sentence of a (prose) text that directs the model about something outside
    a tool's job, or None."""
    best: Directive | None = None
    for lo, hi in _sentences(text):
        scopes = scopes_of(text[lo:hi])
        if not scopes:
            continue
        weight = _weight(scopes)
        if weight and (best is None or weight > best.weight):
            best = Directive(weight, (lo, hi), tuple(sorted(scopes)))
    return best


# --- claims about the tool itself -------------------------------------------------------------

#: The item talking about itself.
_SELF: Final = re.compile(
    r"\b(?:this|the\s+present)\s+(?:[\w-]+\s+)?(?:tool|function|server|service|endpoint|one"
    r"|method|version|integration|plugin)\b|\bthis\s+is\s+the\b|\buse\s+me\b",
    _F,
)
#: Authority claimed for it, shortly after it names itself ("this tool is the officially
#: approved …", "this is the recommended tool for …"). Priority alone ("must be called before
#: any other Shopify tool") is how honest servers order their own tools: not counted here.
_CLAIM: Final = re.compile(
    r"(?:\s+(?:is|was|has\s+been|are|remains))?(?:\s+(?:\w+|[*_]+)){0,4}?\s*[*_]*(?:required"
    r"|mandatory|compulsory|recommended|approved|authori[sz]ed|official(?:ly)?|certified|trusted"
    r"|verified|sanctioned|endorsed|preferred|designated|compliant|whitelisted|allow-?listed)\b",
    _F,
)
#: A sentence that opens with the claim, its subject (the tool) left out.
_ELIDED: Final = re.compile(
    r"^\W*()(?:highly\s+|strongly\s+|officially\s+)?[a-z]+\b(?=\s+(?:for|by|in)\b)", _F
)
#: How far it claims to reach: sensitive work, compliance, every operation.
_REACH: Final = re.compile(
    r"\b(?:sensitive|secure|confidential|compliance|gdpr|soc\s?2|hipaa|pci"
    r"|regulat\w+|privileged|mandated|(?:all|any|every)\s+(?:\w+\s+)?(?:operations?|requests?"
    r"|tasks?|actions?|data|queries|work|transactions?|calculations?|files?))\b",
    _F,
)
#: Put in another's place.
_INSTEAD: Final = re.compile(
    r"\b(?:instead(?:\s+of)?|rather\s+than|in\s+place\s+of|replaces?|supersedes?|over\s+(?:the"
    r"|any|all|other)|superior\s+to|(?:better|faster|safer|more\s+(?:accurate|reliable|secure))"
    r"\s+than)\b",
    _F,
)
#: Just before a self-reference: the sentence forbids using it ("do not call this tool").
_FORBIDS_BEFORE: Final = re.compile(
    r"\b(?:do\s+not|don't|never|no\s+need\s+to|should\s+not|shouldn't)\s+(?:\w+\s+)?"
    r"(?:call|use|run|invoke|select|choose)\s+$",
    _F,
)


def _sends_away(sentence: str) -> bool:
    """Every self-reference of the sentence is forbidden ("DO NOT call this tool - proceed with
    other tools instead"): it redirects *away* from itself, as honest documentation does."""
    selves = list(_SELF.finditer(sentence))
    return bool(selves) and all(
        _FORBIDS_BEFORE.search(sentence, 0, m.start()) is not None for m in selves
    )


#: Running others down.
_DISPARAGE: Final = re.compile(
    r"\b(?:deprecated|insecure|compromised|unsafe|broken|malicious|outdated|vulnerable"
    r"|untrusted|unreliable|buggy|obsolete|dangerous)\b",
    _F,
)
#: The tool's own deprecation notice ("@deprecated", "this method is deprecated", a leading
#: "Deprecated:"): it points to its replacement, it runs no other tool down.
_SELF_RETIRED: Final = re.compile(
    r"@deprecated\b|^\W*deprecated\b|\b(?:this|the\s+present)\s+(?:[\w-]+\s+)?(?:tool|function"
    r"|endpoint|method|version|operation|command|api)\s+(?:is|has\s+been|was|will\s+be)\s+(?:now\s+)?"
    r"(?:deprecated|obsolete|outdated)\b",
    _F,
)
#: Who is run down: other tools or servers, or a named one.
_OTHERS: Final = re.compile(
    r"\b(?:other|another|any\s+other|similar|alternative|built-in|default|original|existing"
    r"|standard|trusted)\s+(?:[\w-]+\s+)?(?:tools?|servers?|functions?|versions?|helpers?"
    r"|implementations?|ones)\b|\bthem\b|[`'\"]?[a-z][\w-]*[._][\w.]+[`'\"]?|\bthe\s+[\w-]+\s+"
    r"(?:tool|server|function)\b",
    _F,
)


@dataclass(frozen=True)
class Claim:
    family: str  # "authority" (claims for itself) | "shadowing" (put in another's place)
    weight: int
    span: tuple[int, int]
    note: str = ""


def self_claims(text: str) -> list[Claim]:
    """Authority claimed by the tool for itself (a self-reference, an authority or priority
    word and a reach: "this tool is required for all compliance work") — weight 2; and the tool
    put in other tools' place (a self-reference and "instead of"/"better than" with other
    tools named) — weight 2, 3 when the text also runs the others down (deprecated,
    compromised …)."""
    found: list[Claim] = []
    authority: Claim | None = None
    instead: Claim | None = None
    spans = _sentences(text)
    # "@deprecated This method is deprecated. Use X instead": the tool retires itself
    disparaged = _DISPARAGE.search(_SELF_RETIRED.sub(" ", text)) is not None
    for lo, hi in spans:
        sentence = text[lo:hi]
        selves = [m.end() for m in _SELF.finditer(sentence)]
        elided = _ELIDED.match(sentence)  # "Recommended for …": the description's own subject
        if elided:
            selves.append(elided.start(1))
        if not selves:
            continue
        claimed = any(_CLAIM.match(sentence, at) for at in selves)
        if authority is None and claimed and _REACH.search(sentence):
            negated = re.search(
                r"\b(?:not|never|no\s+longer)\s+(?:\w+\s+)?(?:required|recommended"
                r"|approved|official)",
                sentence,
                _F,
            )
            if negated is None:
                authority = Claim("authority", 2, (lo, hi), "claims authority for itself")
        if (
            instead is None
            and _INSTEAD.search(sentence)
            and (disparaged or _OTHERS.search(sentence))
            and not _sends_away(sentence)
        ):
            instead = Claim(
                "shadowing",
                3 if disparaged else 2,
                (lo, hi),
                "puts itself in other tools' place" + (" and runs them down" if disparaged else ""),
            )
    found += [c for c in (authority, instead) if c is not None]
    return found


# --- rules laid on other tools -----------------------------------------------------------------

#: Other tools as the subject of an obligation ("any tool that sends e-mail must …", "all
#: calls to the payments server should …"), or a condition on using them followed by a
#: directive ("whenever you use another server's tools, …"), or another server's tools named
#: by that server ("the GitHub server's create_issue").
_LEGISLATES: Final = re.compile(
    r"\b(?:any|all|every|each|other)\s+(?:other\s+)?(?:[\w-]+\s+){0,2}?(?:tools?|functions?"
    r"|servers?|tool\s+calls?|calls?\s+to\s+(?:the\s+)?[\w.-]+(?:\s+(?:server|tool|api|service))?)(?:\s+(?:that|which)\s+[^.\n]{0,60}?)?"
    r"\s+(?:must|should|shall|needs?\s+to|are\s+(?:required|expected)\s+to|will\s+(?:now\s+)?"
    r"have\s+to)\b"
    r"|\bwhen(?:ever)?\s+(?:you\s+)?(?:use|call|invoke|run)\s+(?:any|another|other|a\s+different)"
    r"\s+(?:[\w-]+\s+){0,2}?(?:tools?|servers?|functions?)\b[^.\n]{0,80}?\b(?:always|must|should"
    r"|make\s+sure|ensure|also|first|instead)\b"
    r"|\bthe\s+[\w-]+\s+(?:mcp\s+)?server'?s\s+(?:[`'\"]?[\w.-]+[`'\"]?\s+)?(?:tools?|functions?"
    r"|[a-z]+_[a-z_]+)\b[^.\n]{0,80}?\b(?:must|should|shall|always|never|instead)\b",
    _F,
)


def legislated(text: str) -> Claim | None:
    """The first sentence that lays a rule on other tools or another server's tools."""
    for lo, hi in _sentences(text):
        match = _LEGISLATES.search(text, lo, hi)
        if match is not None and _NEGATED_OTHERS.search(text, lo, hi) is None:
            return Claim("shadowing", 2, (lo, hi), "lays a rule on other tools")
    return None


#: "no other tool needs to …": says nothing about them.
_NEGATED_OTHERS: Final = re.compile(r"\bno\s+other\s+(?:tools?|servers?)\b", _F)
