"""Invisible, deceptive and terminal-control characters in text (L1 pure core).

Finds what a person reviewing a tool description cannot see but a model reads: Unicode tag
characters (U+E0000 to U+E007F, which spell hidden ASCII), variation-selector runs used to smuggle
bytes, zero-width characters, bidi overrides, mixed-script words (homoglyphs such as a Cyrillic
'a' inside a Latin word) and ANSI/terminal control sequences. Also builds the *visible skeleton*
of a text (hidden characters dropped, compatibility forms and common confusables folded to ASCII)
with a map back to the original offsets, so keyword detectors see through the disguise and still
report exact spans of the original text.

Zero-width joiners between emoji, ZWNJ in scripts that need it, and emoji variation selectors are
legitimate and not reported.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

TAG_FIRST: Final = 0xE0000
TAG_LAST: Final = 0xE007F
BIDI: Final = frozenset([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
ZERO_WIDTH: Final = frozenset(
    {0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF}
    | {0x180E, 0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x17B4, 0x17B5, 0x00AD}
)
JOINERS: Final = frozenset([0x200C, 0x200D])
VS_BASIC: Final = range(0xFE00, 0xFE10)
VS_SUPPLEMENT: Final = range(0xE0100, 0xE01F0)

#: ESC-introduced sequences (CSI, OSC, and two-character escapes), the C1 CSI, and other C0
#: controls that move the cursor or erase (tab/newline are fine; a bare CR overwrites a line).
ANSI_RE: Final = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI … final byte
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC … BEL/ST
    r"|\x1b[@-Z\\-_]"  # two-character escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # C1 CSI
    r"|[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]"  # other C0 controls
    r"|\r(?!\n)"  # bare carriage return
)

#: Letters of other scripts (Cyrillic, Greek) that look like Latin letters, folded for the
#: skeleton: ``_LOOKALIKES[i]`` reads as ``_LATIN[i]``.
_LOOKALIKES: Final = (
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u0501\u04cf"
    "\u04bb\u051b\u051d\u0261\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420"
    "\u0421\u0422\u0425\u0406\u0408\u0405\u03b1\u03bf\u03c1\u03bd\u03b9\u03ba"
    "\u03c4\u03c5\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f"
    "\u03a1\u03a4\u03a5\u03a7"
)
_LATIN: Final = "aeopcyxijsdlhqwgABEKMHOPCTXIJSaopviktuABEZHIKMNOPTYX"
CONFUSABLES: Final = str.maketrans(_LOOKALIKES, _LATIN)


def _class(codes: Iterable[int]) -> str:
    return "[" + "".join(re.escape(chr(code)) for code in sorted(codes)) + "]+"


_TAGS_RE: Final = re.compile(f"[{chr(TAG_FIRST)}-{chr(TAG_LAST)}]+")
_BIDI_RE: Final = re.compile(_class(BIDI))
_ZERO_WIDTH_RE: Final = re.compile(_class(ZERO_WIDTH))
_SELECTOR_RE: Final = re.compile(
    f"[{chr(VS_BASIC.start)}-{chr(VS_BASIC.stop - 1)}{chr(VS_SUPPLEMENT.start)}-{chr(VS_SUPPLEMENT.stop - 1)}]+"
)
_CONTROL_RE: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x9b]")
_NON_ASCII_RE: Final = re.compile(r"[^\x00-\x7f]")

CONFUSABLE_SCRIPTS: Final = frozenset({"CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"})
STYLED_PREFIXES: Final = ("MATHEMATICAL", "FULLWIDTH")
_WORD_RE: Final = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class Hit:
    """One occurrence of a hidden-text or control-sequence problem."""

    kind: str  # "tags" | "bidi" | "zero-width" | "variation-selectors" | "homoglyph" | "ansi"
    start: int
    end: int
    decoded: str = ""  # the hidden ASCII spelled by tag characters


#: Bases of Unicode's emoji variation sequences that are not symbols by category (the letterlike
#: U+2139 INFORMATION SOURCE, the punctuation U+203C and U+2049, the Latin-1 copyright and
#: registered signs): U+2139 U+FE0F is the information emoji.
_EMOJI_BASES: Final = frozenset("\u00a9\u00ae\u203c\u2049\u2139\u3030\u303d")


def _is_emojiish(char: str) -> bool:
    if not char:
        return False
    if char in _EMOJI_BASES:
        return True
    code = ord(char)
    return code > 0x2000 and unicodedata.category(char) in ("So", "Sk", "Mn", "Cf", "Sm")


def _legit_joiner(text: str, index: int) -> bool:
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    return (bool(before) and not before.isascii()) or (bool(after) and not after.isascii())


def _runs(text: str, test: Callable[[int, str], bool], offset: int = 0) -> list[tuple[int, int]]:
    """Maximal runs of ``text[offset:]`` whose characters pass ``test``."""
    runs: list[tuple[int, int]] = []
    start = -1
    for index in range(offset, len(text)):
        char = text[index]
        if test(index, char):
            if start < 0:
                start = index
        elif start >= 0:
            runs.append((start, index))
            start = -1
    if start >= 0:
        runs.append((start, len(text)))
    return runs


def hidden_characters(text: str) -> list[Hit]:
    """Tag, bidi, zero-width and variation-selector smuggling runs in ``text``."""
    if text.isascii():
        return []
    hits: list[Hit] = []
    for match in _TAGS_RE.finditer(text):
        decoded = "".join(
            chr(ord(c) - TAG_FIRST) for c in match.group() if 0x20 <= ord(c) - TAG_FIRST < 0x7F
        )
        hits.append(Hit("tags", match.start(), match.end(), decoded))
    hits += [Hit("bidi", m.start(), m.end()) for m in _BIDI_RE.finditer(text)]

    def zero_width(index: int, char: str) -> bool:
        code = ord(char)
        if code in JOINERS and _legit_joiner(text, index):
            return False
        return not (code == 0xFEFF and index == 0)

    def selector(index: int, char: str) -> bool:
        if ord(char) in VS_SUPPLEMENT:
            return True
        before = text[index - 1] if index > 0 else ""
        # After a symbol/emoji (or a keycap digit) a selector is ordinary emoji presentation.
        return not (_is_emojiish(before) or before in "0123456789#*")

    for kind, regex, keep in (
        ("zero-width", _ZERO_WIDTH_RE, zero_width),
        ("variation-selectors", _SELECTOR_RE, selector),
    ):
        for match in regex.finditer(text):
            for start, end in _runs(text[: match.end()], keep, match.start()):
                hits.append(Hit(kind, start, end))
    return sorted(hits, key=lambda hit: hit.start)


@lru_cache(maxsize=4096)
def _script(char: str) -> str:
    try:
        name = unicodedata.name(char)
    except ValueError:
        return ""
    if name.startswith(STYLED_PREFIXES):
        return "STYLED"
    return name.split(" ", 1)[0]


def homoglyph_words(text: str) -> list[Hit]:
    """Words that mix Latin letters with look-alike letters of other scripts (or styled forms)."""
    if text.isascii():
        return []
    hits: list[Hit] = []
    for match in _WORD_RE.finditer(text):
        word = match.group()
        if word.isascii():
            continue
        scripts = {_script(char) for char in word}
        styled = "STYLED" in scripts
        mixed = "LATIN" in scripts and bool(scripts & CONFUSABLE_SCRIPTS)
        if styled or mixed:
            hits.append(Hit("homoglyph", match.start(), match.end()))
    return hits


def terminal_escapes(text: str) -> list[Hit]:
    """ANSI escape sequences and cursor-moving control characters."""
    if not _CONTROL_RE.search(text):
        return []
    return [Hit("ansi", m.start(), m.end()) for m in ANSI_RE.finditer(text)]


@dataclass(frozen=True)
class Skeleton:
    """Visible text with hidden characters removed and confusables folded; ``origin[i]`` is the
    offset in the original text of skeleton character ``i``."""

    text: str
    origin: tuple[int, ...] | None  # None: identical to the original

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a skeleton span back to the original text."""
        if self.origin is None:
            return start, end
        if not self.origin:
            return 0, 0
        lo = self.origin[min(start, len(self.origin) - 1)]
        hi = self.origin[min(max(end - 1, start), len(self.origin) - 1)] + 1
        return lo, hi


def _invisible(code: int) -> bool:
    return (
        TAG_FIRST <= code <= TAG_LAST
        or code in BIDI
        or code in ZERO_WIDTH
        or code in VS_BASIC
        or code in VS_SUPPLEMENT
    )


def skeleton(text: str) -> Skeleton:
    """The text a keyword detector should read (see :class:`Skeleton`)."""
    if text.isascii():
        return Skeleton(text, None)
    out: list[str] = []
    origin: list[int] = []
    done = 0
    for match in _NON_ASCII_RE.finditer(text):
        index = match.start()
        out.append(text[done:index])  # ASCII stretches are copied whole
        origin.extend(range(done, index))
        done = index + 1
        char = match.group()
        if _invisible(ord(char)):
            continue
        folded = unicodedata.normalize("NFKC", char).translate(CONFUSABLES)
        out.append(folded)
        origin.extend([index] * len(folded))
    out.append(text[done:])
    origin.extend(range(done, len(text)))
    return Skeleton("".join(out), tuple(origin))
