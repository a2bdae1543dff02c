"""The ledger deleted or replaced under a running sealer: put it back and seal the break (L2).

Deleting the log is the first thing an intruder does. A running sealer keeps the active segment
open, so a deleted (or swapped) directory would otherwise swallow every later record, the agent's
own tamper alert included. Before each sealing batch the sealer asks :func:`restore_if_detached`,
which costs one ``fstat`` and one ``stat``. When the path no longer names the open file:

1. the ledger directory is created again (0700) and a file standing at the active segment's path
   is moved aside as ``ledger.jsonl.replaced-<unix time>`` (kept for investigation, never read);
2. the active segment is written back from the open descriptor (every record sealed into it,
   including those sealed after the deletion), and appending goes on there;
3. the writer lock and ``public/ledger.json`` are taken/written again when they went too;
4. a ``ledger_break`` record (MACed and chained like any other) names what happened, the last
   record and the anchored checkpoint of the chain at that moment, and from which seq on the
   older segments are gone; a signed checkpoint follows at once.

``log verify`` reports a ledger holding a ``ledger_break`` record as ``deleted`` (it is tampering,
even when nothing was lost), and the agent raises ``ledger.tampered`` from that finding. Archived
segments deleted with the directory cannot be put back: the break record says they are gone.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from hardener.ledger.chain.record import LEDGER_BREAK, dumps
from hardener.ledger.store import (
    ACTIVE,
    WriterLock,
    ensure_ledger_dir,
    list_segments,
    read_public,
    write_public,
)
from hardener.ledger.writer import LedgerWriter
from hardener.paths import HardenerPaths

log = logging.getLogger(__name__)


@dataclass
class Restored:
    lock: WriterLock
    seq: int  # the ledger_break record
    body: dict[str, Any]


def restore_if_detached(
    writer: LedgerWriter,
    lock: WriterLock,
    paths: HardenerPaths,
    public: dict[str, Any],
    now: float,
) -> Restored | None:
    """None when the active segment is where it was; else put it back and seal the break."""
    how = writer.detached()
    if how is None:
        return None
    ledger_dir = paths.ledger_dir
    directory_gone = not ledger_dir.is_dir()
    last_seq, head, anchor = writer.next_seq - 1, writer.head, writer.anchor
    ensure_ledger_dir(paths)
    active = ledger_dir / ACTIVE
    kept_as = None
    if os.path.lexists(active):
        aside = ledger_dir / f"{ACTIVE}.replaced-{int(now)}"
        os.replace(active, aside)
        kept_as = aside.name
    restored = writer.restore_active()
    if lock.detached():
        lock.release()
        lock = WriterLock(ledger_dir)
    if read_public(paths) is None:
        write_public(paths, public)
    first = writer.segment_first_seq
    archives = [s for s in list_segments(ledger_dir) if not s.active]
    what = "the ledger directory was deleted" if directory_gone else f"the active segment was {how}"
    body: dict[str, Any] = {
        "reason": "directory_deleted" if directory_gone else f"segment_{how}",
        "detail": f"{what} while the agent was sealing; the active segment was written back "
        "from the agent's open file",
        "segment": ACTIVE,
        "restored_bytes": restored,
        "restored_from_seq": first,
        "last_seq": last_seq,
        "head": head,
        "anchor": None if anchor is None else {"seq": anchor.seq, "head": anchor.head},
        "lost_before_seq": first if first > 0 and not archives else None,
        "replaced_kept_as": kept_as,
    }
    seq = writer.append(LEDGER_BREAK, dumps(body).encode(), now=now)
    writer.checkpoint(now=now, sync=True)
    log.error(
        "%s while sealing (last seq %d); put the active segment back (%d bytes) and sealed "
        "ledger_break seq %d",
        what,
        last_seq,
        restored,
        seq,
    )
    return Restored(lock, seq, body)
