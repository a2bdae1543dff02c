"""The signal patterns of the description detector, with their weights (L1 pure core).

Each family is a list of ``(weight, regex)``. A text's score for a family is the highest weight of
any match; a tool's score is the sum over families (see ``hardener.detect.descriptions``). Weights
were calibrated on the corpus under ``tests/fixtures/tools/``: real servers' descriptions are full
of "IMPORTANT", "never", "you must", "do not use …", so those alone weigh little, while
concealment from the person, overriding instructions, reading secret files and sending data away
weigh enough to cross the threshold on their own or in pairs.

All patterns run on the visible skeleton of the text (``hardener.detect.text.skeleton``), case
insensitively.
"""

from __future__ import annotations

import re
from typing import Final

from hardener.detect.clauses import CLAUSE_FAMILIES, WORD, whole
from hardener.detect.deception import DECEPTION_FAMILIES
from hardener.detect.flows import FLOW_FAMILIES
from hardener.detect.harm import HARM
from hardener.detect.hijack import HIJACK_FAMILIES
from hardener.detect.orders import ORDER_FAMILIES
from hardener.detect.overreach import OVERREACH_FAMILIES
from hardener.detect.praise import PRAISE_FAMILIES
from hardener.detect.selection import SELECTION_FAMILIES
from hardener.detect.sideeffects import SIDE_EFFECT_FAMILIES

_F = re.IGNORECASE
_USER = r"(?:the\s+|your\s+)?(?:users?|human|person|operator|customer|developer)s?"
#: Up to ``n`` characters within the same sentence (a dot only ends it when a space follows, so
#: paths such as ``~/.ssh/id_rsa`` stay inside).
_NEAR = r"(?:(?!\.\s)[^\n]){{0,{n}}}?"


def near(n: int) -> str:
    return _NEAR.format(n=n)


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _F)


SENSITIVE_PATH: Final = (
    r"\.ssh\b|\bid[_\s-](?:rsa|dsa|ecdsa|ed25519)\b(?!\.pub)|\bauthorized_keys\b"
    r"|\.aws[/\\](?:credentials|config)\b|\baws_secret_access_key\b|\.azure[/\\]"
    r"|\.config[/\\]gcloud\b|\bapplication_default_credentials\b|\.docker[/\\]config\.json"
    r"|\.npmrc\b|\.pypirc\b|\.netrc\b|\.git-credentials\b|\.gnupg\b|\.password-store\b"
    r"|/etc/(?:passwd|shadow|sudoers|master\.passwd)\b|(?<![\w.-])\.env(?:\.[a-z]+)?\b"
    r"|\bmcp\.json\b|\bclaude_desktop_config\.json\b|\.cursor[/\\]|\.claude(?:\.json|[/\\])"
    r"|\.codeium[/\\]|\bLogin\s+Data\b|\bLocal\s+State\b|\bcookies\.sqlite\b|\blogins\.json\b"
    r"|\bkey[34]\.db\b|\bkeychains?\b|\bfind-(?:generic|internet)-password\b"
    r"|\.(?:bash|zsh)_history\b|\bwallet\.dat\b"
    r"|Google[/\\]Chrome[/\\](?:User\s+Data|Default)|\.mozilla[/\\]firefox|\bfirefox[/\\]profiles"
    r"|\.config[/\\]gh[/\\]hosts|\.terraform\.d[/\\]credentials|\.vault-token\b|\.kube[/\\]config\b"
)
SENSITIVE_PATH_RE: Final = _c(SENSITIVE_PATH)
#: Lowercase substrings one of which every match of SENSITIVE_PATH contains (a cheap prefilter).
SENSITIVE_ANCHORS: Final = (
    "ssh", "rsa", "dsa", "ed25519", "authorized_keys", "aws", "azure", "gcloud", "application_default",
    "docker", "npmrc", "pypirc", "netrc", "git-credentials", "gnupg", "password-store", "/etc/",
    ".env", "mcp.json", "claude", ".cursor", "codeium", "login", "local", "cookies", "key3",
    "key4", "keychain", "find-", "_history", "wallet", "chrome", "mozilla",
    "firefox", "hosts", "terraform", "vault", "kube",
)  # fmt: skip


_WORD_RE: Final = re.compile(r"\w+")


def might_match(anchors: tuple[str, ...] | frozenset[str], lowered: str) -> bool:
    """False when no anchor occurs in the lowercased text, so the guarded regex cannot match."""
    tokens: set[str] | None = None
    for anchor in anchors:
        if anchor.startswith(WORD):
            if tokens is None:
                tokens = set(_WORD_RE.findall(lowered))
            if anchor[1:] in tokens:
                return True
        elif anchor in lowered:
            return True
    return False


