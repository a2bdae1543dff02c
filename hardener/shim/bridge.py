"""Bridge (placeholder)."""
