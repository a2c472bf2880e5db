"""Hostile delimited-text files (SPEC §1 "What real exports look like", "Rows:"): each is
read right — rows counted and numbered as Excel/WPS shows them, every row kept, a
duplicate or rejected — or refused with a one-line error naming the file. One test per
family the fuzz run found, and a bounded property test over mutated 抖店 order exports."""

from __future__ import annotations

import codecs
import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopscore import api
from shopscore.loaders import text as text_module
from shopscore.loaders.discover import ShopData
from shopscore.loaders.readers import detect_encoding
from shopscore.loaders.report import FileReport
from shopscore.loaders.schemas import load_schema

# buyer data: never in any output, problem messages included
NAME, PHONE, ADDRESS = "张三丰", "13812345678", "北京市朝阳区幸福路88号"
PAID = "2026-08-01 10:00:00"


def shop_error(path: Path) -> str:
    """The one-line error of the one shop at ``path`` (a shop that cannot be read)."""
    (shop,) = api.load(path)
    assert shop.error is not None and "\n" not in shop.error
    return shop.error


def load1(path: Path) -> ShopData:
    shops = api.load(path)
    assert len(shops) == 1
    for f in shops[0].report.files:
        assert f.rows_read == f.rows_kept + f.duplicates + f.rejected, f
    return shops[0]


def report(shop: ShopData, name: str) -> FileReport:
    (found,) = [f for f in shop.report.files if Path(f.path).name == name]
    return found


def counts(f: FileReport) -> tuple[int, int, int]:
    """(rows_read, rows_kept, rejected)"""
    return f.rows_read, f.rows_kept, f.rejected


def problems(shop: ShopData, kind: str) -> list[tuple[int | None, str | None, str]]:
    df = shop.report.problems.filter(pl.col("kind") == kind)
    return sorted(df.select("row", "column", "message").rows(), key=lambda r: (r[0] or 0, r[1] or ""))


def rows_of(shop: ShopData, *cols: str) -> list[tuple[Any, ...]]:
    return shop.frames["orders"].sort("__row").select("__row", *cols).rows()


def out_json(shop: ShopData) -> str:
    return json.dumps(api.inspect_json(shop, api.load_profile(None)), ensure_ascii=False, default=str)


def order(i: int, paid: str = PAID) -> str:
    return f"{i},{i}1,纯棉T恤,{paid},已完成"


ORDER_HEADER = "主订单编号,子订单编号,选购商品,支付完成时间,订单状态"


# --- 1. line endings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "endings",
    [("\r", "\r", "\r", "\r", "\r"), ("\r\n", "\n", "\r", "\r\n", ""), ("\n", "\r", "\r\n", "\r", "\n")],
    ids=["cr-only", "mixed-1", "mixed-2"],
)
def test_cr_only_and_mixed_line_endings(tmp_path: Path, endings: tuple[str, ...]) -> None:
    lines = ["订单列表", ORDER_HEADER, order(1), order(2, "2026-08-02 11:00:00"), order(3)]
    (tmp_path / "o.csv").write_bytes("".join(a + b for a, b in zip(lines, endings, strict=True)).encode())
    shop = load1(tmp_path)
    f = report(shop, "o.csv")
    assert (f.header_row, f.preamble_rows) == (2, 1)
    assert counts(f) == (3, 3, 0)
    assert rows_of(shop, "order_id", "paid_at", "status") == [
        (3, "1", datetime(2026, 8, 1, 10), "已完成"),
        (4, "2", datetime(2026, 8, 2, 11), "已完成"),
        (5, "3", datetime(2026, 8, 1, 10), "已完成"),
    ]


# --- 2. quoted line breaks ---------------------------------------------------------------------