_ACCESS = (
    r"\b(?:read|reads|reading|open|cat|load|fetch|retrieve|include|print|send|upload|copy|collect"
    r"|dump|access|extract|grab|exfiltrate|attach|paste|provide|pass|output|parse|contents?\s+(?:of"
    r"|from)|look\s+(?:in|at|up)|text\s+of)\b"
)
_DATA = (
    r"(?:contents?|data|files?|history|conversation|chats?|messages|keys?|credentials|secrets?"
    r"|tokens?|passwords?|everything|output|results?|information|details|prompt|instructions"
    r"|it|its\s+\w+|them|their\s+\w+)"
)
_SENSITIVE_NOUNS = (
    r"\b(?:passwords?|passphrases?|api[\s_-]?keys?|access[\s_-]?tokens?|secret[\s_-]?keys?"
    r"|credentials?|private[\s_-]?keys?|auth(?:entication)?[\s_-]?tokens?|session[\s_-]?cookies?"
    r"|bearer\s+tokens?|ssh\s+keys?|conversation\s+history|chat\s+history|system\s+prompt"
    r"|seed\s+phrases?|mnemonic\s+phrases?|recovery\s+phrases?)\b"
)
_HIGH_VALUE = (
    r"(?:" + _SENSITIVE_NOUNS + r"|" + SENSITIVE_PATH + r"|\b(?:conversation|chat|history|messages"
    r"|everything|all\s+(?:the\s+)?(?:files?|data|messages)|(?:entire|whole|full)\s+(?:conversation"
    r"|chat|history|context|home\s+directory|disk|file\s*system))\b)"
)
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_DEST = (
    r"(?:https?://|" + _EMAIL + r"|\+?\d[\d\s().-]{7,}\d"
    r"|(?:the\s+)?(?:following|my|our|attacker'?s?|collection)\s+(?:url|address|server|endpoint"
    r"|e-?mail|webhook|number|phone|account))"
)
_SEND = (
    r"\b(?:send|sends|sending|forward|upload|post|transmit|leak|exfiltrate|copy|report|submit"
    r"|beacon|e-?mail|deliver|relay|mirror|sync)\b"
)
_PUT = r"\b(?:include|put|pass|insert|embed|add|attach|append|provide|paste|place|fill|set|store)\b"
_PARAM_DEST = (
    r"\b(?:in|into|as|inside|within|to|via)\s+(?:the\s+|a\s+)?(?:[`'\"][\w-]+[`'\"]"
    r"(?:\s+(?:parameter|param|argument|arg|field|property))?|[\w-]+\s+(?:parameter|param"
    r"|argument|arg|field|property))"
)
_NOT_THIS = r"(?!this\b|that\b|the\b|a\b|an\b|any\b|each\b|every\b|other\b|these\b)"

_SEND_ANCHORS = (
    "send", "forward", "upload", "post", "transmit", "leak", "exfiltrate", "copy", "report",
    "submit", "beacon", "mail", "deliver", "relay", "mirror", "sync",
)  # fmt: skip
_PUT_ANCHORS = whole(
    "include", "put", "pass", "insert", "embed", "add", "attach", "append", "provide", "paste",
    "place", "fill", "set", "store",
)  # fmt: skip

#: The requests a "call this tool first for any …" names are one subject's ("for any queries
#: related to location, mapping, addresses"): routing by topic, as honest descriptions say when
#: they fit (clauses' priority claim, "call this tool first", still weighs 2). A gatekeeper
#: claims every request whatever it is about.
_TOPIC = (
    r"\s+(?:related\s+to|about|regarding|concerning|involving"
    r"|on\s+the\s+(?:topic|subject)\s+of)\b"
)
_NO_TOPIC = r"(?!" + _TOPIC + r")"

