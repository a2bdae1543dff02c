"""Entry classification and inventory of server tables (pure)."""

from __future__ import annotations

import pytest

from hardener.clients import registry
from hardener.clients.entries import Kind, classify
from hardener.clients.inventory import servers
from hardener.clients.spec import EntryShape, Table

SHAPE = EntryShape()
SHIM = "/opt/hardener/bin/hardener-shim"


@pytest.mark.parametrize(
    ("entry", "kind"),
    [
        ({"command": "npx", "args": ["-y", "x"]}, Kind.STDIO),
        ({"command": "npx"}, Kind.STDIO),
        ({"type": "stdio", "command": "cmd", "args": ["/c", "npx", "y"]}, Kind.STDIO),
        ({"command": SHIM, "args": ["--client", "c", "--server", "s", "--", "npx"]}, Kind.WRAPPED),
        (
            {
                "command": "C:\\hardener\\hardener-shim.EXE",
                "args": ["--client", "c", "--server", "s", "--", "x"],
            },
            Kind.WRAPPED,
        ),
        (
            {"command": SHIM, "args": ["--client", "c", "--server", "s", "--url", "https://x"]},
            Kind.BRIDGED,
        ),
        ({"command": SHIM, "args": ["weird"]}, Kind.WRAPPED),
        ({"url": "https://x/mcp", "type": "http"}, Kind.REMOTE),
        ({"serverUrl": "https://x/mcp"}, Kind.REMOTE),
        ({"httpUrl": "https://x/mcp"}, Kind.REMOTE),
        ({"command": "npx", "url": "https://x"}, Kind.INVALID),
        ({"command": 3}, Kind.INVALID),
        ({"command": ""}, Kind.INVALID),
        ({"command": "npx", "args": "-y x"}, Kind.INVALID),
        ({"command": "npx", "args": [1, 2]}, Kind.INVALID),
        ({"env": {}}, Kind.INVALID),
        ("npx -y server", Kind.INVALID),
        (None, Kind.INVALID),
        ([], Kind.INVALID),
    ],
)
def test_classify(entry, kind):
    assert classify(SHAPE, entry).kind is kind


def test_wrapped_entry_exposes_the_inner_command():
    info = classify(
        SHAPE, {"command": SHIM, "args": ["--client", "c", "--server", "s", "--", "npx", "-y"]}
    )
    assert info.shim is not None
    assert (info.shim.command, info.shim.args) == ("npx", ("-y",))
    assert classify(SHAPE, {"command": SHIM, "args": ["x"]}).problem


def test_launch_records_whether_args_existed():
    assert classify(SHAPE, {"command": "a"}).launch.has_args is False  # type: ignore[union-attr]
    assert classify(SHAPE, {"command": "a", "args": []}).launch.has_args is True  # type: ignore[union-attr]


def test_zed_nested_command_shape():
    info = classify(
        registry.get("zed").entry, {"command": {"path": "/bin/srv", "args": ["-v"]}, "settings": {}}
    )
    assert info.kind is Kind.STDIO
    assert info.launch is not None
    assert info.launch.command_path == ("command", "path")
    assert info.launch.args_path == ("command", "args")
    assert info.launch.command == "/bin/srv"


def test_zed_extension_and_goose_builtin():
    assert (
        classify(registry.get("zed").entry, {"enabled": True, "settings": {}}).kind
        is Kind.EXTENSION
    )
    goose = registry.get("goose").entry
    assert classify(goose, {"type": "builtin", "name": "developer"}).kind is Kind.BUILTIN
    info = classify(goose, {"cmd": "npx", "args": ["-y", "x"], "type": "stdio"})
    assert info.kind is Kind.STDIO
    assert info.launch is not None
    assert info.launch.command_path == ("cmd",)
    assert classify(goose, {"uri": "https://x", "type": "sse"}).kind is Kind.REMOTE


def test_disabled_flags():
    assert classify(SHAPE, {"command": "a", "disabled": True}).disabled
    assert not classify(SHAPE, {"command": "a", "disabled": False}).disabled
    assert classify(SHAPE, {"command": "a", "enabled": False}).disabled
    assert not classify(SHAPE, {"command": "a", "disabled": "yes"}).disabled


def test_remote_headers_and_bridge_blockers():
    info = classify(SHAPE, {"url": "https://x", "headers": {"Authorization": "Bearer ${T}"}})
    assert info.headers == ("Authorization:Bearer ${T}",)
    assert not info.problem
    assert "oauth" in classify(SHAPE, {"url": "https://x", "oauth": {"clientId": "a"}}).problem
    assert classify(SHAPE, {"url": "https://x", "headers": {"A": 1}}).problem
    codex = registry.get("codex").entry
    assert classify(codex, {"url": "https://x", "http_headers": {"X": "1"}}).headers == ("X:1",)
    assert classify(codex, {"url": "https://x", "bearer_token_env_var": "T"}).problem


def test_inventory_map_wildcard_and_list_forms():
    document = {
        "mcpServers": {"a": {"command": "x"}},
        "projects": {
            "/p1": {"mcpServers": {"b": {"command": "y"}}},
            "/p2": {},
            "/p3": {"mcpServers": None},
        },
    }
    refs, problems = servers(document, registry.get("claude-code").file("user").tables)
    assert [(r.name, r.path) for r in refs] == [
        ("a", ("mcpServers", "a")),
        ("b", ("projects", "/p1", "mcpServers", "b")),
    ]
    assert problems == []
    listed = {"mcpServers": [{"name": "A", "command": "x"}, {"uses": "acme/block"}, "junk"]}
    refs, _ = servers(listed, (Table(("mcpServers",), form="list"),))
    assert [(r.name, r.path) for r in refs] == [
        ("A", ("mcpServers", 0)),
        ("acme/block", ("mcpServers", 1)),
        ("#2", ("mcpServers", 2)),
    ]


@pytest.mark.parametrize("document", [{"mcpServers": []}, {"mcpServers": "x"}, {"mcpServers": 3}])
def test_inventory_reports_a_table_of_the_wrong_shape(document):
    refs, problems = servers(document, (Table(("mcpServers",)),))
    assert refs == []
    assert problems == ["'mcpServers' is not an object; left as is"]


def test_inventory_of_a_non_object_document():
    assert servers([1, 2], (Table(("mcpServers",)),)) == ([], [])
    assert servers(None, (Table(("mcpServers",)),)) == ([], [])
