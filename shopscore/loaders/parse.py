"""Cell parsers as Polars expressions: one function per canonical column type (SPEC §1).

Each takes an expression over cleaned string cells (stripped, ``-`` → null) and returns
the parsed value; a non-null cell that parses to null is "unparseable".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import polars as pl

EXCEL_EPOCH = pl.datetime(1899, 12, 30)
_EXCEL_TIME_EPOCH = pl.datetime(1899, 12, 31)
_EXCEL_TIME_END = pl.datetime(1900, 3, 1)

#: how a slash date with the year last (08/31/2026, 31/08/2026) orders day and month
DAY_FIRST, MONTH_FIRST = "day-first", "month-first"
YEAR_LAST_ORDERS = (DAY_FIRST, MONTH_FIRST)
#: the two leading fields of a slash date with the year last
YEAR_LAST = r"^([0-9]{1,2})/([0-9]{1,2})/[0-9]{4}(?:[ T]|$)"

_BASE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",  # exact formats first: polars parses them on its fast path
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S%.f",
    "%Y/%m/%d %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
)
#: a 12-hour clock (03/01/2026 10:00:00 AM; 上午/下午 are made AM/PM first)
_TWELVE_HOUR = ("%Y/%m/%d %I:%M:%S %p", "%Y/%m/%d %I:%M %p", "%Y-%m-%d %I:%M:%S %p", "%Y-%m-%d %I:%M %p")


def _year_last(order: str, *times: str) -> tuple[str, ...]:
    date = "%d/%m/%Y" if order == DAY_FIRST else "%m/%d/%Y"
    return tuple(f"{date} {t}" if t else date for t in times)


def datetime_formats(order: str = DAY_FIRST) -> tuple[str, ...]:
    """The datetime formats tried, slash dates with the year last read in ``order``."""
    return (
        *_BASE_FORMATS,
        *_year_last(order, "%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p"),
        *_TWELVE_HOUR,
        "%Y%m%d%H%M%S",
    )


def date_formats(order: str = DAY_FIRST) -> tuple[str, ...]:
    return ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", *_year_last(order, ""), "%Y%m%d")


DATETIME_FORMATS = datetime_formats()
DATE_FORMATS = date_formats()
SCIENTIFIC_ID = r"^[0-9]+(\.[0-9]+)?[eE][+]?[0-9]+$"
SUMMARY_LABELS = ("合计", "总计", "店铺汇总值", "店铺平均值", "total")

_STRIP = " \t\r\n\u3000\ufeff\u200b"


def clean_frame(df: pl.DataFrame, cols: list[str]) -> pl.DataFrame:
    """:func:`clean` applied to many columns, one cheap stage at a time (each stage reads
    the materialised result of the last instead of re-evaluating it)."""
    if not cols:
        return df
    df = df.with_columns([pl.col(c).str.strip_chars(_STRIP) for c in cols])
    # ="123" and '123 are rare: only the columns holding one are unwrapped
    marked = df.select(pl.col(c).str.starts_with("=").or_(pl.col(c).str.starts_with("'")).any() for c in cols)
    wrapped = [c for c, hit in zip(cols, marked.row(0), strict=True) if hit]
    if wrapped:
        df = df.with_columns([_unwrap(pl.col(c)).alias(c) for c in wrapped])
    return df.with_columns([_nullify(pl.col(c)).alias(c) for c in cols])


def blank(e: pl.Expr) -> pl.Expr:
    """A cell stripped, null when empty or ``-`` (no unwrapping): enough to tell an empty
    cell."""
    return _nullify(e.str.strip_chars(_STRIP))


def blank_frame(df: pl.DataFrame, cols: list[str]) -> pl.DataFrame:
    """:func:`blank` applied to columns nothing parses."""
    return df.with_columns([blank(pl.col(c)).alias(c) for c in cols]) if cols else df


def _unwrap(e: pl.Expr) -> pl.Expr:
    wrapped = e.str.starts_with('="') & e.str.ends_with('"')
    inner = e.str.strip_prefix('="').str.strip_suffix('"').str.strip_chars(" \t\u3000")
    quoted = e.str.starts_with("'")
    return pl.when(wrapped).then(inner).when(quoted).then(e.str.slice(1)).otherwise(e)


def _nullify(e: pl.Expr) -> pl.Expr:
    return pl.when(e.is_in(["", "-", "--"])).then(None).otherwise(e)


def clean(col: str) -> pl.Expr:
    """Strip every cell (抖店 leading tabs, TikTok trailing tabs, full-width spaces),
    unwrap ``="123"`` and ``'123``, and turn ``-`` and empty cells into null."""
    return _nullify(_unwrap(pl.col(col).str.strip_chars(_STRIP)))


