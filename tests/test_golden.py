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


@pytest.mark.parametrize("width", [80, 120])
def test_narrow_renderings_fit_their_width(width: int) -> None:
    """COLUMNS is honoured without a terminal, and every line fits: a narrow table drops the
    window and sample columns, never the score, points lost or tag."""
    from rich.cells import cell_len

    cases = [(name, args) for name, args in golden.CASES if f"_w{width}_" in name]
    assert len(cases) == 4
    for name, args in cases:
        text = golden.render(args)
        assert max(cell_len(line) for line in text.splitlines()) <= width, name
        for head in ("失分", "Lost") if name.endswith(("zh.txt", "en.txt")) else ():
            if head in text:
                assert "标签" in text or "Tag" in text
