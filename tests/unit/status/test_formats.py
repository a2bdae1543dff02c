"""Report rendering: verdict rules, the exact Jamf shape, one-line Intune JSON, the JSON schema."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from hardener.policy import load_schema
from hardener.status.formats import render_human, render_intune, render_jamf, render_json
from hardener.status.model import (
    CHECK_IDS,
    COMPLIANT,
    FAIL,
    NONCOMPLIANT,
    PASS,
    UNKNOWN,
    UNKNOWN_VERDICT,
    Check,
    LedgerFacts,
    Report,
    UserReport,
    verdict_of,
)

JAMF = re.compile(
    r"^<result>(COMPLIANT|NONCOMPLIANT [A-Za-z0-9_.:,\-]+; (?:[^;<>]+ )?seq=(\d+|-) head=([0-9a-f]{64}|-)"
    r"(?:; [^;<>]+ seq=(\d+|-) head=([0-9a-f]{64}|-))*)</result>\n$"
)
HEAD = "ab" * 32


def user(results: dict[str, str], *, name="alice", seq=41, informational=()) -> UserReport:
    checks = [
        Check(cid, results.get(cid, PASS), f"detail of {cid}", required=cid not in informational)
        for cid in CHECK_IDS
    ]
    return UserReport(
        name,
        f"/home/{name}",
        f"/home/{name}/.local/state/hardener",
        checks,
        LedgerFacts("log-1", seq, HEAD, "SHA256:abc"),
    )


def report(*users: UserReport) -> Report:
    return Report("0.1.0", "2026-11-25T00:00:00.000000Z", "host", list(users))


def test_verdict_fails_closed():
    assert verdict_of([Check("a", PASS, "")]) == COMPLIANT
    assert verdict_of([Check("a", PASS, ""), Check("b", UNKNOWN, "")]) == UNKNOWN_VERDICT
    assert verdict_of([Check("a", UNKNOWN, ""), Check("b", FAIL, "")]) == NONCOMPLIANT
    assert verdict_of([Check("a", FAIL, "", required=False)]) == COMPLIANT
    assert report().verdict == UNKNOWN_VERDICT
    assert not report().compliant


def test_jamf_compliant_is_exact():
    assert render_jamf(report(user({}))) == "<result>COMPLIANT</result>\n"


def test_jamf_noncompliant_names_checks_and_witness():
    text = render_jamf(report(user({"clients.wrapped": FAIL, "audit.fresh": UNKNOWN})))
    assert (
        text == f"<result>NONCOMPLIANT clients.wrapped,audit.fresh; seq=41 head={HEAD}</result>\n"
    )
    assert JAMF.match(text)


def test_jamf_informational_failures_do_not_count():
    text = render_jamf(report(user({"alerts.open": FAIL}, informational=("alerts.open",))))
    assert text == "<result>COMPLIANT</result>\n"


def test_jamf_several_users_and_none():
    text = render_jamf(report(user({}), user({"agent.running": FAIL}, name="bob", seq=None)))
    assert JAMF.match(text), text
    assert "bob:agent.running" in text
    assert "bob seq=- head=" in text
    assert JAMF.match(render_jamf(report()))


@pytest.mark.parametrize("results", [{}, {"agent.running": FAIL}, {"audit.chain": UNKNOWN}])
def test_intune_is_one_line_of_compact_json(results):
    text = render_intune(report(user(results)))
    assert text.endswith("\n")
    assert text.count("\n") == 1
    document = json.loads(text)
    assert document["compliant"] is (not results)
    assert document["seq"] == 41
    assert document["head"] == HEAD
    assert document["key_fingerprint"] == "SHA256:abc"
    for cid in CHECK_IDS:
        assert document[cid] == results.get(cid, PASS)
    assert all(not isinstance(v, dict | list) for v in document.values())
    assert len(text) < 2048


@pytest.mark.parametrize(
    "rep",
    [
        report(user({})),
        report(user({"clients.wrapped": FAIL})),
        report(user({}), user({"agent.running": FAIL}, name="bob")),
        report(),
    ],
)
def test_json_matches_the_schema(rep):
    document = json.loads(render_json(rep))
    jsonschema.validate(document, load_schema("status.schema.json"))
    assert document["compliant"] == rep.compliant
    assert len(document["checks"]) == (len(CHECK_IDS) if rep.users else 0)


def test_json_single_user_has_the_ledger_witness_and_merged_checks_for_many():
    single = json.loads(render_json(report(user({"agent.running": FAIL}))))
    assert single["ledger"] == {
        "log_id": "log-1",
        "seq": 41,
        "head": HEAD,
        "checkpoint_key_fingerprint": "SHA256:abc",
    }
    assert single["failing"] == ["agent.running"]
    many = json.loads(render_json(report(user({}), user({"agent.running": FAIL}, name="bob"))))
    merged = {c["id"]: c for c in many["checks"]}
    assert merged["agent.running"]["result"] == FAIL
    assert merged["agent.running"]["detail"].startswith("bob:")
    assert many["user"] is None
    assert many["failing"] == ["bob:agent.running"]


def test_human_puts_the_verdict_first():
    text = render_human(report(user({"audit.chain": FAIL})))
    lines = text.splitlines()
    assert lines[0].startswith("hardener status: NONCOMPLIANT")
    assert "audit.chain" in lines[0]
    assert sum(1 for line in lines if line.strip().startswith(("PASS", "FAIL", "UNKNOWN"))) == len(
        CHECK_IDS
    )
    assert f"seq=41 head={HEAD}" in text
