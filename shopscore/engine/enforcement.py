"""Figures a platform enforces apart from the score (SPEC §5: weekly on-time delivery,
seller-fault cancellation, late dispatch), declared by a profile's [[enforcement]] tables.

Each is a registry metric over the figure's own window, built and evaluated by the same
engine as the score's metrics (so it reads the same prepared data and the same as-of
rules), and judged against a bound on the metric's better side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from shopscore.engine.compute import HasColumns, MetricEvents, MetricResult, at_day_all, build, plan_metric
from shopscore.engine.metrics import REGISTRY
from shopscore.engine.prepare import Prepared, proxies_for
from shopscore.engine.profiles import TOLERANCE, Curve, Enforcement, MetricRule, Profile


@dataclass(frozen=True)
class EnforcementEvents:
    rule: Enforcement
    events: MetricEvents


@dataclass(frozen=True)
class EnforcementResult:
    """One figure as of one day: the metric's value over the figure's window, and whether
    it is on the better side of the bound (None: no value)."""

    rule: Enforcement
    metric: MetricResult
    passed: bool | None

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def zh(self) -> str:
        return self.rule.zh

    @property
    def en(self) -> str:
        return self.rule.en


def enforcement_events(
    shop: HasColumns, columns: Mapping[str, set[str] | frozenset[str]], prep: Prepared, profile: Profile
) -> tuple[EnforcementEvents, ...]:
    """Every [[enforcement]] figure's event frames (lazy), planned like a metric."""
    if not profile.enforcement:
        return ()
    proxies = proxies_for(columns, profile.rules)
    plans = {}
    for e in profile.enforcement:
        rule = MetricRule(e.id, "", 0.0, e.window, 0.0, Curve("identity"), {})
        plans[e.id] = plan_metric(shop, columns, REGISTRY[e.metric], rule, proxies, profile.scale_max)
    built = build(prep, plans)
    return tuple(EnforcementEvents(e, built[e.id]) for e in profile.enforcement)


def enforcement_at(found: tuple[EnforcementEvents, ...], as_of: date) -> tuple[EnforcementResult, ...]:
    """Every figure as of ``as_of`` (a calendar-week figure over the last complete week)."""
    if not found:
        return ()
    events = []
    for f in found:
        rule = replace(f.events.plan.rule, window=f.rule.window_on(as_of))
        events.append(replace(f.events, plan=replace(f.events.plan, rule=rule)))
    out = []
    for f, r in zip(found, at_day_all(events, as_of), strict=True):
        passed = None
        if r.value is not None and r.status != "no-data":
            if r.direction == "lower":
                passed = r.value <= f.rule.bound + TOLERANCE
            else:
                passed = r.value >= f.rule.bound - TOLERANCE
        out.append(EnforcementResult(f.rule, r, passed))
    return tuple(out)
