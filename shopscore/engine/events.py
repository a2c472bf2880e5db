"""Event frames: one row per counted unit of a metric, built once, evaluated at any day.

Each row carries its ``anchor`` (the time that places it in a window), ``known`` (the
latest of the times its population needs: paid, delivered…; before it the row is not in
the population), ``w`` (its weight in the denominator: 1 per row, or im_daily's session
weight, or 0 for a mean's row left out), ``hit_at`` / ``h`` (when it becomes a hit and how
much it adds to the numerator), ``v`` (a mean's value) and ``neg`` (a mean's row left out
for a negative duration), plus the metric's drill-down columns.

Evaluated at a day D, a row counts when its anchor lies in the window ending D and it is
known by D; its hit counts when ``hit_at`` is by D too. Over a series of days each row
counts on an interval of as-of days — from ``max(anchor + offset, known)`` to
``anchor + offset + length − 1`` — so a daily series is a difference array of interval
starts and ends, summed once (DESIGN: daily aggregates and sliding sums, never one
recomputation per day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from shopscore.engine.windows import Window, end_of

DT = pl.Datetime("us")
EPOCH = date(1970, 1, 1)
#: the sums a window holds: denominator weight, numerator, value sum, rows left out, rows
SUMS = ("w", "h", "v", "neg", "rows")


@dataclass(frozen=True)
class Totals:
    """What one window of an event frame holds as of one day."""

    w: float = 0.0  # population weight (rows, or im_daily weights)
    h: float = 0.0  # hits (rows, or im_daily weighted hits)
    v: float = 0.0  # sum of a mean's values
    neg: int = 0  # rows of a mean left out (negative duration)
    rows: int = 0  # rows in the window (im_daily: rows used)
    leaving: int = 0  # bad events that left the window that day (series only)

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.w + other.w,
            self.h + other.h,
            self.v + other.v,
            self.neg + other.neg,
            self.rows + other.rows,
            self.leaving + other.leaving,
        )


def day_number(d: date) -> int:
    return (d - EPOCH).days


def _day(col: str) -> pl.Expr:
    return pl.col(col).dt.date().cast(pl.Int32)


def alive(schema: pl.Schema, end: pl.Expr) -> pl.Expr:
    """A row stops counting at its ``gone`` time (im_daily days taken over by sessions)."""
    return (pl.col("gone").is_null() | (pl.col("gone") >= end)) if "gone" in schema else pl.lit(True)


def totals_query(events: pl.LazyFrame, window: Window) -> pl.LazyFrame:
    """The window's sums as of ``window.as_of`` (a filter of the event frame), lazily: many
    of them are collected in one parallel run by :func:`collect_totals`."""
    end = pl.lit(end_of(window.as_of))
    schema = events.collect_schema()
    always = pl.col("always") if "always" in schema else pl.lit(False)
    inside = (window.contains("anchor") & (pl.col("known") < end) & alive(schema, end)) | always
    hit = (pl.col("hit_at") < end) | always
    return events.filter(inside).select(
        w=pl.col("w").sum(),
        h=pl.col("h").filter(hit).sum(),
        v=pl.col("v").sum(),
        neg=pl.col("neg").sum(),
        rows=pl.len(),
    )


def collect_totals(queries: list[pl.LazyFrame | None]) -> list[Totals | None]:
    """Every query's sums in one parallel polars run (None stays None)."""
    done = iter(pl.collect_all([q for q in queries if q is not None]))
    out: list[Totals | None] = []
    for q in queries:
        if q is None:
            out.append(None)
            continue
        row = next(done).row(0)
        out.append(
            Totals(float(row[0] or 0), float(row[1] or 0), float(row[2] or 0), int(row[3] or 0), int(row[4]))
        )
    return out


def totals_at(events: pl.LazyFrame, window: Window) -> Totals:
    """The window's sums as of ``window.as_of``."""
    (found,) = collect_totals([totals_query(events, window)])
    assert found is not None
    return found


