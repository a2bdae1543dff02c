"""The CLI contract: results on stdout, diagnostics on stderr, one exit-code table, JSON errors
for ``--json``, ``--format=json`` and ``--format json`` alike."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from hardener import errors
from hardener.cli.main import main
from hardener.paths import Platform
from hardener.policy import load_schema

README = Path(__file__).resolve().parents[3] / "README.md"


def test_the_readme_exit_code_table_is_the_errors_module():
    text = README.read_text(encoding="utf-8")
    table = text.split("<!-- exit-codes -->")[1].split("<!-- /exit-codes -->")[0]
    codes = {int(m.group(1)) for m in re.finditer(r"^\| (\d+) \|", table, re.MULTILINE)}
    constants = {v for k, v in vars(errors).items() if k.startswith("EXIT_")}
    assert codes == constants
    raised = {
        cls.exit_code
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.HardenerError)
    }
    assert raised <= codes


@pytest.mark.parametrize(
    "argv",
    [
        ["status", "--format", "json", "--no-such-flag"],
        ["status", "--format=json", "--no-such-flag"],
        ["scan", "--json", "--no-such-flag"],
    ],
)
def test_json_errors_whatever_the_spelling(argv, sandbox_home, capsys):
    code = main(argv, platform=Platform.current())
    assert code == errors.EXIT_USAGE
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    jsonschema.validate(document, load_schema(document["schema"]))
    assert document["error"]["kind"] == "UsageError"
    assert "hardener: error:" in captured.err
