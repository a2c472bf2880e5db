"""Metric declarations → event frames (built once per shop) → MetricResult values at any
as-of day, or for a series of days.

:func:`plan` decides once, from the columns the files had, what each metric can be
(computable, with a stand-in column, approximate, or missing an export); `inspect` and
`compute` both read that decision. :func:`build` turns the declarations into event frames;
:func:`at_day` and :func:`series` evaluate them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any, Literal, Protocol

import polars as pl

from shopscore.engine.events import Totals, bad_rows, collect_totals, totals_at, totals_query, totals_series
from shopscore.engine.metrics import DERIVED, POPULATIONS, REGISTRY, Count, Daily, Metric
from shopscore.engine.prepare import DT, EXISTS_AT, Prepared, proxies_for
from shopscore.engine.profiles import TOLERANCE, Curve, MetricRule, Profile
from shopscore.engine.windows import Window


@dataclass(frozen=True)
class MetricResult:
    """One metric as of one day. A value: the scoring stages return new ones."""

    id: str
    dimension: str
    kind: str
    unit: str
    direction: str
    window: Window
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    count: int | None = None
    min_sample: float = 0
    status: str = "scored"  # scored | diagnostic | insufficient | no-data
    score: float | None = None
    weight: float = 0.0  # effective weight (fraction of the composite)
    points_lost: float | None = None
    tag: str | None = None
    proxy: str | None = None
    approximate: bool = False
    coverage: float = 1.0  # the window's share the population data covers (SPEC §3)
    left_out: int = 0  # rows of a mean left out for a negative duration (a data error)
    covered_by: str | None = None  # the dataset whose first day clipped the window
    notes: tuple[str, ...] = ()  # codes, worded by report.texts.NOTES
    missing: tuple[str, ...] = ()  # needs not met (status no-data)
    whatif: bool = False  # the value was set by `whatif`, not computed
    #: bad events: a rate's hits; a mean's units its declaration calls bad (hit_at), if any
    bad: float | None = None
    small_shop: bool = False  # scored by the small-shop rule (SPEC §4b), not its curve
    #: the backend page's figures (``--values``): the day of the reading whose value or
    #: score is used, shopscore's own value beside it, and the page's score if it shows one
    page: date | None = None
    computed: float | None = None
    page_score: float | None = None
    page_value: bool = False  # the value is the page's (its sample is shopscore's own)

    @property
    def sample(self) -> float:
        if self.kind == "mean":
            return float(self.count or 0)
        return float(self.denominator or 0)

    @property
    def metric(self) -> Metric:
        return REGISTRY[self.id]


def evolve(r: MetricResult, **changes: object) -> MetricResult:
    """``dataclasses.replace`` without its per-call field checks: a daily series makes
    thousands of these (one per metric, stage and day)."""
    new = object.__new__(MetricResult)
    new.__dict__.update(r.__dict__)
    new.__dict__.update(changes)
    return new


class HasColumns(Protocol):
    def has(self, dataset: str, column: str | None = None) -> bool: ...


def available(prep: HasColumns, need: str) -> bool:
    """``dataset`` or ``dataset.column``; alternatives joined by ``|``."""
    for alt in need.split("|"):
        dataset, _, column = alt.partition(".")
        if prep.has(dataset, column or None):
            return True
    return False


# ---------------------------------------------------------------- what the files allow

State = Literal["ok", "proxy", "approximate", "missing"]


@dataclass(frozen=True)
class MetricPlan:
    """What one metric can be, given the columns the shop's files had."""

    metric: Metric
    rule: MetricRule
    state: State
    missing: tuple[str, ...] = ()  # needs not met
    absent: tuple[str, ...] = ()  # optional inputs absent (counted as none)
    proxies: tuple[str, ...] = ()  # columns standing in for the rule's
    use_events: bool = True  # rows of the population dataset are counted
    use_daily: bool = False  # 飞鸽 daily data is counted (days without session data)
    note: str | None = None  # why a metric without a missing export still has no data
    scale_max: float = 5.0  # the profile's top score (an identity curve's full score)

    def ideal(self, category: str | None = None) -> float | None:
        """A mean's full-score value on the curve in use: rows worse than it are bad events."""
        if self.metric.kind != "mean":
            return None
        return self.rule.curve_for(category).ideal(self.metric.direction, self.scale_max)

    @property
    def proxy(self) -> str | None:
        return ", ".join(self.proxies) or None


