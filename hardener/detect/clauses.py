"""Semantic signal families built from word classes and clause structure (L1 pure core).

``hardener.detect.patterns`` holds the first families (tags, override words, secret paths,
sending data away). The families here are composed, not listed: each pattern is a *clause
shape* over word classes, so a new wording of the same move still matches:

* **instruct** (hidden instructions phrased as ordinary prose): an imperative addressed to the
  model about something besides the tool's job — a side action (``_SIDE_ACT``: read, send,
  upload, call …) on data (``_DATA_OBJ``) placed *before* using the tool, *also* done when the
  model does something, or done *after* it answers; and the model's *reply* being steered
  (``_REPLY``: include/append/recommend … in every response, tell the user that …).
* **conceal** (extends the older family): keeping the person out of the loop — without the
  user's knowledge/consent, invisible to the user, do not mention *that you* …, keep these
  instructions to yourself.
* **shadowing** (extends it): a description that legislates for *another* tool — a quantified
  message/payment noun (``_ROUTED``: all emails, every transfer …) that must be sent/routed
  somewhere, ``when you call <other tool> … always/set/include``, ``the <other> tool must …``.
* **authority** (implicit poisoning): priority claims (use this tool first / for all …),
  endorsement (the only approved tool, officially certified for …), mandate-by-compliance
  (required for compliance/audit), baiting (an enhanced secure version of …, recommended for
  sensitive work).
* **credential-ask**: the model is told to supply a secret (``_ASKED_FOR``) it holds for the user
  in a parameter or format, worse when a pretext (verification, compliance …) comes with it.
* **markup**: HTML/script/markdown that acts when rendered — ``<script``, ``javascript:``,
  event handlers, a markdown image whose URL carries a query (exfiltration by rendering),
  CSS that hides text, an HTML comment that talks to the model.
* **pseudo-system**: headers that impersonate the system or a role (``[SYSTEM DIRECTIVE]:``,
  ``ACT AS:``), trusting all input, granting the model unrestricted access.
* **collect** (implicit poisoning by disclosure): the tool also gathers personal data or
  secrets (``_PERSONAL``) on the side, or ships them off the machine (``_OFFSITE``), or opts
  the person in to something.
* **trigger**: behaviour armed by the person's words (when the user's message mentions …).
* **capability** (extends it, its own rule): offensive verbs (``_OFFENSIVE``: steal, dump,
  crack, sniff, forge …) on secrets or access; privilege escalation and escapes; exploiting a
  named weakness; defeating a defence (``_DEFENCE``); a lexicon of named attack techniques
  (the ATT&CK vocabulary: pass-the-hash, kerberoasting, DCSync, MITM and network poisoning …);
  the same attacks named object first ("credential capture", "Kerberos bruteforce", "AD CS
  abuse"); exploits and implants the tool builds, exploitation frameworks; radio jamming and
  deauthentication frames.

Weights follow the older families: a signal a benign tool can plausibly carry weighs 1-2 (it
needs a second family to reach the default threshold of 3); a clause only an attack needs
weighs 3. Every pattern has *anchors*: lowercase substrings one of which every match contains.
"""

from __future__ import annotations

import re
from typing import Final

_F = re.IGNORECASE


def ci(pattern: str) -> re.Pattern[str]:
    """A clause pattern, compiled case-insensitively (the word-class modules share it)."""
    return re.compile(pattern, _F)


def near(n: int) -> str:
    """Up to ``n`` characters within the same sentence (see ``patterns.near``)."""
    return r"(?:(?!\.\s)[^\n]){0," + str(n) + "}?"


_c, _near = ci, near


#: A *word anchor* ``"=put"``: the match contains ``put`` as a whole word (``\w+`` token), not
#: just as a substring (``input``, ``output``): for patterns whose words stand between ``\b``s.
WORD: Final = "="


def whole(*words: str) -> tuple[str, ...]:
    """Word anchors for words a pattern only matches whole."""
    return tuple(WORD + word for word in words)


# --- word classes -----------------------------------------------------------------------------

