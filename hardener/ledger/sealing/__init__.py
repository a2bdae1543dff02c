"""Sealing: spooled events become ledger records, exactly once, in order (L2 package).

``spool_reader`` reads spool files (complete lines, malformed lines, dead writers); ``sealer``
(:class:`~hardener.ledger.sealing.sealer.Sealer`) drives :class:`hardener.ledger.writer.LedgerWriter`
through its public methods only. The daemon (``hardener.daemon.sealing``) owns a ``Sealer``.
"""