def test_quoted_line_breaks_are_one_row_in_title_rows_and_data(tmp_path: Path) -> None:
    text = (
        '"订单导出\n（含子订单）",\r\n'  # a title cell over two lines: one row
        '"导出时间：2026-10-20\r\n筛选：全部"\r\n'
        f"{ORDER_HEADER},快递信息\r\n"
        f'{order(1)},"中通快递 78123456789012\n圆通速递 YT8800000001"\r\n'
        '2,21,"儿童\n雨靴",2026-08-02 10:00:00,已完成,-\r\n'
        "3,31,纯棉T恤,not a time,已完成,-\r\n"  # rejected: its row number is the sheet's
        f"{order(4)},-\r\n"
    )
    (tmp_path / "o.csv").write_bytes(text.encode())
    shop = load1(tmp_path)
    f = report(shop, "o.csv")
    assert (f.header_row, f.preamble_rows) == (3, 2)
    assert counts(f) == (4, 3, 1)
    assert [(r, c) for r, c, _ in problems(shop, "rejected")] == [(6, "支付完成时间")]
    assert rows_of(shop, "order_id", "tracking_no") == [
        (4, "1", "78123456789012"),
        (5, "2", None),
        (7, "4", None),
    ]
    names = shop.frames["order_lines"].sort("order_id")["product_name"].to_list()
    assert names == ["纯棉T恤", "儿童\n雨靴", "纯棉T恤"]
    assert "导出时间" not in out_json(shop)  # title rows are counted, never echoed


def test_quoted_line_breaks_across_the_parser_blocks(tmp_path: Path) -> None:
    """8 MB of rows whose quoted cells hold line breaks — past the sniffed head, so the
    fast read first cuts its 4 MB blocks as if there were none: the rows still come out
    whole, in order, once each."""
    rows = [f'{i},{i}1,"纯棉T恤 {"x" * 100}",{PAID},已完成' for i in range(1, 3001)]
    rows += [f'{i},{i}1,"纯棉\nT恤 {"x" * 100}\r\n第{i}件",{PAID},已完成' for i in range(3001, 50_001)]
    path = tmp_path / "o.csv"
    path.write_bytes("\n".join([ORDER_HEADER, *rows]).encode())
    assert path.stat().st_size > 8 << 20
    raw = text_module.read_text(path, load_schema())
    assert raw.frame.height == 50_000 and not raw.rejects
    assert raw.frame["c0"].to_list() == [str(i) for i in range(1, 50_001)]
    assert raw.frame["c2"][49_999] == f"纯棉\nT恤 {'x' * 100}\r\n第50000件"


def test_a_header_row_broken_by_a_line_break_is_refused(tmp_path: Path) -> None:
    """An unquoted CR inside the header cuts it in two: the rows no longer match it."""
    header = "主订单编号,子订单编号,选购商品,支付完成时间,订单状态,快递\r信息,收件人,收件人手机号,详细地址"
    row = f"{order(1)},中通快递 78123456789012,{NAME},{PHONE},{ADDRESS}"
    (tmp_path / "o.csv").write_bytes(f"{header}\n{row}\n{row}\n".encode())
    err_msg = shop_error(tmp_path)
    assert err_msg == (
        "o.csv: most rows have 9 cells but the header row (row 1) has 6, and the extra cells hold "
        "values (a line break inside the header row, or columns without a name?); fix the header or "
        "re-export the file"
    )


def test_a_header_that_swallowed_a_data_row_is_refused(tmp_path: Path) -> None:
    lines = [f"{ORDER_HEADER},收件人手机号", f"{order(1)},{PHONE}", f"{order(2)},{PHONE}"]
    (tmp_path / "a.csv").write_bytes((lines[0] + lines[1] + "\n" + lines[2]).encode())  # lost line break
    (tmp_path / "b.csv").write_bytes(f'{ORDER_HEADER},"收件人手机号\n{lines[1]}"\n{lines[2]}'.encode())
    for name, why in [
        (
            "a.csv",
            "the header row (row 1) holds values as well as column names (a lost line break "
            "after it?); fix the file or re-export it",
        ),
        (
            "b.csv",
            "a quote in the header row (row 1) is not closed on that row, so the rows below ran "
            "into it; remove the stray quote or re-export the file",
        ),
    ]:
        folder = tmp_path / name.removesuffix(".csv")
        folder.mkdir()
        (tmp_path / name).rename(folder / name)
        err_msg = shop_error(folder)
        assert err_msg == f"{name}: {why}"
        assert PHONE not in err_msg


