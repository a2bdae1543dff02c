"""Golden tests: every client file shape of clients.md section 4, wrapped and restored.

Each fixture is wrapped (every stdio entry: args then command) and compared byte for byte with
``tests/fixtures/formats/golden/<name>``; restoring gives back the original bytes; the wrapped text
parses to the expected values. Regenerate goldens with HARDENER_REGEN_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json

import pytest

from hardener.formats.interface import Path
from tests.support.format_helpers import (
    GOLDEN,
    SHIM,
    codec_of,
    read,
    regenerate_golden,
    replaced,
    stdio_servers,
    unwrap,
    wrap,
)

#: fixture -> the tables that hold server entries
CASES: dict[str, list[Path]] = {
    "claude_desktop.json": [("mcpServers",)],
    "claude_desktop_windows.json": [("mcpServers",)],
    "claude_code.claude.json": [
        ("mcpServers",),
        ("projects", "/Users/alice/src/webapp", "mcpServers"),
    ],
    "claude_code_project.mcp.json": [("mcpServers",)],
    "claude_code_managed_mcp.json": [("mcpServers",)],
    "cursor_mcp.json": [("mcpServers",)],
    "vscode_mcp.jsonc": [("servers",)],
    "vscode_workspace_mcp.jsonc": [("servers",)],
    "vscode_settings.jsonc": [("mcp", "servers")],
    "vscode_devcontainer.jsonc": [("customizations", "vscode", "mcp", "servers")],
    "windsurf_mcp_config.json": [("mcpServers",)],
    "codex_config.toml": [("mcp_servers",)],
    "zed_settings.jsonc": [("context_servers",)],
    "gemini_settings.jsonc": [("mcpServers",)],
    "cline_mcp_settings.json": [("mcpServers",)],
    "roo_mcp_settings.json": [("mcpServers",)],
    "continue_config.yaml": [("mcpServers",)],
    "continue_playwright.yaml": [("mcpServers",)],
    "goose_config.yaml": [("extensions",)],
    "lmstudio_mcp.json": [("mcpServers",)],
    "amazonq_default.json": [("mcpServers",)],
    "amazonq_legacy_mcp.json": [("mcpServers",)],
    "junie_mcp.json": [("mcpServers",)],
    "edge_bom_crlf.json": [("mcpServers",)],
    "edge_escaped_unicode.json": [("mcpServers",)],
    "edge_raw_unicode.json": [("mcpServers",)],
    "edge_one_line.json": [("mcpServers",)],
    "edge_no_final_newline.json": [("mcpServers",)],
    "edge_names.json": [("mcpServers",)],
    "edge_comments_everywhere.jsonc": [("servers",)],
    "edge_tabs_trailing.jsonc": [("servers",)],
    "edge_windows_paths.json": [("mcpServers",)],
    "edge_deep.json": [(*(f"l{i}" for i in range(60)), "mcpServers")],
}


def _wrap_all(name: str) -> tuple[str, str, list[tuple[Path, bool]]]:
    codec = codec_of(name)
    original = text = read(name)
    done = []
    for table in CASES[name]:
        for entry in stdio_servers(codec, text, table):
            had_args = "args" in codec.get(text, entry)
            text = wrap(codec, text, entry)
            done.append((entry, had_args))
    assert done, f"{name}: no stdio entry found"
    return original, text, done


@pytest.mark.parametrize("name", sorted(CASES))
def test_wrap_matches_golden(name: str) -> None:
    _, wrapped, _ = _wrap_all(name)
    golden = GOLDEN / name
    if regenerate_golden():
        GOLDEN.mkdir(exist_ok=True)
        with open(golden, "w", encoding="utf-8", newline="") as handle:
            handle.write(wrapped)
    with open(golden, encoding="utf-8", newline="") as handle:
        assert wrapped == handle.read()


@pytest.mark.parametrize("name", sorted(CASES))
def test_restore_gives_original_bytes(name: str) -> None:
    original, text, done = _wrap_all(name)
    codec = codec_of(name)
    for entry, had_args in reversed(done):
        text = unwrap(codec, text, entry, had_args)
    assert text == original


@pytest.mark.parametrize("name", sorted(CASES))
def test_wrapped_parses_to_expected_values(name: str) -> None:
    original, wrapped, done = _wrap_all(name)
    codec = codec_of(name)
    expected = codec.parse(original)
    for entry, _ in done:
        old = codec.get(original, entry)
        key = "cmd" if "cmd" in old else "command"
        name_ = str(old.get("name", entry[-1]))
        args = ["--client", "test", "--server", name_, "--", old[key], *old.get("args", [])]
        expected = replaced(expected, (*entry, "args"), args)
        expected = replaced(expected, (*entry, key), SHIM)
    assert codec.parse(wrapped) == expected
    if name.endswith(".json"):
        # The client's own (strict) parser reads the result the same way.
        assert json.loads(wrapped.removeprefix("\ufeff")) == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_setting_the_same_values_again_changes_nothing(name: str) -> None:
    _, wrapped, done = _wrap_all(name)
    codec = codec_of(name)
    for entry, _ in done:
        for key in ("args", "command", "cmd"):
            value = codec.get(wrapped, (*entry, key))
            if isinstance(value, list | str):
                assert codec.set(wrapped, (*entry, key), value) == wrapped
