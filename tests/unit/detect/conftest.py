"""Fixtures of the detector tests."""

from __future__ import annotations

import pytest

from tests.support.detect_records import Stream


@pytest.fixture
def stream() -> Stream:
    return Stream()
