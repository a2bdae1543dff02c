"""Openly harmful capabilities: tools that state they harm people or what people rely on (L1 pure core).

``hardener.detect.clauses`` names the attacker's tradecraft (stealing secrets, escalating
privileges, defeating defences). The patterns here name the *harm* itself, composed as a verb
class on a victim or target class, so a new wording of the same harm still matches:

* **sabotage** of safety-critical systems (``SAFETY_CRITICAL``: power grids, dams, water supply,
  emergency services, air-traffic and navigation systems, medical devices, broadcast channels)
  by overloading, jamming, taking down or breaching them (the older "disable a defence" pattern
  takes these targets too: a safety system is a defence of people);
* **falsification** of records people are judged or paid by (``RECORDS``: medical, financial,
  court, identity records, transaction histories, ledgers, evidence, votes) and planting fake
  ones (fake transactions, false alerts, forged documents, a cloned sign-in page, a fake
  update shown to the person);
* **disinformation**: deepfakes, fake news, propaganda and campaigns meant to spread panic;
* **surveillance** of a person (``PERSON``: an individual, a victim, a journalist …): tracking
  their location or movements, intercepting their communications, spying on them, building a
  psychological profile or a dossier;
* **financial harm** to a person: freezing, draining or seizing their accounts or funds,
  skimming their card numbers;
* **destruction** of identity, evidence or forensic traces, of someone's data or machine;
* a **lexicon** of harms named by one word or term (cyberattack, post-exploitation, privesc,
  exfil, stalkerware, doxxing, extortion …);
* **intrusion** in plain words: an exploit fired at a target, code execution or a takeover won,
  loot taken from a compromised system, a captured hash used to log in, code injected into
  another process (an implant injected or migrated, a DLL reflectively sideloaded), a user
  impersonated through their token, elevation to SYSTEM, web/bind shells, passwords tried by
  the million;
* **malware's own doings**: named floods and deauthentication, covert capture (camera,
  microphone, screen), the victim's data, working for "the attacker", evading detection,
  hiding its presence, spreading itself, ransom demands;
* the **techniques in Chinese** (``_ZH_TECHNIQUE``: privilege escalation, lateral movement,
  brute-force cracking, pass-the-hash, backdoors, exfiltration …), as Chinese offensive
  tooling names them; a Chinese sentence that detects or defends against one is not an offer
  (``patterns.ZH_DEFENSIVE_RE``).

Every pattern weighs 3 and belongs to the ``capability`` family (its own rule,
``description.malicious-capability``); ``hardener.detect.descriptions`` drops a match whose
sentence names the harm to detect, block or explain it. Anchors as in ``clauses``; :func:`why`
gives each match its note (shown by ``hardener analyze-tools`` and in its ``--json``).
"""

from __future__ import annotations

import re
from typing import Final

from hardener.detect.clauses import Pattern, whole

_F = re.IGNORECASE


def _c(pattern: str) -> re.Pattern[str]:
    """Compiled case-insensitively, behind a lookahead for the characters every alternative
    starts with (a letter; ``:`` for the fork bomb): ``re`` then skips other positions by a
    character-set scan (about a third faster on long texts full of anchor words)."""
    return re.compile(r"(?=[a-z:])(?:" + pattern + r")", _F)


#: Up to three words between a verb and its object, none of them a preposition (so the object
#: is the verb's own, not the noun of a later phrase: "forge a site *with* a certificate").
_GAP = r"(?:(?!(?:from|of|in|by|with|using|to|for|on|into|via|at)\b)[\w'\u2019,-]+\s+){0,3}?"

# --- targets and victims ------------------------------------------------------------------------

