"""The ledger's secrets in the OS keychain: enrollment, key state, the verifier seed (L2 service).

Two keychain items per log (``<log_id>`` from ``public/ledger.json``):

``ledger/<log_id>/state``
    ``{"v":1,"log_id","epoch","seed","generation","sign_seed","anchor":{"seq","head"}}``: the
    current MAC seed ``S_epoch`` (older seeds are overwritten by each write), the current signing
    seed ``T_generation`` (the checkpoint key that signs next; earlier ones are gone), and the
    last checkpoint the ledger had made durable (the anchor that catches truncation). Written
    after the ledger is fsynced, never before, so it may lag the ledger but never lead it.
``ledger/<log_id>/seed0``
    ``S_0``, which lets a verifier recompute every epoch's MAC key. It is what
    ``hardener keys export-verifier`` exports; ``--delete-seed-after-export`` removes it, after
    which this machine can no longer recompute old keys (journald-FSS-like strength).
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from hardener.errors import KeychainError, UsageError
from hardener.keystore import KeyStore
from hardener.ledger.chain.findings import Anchor
from hardener.ledger.chain.keys import SEED_BYTES, fingerprint, public_hex, signing_key

VERIFIER_FORMAT = "hardener-ledger-verifier"


def state_item(log_id: str) -> str:
    return f"ledger/{log_id}/state"


def seed0_item(log_id: str) -> str:
    return f"ledger/{log_id}/seed0"


@dataclass
class SealKeys:
    log_id: str
    epoch: int
    seed: bytes
    generation: int
    sign_seed: bytes
    anchor: Anchor | None

    def to_json(self) -> str:
        return json.dumps(
            {
                "v": 1,
                "log_id": self.log_id,
                "epoch": self.epoch,
                "seed": self.seed.hex(),
                "generation": self.generation,
                "sign_seed": self.sign_seed.hex(),
                "anchor": None
                if self.anchor is None
                else {"seq": self.anchor.seq, "head": self.anchor.head},
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str, log_id: str) -> SealKeys:
        item = state_item(log_id)
        try:
            data = json.loads(text)
            anchor = data.get("anchor")
            keys = cls(
                log_id=str(data["log_id"]),
                epoch=int(data["epoch"]),
                seed=bytes.fromhex(data["seed"]),
                generation=int(data["generation"]),
                sign_seed=bytes.fromhex(data["sign_seed"]),
                anchor=None if anchor is None else Anchor(int(anchor["seq"]), str(anchor["head"])),
            )
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise KeychainError(
                f"keychain item '{item}' is not a hardener ledger key state ({type(exc).__name__})",
                remedy="Something else wrote that item. Restore it from a keychain backup; "
                "the spool keeps every event until the ledger can seal again.",
            ) from exc
        if (
            keys.log_id != log_id
            or len(keys.seed) != SEED_BYTES
            or len(keys.sign_seed) != SEED_BYTES
        ):
            raise KeychainError(
                f"keychain item '{item}' belongs to another log or is damaged "
                f"(log id {keys.log_id!r})",
                remedy="Restore the item from a keychain backup; nothing was sealed or dropped.",
            )
        return keys


def load_keys(store: KeyStore, log_id: str) -> SealKeys:
    text = store.get(state_item(log_id))
    if text is None:
        raise KeychainError(
            f"the keychain has no key for ledger {log_id} (item '{state_item(log_id)}')",
            remedy="Unlock the keychain this ledger was enrolled in (same user, same login "
            "keyring); the spool keeps every event until then.",
        )
    return SealKeys.from_json(text, log_id)


def save_keys(store: KeyStore, keys: SealKeys) -> None:
    store.set(state_item(keys.log_id), keys.to_json())


def load_seed0(store: KeyStore, log_id: str) -> bytes | None:
    text = store.get(seed0_item(log_id))
    if text is None:
        return None
    try:
        seed = bytes.fromhex(text)
    except ValueError as exc:
        raise KeychainError(f"keychain item '{seed0_item(log_id)}' is damaged") from exc
    if len(seed) != SEED_BYTES:
        raise KeychainError(f"keychain item '{seed0_item(log_id)}' is damaged")
    return seed


@dataclass(frozen=True)
class Enrollment:
    keys: SealKeys
    public: dict[str, object]


def enroll(store: KeyStore, *, created: str) -> Enrollment:
    """A new log: random ``S_0`` and ``T_0``, a log id; secrets to the keychain first."""
    log_id = uuid.uuid4().hex
    seed0 = os.urandom(SEED_BYTES)
    sign0 = os.urandom(SEED_BYTES)
    keys = SealKeys(log_id, 0, seed0, 0, sign0, None)
    store.set(seed0_item(log_id), seed0.hex())
    save_keys(store, keys)
    first = public_hex(signing_key(sign0))
    public = {
        "v": 1,
        "log_id": log_id,
        "first_key": first,
        "fingerprint": fingerprint(first),
        "created": created,
        "keychain_backend": store.info.name,
    }
    return Enrollment(keys, public)


# --- the off-machine verifier ------------------------------------------------------------------


def verifier_document(public: dict[str, object], seed0: bytes, created: str) -> dict[str, object]:
    return {
        "format": VERIFIER_FORMAT,
        "v": 1,
        "log_id": public["log_id"],
        "seed0": seed0.hex(),
        "first_key": public["first_key"],
        "fingerprint": public["fingerprint"],
        "exported": created,
    }


@dataclass(frozen=True)
class VerifierFile:
    log_id: str
    seed0: bytes
    first_key: str


def read_verifier(path: Path) -> VerifierFile:
    try:
        data = json.loads(path.read_bytes())
        if data.get("format") != VERIFIER_FORMAT:
            raise ValueError("not a hardener ledger verifier file")
        verifier = VerifierFile(
            str(data["log_id"]), bytes.fromhex(data["seed0"]), str(data["first_key"])
        )
    except FileNotFoundError as exc:
        raise UsageError(f"verifier file {path} does not exist") from exc
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise UsageError(
            f"{path} is not a hardener verifier file: {exc}",
            remedy="Use the file written by 'hardener keys export-verifier'.",
        ) from exc
    if len(verifier.seed0) != SEED_BYTES:
        raise UsageError(f"{path}: the seed has the wrong length")
    return verifier
