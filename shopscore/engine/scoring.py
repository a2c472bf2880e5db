"""Metric scores → dimension scores → composite, thresholds and priority tags (SPEC §3, §6).

Nothing about a scale, a curve or a bound is written here: it all comes from the profile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from shopscore.engine.compute import MetricResult

TOLERANCE = 1e-9


def curve_score(curve: dict[str, Any], value: float, direction: str) -> float:
    """Score of ``value`` on a profile curve.

    linear: piecewise-linear through ``points`` [[value, score], …], clamped at both ends.
    steps: ``points`` best first; the first bound the value meets (≤ for lower-is-better,
    ≥ for higher) gives its score, a value at a bound gets the better step; else ``floor``.
    identity: the value is already a score (e.g. a mean of per-order step scores)."""
    kind = curve["kind"]
    if kind == "identity":
        return float(value)
    pts = [(float(x), float(s)) for x, s in curve["points"]]
    if kind == "steps":
        for bound, score in pts:
            meets = value <= bound + TOLERANCE if direction == "lower" else value >= bound - TOLERANCE
            if meets:
                return score
        return float(curve["floor"])
    pts.sort()
    if value <= pts[0][0] + TOLERANCE:
        return pts[0][1]
    if value >= pts[-1][0] - TOLERANCE:
        return pts[-1][1]
    for (x0, s0), (x1, s1) in pairwise(pts):
        if x0 <= value <= x1:
            return s0 + (s1 - s0) * (value - x0) / (x1 - x0)
    raise AssertionError("unreachable: value inside the curve's range")


@dataclass
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


@dataclass
class DimensionResult:
    id: str
    weight: float  # after redistribution, fraction of the composite
    score: float | None
    zh: str = ""
    en: str = ""


@dataclass
class Rollup:
    score: float | None
    dimensions: list[DimensionResult]
    thresholds: list[ThresholdResult] = field(default_factory=list)


def score_metrics(results: list[MetricResult], profile: Any, category: str | None) -> None:
    """Each metric's score and status from its curve and minimum sample (in place)."""
    for r in results:
        cfg = profile.metrics[r.id]
        if r.status == "no-data":
            continue
        r.min_sample = float(cfg.get("min_sample", 0))
        if r.value is None or r.sample < r.min_sample - TOLERANCE:
            r.status = "insufficient"
            continue
        r.score = curve_score(profile.curve(r.id, category), r.value, r.direction)
        r.status = "scored" if float(cfg.get("weight", 0)) > 0 else "diagnostic"


def rollup(results: list[MetricResult], profile: Any) -> Rollup:
    """Redistribute weights over scored metrics and dimensions, then the composite and
    each metric's effective weight and points lost (they sum to max − composite)."""
    top = profile.scale_max
    dims_cfg = profile.dimensions
    by_dim: dict[str, list[MetricResult]] = {d: [] for d in dims_cfg}
    for r in results:
        by_dim[r.dimension].append(r)
    dim_inner: dict[str, dict[str, float]] = {}
    dim_scores: dict[str, float | None] = {}
    for d, members in by_dim.items():
        scored = [r for r in members if r.status == "scored"]
        total = sum(float(profile.metrics[r.id]["weight"]) for r in scored)
        if not scored or total <= 0:
            dim_scores[d] = None
            continue
        inner = {r.id: float(profile.metrics[r.id]["weight"]) / total for r in scored}
        dim_inner[d] = inner
        dim_scores[d] = sum(inner[r.id] * (r.score or 0.0) for r in scored)
    dim_total = sum(float(dims_cfg[d]["weight"]) for d, s in dim_scores.items() if s is not None)
    dims: list[DimensionResult] = []
    composite: float | None = None
    for d, cfg in dims_cfg.items():
        share = float(cfg["weight"]) / dim_total if dim_scores[d] is not None and dim_total else 0.0
        dims.append(DimensionResult(d, share, dim_scores[d], cfg.get("zh", d), cfg.get("en", d)))
        if dim_scores[d] is not None:
            composite = (composite or 0.0) + share * (dim_scores[d] or 0.0)
    shares = {dm.id: dm.weight for dm in dims}
    for r in results:
        if r.status == "scored":
            r.weight = shares[r.dimension] * dim_inner[r.dimension][r.id]
            r.points_lost = r.weight * (top - (r.score or 0.0))
        elif r.status == "diagnostic":
            r.weight, r.points_lost = 0.0, 0.0
        else:
            r.weight, r.points_lost = 0.0, None
    if composite is not None:  # a weighted mean of on-scale scores, up to float rounding
        composite = min(max(composite, profile.scale_min), profile.scale_max)
    return Rollup(composite, dims)


def thresholds(profile: Any, composite: float | None, dims: list[DimensionResult]) -> list[ThresholdResult]:
    """Every threshold of the profile, passed when its statistic is ≥ the bound."""
    dim_scores = {d.id: d.score for d in dims}
    out = []
    for t in profile.thresholds:
        applies = t.get("applies_to", "composite")
        stat = t.get("statistic", "current")
        value = composite if applies == "composite" else dim_scores.get(applies)
        if stat != "current":
            value = None  # needs the daily series (trend): not available in a single compute
        bound = float(t["bound"])
        passed = None if value is None else value >= bound - TOLERANCE
        distance = None if value is None else value - bound
        out.append(
            ThresholdResult(
                t["id"],
                bound,
                applies,
                stat,
                value,
                passed,
                distance,
                t.get("zh", ""),
                t.get("en", ""),
            )
        )
    return out


def tag(results: list[MetricResult], profile: Any) -> None:
    """key-opportunity on the metric losing most (if ≥ min_points_lost), then
    needs-attention below attention_below, good from good_from."""
    bounds = profile.tags
    scored = [r for r in results if r.status == "scored" and r.points_lost is not None]
    key = max(scored, key=lambda r: r.points_lost or 0.0, default=None)
    for r in results:
        if r.score is None:
            continue
        if r is key and (r.points_lost or 0.0) >= float(bounds["min_points_lost"]) - TOLERANCE:
            r.tag = "key-opportunity"
        elif r.score < float(bounds["attention_below"]) - TOLERANCE:
            r.tag = "needs-attention"
        elif r.score >= float(bounds["good_from"]) - TOLERANCE:
            r.tag = "good"