#: Systems whose failure endangers people (sabotaging one is never a tool's job).
SAFETY_CRITICAL: Final = (
    r"(?:(?:national\s+|regional\s+|electric(?:al|ity)?\s+|energy\s+)?power\s+(?:grids?|plants?"
    r"|stations?|substations?)|(?:national|electric(?:al|ity)?|energy"
    r"|power)\s+grids?|substations?|(?:hydroelectric\s+|hydro\s+)?dams?(?:['\u2019]s)?(?:\s+(?:controls?"
    r"|floodgates?|gates))?|floodgates?|water\s+(?:suppl(?:y|ies)|treatment|systems?|utilit\w+"
    r"|plants?|distribution)|emergency\s+(?:services|lines|response|dispatch|alert\w*|systems?"
    r"|broadcasts?|calls?|numbers?|communications?)|911\s+(?:\w+\s+)?(?:services|lines|calls|systems?)"
    r"|air[\s-]traffic(?:\s+control)?(?:\s+systems?)?|(?:airport|aircraft|aviation|flight"
    r"|maritime|ship|vessel|railway|rail|train)\s+(?:navigation|control|signal\w*|traffic"
    r"|safety)(?:\s+systems?)?|navigation\s+systems?|gps\s+(?:signals?|satellites?|navigation|receivers?)"
    r"|satellites?(?:\s+(?:feeds?|channels?|links?|communications?|networks?))?|hospitals?"
    r"(?:\s+(?:systems?|networks?|equipment))?|life[\s-]support(?:\s+systems?)?|medical\s+(?:devices?"
    r"|equipment)|pacemakers?|insulin\s+pumps?|ventilators?|traffic\s+(?:lights?|signals?"
    r"|control(?:\s+systems?)?)|nuclear\s+(?:plants?|reactors?|facilit\w+|power)|reactors?"
    r"|(?:oil|gas|fuel)\s+pipelines?|scada(?:\s+systems?)?|industrial\s+control\s+systems?"
    r"|critical\s+infrastructure|(?:cell(?:ular)?|mobile|telecom\w*|phone)\s+(?:networks?"
    r"|towers?)|voting\s+(?:machines?|systems?)|election\s+(?:systems?|infrastructure)"
    r"|(?:news|broadcast|tv|television|radio)\s+(?:feeds?|channels?|stations?|signals?"
    r"|networks?|broadcasts?))"
)
#: Records people are judged, treated or paid by: forging one is fraud.
RECORDS: Final = (
    r"(?:(?:medical|patient|health|clinical|financial|bank(?:ing)?|accounting|tax|court|criminal"
    r"|police|legal|government|identity|birth|death|citizenship|immigration|property|land"
    r"|academic|school|employment|voting|voter|election|audit|compliance|safety|inspection"
    r"|maintenance|insurance|payroll)\s+(?:records?|data|histor(?:y|ies)|files?|documents?"
    r"|results?|reports?|rolls?|registr(?:y|ies)|certificates?|ledgers?|logs?|trails?)"
    r"|transaction\s+(?:history|histories|records?|logs?|data)|ledgers?|blockchain\s+(?:state"
    r"|history|records?|data)|(?:event|audit|security)\s+(?:logs?|trails?)|evidence|votes?"
    r"|ballots?|election\s+results?|vote\s+(?:counts?|tall(?:y|ies))|lab(?:oratory)?\s+results?"
    r"|prescriptions?)"
)
#: Of those, the ones no everyday edit touches (altering, erasing or rewriting one is fraud).
_SEALED = (
    r"(?:(?:medical|patient|health|clinical|financial|court|criminal|police|identity|birth"
    r"|death|citizenship|immigration|voter|election|audit|compliance|safety|inspection"
    r"|maintenance|insurance)\s+(?:records?|histor(?:y|ies))|transaction\s+(?:history"
    r"|histories|records?)|blockchain\s+(?:state|history|records?)|(?:event|audit|security)"
    r"\s+(?:logs?|trails?)|evidence|votes?|ballots?|election\s+results?|vote\s+(?:counts?"
    r"|tall(?:y|ies))|lab(?:oratory)?\s+results?|prescriptions?)"
)
#: Artifacts that vouch for someone: forging one is impersonation.
_VOUCHERS = (
    r"(?:signatures?|certificates?|passports?|(?:id|identity)\s+(?:cards?|documents?|papers)"
    r"|driver'?s\s+licen[cs]es?|diplomas?|invoices?|receipts?|cheques?|banknotes?|currency"
    r"|identit(?:y|ies)|documents?|credentials?|(?:auth|authentication|session|saml|jwt|access"
    r"|bearer|oauth|kerberos)\s+tokens?|(?:kerberos\s+|service\s+)?tickets?)"
)
#: A person as the object of surveillance or harm. Not "the user" (a tool's own user), nor
#: "your child" (the user's own), nor "employees" or "people" (workforce and crowd analytics).
PERSON: Final = (
    r"(?:an?\s+|the\s+|this\s+|that\s+|any\s+|specific\s+|particular\s+|targeted\s+|chosen\s+)?"
    r"(?:specific\s+|particular\s+|targeted\s+|chosen\s+)?"
    r"(?:individual|person|someone|somebody|citizen|spouse|journalist|activist|dissident"
    r"|protester|victim|target|child|individuals|persons|citizens|journalists|activists"
    r"|dissidents|protesters|victims|targets|politicians?|celebrit(?:y|ies)|opponents?"
    r"|ex-(?:partner|wife|husband|girlfriend|boyfriend))"
)
#: What surveillance takes from a person.
_PRIVATE = (
    r"(?:(?:real[\s-]time|live|current|physical|exact|precise|digital|online|private|personal"
    r"|daily|every)\s+(?:and\s+\w+\s+)?)?(?:locations?|whereabouts|movements?|communications?"
    r"|messages|phone\s+calls|calls|texts|conversations|activit(?:y|ies)|browsing(?:\s+history)?"
    r"|keystrokes|e-?mails)"
)

# --- verbs --------------------------------------------------------------------------------------