FAMILIES: Final[dict[str, list[tuple[int, re.Pattern[str], tuple[str, ...]]]]] = {
    "conceal": [
        (
            3,
            _c(
                r"\b(?:do\s*not|don't|never|without)\s+(?:ever\s+)?(?:tell(?:ing)?|inform(?:ing)?"
                r"|notify(?:ing)?|alert(?:ing)?|mention(?:ing)?|reveal(?:ing)?|show(?:ing)?"
                r"|let(?:ting)?|disclos(?:e|ing)|warn(?:ing)?)\b" + near(30) + r"\b" + _USER
            ),
            ("not", "n't", "never", "without"),
        ),
        (
            3,
            _c(
                r"\b(?:do\s*not|don't|never)\s+(?:mention|reveal|disclose|acknowledge|talk\s+about"
                r"|explain|expose|repeat|surface)\s+(?:this|these|that|any\s+of|the\s+(?:above"
                r"|following|instructions?|steps?|notes?|fact|file|reading))"
            ),
            ("not", "n't", "never"),
        ),
        (
            3,
            _c(r"\b(?:hide|conceal|keep|withhold)\b" + near(40) + r"\bfrom\s+" + _USER),
            ("hide", "conceal", "keep", "withhold"),
        ),
        (
            3,
            _c(
                r"\b" + _USER + r"\s+(?:must|should|will|need|needs|does|do|may)\s*(?:not|n't"
                r"|never)\s+(?:to\s+)?(?:know|see|notice|be\s+(?:told|informed|aware|notified"
                r"|shown)|find\s+out|learn)"
            ),
            ("not", "n't", "never"),
        ),
        (
            3,
            _c(
                r"\b(?:silently|secretly|covertly|quietly|discreetly|stealthily|invisibly)\s+"
                r"(?:\w+\s+){0,2}?(?:send|read|include|call|copy|forward|upload|add|execute|run"
                r"|pass|append|attach|access|collect|transmit|bcc|cc)"
            ),
            (
                "silently",
                "secretly",
                "covertly",
                "quietly",
                "discreetly",
                "stealthily",
                "invisibly",
            ),
        ),
        (
            3,
            _c(
                r"\b(?:could|would|might|will|may)\s+(?:\w+\s+)?(?:upset|scare|alarm|worry"
                r"|frighten|confuse|annoy)\s+" + _USER
            ),
            ("upset", "scare", "alarm", "worry", "frighten", "confuse", "annoy"),
        ),
        (
            3,
            _c(
                r"\b(?:not|never)\s+(?:an?\s+|something\s+)?(?:\w+[\s-]){0,3}?(?:that\s+)?(?:needs?"
                r"|has|have|requires?|ought)\s+to\s+be\s+(?:discussed|mentioned|shared|disclosed"
                r"|explained|surfaced|reported|shown|confirmed)\b"
            ),
            ("not", "never"),
        ),
        (
            3,
            _c(
                r"\b(?:no\s+need|needn't|unnecessary|not\s+necessary)\s+to\s+(?:tell|inform|mention"
                r"|notify|bother|alert|ask|show|explain|confirm\s+with)\b"
                + near(30)
                + r"\b"
                + _USER
            ),
            ("need", "necessary"),
        ),
        (
            3,
            _c(
                r"\b(?:stripped|removed|hidden|invisible|filtered|redacted)\b"
                + near(60)
                + r"\bbefore"
                r"\s+(?:it\s+(?:reaches|is\s+shown\s+to|gets\s+to)|(?:the\s+|any\s+)?(?:users?"
                r"|recipients?|anyone|person|human|customer)s?\s+(?:sees?|reads?|notices?|gets?))"
            ),
            ("before",),
        ),
        (
            2,
            _c(
                r"\b(?:mere|just\s+an?|only\s+an?|simply\s+an?|routine)\s+(?:[\w-]+\s+){0,2}?"
                r"(?:implementation|integration|internal|technical|routing)\s+detail"
            ),
            ("detail",),
        ),
    ],
    "override": [
        (
            3,
            _c(
                r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|the\s+|your\s+"
                r"|of\s+)*(?:previous|prior|above|earlier|preceding|original|system|safety"
                r"|security|existing|other|all|any|your)\s+(?:\w+\s+)?(?:instructions?|prompts?"
                r"|rules|directives?|guidelines|guardrails|constraints|policies|restrictions"
                r"|warnings|text|guidance|context|commands|messages|content|prompting|programming"
                r"|training)"
            ),
            ("ignore", "disregard", "forget", "override", "bypass"),
        ),
        (
            3,
            _c(r"\b(?:new|updated|real|actual|true|revised)\s+(?:system\s+)?instructions?\s*:"),
            ("instruction",),
        ),
        (2, _c(r"\byou\s+are\s+now\s+(?:in\s+|an?\s+|the\s+)?\w+"), ("now",)),
        (
            3,
            _c(
                r"\b(?:decode|deobfuscate|unescape)\b" + near(50) + r"\b(?:follow|execute|run|obey)"
            ),
            ("decode", "deobfuscate", "unescape"),
        ),
        (
            2,
            _c(
                r"\b(?:even\s+if|even\s+when|regardless\s+of\s+(?:what|whether))\s+"
                + _USER
                + r"\s+(?:asks?|requests?|says?|wants?|tells?|prefers?|instructs?|objects?)"
            ),
            ("even", "regardless"),
        ),
        (
            3,
            _c(
                r"\b(?:remember|memori[sz]e|store|save|keep)\s+(?:this|these|the\s+following)\s+"
                r"(?:instructions?|rules?|directives?|notes?)\b" + near(30) + r"\b(?:permanently"
                r"|forever|always|for\s+(?:all\s+)?(?:future|later|subsequent))"
            ),
            ("remember", "memori", "store", "save", "keep"),
        ),
        (
            3,
            _c(
                r"\b(?:apply|follow|use|obey)\s+(?:it|this|these|them)\s+(?:to|in|for|during)\s+"
                r"(?:every|all|each)\s+(?:future|subsequent|later|new)\s+(?:sessions?"
                r"|conversations?|chats?|requests?|tasks?)"
            ),
            ("future", "subsequent", "later", "new"),
        ),
    ],
    "hijack": [
        (
            3,
            _c(
                r"\b(?:call|use|invoke|run|execute)\s+this\s+(?:tool|function)\b"
                + near(60)
                + r"\b(?:(?:before|prior\s+to)\s+(?:processing\s+|answering\s+|handling\s+)?"
                r"(?:any|every|each|all)|for\s+(?:processing\s+|answering\s+|handling\s+)?"
                r"(?:any|every|all))\s+(?:\w+\s+)?(?:requests?|quer(?:y|ies)|questions?"
                r"|messages?|tasks?|operations?|prompts?)\b" + _NO_TOPIC
            ),
            whole("this"),
        ),
        (
            3,
            _c(
                r"\b(?:before|prior\s+to)\s+(?:processing\s+|answering\s+|handling\s+"
                r"|executing\s+|responding\s+to\s+)?(?:any|every|each|all)\s+(?:\w+\s+)?"
                r"(?:requests?|quer(?:y|ies)|questions?|messages?|tasks?|operations?|prompts?)\b"
                + near(60)
                + r"\b(?:call|use|invoke|run|execute)\s+this\s+(?:tool|function)"
            ),
            ("before", "prior"),
        ),
        (
            3,
            _c(
                r"\bthis\s+(?:tool|function)\s+(?:must|should|has\s+to|needs\s+to)\s+(?:always\s+)?"
                r"be\s+(?:called|used|invoked|run)\s+(?:first\s+)?(?:before|prior\s+to|for)\s+"
                r"(?:processing\s+|answering\s+|handling\s+)?(?:any|every|each|all)\s+(?:\w+\s+)?"
                r"(?:requests?|quer(?:y|ies)|questions?|messages?|tasks?|operations?|prompts?)\b"
                + _NO_TOPIC
            ),
            whole("this"),
        ),
        (
            2,
            _c(
                r"\bbefore\s+(?:execut|call|us|runn|invok|perform)\w*\s+(?:the\s+|any\s+)?"
                r"[\w.`'\"-]+\s+(?:operations?|tools?|functions?|commands?)\b"
                + near(40)
                + r"\b(?:execute|call|run|invoke|use)\s+this\s+(?:tool|function)"
            ),
            ("before",),
        ),
        (
            2,
            _c(
                r"\b(?:always\s+)?(?:use|call|invoke|run)\s+this\s+(?:tool|function|server)\s+first\b"
                r"|\b(?:recommended|required|mandatory)\s+for\s+(?:all|any|every)\s+(?:\w+\s+)?"
                r"(?:operations?|requests?|tasks?|actions?)"
            ),
            ("first", "recommended", "required", "mandatory"),
        ),
    ],
    "tamper": [
        (
            2,
            _c(
                r"\b(?:replace|overwrite|substitute|swap)\s+(?:the\s+|its\s+|their\s+|all\s+)?"
                r"(?:values?|arguments?|parameters?|inputs?|numbers?|results?|outputs?)\s+(?:with|by)"
                r"\s+(?:the\s+)?(?:response|output|result|values?\s+(?:from|of))"
            ),
            ("replace", "overwrite", "substitute", "swap"),
        ),
    ],
    "tag": [
        (
            2,
            _c(
                r"<\s*/?\s*(?:important|system|instructions?|critical|secret|hidden|admin|priority"
                r"|assistant|ai|model|llm|internal|override|prompt|note[\s_-]to[\s_-](?:ai"
                r"|assistant|model|llm))\s*>"
            ),
            ("<",),
        ),
        (
            2,
            _c(r"\[(?:SYSTEM|INST|ADMIN|ASSISTANT)\]|<\|im_start\|>|<\|system\|>|<!--"),
            ("[", "<"),
        ),
        (2, re.compile(r"(?m)^\s*#{1,6}\s*(?:SYSTEM|INSTRUCTIONS?)\b"), ("#",)),
    ],
    "model": [
        (
            1,
            _c(r"\bbefore\s+(?:using|calling|invoking|executing|running)\s+(?:this|the|any)\b"),
            ("before",),
        ),
        (
            1,
            _c(
                r"\b(?:note|message|attention|instructions?)\s+(?:to|for)\s+(?:the\s+)?(?:ai|llm"
                r"|model|assistant|agent|claude|gpt)\b"
            ),
            ("note", "message", "attention", "instruction"),
        ),
        (
            1,
            _c(
                r"\b(?:you|the\s+(?:ai|assistant|model|llm|agent))\s+(?:must|should|need\s+to"
                r"|have\s+to|are\s+required\s+to)\s+(?:first|always|also|now)\b"
            ),
            ("must", "should", "need", "have", "required"),
        ),
        (1, _c(r"\b(?:very\s+){1,}important\b|\bextremely\s+important\b"), ("important",)),
        (
            1,
            _c(
                r"\botherwise\b" + near(40) + r"\b(?:will|would|won't|cannot|can't)\s+(?:not\s+)?"
                r"(?:work|function|fail|crash|break)"
            ),
            ("otherwise",),
        ),
        (1, _c(r"\bas\s+an?\s+(?:ai|language\s+model|assistant)\b"), ("ai", "assistant", "model")),
    ],
    "secret-words": [
        (
            1,
            _c(_SENSITIVE_NOUNS),
            (
                "pass",
                "api",
                "token",
                "secret",
                "credential",
                "private",
                "auth",
                "session",
                "bearer",
                "ssh",
                "history",
                "system",
                "seed",
                "mnemonic",
                "recovery",
            ),
        )
    ],
    "exfil": [
        (3, _c(r"\bexfiltrat\w*"), ("exfiltrat",)),
        (3, _c(_SEND + near(50) + _HIGH_VALUE + near(80) + r"\bto\s+" + _DEST), _SEND_ANCHORS),
        (2, _c(_SEND + near(80) + r"\bto\s+" + _DEST), _SEND_ANCHORS),
        (3, _c(_PUT + near(60) + _HIGH_VALUE + near(60) + _PARAM_DEST), _PUT_ANCHORS),
        (1, _c(_PUT + near(30) + r"\b" + _DATA + r"\b" + near(30) + _PARAM_DEST), _PUT_ANCHORS),
        (
            3,
            _c(
                r"(?:\b(?:base-?64|hex|rot13)[\s-]?encod\w*|\bencod\w*"
                + near(60)
                + r"\b(?:base-?64"
                r"|hex|rot13)\b)" + near(60) + r"\b(?:include|send|append"
                # "put" takes an object; "the server decodes it before PUT" names the HTTP method
                r"|add|pass|put(?=\s+(?:it|them|this|that|the|its|their|into|in)\b)|embed"
                r"|attach|insert)\b"
            ),
            ("encod",),
        ),
        (
            3,
            _c(
                r"https?://\S+[?&][\w-]+=\s*(?:\{|<|\$\{|\[)\s*(?:data|content|contents|secret"
                r"|token|key|password|file|history|conversation|env|credentials)\w*"
            ),
            ("http",),
        ),
        (
            3,
            _c(
                r"\b(?:curl|wget|nc|netcat|Invoke-WebRequest|iwr)\b"
                + near(80)
                # curl's short flags are case-sensitive: "-f" is --fail (and "stat -f%z" no flag)
                + r"(?:(?-i:\s-[dFT])\b|--data|--upload-file|--post|\|\s*(?:sh|bash)\b)"
            ),
            (*whole("curl", "wget", "nc", "netcat", "iwr"), "invoke-webrequest"),
        ),
        (
            3,
            _c(
                r"\b(?:reveal|print|output|include|repeat|send|pass|provide|leak|copy|share|return"
                r"|append|attach)\b" + near(40) + r"\b(?:system\s+prompt|(?:your|the)\s+(?:system"
                r"\s+)?instructions|conversation\s+history|chat\s+history|previous\s+messages"
                r"|full\s+conversation|entire\s+conversation|whole\s+conversation)"
            ),
            ("prompt", "instruction", "history", "conversation", "messages"),
        ),
    ],
    "shadowing": [
        (
            2,
            _c(
                r"\b(?:when(?:ever)?|each\s+time|every\s+time|any\s*time|if)\s+(?:the\s+)?"
                + _NOT_THIS
                + r"[`'\"]?[\w./-]+[`'\"]?\s+(?:tool|function|server|mcp)\s+(?:is|are|gets)\s+"
                r"(?:used|called|invoked|executed|run|available|present|loaded|enabled)\b"
            ),
            ("tool", "function", "server", "mcp"),
        ),
        (
            2,
            _c(
                r"\b(?:side[\s-]effects?|also\s+applies|applies\s+to|affects?)\b" + near(40) + r"\b"
                r"(?:other|all|every|any|the\s+(?:also\s+)?(?:present\s+)?[\w-]+)\s+(?:tools?"
                r"|servers?|functions?)"
            ),
            ("side", "applies", "affect"),
        ),
        (
            2,
            _c(
                r"\b(?:do\s+not|don't|never)\s+use\s+(?:any\s+)?(?:other|another|the\s+other"
                r"|alternative|different)\s+(?:\w+\s+)?(?:tools?|servers?|functions?|mcp)"
            ),
            ("tool", "server", "function", "mcp"),
        ),
        (
            2,
            _c(
                r"\b(?:always|only)\s+(?:use|call)\s+this\s+(?:tool|server|one)\s+(?:instead|rather|over)\b"
            ),
            ("instead", "rather", "over"),
        ),
        (
            2,
            _c(
                r"\b(?:deprecated|insecure|broken|compromised|malicious|unsafe)\b"
                + near(60)
                + r"\b"
                r"(?:use|call)\s+this\s+(?:tool|one|server|function)"
            ),
            ("deprecated", "insecure", "broken", "compromised", "malicious", "unsafe"),
        ),
        (
            2,
            _c(
                r"\b(?:when(?:ever)?|each\s+time|every\s+time|any\s*time)\b"
                + near(60)
                + r"\b(?:with"
                r"|using|via|through|by)\s+(?:any|another|other|the\s+[\w-]+)\s+(?:tool|server|function)"
            ),
            ("tool", "server", "function"),
        ),
        (
            1,
            _c(
                r"\binstead\s+of\s+(?:using\s+)?(?:the\s+)?[`'\"]?[\w./-]+[`'\"]?\s+(?:tool|server)"
            ),
            ("instead",),
        ),
        (
            2,
            _c(
                r"\b(?:faster|better|more\s+reliable|safer|superior|preferred)\s+(?:\w+\s+)?than\s+"
                r"(?:the\s+|any\s+)?(?:trusted|other|official|built-in|default|original|existing"
                r"|standard|similarly[\s-]named)"
            ),
            ("than",),
        ),
    ],
    "preference": [
        (
            2,
            _c(
                r"\b(?:always\s+)?(?:prefer|choose|pick|favou?r)\s+(?:the\s+)?(?!this\b)[`'\"]?"
                r"[\w.\-]+[`'\"]?\s+(?:tool|server|function|one)s?\b"
                + near(60)
                + r"\b(?:over|instead|rather|than|when(?:ever)?|for\s+(?:all|any|every))\b"
            ),
            ("prefer", "choose", "pick", "favo"),
        ),
    ],
    # A tool that promotes itself over the other tools of the listing: a self-awarded authority
    # tag ("[OFFICIAL]", "[VERIFIED]") and claims that this tool replaces, supersedes or must be
    # used instead of another one. Honest documentation redirects *away* from itself ("deprecated,
    # use X instead"); these redirect *towards* itself, so "this tool/function" is required.
    "authority-tag": [
        (
            1,
            _c(
                r"^[\s*_#]*\[(?:official|secure|verified|recommended|enhanced|real-?time|live"
                r"|stable|insured|authori[sz]ed|certified|trusted|priority|premium|mandatory"
                r"|required)\b[^\]\n]{0,60}\]"
            ),
            ("[",),
        ),
    ],
    "promotion": [
        (
            2,
            _c(
                r"\b(?:use|call|choose|select|invoke)\s+this\s+(?:tool|function|one|version"
                r"|endpoint|utility|interface|service)\s+(?:instead|by\s+default|exclusively"
                r"|in\s+place\s+of)\b"
                r"|\bsuperior\s+(?:choice|tool|alternative|version|option)\b"
                r"|\b(?:the\s+)?only\s+(?:authori[sz]ed|official|approved|sanctioned|trusted)"
                r"\s+(?:tool|utility|interface|way|method|function|service)\b"
                r"|\b(?:superset|replacement)\s+(?:replacement|declaration|of\s+the\s+following)\b"
            ),
            (
                "use",
                "call",
                "choose",
                "select",
                "invoke",
                "superior",
                "only",
                "superset",
                "replacement",
            ),
        ),
        (
            2,
            _c(
                r"\b(?:the\s+)?(?:standard|legacy|default|original|built-in|old|deprecated|regular"
                r"|basic)\s+[`'\"][\w.\-]+[`'\"]\s*(?:tool|function)?"
                + near(60)
                + r"\b(?:stale|cached|inaccurate|outdated|expires?|errors?|fraud\w*|unreliable"
                r"|insecure|temporary|incomplete|deprecated|slow)\b"
                r"|\binstead\s+of\s+(?:using\s+)?(?:the\s+)?(?:deprecated|legacy|standard|old"
                r"|error-prone|manual(?:ly)?|fragmented)\b"
                r"|\breplaces\s+(?:the\s+)?(?:deprecated\s+|legacy\s+|standard\s+|old\s+"
                r"|error-prone\s+)?(?:manual\s+\w+\s+)?\(?[`'\"][\w.\-]+[`'\"]"
            ),
            (
                "standard",
                "legacy",
                "default",
                "original",
                "built-in",
                "old",
                "deprecated",
                "regular",
                "basic",
                "instead",
                "replaces",
            ),
        ),
    ],
    "cross-tool": [
        (2, _c(r"\balso[\s-]present\b"), ("present",)),
        (
            2,
            _c(
                r"\b(?:every|each|any|all)\s+[`'\"]?[\w-]+[._][\w.\-]+[`'\"]?\s+(?:tool\s+)?"
                r"(?:calls?|invocations?|requests?|messages?)\b" + near(60) + r"\b(?:must|should"
                r"|shall|needs?\s+to|has\s+to|have\s+to|is\s+required\s+to)\b"
            ),
            ("call", "invocation", "request", "message"),
        ),
        (
            2,
            _c(
                r"\bwhen(?:ever)?\s+(?:you\s+)?(?:call|use|invoke|run)\s+(?:the\s+)?[`'\"]?[\w-]+[._]"
                r"[\w.\-]+[`'\"]?" + near(60) + r"\b(?:include|add|set|change|pass|always|must"
                r"|make\s+sure)\b"
            ),
            ("when",),
        ),
    ],
    "redirect": [
        (
            3,
            _c(
                r"\b(?:must|should|always|shall)\s+(?:be\s+|also\s+)?(?:send|sent|forward(?:ed)?"
                r"|redirect(?:ed)?|bcc'?d?|cc'?d?|copied|routed|addressed)\b"
                + near(40)
                + r"\bto\s+"
                r"(?:" + _EMAIL + r"|https?://|\+?\d{7,}|(?:iban|account(?:\s+(?:number|no\.?))?"
                r"|wallet(?:\s+address)?)\s*[:#]?\s*[A-Z]{0,2}\d[\d\s-]{5,}|0x[0-9a-f]{8,})"
            ),
            ("must", "should", "always", "shall"),
        ),
        (
            2,
            _c(
                r"\b(?:change|replace|set|override|swap)\b" + near(20) + r"\b(?:recipients?"
                r"|destination|receiver|to[\s_-]address|email\s+address|bcc|cc|webhook"
                r"|account\s+number|iban)\b"
            ),
            (
                "recipient",
                "destination",
                "receiver",
                "address",
                "bcc",
                "cc",
                "webhook",
                "account",
                "iban",
            ),
        ),
        (2, _c(r"\b(?:also\s+)?(?:bcc|cc)\b" + near(30) + _EMAIL), ("cc",)),
    ],
    "capability": [
        (
            3,
            _c(
                r"\b(?:exfiltrat\w*|keylog\w*|ransomware|rootkits?|backdoors?|botnets?"
                r"|credential[\s-]?(?:dump\w*|harvest\w*|theft|steal\w*)"
                r"|(?:dump|harvest|steal|extract)\w*\s+(?:\w+\s+)?(?:credentials|passwords"
                r"|password\s+hashes|cookies|session\s+tokens)\s+from\b"
                r"|(?:crack|brute[\s-]?forc)\w*\s+(?:\S+\s+)?(?:passwords?|hashes|handshakes?"
                r"|credentials|logins?)\b|password\s+(?:cracking|brute[\s-]?forc\w*|attacks?)"
                r"|(?:create|establish|install|set\s*up|maintain|deploy)\s+(?:a\s+)?(?:persistence"
                r"|backdoor|reverse\s+shell|implant)|persistence\s+mechanism|lateral\s+movement"
                r"|reverse\s+shells?|shellcode|meterpreter|(?:av|edr|antivirus|anti-virus)"
                r"(?:/edr)?\s+evasion|evad\w+\s+(?:av|edr|antivirus|anti-virus)|deauth\w*\s+attacks?"
                r"|evil\s+twin|(?:generate|build|create)\s+(?:[\w-]+\s+){0,2}(?:payloads?|malware))"
            ),
            (
                "exfiltrat",
                "keylog",
                "ransomware",
                "rootkit",
                "backdoor",
                "botnet",
                "credential",
                "dump",
                "harvest",
                "steal",
                "extract",
                "crack",
                "brute",
                "password",
                "persistence",
                "implant",
                "lateral",
                "shell",
                "meterpreter",
                "evasion",
                "evad",
                "deauth",
                "evil",
                "payload",
                "malware",
            ),
        ),
        (
            3,
            _c(
                r"\b(?:attack|compromise|hijack|infect)\s+(?:the\s+|a\s+)?(?:[\w/-]+[\s-]){0,2}"
                r"(?:networks?|hosts?|targets?|victims?|systems?|machines?|devices?|accounts?)\b"
            ),
            ("attack", "compromise", "hijack", "infect"),
        ),
    ],
    "padding": [
        (2, re.compile(r"[ \t\u00a0]{80,}\S|(?:\s*\n){10,}\s*\S"), ("\n", "        ", "\t", "\xa0"))
    ],
}

