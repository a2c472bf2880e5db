"""The library surface: load exports, score a shop. The CLI is a thin layer over this."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from shopscore.engine.compute import MetricResult, compute_all, count_rows
from shopscore.engine.metrics import POPULATIONS
from shopscore.engine.prepare import prepare
from shopscore.engine.profiles import Profile, load_profile
from shopscore.engine.scoring import (
    DimensionResult,
    ThresholdResult,
    rollup,
    score_metrics,
    tag,
    thresholds,
)
from shopscore.engine.windows import Window, default_as_of
from shopscore.errors import ShopscoreError
from shopscore.loaders.discover import Progress, ShopData
from shopscore.loaders.discover import load as load_shops

SCHEMA_VERSION = 1
__all__ = ["ShopScore", "load", "load_profile", "score"]


def load(path: Path | str, columns: Path | None = None, progress: Progress | None = None) -> list[ShopData]:
    """Every shop under ``path`` (a shop folder, a folder of shop folders, or one file)."""
    return load_shops(Path(path), columns, progress)


def _r(x: float | None, n: int = 6) -> float | None:
    return None if x is None else round(float(x), n)


@dataclass
class ShopScore:
    """The result of scoring one shop: what `compute --format json` prints."""

    shop: str
    profile: Profile
    as_of: date
    status: str
    score: float | None
    metrics: list[MetricResult]
    dimensions: list[DimensionResult]
    thresholds: list[ThresholdResult]
    data: ShopData
    eligibility: dict[str, Any] = field(default_factory=dict)
    category: str | None = None

    def metric(self, metric_id: str) -> MetricResult:
        return next(m for m in self.metrics if m.id == metric_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "shop": self.shop,
            "profile": self.profile.id,
            "as_of": self.as_of.isoformat(),
            "status": self.status,
            "score": _r(self.score),
            "estimate": True,
            "category": self.category,
            "eligibility": self.eligibility,
            "thresholds": [
                {
                    "id": t.id,
                    "bound": t.bound,
                    "value": _r(t.value),
                    "passed": t.passed,
                    "distance": _r(t.distance),
                }
                for t in self.thresholds
            ],
            "dimensions": [
                {"id": d.id, "weight": _r(d.weight), "score": _r(d.score)} for d in self.dimensions
            ],
            "metrics": [metric_json(m) for m in self.metrics],
            "load": self.data.report.to_json(),
        }


def metric_json(m: MetricResult) -> dict[str, Any]:
    rate_counts = m.kind == "rate"
    return {
        "id": m.id,
        "dimension": m.dimension,
        "kind": m.kind,
        "value": _r(m.value, 8),
        "numerator": _r(m.numerator) if rate_counts else None,
        "denominator": _r(m.denominator) if rate_counts else None,
        "count": m.count if not rate_counts else None,
        "unit": m.unit,
        "window": m.window.to_json(),
        "status": m.status,
        "score": _r(m.score),
        "weight": _r(m.weight),
        "points_lost": _r(m.points_lost),
        "tag": m.tag,
        "proxy": m.proxy,
        "approximate": m.approximate,
        "min_sample": m.min_sample,
        "notes": m.notes,
    }


def score(
    shop: ShopData,
    profile: Profile | str | None = None,
    as_of: date | None = None,
    category: str | None = None,
) -> ShopScore:
    """Score one loaded shop as of ``as_of`` (default: its latest event date)."""
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    day = as_of or default_as_of(shop.frames)
    if day is None:
        raise ShopscoreError(
            f"{shop.path}: no dated events in any export (no payment, review, chat or after-sale "
            "time); check that the time columns were exported"
        )
    prep = prepare(shop, day, prof.rules)
    results = compute_all(prep, prof.metrics)
    score_metrics(results, prof, category)
    roll = rollup(results, prof)
    elig = prof.data["eligibility"]
    count = 0
    if "orders" in prep.frames:
        win = Window(int(elig["window"][0]), int(elig["window"][1]), day)
        count, _ = count_rows(prep, POPULATIONS[elig["population"]], win)
    eligibility = {
        "population": elig["population"],
        "window": Window(int(elig["window"][0]), int(elig["window"][1]), day).to_json(),
        "count": count,
        "min": elig["min"],
        "proxy": prep.proxies.get("delivered_at") if elig["population"] == "delivered-orders" else prep.proxies.get("paid_at"),
    }
    status, composite, dims = "scored", roll.score, roll.dimensions
    if count < int(elig["min"]):
        status = str(elig.get("status", "insufficient-data"))
        composite = float(elig["score"]) if "score" in elig else None
        for d in dims:
            d.score = None
        for r in results:
            r.points_lost = None
    elif composite is None:
        status = "insufficient-data"
    ths = thresholds(prof, composite if status == "scored" else None, dims)
    if status == "scored":
        tag(results, prof)
    return ShopScore(
        shop=shop.name,
        profile=prof,
        as_of=day,
        status=status,
        score=composite,
        metrics=results,
        dimensions=dims,
        thresholds=ths,
        data=shop,
        eligibility=eligibility,
        category=category,
    )