_SABOTAGE = (
    r"(?:disabl\w*|trip(?:s|ped|ping)?|bypass\w*|defeat\w*|circumvent\w*|turn(?:s|ed|ing)?\s+off|tamper\w*\s+with"
    r"|sabotag\w*|overload\w*|jam(?:s|med|ming)?|cripple[sd]?|crippling|knock(?:s|ed|ing)?\s+out"
    r"|tak(?:e|es|ing)\s+down|took\s+down|takedown\s+of|shut(?:s|ting)?\s+down|black(?:s|ed|ing)?"
    r"\s+out|breach(?:es|ed|ing)?|paraly[sz]\w*|disrupt\w*|destroy\w*|poison\w*"
    r"|contaminat\w*|flood(?:s|ed|ing)?|spoof\w*|hijack\w*|seiz\w*\s+control\s+of|take\s+control"
    r"\s+of|tak(?:e|es|ing)\s+over|attack\w*|hack(?:s|ed|ing)?(?:\s+into)?|compromis\w*"
    r"|manipulat\w*)"
)
_FALSIFY = r"(?:falsif\w*|fabricat\w*|counterfeit\w*|doctor(?:ed|ing)|backdat\w*)"
_ALTER = (
    r"(?:tamper(?:s|ed|ing)?\s+with|rewrit\w*|overrid\w*|alter(?:s|ed|ing)?|manipulat\w*"
    r"|rig(?:s|ged|ging)?|doctor(?:ed|ing)|cook(?:s|ed|ing)?|whitewash\w*|eras(?:e|es|ed|ing)"
    r"|wip(?:e|es|ed|ing)(?:\s+out)?|scrub(?:s|bed|bing)?|shred\w*|destroy\w*|obliterat\w*"
    r"|cover(?:s|ed|ing)?\s+up)"
)
#: Verbs that place something where others will take it as real.
_PLANT = (
    r"(?:inject\w*|plant\w*|flood\w*|broadcast\w*|publish\w*|spread\w*|disseminat\w*"
    r"|circulat\w*|smuggl\w*)"
)
#: Verbs that make or send something.
_MAKE = (
    r"(?:creat\w*|generat\w*|craft\w*|produc\w*|writ(?:e|es|ing)|mak(?:e|es|ing)|send\w*"
    r"|post(?:s|ed|ing)?|submit\w*|issu\w*)"
)
_FAKE = r"(?:fake|false|fraudulent|forged|bogus|counterfeit|fictitious|spoofed|phony|phoney|sham)"
#: What, faked and made public, deceives people (not test data: "fake names for a demo").
_PUBLIC = (
    r"(?:news|stor(?:y|ies)|announcements?|reviews?|ratings?|testimonials?|evidence|passports?"
    r"|press\s+releases?|emergenc(?:y|ies)|emergency\s+\w+|statements?|evacuation\s+orders?"
    r"|headlines?|login\s+pages?|charit(?:y|ies)|donation\s+(?:pages?|appeals?)|(?:id|identity)"
    r"\s+(?:cards?|documents?|papers)|accusations?|allegations?)"
)
#: What, faked and planted in someone's system or feed, deceives it.
_PLANTED = (
    r"(?:" + _PUBLIC[3:-1] + r"|transactions?|records?|entries|alerts?|alarms?|reports?"
    r"|invoices?|receipts?|identit(?:y|ies)|accounts?|personas?|warnings?|votes?|ballots?"
    r"|posts|broadcasts?|messages?|notifications?|signals?)"
)
_SURVEIL = (
    r"(?:track\w*|trac(?:e|es|ing)|locat(?:e|es|ing)|geolocat\w*|pinpoint\w*|stalk\w*|spy(?:ing)?"
    r"\s+on|spies\s+on|surveil\w*|monitor\w*|wiretap\w*|eavesdrop\w*(?:\s+on)?|intercept\w*"
    r"|record\w*|follow(?:s|ed|ing)?|watch\w*|tap(?:s|ped|ping)?\s+into|listen\w*\s+in\s+on)"
)
_DRAIN = (
    r"(?:freez\w*|froze(?:n)?|drain\w*|empt(?:y|ies|ied|ying)|seiz\w*|confiscat\w*|siphon\w*"
    r"|divert\w*|steal\w*|stole|wip(?:e|es|ed|ing)\s+out|clean(?:s|ed|ing)?\s+out|lock(?:s|ed"
    r"|ing)?\s+out\s+of|garnish\w*)"
)
_MONEY = (
    r"(?:(?:bank(?:ing)?|financial|savings|checking|brokerage|crypto(?:currency)?|retirement"
    r"|pension)\s+)?(?:accounts?|funds|wallets?|savings|assets|money|balances?|paychecks?"
    r"|pensions?|benefits)"
)
_OF_PERSON = (
    r"(?:\s+[\w'\u2019-]+){0,3}?\s+(?:of|from|belonging\s+to|linked\s+to|owned\s+by|held\s+by"
    r"|associated\s+with|tied\s+to|registered\s+to|in\s+the\s+name\s+of)\s+"
    r"(?:(?:a|an|the|any|this|that|specific|particular|targeted|chosen)\s+)?(?:[\w-]+\s+)?"
    r"(?:individual|person|someone|somebody|victim|target|citizen|individuals|victims"
    r"|targets|citizens|dissidents?|journalists?|activists?|opponents?|critics?|protesters?)\b"
)
#: A possessive person ("an individual's", "the victim's", "someone's").
_POSSESSIVE = PERSON + r"(?:['\u2019]s|s['\u2019]|['\u2019])"

# --- attacks on hosts, networks and the people at a device -------------------------------------

