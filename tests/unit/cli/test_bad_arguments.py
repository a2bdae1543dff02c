"""Arguments that used to reach the catch point as internal errors are usage errors now."""

from __future__ import annotations

import pytest

from hardener.errors import UsageError
from hardener.export.syslog import parse_url


@pytest.mark.parametrize(
    "url", ["udp://[bad", "udp://h:99999", "tcp://h:x", "http://h:514", "udp://"]
)
def test_a_bad_syslog_url_is_a_usage_error(url):
    with pytest.raises(UsageError) as raised:
        parse_url(url)
    assert "not a syslog URL" in raised.value.message


def test_a_good_syslog_url():
    assert parse_url("tls://[::1]:6514") == ("tls", "::1", 6514)
    assert parse_url("udp://127.0.0.1") == ("udp", "127.0.0.1", 514)


def test_alerts_since_further_back_than_any_clock(run_cli):
    result = run_cli("alerts", "--json", "--since", "99999999999d")
    assert result.code == 0, result.stderr
    assert result.json()["count"] == 0