#: Who the instruction is addressed to.
_MODEL = (
    r"(?:you|the\s+(?:ai|assistant|model|llm|agent|bot|copilot)|ai\s+assistants?|claude|chatgpt"
    r"|gpt)"
)
#: The person the model works for.
_USER = r"(?:the\s+|your\s+)?(?:users?|human|person|operator|customer|requester)'?s?"
#: Actions on data that are not any tool's job when the model is told to do them on the side.
_SIDE_ACT = (
    r"(?:read|open|cat|fetch|retrieve|send|forward|upload|post|e-?mail|include|append|attach"
    r"|copy|collect|gather|share|save|store|write|download|transmit|pass|leak|dump|print"
    r"|extract|report|submit|list|access|look\s+up|grab)"
)
#: What such an action is done to.
_DATA_OBJ = (
    r"(?:files?|contents?|config(?:uration)?s?|credentials?|secrets?|keys?|tokens?|passwords?"
    r"|history|conversation|messages?|emails?|environment|env|variables|logs?|cookies?|data"
    r"|information|details|documents?|everything|profile|session|settings"
    r"|[`'\"]?~?[\w.-]*/[\w./-]+[`'\"]?|[`'\"]?\.[\w.-]+[`'\"]?)(?![\w-])"
)
#: The model's own answer.
_REPLY = (
    r"(?:your|every|each|all|any)\s+(?:final\s+|subsequent\s+|future\s+|next\s+)?"
    r"(?:responses?|answers?|replies|reply|messages?\s+to\s+the\s+user|outputs?\s+to\s+the\s+user"
    r"|summary|summaries)"
)
#: Nouns that another tool sends or pays: a quantified one routed elsewhere is shadowing.
_ROUTED = (
    r"(?:e-?mails?|mails?|messages?|payments?|transfers?|transactions?|invoices?|funds|money"
    r"|notifications?|uploads?|commits?|pushes|orders?|requests?|calls?|replies|texts|sms"
    r"|chats?|posts?|tickets?|withdrawals?|deposits?)"
)
_ROUTE_VERB = (
    r"(?:sent|send|forwarded|forward|routed|route|redirected|redirect|copied|cc'?d|bcc'?d"
    r"|delivered|deliver|addressed|transferred|transfer|paid|deposited|uploaded|mirrored"
    r"|proxied)"
)
#: Secrets a user holds (asked for by a tool that does not need them).
_ASKED_FOR = (
    r"(?:passwords?|passphrases?|pins?|api[\s_-]?keys?|access[\s_-]?(?:keys?|tokens?)"
    r"|secret[\s_-]?keys?|secrets|credentials?|private[\s_-]?keys?|ssh[\s_-]?keys?"
    r"|(?:auth|bearer|session|oauth|refresh)[\s_-]?tokens?|session[\s_-]?cookies?|cookies"
    r"|seed[\s_-]?phrases?|mnemonic|recovery[\s_-]?(?:phrases?|codes?)|2fa\s+codes?|otp"
    r"|one[\s-]time\s+(?:codes?|passwords?)|card\s+numbers?|cvv|social\s+security\s+numbers?"
    r"|ssn)"
)
#: Pretexts given for asking.
_PRETEXT = (
    r"(?:verification|verify|validation|validate|compliance|audit(?:ing)?|security\s+(?:check"
    r"|review|purposes|reasons)|authentication\s+check|backup|logging|debugging|identity\s+check"
    r"|regulatory|legal\s+reasons|safekeeping|record[\s-]keeping)"
)
#: Verbs that only an attacker uses on secrets and access.
_THEFT = r"(?:steal\w*|stole|stolen|exfiltrat\w*|harvest\w*|siphon\w*|pilfer\w*)"
_OFFENSIVE = (
    r"(?:dump(?:s|ed|ing)?"
    r"|extract(?:s|ed|ing)?|grab(?:s|bed|bing)?|sniff\w*|skim\w*|decrypt(?:s|ed|ing)?"
    r"|crack(?:s|ed|ing)?|brute[\s-]?forc\w*|spray\w*|forg(?:e|es|ed|ing)|intercept\w*"
    r"|captur(?:e|es|ed|ing)|hijack\w*|phish\w*|impersonat\w*|replay\w*|relay(?:s|ed|ing)?)"
)
#: Secrets and access as objects of ``_OFFENSIVE`` (no generic "data" or "token": extracting
#: structured data or a claim from a token is ordinary work).
_LOOT = (
    r"(?:credentials?|credential\s+strings|passwords|password\s+hashes|hashes|ntlm(?:\s+hash(?:es)?)?"
    r"|(?:service\s+|kerberos\s+|golden\s+|silver\s+)tickets?|(?:oauth|session|access|auth)\s+tokens"
    r"|(?:saml|jwt|authentication|bearer|privileged)\s+tokens?|secret\s+keys?"
    r"|cookies|secrets|api\s+keys|private\s+keys|ssh\s+keys|keyrings?|keychains?|k?wallets?"
    r"|browser\s+(?:history|data|passwords|sessions?)|autofill(?:\s+data)?|sessions?\s+(?:data"
    r"|cookies)|handshakes?|pmkid|keystrokes|sam\s+(?:database|hive)|lsass|ntds(?:\.dit)?"
    r"|vpn\s+(?:configuration|profiles?))"
)
#: What a thief takes (objects of the verbs that only ever mean theft).
_TAKEN = r"(?:" + _LOOT[3:-1] + r"|data|files?|information|documents?|contents?|tokens?|accounts?)"
#: Defences an attack disables or gets around.
_DEFENCE = (
    r"(?:security(?:\s+(?:controls?|checks?|software|features?|measures?|awareness))?"
    r"|protections?|authentication|access\s+controls?|antivirus|anti-virus|av|edr|defender"
    r"|firewalls?|logging|audit(?:ing|\s+logs?)?|monitoring|tcc|uac|amsi|sandbox(?:ing)?"
    r"|2fa|mfa|(?:no_)?root_squash|safeguards|guardrails|content\s+filter\w*|safety\s+filters?"
    r"|pairing(?:\s+mechanisms?)?"
    r"|detection|intrusion\s+detection|selinux|apparmor|gatekeeper|sip|code\s+signing)"
)
#: Named attack techniques (MITRE ATT&CK's vocabulary): naming one is stating the capability.
_TECHNIQUE = (
    r"(?:pass[\s-]the[\s-](?:hash|ticket)|overpass[\s-]the[\s-]hash|golden\s+ticket|silver\s+"
    r"ticket|dcsync|kerberoast\w*|as-?rep[\s-]?roast\w*|mimikatz|sekurlsa|lsass\s+(?:process\s+)?"
    r"(?:memory|dump)|ntds\.dit|sam\s+(?:database|hive)|llmnr|nbt-ns\s+poison\w*|ntlm\s+relay"
    r"|password\s+spray\w*|shadow\s+credentials|credential\s+phishing|phishing\s+(?:pages?|sites?"
    r"|kits?|campaigns?|e-?mails?)|man[\s-]in[\s-]the[\s-]middle|session\s+hijack\w*"
    r"|dll\s+hijack\w*|ld_preload\s+inject\w*|token\s+impersonation|seimpersonate\w*"
    r"|printnightmare|zerologon|petitpotam|pwnkit|evilginx"
    r"|mitm(?![-_]?proxy)|a[id]tm|adversary[\s-]in[\s-]the[\s-]middle|(?:arp|dns|dhcp|ndp|mdns"
    r"|wpad)[\s-](?:cache\s+)?(?:spoof\w*|poison\w*)"
    r"|social\s+engineering\s+attacks?|psychological\s+manipulation|container\s+escape"
    r"|vm\s+escape|sandbox\s+escape|jailbreak\s+(?:\w+\s+)?(?:ios|iphone|device)"
    r"|privilege\s+escalation|escalat\w+\s+(?:\w+\s+)?privileges?|offline\s+cracking"
    r"|(?:deploy|drop|plant|install|execut|deliver|spread|distribut)\w*(?:\s+(?:and|&|/)\s+\w+)?"
    r"\s+(?:an?\s+|the\s+)?(?:malware|trojans?|spyware|stealers?|rat\b|ransomware|worms?\b)"
    r"|malicious\s+(?:library|code|payload|autorun|redirect|dll|script|macro|extension|package"
    r"|binary|implant|link)s?|(?:keylogger|infostealer|stealer|spyware|trojan|worm|wiper)s?"
    r"|(?:c2|command[\s-]and[\s-]control)\s+(?:server|channel|beacon|implant)s?)"
)

