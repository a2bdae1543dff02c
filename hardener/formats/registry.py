"""Look up a codec by format name (L1 pure core).

Client specs name their file format ("json", "jsonc", "toml", "yaml"); :func:`codec_for` returns the
shared, stateless codec for it. An unknown name is a programming error (``KeyError``-like
``ValueError``), never a silent fallback to another format.
"""

from __future__ import annotations

from functools import cache

from hardener.formats.interface import Codec

FORMATS = ("json", "jsonc", "toml", "yaml")


@cache
def codec_for(name: str) -> Codec:
    """The codec for ``name``; raises ``ValueError`` for a format hardener does not edit."""
    if name == "json":
        from hardener.formats.jsonc import JsonCodec

        return JsonCodec()
    if name == "jsonc":
        from hardener.formats.jsonc import JsoncCodec

        return JsoncCodec()
    if name == "toml":
        from hardener.formats.toml_codec import TomlCodec

        return TomlCodec()
    if name == "yaml":
        from hardener.formats.yaml_codec import YamlCodec

        return YamlCodec()
    raise ValueError(f"unknown config format {name!r} (known: {', '.join(FORMATS)})")