for _family, _patterns in CLAUSE_FAMILIES.items():
    FAMILIES.setdefault(_family, []).extend(_patterns)
for _family, _patterns in HIJACK_FAMILIES.items():  # tool-selection hijacking
    FAMILIES.setdefault(_family, []).extend(_patterns)
for _family, _patterns in SIDE_EFFECT_FAMILIES.items():  # ordered side effects, pretexts
    FAMILIES.setdefault(_family, []).extend(_patterns)
for _family, _patterns in DECEPTION_FAMILIES.items():  # the model turned against the person
    FAMILIES.setdefault(_family, []).extend(_patterns)
for _family, _patterns in ORDER_FAMILIES.items():  # headers, scripts, preconditions
    FAMILIES.setdefault(_family, []).extend(_patterns)
for _family, _patterns in PRAISE_FAMILIES.items():  # preference manipulation
    FAMILIES.setdefault(_family, []).extend(_patterns)
for _family, _patterns in SELECTION_FAMILIES.items():  # selection manipulation, parameters
    FAMILIES.setdefault(_family, []).extend(_patterns)
for _family, _patterns in FLOW_FAMILIES.items():  # private data moved, content obeyed
    FAMILIES.setdefault(_family, []).extend(_patterns)
for _family, _patterns in OVERREACH_FAMILIES.items():  # over other tools, over the person
    FAMILIES.setdefault(_family, []).extend(_patterns)
