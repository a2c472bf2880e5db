"""Fixtures shared by several test files."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.test_robots import robot  # noqa: F401  (a local chat-robot webhook)


@pytest.fixture(autouse=True)
def _no_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """Renderings do not depend on the COLUMNS of whoever runs the tests (pytest-xdist
    workers set one): a test that wants a width sets it."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)


@pytest.fixture(autouse=True, scope="session")
def _export_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The parsed-export cache lives in this run's temporary folder, shared by the xdist
    workers (as two runs share a seller's cache), never in the user's cache dir."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "export-cache"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHOPSCORE_CACHE_DIR", str(folder))
        mp.delenv("SHOPSCORE_NO_CACHE", raising=False)
        # agency folders are scored in this process (each worker process would import
        # shopscore again); tests/test_workers.py runs the worker processes themselves
        mp.setenv("SHOPSCORE_WORKERS", "1")
        yield
