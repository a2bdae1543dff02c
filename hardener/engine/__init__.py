"""Use cases over client configs: discovery, scan, harden, restore, desired state (L2 services)."""
