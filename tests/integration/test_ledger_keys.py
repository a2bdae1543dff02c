"""Keys: the exported verifier, deleting S0, and forward security against a stolen keychain."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest

from hardener.ledger.audit import verify_ledger
from hardener.ledger.chain.build import make_line, signed_body
from hardener.ledger.chain.findings import Reason
from hardener.ledger.chain.keys import evolve_sign, mac_key
from hardener.ledger.chain.record import SIGNED_KINDS, line_hash, parse
from hardener.ledger.sealing.sealer import Sealer
from hardener.ledger.sealkeys import SealKeys, read_verifier, state_item
from hardener.ledger.store import ACTIVE, read_public

from .ledger_support import (  # noqa: F401 - fixtures
    Clock,
    keystore_fixture,
    paths_fixture,
    settings,
    write_session,
)

pytestmark = pytest.mark.keychain


def seal_three_epochs(paths, keystore) -> None:
    clock = Clock(time.time() - 100)
    pol = settings(ledger__epoch_seconds=10, ledger__checkpoint_records=6)
    with Sealer(paths, pol, keystore, clock=clock) as sealer:
        for _ in range(3):
            write_session(paths, 8)
            sealer.seal_pending()
            clock.now += 10.5
            sealer.tick()


def test_export_verifier_then_verify_with_it(paths, keystore, run_cli, tmp_path):
    seal_three_epochs(paths, keystore)
    out = tmp_path / "verifier.json"
    result = run_cli("keys", "export-verifier", "--out", str(out), "--json")
    assert result.code == 0, result.stderr
    document = result.json()
    assert document["seed_deleted"] is False
    assert "WARNING" in result.stderr
    assert "OFF this machine" in result.stderr
    if os.name != "nt":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert read_verifier(out).first_key == read_public(paths)["first_key"]
    again = run_cli("keys", "export-verifier", "--out", str(out))
    assert again.code == 2
    assert "refusing to overwrite" in again.stderr
    verified = run_cli("log", "verify", "--all", "--verifier", str(out), "--json")
    assert verified.code == 0, verified.stdout
    report = verified.json()
    assert report["mac_keys"] == "verifier"
    assert report["macs"]["unverifiable"] == 0


def test_deleting_the_seed_leaves_only_the_current_epoch_key(paths, keystore, run_cli, tmp_path):
    seal_three_epochs(paths, keystore)
    out = tmp_path / "verifier.json"
    assert (
        run_cli("keys", "export-verifier", "--out", str(out), "--delete-seed-after-export").code
        == 0
    )
    info = run_cli("keys", "info", "--json").json()
    assert info["seed0_in_keychain"] is False
    assert info["epoch"] == 3
    report = run_cli("log", "verify", "--all", "--json").json()
    assert report["ok"] is True
    assert report["mac_keys"] == "current"
    assert report["macs"]["unverifiable"] > 0  # old epochs: chain and signatures only
    assert run_cli("keys", "export-verifier", "--out", str(tmp_path / "again.json")).code == 3
    assert run_cli("log", "verify", "--all", "--verifier", str(out)).code == 0


def test_a_stolen_keychain_cannot_forge_an_earlier_epoch(paths, keystore, tmp_path):
    """Copy the keychain as it is now, rewrite an epoch-0 record and everything after it with
    the stolen keys (re-MACed, re-chained, checkpoints re-signed): verification fails at it."""
    seal_three_epochs(paths, keystore)
    out = tmp_path / "verifier.json"
    from hardener.cli.main import main

    assert main(["keys", "export-verifier", "--out", str(out), "--delete-seed-after-export"]) == 0
    log_id = read_public(paths)["log_id"]
    stolen = SealKeys.from_json(keystore.get(state_item(log_id)), log_id)
    assert keystore.get(f"ledger/{log_id}/seed0") is None
    ledger = paths.ledger_dir / ACTIVE
    lines = ledger.read_bytes().splitlines(keepends=True)
    target = next(i for i, line in enumerate(lines) if b"query 3" in line)
    assert parse(lines[target]).epoch == 0
    forged = _rewrite_from(lines, target, stolen)
    ledger.write_bytes(b"".join(forged))
    with_verifier = verify_ledger(paths, full=True, keystore=keystore, verifier=read_verifier(out))
    assert with_verifier.finding is not None
    assert with_verifier.finding.seq == target
    assert with_verifier.finding.reason in (Reason.MODIFIED, Reason.FORGED)
    public_only = verify_ledger(paths, full=True, keystore=None)
    assert public_only.finding is not None
    assert public_only.finding.reason is Reason.FORGED
    assert public_only.finding.seq >= target
    assert "key the previous checkpoint did not name" in public_only.finding.message


def _rewrite_from(lines: list[bytes], start: int, stolen: SealKeys) -> list[bytes]:
    out = lines[:start]
    prev = line_hash(out[-1])
    sign_seed = stolen.sign_seed
    key = mac_key(stolen.seed)
    for line in lines[start:]:
        record = parse(line)
        body = record.body.replace(b"query 3", b"query X") if record.seq == start else record.body
        if record.kind in SIGNED_KINDS:
            old = record.body_json()
            body = signed_body(
                seq=record.seq,
                ts=record.ts,
                log_id=record.log_id,
                epoch=record.epoch,
                kind=record.kind,
                prev=prev,
                records=old["records"],
                sign_seed=sign_seed,
                through=old.get("through"),
                next_start=old.get("next_start"),
            )
            sign_seed = evolve_sign(sign_seed)
        new = make_line(
            seq=record.seq,
            ts=record.ts,
            log_id=record.log_id,
            epoch=record.epoch,
            kind=record.kind,
            prev=prev,
            body=body,
            key=key,
        )
        out.append(new)
        prev = line_hash(new)
    return out


def test_public_keys_alone_verify_a_clean_ledger(paths, keystore):
    seal_three_epochs(paths, keystore)
    report = verify_ledger(paths, full=True, keystore=None, now=time.time(), stale_after=600)
    assert report.finding is None, report.finding
    assert report.mac_keys == "none"
    assert report.anchor_status == "unavailable"
    assert report.signatures > 3


def test_verify_reads_the_cache_and_catches_a_replaced_copy(paths, keystore):
    write_session(paths, 10)
    with Sealer(paths, settings(), keystore):
        pass
    seal = Sealer(paths, settings(), keystore)
    seal.seal_pending()
    seal.close()
    ledger = paths.ledger_dir / ACTIVE
    assert verify_ledger(paths, keystore=keystore).finding is None
    cache = json.loads((paths.ledger_dir / "verified.json").read_text())
    assert cache["head"] == line_hash(ledger.read_bytes().splitlines(keepends=True)[-1])
    older = ledger.read_bytes()
    write_session(paths, 5)
    with Sealer(paths, settings(), keystore) as sealer:
        sealer.seal_pending()
    assert verify_ledger(paths, keystore=keystore).finding is None
    Path(ledger).write_bytes(older)  # an older copy put back
    report = verify_ledger(paths, keystore=keystore)
    assert report.finding is not None
    assert report.finding.reason in (Reason.REPLACED, Reason.TRUNCATED)
