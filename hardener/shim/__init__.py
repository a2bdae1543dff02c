"""The audit shim ``hardener-shim`` (L2 service): a transparent stdio relay that records events."""
