"""Record bytes, MACs, key evolution and checkpoint signatures (pure functions)."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from hardener.ledger.chain.build import make_line, signed_body
from hardener.ledger.chain.keys import (
    KeySchedule,
    SignedFields,
    compute_mac,
    evolve,
    evolve_sign,
    find_sign_seed,
    fingerprint,
    mac_key,
    public_hex,
    signature_valid,
    signing_key,
)
from hardener.ledger.chain.record import (
    SUFFIX_LEN,
    ZERO_HASH,
    header,
    line_hash,
    parse,
    split_lines,
)

LOG = "ab" * 16
TS = "2026-01-02T03:04:05.000006Z"


def line(seq: int = 0, body: bytes = b'{"a":1}', key: bytes = b"k" * 32, epoch: int = 0) -> bytes:
    return make_line(
        seq=seq,
        ts=TS,
        log_id=LOG,
        epoch=epoch,
        kind="tool.call",
        prev=ZERO_HASH,
        body=body,
        key=key,
    )


def test_the_record_bytes_are_exactly_the_documented_format():
    key = b"k" * 32
    got = line(body=b'{"x":"\xc3\xa9"}', key=key)
    head = (
        b'{"v":1,"seq":0,"ts":"2026-01-02T03:04:05.000006Z","log_id":"'
        + LOG.encode()
        + b'","epoch":0,"kind":"tool.call","prev":"'
        + ZERO_HASH.encode()
        + b'","body":{"x":"\xc3\xa9"}'
    )
    mac = hmac.new(key, head, hashlib.sha256).hexdigest()
    assert got == head + b',"mac":"' + mac.encode() + b'"}\n'
    assert json.loads(got)["body"] == {"x": "é"}
    assert list(json.loads(got)) == [
        "v",
        "seq",
        "ts",
        "log_id",
        "epoch",
        "kind",
        "prev",
        "body",
        "mac",
    ]


def test_parse_reads_the_header_and_slices_the_mac_input():
    raw = line(seq=42, epoch=7)
    record = parse(raw)
    assert record is not None
    assert (record.seq, record.epoch, record.kind, record.log_id) == (42, 7, "tool.call", LOG)
    assert record.signed_part == raw[: len(raw) - SUFFIX_LEN]
    assert record.mac == compute_mac(b"k" * 32, record.signed_part)
    assert record.body == b'{"a":1}'


@pytest.mark.parametrize(
    "bad",
    [
        b"",
        b"not json\n",
        line()[:-1],  # no newline
        line().replace(b'"v":1', b'"v":2'),
        line().replace(b'"seq":0', b'"seq":01'),
        line().replace(b'"mac":"', b'"mac": "'),
        line()[:-5] + b'XY"}\n',
        line().replace(b"tool.call", b"Tool.call"),
        line().replace(LOG.encode(), LOG.upper().encode()),
    ],
)
def test_parse_refuses_anything_not_well_formed(bad: bytes):
    assert parse(bad) is None


def test_header_refuses_values_that_would_break_the_format():
    with pytest.raises(ValueError, match="RFC 3339"):
        header(
            seq=0,
            ts="2026-01-02 03:04:05",
            log_id=LOG,
            epoch=0,
            kind="x",
            prev=ZERO_HASH,
            body=b"{}",
        )
    with pytest.raises(ValueError, match="kind"):
        header(seq=0, ts=TS, log_id=LOG, epoch=0, kind='a"b', prev=ZERO_HASH, body=b"{}")
    with pytest.raises(ValueError, match="one JSON object"):
        header(seq=0, ts=TS, log_id=LOG, epoch=0, kind="x", prev=ZERO_HASH, body=b'{"a":\n1}')


def test_split_lines_keeps_the_torn_tail_apart():
    assert split_lines(b"a\nb\nc") == ([b"a\n", b"b\n"], b"c")
    assert split_lines(b"a\rb\n") == ([b"a\rb\n"], b"")
    assert split_lines(b"torn") == ([], b"torn")


def test_mac_keys_evolve_as_specified():
    s0 = bytes(range(32))
    assert mac_key(s0) == hmac.new(s0, b"mac", hashlib.sha256).digest()
    s1 = hmac.new(s0, b"evolve", hashlib.sha256).digest()
    assert evolve(s0) == s1
    assert evolve(s0, 3) == evolve(evolve(evolve(s0)))
    with pytest.raises(ValueError):
        evolve(s0, -1)


def test_a_schedule_only_knows_its_epoch_and_later():
    s0 = bytes(range(32))
    full = KeySchedule(0, s0)
    current = KeySchedule(5, evolve(s0, 5))
    assert current.key(4) is None
    assert current.key(5) == full.key(5) == mac_key(evolve(s0, 5))
    assert full.key(9) == current.key(9)
    assert full.key(2) == mac_key(evolve(s0, 2))  # going back re-derives from the base


def test_checkpoint_signatures_and_the_key_chain():
    seed = bytes(range(32))
    body = json.loads(
        signed_body(
            seq=9,
            ts=TS,
            log_id=LOG,
            epoch=0,
            kind="checkpoint",
            prev="ab" * 32,
            records=8,
            sign_seed=seed,
        )
    )
    assert body["key"] == public_hex(signing_key(seed))
    assert body["next_key"] == public_hex(signing_key(evolve_sign(seed)))
    fields = SignedFields(LOG, 9, TS, 0, "checkpoint", "ab" * 32, 8, body["key"], body["next_key"])
    assert signature_valid(fields, body["sig"])
    for changed in (
        SignedFields(LOG, 10, TS, 0, "checkpoint", "ab" * 32, 8, body["key"], body["next_key"]),
        SignedFields(LOG, 9, TS, 0, "checkpoint", "cd" * 32, 8, body["key"], body["next_key"]),
        SignedFields(LOG, 9, TS, 0, "checkpoint", "ab" * 32, 8, body["key"], body["key"]),
    ):
        assert not signature_valid(changed, body["sig"])
    assert not signature_valid(fields, "00" * 64)
    with pytest.raises(ValueError, match="epoch_close"):
        signed_body(
            seq=1,
            ts=TS,
            log_id=LOG,
            epoch=0,
            kind="epoch_close",
            prev="ab" * 32,
            records=0,
            sign_seed=seed,
        )


def test_the_signing_chain_is_found_forward_never_backward():
    t0 = bytes(range(32))
    t3 = evolve_sign(evolve_sign(evolve_sign(t0)))
    assert find_sign_seed(t0, 0, public_hex(signing_key(t3))) == (3, t3)
    assert find_sign_seed(t3, 3, public_hex(signing_key(t0)), limit=50) is None
    assert fingerprint("00" * 32) == "SHA256:" + hashlib.sha256(bytes(32)).hexdigest()


def test_line_hash_covers_the_newline():
    raw = line()
    assert line_hash(raw) == hashlib.sha256(raw).hexdigest() != hashlib.sha256(raw[:-1]).hexdigest()
