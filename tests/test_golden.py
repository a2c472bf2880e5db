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
    assert len(cases) == (6 if width == 80 else 4)
    for name, _ in cases:  # the golden files: test_rendering_matches_golden_file renders them
        text = (golden.GOLDEN / name).read_text("utf-8")
        assert max(cell_len(line) for line in text.splitlines()) <= width, name
        for head in ("失分", "Lost") if name.endswith(("zh.txt", "en.txt")) else ():
            if head in text:
                assert "标签" in text or "Tag" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "shop", ["sample_exports/douyin_verbatim", "tests/fixtures/metrics/shop_below_min_orders"]
)
def test_notes_and_names_are_whole_at_every_width(shop: str, lang: str) -> None:
    """Issue 12: a metric's notes are numbered ([1]) beside its name and listed once under the
    table, wrapped to the width; a long metric name folds onto a second line. At 60–120
    columns every line fits, and every note and name is there whole (whitespace aside, since
    wrapping adds line breaks): nothing is cut with an ellipsis."""
    import io
    import re

    from rich.cells import cell_len
    from rich.console import Console

    from shopscore import api
    from shopscore.engine.metrics import REGISTRY
    from shopscore.report.table import render_score
    from shopscore.report.texts import metric_notes

    (data,) = api.load(ROOT / shop)
    result = api.score(data, "douyin")
    fixes = api.fix_first(result, lang=lang)
    notes = list(dict.fromkeys(n for m in result.metrics for n in metric_notes(m, lang)))
    assert notes  # both shops have notes: the test checks something
    for width in (60, 80, 100, 120):  # one score rendered at each width, as compute prints it
        out = io.StringIO()
        render_score(result, Console(file=out, width=width, highlight=False, soft_wrap=False), lang, fixes)
        text = out.getvalue()
        assert max(cell_len(line) for line in text.splitlines()) <= width, width
        assert not re.search(r"…(?!\d)", text), width  # only date ranges (08-06…11-03) have …
        flat = re.sub(r"\s+", "", text)
        for number, note in enumerate(notes, start=1):  # numbered in order, each listed once
            assert flat.count(f"[{number}]" + re.sub(r"\s+", "", note)) == 1, (width, note)
        assert f"[{len(notes) + 1}]" not in flat
        # a name's lines are the first cells of consecutive lines (columns are 2+ spaces apart)
        firsts = "".join(re.split(r"\s{2,}", line.strip())[0] for line in text.splitlines())
        for m in result.metrics:
            assert re.sub(r"\s+", "", REGISTRY[m.id].name(lang)) in re.sub(r"\s+", "", firsts), (width, m.id)


def test_markdown_lists_each_note_once_under_the_table() -> None:
    """The Markdown report numbers notes like the terminal: "[n]" after the metric's name, the
    text once in a list under the table, also when several metrics share it."""
    text = golden.render(["compute", "tests/fixtures/metrics/shop_below_min_orders", "--format", "markdown"])
    shared = "缺“售后完结时间”列：补售后导出"
    assert text.count(shared) == 1
    (listed,) = [line for line in text.splitlines() if line.endswith(shared)]
    mark = listed.removeprefix("- ").split(" ")[0]
    rows = [line for line in text.splitlines() if line.startswith("| ") and f" {mark} |" in line]
    assert [r.split(" | ")[0] for r in rows] == [
        f"| 仅退款自主完结时长 {mark}",
        f"| 退货退款自主完结时长 {mark}",
    ]
    assert "<sub>" not in text
