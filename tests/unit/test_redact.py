"""Redaction: real secret formats never survive, fingerprints are stable and keyed."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardener.redact import Redactor, fingerprint, is_secret_key, looks_random
from tests.support.secret_corpus import CORPUS, _contexts

KEY = b"k" * 32
OTHER_KEY = b"o" * 32


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_real_secret_format_is_redacted_in_text(name: str) -> None:
    redactor = Redactor(KEY)
    secret = CORPUS[name]
    for text in _contexts(name, secret):
        result = redactor.redact({"text": text, "nested": [{"q": text}]})
        dumped = json.dumps(result.value)
        assert secret not in dumped
        assert secret.split("\n")[0] not in dumped
        assert "[redacted:" in dumped
        assert result.found


def test_secret_keys_are_redacted_whole_including_non_strings() -> None:
    redactor = Redactor(KEY)
    value = {
        "password": "hunter2",
        "api_key": 123456,
        "Authorization": "x",
        "credentials": {"u": "a", "p": "b"},
        "max_tokens": 100,
        "query": "select 1",
    }
    out = redactor.redact(value).value
    assert out["password"].startswith("[redacted:secret-key len=7 ")
    assert out["api_key"].startswith("[redacted:secret-key")
    assert out["credentials"].startswith("[redacted:secret-key")
    assert out["max_tokens"] == 100
    assert out["query"] == "select 1"


def test_policy_keys_and_patterns_extend_the_rules() -> None:
    redactor = Redactor(KEY, extra_keys=["^account_number$"], extra_patterns=[r"EMP-\d{6}"])
    out = redactor.redact({"account_number": "12345678", "note": "employee EMP-123456 asked"}).value
    assert "12345678" not in json.dumps(out)
    assert "EMP-123456" not in out["note"]
    assert "policy-pattern-0" in out["note"]


def test_oversized_values_become_a_marker_with_length() -> None:
    redactor = Redactor(KEY, max_value_bytes=64)
    big = "a" * 65
    out = redactor.redact({"blob": big}).value
    assert out["blob"] == f"[redacted:oversized len=65 fp={fingerprint(KEY, big)}]"


@pytest.mark.parametrize(
    "text",
    [
        "/usr/local/lib/python3.11/site-packages/mcp/client",
        "2f1c9a0e8b7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b",
        "123e4567-e89b-12d3-a456-426614174000",
        "The quick brown fox jumps over the lazy dog",
        "America/New_York",
    ],
)
def test_ordinary_values_are_kept(text: str) -> None:
    assert Redactor(KEY).redact_text(text) == text


def test_key_names() -> None:
    for name in (
        "password",
        "DB_PASSWORD",
        "apiKey",
        "x-api-key",
        "client_secret",
        "GITHUB_TOKEN",
        "Cookie",
        "private_key",
    ):
        assert is_secret_key(name), name
    for name in ("maxTokens", "max_tokens", "tokens", "path", "name", "secretName"):
        assert not is_secret_key(name), name


def test_argv_redaction() -> None:
    redactor = Redactor(KEY)
    argv = [
        "server",
        "--api-key",
        "abc123",
        "--token=xyz789",
        "--port",
        "8080",
        CORPUS["github-token"],
    ]
    out = redactor.redact_argv(argv)
    joined = " ".join(out)
    for secret in ("abc123", "xyz789", CORPUS["github-token"]):
        assert secret not in joined
    assert out[:2] == ["server", "--api-key"]
    assert out[4:6] == ["--port", "8080"]


#: Secrets recognisable on their own (the URL password and bearer value need their context).
STANDALONE = sorted(v for k, v in CORPUS.items() if k not in ("url-password", "bearer"))
secret_text = st.sampled_from(STANDALONE)
filler = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


@settings(max_examples=200, deadline=None)
@given(
    prefix=filler, secret=secret_text, suffix=filler, key=st.sampled_from(["q", "message", "body"])
)
def test_property_redacted_output_never_contains_the_secret(
    prefix: str, secret: str, suffix: str, key: str
) -> None:
    text = f"{prefix} {secret} {suffix}"
    redactor = Redactor(KEY)
    result = redactor.redact({key: text, "list": [text]})
    assert secret not in json.dumps(result.value, ensure_ascii=False)


@settings(max_examples=200, deadline=None)
@given(value=st.text(max_size=200))
def test_property_fingerprints_are_stable_and_keyed(value: str) -> None:
    one = Redactor(KEY).redact({"v": value}).fingerprints["/v"]
    again = Redactor(KEY).redact({"v": value}).fingerprints["/v"]
    reused = Redactor(KEY)  # its prepared key must not change with use
    assert reused.fingerprint("first") == reused.fingerprint("first")
    assert reused.redact({"v": value}).fingerprints["/v"] == one
    other = Redactor(OTHER_KEY).redact({"v": value}).fingerprints["/v"]
    assert one == again == fingerprint(KEY, value)
    assert one != other
    assert len(one) == 16


def test_fingerprint_pointers_escape_keys() -> None:
    prints = Redactor(KEY).redact({"a/b": {"c~d": ["x"]}}).fingerprints
    assert list(prints) == ["/a~1b/c~0d/0"]


def test_looks_random() -> None:
    assert looks_random(CORPUS["high-entropy"])
    assert not looks_random("a" * 40)
    assert not looks_random("abcdefghijklmnopqrstuvwxyz")


def test_short_keys_are_refused() -> None:
    with pytest.raises(ValueError):
        Redactor(b"short")


def test_policy_patterns_with_global_flags_still_work() -> None:
    redactor = Redactor(KEY, extra_patterns=[r"(?i)internal-[a-z]{4}", r"(?P<x>ZZ\d+)"])
    assert "internal" not in redactor.redact_text("see INTERNAL-abcd now").lower().replace(
        "[redacted", ""
    )
    assert "ZZ123" not in redactor.redact_text("id ZZ123")


@settings(max_examples=200, deadline=None)
@given(keys=st.lists(st.text(max_size=20), max_size=8))
def test_a_redactor_answers_repeated_keys_as_the_first_time(keys: list[str]) -> None:
    """The redactor remembers which key names are secret: a reused one must redact the same."""
    reused = Redactor(KEY, extra_keys=["^custom"])
    value = {key: "v" for key in keys}
    first = reused.redact(value).value
    assert (
        reused.redact(value).value
        == first
        == Redactor(KEY, extra_keys=["^custom"]).redact(value).value
    )
    for key in keys:
        assert (first[key] == "v") is not is_secret_key(key, [re.compile("^custom", re.I)])
