"""The as-of date and rolling windows (SPEC §2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import polars as pl

#: event timestamps that set the default as-of date (deadlines are not events)
EVENT_COLUMNS = {
    "orders": ("paid_at", "shipped_at", "picked_up_at", "delivered_at"),
    "shipments": ("shipped_at", "picked_up_at", "delivered_at"),
    "reviews": ("reviewed_at",),
    "im_sessions": ("started_at",),
    "im_daily": ("date",),
    "after_sales": ("applied_at",),
    "complaints": ("created_at",),
}


@dataclass(frozen=True)
class Window:
    """``(offset, length)`` in whole days: covers D-offset-length+1 … D-offset inclusive;
    ``clip_from`` moves the start later, to the first day the data covers (SPEC §3)."""

    offset: int
    length: int
    as_of: date
    clip_from: date | None = None

    @property
    def nominal_first_day(self) -> date:
        return self.as_of - timedelta(days=self.offset + self.length - 1)

    @property
    def first_day(self) -> date:
        first = self.nominal_first_day
        return max(first, self.clip_from) if self.clip_from else first

    @property
    def clipped(self) -> bool:
        return self.first_day > self.nominal_first_day

    @property
    def coverage(self) -> float:
        """The clipped window's days / the window's days (0 when the data starts after it)."""
        days = (self.last_day - self.first_day).days + 1
        return max(0, min(days, self.length)) / self.length

    @property
    def last_day(self) -> date:
        return self.as_of - timedelta(days=self.offset)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, datetime.min.time())

    @property
    def end(self) -> datetime:
        """Exclusive upper bound: midnight after the last day."""
        return datetime.combine(self.last_day + timedelta(days=1), datetime.min.time())

    def contains(self, col: str | pl.Expr) -> pl.Expr:
        e = pl.col(col) if isinstance(col, str) else col
        return e.is_between(pl.lit(self.start), pl.lit(self.end), closed="left")

    def to_json(self) -> dict[str, str]:
        return {"start": self.first_day.isoformat(), "end": self.last_day.isoformat()}


def end_of(as_of: date) -> datetime:
    """The first instant after the as-of day: events at or after it have not happened yet."""
    return datetime.combine(as_of + timedelta(days=1), datetime.min.time())


def default_as_of(frames: dict[str, pl.DataFrame]) -> date | None:
    """The latest calendar date of any event over kept rows (excluded ones included)."""
    latest: datetime | None = None
    for dataset, cols in EVENT_COLUMNS.items():
        frame = frames.get(dataset)
        if frame is None:
            continue
        if dataset == "orders" and "paid_at" not in frame.columns:
            cols = (*cols, "created_at")  # created_at stands in for paid_at (SPEC §1)
        for c in cols:
            if c in frame.columns:
                m = frame[c].max()
                if isinstance(m, datetime) and (latest is None or m > latest):
                    latest = m
    return latest.date() if latest else None
