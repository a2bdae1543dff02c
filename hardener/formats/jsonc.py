"""JSON and JSONC codecs that edit by splicing the span tree (L1 pure core).

``JsonCodec`` accepts strict JSON only (a comment or trailing comma is a parse error with line and
column); ``JsoncCodec`` accepts the VS Code dialect. Both keep a UTF-8 BOM, CRLF line endings and
every byte outside the one edited span: ``set`` replaces exactly the text of one value, or inserts
one member after the last member of an existing object (in the file's indentation, newline and
trailing-comma style, after a same-line comment); ``delete`` removes one member with its separator.
For a duplicated key the last occurrence wins, for reading and for editing.
"""

from __future__ import annotations

from typing import Any

from hardener.formats.interface import MISSING, Codec, Path, PathConflictError
from hardener.formats.json_render import (
    Renderer,
    detect_style,
    line_indent,
    line_start,
    scalar,
    starts_line,
)
from hardener.formats.json_tree import Entry, Node, find, parse_plain, parse_tree, to_plain
from hardener.formats.values import find_run, same


class _JsonFamily(Codec):
    strict: bool

    def parse(self, text: str) -> object:
        return parse_plain(text, self.strict)

    def get(self, text: str, path: Path) -> Any:
        node = parse_tree(text, self.strict)
        for key in path:
            entry = find(node, key)
            if entry is None:
                return MISSING
            node = entry.node
        return to_plain(node)

    def set(self, text: str, path: Path, value: object) -> str:
        node = parse_tree(text, self.strict)
        parent_multiline = True
        for depth, key in enumerate(path):
            entry = find(node, key)
            if entry is None:
                return self._insert(text, node, path, depth, value, multiline=parent_multiline)
            parent_multiline = starts_line(text, entry.start)
            node = entry.node
        if same(to_plain(node), value):
            return text
        if node.kind == "array" and isinstance(value, list):
            edited = self._edit_list(text, path, node, value)
            if edited is not None:
                return edited
        renderer = Renderer(text, detect_style(text, self.strict))
        new = renderer.render(value, line_indent(text, node.start), node, parent_multiline)
        return text[: node.start] + new + text[node.end :]

    def _edit_list(self, text: str, path: Path, node: Node, value: list[object]) -> str | None:
        """Add or remove items around an unchanged run of the old items (how args are wrapped and
        unwrapped), so comments and layout inside the array survive. None: not such an edit."""
        old = [to_plain(entry.node) for entry in node.entries]
        if not old or not value or len(old) == len(value):
            return None
        if len(value) > len(old):
            run = find_run(value, old)
            if run is None:
                return None
            if run:
                text = _prepend(text, node, value[:run], self.strict)
            for index in range(run + len(old), len(value)):
                text = self.set(text, (*path, index), value[index])
            return text
        run = find_run(old, value)
        if run is None:
            return None
        for index in reversed(range(run + len(value), len(old))):
            text = self.delete(text, (*path, index))
        for _ in range(run):
            text = self.delete(text, (*path, 0))
        return text

    def delete(self, text: str, path: Path) -> str:
        if not path:
            raise PathConflictError("cannot delete the whole document")
        while True:
            node = parse_tree(text, self.strict)
            for key in path[:-1]:
                entry = find(node, key)
                if entry is None:
                    return text
                node = entry.node
            target = find(node, path[-1])
            if target is None:
                return text
            text = _remove(text, node, node.entries.index(target))
            if isinstance(path[-1], int):  # a duplicated key goes entirely; an index once
                return text

    def _insert(
        self, text: str, node: Node, path: Path, depth: int, value: object, *, multiline: bool
    ) -> str:
        key, rest = path[depth], path[depth + 1 :]
        where = "/".join(str(k) for k in path[:depth]) or "the document root"
        if isinstance(key, int):
            if node.kind != "array" or key != len(node.entries) or isinstance(key, bool):
                raise PathConflictError(f"no item {key} in {where} (it has no such index)")
        elif node.kind != "object":
            raise PathConflictError(f"cannot add key {key!r}: {where} is not an object")
        for missing in reversed(rest):
            if not isinstance(missing, str):
                raise PathConflictError(f"cannot create list item {missing} under {where}")
            value = {missing: value}
        name = key if isinstance(key, str) else None
        return _append(text, node, name, value, strict=self.strict, multiline=multiline)


class JsonCodec(_JsonFamily):
    """Strict JSON (Claude Desktop, Claude Code, Cursor, Windsurf, Cline, LM Studio)."""

    name = "json"
    strict = True


class JsoncCodec(_JsonFamily):
    """JSON with comments and trailing commas (VS Code, Zed, Gemini CLI)."""

    name = "jsonc"
    strict = False


def _after_same_line_trivia(text: str, pos: int) -> int:
    """Past blanks and comments that follow ``pos`` on the same line: the end of the last comment,
    or ``pos`` itself when no comment follows before the end of the line."""
    i, last = pos, pos
    while i < len(text):
        ch = text[i]
        if ch in " \t":
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            return end - 1 if text[end - 1] == "\r" else end
        elif text.startswith("/*", i):
            end = text.find("*/", i) + 2
            if end < 2 or "\n" in text[i:end]:
                return last
            i = last = end
        else:
            return last
    return last


