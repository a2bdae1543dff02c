"""``hardener keys export-verifier|info``: the ledger's keys (L3 edge).

``export-verifier`` writes what an off-machine verifier needs (``S_0`` and the first checkpoint
public key) to a new 0600 file; ``--delete-seed-after-export`` then removes ``S_0`` from the
keychain, so this machine can no longer recompute old MAC keys. ``info`` shows the public values
and the state of the key items, never a secret.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from hardener.cli.common import add_output_flags
from hardener.cli.context import CliContext
from hardener.errors import EXIT_OK, FileWriteError, KeychainError, UsageError
from hardener.keystore import KeyStore
from hardener.ledger.sealkeys import load_keys, load_seed0, seed0_item, verifier_document
from hardener.ledger.store import require_public
from hardener.policy import load_policy
from hardener.timestamps import utc_timestamp

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hardener.cli.common import Subparsers

HELP = "ledger keys: export a verifier for off-machine verification, show key state"

WARNING = """\
hardener: WARNING: {out} now holds the ledger's verifier seed (S0).
  Anyone with this file can recompute every MAC key of this ledger and forge records that pass
  MAC checks (checkpoint signatures still pin what was checkpointed). Move it OFF this machine
  now, to storage that the security team controls, and delete the local copy.
"""


def register(subparsers: Subparsers) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser("keys", help=HELP, description=HELP)
    actions = parser.add_subparsers(dest="keys_action", metavar="ACTION", required=True)
    export = actions.add_parser("export-verifier", help="write the initial seed and public key")
    add_output_flags(export)
    export.add_argument("--out", metavar="FILE", required=True)
    export.add_argument(
        "--delete-seed-after-export",
        action="store_true",
        help="then remove S0 from the keychain: old MAC keys can no longer be recomputed here",
    )
    info = actions.add_parser("info", help="public values and key state (no secrets)")
    add_output_flags(info)
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    from hardener.keystore import open_keystore

    public = require_public(ctx.paths)
    settings = load_policy(ctx.platform).settings
    store = open_keystore(allow_insecure=settings.keychain.allow_insecure_backend)
    try:
        if args.keys_action == "info":
            return _info(public, store, ctx)
        return _export(args, public, store, ctx)
    finally:
        store.close()


def _info(public: dict[str, object], store: KeyStore, ctx: CliContext) -> int:
    log_id = str(public["log_id"])
    keys = load_keys(store, log_id)
    document = {
        "log_id": log_id,
        "fingerprint": public.get("fingerprint"),
        "first_key": public.get("first_key"),
        "backend": {"name": store.info.name, "real": store.info.real},
        "seed0_in_keychain": load_seed0(store, log_id) is not None,
        "epoch": keys.epoch,
        "generation": keys.generation,
        "anchor": None
        if keys.anchor is None
        else {"seq": keys.anchor.seq, "head": keys.anchor.head},
    }
    if ctx.json:
        ctx.emit_json("keys-info.schema.json", document)
        return EXIT_OK
    ctx.out(f"log {log_id}  first key {document['fingerprint']}")
    ctx.out(f"keychain backend {store.info.name} ({'real' if store.info.real else 'NOT real'})")
    ctx.out(
        f"epoch {keys.epoch}, checkpoint key generation {keys.generation}, "
        f"anchor {document['anchor']}"
    )
    ctx.out(f"verifier seed S0 in the keychain: {'yes' if document['seed0_in_keychain'] else 'no'}")
    return EXIT_OK


def _export(
    args: argparse.Namespace, public: dict[str, object], store: KeyStore, ctx: CliContext
) -> int:
    log_id = str(public["log_id"])
    seed0 = load_seed0(store, log_id)
    if seed0 is None:
        raise KeychainError(
            f"the verifier seed of ledger {log_id} is no longer in the keychain",
            remedy="It was deleted after an earlier export: use the verifier file written then.",
        )
    out = Path(args.out)
    created = utc_timestamp(datetime.now(UTC))
    data = json.dumps(verifier_document(public, seed0, created), indent=1).encode() + b"\n"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(out, flags, 0o600)
    except FileExistsError as exc:
        raise UsageError(f"{out} already exists; refusing to overwrite it") from exc
    except OSError as exc:
        raise FileWriteError(f"cannot create {out}: {exc.strerror or exc}") from exc
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    ctx.stderr.write(WARNING.format(out=out))
    deleted = False
    if args.delete_seed_after_export:
        store.delete(seed0_item(log_id))
        deleted = True
        ctx.stderr.write(
            "hardener: S0 was deleted from the keychain: this machine can no longer recompute old "
            "MAC keys. Keep the exported file safe; it is now the only way to check old MACs.\n"
        )
    document = {
        "out": str(out),
        "log_id": log_id,
        "fingerprint": public.get("fingerprint"),
        "first_key": public.get("first_key"),
        "seed_deleted": deleted,
    }
    if ctx.json:
        ctx.emit_json("keys-export-verifier.schema.json", document)
    else:
        ctx.out(f"verifier for ledger {log_id} written to {out}")
    return EXIT_OK
