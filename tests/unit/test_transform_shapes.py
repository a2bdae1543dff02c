"""Property tests for the entry shapes beyond ``command`` + ``args``: argv lists and nesting.

opencode keeps the whole argv in one ``command`` list (``{"type": "local", "command": [...]}``) and
Cline 3.x nests the launch fields in ``transport``. Over generated JSON/JSONC documents (indents,
comments, trailing commas, CRLF, BOM, unicode) and the clients' real shapes from their specs:

- wrapping changes bytes only inside the entry being wrapped;
- the wrapped entry is exactly the original with the shim's argv put in front of the command
  (in the one list, or inside ``transport``), every other key and value equal;
- a wrapped entry classifies as wrapped (so it is never wrapped twice);
- undoing every edit, newest first, with the recorded fragments gives back the exact bytes;
- undoing by value (no fragments) gives back the exact values.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hardener.clients import registry
from hardener.clients.entries import Kind, classify
from hardener.clients.spec import EntryShape
from hardener.formats.registry import codec_for
from hardener.transform import changed_region, is_shim, unwrap_entry, wrap_args, wrap_entry

SHIM = "/opt/hardener/bin/hardener-shim"
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

names = st.text(
    st.characters(codec="utf-8", blacklist_categories=("Cs", "Cc")), min_size=1, max_size=8
)
values = st.text(st.characters(codec="utf-8", blacklist_categories=("Cs",)), max_size=10)
program = values.filter(lambda v: v.strip() != "" and not is_shim(v))
env = st.dictionaries(st.from_regex(r"[A-Z_]{1,6}", fullmatch=True), values, max_size=2)

opencode_entry = st.builds(
    lambda argv, extra: {"type": "local", "command": argv, **extra},
    st.tuples(program, st.lists(values, max_size=4)).map(lambda t: [t[0], *t[1]]),
    st.fixed_dictionaries(
        {},
        optional={"environment": env, "enabled": st.booleans(), "timeout": st.integers(0, 10**5)},
    ),
)
cline_entry = st.builds(
    lambda transport, extra: {"transport": transport, **extra},
    st.fixed_dictionaries(
        {"type": st.just("stdio"), "command": program},
        optional={"args": st.lists(values, max_size=4), "env": env, "cwd": values},
    ),
    st.fixed_dictionaries(
        {},
        optional={"disabled": st.booleans(), "timeout": st.integers(0, 3600), "metadata": env},
    ),
)


@st.composite
def documents(draw: Any, table: str, entries: Any, jsonc: bool) -> str:
    servers = draw(st.dictionaries(names, entries, min_size=1, max_size=4))
    document = {"$schema": "https://example.com/config.json", table: servers, "after": [1, 2]}
    indent = draw(st.sampled_from([None, 1, 2, 4, "\t"]))
    rendered = json.dumps(document, indent=indent, ensure_ascii=draw(st.booleans()))
    if jsonc and indent is not None:
        rendered = rendered.replace(f'\n  "{table}"', f'\n  // servers\n  "{table}"')
        if draw(st.booleans()):
            rendered = rendered.replace("\n}", ",\n}")
    if draw(st.booleans()):
        rendered = rendered.replace("\n", "\r\n")
    if draw(st.booleans()):
        rendered = "\ufeff" + rendered
    return str(rendered)


def _entry_span(codec: Any, text: str, path: tuple[str | int, ...]) -> tuple[int, int]:
    spans = [changed_region(text, codec.set(text, path, sentinel))[:2] for sentinel in (0, False)]
    return min(s for s, _ in spans), max(e for _, e in spans)


def _launch_removed(shape: EntryShape, entry: dict[str, Any]) -> dict[str, Any]:
    """The entry without its launch fields (what wrapping must leave exactly as it was)."""
    rest = copy.deepcopy(entry)
    holder = rest["transport"] if "transport" in rest and shape.nested else rest
    holder.pop(shape.command, None)
    holder.pop(shape.args, None)
    return rest


def _round_trip(client: str, format_name: str, table: str, text: str) -> None:
    shape = registry.get(client).entry
    codec = codec_for(format_name)
    document = codec.parse(text)
    original = text
    edits = []
    for name, entry in document[table].items():
        path: tuple[str | int, ...] = (table, name)
        info = classify(shape, entry)
        assert info.kind is Kind.STDIO, info.problem
        assert info.launch is not None
        span_start, span_end = _entry_span(codec, text, path)
        edit = wrap_entry(codec, text, path, info.launch, shim=SHIM, client=client, server=name)
        start, old_end, _ = changed_region(text, edit.text)
        assert span_start <= start
        assert old_end <= span_end
        wrapped = codec.get(edit.text, path)
        again = classify(shape, wrapped)
        assert again.kind is Kind.WRAPPED  # never wrapped twice
        assert again.launch is not None
        assert again.launch.command == SHIM
        argv = wrap_args(client, name, info.launch.command, info.launch.args)
        if shape.argv_list:
            assert wrapped["command"] == [SHIM, *argv]
            assert "args" not in wrapped
        else:
            assert wrapped["transport"]["command"] == SHIM
            assert wrapped["transport"]["args"] == argv
        assert _launch_removed(shape, wrapped) == _launch_removed(shape, entry)
        edits.append((path, edit.fragment, edit.had_args))
        text = edit.text
    json.loads(text.removeprefix("\ufeff")) if format_name == "json" else codec.parse(text)
    hardened = text
    for path, fragment, had_args in reversed(edits):
        info = classify(shape, codec.get(text, path))
        assert info.launch is not None
        text, exact = unwrap_entry(
            codec,
            text,
            path,
            command_path=info.launch.command_path,
            args_path=info.launch.args_path,
            inner=info.shim,
            fragment=fragment,
            had_args=had_args,
            argv_list=info.launch.argv_list,
        )
        assert exact
    assert text == original
    by_value = hardened
    for path, _, had_args in reversed(edits):
        info = classify(shape, codec.get(by_value, path))
        assert info.launch is not None
        by_value, _ = unwrap_entry(
            codec,
            by_value,
            path,
            command_path=info.launch.command_path,
            args_path=info.launch.args_path,
            inner=info.shim,
            had_args=had_args,
            argv_list=info.launch.argv_list,
        )
    assert codec.parse(by_value) == document


@given(documents("mcp", opencode_entry, jsonc=True))
@PROPERTY
def test_opencode_argv_lists_round_trip(text):
    _round_trip("opencode", "jsonc", "mcp", text)


@given(documents("mcpServers", cline_entry, jsonc=False))
@PROPERTY
def test_cline_nested_transport_round_trips(text):
    _round_trip("cline", "json", "mcpServers", text)
