"""A shop prepared once (:class:`ShopModel`) and judged at any day (:class:`Scorecard`):
metric values → scores → roll-up → status (eligibility, growth stage), thresholds, tags and
coverage. The rules for all of that live here, once; `compute`, `trend`, `forecast`,
`whatif` and `target` all go through :func:`judge`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from shopscore.engine.compute import (
    EligibilityCount,
    EligibilityEvents,
    MetricEvents,
    MetricPlan,
    MetricResult,
    at_day_all,
    build,
    collect_series,
    count_events,
    eligibility_events,
    evolve,
    plan,
    series,
    series_query,
)
from shopscore.engine.coverage import Coverage, coverage
from shopscore.engine.enforcement import (
    EnforcementEvents,
    EnforcementResult,
    enforcement_at,
    enforcement_events,
)
from shopscore.engine.events import Totals
from shopscore.engine.prepare import Prepared, prepare, unknown_reasons
from shopscore.engine.profiles import TOLERANCE, Profile
from shopscore.engine.readings import Readings, page_rollup, page_values
from shopscore.engine.scoring import (
    Adjustments,
    DimensionResult,
    ThresholdResult,
    adjust,
    rollup,
    score_metrics,
    tag,
    thresholds,
)
from shopscore.engine.windows import default_as_of
from shopscore.errors import ShopscoreError
from shopscore.loaders.discover import ShopData


@dataclass(frozen=True)
class ShopModel:
    """One shop prepared for one profile: event frames per metric, built once."""

    name: str
    profile: Profile
    prepared: Prepared
    plans: Mapping[str, MetricPlan]
    events: Mapping[str, MetricEvents]
    eligibility: EligibilityEvents
    unknown_reasons: tuple[str, ...]
    latest: date | None  # the default as-of day: the latest event date (SPEC §2)
    #: bonuses and deductions the seller gives (SPEC §4b), applied to every day judged
    adjustments: Adjustments = field(default_factory=Adjustments)
    #: per threshold that requires an order count (SPEC §5 Star Shop), that count's events
    requirements: Mapping[str, EligibilityEvents] = field(default_factory=dict)
    #: the figures enforced apart from the score (SPEC §5), shown under it
    enforcement: tuple[EnforcementEvents, ...] = ()
    #: what the backend page showed on given days (SPEC §4b ``--values``), applied per day
    readings: Readings = field(default_factory=Readings)

    def as_of(self, day: date | None) -> date:
        found = day or self.latest
        if found is None:
            raise ShopscoreError(
                f"{self.name}: no dated events in any export (no payment, review, chat or after-sale "
                "time); check that the time columns were exported, or pass --as-of"
            )
        return found


#: shops prepared lately in this process, by (the export cache's key of their files, the
#: profile): a report, or a library scoring many days, prepares each shop once
_PREPARED: OrderedDict[tuple[str, str], ShopModel] = OrderedDict()
_PREPARED_KEEP = 4


def model(shop: ShopData, profile: Profile) -> ShopModel:
    """``shop`` prepared for ``profile``: every metric's events, built once (and reused for
    the same files and profile within this process; a model is a value nobody changes)."""
    key = (shop.cache_key, repr(profile)) if shop.cache_key is not None else None
    if key is not None and key in _PREPARED:
        _PREPARED.move_to_end(key)
        return replace(_PREPARED[key], name=shop.name)
    built = _model(shop, profile)
    if key is not None:
        _PREPARED[key] = built
        while len(_PREPARED) > _PREPARED_KEEP:
            _PREPARED.popitem(last=False)
    return built


def _model(shop: ShopData, profile: Profile) -> ShopModel:
    prep = prepare(shop, profile.rules)
    plans = plan(shop, shop.columns, profile)
    return ShopModel(
        name=shop.name,
        profile=profile,
        prepared=prep,
        plans=plans,
        events=build(prep, plans),
        eligibility=eligibility_events(prep, profile),
        unknown_reasons=tuple(unknown_reasons(shop, profile.rules.reason_groups)),
        latest=default_as_of(shop.frames),
        requirements={
            t.id: count_events(prep, t.requires.population, t.requires.window, t.requires.min_orders)
            for t in profile.thresholds
            if t.requires is not None
        },
        enforcement=enforcement_events(shop, shop.columns, prep, profile),
    )


@dataclass(frozen=True)
class Scorecard:
    """The shop as of one day."""

    as_of: date
    status: str  # scored | insufficient-data | growth-stage
    score: float | None
    metrics: tuple[MetricResult, ...]
    dimensions: tuple[DimensionResult, ...]
    thresholds: tuple[ThresholdResult, ...]
    eligibility: EligibilityCount
    coverage: Coverage | None  # None on the days of a series (trend, forecast print none)
    #: the figure buyers see (SPEC §4b consumer display) and its thresholds, if the profile has one
    display: float | None = None
    display_thresholds: tuple[ThresholdResult, ...] = ()
    #: the figures enforced apart from the score (SPEC §5), as of the day
    enforcement: tuple[EnforcementResult, ...] = ()
    #: with a reading of the backend page for this day (``--values``): its day, and
    #: shopscore's own composite when the page's figures replaced it
    reading: date | None = None
    computed: float | None = None
    page_total: bool = False  # the score is the page's total

    def metric(self, metric_id: str) -> MetricResult:
        return next(m for m in self.metrics if m.id == metric_id)


History = Sequence[tuple[float | None, Mapping[str, float | None]]]


def judge(
    m: ShopModel,
    as_of: date,
    values: Sequence[MetricResult],
    elig: EligibilityCount,
    category: str | None,
    history: History | None = None,
    detail: bool = True,
    orders: Mapping[str, int] | None = None,
) -> Scorecard:
    """Scores, roll-up, status, thresholds, tags and coverage from one day's metric values
    (``detail`` False: no tags and coverage — a day of a series, where only scores count);
    ``orders``: the order counts thresholds require, per threshold."""
    prof = m.profile
    reading = m.readings.on(as_of) if m.readings else None
    if m.readings:
        values = page_values(values, m.readings, as_of)
    roll = rollup(score_metrics(values, prof, category, elig.count), prof)
    status, composite, dims, metrics = "scored", roll.score, roll.dimensions, roll.metrics
    adj = m.readings.adjustments(as_of, m.adjustments) if m.readings else m.adjustments
    if not elig.met:
        status = prof.eligibility.status
        composite = prof.eligibility.score
        if adj.record and prof.eligibility.record_score is not None and composite is not None:
            composite = prof.eligibility.record_score
        dims = tuple(replace(d, score=None) for d in dims)
    elif composite is None:
        status = "insufficient-data"
    if status == "scored" and adj and composite is not None:
        composite, dims = adjust(composite, dims, adj, prof)
    computed: float | None = None
    if reading is not None and (reading.total is not None or reading.dimensions):
        own = composite if status == "scored" else None
        composite, dims = page_rollup(own, dims, reading, prof, adj.without_bonus(set(reading.dimensions)))
        if composite is not None:
            computed = own
            # the page scores what shopscore could not; dimension scores on the page mean the
            # platform has the shop in its formal stage, whatever the orders counted here say
            if status == "insufficient-data" or reading.dimensions:
                status = "scored"
    if status != "scored":  # SPEC §0: metrics computed and shown, score/points/tag null
        metrics = tuple(evolve(r, score=None, points_lost=None) for r in metrics)
    ths = thresholds(prof, composite if status == "scored" else None, dims, history, orders)
    if status == "scored" and detail:
        metrics = tuple(tag(metrics, prof))
    shown, shown_ths = display(prof, composite)
    return Scorecard(
        as_of=as_of,
        status=status,
        score=composite,
        metrics=metrics,
        dimensions=dims,
        thresholds=tuple(ths),
        eligibility=elig,
        coverage=coverage(metrics, prof, m.prepared.spans) if detail else None,
        display=shown,
        display_thresholds=shown_ths,
        computed=computed,
        reading=reading.day if reading is not None else None,
        page_total=reading is not None and reading.total is not None,
    )


def display(profile: Profile, score: float | None) -> tuple[float | None, tuple[ThresholdResult, ...]]:
    """The figure buyers see for ``score`` and its thresholds (none without a display)."""
    d = profile.display
    if d is None or score is None:
        return None, ()
    value = d.value(score)
    out = []
    for t in d.thresholds:
        passed = value >= t.bound - TOLERANCE
        out.append(
            ThresholdResult(t.id, t.bound, "display", t.statistic, value, passed, value - t.bound, t.zh, t.en)
        )
    return value, tuple(out)


def _history_days(profile: Profile) -> int:
    """How many days before a day its thresholds' statistics read."""
    return max((t.days - 1 for t in profile.thresholds if t.statistic != "current"), default=0)


