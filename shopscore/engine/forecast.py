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

from shopscore.engine.events import Totals, collect_totals, totals_query
from shopscore.engine.scorecard import Scorecard, Series, ShopModel, score_days
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
    return score_days(m, last - timedelta(days=days - 1), last, category, leaving=False)


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
    window = Window(0, RECENT_DAYS, today)
    queries = []
    for ev in m.events.values():
        for frame in (ev.population, ev.numerator, ev.daily):
            queries.append(totals_query(frame, window) if frame is not None else None)
    elig = m.eligibility.frame
    queries.append(totals_query(elig, window) if elig is not None else None)
    sums = collect_totals(queries)
    rates: dict[str, Totals] = {}
    for i, mid in enumerate(m.events):
        pop, num, daily = (t or Totals() for t in sums[3 * i : 3 * i + 3])
        hits = num.w if m.events[mid].numerator is not None else pop.h
        rates[mid] = _scale(Totals(pop.w + daily.w, hits + daily.h, pop.v + daily.v), 1 / RECENT_DAYS)
    count = sums[-1].rows if sums[-1] is not None else 0
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
    # today and the coming days in one pass (day `today` of a series is score_day's)
    run = score_days(m, today, last, category, extra, extra_eligible)
    now = run.days[0]
    ahead = Series(run.days[1:], {mid: gone[1:] for mid, gone in run.leaving.items()})
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
