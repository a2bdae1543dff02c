"""The shim's settings for a partial policy, made the way the shim makes them (tests helper)."""

from __future__ import annotations

from collections.abc import Mapping

from hardener.settings import Settings
from hardener.shim.settings import ShimSettings


def shim_settings(values: Mapping[str, object] | None = None) -> ShimSettings:
    """:class:`ShimSettings` of the defaults overlaid with ``{dotted key: value}``."""
    return ShimSettings(Settings.from_values(values or {}).values())