# --- 3. ragged rows ----------------------------------------------------------------------------

WIDE_HEADER = (
    "主订单编号,子订单编号,商品ID,选购商品,订单提交时间,支付完成时间,订单状态,取消原因,商家编码,商家备注"
)


def wide(i: int, tail: str = "-,SJ1,-") -> str:
    return f"{i},{i}1,P{i},纯棉T恤,{PAID},2026-08-0{i} 10:00:00,已完成,{tail}"


def test_ragged_rows_are_padded_trimmed_or_rejected_never_shifted(tmp_path: Path) -> None:
    text = "\n".join(
        [
            WIDE_HEADER,
            wide(1, "-,SJ1"),  # 9 cells: the missing trailing 商家备注 is optional → empty
            wide(2, "-,SJ1,-,,"),  # 12 cells, the extra ones empty → kept
            wide(3, "-,SJ,1,-,x"),  # 12 cells, not empty → rejected
            "4,41,P4,纯棉T恤,2026-08-01 10:00:00",  # 支付完成时间 missing → rejected
            wide(5),
            "6,61,P6",  # missing 订单提交时间 and 支付完成时间 (one of them is required)
            wide(7),
        ]
    )
    (tmp_path / "o.csv").write_bytes(text.encode())
    shop = load1(tmp_path)
    f = report(shop, "o.csv")
    assert counts(f) == (7, 4, 3)
    assert problems(shop, "rejected") == [
        (
            4,
            None,
            "row has 12 cells, the header 10; the extra cells are not empty: "
            "a cell with an unquoted delimiter?",
        ),
        (
            5,
            "支付完成时间",
            "row has 5 cells, the header 10; the missing cells include 支付完成时间, a required column: "
            "a row cut short or a lost delimiter?",
        ),
        (
            7,
            "订单提交时间",
            "row has 3 cells, the header 10; the missing cells include 订单提交时间, a required column: "
            "a row cut short or a lost delimiter?",
        ),
    ]
    assert problems(shop, "problem") == [
        (2, None, "row has fewer cells than the header (10): the missing cells at the end were read as empty")
    ]
    # the rows after a ragged row keep their values in their own columns
    assert rows_of(shop, "order_id", "paid_at", "status") == [
        (2, "1", datetime(2026, 8, 1, 10), "已完成"),
        (3, "2", datetime(2026, 8, 2, 10), "已完成"),
        (6, "5", datetime(2026, 8, 5, 10), "已完成"),
        (8, "7", datetime(2026, 8, 7, 10), "已完成"),
    ]


def test_first_data_row_shorter_than_the_header(tmp_path: Path) -> None:
    (tmp_path / "o.csv").write_bytes(f"{WIDE_HEADER}\n{wide(1, '-')}\n{wide(2)}\n".encode())
    shop = load1(tmp_path)
    assert counts(report(shop, "o.csv")) == (2, 2, 0)
    assert rows_of(shop, "order_id", "paid_at") == [
        (2, "1", datetime(2026, 8, 1, 10)),
        (3, "2", datetime(2026, 8, 2, 10)),
    ]


def test_every_row_with_a_trailing_delimiter_the_header_lacks(tmp_path: Path) -> None:
    """Read in bulk (not row by row): the extra cells are empty, so they are dropped."""
    rows = [f"{order(i)}," for i in range(1, 31)]
    rows[9] = f"{order(10)},加急"  # not empty: rejected
    rows[19] = ",,,,,"  # blank: counted nowhere
    (tmp_path / "o.csv").write_bytes("\r\n".join([ORDER_HEADER, *rows]).encode())
    shop = load1(tmp_path)
    assert counts(report(shop, "o.csv")) == (29, 28, 1)
    assert problems(shop, "rejected") == [
        (
            11,
            None,
            "row has 6 cells, the header 5; the extra cells are not empty: "
            "a cell with an unquoted delimiter?",
        )
    ]
    assert problems(shop, "problem") == []
    got = rows_of(shop, "order_id", "status")
    assert len(got) == 28 and got[-1] == (31, "30", "已完成")


