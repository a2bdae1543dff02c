"""``hardener demo``: the whole product in a throwaway sandbox home, in about ten seconds (L3 edge).

``scenario`` runs the steps (configs of three clients, harden, the real daemon, a real MCP session
through the real shim, alerts, verify, tamper a copy, restore); ``server`` is the small MCP server
the session talks to; ``session`` drives it with the official MCP SDK client; ``sandbox`` builds
the sandbox home and its key store (a private D-Bus session with gnome-keyring when installed,
else the clearly labelled file key store of ``demokeys``).
"""
