"""Config-file codecs that edit text by splicing (L1 pure core): JSON/JSONC, TOML, YAML."""