def test_every_row_lacking_its_last_cells(tmp_path: Path) -> None:
    """Missing trailing optional cells are read as empty (noted, 20 then a count); a row
    lacking a required column is rejected."""
    header = f"{ORDER_HEADER},取消原因,商家备注"
    rows = [order(i) for i in range(1, 27)]
    rows[0] = f"{order(1)},-,加急"  # complete
    rows[5] = "6,61,纯棉T恤"  # 支付完成时间 missing
    (tmp_path / "o.csv").write_bytes("\n".join([header, *rows]).encode())
    shop = load1(tmp_path)
    assert counts(report(shop, "o.csv")) == (26, 25, 1)
    missing = (
        "row has 3 cells, the header 7; the missing cells include 支付完成时间, a required column: "
        "a row cut short or a lost delimiter?"
    )
    assert problems(shop, "rejected") == [(7, "支付完成时间", missing)]
    note = "row has fewer cells than the header (7): the missing cells at the end were read as empty"
    got = problems(shop, "problem")
    assert got[0] == (None, None, "… and 4 more rows with missing cells at the end")
    assert got[1:] == [(r, None, note) for r in [3, 4, 5, 6, *range(8, 24)]]
    assert rows_of(shop, "order_id", "paid_at")[-1] == (27, "26", datetime(2026, 8, 1, 10))


def test_every_row_lacking_a_required_last_cell_is_rejected(tmp_path: Path) -> None:
    header = "主订单编号,子订单编号,选购商品,订单状态,支付完成时间"
    rows = [f"{i},{i}1,纯棉T恤,已完成" for i in range(1, 6)] + [f"6,61,纯棉T恤,已完成,{PAID}"]
    (tmp_path / "o.csv").write_bytes("\n".join([header, *rows]).encode())
    shop = load1(tmp_path)
    assert counts(report(shop, "o.csv")) == (6, 1, 5)
    assert {(r, c) for r, c, _ in problems(shop, "rejected")} == {(r, "支付完成时间") for r in range(2, 7)}
    assert rows_of(shop, "order_id", "paid_at") == [(7, "6", datetime(2026, 8, 1, 10))]


def test_ragged_rows_never_move_buyer_data_into_read_columns(tmp_path: Path) -> None:
    header = "主订单编号,子订单编号,支付完成时间,订单状态,收件人,收件人手机号,详细地址,订单完成时间,商家备注"
    buyer = f"{NAME},{PHONE},{ADDRESS}"
    text = "\n".join(
        [
            header,
            f"1,11,{PAID},已完成,{buyer},2026-08-09 10:00:00,-",
            f"2,21,{PAID},已完成{NAME},{PHONE},{ADDRESS},2026-08-09 10:00:00,-",  # a lost delimiter
            f"3,31,{PAID},已完成,{NAME},{PHONE},北京市,朝阳区,2026-08-09 10:00:00,-",  # an unquoted one
            f"4,41,{PAID},已完成,{buyer},2026-08-09 10:00:00",  # the last cell cut: 订单完成时间 is read
            f"5,51,{PAID},已完成,{buyer},2026-08-09 10:00:00,-",
            f'6,61,{PAID},"已完成,{buyer},2026-08-09 10:00:00,-',  # a quote never closed
        ]
    )
    (tmp_path / "o.csv").write_bytes(text.encode())
    shop = load1(tmp_path)
    assert counts(report(shop, "o.csv")) == (6, 2, 4)
    moved = "cells may have moved into other columns (a lost delimiter or a stray quote?)"
    assert problems(shop, "rejected") == [
        (3, None, f"row has 8 cells, the header 9; {moved}"),
        (4, None, f"row has 10 cells, the header 9; {moved}"),  # its extra cell is empty (-)
        (5, None, f"row has 8 cells, the header 9; {moved}"),
        (7, None, f"row has 4 cells, the header 9; {moved}"),
    ]
    assert rows_of(shop, "order_id", "completed_at") == [
        (2, "1", datetime(2026, 8, 9, 10)),
        (6, "5", datetime(2026, 8, 9, 10)),
    ]
    out = out_json(shop)
    assert NAME not in out and PHONE not in out and "朝阳区" not in out


