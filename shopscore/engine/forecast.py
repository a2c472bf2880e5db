"""The score over time: past days (trend) and coming days (forecast), from one preparation.

``frozen``: no new events — the coming days are the same evaluation as any past day, with
the exports' events ageing out of the windows (day D+k equals `compute --as-of D+k`).
``recent``: the last 14 days' daily rates go on — each metric's population and bad events
anchored in D-13 … D (as known on D), divided by 14, are added as new events on every
coming day, and count in a day's window like real ones would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from shopscore.engine.events import Totals, totals_at
from shopscore.engine.scorecard import Scorecard, Series, ShopModel, score_day, score_days
from shopscore.engine.windows import Window

Assume = Literal["frozen", "recent"]
RECENT_DAYS = 14


@dataclass(frozen=True)
class Crossing:
    threshold: str
    date: date
    direction: Literal["up", "down"]  # up: the threshold becomes passed


@dataclass(frozen=True)
class Forecast:
    today: Scorecard
    assume: Assume
    series: Series
    crossings: tuple[Crossing, ...]


def trend(m: ShopModel, as_of: date | None, days: int, category: str | None = None) -> Series:
    """The shop as of each of the ``days`` days ending at ``as_of``."""
    last = m.as_of(as_of)
    return score_days(m, last - timedelta(days=days - 1), last, category)


def _in_window(window: tuple[int, int], today: date, day: date) -> int:
    """How many of the days today+1 … day fall in ``day``'s window."""
    off, length = window
    lo = max(today + timedelta(days=1), day - timedelta(days=off + length - 1))
    hi = day - timedelta(days=off)
    return max(0, (hi - lo).days + 1)


def _scale(t: Totals, k: float) -> Totals:
    return Totals(t.w * k, t.h * k, t.v * k, 0, 0)


def recent_rates(m: ShopModel, today: date) -> tuple[dict[str, Totals], float]:
    """Per metric, the daily population and bad events of the last 14 days (as known on
    ``today``), and the eligibility population's daily count."""
    rates: dict[str, Totals] = {}
    for mid, ev in m.events.items():
        window = Window(0, RECENT_DAYS, today)
        pop = totals_at(ev.population, window) if ev.population is not None else Totals()
        daily = totals_at(ev.daily, window) if ev.daily is not None else Totals()
        hits = totals_at(ev.numerator, window).w if ev.numerator is not None else pop.h
        rates[mid] = _scale(Totals(pop.w + daily.w, hits + daily.h, pop.v + daily.v), 1 / RECENT_DAYS)
    elig = m.eligibility.frame
    count = totals_at(elig, Window(0, RECENT_DAYS, today)).rows if elig is not None else 0
    return rates, count / RECENT_DAYS


def forecast(
    m: ShopModel,
    as_of: date | None,
    days: int,
    assume: Assume = "frozen",
    category: str | None = None,
) -> Forecast:
    """The shop as of each of the ``days`` days after ``as_of``, the days a threshold is
    crossed, and the bad events leaving each metric's window per day."""
    today = m.as_of(as_of)
    first, last = today + timedelta(days=1), today + timedelta(days=days)
    extra: dict[str, Mapping[date, Totals]] | None = None
    extra_eligible: dict[date, int] | None = None
    if assume == "recent":
        rates, eligible = recent_rates(m, today)
        extra = {}
        for mid, rate in rates.items():
            window = m.profile.metrics[mid].window
            extra[mid] = {
                first + timedelta(days=i): _scale(rate, _in_window(window, today, first + timedelta(days=i)))
                for i in range(days)
            }
        window = m.profile.eligibility.window
        extra_eligible = {
            first + timedelta(days=i): round(eligible * _in_window(window, today, first + timedelta(days=i)))
            for i in range(days)
        }
    now = score_day(m, today, category)
    ahead = score_days(m, first, last, category, extra, extra_eligible)
    return Forecast(now, assume, ahead, crossings(now, ahead))


def crossings(today: Scorecard, ahead: Series) -> tuple[Crossing, ...]:
    """Each day a threshold's verdict changes from the day before (unknown days skipped)."""
    out = []
    last = {t.id: t.passed for t in today.thresholds}
    for card in ahead.days:
        for t in card.thresholds:
            if t.passed is None:
                continue
            before = last.get(t.id)
            if before is not None and before != t.passed:
                out.append(Crossing(t.id, card.as_of, "up" if t.passed else "down"))
            last[t.id] = t.passed
    return tuple(out)