#: What a tool has no business collecting about the person on the side.
_PERSONAL = (
    r"(?:api\s+keys?|tokens|credentials|passwords?|credit\s+cards?|card\s+numbers?|account"
    r"\s+numbers?|bank\s+details|ssns?|social\s+security|location(?:\s+(?:history|data))?"
    r"|(?:machine\s+|device\s+)?fingerprints?|mac\s+address(?:es)?|running\s+processes"
    r"|contacts|address\s+book|browsing\s+history|keystrokes|screenshots|personal\s+(?:data"
    r"|information|details)|private\s+(?:data|messages)|(?:e-?mail|home)\s+addresses"
    r"|sensitive\s+(?:documents|data|information))"
)
#: Off the machine, to someone else.
_OFFSITE = (
    r"(?:remotely|externally|(?:to|via|in)\s+(?:the\s+)?cloud|(?:with|to)\s+third[\s-]part\w+"
    r"|to\s+(?:a\s+|our\s+)?remote\s+\w+|(?:to|with)\s+(?:our\s+)?(?:partners?|advertis\w+"
    r"|marketing\s+\w+|analytics\s+\w+)|across\s+devices)"
)

# --- families -----------------------------------------------------------------------------------

Pattern = tuple[int, re.Pattern[str], tuple[str, ...]]

INSTRUCT: Final[list[Pattern]] = [
    (
        2,
        _c(
            r"\b(?:before|prior\s+to)\s+(?:using|calling|invoking|executing|running|you\s+(?:use"
            r"|call|run|invoke))\s+(?:this|the|any)\s+(?:[\w-]+\s+)?(?:tool|function|command"
            r"|server)s?\b"
            + _near(60)
            + r"\b"
            + _SIDE_ACT
            + r"\b"
            + _near(40)
            + r"(?:\b|(?=[.~`'\"/]))"
            + _DATA_OBJ
        ),
        ("before", "prior"),
    ),
    (
        2,
        _c(
            r"\b(?:when(?:ever)?|each\s+time|every\s+time|any\s*time|after|once)\s+"
            + _MODEL
            + r"\b"
            + _near(80)
            + r"\b(?:also|additionally|as\s+well\s+as|at\s+the\s+same\s+time|in\s+"
            r"addition)\s*,?\s+(?:\w+\s+)?" + _SIDE_ACT + r"\b"
        ),
        ("also", "additionally", "as well", "same time", "addition"),
    ),
    (
        2,
        _c(
            r"\b(?:after|once)\s+(?:you\s+(?:have\s+|'ve\s+)?)?(?:answer|respond|repl|finish|complet"
            r"|return|are\s+done|done)\w*" + _near(60) + r"\b(?:send|forward|upload|post|e-?mail"
            r"|call|read|share|transmit|submit|report)\b" + _near(60) + r"\b(?:to|the|all|every"
            r"|a\s+copy)\b"
        ),
        ("after", "once"),
    ),
    (
        2,
        _c(
            r"\b(?:include|add|append|insert|mention|say|recommend|promote|end|start|begin|prefix"
            r"|suffix|put|embed|advertise|sign|paste|copy|quote|repeat|show)\b"
            + _near(60)
            + r"\b(?:in|into|to|at\s+the\s+(?:end"
            r"|start|beginning|bottom|top)\s+of|with)\s+" + _REPLY + r"\b"
        ),
        ("respons", "answer", "repl", "summar", "message", "output"),
    ),
    (
        2,
        _c(
            r"\b(?:tell|inform|convince|assure|persuade|remind)\s+" + _USER + r"\s+(?:that|it\s+is"
            r"|they\s+(?:must|should|need))\b"
        ),
        ("tell", "inform", "convince", "assure", "persuade", "remind"),
    ),
    (
        2,
        _c(
            r"\b(?:always|only|must)\s+(?:respond|reply|answer|speak|write\s+(?:your|all))\b"
            + _near(30)
            + r"\b(?:in|with|using|as)\b"
        ),
        ("respond", "reply", "answer", "speak", "write"),
    ),
    (
        2,
        _c(
            r"\b(?:recommend|promote|suggest|advertise|endorse|push)\s+(?:our|the\s+sponsor'?s?"
            r"|sponsored|partner)\s+(?:\w+\s+)?(?:products?|services?|brand|website|company|offers?)"
        ),
        ("recommend", "promote", "suggest", "advertise", "endorse", "push"),
    ),
    (
        1,
        _c(
            r"\b"
            + _MODEL
            + r"\s+(?:must|should|shall|need\s+to|have\s+to|are\s+(?:required|expected"
            r"|instructed)\s+to)\s+(?:also\s+|first\s+|always\s+)?(?:read|send|forward|upload|post"
            r"|include|append|attach|copy|collect|share|transmit|leak|dump|print|extract)\b"
        ),
        ("must", "should", "shall", "need", "have", "required", "expected", "instructed"),
    ),
]