# --- 4. quotes inside unquoted cells ------------------------------------------------------------


def test_quote_inside_an_unquoted_cell_is_a_character(tmp_path: Path) -> None:
    text = f'{ORDER_HEADER}\n1,11,12"披萨,{PAID},已完成\n2,21,5" 屏 手机膜,{PAID},已完成\n{order(3)}\n'
    (tmp_path / "o.csv").write_bytes(text.encode())
    shop = load1(tmp_path)
    assert counts(report(shop, "o.csv")) == (3, 3, 0)
    names = shop.frames["order_lines"].sort("order_id")["product_name"].to_list()
    assert names == ['12"披萨', '5" 屏 手机膜', "纯棉T恤"]


# --- 5. absurd widths, big cells -----------------------------------------------------------------


def test_a_header_of_100000_columns_is_refused_in_one_line(tmp_path: Path) -> None:
    header = ORDER_HEADER + "," + ",".join(f"列{i}" for i in range(99_995))
    (tmp_path / "o.csv").write_bytes(f"{header}\n{order(1)}\n".encode())
    err_msg = shop_error(tmp_path)
    assert err_msg == (
        "o.csv: has 100000 columns in its header row; an export has at most a few hundred — "
        "is this the right file?"
    )


def test_a_one_megabyte_cell_is_read(tmp_path: Path) -> None:
    big = "长" * 1_000_000
    text = f'{ORDER_HEADER}\n1,11,"{big}\n第二行",{PAID},已完成\n2,21,{big},{PAID},已完成\n{order(3)}\n'
    (tmp_path / "o.csv").write_bytes(text.encode())
    shop = load1(tmp_path)
    assert counts(report(shop, "o.csv")) == (3, 3, 0)
    lengths = shop.frames["order_lines"].sort("order_id")["product_name"].str.len_chars().to_list()
    assert lengths == [1_000_004, 1_000_000, 4]
    assert rows_of(shop, "order_id")[-1] == (4, "3")


# --- 6. a file that changes while it is read ---------------------------------------------------


def test_a_file_still_being_written_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "o.csv"
    path.write_bytes(f"{ORDER_HEADER}\n{order(1)}\n".encode())

    def read_while_written(fh: Any) -> bytes:
        data: bytes = fh.read()
        with path.open("ab") as other:  # the browser appends the next chunk
            other.write(f"{order(2)}\n".encode())
        return data

    monkeypatch.setattr(text_module, "_read_all", read_while_written)
    err_msg = shop_error(tmp_path)
    assert err_msg == ("o.csv: changed while it was being read; re-run when the download/save has finished")


# --- 7. undecodable bytes -----------------------------------------------------------------------


def test_one_bad_byte_keeps_a_utf8_export_utf8_and_names_the_cell(tmp_path: Path) -> None:
    rows = [ORDER_HEADER] + [order(i) for i in range(1, 4)]
    data = "\n".join(rows).encode().replace("纯棉T恤".encode(), "纯棉T".encode() + b"\xff", 1)
    (tmp_path / "o.csv").write_bytes(data)
    assert detect_encoding(data, truncated=False) == "utf-8"
    shop = load1(tmp_path)
    assert counts(report(shop, "o.csv")) == (3, 3, 0)
    assert problems(shop, "problem") == [
        (2, "选购商品", "bytes not valid UTF-8 were replaced (\ufffd); re-save the file as UTF-8")
    ]
    names = shop.frames["order_lines"].sort("order_id")["product_name"].to_list()
    assert names == ["纯棉T\ufffd", "纯棉T恤", "纯棉T恤"]
    assert shop.frames["orders"]["status"].to_list() == ["已完成"] * 3  # no mojibake