def day_values(m: ShopModel, as_of: date) -> list[MetricResult]:
    return at_day_all(list(m.events.values()), as_of)


def with_values(values: Sequence[MetricResult], overrides: Mapping[str, float]) -> list[MetricResult]:
    """``values`` with some metrics' values set by hand (whatif): a set metric counts as
    measured whatever its sample, also one that had no data."""
    out = []
    for r in values:
        if r.id in overrides:
            r = evolve(r, value=float(overrides[r.id]), whatif=True, missing=(), status="scored", score=None)
        out.append(r)
    return out


def score_day(
    m: ShopModel,
    as_of: date | None = None,
    category: str | None = None,
    overrides: Mapping[str, float] | None = None,
) -> Scorecard:
    """The shop as of ``as_of`` (default: its latest event date)."""
    day = m.as_of(as_of)
    values = day_values(m, day)
    if overrides:
        values = with_values(values, overrides)
    back = _history_days(m.profile)
    history: History | None = None
    if back:
        past = score_days(m, day - timedelta(days=back), day - timedelta(days=1), category, leaving=False)
        history = [(c.score, {d.id: d.score for d in c.dimensions}) for c in past.days]
    orders = {tid: ev.at_day(day).count for tid, ev in m.requirements.items()}
    card = judge(m, day, values, m.eligibility.at_day(day), category, history, orders=orders)
    return replace(card, enforcement=enforcement_at(m.enforcement, day))