def parse_id(e: pl.Expr) -> pl.Expr:
    """Ids stay text; a number cell's ``.0`` is dropped; Excel's ``1.23E+18`` is corrupted
    (null here, reported by the caller) because the digits are gone."""
    e = pl.when(e.str.contains(r"^[0-9]+\.0+$")).then(e.str.replace(r"\.0+$", "")).otherwise(e)
    return pl.when(e.str.contains(SCIENTIFIC_ID)).then(None).otherwise(e)


def parse_str(e: pl.Expr) -> pl.Expr:
    return e


def _excel_serial(e: pl.Expr) -> pl.Expr:
    num = pl.when(e.str.contains(r"^[0-9]{4,5}(\.[0-9]+)?$")).then(e).cast(pl.Float64, strict=False)
    ms = (num * 86_400_000).round(0).cast(pl.Int64, strict=False)
    return pl.when(num.is_between(20000, 80000)).then(EXCEL_EPOCH + pl.duration(milliseconds=ms))


def _is_date_only(e: pl.Expr) -> pl.Expr:
    return e.str.contains(
        r"^[0-9]{4}[-/年][0-9]{1,2}[-/月][0-9]{1,2}日?$|^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$"
        r"|^(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])$"  # 20261001
    )


def _twelve_hour(e: pl.Expr) -> pl.Expr:
    """``2026/3/1 下午 3:05`` → ``2026/3/1 3:05 PM`` (Excel's Chinese 12-hour clock)."""
    clock = r"^(.*?)\s*{}\s*([0-9]{{1,2}}:[0-9]{{2}}(?::[0-9]{{2}})?)$"
    e = e.str.replace(clock.format("上午"), "${1} ${2} AM")
    return e.str.replace(clock.format("下午"), "${1} ${2} PM")


def year_last_order(s: pl.Series) -> str | None:
    """The day/month order a column's slash dates with the year last must have: day-first
    when some value's first field exceeds 12 (31/08/2026), month-first when some value's
    second field does (08/31/2026); None when no value decides (or values contradict).
    A column whose first values are not such dates is not one (as datetime_series reads
    a column by the format of its first values): ISO columns cost no full scan."""
    if not has_year_last(s):
        return None
    fields = s.drop_nulls().str.extract_groups(YEAR_LAST)
    first = fields.struct.field("1").cast(pl.Int32, strict=False)
    second = fields.struct.field("2").cast(pl.Int32, strict=False)
    day_first, month_first = bool((first > 12).any()), bool((second > 12).any())
    if day_first != month_first:
        return DAY_FIRST if day_first else MONTH_FIRST
    return None


def has_year_last(s: pl.Series) -> bool:
    """Whether the column holds slash dates with the year last (judged on its first 200
    values)."""
    return bool(first_values(s, 200).str.contains(YEAR_LAST).any())


def first_values(s: pl.Series, n: int) -> pl.Series:
    """The first ``n`` non-null values (without copying a long column to find them)."""
    window = max(50 * n, 10_000)
    head = s.head(window).drop_nulls()
    if head.len() >= n or s.len() <= window:
        return head.head(n)
    return s.drop_nulls().head(n)


def parse_datetime(e: pl.Expr, end_of_day: bool = False, order: str = DAY_FIRST) -> pl.Expr:
    """Every datetime style of SPEC §1, Excel serials included; naive local time.
    ``end_of_day``: a date-only value means 23:59:59 (ship_by, deliver_by); ``order``: how
    slash dates with the year last are read (day-first or month-first)."""
    e = _twelve_hour(e)
    attempts = [e.str.to_datetime(f, strict=False, time_unit="us") for f in datetime_formats(order)]
    dates = [e.str.to_datetime(f, strict=False, time_unit="us") for f in date_formats(order)]
    date_only = pl.coalesce(dates)
    if end_of_day:
        date_only = date_only + pl.duration(seconds=86_399)
    return pl.coalesce([*attempts, pl.when(_is_date_only(e)).then(date_only), _excel_serial(e)]).cast(
        pl.Datetime("us")
    )


def parse_deadline(e: pl.Expr) -> pl.Expr:
    return parse_datetime(e, end_of_day=True)