def plan(
    shop: HasColumns, columns: Mapping[str, set[str] | frozenset[str]], profile: Profile
) -> dict[str, MetricPlan]:
    """Each profile metric's plan (read by `compute` and `inspect` alike)."""
    proxies = proxies_for(columns, profile.rules)
    return {
        mid: plan_metric(shop, columns, REGISTRY[mid], rule, proxies, profile.scale_max)
        for mid, rule in profile.metrics.items()
    }


def plan_metric(
    shop: HasColumns,
    columns: Mapping[str, set[str] | frozenset[str]],
    m: Metric,
    rule: MetricRule,
    proxies: Mapping[str, str],
    scale_max: float,
) -> MetricPlan:
    """What one metric can be under ``rule`` (a profile's metric, or an enforcement figure)."""
    missing = tuple(n for n in m.needs if not available(shop, n))
    absent = tuple(o for o in m.optional if not available(shop, o))
    used = tuple(dict.fromkeys(proxies[u] for u in m.uses if u in proxies))
    has_events = any(shop.has(d) for d in DERIVED.get(m.population.dataset, (m.population.dataset,)))
    use_daily = (
        m.daily is not None and shop.has("im_daily") and (not has_events or shop.has("im_daily", "date"))
    )
    no_columns = (
        use_daily and m.daily is not None and _daily_columns(m.daily, columns.get("im_daily", set())) is None
    )
    note = None
    if missing:
        state: State = "missing"
    elif no_columns and not has_events:
        state, note = "missing", "im-daily-no-column"
    elif used:
        state = "proxy"
    elif absent or (use_daily and not has_events) or m.always_approximate:
        state = "approximate"
    else:
        state = "ok"
    return MetricPlan(m, rule, state, missing, absent, used, has_events, use_daily, note, scale_max)


def _daily_columns(d: Daily, cols: set[str] | frozenset[str]) -> tuple[str, str, bool] | None:
    """(numerator column, weight column, counts?) of an im_daily estimate, or None."""
    if d.counts and all(c in cols for c in d.counts):
        return d.counts[0], d.counts[1], True
    weight = next((w for w in d.weight if w in cols), None)
    if d.value not in cols or weight is None:
        return None
    return d.value, weight, False


# ---------------------------------------------------------------- event frames


def event_frame(
    prep: Prepared,
    c: Count,
    hit_at: pl.Expr | None = None,
    value: pl.Expr | None = None,
    clip_from: date | None = None,
    drill: tuple[str, ...] = (),
    facets: tuple[tuple[str, pl.Expr], ...] = (),
    days: int | None = None,
    pending: tuple[str, str] | None = None,
) -> pl.LazyFrame:
    """The population rows of ``c`` with the event columns (see engine/events.py). With
    ``c.distinct``, a key counts once per window of ``days`` days: a row of the same key
    starts counting only on the day after the previous row's window ends, so the windows
    of one key's rows never overlap and any day counts the key at most once.
    ``pending`` = (time, column): a mean's value is known only from that time; before it
    the row counts the column's value instead (an answer not yet given: unanswered)."""
    frame = prep.frames[c.dataset]
    known = [c.anchor, *c.known]
    if c.dataset in EXISTS_AT:
        known.append(EXISTS_AT[c.dataset])
    lf = frame.lazy().filter(
        c.where.fill_null(False) & pl.all_horizontal([pl.col(k).is_not_null() for k in dict.fromkeys(known)])
    )
    if clip_from is not None:  # a window never starts before the data does (SPEC §3)
        lf = lf.filter(pl.col(c.anchor).dt.date() >= clip_from)
    one = pl.lit(1.0)

    def measured(value: pl.Expr | None) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
        """(w, v, neg): a mean's rows with a negative value are left out and counted."""
        if value is None:
            return one, pl.lit(0.0), pl.lit(False)
        ok = value >= 0
        return (
            ok.cast(pl.Float64).fill_null(0.0),
            pl.when(ok).then(value).otherwise(0.0),
            (~ok).fill_null(False),
        )

    w, v, neg = measured(value)
    # the drill-down columns, and where each row came from (file and row, for diagnose)
    keep: list[str | pl.Expr] = [
        col for col in dict.fromkeys((*drill, *SOURCE)) if col in frame.columns and col not in SUM_COLUMNS
    ]
    for name, expr in facets:  # diagnose's breakdown columns (null where the files lack them)
        present = all(root in frame.columns for root in expr.meta.root_names())
        keep.append((expr if present else pl.lit(None, pl.String)).alias(f"by_{name}"))
    known_at = pl.max_horizontal([pl.col(k) for k in dict.fromkeys(known)]).cast(DT)
    if c.distinct is not None and days is not None:
        lf = lf.sort(c.distinct, c.anchor)
        previous_ends = pl.col(c.anchor).shift(1).over(c.distinct).dt.truncate("1d") + timedelta(days=days)
        known_at = pl.max_horizontal(known_at, previous_ends.cast(DT))
    hit = (hit_at if hit_at is not None else pl.col(c.anchor)).cast(DT)

    def rows(
        frame: pl.LazyFrame, known: pl.Expr, w: pl.Expr, v: pl.Expr, neg: pl.Expr, gone: pl.Expr
    ) -> pl.LazyFrame:
        return frame.select(
            *keep,
            anchor=pl.col(c.anchor).cast(DT),
            known=known,
            w=w,
            h=one,
            hit_at=hit,
            v=v.cast(pl.Float64),
            neg=neg.cast(pl.Int64),
            gone=gone.cast(DT),
        )

    if pending is None or value is None:
        return rows(lf, known_at, w, v, neg, pl.lit(None, DT))
    at, before = pending
    # the value once known; before that (a row of its own that is gone then) the stand-in
    later = rows(lf, pl.max_horizontal(known_at, pl.col(at)).cast(DT), w, v, neg, pl.lit(None, DT))
    waiting = rows(lf.filter(pl.col(at).is_not_null()), known_at, *measured(pl.col(before)), pl.col(at))
    return pl.concat([later, waiting])