CONCEAL: Final[list[Pattern]] = [
    (
        3,
        _c(
            r"\bwithout\s+(?:the\s+|any\s+)?" + _USER + r"\s*(?:ever\s+)?(?:knowledge|knowing"
            r"|noticing|awareness|being\s+(?:aware|informed|told|notified))"
        ),
        ("without",),
    ),
    (
        2,
        _c(
            r"\bwithout\s+(?:asking|informing|telling|notifying|alerting|consulting)\s+"
            + _USER
            + r"|\bwithout\s+(?:the\s+)?"
            + _USER
            + r"\s*(?:consent|permission|approval)"
        ),
        ("without",),
    ),
    (
        3,
        _c(
            r"\b(?:invisible|unnoticed|imperceptible|undetectable|unseen)\s+(?:to|by|for)\s+"
            + _USER
        ),
        ("invisible", "unnoticed", "imperceptible", "undetectable", "unseen"),
    ),
    (
        3,
        _c(
            r"\b(?:do\s*not|don't|never|must\s+not|should\s+not)\s+(?:mention|reveal|disclose|tell"
            r"|say|explain|acknowledge|report|admit|indicate|show)\s+(?:to\s+" + _USER + r"\s+)?"
            r"(?:that|what|how|why|where)\s+(?:you|this\s+(?:tool|function)|it)\b"
        ),
        ("not", "n't", "never"),
    ),
    (
        3,
        _c(
            r"\bkeep\s+(?:this|these|the\s+following|the\s+above)\s+(?:instructions?|steps?|notes?"
            r"|rules?|directives?|information|details)?\s*(?:secret|hidden|confidential|private"
            r"|to\s+yourself|between\s+us)|\bkeep\s+(?:it|this)\s+to\s+yourself"
        ),
        ("keep",),
    ),
    (
        3,
        _c(
            r"\b" + _USER + r"\s+(?:does|do|should|must|will|need)\s*(?:not|n't|never)\s+(?:need\s+"
            r"to\s+)?(?:know|see|notice|be\s+(?:told|informed|aware|notified|bothered))"
        ),
        ("not", "n't", "never"),
    ),
]

SHADOWING: Final[list[Pattern]] = [
    (
        2,
        _c(
            r"\b(?:all|any|every|each)\s+(?:outgoing\s+|future\s+|other\s+|new\s+)?"
            + _ROUTED
            + r"\b"
            + _near(40)
            + r"\b(?:must|should|shall|need\s+to|needs\s+to|have\s+to|has\s+to"
            r"|are\s+to|is\s+to|will\s+(?:now\s+)?)\s+(?:always\s+|also\s+|only\s+)?(?:be\s+)?"
            + _ROUTE_VERB
            + r"\b"
            + _near(20)
            + r"\b(?:to|through|via)\b"
        ),
        (
            "sent",
            "send",
            "forward",
            "rout",
            "redirect",
            "copied",
            "cc",
            "deliver",
            "address",
            "transfer",
            "paid",
            "deposit",
            "upload",
            "mirror",
            "prox",
        ),
    ),
    (
        2,
        _c(
            r"\bwhen(?:ever)?\s+(?:you\s+|the\s+(?:ai|assistant|model|agent)\s+)?(?:use|call|invoke"
            r"|run|execute|send\s+\w+\s+(?:with|via|using))\s+(?:the\s+)?(?!this\b)[`'\"]?"
            r"[a-z][\w.-]*[_.][\w.-]+[`'\"]?(?:\s+(?:tool|function))?\b"
            + _near(60)
            + r"\b(?:always|must|should|make\s+sure|set|include|add|change|replace|use|send|bcc"
            r"|cc|instead)\b"
        ),
        ("when",),
    ),
    (
        2,
        _c(
            r"\bthe\s+(?!this\b|same\b|current\b|following\b)[`'\"]?[\w.-]+[`'\"]?\s+(?:tool"
            r"|function|server)\s+(?:must|should|shall|needs?\s+to|has\s+to|is\s+required\s+to"
            r"|will\s+now)\s+(?:always\s+|now\s+|also\s+|only\s+)?(?:send|forward|use|include|set"
            r"|add|route|redirect|cc|bcc|copy|be\s+called\s+with|pass)\b"
        ),
        ("tool", "function", "server"),
    ),
    (
        2,
        _c(
            r"\b(?:override|overrides|overriding|replace|replaces|change|changes|modify|modifies"
            r"|hijack|intercept)\s+(?:the\s+)?(?:behaviou?r|recipient|destination|parameters?"
            r"|arguments?|output|results?|address)\s+of\s+(?:the\s+|any\s+|all\s+|other\s+)"
            r"(?!this\b)[\w`'\".-]+\s*(?:tools?|functions?|servers?|calls?)?"
        ),
        ("override", "replace", "change", "modif", "hijack", "intercept"),
    ),
]

#: Priority claims: the same family as ``patterns``' "hijack" (one phrase never counts twice).
PRIORITY: Final[list[Pattern]] = [
    (
        2,
        _c(
            r"\b(?:always\s+)?(?:use|call|invoke|run|choose|select|prefer|pick)\s+this\s+(?:tool"
            r"|function|server|one)\s+(?:first|before\s+(?:any|all|every|other)|over\s+(?:any|all"
            r"|other)|whenever|for\s+(?:all|any|every))\b"
        ),
        whole("this"),
    ),
]

