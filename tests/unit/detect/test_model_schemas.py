"""The rule catalogue and the alert schemas stay consistent."""

from __future__ import annotations

import re

import jsonschema

from hardener.detect.model import RULES, SEVERITIES, Evidence, make_alert, raise_severity
from hardener.events import KINDS
from hardener.policy import load_schema


def test_every_rule_is_well_formed():
    pattern = re.compile(load_schema("alert.schema.json")["properties"]["rule"]["pattern"])
    for rule in RULES.values():
        assert pattern.match(rule.id), rule.id
        assert rule.severity in SEVERITIES
        assert rule.explanation.endswith(".")
        assert "\n" not in rule.explanation
        assert rule.remedy


def test_alerts_schema_embeds_the_alert_schema():
    alert = load_schema("alert.schema.json")
    embedded = load_schema("alerts.schema.json")["$defs"]["alert"]
    header = ("$schema", "$id", "title", "description")
    assert embedded == {k: v for k, v in alert.items() if k not in header}


def test_alert_body_validates():
    alert = make_alert(
        "definition.changed",
        "tool 'x' changed",
        evidence=[Evidence(seq=4, session="s", n=2, pointer="/tools/0", span=(1, 5), excerpt="ab")],
        client="c",
        server="s",
        tool="x",
    )
    body = alert.to_body()
    jsonschema.validate(body, load_schema("alert.schema.json"))
    assert body["remedy"] == RULES["definition.changed"].remedy
    assert body["evidence"] == [
        {"seq": 4, "session": "s", "n": 2, "pointer": "/tools/0", "excerpt": "ab", "span": [1, 5]}
    ]


def test_severity_arithmetic():
    assert raise_severity("low") == "medium"
    assert raise_severity("critical") == "critical"
    assert raise_severity("low", -1) == "low"


def test_pin_approve_is_an_event_kind():
    assert "pin.approve" in KINDS
    assert "pin.approve" in load_schema("event.schema.json")["properties"]["kind"]["enum"]
