"""Fixtures shared by several test files."""

from __future__ import annotations

import pytest

from tests.test_robots import robot  # noqa: F401  (a local chat-robot webhook)


@pytest.fixture(autouse=True)
def _no_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """Renderings do not depend on the COLUMNS of whoever runs the tests (pytest-xdist
    workers set one): a test that wants a width sets it."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