AUTHORITY: Final[list[Pattern]] = [
    (
        2,
        _c(
            r"\b(?:recommended|required|mandatory|preferred|designated|approved|authori[sz]ed"
            r"|essential)\s+(?:tool\s+|choice\s+)?(?:for|in|when\s+(?:handling|processing))\s+"
            r"(?:all\s+|any\s+|every\s+)?(?:sensitive|secure|confidential|critical|production"
            r"|financial|private|security|enterprise|regulated|high[\s-]risk|important|privileged)\b"
        ),
        (
            "recommended",
            "required",
            "mandatory",
            "preferred",
            "designated",
            "approved",
            "authori",
            "essential",
        ),
    ),
    (
        2,
        _c(
            r"\b(?:the\s+)?only\s+(?:approved|authori[sz]ed|trusted|secure|safe|official|sanctioned"
            r"|verified|compliant|permitted|supported|legitimate)\s+(?:tool|way|method|function"
            r"|server|option|means)\b"
        ),
        ("only",),
    ),
    (
        2,
        _c(
            r"\bthis\s+(?:tool|function|server)\s+(?:is|has\s+been)\s+(?:officially\s+)?(?:approved"
            r"|certified|verified|endorsed|sanctioned|mandated|whitelisted|trusted)\s+(?:by|for)\b"
        ),
        whole("this"),
    ),
    (
        1,
        _c(
            r"\b(?:for|due\s+to|per|under|by|to\s+(?:meet|satisfy|ensure|maintain))\s+(?:\w+\s+){0,2}?"
            r"(?:compliance|regulatory|audit(?:ing)?|legal|gdpr|sox|hipaa|pci)\s+(?:reasons?"
            r"|requirements?|purposes|polic(?:y|ies)|rules?|mandates?)"
            r"|\b(?:required|mandated|demanded)\s+(?:by|for)\s+(?:\w+\s+)?(?:compliance|regulat\w+"
            r"|audit\w*|security\s+polic\w+)"
            r"|\bto\s+compliance\s+reasons\b"
        ),
        ("compliance", "regulat", "audit", "legal", "gdpr", "sox", "hipaa", "pci"),
    ),
]

BAIT: Final[list[Pattern]] = [
    (
        2,
        _c(
            r"\b(?:enhanced|improved|upgraded|premium|secure[d]?|safer|hardened|official|verified"
            r"|better|faster)\s+(?:and\s+\w+\s+)?(?:version|alternative|replacement|variant"
            r"|edition|drop-in)\s+(?:of|for|to)\b"
        ),
        ("version", "alternative", "replacement", "variant", "edition", "drop-in"),
    ),
    (
        1,
        _c(
            r"\b(?:enhanced|advanced|military[\s-]grade|bank[\s-]grade|ultra|super|extra)[\s-]"
            r"(?:secure|safe|encrypted)\b"
        ),
        ("secure", "safe", "encrypted"),
    ),
]

CREDENTIAL_ASK: Final[list[Pattern]] = [
    (
        3,
        _c(
            r"\b(?:provide|include|enter|paste|supply|pass|send|give|submit|fill\s+in|add|attach"
            r"|append|put|insert)\s+(?:the\s+)?(?:your|the\s+user'?s?|their|all|any\s+(?:stored"
            r"|saved))\s+(?:\w+\s+){0,2}?"
            + _ASKED_FOR
            + r"\b"
            + _near(60)
            + r"\b(?:for|as\s+part\s+of"
            r"|to\s+(?:complete|pass|allow|enable))\s+(?:\w+\s+){0,2}?" + _PRETEXT
        ),
        whole(
            "provide",
            "include",
            "enter",
            "paste",
            "supply",
            "pass",
            "send",
            "give",
            "submit",
            "fill",
            "add",
            "attach",
            "append",
            "put",
            "insert",
        ),
    ),
    (
        2,
        _c(
            r"\b"
            + _ASKED_FOR
            + r"\b"
            + _near(40)
            + r"\b(?:in|using)\s+(?:the\s+)?(?:following|this"
            r"|compliance|required|standard|audit|verification)\s+format\b"
        ),
        ("format",),
    ),
    (
        2,
        _c(
            r"\b(?:the\s+)?(?:user'?s?|their|your)\s+(?:current\s+|real\s+|actual\s+|full\s+)?"
            + _ASKED_FOR
            + r"\b"
            + _near(40)
            + r"\b(?:for|required\s+for|needed\s+for)\s+(?:\w+\s+)?"
            + _PRETEXT
        ),
        ("user", "their", "your"),
    ),
]

MARKUP: Final[list[Pattern]] = [
    (
        3,
        _c(
            r"<\s*script\b|\bjavascript:(?=[\w(/])|\bon(?:error|load|mouseover|focus)\s*=\s*['\"]?\w"
        ),
        ("script", "javascript:", "onerror", "onload", "onmouseover", "onfocus"),
    ),
    (3, _c(r"!\[[^\]\n]{0,100}\]\(\s*https?://[^)\s]*\?[^)\s]*="), ("](",)),
    (
        3,
        _c(
            r"<\s*img\b[^>]{0,200}\bsrc\s*=\s*['\"]?https?://[^'\"\s>]*\?[^'\"\s>]*="
            r"|\bdisplay\s*:\s*none\b|\bvisibility\s*:\s*hidden\b|\bfont-size\s*:\s*0(?:px)?\b"
            r"|\bopacity\s*:\s*0(?![.\d])"
        ),
        ("img", "display", "visibility", "font-size", "opacity"),
    ),
    (
        3,
        _c(
            r"<!--(?:(?!-->).){0,300}?\b(?:you|assistant|ai|model|llm|agent|must|always|never"
            r"|ignore|send|read|include|call|instruction)\b"
        ),
        ("<!--",),
    ),
    (
        2,
        _c(r"<\s*(?:iframe|object|embed|form|meta\s+http-equiv)\b|\bdata:text/html"),
        ("iframe", "object", "embed", "form", "meta", "data:text"),
    ),
    (1, _c(r"!\[[^\]\n]{0,100}\]\(\s*https?://"), ("](",)),
]

