"""The ledger's pure core: record bytes, MACs, key evolution, signatures, verification (L1).

Values in, values out: no clock, environment, filesystem or subprocess. ``record`` fixes the exact
bytes of a record, ``keys`` the MAC and signing key chains, ``checks`` the single-record checks
and ``verify`` the streaming verifier that names the first bad record.
"""
