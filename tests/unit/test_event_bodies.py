"""Each event body TypedDict agrees with its JSON schema: the same keys, required keys and types."""

from __future__ import annotations

import typing
from typing import Any, Literal, TypedDict, Union

import jsonschema
import pytest

from hardener import event_bodies as eb
from hardener.event_bodies import RequestId
from hardener.events import KINDS
from hardener.json_types import JSONObject, JSONValue
from hardener.policy import load_schema

EVENT = load_schema("event.schema.json")
ALERT = load_schema("alert.schema.json")
#: The body type of every event kind (``hardener.events.KINDS``).
BODIES: dict[str, type] = {
    "session.start": eb.SessionStartBody,
    "session.end": eb.SessionEndBody,
    "tool.call": eb.ToolCallBody,
    "tool.result": eb.ToolResultBody,
    "tools.list": eb.ToolsListBody,
    "server.request": eb.ServerRequestBody,
    "resource.read": eb.ResourceReadBody,
    "prompt.get": eb.PromptGetBody,
    "policy.deny": eb.PolicyDenyBody,
    "protocol.anomaly": eb.ProtocolAnomalyBody,
    "config.harden": eb.ConfigChangeBody,
    "config.restore": eb.ConfigChangeBody,
    "config.drift": eb.ConfigChangeBody,
    "config.reset_by_client": eb.ConfigChangeBody,
    "alert": eb.AlertBody,
    "pin.approve": eb.PinApproveBody,
    "hook.call": eb.HookCallBody,
    "hook.result": eb.HookResultBody,
    "hooks.install": eb.HookInstallBody,
    "hooks.uninstall": eb.HookInstallBody,
}
SCALARS: dict[str, object] = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "null": type(None),
}


class _Probe(TypedDict):
    value: JSONValue
    obj: JSONObject


#: the aliases as ``get_type_hints`` evaluates them inside a TypedDict (forward refs resolved alike)
ANY_JSON = typing.get_type_hints(_Probe)["value"]
ANY_OBJECT = typing.get_type_hints(_Probe)["obj"]


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = EVENT["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node


def _schema_of(kind: str) -> dict[str, Any]:
    return ALERT if kind == "alert" else _resolve(EVENT["$defs"][kind])


def _is_typeddict(kind: object) -> bool:
    return isinstance(kind, type) and typing.is_typeddict(kind)


def _agree(hint: object, node: dict[str, Any], where: str) -> None:
    """Fail with ``where`` unless the Python type ``hint`` is what the schema ``node`` allows."""
    node = _resolve(node)
    if not node.keys() - {"description"}:  # any JSON value
        assert hint == ANY_JSON, where
    elif "enum" in node or "const" in node:
        assert typing.get_origin(hint) is Literal, where
        choices = node["enum"] if "enum" in node else [node["const"]]
        assert list(typing.get_args(hint)) == choices, where
    elif node.get("type") == ["string", "integer", "number", "null"]:
        assert hint == RequestId, where
    elif isinstance(node.get("type"), list):
        assert hint == Union[tuple(SCALARS[t] for t in node["type"])], where  # noqa: UP007
    elif node.get("type") == "array":
        assert typing.get_origin(hint) is list, where
        _agree(typing.get_args(hint)[0], node.get("items", {}), f"{where}[]")
    elif node.get("type") == "object" and isinstance(node.get("additionalProperties"), dict):
        assert typing.get_origin(hint) is dict, where
        key, value = typing.get_args(hint)
        assert key is str, where
        _agree(value, node["additionalProperties"], f"{where}{{}}")
    elif node.get("type") == "object" and "properties" in node:
        assert _is_typeddict(hint), f"{where}: a TypedDict for the nested object"
        assert isinstance(hint, type)
        _same_shape(hint, node, where)
    elif node.get("type") == "object":
        assert hint == ANY_OBJECT, where
    else:
        assert hint is SCALARS[node["type"]], where


def _same_shape(typed: type, node: dict[str, Any], where: str) -> None:
    hints = typing.get_type_hints(typed)
    assert set(hints) == set(node["properties"]), where
    required = typed.__required_keys__  # type: ignore[attr-defined]
    assert set(required) == set(node.get("required", [])), f"{where}: required keys"
    for key, child in node["properties"].items():
        _agree(hints[key], child, f"{where}.{key}")


def test_every_kind_has_a_body_type_and_a_schema() -> None:
    assert set(BODIES) == set(KINDS) == set(EVENT["properties"]["kind"]["enum"])
    for kind in KINDS:
        assert kind == "alert" or kind in EVENT["$defs"], kind


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_body_type_agrees_with_the_schema(kind: str) -> None:
    _same_shape(BODIES[kind], _schema_of(kind), kind)


def test_the_schema_checks_each_body_by_kind() -> None:
    """The envelope schema applies the kind's ``$defs`` to the body (allOf), so every test that
    validates real producers' events checks their bodies too."""
    envelope = {
        "v": 1,
        "kind": "session.end",
        "ts": "2026-11-25T10:00:00.000000Z",
        "session": "s",
        "n": 0,
        "client": "c",
        "server": "v",
        "body": {"reason": "client_closed"},
    }
    jsonschema.validate(envelope, EVENT)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**envelope, "body": {"reason": "bored"}}, EVENT)
    covered = {branch["if"]["properties"]["kind"]["const"] for branch in EVENT["allOf"]}
    assert covered == set(KINDS) - {"alert"}
