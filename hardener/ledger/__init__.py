"""The tamper-evident ledger: forward-secure, keychain-keyed sealing of every event (L2 package).

``chain/`` is the pure core (L1): exact record bytes, MACs, key evolution, checkpoint signatures and
the verifier. The rest is I/O (L2): ``store`` (segment files, locks, public values), ``sealkeys``
(keychain items, enrollment, the verifier file), ``position`` and ``opener`` (the sealer's
position rebuilt from the ledger, crash repair and roll-forward at start), ``writer`` (group
commit, checkpoints, epochs, rotation, pruning), ``sealing/`` (spool lines into records: the
:class:`~hardener.ledger.sealing.sealer.Sealer` the daemon drives), ``audit`` (``log verify``)
and ``query`` (``log show/tail/export``).

**The honest promise.** A same-user attacker who can read the keychain can append lies from now
on and can cut the unanchored tail (the records after the last checkpoint stored in the keychain);
they cannot silently change what was sealed in an earlier epoch, and checkpoints shipped off the
machine (SIEM, MDM inventory) pin the history. Precisely:

- every record is chained to the previous one by SHA-256 and MACed with the key of its epoch; the
  MAC seed evolves every epoch and the old one is overwritten in the keychain;
- every checkpoint (and every epoch close) is signed with an Ed25519 key that is used once: it names
  the next public key and is then discarded, so a key stolen now cannot re-sign anything older;
  the chain of keys starts at the first public key, whose fingerprint is published (``status``,
  MDM inventory, SIEM);
- while ``S_0`` (the verifier seed) stays in the keychain, a thief of the keychain can recompute
  old MAC keys; the signed checkpoints still pin everything up to the last one. Export the verifier
  off the machine and delete the seed (``hardener keys export-verifier --delete-seed-after-export``)
  to make old MAC keys unrecoverable too;
- an attacker who can also *write* the keychain can move the anchor back and so cut more than the
  unanchored tail, or start a whole new log; only the copies off the machine (checkpoints in the
  SIEM, ``seq`` and head in MDM inventory, the first key's fingerprint) reveal that.

See ``docs/ledger.md`` for the record format and what ``hardener log verify`` reports.
"""