SOURCE = ("__file", "__row")
SUM_COLUMNS = ("anchor", "known", "w", "h", "hit_at", "v", "neg", "always", "gone")


def _daily_frame(prep: Prepared, d: Daily, sessions: pl.Series | None) -> tuple[pl.LazyFrame, bool] | None:
    """im_daily rows as an event frame (w = weight, h = weighted hits), and whether undated
    rows are used. A row without a date covers the exported period: it counts in the window
    ending at any day, unless session data exists (SPEC §1). Session data wins for the days
    from its first to its latest session as of the day evaluated: a daily row dated on or
    after the first session day stops counting (``gone``) once a session on or after its
    own day is known — the next session day (``sessions``: the sorted session days)."""
    frame = prep.frames["im_daily"]
    cols = prep.columns.get("im_daily", frozenset())
    found = _daily_columns(d, cols)
    if found is None:
        return None
    num, weight, counts = found
    lf = frame.lazy().filter(pl.col(num).is_not_null() & pl.col(weight).is_not_null())
    dated = "date" in frame.columns
    day = pl.col("date") if dated else pl.lit(None, DT)
    has_sessions = sessions is not None and sessions.len() > 0
    always = day.is_null() & pl.lit(not has_sessions)
    lf = lf.filter(day.is_not_null() | always)
    gone = pl.lit(None, DT)
    if dated and sessions is not None and has_sessions:
        days = pl.LazyFrame({"next_session": sessions.unique().sort()})
        lf = (
            lf.with_columns(__day=pl.col("date").dt.date())
            .sort("__day")
            .join_asof(days, left_on="__day", right_on="next_session", strategy="forward")
        )
        first = sessions.min()
        gone = pl.when(pl.col("__day") >= pl.lit(first)).then(pl.col("next_session").cast(DT))
    h = pl.col(num) if counts else pl.col(num) * pl.col(weight)
    extra = [pl.col(c) for c in SOURCE if c in frame.columns]
    if "agent" in frame.columns:  # diagnose breaks 飞鸽 daily rows down by agent
        extra.append(pl.col("agent").alias("by_agent"))
    extra.append(pl.lit(True).alias("__daily"))  # a day's aggregate: it has no hour
    out = lf.select(
        *extra,
        anchor=day.cast(DT),
        known=day.cast(DT),
        w=pl.col(weight).cast(pl.Float64),
        h=h.cast(pl.Float64),
        hit_at=day.cast(DT),
        v=pl.lit(0.0),
        neg=pl.lit(0, pl.Int64),
        always=always,
        gone=gone,
    )
    undated = not dated or (not has_sessions and frame["date"].null_count() > 0)
    return out, undated


