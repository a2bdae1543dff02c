"""Unit tests of the JSON/JSONC splice codecs: exact output for each edit shape and edge case."""

from __future__ import annotations

import json

import pytest

from hardener.errors import ConfigParseError
from hardener.formats.interface import MISSING, PathConflictError, SyntaxErrorAt
from hardener.formats.json_tree import MAX_DEPTH
from hardener.formats.jsonc import JsoncCodec, JsonCodec
from hardener.formats.registry import codec_for
from tests.support.format_helpers import read

J = JsonCodec()
C = JsoncCodec()


def test_registry_returns_each_codec_and_refuses_unknown_formats() -> None:
    assert codec_for("json").name == "json"
    assert codec_for("jsonc").name == "jsonc"
    assert codec_for("toml").name == "toml"
    assert codec_for("yaml").name == "yaml"
    with pytest.raises(ValueError, match="xml"):
        codec_for("xml")


# --- parse / get --------------------------------------------------------------------------------


def test_parse_matches_the_standard_library_on_strict_json() -> None:
    text = read("claude_code.claude.json")
    assert J.parse(text) == json.loads(text)


def test_get_follows_keys_and_indexes_and_reports_missing() -> None:
    text = read("claude_code.claude.json")
    project = ("projects", "/Users/alice/src/webapp", "mcpServers", "postgres")
    assert J.get(text, (*project, "args", 0)) == "mcp-server-postgres"
    assert J.get(text, (*project, "nope")) is MISSING
    assert J.get(text, (*project, "args", 5)) is MISSING
    assert J.get(text, (*project, "args", "x")) is MISSING
    assert J.get(text, ("numStartups", 0)) is MISSING
    assert J.get(text, ()) == json.loads(text)


def test_duplicate_keys_last_one_wins_for_get_and_set_edits_the_last() -> None:
    text = read("edge_duplicate_keys.json")
    assert J.get(text, ("mcpServers", "dup", "command")) == "new"
    out = J.set(text, ("mcpServers", "dup", "command"), "newer")
    assert out == text.replace('"command": "new"', '"command": "newer"')
    assert '"command": "old"' in out


def test_delete_of_a_duplicated_key_removes_every_occurrence() -> None:
    text = read("edge_duplicate_keys.json")
    out = J.delete(text, ("mcpServers", "dup"))
    assert out == '{\n  "mcpServers": {}\n}\n'


def test_escapes_and_unicode_are_decoded() -> None:
    text = read("edge_escaped_unicode.json")
    entry = J.get(text, ("mcpServers", "café server"))
    assert entry["command"] == "C:\\Program Files\\nodejs\\npx.cmd"
    assert entry["args"][2] == "http://localhost/x"
    assert entry["env"]["GREETING"] == "grüß dich \U0001f600"


def test_bom_is_accepted_and_kept() -> None:
    text = read("edge_bom_crlf.json")
    assert J.get(text, ("mcpServers", "fetch", "command")) == "uvx"
    out = J.set(text, ("mcpServers", "fetch", "command"), "x")
    assert out.startswith("\ufeff{\r\n")


def test_deep_nesting_within_the_limit_and_a_clear_error_beyond() -> None:
    deep = (
        "[" * 500 + "]" * 500
    )  # strict JSON is validated by the C scanner: no depth limit of ours
    assert J.get(deep, (0,) * 499) == []
    assert J.set(deep, (0,) * 499, [{"a": 1}]).count("a") == 1
    commented = "[" * MAX_DEPTH + "/* c */" + "]" * MAX_DEPTH  # scanned in Python
    assert C.get(commented, (0,) * (MAX_DEPTH - 1)) == []
    too_deep = "[" * (MAX_DEPTH + 1) + "/* c */" + "]" * (MAX_DEPTH + 1)
    with pytest.raises(SyntaxErrorAt, match="nesting deeper"):
        C.parse(too_deep)


# --- errors -------------------------------------------------------------------------------------

