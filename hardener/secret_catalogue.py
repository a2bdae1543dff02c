"""The one catalogue of secret formats, secret key names and redaction markers (L1 pure core).

Three parts of hardener look for secrets and must agree on what one is:

- ``redact`` replaces secrets before an event touches the disk (every format, in context too);
- ``detect/secrets`` finds secrets that escaped redaction in sealed events (self-identifying
  formats only, see :data:`TOKEN_FORMATS`) and recognises the redactor's markers;
- ``clients/secrets`` finds secrets written literally in a config entry's ``env``/``headers``.

Each format is named once here, with one pattern; a match's group ``s``, when present, is the
secret part (the password inside a URL). :func:`is_secret_key` is the one rule for key names.
:func:`marker` writes the redactor's marker and :data:`MARKER_RE` reads it back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final, NamedTuple


class SecretFormat(NamedTuple):
    """One secret format (a NamedTuple, not a dataclass: importing ``dataclasses`` costs every
    shim and hook start ~7 ms)."""

    name: str
    pattern: str
    #: True when the text around the secret is what identifies it (``Bearer x``, ``password=x``,
    #: a URL's password); False for formats that identify themselves (``ghp_…``, ``AKIA…``).
    in_context: bool = False


#: Every secret format, by name (the redactor applies all of them, in this order).
FORMATS: Final[tuple[SecretFormat, ...]] = (
    SecretFormat(
        "pem-private-key",
        r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY-----|\Z)",
    ),
    SecretFormat(
        "aws-access-key-id",
        r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b",
    ),
    SecretFormat(
        "github-token", r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})"
    ),
    SecretFormat("gitlab-token", r"\bglpat-[A-Za-z0-9_\-]{20,}"),
    SecretFormat("slack-token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    SecretFormat("slack-webhook", r"https://hooks\.slack\.com/services/[A-Za-z0-9/_\-]+"),
    SecretFormat("anthropic-key", r"\bsk-ant-[A-Za-z0-9_\-]{20,}"),
    SecretFormat("openai-key", r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}"),
    SecretFormat("stripe-key", r"\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,}"),
    SecretFormat("google-api-key", r"\bAIza[0-9A-Za-z_\-]{35}"),
    SecretFormat("npm-token", r"\bnpm_[A-Za-z0-9]{36}"),
    SecretFormat("pypi-token", r"\bpypi-[A-Za-z0-9_\-]{50,}"),
    SecretFormat("huggingface-token", r"\bhf_[A-Za-z0-9]{30,}"),
    SecretFormat("sendgrid-key", r"\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}"),
    SecretFormat("jwt", r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"),
    SecretFormat(
        "azure-account-key",
        r"(?i:AccountKey|SharedAccessKey)=(?P<s>[A-Za-z0-9+/=]{20,})",
        in_context=True,
    ),
    SecretFormat(
        "url-credentials",
        r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@]+:(?P<s>[^\s@/]+)@",
        in_context=True,
    ),
    SecretFormat(
        "bearer-credentials",
        r"(?i:\bbearer)\s+(?P<s>[A-Za-z0-9._~+/\-]{12,}=*)",
        in_context=True,
    ),
    SecretFormat(
        "basic-credentials", r"(?i:\bbasic)\s+(?P<s>[A-Za-z0-9+/]{12,}=*)", in_context=True
    ),
    SecretFormat(
        "password-assignment",
        r"(?i:\b(?:password|passwd|pwd|secret|api[_-]?key|token)\s*[=:]\s*)(?P<s>[^\s\"',;&]{6,})",
        in_context=True,
    ),
)

BY_NAME: Final = {f.name: f for f in FORMATS}

#: The formats that identify themselves (found anywhere, with no context needed).
TOKEN_FORMATS: Final = tuple(f for f in FORMATS if not f.in_context)

#: One literal every :data:`TOKEN_FORMATS` match contains (a cheap prefilter before the patterns).
TOKEN_HINTS: Final = re.compile(
    r"AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|gh[pousr]_|github_pat_|glpat-|xox"
    r"|hooks\.slack|sk-|_live_|_test_|AIza|npm_|pypi-|hf_|SG\.|eyJ|-----BEGIN"
)

#: Normalised key names (lower case, only letters and digits) whose values are secrets.
_SECRET_KEY: Final = re.compile(
    r"password|passwd|passphrase|secret|token|apikey|accesskey|privatekey|authorization"
    r"|cookie|credential|bearer|sessionid|sessionkey|signingkey|encryptionkey|connectionstring"
    r"|^auth$|^pwd$|^pass$|^pin$|^otp$|^mfacode$|^xapikey$|githubpat$|^pat$"
)
#: Key names that contain a secret word but are counts or settings, not secrets.
_NOT_SECRET_KEY: Final = re.compile(
    r"^(max|min|num|total|count|n|output|input|completion|prompt)tokens?$"
    r"|^tokens?(count|limit|usage|type|s)$|^tokens$|tokenizer|secretname$|passwordpolicy"
)


def is_secret_key(name: str, extra: Iterable[re.Pattern[str]] = ()) -> bool:
    """Whether a mapping key names a secret (``apiKey``, ``X-Auth-Token``, ``db_password``…)."""
    if any(p.search(name) for p in extra):
        return True
    norm = re.sub(r"[^a-z0-9]", "", name.lower())
    return bool(_SECRET_KEY.search(norm)) and not _NOT_SECRET_KEY.search(norm)


def marker(reason: str, size: int, fp: str) -> str:
    """The redactor's marker for a value it replaced."""
    return f"[redacted:{reason} len={size} fp={fp}]"


#: The redactor's own marker (group ``reason``), as :func:`marker` writes it.
MARKER_RE: Final = re.compile(r"\[redacted:(?P<reason>[\w.+-]+) len=\d+ fp=[0-9a-f]+\]")

#: Reasons of markers for values replaced only because of their size or type, not secrets.
NOT_SECRET_REASONS: Final = re.compile(r"size|large|long|truncat|binary|oversize", re.IGNORECASE)

#: Environment-variable conventions for secrets beyond :func:`is_secret_key` (``OPENAI_KEY``,
#: ``AUTH_HEADER``, ``SESSION``): a whole ``_``/``-`` separated word.
_SECRET_ENV_WORD: Final = re.compile(r"(?i)(?:^|[_-])(?:key|auth|session)(?:[_-]|$)")


def is_secret_env_name(name: str) -> bool:
    """Whether an ``env``/``headers`` name in a client config names a secret."""
    return is_secret_key(name) or bool(_SECRET_ENV_WORD.search(name))


def find_format(text: str, formats: Iterable[SecretFormat] = FORMATS) -> str | None:
    """The name of the first format that matches somewhere in ``text``, if any."""
    for fmt in formats:
        if _compiled(fmt).search(text):
            return fmt.name
    return None


_COMPILED: dict[str, re.Pattern[str]] = {}


def _compiled(fmt: SecretFormat) -> re.Pattern[str]:
    pattern = _COMPILED.get(fmt.name)
    if pattern is None:
        pattern = _COMPILED[fmt.name] = re.compile(fmt.pattern)
    return pattern
