"""What it takes to reach a score: each metric's needed value alone (its curve inverted),
what that means in bad events, and a cheapest combination of changes (SPEC §7 target).

The composite is affine in one metric's score while the set of scored metrics stays the
same, so a metric's needed score is solved from two evaluations, then turned into a value
by the curve's inverse, rounded towards the better side and checked with the same
evaluation `whatif` uses (so applying it reaches the target).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from shopscore.engine.compute import MetricResult
from shopscore.engine.profiles import TOLERANCE, Curve
from shopscore.engine.scorecard import Scorecard, ShopModel, day_values, judge, with_values

#: effort steps per metric for the combination search (share of the way to full score)
STEPS = 100


@dataclass(frozen=True)
class Need:
    id: str
    value: float | None  # today's
    needed: float | None  # the value this metric alone must reach (None: it cannot)
    events: int | None  # the change in bad events that means (rates)
    reason: str | None = None  # why needed is None: diagnostic | no-data | unreachable | not-scored


@dataclass(frozen=True)
class Target:
    today: Scorecard
    target: float
    metrics: tuple[Need, ...]
    combination: tuple[Need, ...] | None  # None: even every metric at its best falls short


def _grid(unit: str) -> float:
    return 1e-6 if unit == "ratio" else 0.01


def round_better(value: float, step: float, direction: str) -> float:
    """``value`` on a grid of ``step``, on its better side (down when lower is better); a
    value already on the grid up to float noise stays where it is."""
    steps = value / step
    near = round(steps)
    if abs(steps - near) < 1e-6:
        steps = near
    n = math.floor(steps) if direction == "lower" else math.ceil(steps)
    return round(n * step, 10)


def towards_better(value: float, unit: str, direction: str) -> float:
    """``value`` on the unit's grid (1e-6 for rates, 0.01 otherwise), on its better side."""
    return round_better(value, _grid(unit), direction)


def _step(value: float, unit: str, direction: str) -> float:
    g = _grid(unit)
    return round(value - g if direction == "lower" else value + g, 10)


def bad_events(r: MetricResult, needed: float) -> int | None:
    """The change in a rate's bad events that moving it to ``needed`` means."""
    if r.kind != "rate" or r.denominator is None or r.numerator is None or not r.denominator:
        return None
    den, num = float(r.denominator), float(r.numerator)
    if r.direction == "lower":
        return math.floor(needed * den + 1e-9) - round(num)
    return round(num) - math.ceil(needed * den - 1e-9)


class _Judge:
    """The composite with some metrics' values set (the evaluation whatif uses)."""

    def __init__(self, m: ShopModel, as_of: date, category: str | None) -> None:
        self.m, self.as_of, self.category = m, as_of, category
        self.values = day_values(m, as_of)
        self.elig = m.eligibility.at_day(as_of)
        self.today = judge(m, as_of, self.values, self.elig, category)

    def card(self, overrides: Mapping[str, float]) -> Scorecard:
        return judge(self.m, self.as_of, with_values(self.values, overrides), self.elig, self.category)

    def score(self, overrides: Mapping[str, float]) -> float | None:
        return self.card(overrides).score


def target(m: ShopModel, as_of: date | None, goal: float, category: str | None = None) -> Target:
    day = m.as_of(as_of)
    j = _Judge(m, day, category)
    today = j.today
    results = {r.id: r for r in today.metrics}
    needs = []
    for mid, rule in m.profile.metrics.items():
        r = results[mid]
        needs.append(_alone(j, r, rule.curve_for(category), goal))
    combo = _combination(j, goal, category) if today.status == "scored" else None
    if combo:  # one metric alone may be cheaper than the combination found
        cost = {n.id: _effort(j, results[n.id], n.needed, category) for n in needs if n.needed is not None}
        combo_cost = sum(_effort(j, results[n.id], n.needed, category) for n in combo)
        single = min(cost, key=lambda k: cost[k], default=None)
        if single is not None and cost[single] <= combo_cost:
            combo = tuple(n for n in needs if n.id == single)
    return Target(today, goal, tuple(needs), combo)


def _effort(j: _Judge, r: MetricResult, needed: float | None, category: str | None) -> float:
    """The share of the way from today's value to the full-score value a change covers."""
    if needed is None or r.value is None:
        return math.inf
    ideal = j.m.profile.metrics[r.id].curve_for(category).ideal(r.direction, j.m.profile.scale_max)
    span = abs(ideal - r.value)
    return abs(needed - r.value) / span if span else 0.0


