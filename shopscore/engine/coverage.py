"""How much of the score the data supports (SPEC §3 coverage): each dataset's span, the
share of the nominal weight carried by scored metrics, and datasets that start late."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shopscore.engine.compute import MetricResult
from shopscore.engine.profiles import Profile


@dataclass(frozen=True)
class Coverage:
    measured_weight: float  # share of the profile's nominal composite weight that is scored
    scored: int  # positively weighted metrics that are scored
    weighted: int  # positively weighted metrics of the profile
    datasets: dict[str, tuple[date, date]] = field(default_factory=dict)
    #: (dataset, its first day, the orders' first day): starts late, was its period shorter?
    late: list[tuple[str, date, date]] = field(default_factory=list)
    #: dataset → (its first day, how many metric windows it clipped)
    clipped: dict[str, tuple[date, int]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "measured_weight": round(self.measured_weight, 6),
            "scored_metrics": self.scored,
            "weighted_metrics": self.weighted,
            "datasets": {
                k: {"first": a.isoformat(), "last": b.isoformat()} for k, (a, b) in self.datasets.items()
            },
            "clipped": {k: {"first": f.isoformat(), "metrics": n} for k, (f, n) in self.clipped.items()},
            "warnings": [
                {
                    "dataset": d,
                    "first": f.isoformat(),
                    "orders_first": o.isoformat(),
                    "days_late": (f - o).days,
                }
                for d, f, o in self.late
            ],
        }


def nominal_weights(profile: Profile) -> dict[str, float]:
    """Each metric's share of the composite when every metric is scored: dimension weight ×
    weight in the dimension, each set normalised to sum 1."""
    dims = profile.dimensions
    dim_total = sum(d.weight for d in dims.values()) or 1.0
    inner_total: dict[str, float] = {}
    for rule in profile.metrics.values():
        inner_total[rule.dimension] = inner_total.get(rule.dimension, 0.0) + rule.weight
    out = {}
    for mid, rule in profile.metrics.items():
        inner = inner_total[rule.dimension]
        out[mid] = dims[rule.dimension].weight / dim_total * (rule.weight / inner if inner else 0.0)
    return out


def coverage(
    results: Sequence[MetricResult], profile: Profile, spans: Mapping[str, tuple[date, date]]
) -> Coverage:
    weights = nominal_weights(profile)
    weighted = [r for r in results if weights.get(r.id, 0.0) > 0]
    scored = [r for r in weighted if r.status == "scored"]
    rules = profile.rules.coverage
    late = []
    if "orders" in spans:
        orders_first = spans["orders"][0]
        quiet = {"orders", *rules.sparse}
        for dataset, (first, _last) in spans.items():
            if (
                dataset not in quiet
                and (first - orders_first).days > profile.longest_window * rules.late_start_share
            ):
                late.append((dataset, first, orders_first))
    clipped: dict[str, tuple[date, int]] = {}
    for r in results:
        if r.covered_by and r.covered_by in spans and r.status != "no-data":
            n = clipped.get(r.covered_by, (spans[r.covered_by][0], 0))[1]
            clipped[r.covered_by] = (spans[r.covered_by][0], n + 1)
    return Coverage(
        measured_weight=sum(weights[r.id] for r in scored),
        scored=len(scored),
        weighted=len(weighted),
        datasets=dict(spans),
        late=late,
        clipped=clipped,
    )
