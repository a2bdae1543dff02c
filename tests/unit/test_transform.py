"""Wrap/unwrap as values and as text splices, with property tests over generated documents.

Properties (hypothesis, real codecs): unwrap(wrap(x)) == x for argv; restoring every entry of a
generated JSON/JSONC/TOML document gives back the exact bytes; wrapping is idempotent (a wrapped
entry classifies as wrapped, so it is never wrapped twice); each edit changes bytes only inside
its own entry; the result parses with the client's parser (``json``/``tomllib``).
"""

from __future__ import annotations

import json
import tomllib
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hardener.clients.entries import Kind, classify
from hardener.clients.spec import EntryShape
from hardener.formats.registry import codec_for
from hardener.transform import (
    Fragment,
    ShimArgs,
    apply_fragment,
    bridge_args,
    changed_region,
    is_shim,
    make_fragment,
    parse_shim_args,
    unwrap_entry,
    wrap_args,
    wrap_entry,
)

SHIM = "/opt/hardener/bin/hardener-shim"
SHAPE = EntryShape()
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)
argv_items = st.lists(text, max_size=6)


@given(text, text, text.filter(bool), argv_items)
@PROPERTY
def test_unwrap_of_wrap_is_identity(client, server, command, args):
    assert parse_shim_args(wrap_args(client, server, command, args)) == ShimArgs(
        client, server, command, tuple(args)
    )


@given(text, text, text, st.lists(text, max_size=3))
@PROPERTY
def test_bridge_args_round_trip(client, server, url, headers):
    assert parse_shim_args(bridge_args(client, server, url, headers)) == ShimArgs(
        client, server, url=url, headers=tuple(headers)
    )


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--client", "c"],
        ["--client", "c", "--server", "s"],
        ["--client", "c", "--server", "s", "--"],
        ["--client", "c", "--client", "d", "--server", "s", "--", "x"],
        ["--client", "c", "--server", "s", "--url", "u", "--", "x"],
        ["--client", "c", "--server", "s", "--bogus", "x", "--", "y"],
        ["--client", "c", "--server", "s", "--", 3],
    ],
)
def test_parse_rejects_what_hardener_never_writes(args):
    assert parse_shim_args(args) is None


@pytest.mark.parametrize(
    ("command", "shim"),
    [
        ("/usr/local/bin/hardener-shim", True),
        ("hardener-shim", True),
        ("C:\\Program Files\\hardener\\Scripts\\hardener-shim.exe", True),
        ("C:/x/HARDENER-SHIM.EXE", True),
        ("/usr/bin/hardener-shim-old", False),
        ("npx", False),
        (None, False),
    ],
)
def test_is_shim(command, shim):
    assert is_shim(command) is shim


def test_windows_cmd_c_stays_behind_the_shim():
    args = wrap_args("claude-desktop", "memory", "cmd", ["/c", "npx", "-y", "pkg"])
    assert args == [
        "--client",
        "claude-desktop",
        "--server",
        "memory",
        "--",
        "cmd",
        "/c",
        "npx",
        "-y",
        "pkg",
    ]


@given(st.text(max_size=200), st.integers(0, 200), st.integers(0, 20), st.text(max_size=30))
@PROPERTY
def test_fragment_reverses_any_single_edit(old, at, cut, insert):
    at = min(at, len(old))
    new = old[:at] + insert + old[at + cut :]
    fragment = make_fragment(old, new)
    assume(old != new)
    if fragment is not None:
        assert apply_fragment(new, fragment) == old
        start, old_end, new_end = changed_region(old, new)
        assert old[:start] == new[:start]
        assert old[old_end:] == new[new_end:]


def test_apply_fragment_refuses_ambiguity():
    assert apply_fragment("aXbXc", Fragment("Y", "X")) is None
    assert apply_fragment("abc", Fragment("Y", "X")) is None
    assert apply_fragment("aXb", Fragment("Y", "X")) == "aYb"


# --- generated documents ----------------------------------------------------------------------

names = st.text(
    st.characters(codec="utf-8", blacklist_categories=("Cs", "Cc")), min_size=1, max_size=8
)
values = st.text(st.characters(codec="utf-8", blacklist_categories=["Cs"]), max_size=10)
servers_strategy = st.dictionaries(
    names,
    st.fixed_dictionaries(
        {"command": values.filter(lambda v: v.strip() != "" and not is_shim(v))},
        optional={
            "args": st.lists(values, max_size=4),
            "env": st.dictionaries(
                st.from_regex(r"[A-Z_]{1,6}", fullmatch=True), values, max_size=2
            ),
            "disabled": st.booleans(),
            "timeout": st.integers(0, 10**6),
        },
    ),
    min_size=1,
    max_size=4,
)


