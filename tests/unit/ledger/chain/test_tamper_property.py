"""Property: any byte flip, deletion, insertion, reordering or truncation of a sealed ledger is
detected, and the verifier names the first record that differs from the genuine ledger."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.ledger_factory import LOG_ID, Built, build, verify_segments

ORIGINAL = build(30, checkpoint_every=4, epoch_every=9, segment_every=11)
FLAT = [(index, line) for index, (_, lines) in enumerate(ORIGINAL.segments) for line in lines]
NAMES = [name for name, _ in ORIGINAL.segments]


ALLOWED = {
    "flip": {"modified", "torn", "forged", "inserted", "replaced"},
    "delete": {"missing", "truncated", "segment_missing"},
    "copy": {"inserted"},
    "junk": {"inserted", "modified"},
    "swap": {"reordered"},
    "cut": {"torn", "truncated"},
    "drop_lines": {"truncated"},
}


def regroup(flat: list[tuple[int, bytes]]) -> list[tuple[str, bytes]]:
    data = {index: b"" for index in range(len(NAMES))}
    for index, line in flat:
        data[index] += line
    return [(NAMES[i], data[i]) for i in range(len(NAMES))]


def first_difference(tampered: list[bytes]) -> int:
    original = [line for _, line in FLAT]
    for i, (a, b) in enumerate(zip(original, tampered, strict=False)):
        if a != b:
            return i
    return min(len(original), len(tampered))


@st.composite
def tampered_ledgers(draw: st.DrawFn) -> tuple[str, list[tuple[str, bytes]], int]:
    op = draw(st.sampled_from(["flip", "delete", "copy", "junk", "swap", "cut", "drop_lines"]))
    flat = list(FLAT)
    n = len(flat)
    if op == "flip":
        k = draw(st.integers(0, n - 1))
        seg, line = flat[k]
        at = draw(st.integers(0, len(line) - 1))
        value = draw(st.integers(0, 255).filter(lambda v: v != line[at]))
        flat[k] = (seg, line[:at] + bytes([value]) + line[at + 1 :])
    elif op == "delete":
        k = draw(st.integers(0, n - 1))
        del flat[k]
    elif op in ("copy", "junk"):
        k = draw(st.integers(0, n))
        seg = flat[min(k, n - 1)][0]
        if op == "copy":
            extra = flat[draw(st.integers(0, n - 1))][1]
        else:
            extra = (
                draw(st.binary(min_size=1, max_size=80).filter(lambda b: b"\n" not in b)) + b"\n"
            )
        flat.insert(k, (seg, extra))
    elif op == "swap":
        k = draw(st.integers(0, n - 2))
        j = draw(st.integers(k + 1, n - 1))
        (sk, lk), (sj, lj) = flat[k], flat[j]
        flat[k], flat[j] = (sk, lj), (sj, lk)
    else:
        last = len(NAMES) - 1
        start = next(i for i, (seg, _) in enumerate(flat) if seg == last)
        tail = b"".join(line for _, line in flat[start:])
        if op == "cut":
            cut = draw(st.integers(0, len(tail) - 1))
            kept = tail[:cut]
            pieces = [p + b"\n" for p in kept.split(b"\n")[:-1]]
            rest = kept.split(b"\n")[-1]
            flat = flat[:start] + [(last, p) for p in pieces] + ([(last, rest)] if rest else [])
        else:
            keep = draw(st.integers(0, n - start - 1))
            flat = flat[: start + keep]
    return op, regroup(flat), first_difference([line for _, line in flat])


@settings(
    max_examples=int(os.environ.get("LEDGER_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(tampered_ledgers())
def test_every_tampering_is_caught_at_the_first_bad_record(case):
    op, segments, expected = case
    _, finding = verify_segments(
        segments,
        log_id=LOG_ID,
        keys=ORIGINAL.keys(),
        first_key=ORIGINAL.first_key,
        anchor=ORIGINAL.anchor,
    )
    assert finding is not None, op
    assert finding.seq == expected, (op, finding)
    assert finding.reason in ALLOWED[op], (op, finding)


@settings(
    max_examples=int(os.environ.get("LEDGER_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(tampered_ledgers())
def test_public_keys_and_the_anchor_alone_catch_it_too(case):
    """What a root ``status`` run has: no MAC keys, only the public key chain and the anchor."""
    op, segments, expected = case
    _, finding = verify_segments(
        segments, log_id=LOG_ID, keys=None, first_key=ORIGINAL.first_key, anchor=ORIGINAL.anchor
    )
    assert finding is not None, op
    assert finding.seq == expected, (op, finding)


@pytest.mark.parametrize("keys", [True, False])
def test_the_genuine_ledger_verifies(keys: bool) -> None:
    built: Built = ORIGINAL
    check, finding = verify_segments(
        built.data(),
        log_id=LOG_ID,
        keys=built.keys() if keys else None,
        first_key=built.first_key,
        anchor=built.anchor,
    )
    assert finding is None
    assert check.records == len(FLAT)
    assert check.macs_checked == (len(FLAT) if keys else 0)
    assert check.signatures > 5
