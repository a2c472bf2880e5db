"""What the seller's backend page showed on given days (``--values FILE``, SPEC §4b): the
total, the dimension scores, 加分项 / 扣分项 and each metric's value (and, where the page
shows them, its score and weight).

Readings are data the judge applies at evaluation: on a reading's day the page's figures
replace shopscore's own (which are kept beside them, so the output can mark where they
differ); a metric shopscore cannot compute (``no-data``, e.g. 运单配送时效达成率) keeps the
page's latest value on the days after it. Calibration (:mod:`shopscore.engine.calibrate`)
fits the profile's weights and cut-offs to them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from shopscore.engine.compute import MetricResult, evolve
from shopscore.engine.profiles import Profile
from shopscore.engine.scoring import Adjustments, DimensionResult


@dataclass(frozen=True)
class MetricReading:
    """One metric as the page shows it: its value (in shopscore's unit: a fraction for a
    rate, hours or seconds for a duration), and where shown its score and weight (the
    weight as a share of its dimension, 0–1)."""

    value: float | None = None
    score: float | None = None
    weight: float | None = None


@dataclass(frozen=True)
class Reading:
    """The page on one day (the day its figures are as of)."""

    day: date
    total: float | None = None
    dimensions: Mapping[str, float] = field(default_factory=dict)
    metrics: Mapping[str, MetricReading] = field(default_factory=dict)
    #: 加分项 / 扣分项: ``deductions`` off the total, ``bonus`` per dimension, ``plus`` on
    #: the total (a 加分项 the page shows only as a number beside the total)
    adjustments: Adjustments = field(default_factory=Adjustments)
    #: where it was read from, for messages: "values.toml, reading 2 (2026-09-09)"
    source: str = ""


@dataclass(frozen=True)
class Readings:
    """Every reading of a values file, oldest first (one per day)."""

    items: tuple[Reading, ...] = ()
    source: str = ""

    def __bool__(self) -> bool:
        return bool(self.items)

    def on(self, day: date) -> Reading | None:
        return next((r for r in self.items if r.day == day), None)

    def latest_value(self, metric_id: str, day: date) -> tuple[date, MetricReading] | None:
        """The newest reading on or before ``day`` that gives ``metric_id``'s value or score."""
        for r in reversed(self.items):
            if r.day > day:
                continue
            m = r.metrics.get(metric_id)
            if m is not None and (m.value is not None or m.score is not None):
                return r.day, m
        return None

    @property
    def last_day(self) -> date | None:
        return self.items[-1].day if self.items else None


def page_values(values: Sequence[MetricResult], readings: Readings, day: date) -> list[MetricResult]:
    """``values`` with the page's figures for ``day``: a metric the day's reading gives takes
    its value (shopscore's own kept as ``computed``) and its score if shown; a metric with
    no data takes the latest reading's value up to ``day``. A value set by whatif stays."""
    reading = readings.on(day)
    out = []
    for r in values:
        got: tuple[date, MetricReading] | None = None
        if reading is not None and r.id in reading.metrics:
            got = day, reading.metrics[r.id]
        elif r.status == "no-data":
            got = readings.latest_value(r.id, day)
        if got is None or r.whatif:
            out.append(r)
            continue
        when, shown = got
        changes: dict[str, object] = {"page": when}
        if shown.value is not None:
            own = r.value if r.status != "no-data" else None
            changes.update(value=shown.value, computed=own, score=None)
        if shown.score is not None:
            changes["page_score"] = shown.score
        if r.status == "no-data":
            changes.update(status="scored", missing=())
        out.append(evolve(r, **changes))
    return out


def page_rollup(
    composite: float | None,
    dims: Sequence[DimensionResult],
    reading: Reading,
    profile: Profile,
    adj: Adjustments,
) -> tuple[float | None, tuple[DimensionResult, ...]]:
    """The composite and dimensions with the page's dimension scores and total: a page
    dimension replaces shopscore's (kept as ``computed``), the weights are shared again over
    the dimensions with a score, and the page's total, if shown, is the composite."""
    if reading.dimensions:
        shown = []
        for d in dims:
            if d.id in reading.dimensions:
                d = replace(d, score=reading.dimensions[d.id], computed=d.score, page=True)
            shown.append(d)
        total_weight = sum(profile.dimensions[d.id].weight for d in shown if d.score is not None)
        dims = [
            replace(d, weight=profile.dimensions[d.id].weight / total_weight if d.score is not None else 0.0)
            for d in shown
        ]
        composite = sum(d.weight * (d.score or 0.0) for d in dims) if total_weight else None
        if composite is not None:
            composite = min(max(composite + adj.plus - adj.deductions, profile.scale_min), profile.scale_max)
    if reading.total is not None:
        composite = reading.total
    return composite, tuple(dims)