ERRORS = [
    ("", 1, 1, "empty"),
    (" \n\t\n", 3, 1, "empty"),
    ('{"a": 1', 1, 1, "unclosed object"),
    ('{"a" 1}', 1, 6, "expected ':'"),
    ("[1 2]", 1, 4, "expected ','"),
    ('{\n  "a": "x\ny"\n}', 2, 10, "control character"),
    ('{"a": "\\q"}', 1, 8, "invalid escape"),
    ('{"a": "\\u12"}', 1, 8, "invalid \\u escape"),
    ('{"a": "abc', 1, 7, "unterminated string"),
    ('{"a": 1} x', 1, 10, "after the end"),
    ("{'a': 1}", 1, 2, "string key"),
    ("[01]", 1, 3, "expected ','"),
    ("[nul]", 1, 2, "expected a value"),
    ("[1,,2]", 1, 4, "unexpected ','"),
    ("\ufeff[1,\n  x]", 2, 3, "unexpected character 'x'"),
]


@pytest.mark.parametrize(("text", "line", "column", "problem"), ERRORS)
def test_syntax_errors_name_line_and_column(
    text: str, line: int, column: int, problem: str
) -> None:
    for codec in (J, C):
        with pytest.raises(SyntaxErrorAt) as caught:
            codec.parse(text)
        assert (caught.value.line, caught.value.column) == (line, column)
        assert caught.value.message.startswith(f"line {line}, column {column}: ")
        assert problem in caught.value.message
        assert isinstance(caught.value, ConfigParseError)


def test_strict_json_rejects_comments_and_trailing_commas_that_jsonc_accepts() -> None:
    cases = {
        '{\n  // c\n  "a": 1\n}': (2, 3, "comments"),
        '{"a": 1 /* c */}': (1, 9, "comments"),
        '{"a": [1, 2,]}': (1, 12, "trailing comma"),
        '{"a": 1,\n}': (1, 8, "trailing comma"),
    }
    for text, (line, column, problem) in cases.items():
        with pytest.raises(SyntaxErrorAt) as caught:
            J.parse(text)
        assert (caught.value.line, caught.value.column) == (line, column)
        assert problem in caught.value.problem
        assert C.parse(text) is not None


def test_jsonc_errors_on_unterminated_block_comment() -> None:
    with pytest.raises(SyntaxErrorAt, match="unterminated block comment"):
        C.parse('{"a": 1 /* never closed')


# --- set: replacing values ----------------------------------------------------------------------


def test_one_line_array_stays_on_one_line() -> None:
    text = '{\n  "args": ["-y", "pkg"],\n  "x": 1\n}\n'
    out = J.set(text, ("args",), ["a", "b", "c"])
    assert out == '{\n  "args": ["a", "b", "c"],\n  "x": 1\n}\n'


def test_multi_line_array_is_rendered_one_item_per_line_at_its_indentation() -> None:
    text = '{\n    "args": [\n        "-y"\n    ]\n}\n'
    out = J.set(text, ("args",), ["a", {"k": [1]}])
    assert (
        out
        == '{\n    "args": [\n        "a",\n        {\n            "k": [\n                1\n            ]\n        }\n    ]\n}\n'
    )


def test_scalar_replaced_by_a_container_follows_the_parent_layout() -> None:
    assert J.set('{"a": 1}', ("a",), {"b": [1, 2]}) == '{"a": {"b": [1, 2]}}'
    assert J.set('{\n  "a": 1\n}', ("a",), {"b": 2}) == '{\n  "a": {\n    "b": 2\n  }\n}'


def test_setting_an_equal_value_returns_the_text_unchanged() -> None:
    text = '{"a": [1,2 ,3], "b": "\\u0041"}'
    assert J.set(text, ("a",), [1, 2, 3]) is text
    assert J.set(text, ("b",), "A") is text
    assert J.set(text, ("a", 0), 1.0) != text  # 1.0 is not 1