@dataclass(frozen=True)
class Series:
    """The shop as of each day of a range, and the bad events leaving each metric's window
    per day (metric id → one count per day)."""

    days: tuple[Scorecard, ...]
    leaving: Mapping[str, tuple[int, ...]]


def score_days(
    m: ShopModel,
    first: date,
    last: date,
    category: str | None = None,
    extra: Mapping[str, Mapping[date, Totals]] | None = None,
    extra_eligible: Mapping[date, int] | None = None,
    leaving: bool = True,
) -> Series:
    """The shop as of every day ``first`` … ``last``, from one pass over each metric's events
    (daily aggregates and sliding sums). ``extra`` adds assumed events per metric and day
    (forecast ``--assume recent``); day X equals :func:`score_day` at X otherwise."""
    if last < first:
        return Series((), {})
    back = _history_days(m.profile)
    start = first - timedelta(days=back)
    per_metric: dict[str, list[MetricResult]] = {}
    gone_by_metric: dict[str, tuple[int, ...]] = {}
    queries = [series_query(ev, start, last, category, leaving) for ev in m.events.values()]
    for (mid, ev), sums in zip(m.events.items(), collect_series(queries), strict=True):
        values, gone = series(ev, start, last, (extra or {}).get(mid), sums)
        per_metric[mid] = values
        gone_by_metric[mid] = tuple(gone[back:])
    eligible = m.eligibility.series(start, last)
    required = {tid: ev.series(start, last) for tid, ev in m.requirements.items()}
    cards: list[Scorecard] = []
    history: list[tuple[float | None, Mapping[str, float | None]]] = []
    for i, elig in enumerate(eligible):
        day = start + timedelta(days=i)
        if extra_eligible and day in extra_eligible:
            elig = replace(elig, count=elig.count + extra_eligible[day])
        values = [per_metric[mid][i] for mid in m.events]
        orders = {tid: counts[i].count for tid, counts in required.items()}
        card = judge(m, day, values, elig, category, history, detail=False, orders=orders)
        history.append((card.score, {d.id: d.score for d in card.dimensions}))
        if day >= first:
            cards.append(card)
    return Series(tuple(cards), gone_by_metric)