def population_start(m: Metric, prep: HasSpans) -> tuple[str, date] | None:
    """(dataset, first day) of the data a metric's population comes from: its window is
    clipped there. Session metrics read 飞鸽 sessions, else (or also) the daily data."""
    spans = prep.spans
    if m.population.dataset == "im_sessions":
        found = [(d, spans[d][0]) for d in ("im_sessions", "im_daily") if d in spans]
        if m.daily is None:
            found = found[:1] if found and found[0][0] == "im_sessions" else []
        return min(found, key=lambda f: f[1]) if found else None
    found = [
        (d, spans[d][0]) for d in DERIVED.get(m.population.dataset, (m.population.dataset,)) if d in spans
    ]
    return min(found, key=lambda f: f[1]) if found else None


class HasSpans(Protocol):
    @property
    def spans(self) -> Mapping[str, tuple[date, date]]: ...


@dataclass(frozen=True)
class MetricEvents:
    """One metric's event frames for one shop, and the plan they were built from."""

    plan: MetricPlan
    clip: tuple[str, date] | None
    population: pl.LazyFrame | None = None
    numerator: pl.LazyFrame | None = None
    daily: pl.LazyFrame | None = None
    undated: bool = False

    @property
    def id(self) -> str:
        return self.plan.metric.id

    def window(self, as_of: date) -> Window:
        off, length = self.plan.rule.window
        window = Window(off, length, as_of)
        if self.clip is not None and self.clip[1] > window.nominal_first_day:
            window = Window(off, length, as_of, clip_from=self.clip[1])
        return window


def unit_scores(curve: Curve, value: pl.Expr, direction: str) -> pl.Expr:
    """Each unit's ``value`` scored on ``curve`` (a mean of per-unit scores, SPEC §4b
    pickup-score); null stays null."""
    if curve.kind == "identity":
        return value
    if curve.kind == "steps":
        expr: Any = pl.when(value.is_null()).then(pl.lit(None, pl.Float64))
        for bound, score in curve.points:  # best first: the first bound met gives the score
            met = value <= bound + TOLERANCE if direction == "lower" else value >= bound - TOLERANCE
            expr = expr.when(met).then(pl.lit(score))
        return expr.otherwise(pl.lit(curve.floor, pl.Float64))
    pts = sorted(curve.points)
    expr = pl.when(value.is_null()).then(pl.lit(None, pl.Float64))
    expr = expr.when(value <= pts[0][0]).then(pl.lit(pts[0][1]))
    for (x0, s0), (x1, s1) in pairwise(pts):
        expr = expr.when(value <= x1).then(s0 + (s1 - s0) * (value - x0) / (x1 - x0))
    return expr.otherwise(pl.lit(pts[-1][1]))


def build(prep: Prepared, plans: Mapping[str, MetricPlan]) -> dict[str, MetricEvents]:
    """Every metric's event frames (lazy: nothing is read until evaluated)."""
    out = {}
    for mid, p in plans.items():
        m = p.metric
        clip = population_start(m, prep)
        clip_day = clip[1] if clip else None
        if p.state == "missing":
            out[mid] = MetricEvents(p, clip)
            continue
        pop = num = daily = None
        undated = False
        if p.use_events and m.population.dataset in prep.frames:
            value = m.value
            if value is not None and p.rule.unit_curve is not None:
                value = unit_scores(p.rule.unit_curve, value, p.rule.unit_direction)
            pop = event_frame(
                prep,
                m.population,
                m.hit_at,
                value,
                clip_day,
                m.drill,
                m.facets,
                sum(p.rule.window),
                m.pending,
            )
            if m.numerator is not None:
                num = event_frame(prep, m.numerator, None, None, clip_day, m.drill)
        if p.use_daily and m.daily is not None:
            sessions = None
            if pop is not None:  # the days that have session data (excluded rows already gone)
                sessions = prep.frames[m.population.dataset]["started_at"].drop_nulls().dt.date()
            found = _daily_frame(prep, m.daily, sessions)
            if found is not None:
                daily, undated = found
                if clip_day is not None:
                    daily = daily.filter(pl.col("always") | (pl.col("anchor").dt.date() >= clip_day))
        out[mid] = MetricEvents(p, clip, pop, num, daily, undated)
    return out