def test_strings_keep_the_files_escaping_style() -> None:
    ascii_file = '{"a": "caf\\u00e9"}'
    assert J.set(ascii_file, ("a",), "thé") == '{"a": "th\\u00e9"}'
    raw_file = '{"a": "café"}'
    assert J.set(raw_file, ("a",), "thé") == '{"a": "thé"}'
    slash_file = '{"a": "http:\\/\\/x"}'
    assert J.set(slash_file, ("a",), "a/b") == '{"a": "a\\/b"}'
    assert J.set('{"a": 1}', ("a",), 'q"\\\n\t\x01') == '{"a": "q\\"\\\\\\n\\t\\u0001"}'


def test_unchanged_list_items_keep_their_exact_text() -> None:
    text = '{"args": ["caf\\u00e9", "plain"]}'
    out = J.set(text, ("args",), ["new", "café", "plain"])
    assert out == '{"args": ["new", "caf\\u00e9", "plain"]}'


def test_items_wrapped_around_an_unchanged_run_keep_comments_inside_the_array() -> None:
    text = '{\n  "args": [\n    // keep me\n    "-y", // first\n    "pkg"\n  ]\n}\n'
    wrapped = C.set(text, ("args",), ["--", "npx", "-y", "pkg", "tail"])
    assert wrapped == (
        '{\n  "args": [\n    // keep me\n    "--",\n    "npx",\n    "-y", // first\n'
        '    "pkg",\n    "tail"\n  ]\n}\n'
    )
    assert C.set(wrapped, ("args",), ["-y", "pkg"]) == text


def test_crlf_files_get_crlf_in_new_lines() -> None:
    text = read("edge_bom_crlf.json")
    out = J.set(text, ("mcpServers", "fetch", "env"), {"A": "1"})
    assert "\n" not in out.replace("\r\n", "")
    assert '"env": {\r\n                "A": "1"\r\n            }' in out


# --- set: inserting members ---------------------------------------------------------------------


def test_insert_after_the_last_member_in_the_files_indentation() -> None:
    text = read("vscode_mcp.jsonc")
    out = C.set(text, ("servers", "time"), {"command": "uvx", "args": ["mcp-server-time"]})
    assert (
        '\t\t},\n\t\t"time": {\n\t\t\t"command": "uvx",\n\t\t\t"args": ["mcp-server-time"],\n\t\t},\n\t},'
        in out
    )


def test_insert_respects_trailing_comma_absence_and_same_line_comment() -> None:
    text = '{\n  "a": 1 // about a\n}\n'
    assert C.set(text, ("b",), 2) == '{\n  "a": 1, // about a\n  "b": 2\n}\n'
    text = '{\n  "a": 1, // about a\n}\n'
    assert C.set(text, ("b",), 2) == '{\n  "a": 1, // about a\n  "b": 2,\n}\n'


def test_insert_into_one_line_objects_stays_on_one_line() -> None:
    assert J.set('{"a":1}', ("b",), [1, 2]) == '{"a":1,"b":[1,2]}'
    assert J.set('{ "a": 1 }', ("b",), {"c": 2}) == '{ "a": 1, "b": { "c": 2 } }'


def test_insert_into_empty_objects() -> None:
    assert J.set("{}\n", ("mcpServers", "x"), {"command": "a"}) == (
        '{\n  "mcpServers": {\n    "x": {\n      "command": "a"\n    }\n  }\n}\n'
    )
    text = read("edge_empty_servers.json")
    out = J.set(text, ("mcpServers", "x"), {"command": "a", "args": []})
    assert out == text.replace(
        '"mcpServers": {}',
        '"mcpServers": {\n    "x": {\n      "command": "a",\n      "args": []\n    }\n  }',
    )
    assert J.set('{"a": {}}', ("a", "b"), 1) == '{"a": {"b": 1}}'
    assert C.set("{ // nothing yet\n}", ("b",), 1) == '{ // nothing yet\n  "b": 1\n}'