#: A system that has fallen to the attacker (what is taken from it is loot).
_FALLEN = (
    r"(?:vulnerable|compromised|victim(?:['\u2019]s)?|pwned|infected|exploited|hacked|breached)\s+"
    r"(?:[\w-]+\s+)?(?:sites?|hosts?|servers?|machines?|systems?|targets?|databases?|devices?"
    r"|endpoints?|applications?|apps?|boxe?s?|networks?|computers?|web\s*sites?)"
)
#: Intrusion in plain words: running an exploit at a target, code execution or a takeover won,
#: loot taken from a fallen system, a stolen hash used to log in, code put into another process,
#: shells an attacker leaves behind, passwords tried against a login.
_INTRUSION = (
    r"\b(?:run|runs|running|launch\w*|execut\w*|fir(?:e|es|ing)|deliver\w*|send\w*|deploy\w*"
    r"|throw\w*)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?exploits?(?:\s+(?:modules?|code|chains?))?"
    r"\s+(?:against|at|on)\s+(?:an?\s+|the\s+)?\w"
    r"|\b(?:achiev|gain|obtain|get|getting|gets|trigger|land)\w*\s+(?:\w+\s+)?(?:remote\s+code"
    r"|arbitrary\s+code|code|command)\s+execution\s+(?:on|against|in|inside)\b"
    r"|\b(?:database|domain|account|server|host|full\s+system|system|device)\s+takeover\b"
    r"|\btak(?:e|es|ing)\s+over\s+(?:an?\s+|the\s+)?(?:[\w-]+(?:['\u2019]s|s['\u2019])\s+)?(?:\w+\s+)?"
    r"(?:accounts?|phone\s+numbers?|domain\s+controllers?)\b"
    r"|\bsim[\s-]swap\w*"
    r"|\b(?:dump|steal|exfiltrat|download|grab|loot|pillag|extract|harvest|pull|cop(?:y|ie))\w*\s+(?:[\w-]+\s+){0,4}?"
    r"(?:from|of|on)\s+(?:an?\s+|the\s+|each\s+|every\s+|any\s+)?" + _FALLEN + r"\b"
    r"|\b(?:authenticat|log\s*in|logging\s+in|logs\s+in|execut|run|connect|mov)\w*\s+(?:[\w-]+\s+){0,9}?"
    r"(?:using|with)\s+(?:an?\s+|the\s+)?(?:stolen\s+|captured\s+|dumped\s+|cracked\s+)?"
    r"(?:ntlm|nt|lm)\s+hash(?:es)?\b"
    r"|\b(?:dll|process|code|shellcode|thread|reflective)\s+(?:injection|hollowing)\b"
    r"|\binject\w*\s+(?:an?\s+|the\s+|malicious\s+|a\s+new\s+)?(?:dll|shellcode|code|payload"
    r"|implant|beacon|agent|session)s?\s+into\s+(?:an?\s+|the\s+|another\s+)?(?:running\s+"
    r"|remote\s+|target\s+|legitimate\s+|system\s+)?(?:process|pid|[\w-]+\.exe)\b"
    r"|\breflectiv\w*\s+(?:side)?load\w*\s+(?:an?\s+)?(?:dll|shared\s+object|payload|pe|library)"
    r"|\bsideload\w*\s+(?:an?\s+)?(?:malicious\s+)?(?:dll|shared\s+object|payload)s?\s+into\b"
    r"|\bimpersonat\w*\s+(?:an?\s+|another\s+|any\s+)?(?:user|account|principal|logged[\s-]on\s+user)s?"
    r"\s+(?:via|with|using|through|by\s+stealing)\s+(?:their|its|his|her|a|the)?\s*(?:stolen\s+)?tokens?\b"
    r"|\belevat\w*\s+(?:privileges\s+)?to\s+(?:nt\s+authority\W{1,2})?system\b(?!\s+admin)"
    r"|\bmigrat\w*\s+(?:the\s+|an?\s+|our\s+)?(?:implant|beacon|agent|payload|meterpreter"
    r"|session)s?\s+(?:in)?to\s+(?:an?\s+|the\s+|another\s+)?(?:\w+\s+)?(?:process|pid)\b"
    r"|\bprocess\s+hollow\w*|\b(?:bind|web)[\s-]?shells?\b"
    r"|\btr(?:y|ies|ying)\s+(?:thousands|millions|hundreds|lists?|every|many|a\s+(?:list|wordlist))"
    r"\s+of\s+(?:common\s+|leaked\s+)?passwords\b"
)
#: Malware's own doings, in words no ordinary tool uses of itself: named floods and
#: deauthentication, covert capture at a person's device, the victim's data, working for "the
#: attacker", evading detection, hiding its presence, spreading itself, ransom demands.
_MALWARE = (
    r"\b(?:syn|udp|icmp|http|ack|dns\s+amplification|ntp\s+amplification)[\s-]floods?\b"
    r"|\bslowloris\b|\bping\s+of\s+death\b"
    r"|\bdeauth\w*\s+(?:all\s+)?(?:the\s+)?(?:\w+\s+)?(?:clients?|devices?|users?|stations?)\b"
    r"|\b(?:secretly|covertly|surreptitiously|stealthily)\s+(?:\w+\s+)?(?:activat|turn\w*\s+on"
    r"|enabl|access|record|captur|stream|screenshot)\w*\s+(?:the\s+)?(?:\w+\s+)?(?:webcams?"
    r"|cameras?|microphones?|mics?|screens?|keystrokes|clipboards?)\b"
    r"|\b(?:the\s+)?victim(?:['\u2019]s|s['\u2019])\s+(?:\w+\s+)?(?:desktops?|screens?|webcams?"
    r"|cameras?|microphones?|keystrokes|clipboards?|browsers?|files|documents|photos|contacts"
    r"|messages|passwords|accounts?|phones?|computers?|machines?|devices?|sessions?|inbox\w*)\b"
    r"|\b(?:to|into|with|on|at)\s+(?:the\s+|an\s+)?attacker(?:['\u2019]s|s['\u2019])\s+(?:own\s+)?"
    r"(?:\w+\s+)?(?:wallets?|address\w*|servers?|hosts?|keys?|accounts?|domains?|e-?mail|c2"
    r"|machines?|endpoints?|webhooks?|bucket)\b"
    r"|\b(?:evad\w*|escap\w*|slip\w*\s+past)\s+(?:\w+\s+)?detection\b"
    r"|\b(?:antivirus|anti-virus|av|edr|defender)\s+(?:does\s+not|doesn't|cannot|can't|won't"
    r"|will\s+not|never)\s+(?:detect|flag|catch|notice|see)"
    r"|\bfully\s+undetectable\b|\bundetectable\s+(?:by|to)\s+(?:antivirus|anti-virus|av|edr"
    r"|security)"
    r"|\bto\s+(?:hide|conceal|mask)\s+(?:the\s+|its\s+|your\s+|our\s+|any\s+)?(?:malicious\s+"
    r"|attacker\s+)?(?:presence|intrusion|compromise)\b"
    r"|\b(?:cop(?:y|ies|ying)|replicat\w*|propagat\w*|spread\w*)\s+itself\s+(?:to|onto|across"
    r"|into|over)\s+(?:every|all|other|each|any|nearby|connected|reachable|remote|the\s+(?:whole\s+)?"
    r"network|usb|removable|shared|network)\b"
    r"|\bdemand\w*\s+(?:a\s+)?(?:ransom|payment\s+in\s+(?:bitcoin|crypto\w*|monero))"
    r"|\bclipboard\s+hijack\w*"
)