# ---------------------------------------------------------------- evaluation


def _result(
    ev: MetricEvents, window: Window, pop: Totals, num: Totals | None, daily: Totals | None
) -> MetricResult:
    """A MetricResult from the window's sums (the one place a value is formed)."""
    p, m = ev.plan, ev.plan.metric
    common = {
        "id": m.id,
        "dimension": p.rule.dimension,
        "kind": m.kind,
        "unit": m.unit,
        "direction": m.direction,
        "window": window,
        "min_sample": p.rule.min_sample,
        "coverage": window.coverage,
        "covered_by": ev.clip[0] if window.clipped and ev.clip else None,
    }
    if p.state == "missing":
        why = (p.note,) if p.note else ()
        return MetricResult(**common, status="no-data", missing=p.missing, notes=why)  # type: ignore[arg-type]
    notes: tuple[str, ...] = ("first-reply-only",) if m.always_approximate else ()
    approximate = m.always_approximate or bool(p.absent)
    if daily is not None and daily.rows > 0:
        approximate = True
        notes = ("im-daily", "im-daily-undated") if ev.undated else ("im-daily",)
    daily = daily or Totals()
    if m.kind == "rate":
        den = pop.w + daily.w
        hits = (num.w if num is not None else pop.h) + daily.h
        if ev.daily is None and float(den).is_integer() and float(hits).is_integer():
            den, hits = int(den), int(hits)  # counts of rows (assumed events may be fractional)
        return MetricResult(
            **common,  # type: ignore[arg-type]
            numerator=hits,
            denominator=den,
            bad=hits,
            value=hits / den if den else None,
            proxy=p.proxy,
            approximate=approximate,
            notes=notes,
        )
    n = pop.w + daily.w  # rows (im_daily: their weights)
    total = pop.v + daily.h
    return MetricResult(
        **common,  # type: ignore[arg-type]
        count=int(n),
        bad=pop.h if m.hit_at is not None else None,
        value=total / n if n else None,
        left_out=pop.neg,
        proxy=p.proxy,
        approximate=approximate,
        notes=notes,
    )


def at_day(ev: MetricEvents, as_of: date) -> MetricResult:
    """The metric as of ``as_of``."""
    (result,) = at_day_all([ev], as_of)
    return result


def at_day_all(events: list[MetricEvents], as_of: date) -> list[MetricResult]:
    """Every metric as of ``as_of``, their window sums collected in one parallel run."""
    windows = [ev.window(as_of) for ev in events]
    queries: list[pl.LazyFrame | None] = []
    for ev, window in zip(events, windows, strict=True):
        for frame in (ev.population, ev.numerator, ev.daily):
            queries.append(totals_query(frame, window) if frame is not None else None)
    sums = collect_totals(queries)
    out = []
    for i, (ev, window) in enumerate(zip(events, windows, strict=True)):
        pop, num, daily = sums[3 * i : 3 * i + 3]
        out.append(_result(ev, window, pop or Totals(), num, daily))
    return out


@dataclass(frozen=True)
class SeriesQuery:
    """The lazy daily sums of one metric over a range of days (collected together with the
    other metrics' by :func:`collect_series`)."""

    ev: MetricEvents
    first: date
    last: date
    frames: tuple[pl.LazyFrame | None, pl.LazyFrame | None, pl.LazyFrame | None]


def series_query(
    ev: MetricEvents, first: date, last: date, category: str | None = None, leaving: bool = True
) -> SeriesQuery:
    off, length = ev.plan.rule.window
    m = ev.plan.metric
    bad = bad_rows(m.direction, m.kind, ev.plan.ideal(category), m.hit_at is not None) if leaving else None

    def sums(frame: pl.LazyFrame | None, with_bad: bool = False) -> pl.LazyFrame | None:
        if frame is None:
            return None
        return totals_series(frame, off, length, first, last, bad if with_bad and bad is not None else None)

    return SeriesQuery(
        ev,
        first,
        last,
        (
            sums(ev.population, with_bad=ev.numerator is None),
            sums(ev.numerator, with_bad=True),
            sums(ev.daily),
        ),
    )


