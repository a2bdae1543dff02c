"""Client specs: per-OS paths, environment overrides, registry (pure; a fake FsView)."""

from __future__ import annotations

import pytest

from hardener.clients import registry
from hardener.clients.spec import ClientSpec, ConfigFile
from hardener.errors import UsageError
from hardener.paths import OS, Platform
from tests.support.client_paths import LINUX, MAC, WIN, FakeFs, user_paths


@pytest.mark.parametrize(
    ("client", "platform", "expected"),
    [
        (
            "claude-desktop",
            MAC,
            ["/Users/alice/Library/Application Support/Claude/claude_desktop_config.json"],
        ),
        ("claude-desktop", LINUX, ["/home/alice/.config/Claude/claude_desktop_config.json"]),
        (
            "claude-desktop",
            WIN,
            [
                "C:\\Users\\alice\\AppData\\Roaming\\Claude\\claude_desktop_config.json",
                "C:\\Users\\alice\\AppData\\Local\\Packages\\Claude_pzs8sxrjxfjjc\\LocalCache\\Roaming\\Claude\\claude_desktop_config.json",
            ],
        ),
        ("claude-code", MAC, ["/Users/alice/.claude.json"]),
        ("claude-code", WIN, ["C:\\Users\\alice\\.claude.json"]),
        ("cursor", WIN, ["C:\\Users\\alice\\.cursor\\mcp.json"]),
        (
            "vscode",
            MAC,
            [
                "/Users/alice/Library/Application Support/Code/User/mcp.json",
                "/Users/alice/.vscode-server/data/User/mcp.json",
            ],
        ),
        (
            "vscode-insiders",
            WIN,
            [
                "C:\\Users\\alice\\AppData\\Roaming\\Code - Insiders\\User\\mcp.json",
                "C:\\Users\\alice\\.vscode-server-insiders\\data\\User\\mcp.json",
            ],
        ),
        (
            "windsurf",
            LINUX,
            [
                "/home/alice/.codeium/windsurf/mcp_config.json",
                "/home/alice/.codeium/mcp_config.json",
            ],
        ),
        ("codex", MAC, ["/Users/alice/.codex/config.toml"]),
        ("zed", MAC, ["/Users/alice/.config/zed/settings.json"]),
        ("zed", WIN, ["C:\\Users\\alice\\AppData\\Roaming\\Zed\\settings.json"]),
        ("gemini", WIN, ["C:\\Users\\alice\\.gemini\\settings.json"]),
        ("cline", MAC, ["/Users/alice/.cline/data/settings/cline_mcp_settings.json"]),
        ("lmstudio", LINUX, ["/home/alice/.lmstudio/mcp.json"]),
        ("goose", MAC, ["/Users/alice/.config/goose/config.yaml"]),
        ("goose", WIN, ["C:\\Users\\alice\\AppData\\Roaming\\Block\\goose\\config\\config.yaml"]),
        ("continue", WIN, ["C:\\Users\\alice\\.continue\\config.yaml"]),
        ("vibe", LINUX, ["/home/alice/.vibe/config.toml"]),
        ("vibe", WIN, ["C:\\Users\\alice\\.vibe\\config.toml"]),
    ],
)
def test_user_paths_per_os(client, platform, expected):
    assert user_paths(client, platform) == expected


@pytest.mark.parametrize(
    ("client", "variable", "value", "expected"),
    [
        ("claude-code", "CLAUDE_CONFIG_DIR", "/srv/claude", "/srv/claude/.claude.json"),
        ("codex", "CODEX_HOME", "/srv/codex", "/srv/codex/config.toml"),
        ("gemini", "GEMINI_CLI_HOME", "/srv/gem", "/srv/gem/.gemini/settings.json"),
        ("continue", "CONTINUE_GLOBAL_DIR", "/srv/cont", "/srv/cont/config.yaml"),
        ("vibe", "VIBE_HOME", "/srv/vibe", "/srv/vibe/config.toml"),
        ("cline", "CLINE_DIR", "/srv/cline", "/srv/cline/data/settings/cline_mcp_settings.json"),
        ("cline", "CLINE_DATA_DIR", "/srv/data", "/srv/data/settings/cline_mcp_settings.json"),
        ("cline", "CLINE_MCP_SETTINGS_PATH", "/srv/x.json", "/srv/x.json"),
        ("zed", "XDG_CONFIG_HOME", "/srv/xdg", "/srv/xdg/zed/settings.json"),
        ("zed", "FLATPAK_XDG_CONFIG_HOME", "/srv/flat", "/srv/flat/zed/settings.json"),
        (
            "claude-desktop",
            "XDG_CONFIG_HOME",
            "/srv/xdg",
            "/srv/xdg/Claude/claude_desktop_config.json",
        ),
    ],
)
def test_environment_overrides(client, variable, value, expected):
    platform = Platform(OS.LINUX, {"HOME": "/home/alice", variable: value})
    assert user_paths(client, platform)[0] == expected


