"""One canonical JSON: the shim's tool hash, the pin hash and argument fingerprints agree.

The shim (``shim/summaries``) and the pins (``detect/pins``) had their own ``canonical()``: the
pins' one raised ``UnicodeEncodeError`` on a lone surrogate (which JSON from a server can carry
through ``\\ud800``), the shim's did not. Hashes already stored (pin files, ``tools.list`` events in
ledgers) stay valid: for every value the old encoders accepted, the bytes are identical.
"""

from __future__ import annotations

import hashlib
import json

from hypothesis import given
from hypothesis import strategies as st

from hardener.canonical import canonical, sha256_of
from hardener.detect.pins import observe, pinned_view, tool_hash
from hardener.redact import Redactor
from hardener.shim.summaries import tool_entry

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def _old_pins(value: object) -> bytes:  # detect/pins.canonical before issue 16
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _old_shim(value: object) -> bytes:  # shim/summaries.canonical before issue 16
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8", "surrogatepass"
    )


@given(JSON)
def test_stored_hashes_stay_valid(value: object) -> None:
    try:
        old = _old_pins(value)
    except UnicodeEncodeError:
        old = None  # the old pins encoder could not hash it at all
    new = canonical(value)
    assert new == _old_shim(value)
    if old is not None:
        assert new == old


def test_a_lone_surrogate_now_hashes_the_same_everywhere() -> None:
    tool = json.loads('{"name": "t", "description": "bad \\ud800 text", "inputSchema": {}}')
    pinned = pinned_view(tool)
    # the shim's tools.list hash (real producer) and the pin hash agree on the pinned fields
    shim_hash = tool_entry(pinned, Redactor(b"k" * 32))["hash"]
    assert shim_hash == tool_hash(tool) == sha256_of(pinned)
    assert shim_hash == hashlib.sha256(_old_shim(pinned)).hexdigest()
    # and rug-pull pinning, which crashed on it before, pins it
    pins, _changes = observe(None, "c", "s", [tool], None)
    assert pins.tools["t"].hash == shim_hash
