"""Metric scores → dimension scores → composite, thresholds and priority tags (SPEC §3, §6).

Nothing about a scale, a curve or a bound is written here: it all comes from the profile.
Every function returns new values; none changes its input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from shopscore.engine.compute import MetricResult, evolve
from shopscore.engine.profiles import TOLERANCE, Curve, OrderCount, Profile


def curve_score(curve: Curve | Mapping[str, Any], value: float, direction: str) -> float:
    """Score of ``value`` on a profile curve (see :class:`Curve`)."""
    c = curve if isinstance(curve, Curve) else Curve.parse(curve)
    return c.score(value, direction)


@dataclass(frozen=True)
class ThresholdResult:
    id: str
    bound: float
    applies_to: str
    statistic: str
    value: float | None
    passed: bool | None
    distance: float | None
    zh: str = ""
    en: str = ""
    days: int = 1
    #: the order count the threshold also needs (SPEC §5 Star Shop), and the shop's count
    requires: OrderCount | None = None
    orders: int | None = None


@dataclass(frozen=True)
class DimensionResult:
    id: str
    weight: float  # after redistribution, fraction of the composite
    score: float | None
    zh: str = ""
    en: str = ""
    #: shopscore's own score when the backend page's replaced it (``--values``), else None
    computed: float | None = None
    page: bool = False  # the score is the page's


@dataclass(frozen=True)
class Adjustments:
    """What the seller's backend page adds to or takes from the score (SPEC §4b): points
    deducted from the composite (扣分项), and points added to a dimension (加分项, e.g.
    logistics +3 for remote-area service), each dimension capped at the scale's maximum."""

    deductions: float = 0.0
    bonus: Mapping[str, float] = field(default_factory=dict)
    plus: float = 0.0  # a 加分项 added to the composite itself (the page shows it beside the total)
    #: the shop has a bad-behaviour record: a growth-stage shop gets the stage's lower score
    record: bool = False

    def __bool__(self) -> bool:
        return bool(self.deductions) or bool(self.plus) or self.record or any(self.bonus.values())

    def without_bonus(self, dims: set[str]) -> Adjustments:
        """These adjustments less the bonuses of ``dims`` (scores that already hold them)."""
        kept = {d: p for d, p in self.bonus.items() if d not in dims}
        return Adjustments(self.deductions, kept, self.plus, self.record)


def adjust(
    composite: float, dims: Sequence[DimensionResult], adj: Adjustments, profile: Profile
) -> tuple[float, tuple[DimensionResult, ...]]:
    """The composite and dimensions after bonuses and deductions (points lost stay those of
    the metrics: they add up to maximum − composite before these, SPEC §6)."""
    top = profile.scale_max
    out = []
    total = composite
    for d in dims:
        extra = adj.bonus.get(d.id, 0.0)
        if d.score is not None and extra:
            raised = min(d.score + extra, top)
            total += d.weight * (raised - d.score)
            d = replace(d, score=raised)
        out.append(d)
    total = min(max(total + adj.plus - adj.deductions, profile.scale_min), top)
    return total, tuple(out)


@dataclass(frozen=True)
class Rollup:
    score: float | None
    dimensions: tuple[DimensionResult, ...]
    metrics: tuple[MetricResult, ...]


def score_metric(
    r: MetricResult, profile: Profile, category: str | None, small_shop: bool = False
) -> MetricResult:
    """A metric's score and status from its curve and minimum sample (``small_shop``: the
    shop is below the profile's small-shop order count, SPEC §4b)."""
    rule = profile.metrics[r.id]
    by_hand = r.whatif or r.page_value  # a value set, not measured: any sample counts
    if r.page_score is not None:  # the backend page's own score for it (--values)
        return evolve(r, score=r.page_score, status="scored" if rule.weight > 0 else "diagnostic")
    if r.status == "no-data" and not by_hand:
        return r
    small = profile.small_shop
    if small_shop and small is not None and r.id in small.counts:
        count = small.counts[r.id]
        bad = getattr(r, count)
        if by_hand and count == "numerator" and r.value is not None:  # the hits a set rate implies
            bad = r.value * (r.denominator or 0.0)
        if (bad or 0.0) <= small.max_bad + TOLERANCE:  # any sample, none included
            return evolve(
                r, score=small.score, status="scored" if rule.weight > 0 else "diagnostic", small_shop=True
            )
    if r.value is None or (not by_hand and r.sample < rule.min_sample - TOLERANCE):
        return evolve(r, status="insufficient", score=None)
    score = rule.curve_for(category).score(r.value, r.direction)
    return evolve(r, score=score, status="scored" if rule.weight > 0 else "diagnostic")


def score_metrics(
    results: Sequence[MetricResult], profile: Profile, category: str | None, orders: int | None = None
) -> list[MetricResult]:
    """Every metric's score; ``orders``: the shop's count of the eligibility population,
    which decides the small-shop rule."""
    small = profile.small_shop is not None and orders is not None and orders < profile.small_shop.below_orders
    return [score_metric(r, profile, category, small) for r in results]