def test_relative_override_is_ignored():
    platform = Platform(OS.LINUX, {"HOME": "/home/alice", "CODEX_HOME": "relative/dir"})
    assert user_paths("codex", platform) == ["/home/alice/.codex/config.toml"]


def test_vscode_profiles_are_globbed():
    fs = FakeFs(
        {
            "/home/alice/.config/Code/User/profiles/a1/mcp.json": "{}",
            "/home/alice/.config/Code/User/profiles/b2/mcp.json": "{}",
            "/home/alice/.config/Code/User/profiles/b2/settings.json": "{}",
        }
    )
    assert user_paths("vscode", LINUX, fs, "profile") == [
        "/home/alice/.config/Code/User/profiles/a1/mcp.json",
        "/home/alice/.config/Code/User/profiles/b2/mcp.json",
    ]


def test_cline_legacy_paths_cover_every_editor():
    paths = user_paths("cline", MAC, key="legacy")
    assert (
        "/Users/alice/Library/Application Support/Code/User/globalStorage/saoudrizwan.claude-dev/"
        "settings/cline_mcp_settings.json" in paths
    )
    assert any("/Cursor/User/globalStorage/" in p for p in paths)
    assert "/Users/alice/Documents/Cline/MCP/cline_mcp_settings.json" in paths


def test_lmstudio_home_pointer_then_cache_then_default():
    pointer = FakeFs({"/home/alice/.lmstudio-home-pointer": "/data/lms\n"})
    assert user_paths("lmstudio", LINUX, pointer) == ["/data/lms/mcp.json"]
    cache = FakeFs(dirs=("/home/alice/.cache/lm-studio",))
    assert user_paths("lmstudio", LINUX, cache) == ["/home/alice/.cache/lm-studio/mcp.json"]
    bad_pointer = FakeFs({"/home/alice/.lmstudio-home-pointer": "relative"})
    assert user_paths("lmstudio", LINUX, bad_pointer) == ["/home/alice/.lmstudio/mcp.json"]


def test_claude_desktop_extensions_are_report_only():
    fs = FakeFs(dirs=("/home/alice/.config/Claude/Claude Extensions/ant.dir.filesystem",))
    paths = user_paths("claude-desktop", LINUX, fs, "extension")
    assert paths == ["/home/alice/.config/Claude/Claude Extensions/ant.dir.filesystem"]
    file = registry.get("claude-desktop").file("extension")
    assert not file.writable
    assert "extension" in file.reason


def test_claude_code_plugins_are_read_only():
    fs = FakeFs({"/home/alice/.claude/plugins/cache/mkt/plug/1.0/.mcp.json": "{}"})
    assert user_paths("claude-code", LINUX, fs, "plugin") == [
        "/home/alice/.claude/plugins/cache/mkt/plug/1.0/.mcp.json"
    ]
    assert not registry.get("claude-code").file("plugin").writable


def test_jetbrains_is_report_only():
    fs = FakeFs({"/home/alice/.config/JetBrains/PyCharm2026.1/options/llm.mcpServers.xml": "<x/>"})
    assert user_paths("jetbrains", LINUX, fs) == [
        "/home/alice/.config/JetBrains/PyCharm2026.1/options/llm.mcpServers.xml"
    ]
    spec = registry.get("jetbrains")
    assert all(f.format == "opaque" and not f.writable and f.reason for f in spec.files)


def test_every_spec_is_complete():
    assert len(registry.ids()) == len(set(registry.ids()))
    for spec in registry.CLIENTS:
        assert isinstance(spec, ClientSpec)
        assert spec.id
        assert spec.name
        assert spec.files
        for file in spec.files:
            assert isinstance(file, ConfigFile)
            assert file.locate is not None or file.project, f"{spec.id}/{file.key} has no location"
            assert file.writable or file.reason, f"{spec.id}/{file.key}: read-only needs a reason"
            if file.format != "opaque":
                assert file.tables


def test_entry_field_names():
    assert registry.get("goose").entry.command == "cmd"
    assert registry.get("windsurf").entry.remote[:2] == ("url", "serverUrl")
    assert registry.get("continue").file("user").tables[0].form == "list"
    assert registry.get("vscode").file("user").tables[0].path == ("servers",)
    assert registry.get("zed").file("user").tables[0].path == ("context_servers",)
    assert registry.get("codex").file("user").tables[0].path == ("mcp_servers",)
    assert registry.get("claude-code").file("user").tables[1].path == (
        "projects",
        "*",
        "mcpServers",
    )


def test_registry_select_and_unknown():
    assert registry.select([]) == registry.CLIENTS
    assert [s.id for s in registry.select(["zed", "cursor"])] == ["cursor", "zed"]
    with pytest.raises(UsageError, match="unknown client 'nope'"):
        registry.get("nope")
