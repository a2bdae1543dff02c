"""Shared test helpers: used by unit tests, integration tests and benchmarks alike."""
