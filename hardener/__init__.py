"""hardener: audit every MCP server an AI client launches on this workstation.

The package is layered (see ARCHITECTURE.md section 2): L0 foundation (``errors``, ``paths``,
``fsutil``, ``policy``), L1 pure core (``formats``, ``clients``, ``transform``, ``detect``,
``ledger.chain``), L2 services (``backup``, ``engine``, ``shim``, ``daemon``, ``ledger.store``,
``service``, ``export``) and L3 edges (``cli``). Each layer imports only from the layers below it.
"""

from hardener._version import __version__

__all__ = ["__version__"]
