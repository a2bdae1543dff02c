"""The ExportRecord TypedDict agrees with schemas/log-export-record.schema.json, and real records
sealed by the ledger builder validate against the schema."""

from __future__ import annotations

import typing

import jsonschema

from hardener.export.records import ExportRecord, export_record
from hardener.json_types import JSONObject, JSONValue
from hardener.ledger.chain.record import parse
from hardener.policy import load_schema
from tests.support.ledger_factory import build

SCHEMA = load_schema("log-export-record.schema.json")
SCALARS = {"string": str, "integer": int}


def test_the_typeddict_has_the_schemas_keys_and_types() -> None:
    hints = typing.get_type_hints(ExportRecord, localns={"JSONValue": JSONValue})
    assert set(hints) == set(SCHEMA["properties"])
    assert ExportRecord.__required_keys__ == set(SCHEMA["required"])
    for key, node in SCHEMA["properties"].items():
        hint = hints[key]
        if "const" in node:
            assert typing.get_args(hint) == (node["const"],), key
        elif node["type"] == "object":
            assert hint == typing.get_type_hints(_Probe)["obj"], key
        else:
            assert hint is SCALARS[node["type"]], key


class _Probe(typing.TypedDict):
    obj: JSONObject


def test_real_records_validate() -> None:
    for line in build(3, checkpoint_every=2).lines():
        record = parse(line)
        assert record is not None
        jsonschema.validate(export_record(record), SCHEMA)
