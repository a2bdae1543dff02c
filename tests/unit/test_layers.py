"""The layer contract of ARCHITECTURE.md section 2: a module imports only from lower layers."""

from __future__ import annotations

import ast
from pathlib import Path

import hardener

ROOT = Path(hardener.__file__).parent

#: Module prefixes (relative to ``hardener``) and their layer; the longest prefix wins.
LAYERS: dict[str, int] = {
    "_version": 0,
    "errors": 0,
    "model": 0,
    "paths": 0,
    "fsutil": 0,
    "policy": 0,
    "changes": 0,
    "formats": 1,
    "clients": 1,
    "transform": 1,
    "detect": 1,
    "ledger.chain": 1,
    "events": 1,
    "redact": 1,
    "backup": 2,
    "keystore": 2,
    "engine": 2,
    "shim": 2,
    "daemon": 2,
    "service": 2,
    "export": 2,
    "ledger": 2,
    "spool": 2,
    "status": 2,
    "pins": 2,
    "cli": 3,
    "demo": 3,
    "__main__": 3,
    "__init__": 0,
}


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    for size in range(len(parts), 0, -1):
        prefix = ".".join(parts[:size])
        if prefix in LAYERS:
            return LAYERS[prefix]
    return None


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found.append((".".join(parts), path))
    return found


def _imports(path: Path, module: str) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    package = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names if a.name.startswith("hardener")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(["hardener", *base, *(node.module or "").split(".")]).strip(".")
                names.append(target)
            elif node.module and node.module.startswith("hardener"):
                names.append(node.module)
                names += [f"{node.module}.{a.name}" for a in node.names]
    return names


def test_every_module_has_a_layer_and_a_docstring():
    for module, path in _modules():
        assert layer_of(module) is not None, f"add {module} to LAYERS (ARCHITECTURE section 2)"
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


def test_the_checker_catches_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('"""x"""\nfrom hardener.cli.main import main\n')
    imported = _imports(bad, "formats.bad")
    assert any(layer_of(i.removeprefix("hardener.")) == 3 for i in imported)
