"""One secrets catalogue: the redactor, the in-flight detector and the config scanner agree.

Before issue 16 the three kept their own lists and disagreed (AWS ``ASIA``/``AROA``… prefixes,
fine-grained GitHub tokens, ``xoxo-`` Slack tokens, Hugging Face and Anthropic keys, and the
detector did not read the redactor's own markers, so an oversized value counted as a secret).
"""

from __future__ import annotations

import pytest

from hardener.clients.secrets import looks_literal_secret
from hardener.detect.secrets import find_secrets
from hardener.redact import Redactor
from hardener.secret_catalogue import TOKEN_FORMATS, find_format, is_secret_key
from tests.support.secret_corpus import CORPUS

KEY = b"k" * 32

#: Values the three old catalogues disagreed on, with the one name they now share.
DIVERGENT = {
    "aws-access-key-id": ["ASIAIOSFODNN7EXAMPLE", "AROAIOSFODNN7EXAMPLE", "AIDAIOSFODNN7EXAMPLE"],
    "github-token": ["github_pat_11ABCDEFG0123456789_ab"],
    "slack-token": ["xoxo-1234567890-abcdef"],
    "huggingface-token": [CORPUS["huggingface-token"]],
    "anthropic-key": [CORPUS["anthropic-key"]],
    "stripe-key": [CORPUS["stripe-key"]],
    "npm-token": [CORPUS["npm-token"]],
}
#: Every self-identifying format of the corpus, by catalogue name.
TOKENS = {
    name: CORPUS[key]
    for name, key in [
        ("aws-access-key-id", "aws-access-key-id"),
        ("github-token", "github-token"),
        ("github-token", "github-fine-grained"),
        ("gitlab-token", "gitlab-token"),
        ("slack-token", "slack-token"),
        ("slack-webhook", "slack-webhook"),
        ("openai-key", "openai-key"),
        ("stripe-key", "stripe-key"),
        ("google-api-key", "google-api-key"),
        ("npm-token", "npm-token"),
        ("pypi-token", "pypi-token"),
        ("huggingface-token", "huggingface-token"),
        ("jwt", "jwt"),
        ("pem-private-key", "pem"),
    ]
}
CASES = [(name, value) for name, values in DIVERGENT.items() for value in values]
CASES += list(TOKENS.items())


@pytest.mark.parametrize(("name", "secret"), CASES)
def test_redactor_detector_and_config_scan_agree(name: str, secret: str) -> None:
    text = f"use {secret} for the call"
    assert find_format(secret, TOKEN_FORMATS) == name
    # the redactor (real producer) replaces it and names the format
    redaction = Redactor(KEY).redact({"note": text})
    assert secret not in str(redaction.value)
    assert name in redaction.found
    # the detector reads the redactor's marker back with the same reason
    hits = find_secrets(redaction.value)
    assert [(h.kind, h.redacted) for h in hits] == [(name, True)]
    # had it escaped redaction, the detector would name it the same way
    assert (name, False) in {(h.kind, h.redacted) for h in find_secrets({"note": text})}
    # and written literally in a config entry, the scanner flags it whatever the key is called
    assert looks_literal_secret("SETTING", secret)


def test_oversized_marker_from_the_redactor_is_not_a_secret() -> None:
    redactor = Redactor(KEY, max_value_bytes=64)
    produced = redactor.redact({"blob": "x" * 100, "password": "hunter2hunter2"}).value
    kinds = {(h.pointer, h.kind) for h in find_secrets(produced)}
    assert kinds == {("/password", "secret-key")}


def test_env_conventions_extend_the_key_rule_only_for_config_entries() -> None:
    assert is_secret_key("GITHUB_PAT")
    assert is_secret_key("api_key")
    assert is_secret_key("X-Auth-Token")
    assert not is_secret_key("max_tokens")
    assert not is_secret_key("author")
    assert looks_literal_secret("OPENAI_KEY", "sk-proj-abcdefghijkl")
    assert not looks_literal_secret("LOG_LEVEL", "debug-verbose-mode")