def _ends_line(text: str, pos: int) -> int:
    """If only blanks/comments follow ``pos`` up to a newline, the index after that newline, else -1."""
    end = _after_same_line_trivia(text, pos)
    while end < len(text) and text[end] in " \t":
        end += 1
    if text.startswith("\r\n", end):
        return end + 2
    if text.startswith("\n", end):
        return end + 1
    return -1


def _append(
    text: str, node: Node, key: str | None, value: object, *, strict: bool, multiline: bool = True
) -> str:
    """Insert one member (or list item) after the last entry of ``node``. ``multiline``: whether
    the member holding ``node`` sits on its own line (an empty ``{}`` there is expanded)."""
    style = detect_style(text, strict)
    renderer = Renderer(text, style)
    nl = style.newline
    prefix = "" if key is None else scalar(key, style) + style.colon
    if not node.entries:
        inner = text[node.start + 1 : node.end - 1]
        multiline = multiline or "\n" in inner
        if not multiline:
            return (
                text[: node.start + 1]
                + prefix
                + renderer.render(value, "", None, False)
                + text[node.end - 1 :]
            )
        base = line_indent(text, node.start)
        child = base + style.unit
        member = prefix + renderer.render(value, child, None, True)
        if inner.strip(" \t\r\n") == "":
            return text[: node.start + 1] + nl + child + member + nl + base + text[node.end - 1 :]
        pos = node.start + 1 + len(inner.rstrip(" \t\r\n"))
        return text[:pos] + nl + child + member + text[pos:]
    last = node.entries[-1]
    template = _sibling_template(node, value)
    if starts_line(text, last.start):
        indent = line_indent(text, last.start)
        member = prefix + renderer.render(value, indent, template, True)
        if last.comma >= 0:
            pos = _after_same_line_trivia(text, last.comma + 1)
            return text[:pos] + nl + indent + member + "," + text[pos:]
        end = last.node.end
        pos = _after_same_line_trivia(text, end)
        return text[:end] + "," + text[end:pos] + nl + indent + member + text[pos:]
    gap = style.comma
    before = node.entries[-2].comma + 1 if len(node.entries) > 1 else node.start + 1
    if text[before : last.start].strip(" \t") == "" and len(node.entries) > 1:
        gap = text[before : last.start]
    member = prefix + renderer.render(value, line_indent(text, last.start), template, False)
    if last.comma >= 0:
        pos = last.comma + 1
        return text[:pos] + gap + member + "," + text[pos:]
    end = last.node.end
    return text[:end] + "," + gap + member + text[end:]


def _prepend(text: str, node: Node, items: list[object], strict: bool) -> str:
    """Insert ``items`` before the first item of a non-empty array, separated like its items."""
    style = detect_style(text, strict)
    first = node.entries[0]
    gap = text[first.comma + 1 : node.entries[1].start] if len(node.entries) > 1 else ""
    if gap.strip(" \t\r\n") != "" or gap == "":
        if starts_line(text, first.start):
            gap = style.newline + line_indent(text, first.start)
        else:
            gap = style.comma
    multiline = "\n" in gap
    renderer = Renderer(text, style)
    indent = line_indent(text, first.start)
    block = "".join(renderer.render(item, indent, None, multiline) + "," + gap for item in items)
    return text[: first.start] + block + text[first.start :]


def _sibling_template(node: Node, value: object) -> Node | None:
    """The last sibling of the same kind, so a new entry looks like its neighbours."""
    want = "object" if isinstance(value, dict) else "array" if isinstance(value, list) else None
    for entry in reversed(node.entries):
        if want is not None and entry.node.kind == want:
            return entry.node
    return None


def _remove(text: str, node: Node, index: int) -> str:
    """Remove entry ``index`` of ``node`` and its separator."""
    entries = node.entries
    entry: Entry = entries[index]
    is_last = index == len(entries) - 1
    after = entry.comma + 1 if entry.comma >= 0 else entry.node.end
    line_end = _ends_line(text, after)
    cuts: list[tuple[int, int]] = []
    if starts_line(text, entry.start) and line_end >= 0:
        # Whole lines go: the member, its comma and a comment on its last line.
        cuts.append((line_start(text, entry.start), line_end))
        if is_last and entry.comma < 0 and index > 0:
            comma = entries[index - 1].comma
            cuts.append((comma, comma + 1))
    elif not is_last:
        cuts.append((entry.start, entries[index + 1].start))
    elif index > 0:
        prev = entries[index - 1].comma
        cuts.append((prev + 1, entry.comma + 1) if entry.comma >= 0 else (prev, entry.node.end))
    else:
        cuts.append((entry.start, after))
    close = node.end - 1
    for start, end in sorted(cuts, reverse=True):
        text = text[:start] + text[end:]
        close -= end - start
    if text[node.start + 1 : close].strip(" \t\r\n") == "":
        # How JSON writers print an empty container.
        return text[: node.start + 1] + text[close:]
    return text