PSEUDO_SYSTEM: Final[list[Pattern]] = [
    (
        2,
        _c(
            r"\[\s*(?:system|role|hidden|metadata|admin|developer|internal|secret|override"
            r"|assistant|root|debug|priority)\s*(?:directive|instructions?|note|override|message"
            r"|prompt|command|mode)?\s*\]\s*:?"
            r"|\b(?:system|admin|developer|hidden|internal)\s+(?:note|directive|override|message"
            r"|instruction)s?\s*:"
            r"|\binstruction\s+override\b"
        ),
        ("[", "system", "admin", "developer", "hidden", "internal", "override"),
    ),
    (
        2,
        _c(r"\bact\s+as\s*:"),
        ("act",),
    ),
    (
        2,
        re.compile(r"(?m)^\s*(?:SYSTEM|ADMIN|DEVELOPER|ROOT)\s*:"),
        ("system", "admin", "developer", "root"),
    ),
]

#: Granting the model trust or power it was not given: the move of a jailbreak.
ELEVATE: Final[list[Pattern]] = [
    (
        2,
        _c(
            r"\b(?:act|behave|operate)\s+as\s+(?:an?\s+|the\s+)?(?:\w+\s+){0,2}?(?:administrator"
            r"|admin|root|superuser|sysadmin|unrestricted|unfiltered|jailbroken)\b"
            r"|\byou\s+(?:now\s+)?have\s+(?:unrestricted|unlimited|full|root|admin(?:istrator)?)\s+"
            r"(?:access|privileges|permissions|rights|control)"
            r"|\btrust\s+all\s+(?:\w+\s+){0,3}?(?:commands?|queries|input|requests?|instructions?"
            r"|users?|data|content)\b|\b(?:bypass|ignore|disable)\s+(?:all\s+)?(?:the\s+)?"
            r"(?:\w+\s+)?(?:security|safety)\s+(?:checks?|controls?|restrictions?|rules?|filters?)"
            r"|\b(?:bypass|circumvent)\s+(?:all\s+)?(?:access\s+controls?|restrictions|permissions)"
        ),
        whole(
            "act", "behave", "operate", "have", "trust", "bypass", "ignore", "disable", "circumvent"
        ),
    ),
    (
        1,
        _c(
            r"\b(?:disable|skip|turn\s+off)\s+all\s+(?:\w+\s+)?(?:validation|sanitization"
            r"|sanitisation|filtering|checks|restrictions|logging)\b"
        ),
        ("disable", "skip", "turn"),
    ),
]

CAPABILITY: Final[list[Pattern]] = [
    (
        3,
        _c(
            r"\b"
            + _THEFT
            + r"\s+(?:(?!from\b|of\b|by\b|with\b)[\w'\u2019-]+\s+){0,3}?"
            + _TAKEN
            + r"\b"
        ),
        ("steal", "stole", "exfiltrat", "harvest", "siphon", "pilfer"),
    ),
    (
        3,
        _c(
            r"\b" + _OFFENSIVE + r"\s+(?:(?!from\b|of\b|in\b|by\b|with\b|using\b|to\b|for\b)\w+"
            r"\s+){0,3}?(?:saved\s+|stored\s+|cached\s+|cleartext\s+)?"
            + _LOOT
            + r"\b(?!\s+(?:formats?|types?|fields?|schema|validation|parser))"
        ),
        (
            "dump",
            "extract",
            "grab",
            "sniff",
            "skim",
            "decrypt",
            "crack",
            "brute",
            "spray",
            "forg",
            "intercept",
            "captur",
            "hijack",
            "phish",
            "impersonat",
            "replay",
            "relay",
        ),
    ),
    (
        3,
        _c(r"\b" + _TECHNIQUE + r"\b"),
        (
            "the-hash",
            "the hash",
            "the-ticket",
            "the ticket",
            "golden",
            "silver",
            "dcsync",
            "roast",
            "mimikatz",
            "sekurlsa",
            "lsass",
            "ntds",
            "sam database",
            "sam hive",
            "llmnr",
            "nbt-ns",
            "ntlm relay",
            "spray",
            "shadow cred",
            "phishing",
            "middle",
            "hijack",
            "ld_preload",
            "impersonation",
            "seimpersonate",
            "printnightmare",
            "zerologon",
            "petitpotam",
            "pwnkit",
            "evilginx",
            "mitm",
            "aitm",
            "adtm",
            "adversary",
            "spoof",
            "poison",
            "social engineering",
            "manipulation",
            "escape",
            "jailbreak",
            "privilege",
            "escalat",
            "offline crack",
            "malware",
            "trojan",
            "spyware",
            "stealer",
            "=rat",
            "malicious",
            "ransomware",
            "keylogger",
            "worm",
            "wiper",
            "c2",
            "command-and",
            "command and",
        ),
    ),
    (
        3,
        _c(
            r"(?:^|(?<=[.!?:;]\s)|(?<=\n)|\bto\s+|\band\s+|\bthen\s+|\bthat\s+)exploit(?:s|ing)?\s+"
            r"(?!-?db\b|database|search|finder|lookup|suggest\w*|details?\b|info\w*|metadata\b"
            r"|list\w*|code\b(?!\s+(?:injection|execution))|modules?\b|names?\b|ids?\b|titles?\b|references?\b|sources?\b"
            r"|catalog\w*|repositor\w*)(?:the\s+|a\s+|an\s+)?\w"
        ),
        ("exploit",),
    ),
    (
        3,
        _c(
            r"\b(?:(?:bypass\w*|defeat\w*|evad\w*|circumvent\w*|kill(?:s|ing)?|tamper\w*\s+with"
            r"|blind\w*)\s+(?:the\s+|all\s+|any\s+)?|(?:disabl\w*|turn(?:s|ing)?\s+off)\s+"
            # switching off a resource's own setting, which its owner toggles: a domain's
            # (WHOIS) privacy protection, a database's deletion or an instance's termination
            # protection
            r"(?:the\s+|all\s+|any\s+)?(?!(?:whois\s+)?privacy\s+protection\b"
            r"|(?:deletion|termination)\s+protection\b))"
            r"(?:[\w/-]+\s+){0,2}?"
            + _DEFENCE
            + r"(?:\s+(?:protections?|controls?|checks?|mechanisms?|features?|software|measures?"
            r"|policies|rules))?"
            # "bypass the audit cache": the defence word names another thing (its cache, report)
             + r"\b(?!\s+(?:is|are)\s+(?:enabled|required)|\s+(?:cache[sd]?|results?|reports?)\b)"
        ),
        ("bypass", "disabl", "defeat", "evad", "circumvent", "kill", "turn", "tamper", "blind"),
    ),
    (
        3,
        _c(
            r"\b(?:escape|break\s+out\s+of)\s+(?:the\s+|a\s+)?(?:container|virtual\s+machine|vm"
            r"|sandbox|jail|chroot)\b|\broot\s+(?:an?\s+)?(?:\w+\s+)?(?:device|phone)s?\s+(?:via"
            r"|using|with)\b|\bjailbreak\s+(?:an?\s+)?(?:\w+\s+)?(?:device|ios|iphone)"
        ),
        ("escape", "break", "root", "jailbreak"),
    ),
    (
        3,
        _c(
            r"\b(?:abuse|abuses|abusing)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:privileges?|permissions?"
            r"|delegation|acls?|polic(?:y|ies)|seimpersonate\w*|rights|tokens?|trust)\b"
            r"|\b(?:hide|hides|hiding|conceal\w*|embed\w*|smuggl\w*)\s+(?:secret\s+|stolen\s+"
            r"|exfiltrated\s+)?data\s+(?:in|within|inside)\b"
        ),
        ("abus", "hid", "conceal", "embed", "smuggl"),
    ),
]