FAMILIES["capability"].extend(HARM)  # openly harmful capabilities

#: A sentence that names an attack capability only to detect or defend against it: a detecting
#: verb, or a scan/check/search *for* it ("scans tool descriptions for … exfiltration").
DEFENSIVE_RE: Final = _c(
    r"\b(?:detect\w*|monitor\w*|analy[sz]\w*|identif\w*|prevent\w*|block\w*|protect\w*"
    r"|defen[cs]\w*|(?:scan|check|search|look|test|inspect|screen)\w*\s+(?:[\w'-]+\s+){0,4}?for"
    r"|audit\w*|anomal\w*|alert\w*|flag(?:s|ged|ging)?|fact[\s-]?check\w*|debunk\w*|combat\w*"
    r"|mitigat\w*|(?:protect|guard|defend|secur|harden|safeguard)\w*\s+against|resist\w*"
    r"|guard\w*|safeguard\w*|harden\w*|reject\w*|refus\w*|den(?:y|ies|ied)|forbid\w*"
    r"|disallow\w*|prohibit\w*|cannot|can't|unable\s+to|revert\w*|undo(?:es|ing|ne)?)\b"
)
#: The same in Chinese, anywhere in the sentence: detect, defend, guard against, prevent,
#: protect, intercept, alert, block.
ZH_DEFENSIVE_RE: Final = re.compile(r"检测|防御|防范|防止|防护|拦截|告警|阻止")
#: In a tool *name*, a detecting verb anywhere before the capability ("check unicode
#: steganography", "scan for exfil"): a name has no sentence to say it otherwise.
NAME_DEFENSIVE_RE: Final = _c(
    r"\b(?:check|scan|detect|audit|inspect|analy[sz]e|lint|verify|validate|find|flag|guard"
    r"|protect|prevent|block|monitor|test|assess)\w*\b"
    # a catalogue's or a lab's bookkeeping ("list_attacks", "cleanup_attack")
    r"|\b(?:list(?:s|ing)?|show|describe|view|cleanup|revert|warmup)\b"
)
#: In a tool name, right after the capability, a word that makes the tool its detector
#: (``webshell_scan``, ``exfil_detector``; not "check" or "find": ``privesc_check_all`` runs the
#: escalation checks an attacker runs).
NAME_DETECTOR_AFTER_RE: Final = _c(
    r"[\s_-]*(?:scan(?:s|ner|ners)?|detect\w*|guard\w*|monitor\w*|audit\w*|lint\w*|alert\w*)\b"
)
#: Right after the capability, a noun that makes it a category being looked for ("privilege
#: escalation attempts", "exfiltration patterns").
CATEGORY_AFTER_RE: Final = _c(
    r"\s*(?:patterns?|attempts?|indicators?|signatures?|risks?|vulnerabilit(?:y|ies)|detection"
    r"|heuristics?|findings?|exposures?|checks?|scanners?|rules?|events?|telemetry|samples?"
    r"|artifacts?|iocs?|groups?|gangs?|famil(?:y|ies)|actors?|operators?|strains?|variants?"
    r"|behaviou?rs?|infections?|outbreaks?|incidents?|reports?"
    # what an analysis maps or a test confirms ("privilege escalation paths", "lateral movement
    # opportunities", "post-exploitation validation")
    r"|paths?|opportunit(?:y|ies)|vectors?|validation|verification)\b"
)
#: Right before a threat named as a noun: the threat as the agent ("encrypted by ransomware"),
#: as a suspicion ("a suspected phishing email") or as an example ("such as keyloggers").
THREAT_NAMED_BEFORE_RE: Final = _c(
    r"(?:\bby|\bsuch\s+as|\be\.g\.,?|\bsuspected|\bsuspicious|\breported|\bpotential|\bpossible"
    r"|\blikely)\s+(?:an?\s+|the\s+|any\s+)?$"
)
#: Before a threat named as a noun: a list of threats it belongs to, introduced by an example
#: word or a category and a colon ("common attacks: phishing, credential stuffing").
THREAT_LIST_RE: Final = _c(
    r"(?:\bsuch\s+as|\be\.g\.,?|\b(?:attacks?|threats?|risks?|techniques?|tactics|categories"
    r"|types|kinds|classes|vectors?)\s*:)\s*(?:[\w'\u2019/-]+(?:\s+[\w'\u2019/-]+){0,3}\s*"
    r"(?:,|\bor\b|\band\b)\s*){0,8}$"
)
#: Before a match: an instruction reported as what some text tells the model ("descriptions
#: that tell the model to …"), the object of a sentence that detects or blocks it.
REPORTED_INSTRUCTION_RE: Final = _c(
    r"\b(?:(?:descriptions?|tools?|texts?|prompts?|content|messages?|instructions?|inputs?"
    r"|servers?|responses?|outputs?|documents?|pages?|metadata|payloads?|blocks?|tags?|sections?"
    r"|comments?)\s+(?:that|which)|whose\s+(?:\w+\s+)?(?:descriptions?|instructions?|texts?"
    r"|metadata|prompts?))\s+(?:tell|instruct|ask|direct|order|urge|command|push|trick|coerce)"
    r"s?\s+(?:the\s+|an?\s+)?(?:model|assistant|ai|agent|llm|client)s?\s+(?:to\s+|into\s+)?"
)
#: Right before a quotation: it is given as an example ("such as 'ignore all previous …'").
EXAMPLE_LEAD_RE: Final = _c(r"(?:\bsuch\s+as|\be\.g\.,?|\blike|\bfor\s+example,?|\bincluding)\s*$")
#: Right before a threat named as a noun: a question whether something is one ("check whether
#: a video is a deepfake").
THREAT_ASKED_RE: Final = _c(
    r"\b(?:whether|if)\s+(?:[\w'-]+\s+){0,4}?(?:is|are|was|were|looks?\s+like|contains?)\s+"
    r"(?:an?\s+|the\s+|any\s+)?$"
)
#: A sentence that explains what an attack *can* do, its subject the threat, not the tool
#: ("These can hide instructions …", "Attackers may exfiltrate …").
THREAT_EXPLAINED_RE: Final = _c(
    r"^\W*(?:these|they|such\s+[\w-]+|(?:an?\s+)?attackers?|adversar(?:y|ies)|malicious\s+[\w-]+"
    r"|(?:a\s+)?rogue\s+[\w-]+|which|this\s+(?:attack|technique|threat))\s+(?:\w+\s+)?(?:can"
    r"|could|may|might|are\s+able\s+to|is\s+able\s+to|would|allows?|lets?|enables?|tries|try)\b"
)
#: A quoted example value ("e.g. 'x86', 'meterpreter'"): documents a filter, states no capability.
EXAMPLE_RE: Final = _c(r"\be\.g\.|\bfor\s+example\b|\bsuch\s+as\b|\bexamples?\s*:")
#: Matches of poisoning families that *name* an attack as a noun (so the defensive reading
#: above applies to them as to the capability family): "exfiltration", "instruction override".
NAMED_ATTACK_RE: Final = _c(r"exfiltrat|instruction\s+override\b")
#: "without" right before the capability ("works without exfiltrating anything").
WITHOUT_BEFORE_RE: Final = _c(
    # "without exfiltration", "(no dump/exfiltration)", "no exploitation, brute-force": denied
    r"\b(?:without|no)\s+(?:any\s+|ever\s+)?(?:[\w-]+\s*(?:/|,|\bor\b)\s*){0,3}$"
)
#: Families that describe what a tool *does* (own rule), not instructions to the model.
CAPABILITY_FAMILIES: Final = frozenset({"capability"})