def test_bad_bytes_are_noted_20_per_column_then_counted(tmp_path: Path) -> None:
    rows = [ORDER_HEADER] + [order(i) for i in range(1, 26)]
    data = "\n".join(rows).encode().replace("已完成".encode(), "已完".encode() + b"\xfe")
    # past the sniffed head (256 KiB): the bad bytes are found when the rows are read
    data = data.replace(b"\n", b"\n" + b" " * 300_000, 1)
    (tmp_path / "o.csv").write_bytes(data)
    shop = load1(tmp_path)
    got = problems(shop, "problem")
    msg = "bytes not valid UTF-8 were replaced (\ufffd); re-save the file as UTF-8"
    assert got[0] == (None, "订单状态", "… and 5 more such cells in this column")
    assert got[1:] == [(r, "订单状态", msg) for r in range(2, 22)]


def test_gbk_after_an_ascii_head_is_decided_on_the_whole_file(tmp_path: Path) -> None:
    header = "Order ID,Product Name,Paid Time,Order Status"
    rows = [
        f"{i},{'Tee' if i < 8000 else '纯棉T恤'},{PAID},{'done' if i < 8000 else '已完成'}"
        for i in range(1, 8003)
    ]
    data = "\r\n".join([header, *rows]).encode("gbk")
    assert data[: 256 * 1024].isascii()
    (tmp_path / "o.csv").write_bytes(data)
    shop = load1(tmp_path)
    assert counts(report(shop, "o.csv")) == (8002, 8002, 0)
    assert problems(shop, "problem") == []
    assert shop.frames["orders"].sort("__row")["status"].to_list()[-4:] == ["done", *["已完成"] * 3]


def test_gb18030_export_with_an_undecodable_byte(tmp_path: Path) -> None:
    rows = [ORDER_HEADER] + [order(i) for i in range(1, 4)]
    data = "\r\n".join(rows).encode("gb18030").replace("纯棉T恤".encode("gb18030"), b"\xff\xff", 1)
    (tmp_path / "o.csv").write_bytes(data)
    assert detect_encoding(data, truncated=False) == "gb18030"
    shop = load1(tmp_path)
    assert counts(report(shop, "o.csv")) == (3, 3, 0)
    msg = "bytes not valid GB18030 (GBK) were replaced (\ufffd); re-save the file as UTF-8"
    assert problems(shop, "problem") == [(2, "选购商品", msg)]
    assert shop.frames["orders"]["status"].to_list() == ["已完成"] * 3


def test_encoding_evidence() -> None:
    text = "主订单编号,选购商品\n1,纯棉T恤\n2,儿童雨靴\n"
    assert detect_encoding(text.encode()) == "utf-8"
    assert detect_encoding(codecs.BOM_UTF8 + text.encode()) == "utf-8-sig"
    assert detect_encoding(text.encode("gbk")) == "gb18030"
    assert detect_encoding(text.encode("gbk") + b"\xff") == "gb18030"
    assert detect_encoding(text.encode()[:-2] + b"\xff" + text.encode()) == "utf-8"
    assert detect_encoding(text.encode()[:17], truncated=True) == "utf-8"  # a character cut by the window
    assert detect_encoding(codecs.BOM_UTF16_LE + text.encode("utf-16-le")) == "utf-16"
    assert detect_encoding(text.encode("utf-16-le")) == "utf-16-le"  # no BOM: every other byte NUL


# --- 8. names a glob would expand ---------------------------------------------------------------


