"""May a remote entry be rewritten to the shim's stdio bridge and keep working? (L1).

:func:`bridge_decision` answers for one client and one classified remote entry, values in, a
value out. Bridging keeps working only when the client launches stdio servers and the entry does
not rely on OAuth run by the client itself: the bridge sends fixed headers, so an entry whose
credentials come from the client's OAuth flow (explicit OAuth keys, or no static credentials in a
client that does OAuth for remote servers) would lose them. Such entries stay as they are; the
client's hooks, where it has them, are the sensor (docs/hooks.md has the per-client table).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from hardener.clients.entries import EntryInfo, Kind
from hardener.clients.spec import ClientSpec

#: Entry keys that configure the client's own OAuth flow (Claude Code/Gemini/Qwen/opencode
#: ``oauth``, Gemini ``authProviderType``, Codex ``scopes``/``oauth_resource``).
OAUTH_KEYS: tuple[str, ...] = ("oauth", "authProviderType", "scopes", "oauth_resource")

#: Clients that do not run OAuth for remote servers named in their config file (Claude Desktop
#: takes remote servers only as connectors in the app). Every other client does, or may: an
#: entry without static credentials there is assumed to rely on it.
NO_CLIENT_OAUTH: frozenset[str] = frozenset({"claude-desktop"})

#: Header or query-parameter name fragments that mark a static credential.
_CREDENTIAL_MARKS: tuple[str, ...] = ("auth", "key", "token", "secret", "cookie", "session")


@dataclass(frozen=True)
class BridgeDecision:
    ok: bool
    #: why the entry is left as it is ("" when it is bridged)
    reason: str = ""
    #: the entry relies on OAuth run by the client (hooks are the only sensor)
    client_oauth: bool = False


def _credential_name(name: str) -> bool:
    lowered = name.strip().lower()
    return any(mark in lowered for mark in _CREDENTIAL_MARKS)


def static_credentials(info: EntryInfo) -> bool:
    """The entry carries its own credentials: an auth header, or a key/token in the URL."""
    if any(_credential_name(header.partition(":")[0]) for header in info.headers):
        return True
    try:
        query = urlsplit(info.url or "").query
    except ValueError:
        return False
    return any(_credential_name(name) for name, _ in parse_qsl(query))


def _oauth_key(entry: object) -> str | None:
    if not isinstance(entry, dict):
        return None
    holders = [entry, *(v for v in entry.values() if isinstance(v, dict))]
    for holder in holders:
        for key in OAUTH_KEYS:
            if key in holder and holder[key] is not False and holder[key] is not None:
                return key
    return None


def client_does_oauth(client: ClientSpec) -> bool:
    return client.id not in NO_CLIENT_OAUTH


def bridge_decision(client: ClientSpec, entry: object, info: EntryInfo) -> BridgeDecision:
    """Whether ``entry`` (classified as ``info``) of ``client`` may become a bridge entry."""
    if info.kind is not Kind.REMOTE or info.url is None:
        return BridgeDecision(False, "not a remote entry")
    if not client.accepts_stdio:
        return BridgeDecision(False, f"{client.name} cannot launch stdio servers")
    key = _oauth_key(entry)
    if key is not None:
        return BridgeDecision(False, f"client-managed OAuth ('{key}')", client_oauth=True)
    if info.problem:
        return BridgeDecision(False, info.problem)
    if client_does_oauth(client) and not static_credentials(info):
        return BridgeDecision(
            False,
            f"client-managed OAuth (no static credentials; {client.name} signs in to remote "
            "servers itself)",
            client_oauth=True,
        )
    return BridgeDecision(True)
