"""docs/architecture.md and README.md agree with the code: every schema, verb and command is on
the map, and every file the map links to exists (the layer table has its own test, test_layers)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from hardener.cli.main import VERB_MODULES

ROOT = Path(__file__).resolve().parents[2]
ARCH = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end)]


def test_every_schema_is_linked_and_every_link_exists() -> None:
    linked = set(re.findall(r"\(\.\./schemas/([a-z0-9-]+\.schema\.json)\)", ARCH))
    on_disk = {p.name for p in (ROOT / "schemas").glob("*.schema.json")}
    assert linked - on_disk == set(), "links to schemas that do not exist"
    assert on_disk - linked == set(), "schemas the architecture page does not name"


def _first_column_verbs(table: str) -> set[str]:
    """Verbs named in a table's first column: `hardener scan …`, or `restore` after a slash."""
    verbs: set[str] = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            verbs.update(re.findall(r"`(?:hardener )?([a-z][a-z-]*)\b", line.split(" | ")[0]))
    return verbs


@pytest.mark.parametrize("verb", sorted(VERB_MODULES))
def test_every_verb_is_in_the_cli_contract_and_the_readme(verb: str) -> None:
    contract = _section(ARCH, "### 4.1 CLI", "### 4.2")
    assert verb in _first_column_verbs(contract), f"§4.1 has no row for {verb}"
    module = VERB_MODULES[verb].removeprefix("hardener.").replace(".", "/") + ".py"
    assert (ROOT / "hardener" / module).is_file()
    assert f"`{module}`" in contract, f"§4.1 does not name {module}"
    readme_cli = _section(README, "## CLI", "### Exit codes")
    assert verb in _first_column_verbs(readme_cli), f"the README's CLI table has no row for {verb}"


def test_every_command_is_a_process_on_the_map() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    processes = _section(ARCH, "## 1. Processes", "## 2. Layers")
    for name, entry in scripts.items():
        assert f"`{entry}`" in processes, f"{name} ({entry}) is not in the process table"


def test_every_module_path_the_page_names_exists() -> None:
    named = set(re.findall(r"`((?:[a-z_]+/)+[a-z_]+\.py)`", ARCH))
    assert named, "the pattern no longer finds module paths"
    missing = sorted(
        n for n in named if not (ROOT / "hardener" / n).is_file() and not (ROOT / n).is_file()
    )
    assert missing == []


def test_every_top_level_module_and_package_has_its_one_job_on_the_map() -> None:
    table = _section(ARCH, "What lives where:", "## 3.")
    named = {m.rstrip("/") for m in re.findall(r"^\| `([a-z_/]+)` \|", table, re.MULTILINE)}
    package = ROOT / "hardener"
    top = {p.stem for p in package.glob("*.py")} | {
        p.name for p in package.iterdir() if (p / "__init__.py").is_file()
    }
    top -= {"__init__", "__main__", "_version"}
    assert sorted(top - named) == [], "modules without a row in 'What lives where'"
