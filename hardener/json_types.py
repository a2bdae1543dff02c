"""Type aliases for JSON data: what ``json.loads`` returns and ``json.dumps`` takes (L0 foundation).

``JSONValue`` is any JSON value, ``JSONObject`` an object. Use ``JSONObject``
for a dict built to be serialised, ``Mapping[str, object]`` for one that is only read or passed on
(``dict`` is invariant: a ``dict[str, str]`` is not a ``JSONObject``), and a TypedDict where the
shape is known (``hardener.event_bodies``). Imports nothing at run time beyond the aliases.
"""

from __future__ import annotations

from typing import TypeAlias

JSONScalar: TypeAlias = str | int | float | bool | None
JSONValue: TypeAlias = JSONScalar | list["JSONValue"] | dict[str, "JSONValue"]
JSONObject: TypeAlias = dict[str, JSONValue]
