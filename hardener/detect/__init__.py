"""Pure anomaly detectors shared by the shim and the daemon (L1 pure core).

One module per detector family — ``descriptions`` (tool poisoning, with ``patterns`` and
``text``), ``pins`` (rug pulls), ``arguments``, ``frequency``, ``exfil``, ``server_requests``,
``secrets`` — and the stateful but pure ``engine`` (with ``calls``) that runs them over the sealed
event stream. ``model`` holds the alert type and the rule catalogue. Nothing here reads a clock,
the environment, the filesystem or a subprocess.
"""