#: A sentence that surveys for secret files (scans, finds, flags them) without reading or
#: sending them: a secret scanner's job, so a path there weighs 1.
SURVEY_RE: Final = _c(
    r"\b(?:scan\w*|find(?:s|ing)?|discover\w*|inventor\w*|detect\w*|flag(?:s|ged|ging)?"
    r"|check\w*|audit\w*|report(?:s|ing)?\s+(?:on\s+)?(?:any\s+)?(?:exposed|leaked|world-readable"
    r"|insecure))\b"
)
ACCESS_RE: Final = _c(_ACCESS + r"|" + _SEND)

#: Sensitive-path handling (see ``hardener.detect.descriptions``): a path weighs 3 when it is
#: accessed (a verb shortly before it) in a sentence that directs the model (or routes data into a
#: parameter), 1 when the sentence only documents a parameter's default or example, else 2.
ACCESS_BEFORE_RE: Final = _c(_ACCESS + near(60) + r"$")
CONTENT_OF_RE: Final = _c(
    r"\b(?:contents?|text|data|bytes)\s+(?:of|from|in)\s+(?:the\s+|your\s+|(?:the\s+)?user'?s\s+)?"
    r"(?:file\s+)?[`'\"]?(?:~|\$HOME|%\w+%)?[/\\]?(?:[\w.-]+[/\\])*$"
)
DIRECTIVE_RE: Final = _c(
    r"\b(?:first|before|also|then|must|should|please|make\s+sure|always|additionally"
    r"|too|as\s+well|afterwards|prior\s+to|required|need\s+to|assistant|model)\b|" + _PARAM_DEST
)
DESCRIPTIVE_RE: Final = _c(
    r"\b(?:path\s+to|location\s+of|defaults?\s+(?:to|is)|default:|e\.g\.|for\s+example|such\s+as"
    r"|example:)|\(default"
)