def test_brackets_and_wildcards_in_file_names_are_not_globs(tmp_path: Path) -> None:
    (tmp_path / "订单导出[1].csv").write_bytes(f"{ORDER_HEADER}\n{order(1)}\n{order(2)}\n".encode())
    (tmp_path / "订单导出1.csv").write_bytes(f"{ORDER_HEADER}\n{order(3)}\n".encode())
    (tmp_path / "订单导出*.csv").write_bytes(f"{ORDER_HEADER}\n{order(4)}\n".encode())
    shop = load1(tmp_path)
    assert counts(report(shop, "订单导出[1].csv")) == (2, 2, 0)
    assert counts(report(shop, "订单导出1.csv")) == (1, 1, 0)
    assert counts(report(shop, "订单导出*.csv")) == (1, 1, 0)
    assert sorted(shop.frames["orders"]["order_id"].to_list()) == ["1", "2", "3", "4"]


# --- 9. a header and rows with different delimiters -----------------------------------------------


def test_comma_header_over_tab_rows(tmp_path: Path) -> None:
    rows = [
        order(1).replace(",", "\t"),
        order(2),
        order(3).replace(",", "\t"),
        "4\t41\t纯棉T恤,大码\t" + PAID,
    ]
    (tmp_path / "o.csv").write_bytes("\r\n".join([ORDER_HEADER, *rows]).encode())
    shop = load1(tmp_path)
    assert counts(report(shop, "o.csv")) == (4, 4, 0)
    assert rows_of(shop, "order_id", "paid_at", "status") == [
        (2, "1", datetime(2026, 8, 1, 10), "已完成"),
        (3, "2", datetime(2026, 8, 1, 10), "已完成"),
        (4, "3", datetime(2026, 8, 1, 10), "已完成"),
        (5, "4", datetime(2026, 8, 1, 10), None),
    ]
    names = shop.frames["order_lines"].sort("order_id")["product_name"].to_list()
    assert names[-1] == "纯棉T恤,大码"


# --- 10. empty and header-only files --------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"", b"\r\n\n\r\n", b" \n\t\n", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\r\n", codecs.BOM_UTF16_LE],
    ids=["empty", "blank-lines", "whitespace", "bom-only", "bom-newline", "utf16-bom-only"],
)
def test_empty_files_are_skipped_with_a_reason(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "o.csv").write_bytes(content)
    (tmp_path / "orders.csv").write_bytes(f"{ORDER_HEADER}\n{order(1)}\n".encode())
    shop = load1(tmp_path)
    assert report(shop, "o.csv").skipped == "no header row recognised"
    assert counts(report(shop, "orders.csv")) == (1, 1, 0)


@pytest.mark.parametrize("tail", ["", "\n", "\r\n\r\n", "\n,,,,\n"])
def test_a_header_only_file_has_no_rows(tmp_path: Path, tail: str) -> None:
    (tmp_path / "o.csv").write_bytes(codecs.BOM_UTF8 + (ORDER_HEADER + tail).encode())
    shop = load1(tmp_path)
    f = report(shop, "o.csv")
    assert (f.dataset, f.header_row) == ("orders", 1)
    assert counts(f) == (0, 0, 0)
    assert shop.frames["orders"].height == 0


# --- the property: whatever the damage, refused in one line or accounted for --------------------

FUZZ_HEADER = [
    "主订单编号",
    "子订单编号",
    "选购商品",
    "订单提交时间",
    "支付完成时间",
    "订单状态",
    "快递信息",
    "收件人",
    "收件人手机号",
    "详细地址",
    "商家备注",
]


def fuzz_base() -> str:
    """A small 抖店 order export as downloaded: text cells quoted with a leading tab, ``-``
    for empty, one unpaid order, and the buyer's name, phone and address in clear."""
    lines = [",".join(FUZZ_HEADER)]
    for i in range(1, 7):
        oid = f"49000000000{i:02d}"
        paid, status = ("-", "待支付") if i == 4 else (f"2026-08-0{i} 10:01:00", "已完成")
        lines.append(
            f'"\t{oid}","\t{oid}1","\t纯棉T恤, L",2026-08-0{i} 10:00:00,{paid},{status},'
            f'"\t中通快递 78{i:012d}",{NAME},{PHONE},{ADDRESS},-'
        )
    return "\n".join(lines) + "\n"


