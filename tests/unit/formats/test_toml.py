"""Unit and property tests of the TOML codec (tomlkit) on Codex-shaped files."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hardener.formats.interface import MISSING, PathConflictError, SyntaxErrorAt
from hardener.formats.toml_codec import TomlCodec
from tests.support.format_helpers import changed_lines, read, removed, replaced

T = TomlCodec()
FIXTURES = ["codex_config.toml", "codex_rich.toml", "codex_requirements.toml"]


@pytest.mark.parametrize("name", FIXTURES)
def test_parse_matches_tomllib(name: str) -> None:
    text = read(name)
    assert T.parse(text) == tomllib.loads(text)


def test_get_reads_nested_tables_inline_tables_and_dotted_keys() -> None:
    text = read("codex_rich.toml")
    assert T.get(text, ("mcp_servers", "filesystem", "env", "HOME_DIR")) == "C:\\Users\\alice"
    assert T.get(text, ("mcp_servers", "github/github-mcp-server", "env")) == {
        "GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_EXAMPLE"
    }
    assert T.get(text, ("mcp_servers", "dotted", "args", "extra")) == "ignored"
    assert (
        T.get(read("codex_config.toml"), ("mcp_servers", "chrome_devtools", "env_vars", 1, "name"))
        == "REMOTE_TOKEN"
    )
    assert T.get(text, ("mcp_servers", "nope")) is MISSING
    assert T.get(text, ("model", "x")) is MISSING


def test_syntax_errors_name_line_and_column() -> None:
    with pytest.raises(SyntaxErrorAt) as caught:
        T.parse('model = "x"\nargs = \n')
    assert (caught.value.line, caught.value.column) == (2, 8)
    assert caught.value.message.startswith("line 2, column 8: ")
    with pytest.raises(SyntaxErrorAt, match="already exists"):
        T.parse("[a]\nb = 1\n[a]\nb = 2\n")


def test_set_args_keeps_the_key_in_place_and_its_comment() -> None:
    text = 'x = 1\n[s]\nargs = ["a"]  # why\ncwd = "/"\n'
    assert (
        T.set(text, ("s", "args"), ["b", "a"])
        == 'x = 1\n[s]\nargs = ["b", "a"]  # why\ncwd = "/"\n'
    )


def test_new_key_goes_before_sub_tables_of_its_table() -> None:
    text = '[s.x]\ncommand = "a"\n\n[s.x.env]\nA = "b"\n'
    assert (
        T.set(text, ("s", "x", "args"), ["y"])
        == '[s.x]\ncommand = "a"\nargs = ["y"]\n\n[s.x.env]\nA = "b"\n'
    )


def test_string_styles_are_kept() -> None:
    assert T.set("a = 'x'\n", ("a",), "y") == "a = 'y'\n"
    assert T.set("a = 'x'\n", ("a",), "it's") == 'a = "it\'s"\n'
    assert (
        T.set('a = ["caf\\u00e9", "b"]\n', ("a",), ["z", "café", "b"])
        == 'a = ["z", "caf\\u00e9", "b"]\n'
    )
    assert T.set("a = ['x', 'y']\n", ("a",), ["p", "x", "y"]) == "a = ['p', 'x', 'y']\n"


def test_inline_tables_stay_inline_with_their_padding() -> None:
    text = '[s.x]\nenv = { A = "b" }\nz = 1\n'
    assert (
        T.set(text, ("s", "x", "env"), {"A": "c", "B": "d"})
        == '[s.x]\nenv = { A = "c", B = "d" }\nz = 1\n'
    )
    assert T.set('e = {A = "b"}\n', ("e",), {"A": "c"}) == 'e = {A = "c"}\n'


def test_multi_line_arrays_keep_their_layout_and_comments() -> None:
    text = read("codex_rich.toml")
    args = T.get(text, ("mcp_servers", "filesystem", "args"))
    wrapped = T.set(text, ("mcp_servers", "filesystem", "args"), ["--", "npx", *args])
    assert changed_lines(text, wrapped) == []
    assert (
        '  "--",\n  "npx",\n  "-y",\n  "@modelcontextprotocol/server-filesystem",  # the package\n'
        in wrapped
    )
    assert T.set(wrapped, ("mcp_servers", "filesystem", "args"), args) == text
    plain = 'a = [\n    "x",\n    "y",\n]\n'
    assert T.set(plain, ("a",), ["z"]) == 'a = [\n    "z",\n]\n'


def test_new_server_table_in_codex_shape_and_delete_undoes_it() -> None:
    text = read("codex_config.toml")
    entry = {"command": "uvx", "args": ["mcp-server-time"], "env": {"TZ": "UTC"}}
    out = T.set(text, ("mcp_servers", "time zone"), entry)
    assert (
        '[mcp_servers."time zone"]\ncommand = "uvx"\nargs = ["mcp-server-time"]\n\n[mcp_servers."time zone".env]\nTZ = "UTC"\n\n[projects.'
        in out
    )
    assert changed_lines(text, out) == []
    assert T.delete(out, ("mcp_servers", "time zone")) == text


def test_missing_ancestors_and_empty_documents() -> None:
    assert T.set("", ("mcp_servers", "x", "command"), "a") == '[mcp_servers.x]\ncommand = "a"\n'
    assert T.parse("") == {}
    assert (
        T.set('model = "m"\n', ("mcp_servers", "x"), {"command": "a"})
        == 'model = "m"\n\n[mcp_servers.x]\ncommand = "a"\n'
    )


def test_crlf_and_bom_are_kept() -> None:
    text = '\ufeffmodel = "m"\r\n\r\n[mcp_servers.x]\r\ncommand = "a"\r\n'
    out = T.set(text, ("mcp_servers", "y"), {"command": "b"})
    assert (
        out
        == '\ufeffmodel = "m"\r\n\r\n[mcp_servers.x]\r\ncommand = "a"\r\n\r\n[mcp_servers.y]\r\ncommand = "b"\r\n'
    )
    assert T.delete(out, ("mcp_servers", "y")) == text
    assert T.get(text, ("model",)) == "m"


def test_refusals() -> None:
    with pytest.raises(PathConflictError, match="null"):
        T.set("a = 1\n", ("a",), None)
    with pytest.raises(PathConflictError):
        T.set('a = "s"\n', ("a", "b"), 1)
    with pytest.raises(PathConflictError):
        T.set("a = [1]\n", ("a", 5), 1)
    with pytest.raises(PathConflictError):
        T.set("a = 1\n", (), {})
    assert T.set("a = [1]\n", ("a", 1), 2) == "a = [1, 2]\n"
    assert T.delete("a = 1\n", ("b", "c")) == "a = 1\n"


def _leaf_paths(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    out: list[tuple[str | int, ...]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str | int | bool) or (
                isinstance(item, list) and all(isinstance(v, str) for v in item)
            ):
                out.append((*prefix, key))
            elif isinstance(item, dict):
                out.extend(_leaf_paths(item, (*prefix, key)))
    return out


# Strings that fit every TOML string style (a literal 'string' cannot hold ' or control characters),
# so that restoring the old value can give back its original style.
TEXT = st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"], exclude_characters="'")
NEW_VALUES = st.one_of(
    st.text(TEXT, max_size=12),
    st.integers(-(2**40), 2**40),
    st.booleans(),
    st.lists(
        st.text(TEXT, max_size=8),
        min_size=1,
        max_size=6,
    ),
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(FIXTURES), st.data(), NEW_VALUES)
def test_set_then_restore_is_byte_identical_and_local(
    name: str, data: st.DataObject, new: Any
) -> None:
    text = read(name)
    value = T.parse(text)
    path = data.draw(st.sampled_from(_leaf_paths(value)))
    old = T.get(text, path)
    out = T.set(text, path, new)
    assert T.parse(out) == replaced(value, path, new)
    assert tomllib.loads(out) == replaced(value, path, new)
    assert len(changed_lines(text, out)) <= (len(old) + 2 if isinstance(old, list) else 1)
    assert T.set(out, path, new) == out
    # A value of another type cannot remember the old style, nor can a new list remember comments
    # and mixed quoting between the old items (wrapping keeps those: see the test below).
    if type(new) is type(old) and (name, path) not in HAND_STYLED:
        assert T.set(out, path, old) == text


HAND_STYLED = {("codex_rich.toml", ("mcp_servers", "filesystem", "args"))}


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(FIXTURES),
    st.data(),
    st.lists(st.text(TEXT, max_size=8), min_size=1, max_size=5),
)
def test_wrapping_args_and_unwrapping_them_is_byte_identical(
    name: str, data: st.DataObject, prefix: list[str]
) -> None:
    text = read(name)
    paths = [
        p
        for p in _leaf_paths(T.parse(text))
        if p[-1] == "args" and isinstance(T.get(text, p), list)
    ]
    assume(paths)
    path = data.draw(st.sampled_from(paths))
    old = T.get(text, path)
    out = T.set(text, path, [*prefix, *old])
    assert T.get(out, path) == [*prefix, *old]
    assert T.set(out, path, old) == text


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(FIXTURES),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=10),
    st.data(),
)
def test_delete_undoes_a_new_server_table(name: str, server: str, data: st.DataObject) -> None:
    text = read(name)
    value = T.parse(text)
    assume(server not in value.get("mcp_servers", {}))
    entry = data.draw(
        st.fixed_dictionaries(
            {"command": st.text(max_size=5), "args": st.lists(st.text(max_size=5), max_size=3)}
        )
    )
    out = T.set(text, ("mcp_servers", server), entry)
    assert tomllib.loads(out) == replaced(value, ("mcp_servers", server), entry)
    assert changed_lines(text, out) == []
    assert T.delete(out, ("mcp_servers", server)) == text
    assert T.parse(T.delete(text, ("mcp_servers",))) == removed(value, ("mcp_servers",))