def datetime_series(
    s: pl.Series,
    end_of_day: bool = False,
    order: str = DAY_FIRST,
    bounds: tuple[datetime, datetime] | None = None,
) -> pl.Series:
    """:func:`parse_datetime` for a whole column, fast: the one format that parses a sample
    of the column is applied to every cell, and only the cells it fails on (mixed styles,
    Excel serials, garbage) go through every format. A value outside ``bounds`` (default:
    the years 1900–9999) is unparseable."""
    name = s.name
    sample = first_values(s, 200)
    out: pl.Series | None = None
    if sample.len():
        for fmt in datetime_formats(order):
            if sample.str.to_datetime(fmt, strict=False, time_unit="us").null_count() == 0:
                out = s.str.to_datetime(fmt, strict=False, time_unit="us")
                break
    if out is None:
        return _in_range(
            s.to_frame().select(parse_datetime(pl.col(name), end_of_day, order).alias(name)).to_series(),
            bounds,
        )
    failed = (out.is_null() & s.is_not_null()).arg_true()
    if failed.len():
        slow = s.gather(failed).to_frame().select(parse_datetime(pl.col(name), end_of_day, order)).to_series()
        out = out.scatter(failed, slow)
    return _in_range(out.cast(pl.Datetime("us")).alias(name), bounds)


_YEARS = (datetime(1900, 1, 1), datetime(9999, 12, 31, 23, 59, 59))


def _in_range(s: pl.Series, bounds: tuple[datetime, datetime] | None = None) -> pl.Series:
    """Years Python can hold and a spreadsheet can write (1900–9999), or narrower
    ``bounds``; anything else (year 0 from ``1/1/0000``) is unparseable."""
    lo, hi = bounds or _YEARS
    col = pl.col(s.name)
    return s.to_frame().select(pl.when(col.is_between(lo, hi)).then(col).alias(s.name))[s.name]


def parse_rating(e: pl.Expr) -> pl.Expr:
    """``5``, ``5星``, ``5.0``, ``★★★★★`` → 1–5; anything else null."""
    stars = e.str.count_matches("★")
    num = e.str.extract(r"^([0-9]+(?:\.[0-9]+)?)\s*(?:星|分|stars?)?$", 1).cast(pl.Float64, strict=False)
    value = pl.when(stars > 0).then(stars.cast(pl.Float64)).otherwise(num)
    return pl.when(value.is_between(1, 5) & (value == value.round(0))).then(value.cast(pl.Int8))


def parse_duration(e: pl.Expr) -> pl.Expr:
    """Seconds from ``45``, ``45秒``, ``3分20秒``, ``1小时2分3秒``, ``00:03:20``, ``3:20``."""
    plain = e.str.extract(r"^([0-9]+(?:\.[0-9]+)?)\s*(?:s|秒)?$", 1).cast(pl.Float64, strict=False)
    zh = e.str.contains(
        r"^(?:[0-9.]+\s*(?:小时|时|h))?\s*(?:[0-9.]+\s*(?:分钟|分|m))?\s*(?:[0-9.]+\s*(?:秒|s))?$"
    )
    part = lambda pat: e.str.extract(pat, 1).cast(pl.Float64, strict=False).fill_null(0)  # noqa: E731
    zh_total = (
        part(r"([0-9.]+)\s*(?:小时|时|h)") * 3600
        + part(r"([0-9.]+)\s*(?:分钟|分|m)") * 60
        + part(r"([0-9.]+)\s*(?:秒|s)")
    )
    hms = e.str.extract_groups(r"^(?:([0-9]+):)?([0-9]{1,2}):([0-9]{2}(?:\.[0-9]+)?)$")
    hms_total = (
        hms.struct.field("1").cast(pl.Float64, strict=False).fill_null(0) * 3600
        + hms.struct.field("2").cast(pl.Float64, strict=False) * 60
        + hms.struct.field("3").cast(pl.Float64, strict=False)
    )
    has_unit = e.str.contains(r"[0-9]\s*(?:小时|时|分钟|分|秒|h|m|s)")
    # an Excel time cell comes from the XLSX reader as a date in 1899-12-31 … 1900-02-28
    # (serial 0 = 1899-12-31): the time since that epoch is the duration
    cell = e.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", strict=False, time_unit="us")
    excel_time = pl.when(cell < _EXCEL_TIME_END).then(
        (cell - _EXCEL_TIME_EPOCH).dt.total_microseconds() / 1e6
    )
    return pl.coalesce([plain, pl.when(zh & has_unit).then(zh_total), hms_total, excel_time])


def parse_rate(e: pl.Expr) -> pl.Expr:
    """``12.5%`` → 0.125; a bare number ≤ 1 is already a fraction, above 1 a percentage."""
    pct = e.str.extract(r"^(-?[0-9]+(?:\.[0-9]+)?)\s*%$", 1).cast(pl.Float64, strict=False) / 100
    num = e.cast(pl.Float64, strict=False)
    num = pl.when(num.is_finite()).then(num)  # "NaN", "inf" are no rate
    return pl.coalesce([pct, pl.when(num > 1).then(num / 100).otherwise(num)])


