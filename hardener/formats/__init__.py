"""Config-file codecs that edit text by splicing (L1 pure core): JSON/JSONC, TOML, YAML.

``interface`` is the contract (:class:`~hardener.formats.interface.Codec`, paths, errors);
``registry.codec_for(name)`` returns a codec. JSON/JSONC: ``json_tree`` (span tree), ``json_render``
(file style), ``jsonc`` (the codecs). TOML: ``toml_codec`` + ``toml_values`` over tomlkit. YAML:
``yaml_codec`` over ruamel.yaml with ``merge3`` carrying edits back onto the original lines.
``newlines`` (CRLF/BOM) and ``values`` (typed equality, list runs) are shared helpers.
"""