def collect_series(queries: list[SeriesQuery]) -> list[tuple[list[Totals] | None, ...]]:
    """Every query's frames, computed in one parallel polars run."""
    lazies = [f for q in queries for f in q.frames if f is not None]
    done = iter(pl.collect_all(lazies))
    return [tuple(_rows(next(done)) if f is not None else None for f in q.frames) for q in queries]


def series(
    ev: MetricEvents,
    first: date,
    last: date,
    extra: Mapping[date, Totals] | None = None,
    sums: tuple[list[Totals] | None, ...] | None = None,
    category: str | None = None,
) -> tuple[list[MetricResult], list[int]]:
    """The metric as of every day ``first`` … ``last`` (one pass over its events), and the
    bad events leaving its window each day. ``extra`` adds assumed future events per day
    (forecast ``--assume recent``) to the population sums."""
    if sums is None:
        (sums,) = collect_series([series_query(ev, first, last, category)])
    pop, num, daily = sums
    days = (last - first).days + 1
    leaving = [0] * days
    for rows in (pop, num):
        if rows is not None:
            leaving = [a + t.leaving for a, t in zip(leaving, rows, strict=True)]
    out = []
    for i in range(days):
        day = first + timedelta(days=i)
        p = pop[i] if pop else Totals()
        n = num[i] if num else None
        if extra and day in extra:  # assumed events: the population's, and their bad ones
            more = extra[day]
            if n is not None:
                p, n = p + Totals(w=more.w, v=more.v), n + Totals(w=more.h)
            else:
                p = p + more
        out.append(_result(ev, ev.window(day), p, n, daily[i] if daily else None))
    return out, leaving


def _rows(frame: pl.DataFrame) -> list[Totals]:
    has_leaving = "leaving" in frame.columns
    cols = ["w", "h", "v", "neg", "rows", *(["leaving"] if has_leaving else [])]
    return [
        Totals(float(r[0]), float(r[1]), float(r[2]), int(r[3]), int(r[4]), int(r[5]) if has_leaving else 0)
        for r in frame.select(cols).iter_rows()
    ]


# ---------------------------------------------------------------- eligibility


@dataclass(frozen=True)
class EligibilityCount:
    """The profile's eligibility population counted over its window as of one day."""

    population: str
    window: Window
    count: int
    min_orders: int
    proxy: str | None

    @property
    def met(self) -> bool:
        return self.count >= self.min_orders

    def to_json(self) -> dict[str, object]:
        return {
            "population": self.population,
            "window": self.window.to_json(),
            "count": self.count,
            "min_orders": self.min_orders,
            "proxy": self.proxy,
        }


@dataclass(frozen=True)
class EligibilityEvents:
    population: str
    window: tuple[int, int]
    min_orders: int
    proxy: str | None
    frame: pl.LazyFrame | None

    def at_day(self, as_of: date) -> EligibilityCount:
        window = Window(self.window[0], self.window[1], as_of)
        count = totals_at(self.frame, window).rows if self.frame is not None else 0
        return EligibilityCount(self.population, window, count, self.min_orders, self.proxy)

    def series(self, first: date, last: date) -> list[EligibilityCount]:
        if self.frame is None:
            counts = [0] * ((last - first).days + 1)
        else:
            counts = totals_series(self.frame, *self.window, first, last).collect()["rows"].to_list()
        return [
            EligibilityCount(
                self.population,
                Window(self.window[0], self.window[1], first + timedelta(days=i)),
                int(n),
                self.min_orders,
                self.proxy,
            )
            for i, n in enumerate(counts)
        ]


def eligibility_events(prep: Prepared, profile: Profile) -> EligibilityEvents:
    """Below ``min_orders`` delivered (or paid) orders the shop has no score (SPEC §3) or
    is in a growth stage (§4b)."""
    elig = profile.eligibility
    return count_events(prep, elig.population, elig.window, elig.min_orders)


def count_events(
    prep: Prepared, population: str, window: tuple[int, int], min_orders: int
) -> EligibilityEvents:
    """An engine population counted over a window, at any day (eligibility, and the order
    count a threshold requires)."""
    concept = "delivered_at" if population == "delivered-orders" else "paid_at"
    frame = event_frame(prep, POPULATIONS[population]) if "orders" in prep.frames else None
    return EligibilityEvents(population, window, min_orders, prep.proxies.get(concept), frame)
