"""The per-user agent (L2 service): sealing, drift repair, status cache."""
