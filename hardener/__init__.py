"""hardener: audit every MCP server an AI client launches on this workstation.

The package is layered L0 foundation → L1 pure core → L2 services → L3 edges; each module
imports only from its own layer or lower ones. The map (processes, the layer table the layer test
reads, data flow, contracts) is ``docs/architecture.md``.
"""

from hardener._version import __version__

__all__ = ["__version__"]