def _alone(j: _Judge, r: MetricResult, curve: Curve, goal: float) -> Need:
    today = j.today
    if j.m.profile.metrics[r.id].weight <= 0:
        return Need(r.id, r.value, None, None, "diagnostic")
    if r.status == "no-data":
        return Need(r.id, r.value, None, None, "no-data")
    if today.status != "scored" or today.score is None:  # no score, or a fixed stage score
        return Need(r.id, r.value, None, None, "not-scored")
    if today.score >= goal - TOLERANCE:
        if r.value is None:  # nothing measured, nothing needed
            return Need(r.id, None, None, None, "not-scored")
        return Need(r.id, r.value, r.value, 0 if r.kind == "rate" else None)
    top = curve.best(j.m.profile.scale_max)
    best_value = curve.ideal(r.direction, j.m.profile.scale_max)
    at_best = j.score({r.id: best_value})
    if at_best is None or at_best < goal - TOLERANCE:
        return Need(r.id, r.value, None, None, "unreachable")
    # composite = a + b·score for this metric (the scored set fixed: it is scored in both)
    low_value = _worst_value(curve, r.direction)
    low_score = curve.score(low_value, r.direction)
    at_low = j.score({r.id: low_value})
    assert at_low is not None
    if top - low_score <= TOLERANCE:
        needed_score = top
    else:
        b = (at_best - at_low) / (top - low_score)
        needed_score = low_score + (goal - at_low) / b if b > 0 else top
    raw = curve.value_for(min(needed_score, top), r.direction)
    value = best_value if raw is None or math.isinf(raw) else raw
    needed = _reaching(j, r, {}, value, goal)
    return Need(r.id, r.value, needed, bad_events(r, needed) if needed is not None else None)


def _worst_value(curve: Curve, direction: str) -> float:
    if curve.kind == "identity":
        return 0.0
    xs = [x for x, _ in curve.points]
    return max(xs) if direction == "lower" else min(xs)


def _reaching(
    j: _Judge, r: MetricResult, others: Mapping[str, float], value: float, goal: float
) -> float | None:
    """``value`` on the grid, on its better side, moved one grid step at a time until the
    composite (with ``others`` set too) reaches ``goal``."""
    v = towards_better(value, r.unit, r.direction)
    for _ in range(1000):
        score = j.score({**others, r.id: v})
        if score is not None and score >= goal - TOLERANCE:
            return v
        v = _step(v, r.unit, r.direction)
        if r.unit == "ratio" and not 0 <= v <= 1:
            return None
    return None


def _combination(j: _Judge, goal: float, category: str | None) -> tuple[Need, ...] | None:
    """A cheapest set of changes: each scored metric moves part of the way from today's value
    to its full-score value; the cost is the sum of those shares, and the search takes the
    steepest composite gain per share first (whole steps of a step curve at once)."""
    today = j.today
    assert today.score is not None
    if today.score >= goal - TOLERANCE:
        return ()
    prof = j.m.profile
    movable: dict[str, tuple[MetricResult, float, list[float]]] = {}
    for r in today.metrics:
        if r.status != "scored" or r.value is None or r.score is None:
            continue
        curve = prof.metrics[r.id].curve_for(category)
        ideal = curve.ideal(r.direction, prof.scale_max)
        if r.score >= curve.best(prof.scale_max) - TOLERANCE:
            continue
        gains = [
            r.weight * (curve.score(r.value + (ideal - r.value) * k / STEPS, r.direction) - r.score)
            for k in range(STEPS + 1)
        ]
        movable[r.id] = (r, ideal, gains)
    if not movable:
        return None
    at = dict.fromkeys(movable, 0)
    need = goal - today.score
    gained = 0.0
    while gained < need - TOLERANCE:
        best: tuple[float, str, int] | None = None
        for mid, (_, _, gains) in movable.items():
            k0 = at[mid]
            for k in range(k0 + 1, STEPS + 1):
                slope = (gains[k] - gains[k0]) / (k - k0)
                if slope > TOLERANCE and (best is None or slope > best[0]):
                    best = (slope, mid, k)
        if best is None:
            return None  # every metric at its best and still short
        _, mid, k = best
        remaining = need - gained
        step_gain = movable[mid][2][k] - movable[mid][2][at[mid]]
        if step_gain > remaining:  # take only as far as needed on a linear stretch
            for k2 in range(at[mid] + 1, k + 1):
                if movable[mid][2][k2] - movable[mid][2][at[mid]] >= remaining - TOLERANCE:
                    k = k2
                    break
        gained += movable[mid][2][k] - movable[mid][2][at[mid]]
        at[mid] = k
    chosen = {mid: k for mid, k in at.items() if k > 0}
    values = {}
    for mid, k in chosen.items():
        r, ideal, _ = movable[mid]
        values[mid] = towards_better(r.value + (ideal - r.value) * k / STEPS, r.unit, r.direction)  # type: ignore[operator]
    # grid rounding only improves a value; if the composite still falls short, push the
    # last-chosen metric further
    last = list(chosen)[-1]
    reached = _reaching(
        j, movable[last][0], {k: v for k, v in values.items() if k != last}, values[last], goal
    )
    if reached is None:
        return None
    values[last] = reached
    return tuple(
        Need(mid, movable[mid][0].value, v, bad_events(movable[mid][0], v)) for mid, v in values.items()
    )
