"""The fast read of delimited text (polars' parallel reader, only the columns read) must
give what the careful read gives, cell for cell, row numbers, rejections and notes
included; whatever it cannot vouch for it leaves to the careful read."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopscore.loaders import text as text_module
from shopscore.loaders.discover import read_file
from shopscore.loaders.schemas import load_schema

SCHEMA = load_schema()
SAMPLE = Path(__file__).resolve().parents[1] / "sample_exports" / "douyin_flagship"
# the verbatim 抖店 order export's columns: read ones, unread ones, buyer data
HEADER = [
    "主订单编号",
    "子订单编号",
    "选购商品",
    "收件人",
    "订单提交时间",
    "支付完成时间",
    "订单状态",
    "详细地址",
]


@pytest.fixture(autouse=True)
def small_files_read_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast read is for files of 1 MB and more; these tests' small files take it too."""
    monkeypatch.setattr(text_module, "FAST_READ_BYTES", 1)


def outcome(path: Path, fast: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    """What the rest of shopscore sees of one file read one way."""
    monkeypatch.setattr(text_module, "FAST_READ", fast)
    got = read_file(path, SCHEMA)
    if got.error is not None:
        return ("error", got.error)
    return [
        (kind, t.report.to_json(), t.frame.to_dicts(), t.problems.to_dicts(), t.present)
        for kind, t in got.tables
    ]


def spy(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each fast read was kept (True) or left to the careful read (False)."""
    seen: list[bool] = []
    real = text_module._fast_rows

    def watched(*args: Any) -> Any:
        rows = real(*args)
        seen.append(rows is not None)
        return rows

    monkeypatch.setattr(text_module, "_fast_rows", watched)
    return seen


def write(path: Path, rows: list[list[str]], end: str = "\n", encoding: str = "utf-8") -> Path:
    def cell(c: str) -> str:
        return f'"{c.replace(chr(34), chr(34) * 2)}"' if any(x in c for x in ',"\r\n') else c

    lines = [",".join(HEADER)] + [",".join(cell(c) for c in r) for r in rows]
    path.write_bytes((end.join(lines) + end).encode(encoding))
    return path


def order(i: int) -> list[str]:
    return [
        f"\t49{i:017d}",
        f"49{i:017d}1",
        "纯棉T恤",
        "张三",
        "2026-08-01 09:59:00",
        "2026-08-01 10:00:00",
        "已完成",
        "北京市",
    ]


def test_a_tidy_export_is_read_fast_and_as_the_careful_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "订单导出.csv", [order(i) for i in range(300)], end="\r\n")
    careful = outcome(path, False, monkeypatch)
    seen = spy(monkeypatch)
    assert outcome(path, True, monkeypatch) == careful
    assert seen == [True]


@pytest.mark.parametrize(
    "rows",
    [
        [order(1), order(2)[:5], order(3)],  # a short row: padded by the careful read
        [order(1), [*order(2), "x"], order(3)],  # a long row
        [order(1), ["", *order(2)[1:]], order(3)],  # a blank first cell: the whole row is needed
        [order(1), ["合计", "", "", "", "", "", "", ""], order(3)],  # a totals row
        [order(1), ["", "", "", "合计", "", "", "", ""], order(3)],  # …its label in a column not read
        [order(1), ["", "", "", "张三", "", "", "", ""], order(3)],  # a value only where nothing reads
    ],
    ids=["short", "long", "blank-first-cell", "totals", "totals-unread", "unread-only"],
)
def test_rows_the_fast_read_cannot_vouch_for_read_as_the_careful_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[list[str]]
) -> None:
    path = write(tmp_path / "订单导出.csv", rows)
    assert outcome(path, True, monkeypatch) == outcome(path, False, monkeypatch)


def test_gbk_is_read_fast_from_the_decoded_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "订单导出.csv", [order(i) for i in range(50)], encoding="gb18030")
    careful = outcome(path, False, monkeypatch)
    seen = spy(monkeypatch)
    assert outcome(path, True, monkeypatch) == careful
    assert seen == [True]


def test_cr_line_endings_are_left_to_the_careful_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "订单导出.csv", [order(i) for i in range(20)], end="\r")
    careful = outcome(path, False, monkeypatch)
    seen = spy(monkeypatch)
    assert outcome(path, True, monkeypatch) == careful
    assert seen == [False]


def test_a_row_ended_by_a_lone_cr_is_left_to_the_careful_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """polars ends rows at LF only: a CR inside an LF file would join two rows (the row
    counts differ, and the careful read, which ends a row at CR too, is used)."""
    path = write(tmp_path / "订单导出.csv", [order(i) for i in range(20)])
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r", 5).replace(b"\r", b"\n", 4))
    careful = outcome(path, False, monkeypatch)
    seen = spy(monkeypatch)
    assert outcome(path, True, monkeypatch) == careful
    assert seen == [False]


def test_a_file_changed_between_the_two_reads_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "订单导出.csv", [order(i) for i in range(20)])
    real = text_module._fast_check

    def check_then_append(*args: Any) -> Any:
        verdict = real(*args)
        with path.open("ab") as fh:  # the browser writes the next chunk
            fh.write(",".join(order(99)).encode() + b"\n")
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
        return verdict

    monkeypatch.setattr(text_module, "_fast_check", check_then_append)
    got = read_file(path, SCHEMA)
    assert got.error == (
        "订单导出.csv: changed while it was being read; re-run when the download/save has finished"
    )


# cells a hostile export holds: quotes, delimiters, line breaks, blanks, totals, tabs
cell = st.one_of(
    st.sampled_from(
        ["", " ", "-", "合计", "总计", '"', '""', "a,b", "x\ny", "x\r\ny", "\t", "已完成", '12"披萨']
    ),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8),
    st.sampled_from(["2026-08-01 10:00:00", "2026/8/1 10:00", "45870.5", "4900000000000000001"]),
)
row = st.lists(cell, min_size=6, max_size=10)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.one_of(row, st.builds(order, st.integers(0, 10**6))), min_size=1, max_size=12),
    end=st.sampled_from(["\n", "\r\n"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_any_file_reads_the_same_fast_or_careful(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[list[str]], end: str, encoding: str
) -> None:
    def encodable(c: str) -> str:
        return c.encode(encoding, "replace").decode(encoding)

    path = write(tmp_path / "订单导出.csv", [[encodable(c) for c in r] for r in rows], end, encoding)
    fast = outcome(path, True, monkeypatch)
    assert fast == outcome(path, False, monkeypatch)


def test_frames_hold_only_the_columns_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Buyer data is never read into memory by the fast read (the careful read drops it
    when normalising)."""
    path = write(tmp_path / "订单导出.csv", [order(i) for i in range(10)])
    seen: list[pl.DataFrame] = []
    real = text_module._fast_rows

    def watched(*args: Any) -> Any:
        rows = real(*args)
        seen.append(rows.frame)
        return rows

    monkeypatch.setattr(text_module, "_fast_rows", watched)
    read_file(path, SCHEMA)
    (frame,) = seen
    assert "c3" not in frame.columns and "c7" not in frame.columns  # 收件人, 详细地址
    assert {"c0", "c1", "c5", "c6"} <= set(frame.columns)


@pytest.mark.parametrize("preset", [None, "dirty_decay_ms:5000"])
def test_the_command_returns_freed_memory_promptly_unless_told_otherwise(preset: str | None) -> None:
    """polars' allocator is told, before polars is imported, to hand freed pages back after
    100 ms (a seller's own setting is kept)."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    if preset is not None:
        env["_RJEM_MALLOC_CONF"] = preset
    code = (
        "import os, sys\n"
        f"sys.argv = ['shopscore', 'compute', {str(SAMPLE)!r}, '--format', 'json']\n"
        "from shopscore import cli\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "print('polars' in sys.modules, os.environ.get('_RJEM_MALLOC_CONF'), file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    imported, conf = out.stderr.strip().splitlines()[-1].split(" ")
    # polars puts its own defaults first; jemalloc takes the last value of each option
    assert imported == "True" and conf.endswith(preset or "dirty_decay_ms:100,muzzy_decay_ms:0")