#: The attack techniques of the lexicons above in Chinese (ATT&CK's terms as Chinese tooling
#: writes them): privilege escalation, lateral movement, brute-force cracking, pass-the-hash and
#: -ticket, credential theft, password cracking, backdoors and trojans, AV evasion, reverse
#: shells, keeping access, persistence *mechanisms* (bare "持久化" is also data persistence),
#: exfiltration, wiping traces, exploitation. Compiled on its own: Chinese has no word
#: boundaries, and ``_c``'s lookahead admits only Latin letters.
_ZH_TECHNIQUE: Final = re.compile(
    r"权限提升|提权|横向(?:移动|渗透)|暴力破解|哈希传递|票据传递|凭[据证](?:窃取|收集|盗取)"
    r"|密码破解|后门|木马|免杀|反弹\s*shell|权限维持|持久化机制|(?:多重|建立)持久化"
    r"|(?:数据|和)渗出|痕迹清除|清除痕迹|漏洞利用(?!难度|可能)",
    _F,
)

# --- patterns -----------------------------------------------------------------------------------

HARM: Final[list[Pattern]] = [
    # sabotage of safety-critical systems
    (
        3,
        _c(
            r"\b"
            + _SABOTAGE
            + r"\s+(?:and\s+\w+\s+)?(?:the\s+|a\s+|an\s+|all\s+|any\s+|every\s+)?"
            + _GAP
            + SAFETY_CRITICAL
            + r"\b"
        ),
        (
            "disabl",
            "trip",
            "bypass",
            "defeat",
            "circumvent",
            "turn",
            "tamper",
            "sabotag",
            "overload",
            "jam",
            "crippl",
            "knock",
            "take",
            "took",
            "shut",
            "black",
            "breach",
            "paraly",
            "disrupt",
            "destroy",
            "poison",
            "contaminat",
            "flood",
            "spoof",
            "hijack",
            "seiz",
            "taking",
            "attack",
            "hack",
            "compromis",
            "manipulat",
        ),
    ),
    # forged records and vouchers, fraud on sealed records, planted fakes
    (
        3,
        _c(
            r"\bforg(?:e|es|ed|ing)\s+(?:an?\s+|the\s+|all\s+)?(?:[\w-]+\s+)?(?:"
            + RECORDS
            + r"|"
            + _VOUCHERS
            + r")\b"
            + r"|\b"
            + _FALSIFY
            + r"\s+(?:the\s+|a\s+|an\s+|all\s+)?"
            + _GAP
            + r"(?:"
            + RECORDS
            + r"|"
            + _VOUCHERS
            + r")\b"
            + r"|\b"
            + _ALTER
            + r"\s+(?:the\s+|a\s+|an\s+|all\s+|any\s+)?"
            + _GAP
            + _SEALED
            + r"\b(?!\s+(?:older\s+than|after|per\s+(?:the\s+)?retention|retention))"
            + r"|\b"
            + _PLANT
            + r"\s+(?:the\s+|a\s+|an\s+|all\s+)?"
            + _GAP
            + _FAKE
            + r"\s+"
            + r"(?:[\w-]+\s+){0,2}?"
            + _PLANTED
            + r"\b"
            + r"|\b"
            + _MAKE
            + r"\s+(?:the\s+|a\s+|an\s+)?"
            + _GAP
            + _FAKE
            + r"\s+"
            + r"(?:[\w-]+\s+){0,2}?"
            + _PUBLIC
            + r"\b"
            + r"|\bclon\w*\s+(?:an?\s+|the\s+)?(?:[\w'\u2019-]+\s+)?(?:login|log-in|sign[\s-]?in|banking"
            r"|bank)\s+(?:pages?|sites?|portals?|forms?)\b"
            r"|\b(?:show|display|serv|push|pop)\w*\s+(?:up\s+)?(?:an?\s+)?(?:fake|bogus|spoofed"
            r"|counterfeit)\s+(?:\w+\s+){0,2}?(?:updates?|login\s+(?:prompts?|pages?|dialogs?"
            r"|screens?)|password\s+prompts?|captchas?)\b"
        ),
        (
            "forg",
            "falsif",
            "fabricat",
            "counterfeit",
            "doctor",
            "backdat",
            "tamper",
            "rewrit",
            "overrid",
            "alter",
            "manipulat",
            *whole("rig"),
            "rigs",
            "rigged",
            "rigging",
            "cook",
            "whitewash",
            "eras",
            "wip",
            "scrub",
            "shred",
            "destroy",
            "obliterat",
            "cover",
            "fake",
            "false",
            "fraudulent",
            "bogus",
            "fictitious",
            "spoofed",
            "phony",
            "phoney",
            "sham",
            "clon",
        ),
    ),
    # disinformation and panic
    (
        3,
        _c(
            r"\bdeep[\s-]?fak\w*|\b(?:astroturf\w*|sock[\s-]?puppet\w*|(?:bot|troll)\s+(?:farms?"
            r"|armies|army)|smear\s+campaigns?|election\s+interference|voter\s+suppression)\b"
            r"|\b(?:spread\w*|creat\w*|generat\w*|craft\w*|produc\w*|run(?:s|ning)?|launch\w*"
            r"|seed\w*|amplif\w*|push\w*|disseminat\w*|plant\w*|post(?:s|ed|ing)?|publish\w*"
            r"|writ(?:e|es|ing)|orchestrat\w*|coordinat\w*|automat\w*|conduct\w*|wag(?:e|es|ing)"
            r"|inject\w*|flood\w*)\s+(?:the\s+|a\s+|an\s+)?" + _GAP + r"(?:disinformation"
            r"|misinformation|propaganda|fake\s+news|hoax(?:es)?)\b"
            r"|\b(?:broadcast\w*|spread\w*|flood\w*|inject\w*|disseminat\w*|circulat\w*)\s+"
            r"(?:the\s+|a\s+|an\s+)?" + _GAP + r"panic\s+(?:messages?|alerts?|broadcasts?"
            r"|warnings?|notifications?)\b"
            r"|\b(?:spread\w*|incit\w*|sow(?:s|ed|ing)?|stok\w*|provok\w*|induc\w*|instil\w*"
            r"|fuel(?:s|ed|ing|led|ling)?|whip(?:s|ped|ping)?\s+up|foment\w*|broadcast\w*)\s+"
            r"(?:mass\s+|public\s+|widespread\s+|national\s+)?(?:panic|fear|hysteria|terror"
            r"|unrest|riots?|violence|hatred|outrage)\b"
        ),
        (
            "deep",
            "astroturf",
            "puppet",
            "farm",
            "armies",
            "army",
            "smear",
            "interference",
            "suppression",
            "disinformation",
            "misinformation",
            "propaganda",
            "fake",
            "hoax",
            "panic",
            "fear",
            "hysteria",
            "terror",
            "unrest",
            "riot",
            "violence",
            "hatred",
            "outrage",
        ),
    ),
    # surveillance of a person
    (
        3,
        _c(
            r"\b"
            + _SURVEIL
            + r"\s+(?:and\s+\w+\s+)?(?:on\s+)?(?:all\s+(?:of\s+)?)?"
            + _POSSESSIVE
            + r"\s+(?:\w+\s+)?"
            + _PRIVATE
            + r"\b"
            + r"|\b"
            + _SURVEIL
            + r"\s+(?:and\s+\w+\s+)?(?:all\s+|the\s+|every\s+)?"
            + _PRIVATE
            + r"\s+(?:of|from|made\s+by|sent\s+by)\s+"
            + PERSON
            + r"\b"
            + r"|\b(?:stalk(?:s|ed|ing)?|spy(?:ing)?\s+on|spies\s+on|surveil\w*|wiretap\w*"
            r"|eavesdrop\w*\s+on|doxx?(?:es|ed|ing)?)\s+(?:\w+\s+){0,2}?"
            + PERSON
            + r"\b"
            + r"|\b(?:compil|build|creat|assembl|generat|construct|draw)\w*\s+(?:up\s+)?"
            r"(?:an?\s+)?(?:[\w-]+\s+){0,2}?(?:psycholog\w*|psychographic|psychometric)"
            r"(?:\s+(?:and|&)\s+\w+)?\s+profil\w*|\bdossiers?\s+(?:on|about)\b"
            + r"|\b(?:secretly|covertly|surreptitiously|stealthily)\s+(?:\w+\s+)?(?:track|record"
            r"|monitor|film|photograph|listen|locate|follow|watch|wiretap)\w*"
            + r"|\b"
            + _SURVEIL
            + r"\b(?:(?!\.\s)[^\n]){0,60}?\bwithout\s+(?:their|his|her"
            r"|(?:the\s+)?(?:person|individual|target|victim|subject|owner)['\u2019]?s?)\s+"
            r"(?:knowledge|consent|awareness|permission)"
        ),
        (
            "track",
            "trac",
            "locat",
            "pinpoint",
            "stalk",
            "spy",
            "spies",
            "surveil",
            "monitor",
            "wiretap",
            "eavesdrop",
            "intercept",
            "record",
            "follow",
            "watch",
            "tap",
            "listen",
            "dox",
            "profil",
            "dossier",
            "secretly",
            "covertly",
            "surreptitiously",
            "stealthily",
        ),
    ),
    # financial harm to a person
    (
        3,
        _c(
            r"\b"
            + _DRAIN
            + r"\s+(?:all\s+)?(?:the\s+|their\s+)?(?:\w+\s+)?"
            + _MONEY
            + _OF_PERSON
            + r"|\b"
            + _DRAIN
            + r"\s+(?:all\s+)?(?:of\s+)?"
            + _POSSESSIVE
            + r"\s+(?:\w+\s+)?"
            + _MONEY
            + r"\b"
            + r"|\b(?:drain\w*|siphon\w*)\s+(?:the\s+|their\s+)?(?:\w+\s+)?"
            r"(?:crypto(?:currency)?\s+)?wallets?\b"
            r"|\b(?:skim|steal|stole|harvest|dump|scrap|exfiltrat|sniff|lift)\w*\s+(?:\w+\s+){0,3}?"
            r"(?:credit|debit|payment|bank)[\s-]cards?(?:\s+(?:numbers?|data|details|info\w*))?\b"
        ),
        (
            "freez",
            "froze",
            "drain",
            "empt",
            "seiz",
            "confiscat",
            "siphon",
            "divert",
            "steal",
            "stole",
            "wip",
            "clean",
            "lock",
            "garnish",
            "skim",
            "harvest",
            "dump",
            "scrap",
            "exfiltrat",
            "sniff",
            "lift",
        ),
    ),
    # destruction of identity, evidence, forensic traces, someone's data or machine
    (
        3,
        _c(
            r"\b(?:eras\w*|wip(?:e|es|ed|ing)(?:\s+out)?|delet\w*|destroy\w*|scrub\w*|purg\w*"
            r"|shred\w*|remov\w*|obliterat\w*|hid(?:e|es|ing)|conceal\w*|tamper\w*\s+with)\s+"
            r"(?:all\s+)?(?:the\s+)?(?:" + _POSSESSIVE + r"\s+existence|(?:\w+\s+)?identity\s+"
            r"records?|existence\s+of\s+" + PERSON + r"|forensic\s+(?:evidence|artifacts?|traces?"
            r"|data|records|logs)|traces\s+of\s+(?:the\s+|an?\s+)?(?:intrusion|attack|breach"
            r"|compromise|activity))\b"
            r"|\bcover(?:s|ed|ing)?\s+(?:up\s+)?(?:your|their|his|her|the|our|any)?\s*(?:attacker'?s?"
            r"\s+)?tracks\b|\banti[\s-]?forensic\w*|\btimestomp\w*"
            r"|\b(?:wip(?:e|es|ed|ing)|eras(?:e|es|ed|ing)|destroy\w*|corrupt(?:s|ing)?|shred\w*"
            r"|brick(?:s|ed|ing)?)\s+(?:all\s+(?:of\s+)?)?(?:the\s+)?(?:(?:victim|target)(?:['\u2019]s"
            r"|s['\u2019])?\s+(?:\w+\s+)?(?:files|data|disks?|drives?|machines?|systems?|backups"
            r"|devices?|computers?|phones?)|(?:entire|whole)\s+(?:hard\s+)?(?:disk|drive"
            r"|file\s*system|machine|computer|network)|master\s+boot\s+record|mbr|boot\s+(?:sector"
            r"|record)|(?:volume\s+)?shadow\s+cop(?:y|ies)|all\s+(?:\w+\s+)?backups)\b"
            r"|\b(?:encrypt\w*|lock\w*)\s+(?:all\s+(?:of\s+)?)?(?:the\s+)?(?:victim|target)(?:['\u2019]s"
            r"|s['\u2019])?\s+(?:\w+\s+)?(?:files|data|disks?|drives?|machines?|systems?|devices?)\b"
            r"|\b(?:delet|remov|purg)\w*\s+(?:all\s+)?(?:the\s+)?(?:volume\s+)?shadow\s+cop(?:y|ies)"
            r"|\brm\s+-(?:rf|fr)\s+(?:--no-preserve-root\s+)?[/~](?=\s|\*|$|[`'\"])"
            r"|\bformat\s+c:|\bfork\s+bomb|:\(\)\s*\{\s*:\|:&\s*\};:"
        ),
        (
            "eras",
            "wip",
            "delet",
            "destroy",
            "scrub",
            "purg",
            "shred",
            "remov",
            "obliterat",
            "hid",
            "conceal",
            "tamper",
            "cover",
            "forensic",
            "timestomp",
            "corrupt",
            "brick",
            "encrypt",
            "lock",
            "-rf",
            "-fr",
            "format",
            "fork",
            ":()",
        ),
    ),
    # harms named by a term of their own, or by a verb on a person
    (
        3,
        _c(
            r"\b(?:orchestrat|launch|conduct|perform|carr(?:y|ies|ying)\s+out|execut|mount|stag"
            r"|initiat|coordinat|plan)\w*\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?cyber[\s-]?"
            r"(?:attacks?|assaults?|strikes?|sabotage)\b"
            r"|\bpost[\s-]exploitation\b|\bprivesc\b|\bexfil\b|\b(?:password|hash|wifi|wpa|wps|pin|login|credential)\s+"
            r"crackers?\b|\bcredential[\s-]stuffing\b|\bstalkerware\b|\bmass[\s-]surveillance\b"
            r"|\bdoxx?(?:ing|ed)\b|\bswatting\b|\bsextort\w*|\bextort\w*|\bblackmail\w*"
            r"|\bransom\s+(?:notes?|demands?|payments?|messages?)\b|\blaunder(?:s|ed|ing)?\s+"
            r"(?:the\s+)?(?:money|funds|proceeds|crypto\w*|bitcoin)\b|\bcryptojack\w*"
            r"|\bddos(?:es|ed|ing)?\s+(?:the\s+|a\s+|an\s+)\w"
            r"|\b(?:gain|obtain|orchestrat|achiev|acquir|establish|get|getting|gets)\w*\s+"
            r"(?:\w+\s+){0,2}?unauthori[sz]ed\s+(?:remote\s+)?(?:access|control|entry)\b"
            r"|\b(?:harass(?:es|ed|ing)?|bully(?:ing)?|bullies|threaten(?:s|ed|ing)?|intimidat\w*"
            r"|defam\w*|impersonat\w*)\s+(?:\w+\s+){0,2}?"
            + PERSON
            + r"\b"
            + r"|\b(?:send|post|writ|generat|craft|creat|compos|automat|mass[\s-]?send)\w*\s+"
            r"(?:\w+\s+){0,2}?(?:threatening|harass\w*|abusive|hateful|intimidating|defamatory"
            r"|extortion|blackmail)\s+(?:messages?|comments?|posts?|e-?mails?|content|letters?"
            r"|texts?|reviews?|campaigns?)\b"
        ),
        (
            "cyber",
            "exploitation",
            "privesc",
            "exfil",
            "cracker",
            "stuffing",
            "stalkerware",
            "surveillance",
            "dox",
            "swatting",
            "extort",
            "blackmail",
            "ransom",
            "launder",
            "cryptojack",
            "ddos",
            "unauthori",
            "harass",
            "bull",
            "threaten",
            "intimidat",
            "defam",
            "impersonat",
            "abusive",
            "hateful",
        ),
    ),
    # intrusion in plain words
    (
        3,
        _c(_INTRUSION),
        (
            "run",
            "launch",
            "execut",
            "fir",
            "deliver",
            "send",
            "deploy",
            "throw",
            "execution",
            "takeover",
            "over",
            "swap",
            "vulnerable",
            "compromised",
            "victim",
            "pwned",
            "infected",
            "exploited",
            "hacked",
            "breached",
            "hash",
            "injection",
            "hollow",
            "inject",
            "migrat",
            "reflectiv",
            "sideload",
            "impersonat",
            "elevat",
            "shell",
            "passwords",
        ),
    ),
    # malware's own doings
    (
        3,
        _c(_MALWARE),
        (
            "flood",
            "slowloris",
            "death",
            "deauth",
            "secretly",
            "covertly",
            "surreptitiously",
            "stealthily",
            "victim",
            "attacker",
            "detection",
            "antivirus",
            "anti-virus",
            *whole("av"),
            "edr",
            "defender",
            "undetectable",
            "hide",
            "conceal",
            "mask",
            "itself",
            "ransom",
            "payment",
            "clipboard",
        ),
    ),
    # the same techniques named in Chinese
    (
        3,
        _ZH_TECHNIQUE,
        (
            "权限提升",
            "提权",
            "横向",
            "暴力破解",
            "哈希传递",
            "票据传递",
            "凭据",
            "凭证",
            "密码破解",
            "后门",
            "木马",
            "免杀",
            "反弹",
            "权限维持",
            "持久化",
            "渗出",
            "痕迹",
            "漏洞利用",
        ),
    ),
]

