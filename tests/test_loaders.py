"""The loaders end to end (SPEC §1): small hand-made export files in ``tmp_path``, each test
asserting exactly which rows are kept, duplicated, conflicting or rejected, and the parsed
values. Encodings are written as bytes; workbooks are built with openpyxl."""

from __future__ import annotations

import codecs
import csv
import io
import os
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest

from shopscore import api
from shopscore.errors import ShopscoreError
from shopscore.loaders.discover import ShopData
from shopscore.loaders.report import FileReport

# a copy of ../shared/export-examples/douyin, so CI has it
EXAMPLES = Path(__file__).parent / "fixtures" / "export_examples"
PAID = "2026-08-01 10:00:00"

# --- helpers ------------------------------------------------------------------------------


def csv_text(rows: list[list[Any]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def write_csv(
    path: Path,
    rows: list[list[Any]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    bom: bytes = b"",
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bom + csv_text(rows, delimiter).encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def load1(path: Path, **kwargs: Any) -> ShopData:
    shops = api.load(path, **kwargs)
    assert len(shops) == 1
    shop = shops[0]
    for f in shop.report.files:  # SPEC §1: every row is kept, a duplicate or rejected
        assert f.rows_read == f.rows_kept + f.duplicates + f.rejected, f
    return shop


def shop_error(path: Path) -> str:
    """The one-line error of the one shop at ``path`` (a shop that cannot be read)."""
    (shop,) = api.load(path)
    assert shop.error is not None and "\n" not in shop.error
    return shop.error


def file_report(shop: ShopData, name: str, sheet: str | None = None) -> FileReport:
    found = [
        f for f in shop.report.files if Path(f.path).name == name and (sheet is None or f.sheet == sheet)
    ]
    assert len(found) == 1, [(f.path, f.sheet) for f in shop.report.files]
    return found[0]


def counts(f: FileReport) -> tuple[int, int, int, int, int]:
    """(rows_read, rows_kept, duplicates, conflicts, rejected)"""
    return (f.rows_read, f.rows_kept, f.duplicates, f.conflicts, f.rejected)


def problems(shop: ShopData, kind: str | None = None) -> list[tuple[str, int | None, str | None]]:
    """(file name, row, column) of each problem, sorted."""
    df = shop.report.problems
    if kind is not None:
        df = df.filter(pl.col("kind") == kind)
    rows = [(Path(p).name, r, c) for p, r, c in df.select("path", "row", "column").rows()]
    return sorted(rows, key=lambda r: (r[0], r[1] or 0))


def messages(shop: ShopData, kind: str | None = None) -> dict[int | None, str]:
    df = shop.report.problems
    if kind is not None:
        df = df.filter(pl.col("kind") == kind)
    return dict(df.select("row", "message").rows())


def column(shop: ShopData, dataset: str, col: str, by: str) -> dict[Any, Any]:
    """``col`` per ``by`` value (``by`` unique)."""
    df = shop.frames[dataset]
    assert df[by].n_unique() == df.height
    return dict(df.select(by, col).rows())


ORDER_HEADER = ["主订单编号", "子订单编号", "商品ID", "选购商品", "订单提交时间", "支付完成时间", "订单状态"]


def orders_rows(*ids: str) -> list[list[str]]:
    """An orders file with one single-line order per id (sub-order id = main id)."""
    return [ORDER_HEADER] + [[i, i, "P1", "纯棉T恤", PAID, PAID, "已完成"] for i in ids]


# --- encodings and delimiters ---------------------------------------------------------------

ENC_ROWS = [
    ["主订单编号", "选购商品", "支付完成时间", "订单状态"],
    ["1001", "纯棉T恤", "2026-08-01 10:00:00", "已完成"],
    ["1002", "儿童雨靴", "2026-08-02 11:30:00", "待发货"],
]


@pytest.mark.parametrize(
    ("name", "encoding", "bom", "delimiter"),
    [
        ("utf8.csv", "utf-8", b"", ","),
        ("utf8-bom.csv", "utf-8", codecs.BOM_UTF8, ","),
        ("gbk.csv", "gbk", b"", ","),
        ("gb18030.csv", "gb18030", b"", ","),
        ("utf8-tab.tsv", "utf-8", b"", "\t"),
        ("gbk-tab.txt", "gbk", b"", "\t"),
        ("unicode-text.txt", "utf-16-le", codecs.BOM_UTF16_LE, "\t"),  # Excel "Unicode text"
    ],
)
def test_text_encodings_and_delimiters(
    tmp_path: Path, name: str, encoding: str, bom: bytes, delimiter: str
) -> None:
    write_csv(tmp_path / name, ENC_ROWS, encoding=encoding, bom=bom, delimiter=delimiter)
    shop = load1(tmp_path)
    f = file_report(shop, name)
    assert f.dataset == "orders"
    assert f.header_row == 1
    assert counts(f) == (2, 2, 0, 0, 0)
    assert f.unmapped_columns == []
    # the BOM is not part of the first header: 主订单编号 is recognised as order_id
    assert f.columns["order_id"] == "主订单编号"
    orders = shop.frames["orders"]
    assert orders["order_id"].to_list() == ["1001", "1002"]
    assert orders["status"].to_list() == ["已完成", "待发货"]
    assert orders["paid_at"].to_list() == [datetime(2026, 8, 1, 10), datetime(2026, 8, 2, 11, 30)]
    assert shop.frames["order_lines"]["product_name"].to_list() == ["纯棉T恤", "儿童雨靴"]


def test_short_gbk_file_with_one_trailing_character(tmp_path: Path) -> None:
    # the only non-ASCII bytes are the last two: still GBK, not a cut UTF-8 character
    text = "Order ID,Paid Time,Order Status\r\n1,2026-08-01 10:00:00,是"
    (tmp_path / "o.csv").write_bytes(text.encode("gbk"))
    shop = load1(tmp_path)
    assert shop.frames["orders"]["status"].to_list() == ["是"]


def test_gb18030_four_byte_characters(tmp_path: Path) -> None:
    # 𠮷 is outside GBK: only GB18030 encodes it
    rows = [ENC_ROWS[0], ["1001", "𠮷野家便当", PAID, "已完成"]]
    write_csv(tmp_path / "gb18030.csv", rows, encoding="gb18030")
    shop = load1(tmp_path)
    assert shop.frames["order_lines"]["product_name"].to_list() == ["𠮷野家便当"]


def test_utf16_unicode_text_with_preamble(tmp_path: Path) -> None:
    text = "评价列表\r\n导出时间：2026-10-20 10:00:00\r\n\r\n" + csv_text(
        [
            ["订单ID", "评价时间", "商品评分"],
            ["1", "2026-08-01 10:00:00", "5"],
            ["2", "2026-08-02 10:00:00", "4"],
        ],
        "\t",
    )
    (tmp_path / "评价.txt").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    shop = load1(tmp_path)
    f = file_report(shop, "评价.txt")
    assert f.dataset == "reviews"
    assert f.header_row == 4
    assert counts(f) == (2, 2, 0, 0, 0)  # the preamble rows are not data rows
    assert column(shop, "reviews", "product_rating", "order_id") == {"1": 5, "2": 4}


# --- XLSX --------------------------------------------------------------------------------------


def test_xlsx_preamble_datetime_cells_and_notes_sheet(tmp_path: Path) -> None:
    write_xlsx(
        tmp_path / "评价管理.xlsx",
        {
            "评价列表": [
                ["评价管理 - 评价列表"],
                ["导出时间：2026-10-20 10:00:00"],
                ["评价ID", "订单ID", "商品ID", "评价时间", "商品评分", "评价等级"],
                ["R1", "1001", "55", datetime(2026, 8, 1, 9, 5, 3), 5, "好评"],
                ["R2", 1002, 55, datetime(2026, 8, 2), 3, "中评"],  # number cells for ids
                ["R3", "1003", "55", date(2026, 8, 3), None, "差评"],  # a date cell
                ["R4", "1004", "55", "2026年8月4日 10:11:12", "★★★★", None],
                ["R5", "1005", "55", "2026-08-05 10:00:00", "七星", None],
            ],
            "说明": [["本表说明"], ["评分为 1-5 分"]],
            "空表": [],
        },
    )
    shop = load1(tmp_path)
    data = file_report(shop, "评价管理.xlsx", "评价列表")
    assert data.dataset == "reviews"
    assert data.header_row == 3
    assert counts(data) == (5, 5, 0, 0, 0)
    assert data.to_json()["sheet"] == "评价列表"
    assert data.to_json()["header_row"] == 3
    notes = file_report(shop, "评价管理.xlsx", "说明")
    assert (notes.dataset, notes.skipped) == (None, "no header row recognised")
    empty = file_report(shop, "评价管理.xlsx", "空表")
    assert (empty.dataset, empty.skipped) == (None, "empty sheet")
    reviews = shop.frames["reviews"]
    assert reviews["order_id"].to_list() == ["1001", "1002", "1003", "1004", "1005"]
    assert reviews["product_id"].to_list() == ["55"] * 5
    assert reviews["reviewed_at"].to_list() == [
        datetime(2026, 8, 1, 9, 5, 3),
        datetime(2026, 8, 2),
        datetime(2026, 8, 3),
        datetime(2026, 8, 4, 10, 11, 12),
        datetime(2026, 8, 5, 10),
    ]
    # R3 has no rating: its level (差评) gives 1; R5's 七星 is no rating: null, row kept
    assert reviews["product_rating"].to_list() == [5, 3, 1, 4, None]
    assert reviews.schema["product_rating"] == pl.Int8
    # rows are numbered as in the sheet (header on row 3, R5 on row 8)
    assert problems(shop) == [("评价管理.xlsx [评价列表]", 8, "商品评分")]


def test_xlsx_rows_numbered_as_in_the_sheet_with_blank_top_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "售后"
    for col, value in enumerate(["售后单号", "订单号", "售后类型", "售后申请时间"], start=1):
        ws.cell(row=3, column=col, value=value)
    for col, value in enumerate(["S1", "1", "仅退款", "not a time"], start=1):
        ws.cell(row=4, column=col, value=value)
    wb.save(tmp_path / "售后.xlsx")
    shop = load1(tmp_path)
    assert file_report(shop, "售后.xlsx").header_row == 3
    assert problems(shop) == [("售后.xlsx [售后]", 4, "售后申请时间")]


def test_xlsx_excel_serial_and_time_cells(tmp_path: Path) -> None:
    path = tmp_path / "客服.xlsx"
    write_xlsx(
        path,
        {
            "客服数据": [
                ["日期", "客服昵称", "人工已接待会话量", "首次响应时长（秒）", "平均响应时长（秒）"],
                [date(2026, 8, 1), "琳琳", 3, time(0, 3, 20), 45],
                [46235, "大壮", 2.0, "2分30秒", "00:01:00"],  # a bare Excel serial number
            ]
        },
    )
    shop = load1(tmp_path)
    assert counts(file_report(shop, "客服.xlsx")) == (2, 2, 0, 0, 0)
    im = shop.frames["im_daily"]
    assert im["date"].to_list() == [datetime(2026, 8, 1), datetime(2026, 8, 1)]
    assert im["sessions"].to_list() == [3, 2]
    assert im["first_reply_seconds"].to_list() == [200.0, 150.0]
    assert im["avg_reply_seconds"].to_list() == [45.0, 60.0]
    assert problems(shop) == []


# --- header matching ------------------------------------------------------------------------


def test_header_whitespace_bom_zero_width_and_parentheses(tmp_path: Path) -> None:
    rows = [
        [" 会话 ID ", "\ufeff会话开始时间", "接待\u200b客服", "首响时长（秒）", "满意度评价\u3000"],
        ["C1", "2026-08-01 10:00:00", "琳琳", "45", "5"],
    ]
    write_csv(tmp_path / "sessions.csv", rows)
    shop = load1(tmp_path)
    f = file_report(shop, "sessions.csv")
    assert f.dataset == "im_sessions"
    assert f.unmapped_columns == []
    assert set(f.columns) == {"session_id", "started_at", "agent", "first_reply_seconds", "rating"}
    row = shop.frames["im_sessions"].row(0, named=True)
    assert (row["session_id"], row["agent"], row["first_reply_seconds"], row["rating"]) == (
        "C1",
        "琳琳",
        45.0,
        5,
    )


def test_header_with_unit_suffix(tmp_path: Path) -> None:
    rows = [
        ["售后单号", "订单号", "售后类型", "售后申请时间（北京时间）", "退商品金额（元）"],
        ["S1", "1001", "仅退款", "2026-08-03 10:00:00", "99.00"],
    ]
    write_csv(tmp_path / "售后.csv", rows)
    shop = load1(tmp_path)
    f = file_report(shop, "售后.csv")
    assert f.dataset == "after_sales"
    # matched once more without the trailing parenthesised suffix
    assert f.columns["applied_at"] == "售后申请时间（北京时间）"
    # no canonical column is called 退商品金额: listed, not silently dropped
    assert f.unmapped_columns == ["退商品金额（元）"]
    assert shop.frames["after_sales"]["applied_at"].to_list() == [datetime(2026, 8, 3, 10)]


def test_im_daily_prefers_session_reply_rate(tmp_path: Path) -> None:
    rows = [
        ["日期", "客服昵称", "人工已接待会话量", "3分钟人工回复率", "3分钟人工回复率 (会话)"],
        ["2026-08-01", "琳琳", "10", "50.00%", "80.00%"],
    ]
    write_csv(tmp_path / "飞鸽.csv", rows)
    shop = load1(tmp_path)
    f = file_report(shop, "飞鸽.csv")
    assert f.columns["reply_3min_rate"] == "3分钟人工回复率 (会话)"
    assert f.unmapped_columns == ["3分钟人工回复率"]
    assert shop.frames["im_daily"]["reply_3min_rate"].to_list() == [pytest.approx(0.8)]


def test_earlier_alias_wins_and_the_other_is_unmapped(tmp_path: Path) -> None:
    rows = [
        ["订单号", "主订单编号", "付款时间", "支付完成时间"],
        ["X", "1001", "2026-08-01 09:00:00", "2026-08-01 10:00:00"],
    ]
    write_csv(tmp_path / "o.csv", rows)
    shop = load1(tmp_path)
    f = file_report(shop, "o.csv")
    assert f.columns == {"order_id": "主订单编号", "paid_at": "支付完成时间"}
    assert f.unmapped_columns == ["订单号", "付款时间"]
    assert shop.frames["orders"]["paid_at"].to_list() == [datetime(2026, 8, 1, 10)]


def test_us_dates_month_first_per_column_file_and_shop(tmp_path: Path) -> None:
    """SPEC §1: slash dates with the year last are read per column (a second field over 12:
    month-first); a column no value decides follows its file's decided columns, a file none
    decides follows the shop's other files; a shop none decides is read by the [dates]
    year_last default, and the report says so."""
    rows = [
        ["Order ID", "SKU ID", "Created Time", "Paid Time", "Delivered Time"],
        ["5838000000000000001\t", "1729", "08/31/2026 9:05:00 PM\t", "09/01/2026 10:00:00 AM\t", ""],
        ["5838000000000000002\t", "1729", "09/01/2026 9:05:00 PM\t", "09/02/2026 10:00:00 AM\t", ""],
    ]
    write_csv(tmp_path / "shop" / "orders_1.csv", rows)
    undecided = [
        ["Order ID", "SKU ID", "Paid Time"],
        ["5838000000000000003\t", "1729", "09/01/2026 10:00:00 AM\t"],
    ]
    write_csv(tmp_path / "shop" / "orders_2.csv", undecided)
    shop = load1(tmp_path / "shop")
    paid = dict(shop.frames["orders"].select("order_id", "paid_at").iter_rows())
    assert paid["5838000000000000001"] == datetime(2026, 9, 1, 10)  # follows Created Time's 08/31
    assert paid["5838000000000000002"] == datetime(2026, 9, 2, 10)
    assert paid["5838000000000000003"] == datetime(2026, 9, 1, 10)  # follows orders_1.csv
    assert shop.report.problems.height == 0
    # alone, nothing decides: day-first by default, and said
    write_csv(tmp_path / "alone" / "orders_2.csv", undecided)
    shop = load1(tmp_path / "alone")
    assert shop.frames["orders"]["paid_at"].to_list() == [datetime(2026, 1, 9, 10)]
    problems = shop.report.problems
    assert problems.select("column", "row").rows() == [("Paid Time", None)]
    assert "read day-first" in problems["message"][0] and "[dates]" in problems["message"][0]
    # the seller names the export's region: month-first (still said, as the data did not)
    user = tmp_path / "us.toml"
    user.write_text('[dates]\nyear_last = "month-first"\n', "utf-8")
    (shop,) = api.load(tmp_path / "alone", columns=user)
    assert shop.frames["orders"]["paid_at"].to_list() == [datetime(2026, 9, 1, 10)]
    assert "read month-first" in shop.report.problems["message"][0]
    user.write_text('[dates]\nyear_last = "US"\n', "utf-8")
    with pytest.raises(ShopscoreError, match="day-first or month-first"):
        api.load(tmp_path / "alone", columns=user)


def test_english_headers_case_insensitive(tmp_path: Path) -> None:
    rows = [
        ["ORDER ID", "sku id", "paid time", "ORDER STATUS", "Fulfillment type"],
        ["5838000000000000001", "1729", "2026-08-01 10:00:00", "Completed", "Fulfilled by TikTok"],
    ]
    write_csv(tmp_path / "tiktok.csv", rows)
    shop = load1(tmp_path)
    f = file_report(shop, "tiktok.csv")
    assert f.dataset == "orders"
    assert set(f.columns) == {"order_id", "product_id", "paid_at", "status", "fulfillment"}
    row = shop.frames["orders"].row(0, named=True)
    assert row["order_id"] == "5838000000000000001"
    assert row["status"] == "Completed"
    assert row["fulfillment"] == "platform"


def test_user_columns_file(tmp_path: Path) -> None:
    shop_dir = tmp_path / "shop"
    write_csv(shop_dir / "o.csv", [["订单号", "我的付款时间", "备注"], ["A1", PAID, "x"]])
    aliases = tmp_path / "columns.toml"
    aliases.write_text('[datasets.orders.columns]\npaid_at = ["我的付款时间"]\n', encoding="utf-8")
    # without the alias file the orders file has neither paid_at nor created_at
    assert "o.csv" in shop_error(shop_dir)
    shop = load1(shop_dir, columns=aliases)
    f = file_report(shop, "o.csv")
    assert f.columns == {"order_id": "订单号", "paid_at": "我的付款时间"}
    assert f.unmapped_columns == ["备注"]
    assert shop.frames["orders"]["paid_at"].to_list() == [datetime(2026, 8, 1, 10)]
    assert "paid_at" in shop.columns["orders"]


def test_user_columns_file_unknown_column_is_an_error(tmp_path: Path) -> None:
    write_csv(tmp_path / "shop" / "o.csv", orders_rows("1"))
    aliases = tmp_path / "columns.toml"
    aliases.write_text('[datasets.orders.columns]\npaid_on = ["x"]\n', encoding="utf-8")
    with pytest.raises(ShopscoreError, match=r"columns\.toml.*paid_on") as exc:
        api.load(tmp_path / "shop", columns=aliases)
    assert "\n" not in str(exc.value)


# --- cell quirks ------------------------------------------------------------------------------


def test_id_cells_tabs_formulas_quotes_and_dashes(tmp_path: Path) -> None:
    rows = [
        ["主订单编号", "子订单编号", "商品ID", "支付完成时间", "发货时间", "取消原因"],
        ["\t4900000000000209512", "\t4900000000000209514", "\t36000007919", PAID, "-", "-"],
        ["4900000000000000002\t", '="4900000000000000003"', "'36000007919", PAID + "\t", "", "无"],
    ]
    write_csv(tmp_path / "o.csv", rows)
    shop = load1(tmp_path)
    assert counts(file_report(shop, "o.csv")) == (2, 2, 0, 0, 0)
    lines = shop.frames["order_lines"]
    assert lines.rows() == [
        ("4900000000000209512", "4900000000000209514", "36000007919"),
        ("4900000000000000002", "4900000000000000003", "36000007919"),
    ]
    orders = shop.frames["orders"]
    assert orders["paid_at"].to_list() == [datetime(2026, 8, 1, 10)] * 2
    # `-` and empty cells are empty, not unparseable: no problem entries
    assert orders["shipped_at"].to_list() == [None, None]
    assert orders["cancel_reason"].to_list() == [None, "无"]
    assert problems(shop) == []


def test_datetime_styles(tmp_path: Path) -> None:
    styles = {
        "1": ("2026-08-01 09:06:07", datetime(2026, 8, 1, 9, 6, 7)),
        "2": ("2026/08/01 09:06:07", datetime(2026, 8, 1, 9, 6, 7)),
        "3": ("2026/8/1 9:05", datetime(2026, 8, 1, 9, 5)),
        "4": ("2026年8月1日 09:06:07", datetime(2026, 8, 1, 9, 6, 7)),
        "5": ("2026-08-01", datetime(2026, 8, 1)),
        "6": ("2026-08-01T09:06:07", datetime(2026, 8, 1, 9, 6, 7)),
        "7": ("46235.5", datetime(2026, 8, 1, 12)),
        "8": ("31/08/2026 21:33:04", datetime(2026, 8, 31, 21, 33, 4)),
        "9": ("2026-08-01 09:06:07\t", datetime(2026, 8, 1, 9, 6, 7)),
    }
    rows = [["主订单编号", "支付完成时间", "承诺发货时间"]]
    rows += [[k, v[0], v[0]] for k, v in styles.items()]
    write_csv(tmp_path / "o.csv", rows)
    shop = load1(tmp_path)
    assert counts(file_report(shop, "o.csv")) == (9, 9, 0, 0, 0)
    assert column(shop, "orders", "paid_at", "order_id") == {k: v[1] for k, v in styles.items()}
    # ship_by is a deadline: a date-only value means the end of that day
    ship_by = column(shop, "orders", "ship_by", "order_id")
    assert ship_by["5"] == datetime(2026, 8, 1, 23, 59, 59)
    assert ship_by["3"] == datetime(2026, 8, 1, 9, 5)
    assert shop.frames["orders"].schema["paid_at"] == pl.Datetime("us", None)
    assert problems(shop) == []


def test_ratings(tmp_path: Path) -> None:
    rows = [
        ["评价ID", "订单ID", "评价时间", "商品评分", "物流评分", "服务评分"],
        ["R1", "1", PAID, "5星", "★★★★", "5.0"],
        ["R2", "2", PAID, "★★", "3", "1星"],
    ]
    write_csv(tmp_path / "r.csv", rows)
    shop = load1(tmp_path)
    r = shop.frames["reviews"]
    assert r.select("review_id", "product_rating", "logistics_rating", "service_rating").rows() == [
        ("R1", 5, 4, 5),
        ("R2", 2, 3, 1),
    ]
    assert {r.schema[c] for c in ("product_rating", "logistics_rating", "service_rating")} == {pl.Int8}


def test_sessions_durations_booleans_and_ratings(tmp_path: Path) -> None:
    rows = [
        ["会话ID", "会话开始时间", "是否人工", "首次响应时长", "满意度评价"],
        ["C1", PAID, "是", "45秒", "5星"],
        ["C2", PAID, "否", "3分20秒", "★★★★"],
        ["C3", PAID, "", "00:03:20", ""],
        ["C4", PAID, "-", "1小时2分3秒", "5.0"],
        ["C5", PAID, "是", "59", "-"],
    ]
    write_csv(tmp_path / "s.csv", rows)
    shop = load1(tmp_path)
    assert counts(file_report(shop, "s.csv")) == (5, 5, 0, 0, 0)
    s = shop.frames["im_sessions"]
    assert s.select("session_id", "is_human", "first_reply_seconds", "rating").rows() == [
        ("C1", True, 45.0, 5),
        ("C2", False, 200.0, 4),
        ("C3", True, 200.0, None),  # empty is_human: human (the default); empty rating: unrated
        ("C4", True, 3723.0, 5),
        ("C5", True, 59.0, None),
    ]
    assert s.schema["first_reply_seconds"] == pl.Float64
    assert problems(shop) == []


def test_booleans_and_order_enums(tmp_path: Path) -> None:
    rows = [
        ["主订单编号", "支付完成时间", "是否剔除", "发货方式", "订单类型", "取消方"],
        ["1", PAID, "是", "云仓发货", "预售订单", "买家"],
        ["2", PAID, "否", "商家自发", "普通订单", "商家"],
        ["3", PAID, "", "", "", ""],
        ["4", PAID, "Y", "FBT", "定制商品", "超时取消"],
    ]
    write_csv(tmp_path / "o.csv", rows)
    shop = load1(tmp_path)
    o = shop.frames["orders"]
    assert o.select("order_id", "excluded", "fulfillment", "order_type", "cancel_by").rows() == [
        ("1", True, "platform", "presale", "buyer"),
        ("2", False, "seller", "normal", "seller"),
        ("3", False, "seller", "normal", None),
        ("4", True, "platform", "made_to_order", "system"),
    ]


def test_im_daily_rates_counts_and_dash(tmp_path: Path) -> None:
    rows = [
        ["日期", "客服昵称", "人工已接待会话量", "有效评价数", "不满意率", "3分钟人工回复率 (会话)"],
        ["2026-08-01", "琳琳", "10", "8", "12.5%", "100.00%"],
        ["2026-08-02", "琳琳", "1,234", "0", "-", "0.00%"],
        ["2026-08-01", "大壮", "5", "2", "0.5", "-"],
    ]
    write_csv(tmp_path / "飞鸽.csv", rows)
    shop = load1(tmp_path)
    assert counts(file_report(shop, "飞鸽.csv")) == (3, 3, 0, 0, 0)
    im = shop.frames["im_daily"]
    got = im.select("agent", "sessions", "rated", "dissatisfaction_rate", "reply_3min_rate").rows()
    assert got == [
        ("琳琳", 10, 8, pytest.approx(0.125), pytest.approx(1.0)),
        ("琳琳", 1234, 0, None, pytest.approx(0.0)),
        ("大壮", 5, 2, pytest.approx(0.5), None),
    ]
    assert problems(shop) == []


# --- ids in scientific notation ---------------------------------------------------------------


def test_scientific_notation_ids_are_rejected_never_merged(tmp_path: Path) -> None:
    rows = [
        ["主订单编号", "子订单编号", "商品ID", "支付完成时间"],
        ["4900000000000209512", "4900000000000209514", "P1", PAID],
        ["4.9E+18", "4900000000000000101", "P1", PAID],
        ["4.9E+18", "4900000000000000102", "P1", PAID],
        ["4900000000000000200", "4.90000000000002E+18", "P1", PAID],
    ]
    write_csv(tmp_path / "o.csv", rows)
    shop = load1(tmp_path)
    assert counts(file_report(shop, "o.csv")) == (4, 1, 0, 0, 3)
    assert shop.frames["orders"]["order_id"].to_list() == ["4900000000000209512"]
    assert problems(shop) == [
        ("o.csv", 3, "主订单编号"),
        ("o.csv", 4, "主订单编号"),
        ("o.csv", 5, "子订单编号"),
    ]
    msg = messages(shop, "rejected")
    assert "4.9E+18" in msg[3]
    assert "scientific notation" in msg[3]
    assert "4.90000000000002E+18" in msg[5]


# --- split exports: duplicates and conflicts ----------------------------------------------------

SPLIT_HEADER = ["主订单编号", "子订单编号", "商品ID", "支付完成时间", "订单状态", "发货时间", "商家备注"]


def test_split_exports_duplicates_and_conflicts(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "1792465200_a.csv",  # older
        [
            SPLIT_HEADER,
            ["1", "1a", "P1", PAID, "已完成", "2026-08-02 10:00:00", "old note"],
            ["1", "1b", "P2", PAID, "已完成", "", "old note"],
            ["2", "2a", "P1", PAID, "待发货", "-", ""],
            ["3", "3a", "P1", "2026-08-01 12:00:00", "已完成", "2026/8/2 9:00", ""],
        ],
    )
    write_csv(
        tmp_path / "1792465800_b.csv",  # newer
        [
            SPLIT_HEADER,
            ["1", "1a", "P1", PAID, "已完成", "2026-08-02 10:00:00", "new note"],
            ["2", "2a", "P1", PAID, "已发货", "2026-08-02 11:00:00", ""],
            ["3", "3a", "P1", "2026/8/1 12:00", "已完成", "2026-08-02 09:00:00", ""],
            ["4", "4a", "P1", PAID, "已完成", "", ""],
        ],
    )
    shop = load1(tmp_path)
    older = file_report(shop, "1792465200_a.csv")
    newer = file_report(shop, "1792465800_b.csv")
    # 1a: only an unmapped column differs; 3a: the same times in two date styles;
    # 2a: 订单状态 and 发货时间 differ, one conflict
    assert counts(older) == (4, 1, 3, 1, 0)
    assert counts(newer) == (4, 4, 0, 0, 0)
    assert shop.frames["order_lines"].height == 5
    o = shop.frames["orders"]
    assert o.select("order_id", "status", "shipped_at").sort("order_id").rows() == [
        ("1", "已完成", datetime(2026, 8, 2, 10)),
        ("2", "已发货", datetime(2026, 8, 2, 11)),  # the newer export wins
        ("3", "已完成", datetime(2026, 8, 2, 9)),
        ("4", "已完成", None),
    ]
    assert column(shop, "orders", "lines", "order_id") == {"1": 2, "2": 1, "3": 1, "4": 1}


def test_duplicate_within_one_file(tmp_path: Path) -> None:
    rows = [
        ["售后单号", "订单号", "售后类型", "售后申请时间", "售后状态"],
        ["S1", "1", "仅退款", PAID, "待处理"],
        ["S1", "1", "仅退款", PAID, "退款成功"],
        ["S2", "1", "仅退款", PAID, "退款成功"],
    ]
    write_csv(tmp_path / "a.csv", rows)
    shop = load1(tmp_path)
    # in one file the first row of a key is kept
    assert counts(file_report(shop, "a.csv")) == (3, 2, 1, 1, 0)
    assert column(shop, "after_sales", "status", "after_sale_id") == {
        "S1": "待处理",
        "S2": "退款成功",
    }


def test_export_time_from_modification_time_then_name(tmp_path: Path) -> None:
    header = ["主订单编号", "支付完成时间", "订单状态"]
    a = write_csv(tmp_path / "a.csv", [header, ["1", PAID, "from a"]])
    z = write_csv(tmp_path / "z.csv", [header, ["1", PAID, "from z"]])
    os.utime(a, (2_000_000_000, 2_000_000_000))
    os.utime(z, (1_900_000_000, 1_900_000_000))
    shop = load1(tmp_path)
    assert shop.frames["orders"]["status"].to_list() == ["from a"]  # modified last
    assert counts(file_report(shop, "z.csv")) == (1, 0, 1, 1, 0)
    os.utime(a, (1_900_000_000, 1_900_000_000))
    shop = load1(tmp_path)
    assert shop.frames["orders"]["status"].to_list() == ["from z"]  # tie: name sorts last
    assert counts(file_report(shop, "a.csv")) == (1, 0, 1, 1, 0)


def test_file_name_time_beats_modification_time(tmp_path: Path) -> None:
    header = ["主订单编号", "支付完成时间", "订单状态"]
    old = write_csv(tmp_path / "1792465200_订单.csv", [header, ["1", PAID, "old"]])
    new = write_csv(tmp_path / "1792465800_订单.csv", [header, ["1", PAID, "new"]])
    os.utime(old, (2_000_000_000, 2_000_000_000))  # touched later, exported earlier
    os.utime(new, (1_000_000_000, 1_000_000_000))
    shop = load1(tmp_path)
    assert shop.frames["orders"]["status"].to_list() == ["new"]
    assert counts(file_report(shop, "1792465200_订单.csv")) == (1, 0, 1, 1, 0)


# --- row rules -----------------------------------------------------------------------------


def test_summary_rows_rejected(tmp_path: Path) -> None:
    rows = [
        ["日期", "客服昵称", "人工已接待会话量"],
        ["2026-08-01", "琳琳", "3"],
        ["店铺汇总值", "-", "46"],
        ["店铺平均值", "-", "23"],
        ["合计", "", "46"],
        ["总计", "", "46"],
        [" Total ", "", "46"],
        ["TOTAL", "", "46"],
        ["", "合计", "46"],  # the first non-empty cell
        ["2026-08-02", "合计客服", "4"],  # not a summary label
    ]
    write_csv(tmp_path / "飞鸽.csv", rows)
    shop = load1(tmp_path)
    assert counts(file_report(shop, "飞鸽.csv")) == (9, 2, 0, 0, 7)
    assert shop.frames["im_daily"]["sessions"].to_list() == [3, 4]
    assert [p[:2] for p in problems(shop, "rejected")] == [("飞鸽.csv", r) for r in range(3, 10)]
    assert all("summary row" in m for m in messages(shop, "rejected").values())


def test_blank_cells_of_unread_columns_in_totals_and_empty_rows(tmp_path: Path) -> None:
    """备注 is read by nothing (not cleaned): its ``-`` or blank cell still does not make a
    row non-empty or hide the 合计 after it, and a 合计 in it marks a totals row."""
    rows = [
        ["备注", "日期", "客服昵称", "人工已接待会话量"],
        ["  ", "2026-08-01", "琳琳", "3"],
        ["-", "合计", "", "46"],  # first non-empty cell: 合计
        [" - ", "", "", ""],  # empty
        ["合计", "2026-08-02", "x", "4"],
        ["　", "", "", "--"],  # empty
    ]
    write_csv(tmp_path / "飞鸽.csv", rows)
    shop = load1(tmp_path)
    assert counts(file_report(shop, "飞鸽.csv")) == (3, 1, 0, 0, 2)
    assert [p[1] for p in problems(shop, "rejected")] == [3, 5]
    assert all("summary row" in m for m in messages(shop, "rejected").values())


def test_all_empty_rows_counted_nowhere(tmp_path: Path) -> None:
    text = (
        "售后单号,订单号,售后类型,售后申请时间\r\n"
        "S1,1,仅退款,2026-08-01 10:00:00\r\n"
        "\r\n"
        ",,,\r\n"
        '"\t",-,,\r\n'
        "S2,2,仅退款,2026-08-01 10:00:00\r\n"
    )
    (tmp_path / "a.csv").write_bytes(text.encode("utf-8"))
    shop = load1(tmp_path)
    assert counts(file_report(shop, "a.csv")) == (2, 2, 0, 0, 0)
    assert problems(shop) == []
    assert shop.frames["after_sales"]["__row"].to_list() == [2, 6]


def test_empty_or_bad_required_cell_rejected_with_column(tmp_path: Path) -> None:
    rows = [
        ["售后单号", "订单号", "售后类型", "售后申请时间"],
        ["S1", "1", "仅退款", PAID],
        ["S2", "2", "仅退款", ""],
        ["S3", "", "仅退款", PAID],
        ["S4", "4", "仅退款", "not a time"],
        ["", "5", "仅退款", PAID],
    ]
    write_csv(tmp_path / "a.csv", rows)
    shop = load1(tmp_path)
    assert counts(file_report(shop, "a.csv")) == (5, 1, 0, 0, 4)
    assert shop.frames["after_sales"]["after_sale_id"].to_list() == ["S1"]
    assert problems(shop, "rejected") == [
        ("a.csv", 3, "售后申请时间"),
        ("a.csv", 4, "订单号"),
        ("a.csv", 5, "售后申请时间"),
        ("a.csv", 6, "售后单号"),
    ]
    msg = messages(shop, "rejected")
    assert "empty" in msg[3]
    assert "'not a time'" in msg[5]


def test_empty_paid_at_keeps_unpaid_order(tmp_path: Path) -> None:
    rows = [
        ["主订单编号", "订单提交时间", "支付完成时间", "订单状态"],
        ["1", PAID, PAID, "已完成"],
        ["2", PAID, "", "待支付"],
        ["3", PAID, "-", "已关闭"],
    ]
    write_csv(tmp_path / "o.csv", rows)
    shop = load1(tmp_path)
    assert counts(file_report(shop, "o.csv")) == (3, 3, 0, 0, 0)
    assert column(shop, "orders", "paid_at", "order_id") == {
        "1": datetime(2026, 8, 1, 10),
        "2": None,
        "3": None,
    }
    assert problems(shop) == []


def test_unparseable_optional_cell_becomes_null_with_problem(tmp_path: Path) -> None:
    rows = [
        ["主订单编号", "支付完成时间", "发货时间", "是否剔除", "发货方式"],
        ["1", PAID, "昨天10点", "是", "商家自发"],
        ["2", PAID, "2026-08-02 10:00:00", "也许", "商家自发"],
        ["3", PAID, "", "", "火星仓"],  # no value alias matches: null, listed
    ]
    write_csv(tmp_path / "o.csv", rows)
    shop = load1(tmp_path)
    assert counts(file_report(shop, "o.csv")) == (3, 3, 0, 0, 0)
    o = shop.frames["orders"]
    assert o.select("order_id", "shipped_at", "excluded", "fulfillment").rows() == [
        ("1", None, True, "seller"),
        ("2", datetime(2026, 8, 2, 10), False, "seller"),
        ("3", None, False, None),
    ]
    assert problems(shop, "problem") == [
        ("o.csv", 2, "发货时间"),
        ("o.csv", 3, "是否剔除"),
        ("o.csv", 4, "发货方式"),
    ]
    assert problems(shop, "rejected") == []
    msg = messages(shop, "problem")
    assert "'昨天10点'" in msg[2]
    assert "row kept" in msg[2]


def test_unparseable_paid_at_is_rejected(tmp_path: Path) -> None:
    rows = [["主订单编号", "支付完成时间"], ["1", PAID], ["2", "garbage"]]
    write_csv(tmp_path / "o.csv", rows)
    shop = load1(tmp_path)
    assert counts(file_report(shop, "o.csv")) == (2, 1, 0, 0, 1)
    assert problems(shop, "rejected") == [("o.csv", 3, "支付完成时间")]


def test_review_without_rating_or_level_kept_unrated(tmp_path: Path) -> None:
    rows = [
        ["订单ID", "商品ID", "评价时间", "商品评价得分", "评价等级"],
        ["1", "P1", PAID, "", ""],
        ["2", "P1", PAID, "-", "差评"],
        ["3", "P1", PAID, "4", "好评"],
    ]
    write_csv(tmp_path / "r.csv", rows)
    shop = load1(tmp_path)
    assert counts(file_report(shop, "r.csv")) == (3, 3, 0, 0, 0)
    assert column(shop, "reviews", "product_rating", "order_id") == {"1": None, "2": 1, "3": 4}
    assert problems(shop) == []


def test_reviews_without_review_id_or_product_id(tmp_path: Path) -> None:
    # key (order_id, product_id, reviewed_at) with 商品ID absent: order and time
    rows = [
        ["订单ID", "评价时间", "商品评分"],
        ["1", "2026-08-05 10:00:00", "5"],
        ["1", "2026-08-05 10:00:00", "4"],
        ["1", "2026-08-06 10:00:00", "3"],
    ]
    write_csv(tmp_path / "r.csv", rows)
    shop = load1(tmp_path)
    assert counts(file_report(shop, "r.csv")) == (3, 2, 1, 1, 0)
    assert shop.frames["reviews"]["product_rating"].to_list() == [5, 3]


# --- sub-orders and order ids across datasets ------------------------------------------------


def test_sub_order_lines_merge_and_ids_resolve(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "订单.csv",
        [
            ["主订单编号", "子订单编号", "商品ID", "选购商品", "支付完成时间", "发货时间", "订单状态"],
            ["\t100", "\t101", "\tP1", "纯棉T恤", PAID, "2026-08-02 12:00:00", "已完成"],
            ["\t100", "\t102", "\tP2", "儿童雨靴", PAID, "2026-08-02 09:00:00", "已完成"],
            ["\t200", "\t200", "\tP1", "纯棉T恤", PAID, "", "待发货"],
        ],
    )
    write_csv(
        tmp_path / "评价.csv",
        [
            ["订单ID", "商品ID", "评价时间", "商品评价得分"],
            ["\t102", "P2", "2026-08-05 10:00:00", "5"],  # the sub-order id
            ["\t100", "P1", "2026-08-05 11:00:00", "4"],  # the main id
            ["\t999", "P1", "2026-08-05 12:00:00", "1"],  # no such order
        ],
    )
    write_csv(
        tmp_path / "售后.csv",
        [
            ["售后单号", "订单号", "商品单号", "售后类型", "售后申请时间"],
            ["S1", "101", "101", "仅退款", PAID],
            ["S2", "888", "102", "仅退款", PAID],  # resolved by its 商品单号
            ["S3", "777", "", "仅退款", PAID],
        ],
    )
    shop = load1(tmp_path)
    assert counts(file_report(shop, "订单.csv")) == (3, 3, 0, 0, 0)
    orders = shop.frames["orders"]
    assert orders.select("order_id", "lines", "shipped_at").rows() == [
        ("100", 2, datetime(2026, 8, 2, 9)),  # the earliest over its lines
        ("200", 1, None),
    ]
    assert shop.frames["order_lines"].rows() == [
        ("100", "101", "P1", "纯棉T恤"),
        ("100", "102", "P2", "儿童雨靴"),
        ("200", "200", "P1", "纯棉T恤"),
    ]
    reviews = shop.frames["reviews"]
    assert reviews.select("order_id", "product_rating", "orphan").rows() == [
        ("100", 5, False),
        ("100", 4, False),
        ("999", 1, True),
    ]
    after = shop.frames["after_sales"]
    assert after.select("after_sale_id", "order_id", "orphan").rows() == [
        ("S1", "100", False),
        ("S2", "100", False),
        ("S3", "777", True),
    ]
    assert shop.report.orphans == {"reviews": 1, "after_sales": 1}
    assert shop.report.to_json()["orphans"] == {"reviews": 1, "after_sales": 1}


def test_orders_keyed_by_order_and_product_without_line_id(tmp_path: Path) -> None:
    # TikTok: one row per SKU line, no line id
    rows = [
        ["Order ID", "SKU ID", "Paid Time"],
        ["5838000000000000001\t", "1729\t", "31/08/2026 21:33:04\t"],
        ["5838000000000000001\t", "1730\t", "31/08/2026 21:33:04\t"],
        ["5838000000000000001\t", "1729\t", "31/08/2026 21:33:04\t"],
    ]
    write_csv(tmp_path / "tiktok.csv", rows)
    shop = load1(tmp_path)
    assert counts(file_report(shop, "tiktok.csv")) == (3, 2, 1, 0, 0)
    assert shop.frames["orders"].select("order_id", "lines", "paid_at").rows() == [
        ("5838000000000000001", 2, datetime(2026, 8, 31, 21, 33, 4))
    ]
    assert shop.frames["order_lines"]["product_id"].to_list() == ["1729", "1730"]


def test_main_order_export_keyed_by_order_id(tmp_path: Path) -> None:
    rows = [["主订单编号", "支付完成时间"], ["1", PAID], ["2", PAID], ["1", PAID]]
    write_csv(tmp_path / "o.csv", rows)
    shop = load1(tmp_path)
    assert counts(file_report(shop, "o.csv")) == (3, 2, 1, 0, 0)
    assert shop.frames["orders"]["order_id"].to_list() == ["1", "2"]


# --- 快递信息 --------------------------------------------------------------------------------


def test_express_info_split_into_carrier_and_tracking(tmp_path: Path) -> None:
    rows = [
        ["主订单编号", "支付完成时间", "快递信息"],
        ["1", PAID, "\t中通快递 78123456789012"],
        ["2", PAID, "\t78123456789013-中通快递"],
        ["3", PAID, "\t中通快递:78123456789014;圆通速递:YT8812345678"],
        ["4", PAID, "圆通速递:YT8812345678\n中通快递:78123456789015"],
        ["5", PAID, "-"],
    ]
    write_csv(tmp_path / "o.csv", rows)
    shop = load1(tmp_path)
    f = file_report(shop, "o.csv")
    assert counts(f) == (5, 5, 0, 0, 0)
    assert f.columns["parcels"] == "快递信息"
    o = shop.frames["orders"]
    assert o.select("order_id", "carrier", "tracking_no", "packages").rows() == [
        ("1", "中通快递", "78123456789012", 1),
        ("2", "中通快递", "78123456789013", 1),
        ("3", "中通快递", "78123456789014", 2),
        ("4", "圆通速递", "YT8812345678", 2),
        ("5", None, None, None),
    ]
    assert {"carrier", "tracking_no"} <= shop.columns["orders"]


# --- after-sales values ----------------------------------------------------------------------


def test_after_sale_type_and_flags(tmp_path: Path) -> None:
    rows = [
        ["售后单号", "订单号", "售后类型", "售后申请时间", "仲裁状态", "纠纷责任方", "豁免体验分"],
        ["S1", "1", "已发货仅退款", PAID, "-", "商家", "否"],
        ["S2", "1", "未发货仅退款", PAID, "无", "买家", "是"],
        ["S3", "1", "退货退款", PAID, "未仲裁", "非商家责任", ""],
        ["S4", "1", "换货", PAID, "仲裁中", "-", ""],
        ["S5", "1", "价保", PAID, "仲裁结束", "", ""],
        ["S6", "1", "补寄", PAID, "", "商家责任", ""],
    ]
    write_csv(tmp_path / "售后.csv", rows)
    shop = load1(tmp_path)
    assert counts(file_report(shop, "售后.csv")) == (6, 6, 0, 0, 0)
    a = shop.frames["after_sales"]
    got = a.select("after_sale_id", "type", "platform_intervened", "merchant_responsible", "excluded").rows()
    assert got == [
        ("S1", "refund_only", False, True, False),
        ("S2", "refund_only", False, False, True),
        ("S3", "return_refund", False, False, None),
        ("S4", "exchange", True, False, None),
        ("S5", "other", True, False, None),
        ("S6", "resend", False, True, None),
    ]
    assert problems(shop) == []


# --- shops, paths and skipped files ------------------------------------------------------------


def test_multi_shop_folders_in_name_order(tmp_path: Path) -> None:
    write_csv(tmp_path / "旗舰店B" / "o.csv", orders_rows("1", "2"))
    write_csv(tmp_path / "shop_a" / "o.csv", orders_rows("3"))
    (tmp_path / "空文件夹").mkdir()
    shops = api.load(tmp_path)
    assert [s.name for s in shops] == ["shop_a", "旗舰店B"]
    assert [s.path for s in shops] == [tmp_path / "shop_a", tmp_path / "旗舰店B"]
    assert [s.frames["orders"]["order_id"].to_list() for s in shops] == [["3"], ["1", "2"]]


def test_folder_with_export_files_is_one_shop(tmp_path: Path) -> None:
    shop_dir = tmp_path / "我的店"
    write_csv(shop_dir / "o.csv", orders_rows("1"))
    write_csv(shop_dir / "old" / "o.csv", orders_rows("2"))  # its sub-folder: not a second shop
    shop = load1(shop_dir)
    assert shop.name == "我的店"
    assert shop.frames["orders"]["order_id"].to_list() == ["1", "2"]


def test_single_file_path(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "店铺" / "o.csv", orders_rows("1"))
    write_csv(tmp_path / "店铺" / "other.csv", orders_rows("2"))
    shop = load1(path)
    assert shop.name == "店铺"
    assert [Path(f.path).name for f in shop.report.files] == ["o.csv"]
    assert shop.frames["orders"]["order_id"].to_list() == ["1"]


def test_other_files_listed_as_skipped(tmp_path: Path) -> None:
    write_csv(tmp_path / "o.csv", orders_rows("1"))
    (tmp_path / "旧评价.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    (tmp_path / "截图.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / "~$评价.xlsx").write_bytes(b"\x0bUser" + b"\x00" * 150)  # Excel lock file
    shop = load1(tmp_path)
    skipped = {Path(f.path).name: f.skipped for f in shop.report.files if f.skipped}
    assert set(skipped) == {"旧评价.xls", "截图.png", "~$评价.xlsx"}
    assert "re-save as .xlsx" in skipped["旧评价.xls"]
    assert file_report(shop, "o.csv").skipped is None
    out = shop.report.to_json()
    assert [f["path"] for f in out["files"]] == ["o.csv"]
    assert {Path(f["path"]).name: f["reason"] for f in out["skipped"]} == skipped


# --- errors ---------------------------------------------------------------------------------


def one_line(exc: pytest.ExceptionInfo[ShopscoreError]) -> str:
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


def test_error_missing_path(tmp_path: Path) -> None:
    with pytest.raises(ShopscoreError) as exc:
        api.load(tmp_path / "nope")
    assert str(tmp_path / "nope") in one_line(exc)


def test_error_folder_without_export_files(tmp_path: Path) -> None:
    (tmp_path / "readme.txt.bak").write_text("x")
    assert str(tmp_path) in shop_error(tmp_path)


def test_error_folder_with_only_xls(tmp_path: Path) -> None:
    (tmp_path / "订单.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    msg = shop_error(tmp_path)
    assert "订单.xls" in msg
    assert "re-save as .xlsx" in msg


def test_error_no_recognisable_file(tmp_path: Path) -> None:
    write_csv(tmp_path / "notes.csv", [["a", "b"], ["1", "2"]])
    assert str(tmp_path) in shop_error(tmp_path)


def test_error_orders_without_paid_or_created_time(tmp_path: Path) -> None:
    # order_id + tracking_no would make a package list: but 订单状态 and 商品ID say orders
    rows = [
        ["主订单编号", "商品ID", "订单状态", "快递单号", "揽收时间"],
        ["1", "P1", "已完成", "78123456789012", "2026-08-02 10:00:00"],
    ]
    write_csv(tmp_path / "订单导出.csv", rows)
    msg = shop_error(tmp_path)
    assert "订单导出.csv" in msg
    assert "支付完成时间" in msg


def test_error_unreadable_xlsx_is_one_line(tmp_path: Path) -> None:
    write_csv(tmp_path / "o.csv", orders_rows("1"))
    (tmp_path / "评价.xlsx").write_bytes(b"not a zip file")
    assert "评价.xlsx" in shop_error(tmp_path)


def test_package_list_is_shipments(tmp_path: Path) -> None:
    write_csv(tmp_path / "o.csv", orders_rows("1"))
    write_xlsx(
        tmp_path / "包裹.xlsx",
        {
            "包裹明细": [
                ["订单号", "运单号", "快递公司", "揽收时间", "签收时间"],
                ["1", "78123456789012", "中通快递", datetime(2026, 8, 2, 7), None],
                ["1", "78123456789013", "中通快递", datetime(2026, 8, 2, 8), None],
                ["9", "78123456789014", "圆通速递", datetime(2026, 8, 2, 9), None],
            ]
        },
    )
    shop = load1(tmp_path)
    assert file_report(shop, "包裹.xlsx").dataset == "shipments"
    assert shop.frames["shipments"]["orphan"].to_list() == [False, False, True]
    assert shop.report.orphans == {"shipments": 1}
    o = shop.frames["orders"].row(0, named=True)
    assert (o["picked_up_at"], o["tracking_no"]) == (datetime(2026, 8, 2, 7), "78123456789012")


# --- the real examples ------------------------------------------------------------------------


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="shared export examples not available")
def test_real_douyin_examples() -> None:
    shop = load1(EXAMPLES)
    by_name = {Path(f.path).name: f for f in shop.report.files}
    assert {n: f.dataset for n, f in by_name.items()} == {
        "1792465200_订单导出_1.csv": "orders",
        "1792465800_订单导出_2.csv": "orders",
        "1792467000_售后工作台_导出.csv": "after_sales",
        "投诉记录.csv": "complaints",
        "物流数据_包裹明细.xlsx": "shipments",
        "评价管理_评价列表.xlsx": "reviews",
        "飞鸽_客服数据_每日.csv": "im_daily",
    }
    assert all(f.skipped is None for f in by_name.values())
    for f in by_name.values():
        assert f.rows_read == f.rows_kept + f.duplicates + f.rejected
        assert f.rows_read > 0
    # the overlapping older order export holds the duplicates
    assert by_name["1792465800_订单导出_2.csv"].duplicates == 0
    assert by_name["1792465200_订单导出_1.csv"].duplicates > 0
    feige = by_name["飞鸽_客服数据_每日.csv"]
    assert feige.rejected == 1
    assert feige.columns["reply_3min_rate"] == "3分钟人工回复率 (会话)"
    assert "3分钟人工回复率" in feige.unmapped_columns
    rejected = shop.report.problems.filter(pl.col("kind") == "rejected")
    assert rejected.height == 1
    row = rejected.row(0, named=True)
    assert Path(row["path"]).name == "飞鸽_客服数据_每日.csv"
    assert "summary row" in row["message"]
    with EXAMPLES.joinpath("飞鸽_客服数据_每日.csv").open(encoding="utf-8-sig") as fh:
        lines = fh.read().splitlines()
    assert lines[row["row"] - 1].startswith("店铺汇总值")
    assert "店铺汇总值" not in shop.frames["im_daily"]["agent"].to_list()
    # ids lose their leading tab; 快递信息 is split
    orders = shop.frames["orders"]
    assert orders["order_id"].str.contains(r"^[0-9]+$").all()
    assert orders["tracking_no"].drop_nulls().len() > 0
    assert "退商品金额（元）" in by_name["1792467000_售后工作台_导出.csv"].unmapped_columns
    after = shop.frames["after_sales"]
    assert set(after["type"].to_list()) <= {"refund_only", "return_refund", "exchange"}
    assert after["merchant_responsible"].sum() == 3  # 纠纷责任方 = 商家 on three rows


def test_after_sales_completed_at_falls_back_per_row_to_merchant_refund_time(tmp_path: Path) -> None:
    """售后完结时间 wins; where it is `-`, 商家退款时间 fills the cell (issue 5)."""
    rows = [
        ["售后单号", "订单号", "售后类型", "售后申请时间", "售后完结时间", "商家退款时间"],
        ["A1", "1", "仅退款", "2026-09-01 10:00:00", "2026-09-01 12:00:00", "2026-09-01 11:00:00"],
        ["A2", "1", "仅退款", "2026-09-02 10:00:00", "-", "2026-09-02 13:30:00"],
        ["A3", "1", "仅退款", "2026-09-03 10:00:00", "-", "-"],
    ]
    write_csv(tmp_path / "a.csv", rows)
    shop = load1(tmp_path)
    got = shop.frames["after_sales"].sort("after_sale_id")["completed_at"].to_list()
    assert got == [datetime(2026, 9, 1, 12), datetime(2026, 9, 2, 13, 30), None]
    assert shop.report.files[0].unmapped_columns == []


def test_preamble_rows_are_reported_not_read(tmp_path: Path) -> None:
    """SPEC §1: rows above the header are preamble — reported, never data rows."""
    rows = [["评价列表"], ["导出时间：2026-11-21 09:00", ""], ["评价ID", "订单ID", "评价时间", "商品评分"]]
    rows.append(["R1", "1", "2026-09-01 10:00:00", "5"])
    write_csv(tmp_path / "r.csv", rows)
    f = load1(tmp_path).report.files[0]
    assert (f.header_row, f.rows_read, f.preamble_rows) == (3, 1, 2)
    assert f.to_json()["preamble_rows"] == 2
    assert "导出时间" not in str(f.to_json())  # counted, never echoed (it may hold anything)


def test_user_columns_file_extends_yes_no_words(tmp_path: Path) -> None:
    """`--columns` may add words to [flags.bool]: here 对 means yes in 异常订单."""
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('[flags.bool]\ntrue = ["对"]\n', "utf-8")
    (tmp_path / "shop").mkdir()
    write_csv(tmp_path / "shop" / "o.csv", [["主订单编号", "支付完成时间", "异常订单"], ["1", PAID, "对"]])
    shop = load1(tmp_path / "shop", columns=aliases)
    assert shop.frames["orders"]["excluded"].to_list() == [True]


def test_reader_verdicts_reject_rows_and_notes_keep_them(tmp_path: Path) -> None:
    """The reader's own findings (RawTable.rejects / notes) flow into the row accounting."""
    from shopscore.loaders.normalize import normalize_table
    from shopscore.loaders.readers import read_text
    from shopscore.loaders.schemas import load_schema

    path = write_csv(tmp_path / "o.csv", orders_rows("1001", "1002", "1003"))
    schema = load_schema()
    raw = read_text(path, schema)
    raw.rejects[1] = ("子订单编号", "row has 9 cells, the header 7: extra cells are not empty")
    raw.notes.append((2, "选购商品", "bytes not valid UTF-8 replaced"))
    table = normalize_table(raw, schema.datasets["orders"], schema)
    assert (table.report.rows_read, table.report.rejected) == (3, 1)
    assert table.frame["order_id"].to_list() == ["1001", "1003"]
    got = table.problems.select("row", "column", "kind").rows()
    assert (3, "子订单编号", "rejected") in got and (4, "选购商品", "problem") in got