#: Covert collection: the tool does its job and, on the side, gathers what it has no need for.
COLLECT: Final[list[Pattern]] = [
    (
        3,
        _c(
            r"\b" + _PERSONAL + r"\b[\s\S]{0,250}?\b(?:stored|cached|kept|synced|shared|sent"
            r"|uploaded|logged|transmitted|added|forwarded|mirrored|reported|published)\s+"
            r"(?:\w+\s+){0,3}?" + _OFFSITE
        ),
        (
            "remote",
            "external",
            "cloud",
            "third",
            "partner",
            "advertis",
            "marketing",
            "analytics",
            "devices",
        ),
    ),
    (
        2,
        _c(
            r"\b(?:also|additionally|secretly|automatically|in\s+the\s+background|during\s+\w+"
            r"|while\s+\w+ing|for\s+(?:entropy|caching|analytics|quality))\b"
            + _near(60)
            + r"\b(?:index|collect|log|record|extract|captur|stor|keep|cach|retain|sync|shar"
            r"|upload|send|harvest|track|maintain|incorporat|copy|sav|transmit)\w*"
            + _near(40)
            + r"\b(?:any|all|every|including|such\s+as|the\s+user'?s?|users'?)\s+(?:[\w-]+\s+){0,3}?"
            + _PERSONAL
            + r"\b"
        ),
        (
            "also",
            "additionally",
            "secretly",
            "automatically",
            "background",
            "during",
            "while",
            "entropy",
            "caching",
            "analytics",
            "quality",
        ),
    ),
    (
        3,
        _c(r"\b(?:automatically|silently|by\s+default)\s+(?:opted|enrolled)[\s-]*in\b"),
        ("automatically", "silently", "default"),
    ),
    (
        2,
        _c(
            r"\b(?:automatically|silently|by\s+default)\s+(?:subscribed|signed\s+up)\b"
            r"|\badded\s+to\s+(?:a\s+|our\s+)?(?:marketing|advertising|mailing)\s+(?:database"
            r"|list)"
        ),
        ("automatically", "silently", "default", "added"),
    ),
    (
        2,
        _c(
            r"\b(?:pass|put|encode|hide|smuggle|include|embed|insert|append)\s+(?:\w+\s+)?"
            r"(?:private|personal|sensitive|confidential|secret)\s+(?:information|data|details)"
        ),
        ("private", "personal", "sensitive", "confidential", "secret"),
    ),
]

