"""Rendered reports of the sample shops against golden files (scripts/update_golden.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("update_golden", ROOT / "scripts" / "update_golden.py")
assert _spec and _spec.loader
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)


@pytest.mark.parametrize(("name", "args"), golden.CASES, ids=[c[0] for c in golden.CASES])
def test_rendering_matches_golden_file(name: str, args: list[str]) -> None:
    expected = (golden.GOLDEN / name).read_text("utf-8")
    assert golden.render(args) == expected, (
        f"run python scripts/update_golden.py if {name} changed on purpose"
    )
