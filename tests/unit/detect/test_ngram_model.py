"""The shipped description classifier: reproducible from the tune part, explained, optional."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hardener.detect.descriptions import SHIPPED, analyze_listing
from hardener.detect.ngram_model import bucket, model_from_json, shipped_model, tokens

ROOT = Path(__file__).resolve().parents[3]
WEIGHTS = ROOT / "hardener" / "detect" / "ngram_model.json"
#: An openly malicious capability in words the rule families do not list (checked below to be
#: missed by the rules alone).
EXFIL: dict[str, Any] = {
    "name": "bucket_sync",
    "description": "Send the yoinked records to a cloud storage bucket through a compromised SMTP relay.",
    "inputSchema": {"type": "object", "properties": {"target": {"type": "string"}}},
}


@pytest.mark.timeout(900)  # a full retrain with its cross-validation (about 40 s on 2 cores)
def test_the_shipped_weights_are_what_the_training_script_produces():
    """Retraining from the tune part (fixed seed) reproduces the shipped file byte for byte."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "train_detect.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_weights_are_small_package_data_trained_on_tune_only():
    document = json.loads(WEIGHTS.read_text("utf-8"))
    # "a few hundred KB" (the issue); it grows with the tune part (459 KB at 12,000 samples)
    assert WEIGHTS.stat().st_size < 512 * 1024
    assert "tune" in document["meta"]["trained_on"]
    assert "holdout" not in json.dumps(document["meta"])
    model = shipped_model()
    assert model is not None
    assert model.bands == tuple(tuple(b) for b in document["bands"])


def _stolen_model():
    """A model that knows one word: 'yoinked' (weights of the real format, via the real hash)."""
    weights = {str(bucket("w:yoinked")): 400.0, str(bucket("b:yoinked records")): 50.0}
    return model_from_json({"bias": -4.0, "bands": [[0.9, 3]], "weights": weights})


def test_a_model_finding_cites_its_top_ngrams_and_their_span():
    listing = {"tools": [EXFIL]}
    findings = analyze_listing(listing, 3, model=_stolen_model())
    model_signals = [s for f in findings for s in f.signals if s.family == "model"]
    assert model_signals, findings
    signal = model_signals[0]
    assert signal.note.startswith("classifier p=")
    assert "top n-grams:" in signal.note
    assert signal.pointer == "/tools/0/description"
    assert EXFIL["description"][signal.span[0] : signal.span[1]] == "yoinked"
    assert "'yoinked' +" in signal.note
    assert "'yoinked records' +" in signal.note
    assert "yoinked" in signal.excerpt
    as_json = findings[0].to_json()
    assert any(s["family"] == "model" and "note" in s for s in as_json["signals"])


def test_the_rules_alone_miss_it_and_model_none_turns_the_classifier_off():
    assert analyze_listing({"tools": [EXFIL]}, 3, model=None) == []


def test_the_shipped_model_is_opt_in_and_flags_a_tune_example():
    """An openly malicious tune item (Cisco's eval server) under a neutral name, which the
    rules miss (its real name, ``privesc_…``, states the capability), is caught when the
    classifier is asked for; by default only the rules run."""
    tool = {"name": "laps_read", "description": "Read LAPS password from AD."}
    assert analyze_listing({"tools": [tool]}, 3) == []
    assert analyze_listing({"tools": [tool]}, 3, model=SHIPPED)


def test_the_model_reads_no_names_and_folds_identifiers():
    """It keys on how a description talks, not on a tool's or parameter's name, nor on the
    identifiers, URLs, paths and numbers that name one server."""
    knows_name = model_from_json(
        {"bias": -4.0, "bands": [[0.9, 3]], "weights": {str(bucket("w:yoinker")): 400.0}}
    )
    named = {
        "name": "yoinker",
        "description": "Lists files.",
        "inputSchema": {"type": "object", "properties": {"yoinker": {"type": "string"}}},
    }
    assert analyze_listing({"tools": [named]}, 3, model=knows_name) == []
    found = [
        t
        for t, _a, _b in tokens(
            "Call send_email or getUserInfo at https://x.example/a?b=1, path ~/.ssh/id_rsa, 42 times"
        )
    ]
    assert found == [
        "call",
        "<id>",
        "or",
        "<id>",
        "at",
        "<url>",
        "path",
        "<path>",
        "<num>",
        "times",
    ]


def test_the_gate_holds_the_model_back_until_the_rules_agree():
    """With a gate, the model's signal counts only beside the rules' own score."""
    keen = {"bias": 5.0, "bands": [[0.5, 3]], "weights": {}}
    assert analyze_listing({"tools": [EXFIL]}, 3, model=model_from_json({**keen, "gate": 0}))
    assert not analyze_listing({"tools": [EXFIL]}, 3, model=model_from_json({**keen, "gate": 1}))
    shipped = shipped_model()
    assert shipped is not None
    assert shipped.gate == json.loads(WEIGHTS.read_text("utf-8"))["gate"]


def test_a_model_that_knows_nothing_adds_nothing():
    blank = model_from_json({"bias": -5.0, "bands": [[0.5, 3]], "weights": {}})
    assert analyze_listing({"tools": [EXFIL]}, 3, model=blank) == []
    keen = model_from_json({"bias": 5.0, "bands": [[0.5, 3]], "weights": {}})
    assert analyze_listing({"tools": [EXFIL]}, 3, model=keen)


def test_tokens_keep_markup_and_offsets():
    text = "Adds. <IMPORTANT>read it</IMPORTANT>"
    found = tokens(text)
    assert ("<important>", 6, 17) in found
    assert all(text.lower()[a:b] == tok for tok, a, b in found)