def rollup(results: Sequence[MetricResult], profile: Profile) -> Rollup:
    """Redistribute weights over scored metrics and dimensions, then the composite and
    each metric's effective weight and points lost (they sum to max − composite)."""
    top = profile.scale_max
    by_dim: dict[str, list[MetricResult]] = {d: [] for d in profile.dimensions}
    for r in results:
        by_dim[r.dimension].append(r)
    dim_inner: dict[str, dict[str, float]] = {}
    dim_scores: dict[str, float | None] = {}
    for d, members in by_dim.items():
        scored = [r for r in members if r.status == "scored"]
        total = sum(profile.metrics[r.id].weight for r in scored)
        if not scored or total <= 0:
            dim_scores[d] = None
            continue
        inner = {r.id: profile.metrics[r.id].weight / total for r in scored}
        dim_inner[d] = inner
        dim_scores[d] = sum(inner[r.id] * (r.score or 0.0) for r in scored)
    dim_total = sum(profile.dimensions[d].weight for d, s in dim_scores.items() if s is not None)
    dims: list[DimensionResult] = []
    composite: float | None = None
    for d, cfg in profile.dimensions.items():
        share = cfg.weight / dim_total if dim_scores[d] is not None and dim_total else 0.0
        dims.append(DimensionResult(d, share, dim_scores[d], cfg.zh, cfg.en))
        if dim_scores[d] is not None:
            composite = (composite or 0.0) + share * (dim_scores[d] or 0.0)
    shares = {dm.id: dm.weight for dm in dims}
    metrics = []
    for r in results:
        if r.status == "scored":
            weight = shares[r.dimension] * dim_inner[r.dimension][r.id]
            metrics.append(evolve(r, weight=weight, points_lost=weight * (top - (r.score or 0.0))))
        elif r.status == "diagnostic":
            metrics.append(evolve(r, weight=0.0, points_lost=0.0))
        else:
            metrics.append(evolve(r, weight=0.0, points_lost=None))
    if not dim_total:  # only dimensions weighing nothing have a score: no composite
        composite = None
    if composite is not None:  # a weighted mean of on-scale scores, up to float rounding
        composite = min(max(composite, profile.scale_min), profile.scale_max)
    return Rollup(composite, tuple(dims), tuple(metrics))


def thresholds(
    profile: Profile,
    composite: float | None,
    dims: Sequence[DimensionResult],
    history: Sequence[tuple[float | None, Mapping[str, float | None]]] | None = None,
    orders: Mapping[str, int] | None = None,
) -> list[ThresholdResult]:
    """Every threshold of the profile, passed when its statistic is ≥ the bound.
    ``history`` holds the (composite, dimension scores) of the days before, oldest first:
    the mean / min / max statistics read the last ``days`` of it and today (a day without
    a score makes the statistic unknown). ``orders``: per threshold that ``requires`` an
    order count, the shop's count — below its minimum the threshold is not passed."""
    today = (composite, {d.id: d.score for d in dims})
    out = []
    for t in profile.thresholds:

        def pick(
            day: tuple[float | None, Mapping[str, float | None]], applies: str = t.applies_to
        ) -> float | None:
            return day[0] if applies == "composite" else day[1].get(applies)

        value: float | None
        if t.statistic == "current":
            value = pick(today)
        else:
            past = list(history or [])[-(t.days - 1) :] if t.days > 1 else []
            values = [pick(day) for day in [*past, today]]
            if len(values) < t.days or any(v is None for v in values):
                value = None
            else:
                known = [float(v) for v in values if v is not None]
                value = {"mean": sum(known) / len(known), "min": min(known), "max": max(known)}[t.statistic]
        passed = None if value is None else value >= t.bound - TOLERANCE
        distance = None if value is None else value - t.bound
        count = (orders or {}).get(t.id) if t.requires is not None else None
        if t.requires is not None and passed:  # the score alone does not pass it
            passed = None if count is None else count >= t.requires.min_orders
        out.append(
            ThresholdResult(
                t.id,
                t.bound,
                t.applies_to,
                t.statistic,
                value,
                passed,
                distance,
                t.zh,
                t.en,
                t.days,
                t.requires,
                count,
            )
        )
    return out


def tag(results: Sequence[MetricResult], profile: Profile) -> list[MetricResult]:
    """key-opportunity on the metric losing most (if ≥ min_points_lost), then
    needs-attention below attention_below, good from good_from."""
    bounds = profile.tags
    scored = [r for r in results if r.status == "scored" and r.points_lost is not None]
    key = max(scored, key=lambda r: r.points_lost or 0.0, default=None)
    out = []
    for r in results:
        label: str | None = None
        if r.score is not None:
            if r is key and (r.points_lost or 0.0) >= bounds.min_points_lost - TOLERANCE:
                label = "key-opportunity"
            elif r.score < bounds.attention_below - TOLERANCE:
                label = "needs-attention"
            elif r.score >= bounds.good_from - TOLERANCE:
                label = "good"
        out.append(evolve(r, tag=label))
    return out
