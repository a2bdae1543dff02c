"""bridge_decision: which remote entries may become shim bridge entries, per client."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hardener.clients import registry
from hardener.clients.bridging import NO_CLIENT_OAUTH, bridge_decision, static_credentials
from hardener.clients.entries import classify

URL = "https://mcp.example.com/mcp"


def decide(client_id: str, entry: dict[str, Any]) -> tuple[bool, str, bool]:
    spec = registry.get(client_id)
    d = bridge_decision(spec, entry, classify(spec.entry, entry))
    return d.ok, d.reason, d.client_oauth


def _remote(client_id: str, **extra: Any) -> dict[str, Any]:
    spec = registry.get(client_id)
    if "headers" in extra:  # each client's own header map (Codex: http_headers)
        extra[spec.entry.header_maps[0]] = extra.pop("headers")
    if spec.entry.argv_list:  # opencode
        return {"type": "remote", "url": URL, **extra}
    if client_id == "windsurf":
        return {"serverUrl": URL, **extra}
    return {"url": URL, **extra}


@pytest.mark.parametrize("client_id", registry.ids())
def test_a_header_authenticated_entry_is_bridged_everywhere(client_id):
    ok, reason, _ = decide(client_id, _remote(client_id, headers={"Authorization": "Bearer x"}))
    assert (ok, reason) == (True, "")


@pytest.mark.parametrize("client_id", registry.ids())
def test_an_entry_without_credentials_relies_on_the_clients_oauth(client_id):
    ok, reason, oauth = decide(client_id, _remote(client_id))
    if client_id in NO_CLIENT_OAUTH:
        assert (ok, oauth) == (True, False)
    else:
        assert not ok
        assert oauth
        assert reason.startswith("client-managed OAuth (no static credentials")


@pytest.mark.parametrize(
    ("client_id", "extra", "key"),
    [
        ("claude-code", {"oauth": {"clientId": "abc", "callbackPort": 8080}}, "oauth"),
        ("gemini", {"oauth": {"enabled": True}}, "oauth"),
        ("gemini", {"authProviderType": "google_credentials"}, "authProviderType"),
        ("qwen", {"oauth": {"enabled": True}}, "oauth"),
        ("codex", {"scopes": ["read"]}, "scopes"),
        ("codex", {"oauth_resource": "https://mcp.example.com"}, "oauth_resource"),
        ("opencode", {"oauth": {"clientId": "abc"}}, "oauth"),
    ],
)
def test_explicit_oauth_keys_win_over_static_headers(client_id, extra, key):
    entry = _remote(client_id, headers={"Authorization": "Bearer x"}, **extra)
    assert decide(client_id, entry) == (False, f"client-managed OAuth ('{key}')", True)


def test_opencode_oauth_false_is_not_oauth():
    entry = _remote("opencode", headers={"Authorization": "Bearer x"}, oauth=False)
    ok, _, oauth = decide("opencode", entry)
    assert not oauth  # still left alone: the existing blocker list names 'oauth'
    assert not ok


def test_a_non_credential_header_is_not_static_auth():
    entry = _remote("cursor", headers={"X-Client-Name": "ci"})
    assert decide("cursor", entry)[2] is True
    assert decide("cursor", _remote("cursor", headers={"X-API-Key": "k"}))[0] is True


def test_a_key_in_the_url_is_static_auth():
    assert decide("vscode", {"type": "http", "url": URL + "?api_key=abc"})[0] is True
    assert decide("vscode", {"type": "http", "url": URL + "?page=2"})[0] is False


def test_codex_env_headers_cannot_be_bridged_and_are_not_oauth():
    entry = {"url": URL, "bearer_token_env_var": "TOKEN"}
    ok, reason, oauth = decide("codex", entry)
    assert (ok, oauth) == (False, False)
    assert "bearer_token_env_var" in reason


def test_a_client_without_stdio_is_never_bridged():
    spec = dataclasses.replace(registry.get("cursor"), accepts_stdio=False)
    entry = _remote("cursor", headers={"Authorization": "Bearer x"})
    d = bridge_decision(spec, entry, classify(spec.entry, entry))
    assert not d.ok
    assert "stdio" in d.reason


def test_a_stdio_entry_is_not_a_bridge_candidate():
    assert decide("cursor", {"command": "npx", "args": []})[0] is False


@given(st.dictionaries(st.text(max_size=12), st.text(max_size=12), max_size=4))
def test_the_decision_is_total_and_credentials_mean_a_named_header(headers):
    entry = {"url": URL, "headers": headers}
    spec = registry.get("cursor")
    info = classify(spec.entry, entry)
    d = bridge_decision(spec, entry, info)
    if d.ok:
        assert static_credentials(info)
        assert not info.problem
