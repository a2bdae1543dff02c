"""Find secrets written literally in a server entry's ``env``/``headers`` (L1 pure core).

Reports the location (``env.GITHUB_TOKEN``), never the value. A value counts as literal when what
is left after removing variable references (``${X}``, ``$X``, ``${env:X}``, ``${input:x}``,
``%X%``, ``${{ secrets.X }}``, opencode's ``{env:X}``/``{file:path}``) and an auth scheme word still looks like a credential: the key names
a secret and at least 8 characters remain, or the value matches a secret format. Key names and
formats come from the one catalogue, ``hardener.secret_catalogue``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from hardener.secret_catalogue import (
    BY_NAME,
    TOKEN_FORMATS,
    SecretFormat,
    find_format,
    is_secret_env_name,
)

_VARIABLE = re.compile(
    r"\$\{\{.*?\}\}|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_][A-Za-z0-9_]*%"
    r"|\{(?:env|file):[^}]*\}"
)
_SCHEME = re.compile(r"(?i)^\s*(bearer|basic|token)\s+")
#: Self-identifying formats, and passwords inside URLs (``postgres://user:pw@host``).
_FORMATS: tuple[SecretFormat, ...] = (*TOKEN_FORMATS, BY_NAME["url-credentials"])
MIN_LITERAL = 8


def looks_literal_secret(key: str, value: str) -> bool:
    remaining = _SCHEME.sub("", _VARIABLE.sub("", value)).strip()
    if not remaining:
        return False
    if find_format(remaining, _FORMATS) is not None:
        return True
    return is_secret_env_name(key) and len(remaining) >= MIN_LITERAL


def literal_secrets(entry: object, maps: Sequence[str]) -> list[str]:
    """``"<map>.<key>"`` for every literal secret in the entry's maps (values never returned)."""
    if not isinstance(entry, dict):
        return []
    found: list[str] = []
    for name in maps:
        table = entry.get(name)
        if not isinstance(table, dict):
            continue
        for key, value in table.items():
            if isinstance(value, str) and looks_literal_secret(str(key), value):
                found.append(f"{name}.{key}")
    return found
