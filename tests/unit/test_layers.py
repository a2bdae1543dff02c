"""The layer contract of docs/architecture.md: lower layers only, no import cycles, docstrings.

The layer table is read from ``docs/architecture.md`` (the rows between the ``layer-table``
markers), so the page and this test cannot disagree. Imports are read with :mod:`ast`; the cycle
check looks at module-level imports only (those inside functions run late and break no start-up).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import hardener

ROOT = Path(hardener.__file__).parent
DOC = ROOT.parent / "docs" / "architecture.md"
_ROW = re.compile(r"^\|\s*L(\d)\b[^|]*\|([^|]*)\|")


def read_layers(text: str) -> dict[str, int]:
    """Module prefixes (relative to ``hardener``) and their layer, from the page's layer table."""
    start, end = "<!-- layer-table -->", "<!-- /layer-table -->"
    assert start in text, f"{DOC.name} lost its layer-table markers"
    assert end in text, f"{DOC.name} lost its layer-table markers"
    layers: dict[str, int] = {}
    for line in text[text.index(start) : text.index(end)].splitlines():
        row = _ROW.match(line)
        if row:
            for prefix in re.findall(r"`([A-Za-z0-9_.]+)`", row.group(2)):
                layers[prefix.removeprefix("hardener.")] = int(row.group(1))
    return layers


#: Module prefixes (relative to ``hardener``) and their layer; the longest prefix wins.
LAYERS: dict[str, int] = read_layers(DOC.read_text(encoding="utf-8"))


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    for size in range(len(parts), 0, -1):
        prefix = ".".join(parts[:size])
        if prefix in LAYERS:
            return LAYERS[prefix]
    return None


def _modules(root: Path = ROOT) -> list[tuple[str, Path]]:
    found = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found.append((".".join(parts), path))
    return found


def _import_nodes(tree: ast.Module, module_level: bool) -> Iterable[ast.Import | ast.ImportFrom]:
    if not module_level:
        yield from (n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom))
        return
    todo: list[ast.AST] = list(tree.body)
    while todo:  # statements run at import time: the body, and if/try/with blocks in it
        node = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            todo.extend(ast.iter_child_nodes(node))


def _imports(path: Path, module: str, *, package: str = "hardener", module_level: bool = False):
    """Absolute names (``hardener.…``) a module imports, and ``…module.name`` for from-imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    own = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")
    if module == "__init__":
        own = []
    for node in _import_nodes(tree, module_level):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names if a.name.split(".")[0] == package]
        elif node.level:
            base = own[: len(own) - node.level + 1]
            target = ".".join([package, *base, *(node.module or "").split(".")]).strip(".")
            names.append(target)
            names += [f"{target}.{a.name}" for a in node.names]
        elif node.module and node.module.split(".")[0] == package:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
    return names


def import_graph(root: Path = ROOT, package: str = "hardener") -> dict[str, set[str]]:
    """Module -> the modules of the package it imports at module level."""
    modules = dict(_modules(root))
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for module, path in modules.items():
        for name in _imports(path, module, package=package, module_level=True):
            rel = name.removeprefix(package).lstrip(".") or "__init__"
            if rel in modules and rel != module:
                graph[module].add(rel)
    return graph


def find_cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(cycles)


def test_the_layer_table_is_read_from_the_architecture_page():
    assert LAYERS["cli"] == 3
    assert LAYERS["ledger.chain"] == 1
    assert LAYERS["errors"] == 0
    assert {0, 1, 2, 3} == set(LAYERS.values())


def test_every_module_has_a_layer_and_a_docstring():
    for module, path in _modules():
        assert layer_of(module) is not None, f"add {module} to the layer table of {DOC}"
        assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or module in (
            "__init__",
        ), f"{module} needs a module docstring"


def test_no_module_imports_a_higher_layer():
    violations = []
    for module, path in _modules():
        own = layer_of(module)
        assert own is not None
        for imported in _imports(path, module):
            rel = imported.removeprefix("hardener").lstrip(".")
            if not rel:
                continue
            theirs = layer_of(rel)
            if theirs is not None and theirs > own:
                violations.append(f"{module} (L{own}) imports {rel} (L{theirs})")
    assert not violations, "\n".join(violations)


def test_no_import_cycles():
    cycles = find_cycles(import_graph())
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_the_checker_catches_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('"""x"""\nfrom hardener.cli.main import main\n')
    imported = _imports(bad, "formats.bad")
    assert any(layer_of(i.removeprefix("hardener.")) == 3 for i in imported)


def test_the_cycle_check_catches_a_synthetic_cycle(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text('"""p"""\n')
    (pkg / "sub" / "__init__.py").write_text('"""s"""\n')
    (pkg / "a.py").write_text('"""a"""\nfrom pkg.sub import b\n')
    (pkg / "sub" / "b.py").write_text(
        '"""b"""\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..c import C\n'
    )
    (pkg / "c.py").write_text('"""c"""\nimport pkg.a\n\ndef late():\n    from pkg import d\n')
    (pkg / "d.py").write_text('"""d"""\nfrom pkg.c import late\n')
    graph = import_graph(pkg, "pkg")
    assert graph["a"] == {"sub", "sub.b"}
    assert graph["sub.b"] == {"c"}
    assert graph["c"] == {"a"}
    assert find_cycles(graph) == [["a", "c", "sub.b"]]  # d -> c only; c -> d is function-level
    assert find_cycles({"x": {"y"}, "y": {"z"}, "z": set()}) == []


def test_integration_tests_and_benchmarks_do_not_import_unit_tests():
    repo = ROOT.parent
    offenders = []
    for folder in ("tests/integration", "tests/support", "bench"):
        for path in sorted((repo / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                offenders += [
                    f"{path.relative_to(repo)}: {n}" for n in names if n.startswith("tests.unit")
                ]
    assert not offenders, "shared helpers belong in tests/support/:\n" + "\n".join(offenders)