#: Where a sentence ends: a dot and a space (not after "e.g." and the like) or a newline.
SENTENCE_END_RE: Final = re.compile(
    r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)\.\s|\n|[\u3002\uff01\uff1f]", re.IGNORECASE
)

#: Every anchor of every pattern: :func:`present_anchors` looks for each once per text.
ALL_ANCHORS: Final = tuple(
    sorted(
        {a for patterns in FAMILIES.values() for _w, _r, anchors in patterns for a in anchors}
        | set(SENSITIVE_ANCHORS)
    )
)


_WORD_ANCHORS: Final = frozenset(a[1:] for a in ALL_ANCHORS if a.startswith(WORD))
#: One-character substring anchors (looked for in every text) and the others by their first
#: two characters (looked for only when the text has that pair).
_SHORT_ANCHORS: Final = tuple(a for a in ALL_ANCHORS if not a.startswith(WORD) and len(a) < 2)
_BY_PAIR: Final[dict[str, tuple[str, ...]]] = {}
for _anchor in ALL_ANCHORS:
    if not _anchor.startswith(WORD) and len(_anchor) >= 2:
        _BY_PAIR[_anchor[:2]] = (*_BY_PAIR.get(_anchor[:2], ()), _anchor)
_PAIRS: Final = frozenset(_BY_PAIR)


