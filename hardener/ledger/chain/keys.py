"""Key evolution, MACs and checkpoint signatures of the ledger (L1 pure core).

MAC keys evolve per epoch from a 32-byte seed ``S_0``::

    k_e = HMAC-SHA256(S_e, "mac")          S_{e+1} = HMAC-SHA256(S_e, "evolve")

Checkpoint signing keys evolve per signed record from a second 32-byte seed ``T_0``::

    private_j = Ed25519(HMAC-SHA256(T_j, "checkpoint-key"))   T_{j+1} = HMAC-SHA256(T_j, "checkpoint-evolve")

Every signed record names the public key of the next one, so the chain of public keys starts at the
published first key. Both chains only go forward: holding ``S_e`` or ``T_j`` gives nothing about the
keys before them. Deriving the signing keys (instead of drawing each at random) lets the sealer
re-find its place after a crash from the last key it stored.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SEED_BYTES: Final = 32
_MAC_LABEL: Final = b"mac"
_EVOLVE_LABEL: Final = b"evolve"
_SIGN_LABEL: Final = b"checkpoint-key"
_SIGN_EVOLVE_LABEL: Final = b"checkpoint-evolve"
SIGNATURE_DOMAIN: Final = b"hardener-ledger-checkpoint/v1"


def mac_key(seed: bytes) -> bytes:
    """``k_e = HMAC(S_e, "mac")``."""
    return hmac.digest(seed, _MAC_LABEL, "sha256")


def evolve(seed: bytes, steps: int = 1) -> bytes:
    """``S_{e+steps}`` from ``S_e``."""
    if steps < 0:
        raise ValueError("a seed only evolves forward")
    for _ in range(steps):
        seed = hmac.digest(seed, _EVOLVE_LABEL, "sha256")
    return seed


def compute_mac(key: bytes, data: bytes) -> str:
    return hmac.new(key, data, hashlib.sha256).hexdigest()


class KeySchedule:
    """MAC keys for every epoch at or after ``base_epoch``, derived from the seed of that epoch.

    With ``S_0`` (the verifier seed) every epoch is covered; with only the current seed, only the
    current and later epochs. Keys for earlier epochs are ``None``: the caller then relies on the
    hash chain and the checkpoint signatures.
    """

    def __init__(self, base_epoch: int, base_seed: bytes) -> None:
        self.base_epoch = base_epoch
        self._base_seed = base_seed
        self._at = base_epoch
        self._seed = base_seed
        self._cache: tuple[int, bytes] | None = None

    def key(self, epoch: int) -> bytes | None:
        if epoch < self.base_epoch:
            return None
        if self._cache is not None and self._cache[0] == epoch:
            return self._cache[1]
        if epoch < self._at:
            self._at, self._seed = self.base_epoch, self._base_seed
        self._seed = evolve(self._seed, epoch - self._at)
        self._at = epoch
        self._cache = (epoch, mac_key(self._seed))
        return self._cache[1]


# --- checkpoint signing chain ---------------------------------------------------------------


def signing_key(sign_seed: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hmac.digest(sign_seed, _SIGN_LABEL, "sha256"))


def evolve_sign(sign_seed: bytes) -> bytes:
    return hmac.digest(sign_seed, _SIGN_EVOLVE_LABEL, "sha256")


def public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes_raw().hex()


def fingerprint(public_key_hex: str) -> str:
    """``SHA256:`` plus the hex digest of the raw public key: short enough for MDM inventory."""
    return "SHA256:" + hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()


@dataclass(frozen=True)
class SignedFields:
    """What a checkpoint signature covers (everything but the signature itself)."""

    log_id: str
    seq: int
    ts: str
    epoch: int
    kind: str
    head: str
    records: int
    key: str
    next_key: str
    through: int | None = None
    next_start: float | None = None

    def message(self) -> bytes:
        parts = [
            SIGNATURE_DOMAIN,
            self.log_id.encode(),
            b"%d" % self.seq,
            self.ts.encode(),
            b"%d" % self.epoch,
            self.kind.encode(),
            self.head.encode(),
            b"%d" % self.records,
            self.key.encode(),
            self.next_key.encode(),
            b"" if self.through is None else b"%d" % self.through,
            b"" if self.next_start is None else repr(float(self.next_start)).encode(),
        ]
        return b"\n".join(parts)


def sign(key: Ed25519PrivateKey, fields: SignedFields) -> str:
    return key.sign(fields.message()).hex()


def signature_valid(fields: SignedFields, signature_hex: str) -> bool:
    """True when ``signature_hex`` is ``fields.key``'s Ed25519 signature over the fields."""
    try:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(fields.key))
        public.verify(bytes.fromhex(signature_hex), fields.message())
    except (InvalidSignature, ValueError):
        return False
    return True


def find_sign_seed(
    sign_seed: bytes, generation: int, wanted_public: str, *, limit: int = 100_000
) -> tuple[int, bytes] | None:
    """Walk the signing chain forward from ``(generation, sign_seed)`` to the key ``wanted_public``.

    The sealer stores its signing seed after the signed record that names the next key is durable;
    after a crash the stored seed can lag the ledger by some generations, never lead it.
    """
    seed = sign_seed
    for step in range(limit + 1):
        if public_hex(signing_key(seed)) == wanted_public:
            return generation + step, seed
        seed = evolve_sign(seed)
    return None
