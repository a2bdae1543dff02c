"""Shipping sealed records off the machine (L2 service).

``records`` turns a ledger record into the export record (one JSON object: schema version, RFC 3339
UTC time, seq, kind, the record's hash and its ``prev``, the body), ``jsonl`` appends them to a
file a shipper tails (Fluent Bit, the OpenTelemetry Collector, Vector, Filebeat), ``syslog``
sends them as RFC 5424 messages over UDP, TCP or TLS (octet-counted framing, RFC 6587 / 5425), and
``targets`` runs the policy's ``export.targets`` with a resume point per target. Checkpoint and
epoch-close records are always exported: a SIEM holding them witnesses the log (gaps in ``seq``,
a new ``log_id``, checkpoints that stop coming).
"""