_CLEAN_STRIP = " \t\r\n\u3000\ufeff\u200b"


def _empty_cell(cell: str) -> bool:
    cell = cell.strip(_CLEAN_STRIP)
    if cell.startswith('="') and cell.endswith('"'):
        cell = cell[2:-1].strip(" \t\u3000")
    elif cell.startswith("'"):
        cell = cell[1:]
    return cell in ("", "-", "--")


def _records_after_header(data: bytes, header_row: int) -> int:
    """Non-empty records after the header, as Python's csv module cuts the file."""
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    records = list(csv.reader(io.StringIO(text, newline="")))
    return sum(1 for r in records[header_row:] if not all(_empty_cell(c) for c in r))


_mutation = st.one_of(
    st.tuples(st.just("endings"), st.lists(st.sampled_from(["\n", "\r", "\r\n"]), min_size=1, max_size=8)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.sampled_from([",", '"', ",,", '",', ",x,", "\n", "\t"])),
    st.tuples(st.just("delete"), st.floats(0, 1), st.sampled_from([",", '"', "\n"])),
    st.tuples(st.just("bytes"), st.floats(0, 1), st.binary(min_size=1, max_size=4)),
    st.tuples(st.just("truncate"), st.floats(0.3, 1)),
)


def _mutate(data: bytes, mutation: tuple[Any, ...]) -> bytes:
    kind = mutation[0]
    if kind == "endings":
        lines = data.split(b"\n")
        ends = [e.encode() for e in mutation[1]]
        return b"".join(line + ends[i % len(ends)] for i, line in enumerate(lines[:-1])) + lines[-1]
    if kind == "truncate":
        return data[: int(mutation[1] * len(data))]
    at = int(mutation[1] * len(data))
    if kind == "insert":
        return data[:at] + mutation[2].encode() + data[at:]
    if kind == "bytes":
        return data[:at] + mutation[2] + data[at:]
    target = mutation[2].encode()  # delete the first such character from ``at`` on
    i = data.find(target, at)
    if i < 0:
        i = data.find(target)
    return data if i < 0 else data[:i] + data[i + 1 :]


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(mutations=st.lists(_mutation, min_size=1, max_size=4), bom=st.booleans())
def test_mutated_exports_are_read_or_refused(tmp_path: Path, mutations: list[Any], bom: bool) -> None:
    """Whatever the damage (line endings, delimiters and quotes inserted or deleted, random
    bytes, truncation): a one-line error naming the file, or every row accounted for and
    counted as Python's csv module cuts the file — and the buyer's data in no output."""
    folder = tmp_path / "fuzz"
    folder.mkdir(exist_ok=True)
    data = fuzz_base().encode()
    for m in mutations:
        data = _mutate(data, m)
    if bom:
        data = codecs.BOM_UTF8 + data
    (folder / "订单导出.csv").write_bytes(data)
    (folder / "投诉记录.csv").write_bytes(
        "投诉单号,订单编号,投诉时间\nT1,4900000000001,2026-08-09 10:00:00\n".encode()
    )
    (shop,) = api.load(folder)
    if shop.error is not None:
        assert "\n" not in shop.error and "订单导出.csv" in shop.error, shop.error
        return
    for f in shop.report.files:
        assert f.rows_read == f.rows_kept + f.duplicates + f.rejected, f
    f = report(shop, "订单导出.csv")
    if f.skipped is None:
        assert f.header_row is not None
        assert f.rows_read == _records_after_header(data, f.header_row), (f, data)
    out = out_json(shop)
    for secret in (NAME, PHONE, ADDRESS):
        assert secret not in out, (secret, data)
