"""Find secrets written literally in a server entry's ``env``/``headers`` (L1 pure core).

Reports the location (``env.GITHUB_TOKEN``), never the value. A value counts as literal when what
is left after removing variable references (``${X}``, ``$X``, ``${env:X}``, ``${input:x}``,
``%X%``, ``${{ secrets.X }}``, opencode's ``{env:X}``/``{file:path}``) and an auth scheme word still looks like a credential: the key names
a secret and at least 8 characters remain, or the value matches a well-known token shape.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_SECRET_NAME = re.compile(
    r"(?i)(token|secret|passw|pwd|api[_-]?key|apikey|auth|credential|private[_-]?key|"
    r"access[_-]?key|session|cookie|bearer|(^|_)pat($|_))"
)
_VARIABLE = re.compile(
    r"\$\{\{.*?\}\}|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_][A-Za-z0-9_]*%"
    r"|\{(?:env|file):[^}]*\}"
)
_SCHEME = re.compile(r"(?i)^\s*(bearer|basic|token)\s+")
_TOKEN_SHAPE = re.compile(
    r"ghp_[A-Za-z0-9]{4,}|github_pat_|gho_|glpat-|xox[abpors]-|sk-[A-Za-z0-9_-]{8,}|"
    r"AKIA[0-9A-Z]{12,}|hf_[A-Za-z0-9]{4,}|eyJ[A-Za-z0-9_-]{8,}\.|"
    r"-----BEGIN [A-Z ]*PRIVATE KEY|://[^/\s:@]+:[^/\s@]+@"
)
MIN_LITERAL = 8


def looks_literal_secret(key: str, value: str) -> bool:
    remaining = _SCHEME.sub("", _VARIABLE.sub("", value)).strip()
    if not remaining:
        return False
    if _TOKEN_SHAPE.search(remaining):
        return True
    return bool(_SECRET_NAME.search(key)) and len(remaining) >= MIN_LITERAL


def literal_secrets(entry: Any, maps: Sequence[str]) -> list[str]:
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
