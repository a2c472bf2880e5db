"""Property tests of the cell parsers: any string a hostile export can hold parses to a
value of the column's type and range, or to null (reported by the caller); never an
exception, never a value out of range."""

from __future__ import annotations

import math
from datetime import datetime

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from shopscore.loaders import parse
from shopscore.loaders.schemas import load_schema

SCHEMA = load_schema()

# strings that look like the cells of an export, and strings that look like nothing
digits = st.text(alphabet="0123456789", min_size=1, max_size=32)
datey = st.builds(
    "{}{}{}{}{} {}:{}:{}".format,
    st.integers(0, 99999),
    st.sampled_from(["-", "/", "年", ""]),
    st.integers(0, 99),
    st.sampled_from(["-", "/", "月", ""]),
    st.integers(0, 99),
    st.integers(0, 99),
    st.integers(0, 99),
    st.integers(0, 99),
)
wild = st.text(max_size=60)
units = st.builds(
    "{}{}{}".format,
    st.integers(-5, 10**7),
    st.sampled_from(["", "秒", "分", "小时", "%", "星", "★", ".5", "e+18", "分20秒", ":30"]),
    st.sampled_from(["", " ", "\t", "-"]),
)
cells = st.lists(st.one_of(digits, datey, wild, units, st.none()), min_size=1, max_size=30)


def run(expr: pl.Expr, values: list[str | None]) -> pl.Series:
    return pl.DataFrame({"c": values}, schema={"c": pl.String}).select(expr.alias("v"))["v"]


@settings(max_examples=50, deadline=None)
@given(cells)
def test_datetimes_parse_or_null(values: list[str | None]) -> None:
    cleaned = pl.DataFrame({"c": values}, schema={"c": pl.String}).select(parse.clean("c").alias("c"))["c"]
    for end_of_day in (False, True):
        out = parse.datetime_series(cleaned, end_of_day)
        assert out.len() == len(values) and out.dtype == pl.Datetime("us")
        for v in out.drop_nulls():
            assert datetime(1900, 1, 1) <= v <= datetime(9999, 12, 31, 23, 59, 59)


@settings(max_examples=50, deadline=None)
@given(cells)
def test_numbers_parse_in_range_or_null(values: list[str | None]) -> None:
    rating = run(parse.parse_rating(pl.col("c")), values)
    assert all(1 <= r <= 5 for r in rating.drop_nulls())
    for expr in (parse.parse_duration, parse.parse_rate, parse.parse_int):
        out = run(expr(pl.col("c")), values)
        assert out.len() == len(values)
        assert all(not (isinstance(v, float) and math.isnan(v)) for v in out.drop_nulls())
    ids = run(parse.parse_id(pl.col("c")), values)
    for raw, parsed in zip(values, ids, strict=True):
        assert parsed is None or (raw is not None and parsed in raw)  # an id is never invented


@settings(max_examples=50, deadline=None)
@given(cells)
def test_flags_and_value_aliases_never_raise(values: list[str | None]) -> None:
    assert run(parse.parse_bool(pl.col("c"), SCHEMA.flags["bool"]), values).len() == len(values)
    assert run(parse.flag_intervened(pl.col("c"), SCHEMA.flags["intervened"]), values).null_count() == 0
    responsible = parse.flag_responsible(pl.col("c"), SCHEMA.flags["responsible"], SCHEMA.flags["bool"])
    assert run(responsible, values).null_count() == 0
    for table in SCHEMA.values.values():
        out = run(parse.value_alias(pl.col("c"), table), values)
        allowed = {k for k in table if k not in ("default", "fallback")} | {table.get("default")}
        allowed |= {table.get("fallback"), None, True, False}
        assert set(out.to_list()) <= allowed
    parcels = run(parse.parcels(pl.col("c")), values)
    assert parcels.len() == len(values)
