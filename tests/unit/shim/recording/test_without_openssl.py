"""The recorder process runs without OpenSSL (``process._without_openssl``): what it records must
be byte-for-byte what OpenSSL computes. A real interpreter with ``_hashlib`` blocked exactly as the
forked recorder blocks it redacts, fingerprints and hashes; the test process (OpenSSL) compares."""

from __future__ import annotations

import json
import subprocess
import sys

from hardener.canonical import sha256_of
from hardener.redact import Redactor, fingerprint

KEY = bytes(range(32))
VALUE = {
    "name": "deploy",
    "arguments": {"token": "ghp_" + "a1B2c3D4e5" * 4, "note": "café", "api_key": "x" * 40},
}

CHILD = """
import json, sys
from hardener.shim.recording.process import _without_openssl
_without_openssl()
from hardener.canonical import sha256_of
from hardener.redact import Redactor, fingerprint
key, value = bytes(range(32)), json.loads(sys.stdin.read())
done = Redactor(key).redact(value)
print(json.dumps({
    "openssl": "_hashlib" in sys.modules and sys.modules["_hashlib"] is not None,
    "fingerprint": fingerprint(key, "café"),
    "sha256": sha256_of(value),
    "redacted": done.value,
    "fingerprints": done.fingerprints,
}))
"""


def test_records_without_openssl_equal_those_with_it() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CHILD],
        input=json.dumps(VALUE),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    child = json.loads(out.stdout)
    assert child["openssl"] is False  # the child really ran on the built-in SHA-256
    assert "_hashlib" in sys.modules  # and this process on OpenSSL
    done = Redactor(KEY).redact(VALUE)
    assert child["fingerprint"] == fingerprint(KEY, "café")
    assert child["sha256"] == sha256_of(VALUE)
    assert child["redacted"] == done.value
    assert child["fingerprints"] == done.fingerprints
    assert done.fingerprints  # the secrets were found and fingerprinted