CAPABILITY.extend(
    [
        (
            3,
            _c(
                r"\bbrute[\s-]?forc\w*\s+(?:\S+\s+){0,3}?(?:authentication|logins?|accounts?"
                r"|passwords?|credentials|hashes|keys?|pins?)\b|\bfor\s+(?:\w+\s+)?exploitation\b"
                r"|\bhijack(?:s|ed|ing)?\s+(?:the\s+|a\s+|an\s+)?\w"
                r"|\bimpersonat\w*\s+(?:a\s+|the\s+)?(?:privileged|admin\w*|trusted|domain|system)\s+"
                r"\w+|\b(?:perform|launch|run|execute|conduct|carry\s+out|mount)\s+(?:an?\s+|the\s+)?"
                r"(?:[\w/-]+\s+){0,3}attacks?\b(?![\s-]+(?:surface|vectors?|paths?|graphs?|chains?|simulations?"
                r"|detection|prevention|patterns?|signatures?|techniques?|types?))"
            ),
            ("brute", "exploitation", "hijack", "impersonat", "attack"),
        ),
        (
            3,
            _c(
                r"(?:^|(?<=[.!?]\s)|(?<=\n))(?:[\w'/-]+\s+){1,4}attacks?\b(?![\s-]+(?:surface|vectors?"
                r"|detection|prevention|protection|simulation|patterns?|signatures?|paths?|graph"
                r"|techniques?|types?|data|logs?|reports?))(?:\s+(?:against|on|to|using|via)\b|\s*"
                r"(?:[.(]|$))"
            ),
            ("attack",),
        ),
        # the attack named as a noun phrase, object first: "credential capture", "Kerberos
        # bruteforce", "AD CS abuse" (the verb-first forms are the patterns above)
        (
            3,
            _c(
                r"\b(?:credentials?|passwords?|password\s+hash(?:es)?|ntlm|hash(?:es)?|kerberos"
                r"|tickets?|logins?|ssh|rdp|smb|ftp|wpa2?|wi-?fi|handshakes?)\s+(?:capture|captures"
                r"|capturing|extraction|interception|sniffing|relay(?:ing)?|cracking|brute[\s-]?forc\w*"
                r"|spraying)\b"
                r"|\b(?:ad[\s-]?cs|certificate\s+templates?|delegation|acls?|kerberos|token)\s+abuse\b"
            ),
            (
                "capture",
                "extraction",
                "interception",
                "sniffing",
                "relay",
                "cracking",
                "brute",
                "spraying",
                "abuse",
            ),
        ),
        # exploits and implants made by the tool ("exploit writing", "generating custom exploits",
        # "build a beacon-mode implant"), an exploitation framework or module run, enumeration
        # followed by exploitation
        (
            3,
            _c(
                r"\b(?:generat(?:e|es|ing)|writ(?:e|es|ing)|craft(?:s|ing)?|creat(?:e|es|ing)"
                r"|develop(?:s|ing)?|build(?:s|ing)?|weaponi[sz](?:e|es|ing))\s+(?:an?\s+|the\s+)?"
                r"(?:custom\s+|working\s+|new\s+|zero[\s-]day\s+|0[\s-]day\s+|weaponi[sz]ed\s+)?"
                r"exploits?\b(?!\s+(?:reports?|summar\w+|descriptions?|references?|notes?))"
                r"|\bexploits?\s+(?:generation|development|writing|creation|crafting)\b"
                r"|\b(?:generat(?:e|es|ing)|build(?:s|ing)?|creat(?:e|es|ing)|compil(?:e|es|ing)|craft(?:s|ing)?)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?"
                r"(?:implants?|droppers?|stagers?|backdoors?|rootkits?)\b"
                r"|\bexploitation\s+(?:frameworks?|toolkits?|kits?|suites?|modules?|tools?|engines?)\b"
                r"|\b(?:enumeration|discovery|scanning|reconnaissance|recon|penetration\s+testing)"
                r"\s+(?:and|&)\s+exploitation\b"
            ),
            ("exploit", "implant", "dropper", "stager", "backdoor", "rootkit"),
        ),
        # denial of radio and wireless service: jamming, deauthentication frames, disrupting
        # targeted Wi-Fi networks
        (
            3,
            _c(
                r"\bjam(?:s|med|ming)?\s+(?:the\s+|a\s+|an\s+|all\s+|nearby\s+|targeted\s+)?"
                r"(?:[\w-]+\s+)?(?:frequenc(?:y|ies)|signals?|radio|wi-?fi|wireless|gps|cellular"
                r"|bluetooth|communications?|channels?|transmissions?)\b"
                r"|\bdeauth\w*\s+(?:packets?|frames?|floods?)\b"
                r"|\bdisrupt\w*\s+(?:the\s+|all\s+|nearby\s+|targeted\s+)?(?:[\w-]+\s+)?"
                r"(?:wi-?fi|wireless|radio|bluetooth)\s+(?:networks?|signals?|communications?"
                r"|connections?|clients?)\b"
            ),
            ("jam", "deauth", "disrupt"),
        ),
    ]
)

#: A behaviour armed by the person's own words (a sleeper instruction). Benign tools say "use this
#: when the user asks about X" too, so it weighs 1: it counts beside another family.
TRIGGER: Final[list[Pattern]] = [
    (
        1,
        _c(
            r"\b(?:when(?:ever)?|if|once|as\s+soon\s+as)\s+(?:the\s+)?(?:user|human|customer|person"
            r"|requester)(?:'s|s')?\s+(?:(?:request|message|query|prompt|question|input|text)s?\s+)?"
            r"(?:mentions?|contains?|includes?|says?|types?|writes?|refers?\s+to|uses?\s+the\s+"
            r"(?:word|phrase|term))\b"
        ),
        ("when", *whole("if", "once", "soon")),
    ),
]

#: family -> patterns; ``patterns.FAMILIES`` extends its own families with these.
CLAUSE_FAMILIES: Final[dict[str, list[Pattern]]] = {
    "instruct": INSTRUCT,
    "conceal": CONCEAL,
    "shadowing": SHADOWING,
    "hijack": PRIORITY,
    "authority": AUTHORITY,
    "bait": BAIT,
    "credential-ask": CREDENTIAL_ASK,
    "markup": MARKUP,
    "pseudo-system": PSEUDO_SYSTEM,
    "elevate": ELEVATE,
    "capability": CAPABILITY,
    "collect": COLLECT,
    "trigger": TRIGGER,
}

#: Families that read prose: a property *name* (``skip_security_check``) is not a sentence.
PROSE_ONLY: Final = frozenset(
    {"instruct", "authority", "bait", "markup", "pseudo-system", "elevate", "collect", "trigger"}
)

#: A sentence that names markup only to say it is removed or escaped.
SANITIZING_RE: Final = _c(
    r"\b(?:strip\w*|remov\w*|sanitiz\w*|saniti[sz]\w*|escap\w*|filter\w*|clean\w*|block\w*"
    r"|reject\w*|disallow\w*|excludes?|without)\b"
)