def test_missing_ancestors_are_created_as_nested_objects() -> None:
    out = J.set('{\n  "a": 1\n}', ("projects", "/p", "mcpServers", "x"), {"command": "c"})
    assert J.parse(out) == {"a": 1, "projects": {"/p": {"mcpServers": {"x": {"command": "c"}}}}}
    assert out.startswith('{\n  "a": 1,\n  "projects": {\n    "/p": {\n')


def test_new_entries_look_like_their_siblings() -> None:
    text = read("claude_code.claude.json")
    out = J.set(text, ("mcpServers", "new"), {"command": "a", "args": ["b"], "env": {}})
    assert '\n    "new": { "command": "a", "args": ["b"], "env": {} }\n  },' in out


def test_append_to_an_array_and_path_conflicts() -> None:
    assert J.set('{"a": [1]}', ("a", 1), 2) == '{"a": [1, 2]}'
    with pytest.raises(PathConflictError):
        J.set('{"a": [1]}', ("a", 3), 2)
    with pytest.raises(PathConflictError):
        J.set('{"a": "s"}', ("a", "b"), 2)
    with pytest.raises(PathConflictError):
        J.set('{"a": {}}', ("a", "b", 0), 2)
    with pytest.raises(PathConflictError):
        J.delete('{"a": 1}', ())


def test_keys_needing_escapes_are_written_escaped() -> None:
    out = J.set("{}", ('quo"te\\', "tab\tkey"), 1)
    assert J.get(out, ('quo"te\\', "tab\tkey")) == 1
    assert '"quo\\"te\\\\"' in out


def test_no_final_newline_stays_so() -> None:
    text = read("edge_no_final_newline.json")
    assert J.set(text, ("mcpServers", "b"), {"command": "c"}).endswith("}")


# --- delete -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "path", "expected"),
    [
        ('{\n  "a": 1,\n  "b": 2\n}', ("b",), '{\n  "a": 1\n}'),
        ('{\n  "a": 1,\n  "b": 2\n}', ("a",), '{\n  "b": 2\n}'),
        ('{\n  "a": 1,\n  "b": 2,\n}', ("b",), '{\n  "a": 1,\n}'),
        ('{\n  "a": 1\n}', ("a",), "{}"),
        ('{\n  "a": 1, // one\n  "b": 2 // two\n}', ("b",), '{\n  "a": 1 // one\n}'),
        ('{\n  "a": 1, // one\n  "b": 2 // two\n}', ("a",), '{\n  "b": 2 // two\n}'),
        ('{\n  // lead\n  "a": 1\n}', ("a",), "{\n  // lead\n}"),
        ('{ "a": 1, "b": 2 }', ("a",), '{ "b": 2 }'),
        ('{ "a": 1, "b": 2 }', ("b",), '{ "a": 1 }'),
        ('{ "a": 1, "b": 2, }', ("b",), '{ "a": 1, }'),
        ('{ "a": 1 }', ("a",), "{}"),
        ("[1, 2, 3]", (1,), "[1, 3]"),
        ("[1, 2, 3]", (2,), "[1, 2]"),
        ('{"x": {"a": 1}}', ("x", "nope"), '{"x": {"a": 1}}'),
        ('{"x": 1}', ("y", "z"), '{"x": 1}'),
    ],
)
def test_delete_removes_the_member_and_its_separator(
    text: str, path: tuple[str | int, ...], expected: str
) -> None:
    assert C.delete(text, path) == expected


def test_delete_a_multi_line_entry_of_a_client_file() -> None:
    text = read("zed_settings.jsonc")
    out = C.delete(text, ("context_servers", "postgres"))
    assert out == text.replace(
        '    "postgres": {\n      "command": "/usr/local/bin/postgres-mcp",\n      "args": ["--read-only"],\n'
        '      "env": { "DATABASE_URL": "postgresql://localhost/dev" }\n    },\n',
        "",
    )