def parse_int(e: pl.Expr) -> pl.Expr:
    """``1,234`` → 1234; fractions and numbers no count reaches (beyond 2**53) → null."""
    num = e.str.replace_all(",", "").cast(pl.Float64, strict=False)
    whole = (num == num.round(0)) & (num.abs() < 2.0**53)
    return pl.when(whole).then(num).cast(pl.Int64, strict=False)


def parse_bool(e: pl.Expr, words: dict[str, list[str]] | None = None) -> pl.Expr:
    """是/否, Y/N, true/false, 1/0 … (the alias table's ``[flags.bool]``) → bool."""
    if words is None:
        from shopscore.loaders.schemas import load_schema

        words = load_schema().flags["bool"]
    low = e.str.to_lowercase()
    yes, no = [w.lower() for w in words["true"]], [w.lower() for w in words["false"]]
    return pl.when(low.is_in(yes)).then(True).when(low.is_in(no)).then(False)


def contains_any(e: pl.Expr, needles: list[str]) -> pl.Expr:
    """Case-insensitive containment; ASCII needles match whole words only."""
    if not needles:
        return pl.lit(False)
    parts = []
    for n in needles:
        esc = re.escape(n.lower())
        parts.append(rf"\b{esc}\b" if n.isascii() else esc)
    return e.str.to_lowercase().str.contains("(?:" + "|".join(parts) + ")")


def value_alias(e: pl.Expr, table: dict[str, Any]) -> pl.Expr:
    """Map a value through a value-alias table: targets in order, first contained alias
    wins; empty → the table's default; no match → its fallback, else null (reported)."""
    default = table.get("default")
    expr: Any = pl.when(e.is_null()).then(pl.lit(default))
    for target, aliases in table.items():
        if target in ("default", "fallback"):
            continue
        value: Any = {"true": True, "false": False}.get(target, target)
        expr = expr.when(contains_any(e, list(aliases))).then(pl.lit(value))
    return expr.otherwise(pl.lit(table.get("fallback")))


def flag_intervened(e: pl.Expr, table: dict[str, Any]) -> pl.Expr:
    """仲裁状态 / Dispute Status: true for anything but empty, 无, 未仲裁, None (and 否)."""
    low = e.str.to_lowercase()
    falses = [v.lower() for v in table.get("false", [])]
    return pl.when(e.is_null()).then(False).when(low.is_in(falses)).then(False).otherwise(True)


def flag_responsible(
    e: pl.Expr, table: dict[str, Any], bool_words: dict[str, list[str]] | None = None
) -> pl.Expr:
    """是否商责 (是/否) or 纠纷责任方 / 判责结果: true when it names the merchant (商家,
    Seller) and none of 无责, 非, not."""
    b = parse_bool(e, bool_words)
    # the keys of [flags.responsible] in columns.toml
    names = contains_any(e, table.get("true_contains", [])) & ~contains_any(
        e, table.get("false_contains", [])
    )
    return pl.when(e.is_null()).then(False).when(b.is_not_null()).then(b).otherwise(names)


_TRACKING = r"[A-Za-z0-9]{8,}"


def parcels(e: pl.Expr) -> pl.Expr:
    """抖店 快递信息 → struct(carrier, tracking_no, packages) of the first package;
    packages separated by ; , or line breaks, either order of carrier and number."""
    pkgs = e.str.replace_all(r"[;,；，\n]", ";").str.split(";")
    pkgs = pkgs.list.eval(pl.element().str.strip_chars()).list.eval(
        pl.element().filter(pl.element().str.len_chars() > 0)
    )
    first = pkgs.list.first()
    tokens = first.str.extract_all(_TRACKING)
    tracking = tokens.list.eval(
        pl.element().filter(pl.element().str.count_matches(r"[0-9]") >= 6)
    ).list.first()
    carrier = first.str.replace_all(r"[A-Za-z0-9]*[0-9]{6,}[A-Za-z0-9]*", "").str.strip_chars(" -:/：")
    carrier = pl.when(carrier.str.len_chars() > 0).then(carrier)
    return pl.struct(
        carrier.alias("carrier"), tracking.alias("tracking_no"), pkgs.list.len().alias("packages")
    )


SIMPLE_PARSERS: dict[str, Callable[[pl.Expr], pl.Expr]] = {
    "id": parse_id,
    "str": parse_str,
    "datetime": parse_datetime,
    "deadline": parse_deadline,
    "rating": parse_rating,
    "duration": parse_duration,
    "rate": parse_rate,
    "int": parse_int,
}