def totals_series(
    events: pl.LazyFrame, offset: int, length: int, first: date, last: date, bad: pl.Expr | None = None
) -> pl.LazyFrame:
    """The window's sums for every as-of day ``first`` … ``last``: one row per day with the
    columns of :data:`SUMS`, plus ``leaving`` (rows where ``bad`` holds that were in the
    window the day before and are not that day) when ``bad`` is given."""
    d0, d1 = day_number(first), day_number(last)
    schema = events.collect_schema()
    always = pl.col("always") if "always" in schema else pl.lit(False)
    anchor = _day("anchor")
    lo = pl.when(always).then(pl.lit(d0)).otherwise(pl.max_horizontal(anchor + offset, _day("known")))
    hi = pl.when(always).then(pl.lit(d1)).otherwise(anchor + (offset + length - 1))
    if "gone" in schema:  # counts until the day before it is gone
        hi = pl.min_horizontal(hi, _day("gone") - 1)
    lo_h = (
        pl.when(pl.col("always"))
        .then(pl.lit(d0))
        .when(pl.col("hit_at").is_null())
        .then(pl.lit(None, pl.Int32))
        .otherwise(pl.max_horizontal(pl.col("lo"), _day("hit_at")))
    )
    ev = (
        events.select(
            lo=lo.cast(pl.Int32),
            hi=hi.cast(pl.Int32),
            w=pl.col("w"),
            h=pl.col("h"),
            v=pl.col("v"),
            neg=pl.col("neg"),
            hit_at=pl.col("hit_at"),
            always=always,
        )
        .with_columns(lo_h=lo_h.cast(pl.Int32))
        .with_columns(bad=bad if bad is not None else pl.lit(False))
        .filter(pl.col("lo") <= pl.col("hi"))
    )
    live = ev.filter((pl.col("hi") >= d0) & (pl.col("lo") <= d1))
    start = pl.max_horizontal(pl.col("lo"), pl.lit(d0)).alias("day")
    stop = (pl.col("hi") + 1).alias("day")
    zero = pl.lit(0.0)
    parts = [
        live.select(start, w=pl.col("w"), h=zero, v=pl.col("v"), neg=pl.col("neg"), rows=pl.lit(1)),
        live.filter(pl.col("hi") < d1).select(
            stop, w=-pl.col("w"), h=zero, v=-pl.col("v"), neg=-pl.col("neg"), rows=pl.lit(-1)
        ),
    ]
    hits = live.filter(
        pl.col("lo_h").is_not_null() & (pl.col("lo_h") <= pl.col("hi")) & (pl.col("lo_h") <= d1)
    )
    parts += [
        hits.select(
            pl.max_horizontal(pl.col("lo_h"), pl.lit(d0)).alias("day"),
            w=zero,
            h=pl.col("h"),
            v=zero,
            neg=pl.lit(0),
            rows=pl.lit(0),
        ),
        hits.filter(pl.col("hi") < d1).select(
            stop, w=zero, h=-pl.col("h"), v=zero, neg=pl.lit(0), rows=pl.lit(0)
        ),
    ]
    cast = [pl.col(c).cast(pl.Float64) for c in ("w", "h", "v")] + [
        pl.col(c).cast(pl.Int64) for c in ("neg", "rows")
    ]
    diffs = pl.concat([p.with_columns(pl.col("day").cast(pl.Int32), *cast) for p in parts])
    days = pl.LazyFrame({"day": pl.int_range(d0, d1 + 1, eager=True, dtype=pl.Int32)})
    summed = (
        days.join(diffs.group_by("day").agg(pl.all().sum()), on="day", how="left", maintain_order="left")
        .sort("day")
        .with_columns([pl.col(c).fill_null(0).cum_sum() for c in SUMS])
    )
    if bad is not None:
        leaving = (
            ev.filter(pl.col("bad") & (pl.col("hi") + 1 >= d0) & (pl.col("hi") + 1 <= d1))
            .group_by((pl.col("hi") + 1).alias("day"))
            .agg(leaving=pl.len().cast(pl.Int64))
        )
        summed = summed.join(leaving, on="day", how="left", maintain_order="left").with_columns(
            pl.col("leaving").fill_null(0)
        )
    return summed.sort("day")


def bad_rows(direction: str, kind: str, ideal: float | None, declared: bool = False) -> pl.Expr:
    """Which rows are bad events once their window closes: hits of a lower-is-better rate,
    rows never a hit by then for a higher-is-better one, a mean's rows its declaration calls
    bad (``declared``: its hit_at, e.g. a 1–2★ first review), else those worse than the
    curve's full-score value."""
    hit_by_end = pl.col("lo_h").is_not_null() & (pl.col("lo_h") <= pl.col("hi"))
    if kind == "rate" or declared:
        return hit_by_end if direction == "lower" else ~hit_by_end
    if ideal is None:
        return pl.lit(False)
    over = pl.col("v") > ideal if direction == "lower" else pl.col("v") < ideal
    return over & (pl.col("w") > 0)