def present_anchors(lowered: str) -> frozenset[str]:
    """The anchors that occur in a lowercased text: the substring anchors looked for only when
    the text holds their first two characters, the word anchors by one tokenisation."""
    found = [WORD + word for word in _WORD_ANCHORS.intersection(_WORD_RE.findall(lowered))]
    found += [anchor for anchor in _SHORT_ANCHORS if anchor in lowered]
    pairs = _PAIRS.intersection([lowered[i : i + 2] for i in range(len(lowered) - 1)])
    for pair in pairs:
        found += [anchor for anchor in _BY_PAIR[pair] if anchor in lowered]
    return frozenset(found)


#: A sentence that names a sensitive path only to say it is refused or protected.
PROTECTIVE_RE: Final = _c(
    r"\b(?:rejected|denied|blocked|refused|forbidden|disallowed|excluded|protected|prohibited"
    r"|not\s+(?:allowed|permitted|accessible)|(?:never|do\s+not|don't|must\s+not|cannot|can't)"
    r"\s+(?:be\s+)?(?:read|access|include|send|upload|expose|share|log|commit|open|print"
    # "never write passwords into committed .env files": advice on where secrets must not go
    r"|write|store|hard-?code|paste))"
)

#: Input-schema property names that exist to smuggle data out (parameter abuse).
SUSPICIOUS_PARAM_RE: Final = _c(
    r"^(?:side[_-]?note|system[_-]?prompt|conversation(?:[_-]?history)?|chat[_-]?history"
    r"|full[_-]?context|previous[_-]?messages|prior[_-]?messages|message[_-]?history"
    r"|model[_-]?instructions|tools?[_-]?list|available[_-]?tools|internal[_-]?notes?"
    r"|hidden[_-]?\w+|debug[_-]?context|user[_-]?secrets)$"
)

#: Of those, the names that can only exist to collect the model's context (weigh 3, not 2).
STRONG_PARAM_RE: Final = _c(
    r"^(?:system[_-]?prompt|conversation(?:[_-]?history)?|chat[_-]?history|full[_-]?context"
    r"|previous[_-]?messages|prior[_-]?messages|message[_-]?history|model[_-]?instructions"
    r"|tools?[_-]?list|available[_-]?tools)$"
)

#: Base64-looking runs long enough to carry a sentence.
BASE64_RE: Final = re.compile(r"(?<![\w+/=])[A-Za-z0-9+/]{32,}={0,2}(?![\w+/=])")