@st.composite
def json_documents(draw: Any, jsonc: bool) -> tuple[str, dict[str, Any]]:
    servers = draw(servers_strategy)
    document: dict[str, Any] = {"before": draw(values), "mcpServers": servers, "after": [1, 2]}
    indent = draw(st.sampled_from([None, 1, 2, 4, "\t"]))
    ascii_only = draw(st.booleans())
    rendered = json.dumps(document, indent=indent, ensure_ascii=ascii_only)
    if jsonc and indent is not None:
        rendered = rendered.replace('\n  "mcpServers"', '\n  // servers\n  "mcpServers"')
        rendered = rendered.replace("\n}", ",\n}") if draw(st.booleans()) else rendered
    if draw(st.booleans()):
        rendered = rendered.replace("\n", "\r\n")
    if draw(st.booleans()):
        rendered = "\ufeff" + rendered
    return rendered, document


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


@st.composite
def toml_documents(draw: Any) -> tuple[str, dict[str, Any]]:
    servers = draw(servers_strategy)
    lines = ['model = "gpt"', ""]
    for name, entry in servers.items():
        lines.append(f"# {draw(st.sampled_from(['docs', 'tools', '']))}")
        lines.append(f"[mcp_servers.{_toml_string(name)}]")
        for key, value in entry.items():
            if key == "env":
                continue
            if isinstance(value, str):
                lines.append(f"{key} = {_toml_string(value)}")
            elif isinstance(value, bool):
                lines.append(f"{key} = {str(value).lower()}")
            elif isinstance(value, int):
                lines.append(f"{key} = {value}")
            else:
                lines.append(f"{key} = [{', '.join(_toml_string(v) for v in value)}]")
        if entry.get("env"):
            lines.append(f"\n[mcp_servers.{_toml_string(name)}.env]")
            lines += [f"{k} = {_toml_string(v)}" for k, v in entry["env"].items()]
        lines.append("")
    text_ = "\n".join(lines)
    return text_, tomllib.loads(text_)


def _entry_span(codec: Any, text_: str, path: tuple[str | int, ...]) -> tuple[int, int]:
    """Where the entry's text is: replace it with two unlike sentinels and see what moves."""
    spans = [changed_region(text_, codec.set(text_, path, sentinel))[:2] for sentinel in (0, False)]
    return min(s for s, _ in spans), max(e for _, e in spans)


def _round_trip(format_name: str, text_: str, table: str) -> None:
    codec = codec_for(format_name)
    document = codec.parse(text_)
    original = text_
    edits: list[tuple[tuple[str | int, ...], Fragment | None, bool, Any]] = []
    for name, entry in document[table].items():
        path: tuple[str | int, ...] = (table, name)
        info = classify(SHAPE, entry)
        assert info.kind is Kind.STDIO
        assert info.launch is not None
        if format_name != "toml":
            span_start, span_end = _entry_span(codec, text_, path)
        edit = wrap_entry(codec, text_, path, info.launch, shim=SHIM, client="c", server=name)
        start, old_end, _ = changed_region(text_, edit.text)
        if format_name != "toml":  # bytes outside this entry are untouched
            assert span_start <= start
            assert old_end <= span_end
        wrapped = codec.get(edit.text, path)
        assert classify(SHAPE, wrapped).kind is Kind.WRAPPED  # never wrapped twice
        assert wrapped["command"] == SHIM
        assert wrapped["args"] == wrap_args("c", name, info.launch.command, info.launch.args)
        assert {k: v for k, v in wrapped.items() if k not in ("command", "args")} == {
            k: v for k, v in entry.items() if k not in ("command", "args")
        }
        edits.append((path, edit.fragment, edit.had_args, entry))
        text_ = edit.text
    hardened = text_.removeprefix("\ufeff")
    if format_name == "json":
        json.loads(hardened)
    elif format_name == "toml":
        tomllib.loads(hardened)
    for path, fragment, had_args, entry in reversed(edits):
        info = classify(SHAPE, codec.get(text_, path))
        assert info.launch is not None
        text_, exact = unwrap_entry(
            codec,
            text_,
            path,
            command_path=info.launch.command_path,
            args_path=info.launch.args_path,
            inner=info.shim,
            fragment=fragment,
            original=entry,
            had_args=had_args,
        )
        assert exact
    assert text_ == original
    # by value (no fragments): every value comes back, including a missing args key
    by_value = hardened if not original.startswith("\ufeff") else "\ufeff" + hardened
    for path, _, had_args, _entry in reversed(edits):
        info = classify(SHAPE, codec.get(by_value, path))
        assert info.launch is not None
        by_value, exact = unwrap_entry(
            codec,
            by_value,
            path,
            command_path=info.launch.command_path,
            args_path=info.launch.args_path,
            inner=info.shim,
            had_args=had_args,
        )
    assert codec.parse(by_value) == document


@given(json_documents(jsonc=False))
@PROPERTY
def test_json_documents_round_trip(case):
    _round_trip("json", case[0], "mcpServers")


@given(json_documents(jsonc=True))
@PROPERTY
def test_jsonc_documents_round_trip(case):
    _round_trip("jsonc", case[0], "mcpServers")


@given(toml_documents())
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_toml_documents_round_trip(case):
    _round_trip("toml", case[0], "mcp_servers")