#: Why each pattern of ``HARM`` matters, in its order (the finding's note: a reviewer decides
#: in seconds).
_NOTES: Final = (
    "offers to sabotage a system people's safety depends on (power, water, emergency, transport,"
    " medical)",
    "offers to forge or falsify records or documents people are judged or paid by, or to plant"
    " fakes",
    "offers to make or spread disinformation or to stir up panic",
    "offers to track, spy on or profile a person",
    "offers to drain, freeze or seize a person's money or to steal their card numbers",
    "offers to destroy data, machines, evidence or forensic traces",
    "names a harm outright (a cyberattack, post-exploitation, extortion, harassment of a person)",
    "offers an intrusion in plain words (an exploit run at a target, a takeover, loot from a"
    " compromised system, code injected into another process)",
    "offers what malware does (floods, deauthentication, covert capture at a person's device,"
    " evading detection, spreading itself, ransom, working for the attacker)",
    "names an attack technique in Chinese (privilege escalation, lateral movement, brute-force"
    " cracking, pass-the-hash, a backdoor, exfiltration)",
)
WHY_BY_PATTERN: Final = {id(rx): note for (_w, rx, _a), note in zip(HARM, _NOTES, strict=True)}
#: The note of the tradecraft patterns of ``hardener.detect.clauses`` (same family).
CAPABILITY_NOTE: Final = "states the tool does this itself, not that it detects or blocks it"


def why(family: str, regex: re.Pattern[str]) -> str:
    """The note for a ``capability`` match ("" for other families)."""
    if family != "capability":
        return ""
    return WHY_BY_PATTERN.get(id(regex), CAPABILITY_NOTE)
