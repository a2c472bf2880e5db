"""Cell parsers (shopscore.loaders.parse), one value at a time: SPEC §1 "What real exports
look like", Values and Value aliases. End-to-end loader behaviour is in test_loaders.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl
import pytest

from shopscore.loaders import parse
from shopscore.loaders.schemas import load_schema, match_header, normalize_header, strip_suffix


def run(expr_of: Any, values: list[str | None]) -> list[Any]:
    """Clean the cells like the loader does, then apply one parser."""
    df = pl.DataFrame({"c": values}, schema={"c": pl.String})
    return df.select(expr_of(parse.clean("c")).alias("out"))["out"].to_list()


def one(expr_of: Any, value: str | None) -> Any:
    return run(expr_of, [value])[0]


# --- clean ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("\t4900000000000209512", "4900000000000209512"),  # 抖店: leading tab in quoted ids
        ("5838000000000000001\t", "5838000000000000001"),  # TikTok: trailing tab
        ("  纯棉T恤\u3000", "纯棉T恤"),
        ('="123"', "123"),
        ("'123", "123"),
        ("-", None),
        ("--", None),
        ("", None),
        ("\t", None),
        ("\t-", None),
        ("-1", "-1"),
    ],
)
def test_clean(raw: str, cleaned: str | None) -> None:
    df = pl.DataFrame({"c": [raw]})
    assert df.select(parse.clean("c").alias("out"))["out"][0] == cleaned


# --- datetimes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-08-01 09:06:07", datetime(2026, 8, 1, 9, 6, 7)),
        ("2026/08/01 09:06:07", datetime(2026, 8, 1, 9, 6, 7)),
        ("2026/8/1 9:05", datetime(2026, 8, 1, 9, 5)),  # re-saved by Excel
        ("2026年8月1日 09:06:07", datetime(2026, 8, 1, 9, 6, 7)),
        ("2026年08月01日 09:06:07", datetime(2026, 8, 1, 9, 6, 7)),
        ("2026-08-01", datetime(2026, 8, 1)),  # date-only means 00:00:00
        ("2026/8/1", datetime(2026, 8, 1)),
        ("2026年8月1日", datetime(2026, 8, 1)),
        ("2026-08-01T09:06:07", datetime(2026, 8, 1, 9, 6, 7)),
        ("46235", datetime(2026, 8, 1)),  # Excel serial
        ("46235.75", datetime(2026, 8, 1, 18)),
        ("31/08/2026 21:33:04", datetime(2026, 8, 31, 21, 33, 4)),  # TikTok: day first
        ("01/09/2026 21:33:04", datetime(2026, 9, 1, 21, 33, 4)),  # day first, not Jan 9
        ("2026-08-01 09:06:07\t", datetime(2026, 8, 1, 9, 6, 7)),
        ("-", None),
        ("bad", None),
        ("2026-13-01 10:00:00", None),
    ],
)
def test_parse_datetime(raw: str, expected: datetime | None) -> None:
    assert one(parse.parse_datetime, raw) == expected


@pytest.mark.parametrize(
    ("raw", "order", "expected"),
    [
        ("08/31/2026 21:33:04", "month-first", datetime(2026, 8, 31, 21, 33, 4)),  # TikTok US
        ("09/01/2026 21:33:04", "month-first", datetime(2026, 9, 1, 21, 33, 4)),
        ("09/01/2026 21:33:04", "day-first", datetime(2026, 1, 9, 21, 33, 4)),
        ("03/01/2026 10:00:00 AM", "month-first", datetime(2026, 3, 1, 10)),  # 12-hour clock
        ("3/1/2026 3:05 PM", "month-first", datetime(2026, 3, 1, 15, 5)),
        ("12/31/2026 12:00:00 AM", "month-first", datetime(2026, 12, 31, 0, 0)),  # midnight
        ("31/12/2026 12:30:00 PM", "day-first", datetime(2026, 12, 31, 12, 30)),  # noon
        ("2026/3/1 下午 3:05", "day-first", datetime(2026, 3, 1, 15, 5)),  # Excel, Chinese clock
        ("2026/3/1 上午 11:05:09", "month-first", datetime(2026, 3, 1, 11, 5, 9)),
        ("08/31/2026", "month-first", datetime(2026, 8, 31)),  # date-only: 00:00:00
        ("08/31/2026 21:33:04", "day-first", None),  # no month 31
    ],
)
def test_parse_datetime_year_last_order(raw: str, order: str, expected: datetime | None) -> None:
    assert one(lambda e: parse.parse_datetime(e, order=order), raw) == expected
    assert parse.datetime_series(pl.Series("c", [raw]), order=order).to_list() == [expected]


@pytest.mark.parametrize(
    ("values", "order"),
    [
        (["08/31/2026 21:33:04", "09/01/2026 10:00:00"], "month-first"),  # a second field > 12
        (["31/08/2026 21:33:04", "01/09/2026 10:00:00"], "day-first"),  # a first field > 12
        (["09/01/2026 10:00:00", "10/11/2026 10:00:00 PM"], None),  # nothing decides
        (["31/08/2026", "08/31/2026"], None),  # contradicting values decide nothing
        (["2026-08-31 10:00:00", None], None),  # no slash date with the year last
    ],
)
def test_year_last_order_is_decided_by_a_field_over_12(values: list[str | None], order: str | None) -> None:
    assert parse.year_last_order(pl.Series("c", values, pl.String)) == order


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-08-01", datetime(2026, 8, 1, 23, 59, 59)),  # date-only deadline: end of day
        ("2026年8月1日", datetime(2026, 8, 1, 23, 59, 59)),
        ("2026-08-01 10:00:00", datetime(2026, 8, 1, 10)),
    ],
)
def test_parse_deadline(raw: str, expected: datetime) -> None:
    assert one(parse.parse_deadline, raw) == expected


def test_parse_datetime_is_naive_microseconds() -> None:
    df = pl.DataFrame({"c": ["2026-08-01 09:06:07"]})
    out = df.select(parse.parse_datetime(parse.clean("c")).alias("out"))
    assert out.schema["out"] == pl.Datetime("us", None)


# --- ratings, durations, rates, ints, booleans --------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5", 5),
        ("5星", 5),
        ("5.0", 5),
        ("★★★★★", 5),
        ("★★★★", 4),
        ("1", 1),
        ("0", None),
        ("6", None),
        ("4.5", None),
        ("好", None),
        ("-", None),
    ],
)
def test_parse_rating(raw: str, expected: int | None) -> None:
    assert one(parse.parse_rating, raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("45", 45.0),
        ("59.0", 59.0),
        ("45秒", 45.0),
        ("3分20秒", 200.0),
        ("2分30秒", 150.0),
        ("1小时2分3秒", 3723.0),
        ("00:03:20", 200.0),
        ("3:20", 200.0),
        ("1899-12-31 00:03:20", 200.0),  # an Excel time cell as the XLSX reader gives it
        ("1900-01-01 12:00:00", 129600.0),  # an Excel [h]:mm:ss cell of 36 hours
        ("abc", None),
        ("-", None),
    ],
)
def test_parse_duration(raw: str, expected: float | None) -> None:
    assert one(parse.parse_duration, raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12.5%", 0.125), ("100.00%", 1.0), ("0.00%", 0.0), ("0.2", 0.2), ("-", None)],
)
def test_parse_rate(raw: str, expected: float | None) -> None:
    got = one(parse.parse_rate, raw)
    assert got == pytest.approx(expected) if expected is not None else got is None


@pytest.mark.parametrize(
    ("raw", "expected"), [("46", 46), ("1,234", 1234), ("3.0", 3), ("2.5", None), ("x", None)]
)
def test_parse_int(raw: str, expected: int | None) -> None:
    assert one(parse.parse_int, raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("true", True),
        ("FALSE", False),
        ("1", True),
        ("0", False),
        ("-", None),
        ("也许", None),
    ],
)
def test_parse_bool(raw: str, expected: bool | None) -> None:
    assert one(parse.parse_bool, raw) == expected


# --- ids -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\t4900000000000209512", "4900000000000209512"),
        ("4900000000000209512.0", "4900000000000209512"),  # a number cell's .0
        ('="4900000000000209512"', "4900000000000209512"),
        ("SJ007919", "SJ007919"),
        ("4.9E+18", None),  # Excel scientific notation: the digits are gone
        ("4.90000000000021E+18", None),
        ("4.9e18", None),
    ],
)
def test_parse_id(raw: str, expected: str | None) -> None:
    assert one(parse.parse_id, raw) == expected


# --- value aliases and flags ---------------------------------------------------------------

VALUES = load_schema().values
FLAGS = load_schema().flags


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("已发货仅退款", "refund_only"),
        ("未发货仅退款", "refund_only"),
        ("Refund only", "refund_only"),
        ("退货退款", "return_refund"),
        ("Return and refund", "return_refund"),
        ("换货", "exchange"),
        ("补寄", "resend"),
        ("价保", "other"),  # no alias matches: the fallback
        (None, None),  # empty: a missing required value, rejected by the row rules
    ],
)
def test_after_sale_type_aliases(raw: str | None, expected: str | None) -> None:
    assert one(lambda e: parse.value_alias(e, VALUES["after_sale_type"]), raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("商家自发", "seller"),
        ("Fulfillment by seller", "seller"),
        ("云仓发货", "platform"),
        ("Fulfilled by TikTok", "platform"),
        ("FBT", "platform"),
        (None, "seller"),
    ],
)
def test_fulfillment_aliases(raw: str | None, expected: str) -> None:
    assert one(lambda e: parse.value_alias(e, VALUES["fulfillment"]), raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("普通订单", "normal"),
        ("Normal", "normal"),
        ("预售订单", "presale"),
        ("Pre-order", "presale"),
        ("定制商品", "made_to_order"),
        ("Made-to-order", "made_to_order"),
        (None, "normal"),
    ],
)
def test_order_type_aliases(raw: str | None, expected: str) -> None:
    assert one(lambda e: parse.value_alias(e, VALUES["order_type"]), raw) == expected


def test_ascii_value_aliases_match_whole_words_only() -> None:
    # "FBT" must not be found inside another word
    assert one(lambda e: parse.value_alias(e, VALUES["fulfillment"]), "XFBTX") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, False),
        ("-", False),
        ("无", False),
        ("未仲裁", False),
        ("None", False),
        ("仲裁中", True),
        ("仲裁结束", True),
        ("已仲裁", True),
    ],
)
def test_platform_intervened(raw: str | None, expected: bool) -> None:
    assert one(lambda e: parse.flag_intervened(e, FLAGS["intervened"]), raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("商家", True),
        ("商家责任", True),
        ("Seller", True),
        ("是", True),
        ("买家", False),
        ("非商家责任", False),
        ("商家无责", False),
        ("Not seller", False),
        ("否", False),
        ("-", False),
        (None, False),
    ],
)
def test_merchant_responsible(raw: str | None, expected: bool) -> None:
    assert one(lambda e: parse.flag_responsible(e, FLAGS["responsible"]), raw) is expected


# --- 快递信息 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "carrier", "tracking", "packages"),
    [
        ("中通快递 78123456789012", "中通快递", "78123456789012", 1),
        ("78123456789012-中通快递", "中通快递", "78123456789012", 1),
        ("中通快递:78123456789012;圆通速递:YT8812345678", "中通快递", "78123456789012", 2),
        ("圆通速递：YT8812345678，中通快递 78123456789012", "圆通速递", "YT8812345678", 2),
        ("顺丰速运/SF1234567890123\n中通快递 78123456789012", "顺丰速运", "SF1234567890123", 2),
        ("\t中通快递:78123456789012", "中通快递", "78123456789012", 1),
    ],
)
def test_parcels(raw: str, carrier: str, tracking: str, packages: int) -> None:
    got = one(parse.parcels, raw)
    assert got == {"carrier": carrier, "tracking_no": tracking, "packages": packages}


# --- headers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("\ufeff主订单编号", "主订单编号"),
        (" 主订单 编号\u3000", "主订单编号"),
        ("\u200b主订单编号\u200d", "主订单编号"),
        ("首次响应时长（秒）", "首次响应时长(秒)"),
        ("Order ID", "orderid"),
        ("ORDER  ID", "orderid"),
    ],
)
def test_normalize_header(header: str, expected: str) -> None:
    assert normalize_header(header) == expected


def test_strip_suffix() -> None:
    assert strip_suffix(normalize_header("退商品金额（元）")) == ("退商品金额", "元")
    assert strip_suffix("(元)") == ("(元)", None)
    assert strip_suffix("主订单编号") == ("主订单编号", None)


def test_match_header_exact_alias_before_suffix_and_earliest_alias_wins() -> None:
    im_daily = load_schema().datasets["im_daily"]
    cells = ["日期", "3分钟人工回复率", "3分钟人工回复率 (会话)", "人工已接待会话量"]
    m = match_header(cells, im_daily)
    assert m.mapping == {0: "date", 2: "reply_3min_rate", 3: "sessions"}
    assert m.unmapped == ["3分钟人工回复率"]


def test_match_header_keeps_the_suffix_as_unit() -> None:
    sessions = load_schema().datasets["im_sessions"]
    m = match_header(["会话ID", "会话开始时间", "首次响应时长（秒）"], sessions)
    assert m.mapping == {0: "session_id", 1: "started_at", 2: "first_reply_seconds"}
    assert m.units == {"first_reply_seconds": "秒"}


def test_nan_and_infinity_are_no_rate() -> None:
    """A float parser reads "NaN" and "inf": a rate cell holding them is empty, not NaN."""
    import polars as pl

    from shopscore.loaders import parse

    out = pl.DataFrame({"c": ["NAN", "nan", "inf", "-Infinity", "12.5%"]}).select(
        parse.parse_rate(pl.col("c"))
    )
    assert out.to_series().to_list() == [None, None, None, None, 0.125]
