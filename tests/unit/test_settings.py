"""Settings: the dataclasses agree with the policy schema, every key round-trips, bad values fail."""

from __future__ import annotations

import dataclasses
import tempfile
import typing
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

from hardener.errors import PolicyError
from hardener.paths import OS, Platform, hardener_paths
from hardener.policy import load_policy, load_schema
from hardener.settings import DEFAULTS, SECTIONS, ExportTarget, Settings

SCHEMA = load_schema("policy.schema.json")


def _leaves(node: dict[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
    """Every setting of the schema by dotted key (sections are objects with properties)."""
    out: dict[str, dict[str, Any]] = {}
    for name, child in node["properties"].items():
        if child.get("type") == "object" and "properties" in child:
            out.update(_leaves(child, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = child
    return out


LEAVES = _leaves(SCHEMA)


def _field_type(dotted: str) -> object:
    cls: type = Settings
    *tables, leaf = dotted.split(".")
    for table in tables:
        cls = typing.get_type_hints(cls)[table]
    return typing.get_type_hints(cls)[leaf]


def test_the_settings_have_exactly_the_schema_keys_and_defaults() -> None:
    assert set(DEFAULTS) == set(LEAVES)
    for key, node in LEAVES.items():
        assert DEFAULTS[key] == node["default"], key


def _agrees(kind: object, node: dict[str, Any]) -> bool:
    origin = typing.get_origin(kind)
    if "enum" in node:
        return origin is typing.Literal and list(typing.get_args(kind)) == node["enum"]
    if node.get("type") == "array":
        return origin is tuple and _agrees(typing.get_args(kind)[0], node["items"])
    if node.get("type") == "object":
        return kind is ExportTarget
    return {"boolean": bool, "integer": int, "string": str}[node["type"]] is kind


def test_every_field_type_agrees_with_the_schema() -> None:
    for key, node in LEAVES.items():
        assert _agrees(_field_type(key), node), key


def test_the_export_target_type_has_the_schema_keys() -> None:
    item = SCHEMA["properties"]["export"]["properties"]["targets"]["items"]
    hints = typing.get_type_hints(ExportTarget)
    assert set(hints) - {"signal"} == set(item["properties"])
    assert ExportTarget.__required_keys__ == frozenset(item["required"])
    assert list(typing.get_args(hints["type"])) == item["properties"]["type"]["enum"]


def test_settings_are_frozen() -> None:
    value = Settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.mode = "enforce"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.ledger.segment_bytes = 1  # type: ignore[misc]
    assert all(dataclasses.is_dataclass(cls) for cls in SECTIONS)


# --- every key from a real policy file into Settings -------------------------------------------

_text = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF), max_size=12)
_targets = st.one_of(
    st.builds(lambda p: {"type": "jsonl", "path": p}, _text),
    st.builds(
        lambda h, port, proto: {"type": "syslog", "host": h, "port": port, "protocol": proto},
        _text,
        st.integers(1, 65535),
        st.sampled_from(["udp", "tcp", "tls"]),
    ),
    st.builds(
        lambda e, h, t: {
            "type": "otlp",
            "endpoint": e,
            "headers": h,
            "timeout_seconds": t,
            "include": ["alert"],
        },
        st.sampled_from(["http://127.0.0.1:4318", "https://collector.example"]),
        st.dictionaries(st.sampled_from(["x-api-key", "authorization"]), _text, max_size=2),
        st.floats(0.1, 60, allow_nan=False),
    ),
)


def _value(node: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node["type"]
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        low = node.get("minimum", 0)
        return st.integers(low, node.get("maximum", low + 10**9))
    assert kind == "array", node
    items = node["items"]
    if items.get("type") == "object":
        return st.lists(_targets, max_size=3)
    return st.lists(_value(items) if "enum" in items else _text, max_size=4)


_documents = st.fixed_dictionaries({}, optional={key: _value(node) for key, node in LEAVES.items()})


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        *tables, leaf = key.split(".")
        node = nested
        for table in tables:
            node = node.setdefault(table, {})
        node[leaf] = value
    return nested


def _load(text: str) -> Any:
    with tempfile.TemporaryDirectory() as home:
        platform = Platform(OS.LINUX, {"HOME": home})
        path = hardener_paths(platform).user_policy_file
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
        return load_policy(platform, managed_override=[]), str(path)


@settings(max_examples=60, deadline=None)
@given(_documents)
def test_every_key_of_a_policy_file_round_trips_into_settings(flat: dict[str, Any]) -> None:
    policy, path = _load(tomlkit.dumps(_nest(flat)))
    values = policy.settings.values()
    for key in DEFAULTS:
        expected = flat.get(key, DEFAULTS[key])
        assert values[key] == expected, key
        assert policy.source(key) == (f"user:{path}" if key in flat else "default"), key
    assert Settings.from_values(values) == policy.settings


def test_all_keys_at_once_reach_their_typed_fields() -> None:
    flat = {key: _non_default(node) for key, node in LEAVES.items()}
    policy, _ = _load(tomlkit.dumps(_nest(flat)))
    typed = policy.settings
    assert typed.mode == "enforce"
    assert typed.ledger.checkpoint_seconds == LEAVES["ledger.checkpoint_seconds"]["minimum"] + 1
    assert typed.tools.deny == ("one",)
    assert typed.hooks.required == ("codex",)
    assert typed.export.targets == ({"type": "jsonl", "path": "/tmp/x.jsonl"},)
    for key in DEFAULTS:
        assert typed.values()[key] != DEFAULTS[key], key


def _non_default(node: dict[str, Any]) -> Any:
    if "enum" in node:
        return next(choice for choice in node["enum"] if choice != node["default"])
    kind = node["type"]
    if kind == "boolean":
        return not node["default"]
    if kind == "integer":
        return node["minimum"] + 1 if node["minimum"] + 1 != node["default"] else node["minimum"]
    if node["items"].get("type") == "object":
        return [{"type": "jsonl", "path": "/tmp/x.jsonl"}]
    if "enum" in node["items"]:
        return ["codex"]
    return ["one"]


# --- bad values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "setting", "words"),
    [
        ({"mode": "sideways"}, "mode", "'audit' or 'enforce'"),
        ({"detectors.burst_calls": "many"}, "detectors.burst_calls", "an integer"),
        ({"detectors.burst_calls": True}, "detectors.burst_calls", "an integer"),
        ({"tools.hide_denied": 1}, "tools.hide_denied", "true or false"),
        ({"tools.deny": "rm"}, "tools.deny", "a list"),
        ({"tools.deny": ["rm", 3]}, "tools.deny", "a string"),
        ({"hooks.required": ["vim"]}, "hooks.required", "'claude-code'"),
        ({"export.targets": [{"path": "x"}]}, "export.targets", "an export target"),
        ({"ledger.nope": 1}, "ledger.nope", "unknown setting"),
    ],
)
def test_a_wrong_value_is_a_policy_error_naming_the_setting(
    values: dict[str, object], setting: str, words: str
) -> None:
    with pytest.raises(PolicyError) as info:
        Settings.from_values(values, "/etc/hardener/policy.toml")
    assert info.value.setting == setting
    assert words in info.value.message
    assert "/etc/hardener/policy.toml" in info.value.message


def test_an_invalid_file_still_names_file_line_and_setting(sandbox_home: Path) -> None:
    platform = Platform(OS.LINUX, {"HOME": str(sandbox_home)})
    path = hardener_paths(platform).user_policy_file
    path.parent.mkdir(parents=True)
    path.write_text('mode = "audit"\n\n[ledger]\ncheckpoint_seconds = 0\n')
    with pytest.raises(PolicyError) as info:
        load_policy(platform, managed_override=[])
    assert (info.value.path, info.value.line, info.value.setting) == (
        str(path),
        4,
        "ledger.checkpoint_seconds",
    )


def test_a_source_with_a_wrong_type_is_named_even_when_not_read_from_a_file() -> None:
    from hardener.policy import SourceDocument, merge_sources

    with pytest.raises(PolicyError) as info:
        merge_sources(
            [SourceDocument("managed", "HKLM\\SOFTWARE\\Policies\\hardener", {"mode": 3})]
        )
    assert info.value.setting == "mode"
    assert "HKLM\\SOFTWARE\\Policies\\hardener" in info.value.message
