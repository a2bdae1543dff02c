"""Carry one edit from a library's re-rendering back onto the original text (L1 pure core).

Round-trip libraries (ruamel.yaml) re-render a whole document, and even an untouched document may
come back slightly different (``key: null`` written as ``key:``, spacing, quoting of keys). Given the
original text, the library's rendering of the unmodified document (``base``) and its rendering after
the edit (``edited``), :func:`carry_edit` applies only the base→edited changes to the original, line
by line: every line the edit did not touch keeps its original bytes, even where the library would
have normalised it. The caller must check that the result still means what ``edited`` means.
"""

from __future__ import annotations

from difflib import SequenceMatcher


def carry_edit(original: str, base: str, edited: str) -> str:
    """``original`` with the changes between ``base`` and ``edited`` applied to it."""
    if base == original:
        return edited
    o = original.splitlines(keepends=True)
    b = base.splitlines(keepends=True)
    e = edited.splitlines(keepends=True)
    # Lines of base that are byte-identical to a line of original, and where they are.
    # A line the library rewrote one-for-one (``key: null`` -> ``key:``) also counts: its original
    # stays, and it anchors a neighbouring edit.
    b_to_o: dict[int, int] = {}
    for tag, a1, a2, b1, b2 in SequenceMatcher(None, o, b, autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "replace" and a2 - a1 == b2 - b1):
            for k in range(b2 - b1):
                b_to_o[b1 + k] = a1 + k
    hunks: list[list[int]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, b, e, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        # Widen the hunk to lines that are identical in original and base, so it has an anchor
        # on both sides; the widened lines are equal in base and edited.
        start, end = i1, i2
        while start > 0 and start - 1 not in b_to_o:
            start -= 1
        while end < len(b) and end not in b_to_o:
            end += 1
        hunk = [start, end, j1 - (i1 - start), j2 + (end - i2)]
        if hunks and hunk[0] < hunks[-1][1]:
            last = hunks[-1]
            if hunk[1] >= last[1]:
                last[1], last[3] = hunk[1], hunk[3]
            continue
        hunks.append(hunk)
    out: list[str] = []
    pos = 0
    for start, end, e_start, e_end in hunks:
        o_start = b_to_o[start - 1] + 1 if start > 0 else 0
        o_end = b_to_o[end] if end < len(b) else len(o)
        out.extend(o[pos:o_start])  # empty when two hunks share an anchor
        out.extend(e[e_start:e_end])
        pos = max(pos, o_end)
    out.extend(o[pos:])
    return "".join(out)
