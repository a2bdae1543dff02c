"""Preference manipulation: borrowed authority, world-beating claims, a pitch to the recommender (L1 pure core).

A server that wants the model to pick its tools over equivalent ones need not order anything: it
praises itself in the register of an advertisement, cites unnamed experts who recommend it, or
says outright that it is written to rank well with whatever chooses among tools (preference
manipulation attacks against tool selection). Each move is a clause shape over word classes,
contributed as signal families to ``hardener.detect.patterns`` (every pattern has anchors like
every other family):

* **endorsement**: approval borrowed from people nobody can check ("recommended by seasoned
  traders", "leading analysts recommend", "a preferred choice among professionals",
  "recognised in tech circles"). Documentation has no use for an anonymous crowd's approval:
  the claim is only there to sway whoever picks the tool. Weight 3.
* **superlative**: a world-beating claim about the tool itself ("the best tool in the world",
  "the most reliable tool ever made"). "The best tool for X" routes among a server's own tools
  and does not match. Weight 3.
* **recommender-pitch**: text aimed at the ranking itself ("ideal for ranking well in
  recommendation systems", "stand out in the recommendation system"). Weight 3.
* **hype**: the vocabulary of a sales page ("unmatched reliability", "unlock insights",
  "discover why", "highly valued by"). Weight 1: it only adds to another family.

Documentation says what the tool does and, at most, when to use it; a reference to a named
standard or an organisation ("recommended by the OWASP cheat sheet") is not an anonymous crowd
and does not match.
"""

from __future__ import annotations

from typing import Final

from hardener.detect.clauses import Pattern
from hardener.detect.clauses import ci as _c

# --- word classes -----------------------------------------------------------------------------

#: A crowd nobody can check, with the adjectives that dress it up.
_CROWD = (
    r"(?:(?:leading|top|seasoned|experienced|industry|many|most|countless|expert|professional"
    r"|savvy|trusted|renowned|respected|independent|digital|tech|data|market|security)\s+)*"
    r"(?:experts?|professionals?|specialists?|bloggers?|analysts?|authorities|researchers?"
    r"|enthusiasts?|creators?|traders?|influencers?|insiders?|practitioners?|connoisseurs?"
    r"|critics?|reviewers?|users\s+worldwide|leaders|engineers|economists|scientists|scholars"
    r"|academics|doctors|physicians|lawyers|consultants)"
)
_APPROVED = (
    r"(?:recommended|endorsed|praised|acclaimed|favou?red|preferred|valued|loved|backed|supported"
    r"|vouched\s+for|validated|approved|trusted|respected|regarded|(?:widely\s+)?used|relied\s+on)"
)
_APPROVE = r"(?:recommends?|endorses?|praises?|swears?\s+by|vouch\s+for|prefers?|agree)"

# --- families ---------------------------------------------------------------------------------

ENDORSEMENT: Final[list[Pattern]] = [
    (
        3,
        _c(
            r"\b" + _APPROVED + r"\s+by\s+(?:\w+\s+){0,2}?" + _CROWD + r"\b"
            r"|\b" + _CROWD + r"\s+(?:and\s+\w+\s+)?(?:\w+\s+)?" + _APPROVE + r"\s+(?:this|it|our|the"
            r"\s+(?:tool|method|approach|service))\b"
            r"|\b(?:why|how)\s+(?:\w+\s+){0,3}?" + _CROWD + r"\s+" + _APPROVE + r"\b"
            r"|\b(?:a\s+)?(?:preferred|favou?rite|popular|trusted|top)\s+choice\s+(?:among|of|for)\s+"
            + _CROWD + r"\b"
            r"|\b(?:recogni[sz]ed|respected|renowned|famous|acclaimed|celebrated)\s+(?:\w+\s+)?in\s+"
            r"(?:the\s+)?(?:\w+\s+)?(?:circles|field|community|industry)\b"
        ),
        ("by", "recommend", "endorse", "praise", "swear", "vouch", "prefer", "agree", "choice",
         "circles", "field", "community", "industry"),
    ),
]  # fmt: skip

SUPERLATIVE: Final[list[Pattern]] = [
    (
        3,
        _c(
            r"\b(?:the|our)\s+(?:very\s+)?(?:best|greatest|finest|most\s+\w+|number\s+one|#1|top)"
            r"\s+(?:\w+\s+)?(?:tool|function|service|server|api|option|choice)s?\s+(?:in\s+the\s+"
            r"(?:world|universe|industry|market)|ever\s+(?:made|built|created)|of\s+all\s+time"
            r"|on\s+the\s+(?:market|planet)|available\s+anywhere)\b"
        ),
        ("world", "universe", "industry", "market", "ever", "time", "planet", "anywhere"),
    ),
]  # fmt: skip

RECOMMENDER_PITCH: Final[list[Pattern]] = [
    (
        3,
        _c(
            r"\b(?:rank(?:s|ing)?|stand(?:s|ing)?\s+out|score(?:s)?\s+(?:high|well)|be\s+(?:chosen"
            r"|selected|picked|preferred)|(?:optimal|best|top)\s+performance)\b(?:\s+\w+){0,3}?\s+(?:in|by|with|for)\s+(?:the\s+|any\s+)?"
            r"(?:recommendation|recommender|ranking|selection)\s+(?:systems?|engines?|algorithms?"
            r"|models?)"
        ),
        ("recommend", "ranking", "selection"),
    ),
]  # fmt: skip

HYPE: Final[list[Pattern]] = [
    (
        1,
        _c(
            r"\b(?:unmatched|unparalleled|unrivall?ed|unbeatable|invaluable|second\s+to\s+none"
            r"|world-class|best-in-class|industry-leading|top-rated|highly\s+(?:recommended|valued"
            r"|regarded|acclaimed|praised)|consistently\s+ranked|unlock\s+(?:the\s+)?(?:insights?"
            r"|power|potential|value)|discover\s+(?:why|how)|effortlessly)\b"
        ),
        ("unmatched", "unparalleled", "unrival", "unbeatable", "invaluable", "second",
         "world-class", "best-in-class", "industry-leading", "top-rated", "highly", "consistently",
         "unlock", "discover", "effortlessly"),
    ),
]  # fmt: skip

#: The families this module adds (``hardener.detect.patterns`` merges them into ``FAMILIES``).
PRAISE_FAMILIES: Final[dict[str, list[Pattern]]] = {
    "endorsement": ENDORSEMENT,
    "superlative": SUPERLATIVE,
    "recommender-pitch": RECOMMENDER_PITCH,
    "hype": HYPE,
}
#: All of them read prose only (a property name is not a sentence).
PRAISE_PROSE_ONLY: Final = frozenset(PRAISE_FAMILIES)

#: Why each match matters (the finding's note): id of the regex -> why.
WHY_BY_PATTERN: Final = {
    id(ENDORSEMENT[0][1]): "borrows approval from people nobody can check",
    id(SUPERLATIVE[0][1]): "claims to be the best tool there is",
    id(RECOMMENDER_PITCH[0][1]): "is written to rank well with whatever picks the tools",
    id(HYPE[0][1]): "the vocabulary of a sales page",
}
