"""The library surface: load exports, score a shop. The CLI is a thin layer over this."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from shopscore.engine.compute import MetricResult, compute_all, eligibility_count
from shopscore.engine.coverage import Coverage, coverage
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
from shopscore.engine.windows import default_as_of
from shopscore.errors import ShopscoreError
from shopscore.loaders.discover import Progress, ShopData, ShopsMode
from shopscore.loaders.discover import load as load_shops

SCHEMA_VERSION = 1
__all__ = ["Profile", "ShopData", "ShopScore", "load", "load_profile", "score"]


def load(
    path: Path | str,
    columns: Path | None = None,
    progress: Progress | None = None,
    shops: ShopsMode = "auto",
) -> list[ShopData]:
    """Every shop under ``path`` (a shop folder, a folder of shop folders, or one file);
    ``shops`` overrides the guess of which folders are shops (SPEC §1)."""
    return load_shops(Path(path), columns, progress, shops)


def _r(x: float | None, n: int = 6) -> float | None:
    return None if x is None else round(float(x), n)


@dataclass
class ShopScore:
    """The result of scoring one shop: what `compute --format json` prints."""

    shop: str
    profile: Profile
    as_of: date | None
    status: str
    score: float | None
    metrics: list[MetricResult]
    dimensions: list[DimensionResult]
    thresholds: list[ThresholdResult]
    data: ShopData
    eligibility: dict[str, Any] = field(default_factory=dict)
    category: str | None = None
    coverage: Coverage | None = None  # SPEC §3: measured weight, dataset spans, late starts
    error: str | None = None  # status "error": why the shop could not be scored
    internal: bool = False  # the error is a bug in shopscore (exit 70), not the input

    def metric(self, metric_id: str) -> MetricResult:
        return next(m for m in self.metrics if m.id == metric_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "shop": self.shop,
            "profile": self.profile.id,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "status": self.status,
            "score": _r(self.score),
            "estimate": True,
            "category": self.category,
            "eligibility": self.eligibility or None,
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
            "coverage": self.coverage.to_json() if self.coverage else None,
            "load": self.data.report.to_json(),
            **({"error": {"message": self.error, "internal": self.internal}} if self.error else {}),
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
        "coverage": round(m.coverage, 6),
        "left_out": m.left_out,
        "min_sample": m.min_sample,
        "notes": m.notes,
        "missing": m.missing,
    }


def score(
    shop: ShopData,
    profile: Profile | str | None = None,
    as_of: date | None = None,
    category: str | None = None,
) -> ShopScore:
    """Score one loaded shop as of ``as_of`` (default: its latest event date). A shop that
    could not be read comes back with status ``error``."""
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    if shop.error is not None:
        return failed(shop, prof, shop.error)
    check_category(prof, category)
    day = as_of or default_as_of(shop.frames)
    if day is None:
        raise ShopscoreError(
            f"{shop.path}: no dated events in any export (no payment, review, chat or after-sale "
            "time); check that the time columns were exported, or pass --as-of"
        )
    note_unknown_reasons(shop, prof)
    prep = prepare(shop, day, prof.rules)
    results = compute_all(prep, prof.metrics)
    score_metrics(results, prof, category)
    roll = rollup(results, prof)
    elig = prof.data["eligibility"]
    eligibility = eligibility_count(prep, elig)
    count = eligibility["count"]
    status, composite, dims = "scored", roll.score, roll.dimensions
    if count < int(elig["min_orders"]):
        status = str(elig.get("status", "insufficient-data"))
        composite = float(elig["score"]) if "score" in elig else None
        for d in dims:
            d.score = None
        if status == "growth-stage":  # SPEC §0: metrics shown, score/points/tag null
            for r in results:
                r.score = r.points_lost = None
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
        coverage=coverage(results, prof, shop.spans),
    )


def check_category(profile: Profile, category: str | None) -> None:
    """``--category`` must name curves the profile has (else the defaults would be used
    silently)."""
    if category is None:
        return
    known = sorted({c for cfg in profile.metrics.values() for c in cfg.get("categories", {})})
    if category not in known:
        raise ShopscoreError(
            f"--category {category!r}: profile {profile.id} has no curves for it "
            f"(it has: {', '.join(known) or 'none'}); omit --category for the default curves"
        )


def failed(shop: ShopData, profile: Profile, message: str, internal: bool = False) -> ShopScore:
    """The result of a shop that could not be scored (SPEC §7: status ``error``)."""
    return ShopScore(
        shop=shop.name,
        profile=profile,
        as_of=None,
        status="error",
        score=None,
        metrics=[],
        dimensions=[],
        thresholds=[],
        data=shop,
        error=message,
        internal=internal,
    )


def score_each(
    shops: list[ShopData],
    profile: Profile | str | None = None,
    as_of: date | None = None,
    category: str | None = None,
) -> list[ShopScore]:
    """:func:`score` per shop; one shop's failure is that shop's ``error`` result, never the
    others' (an unexpected exception is marked ``internal`` with its details logged)."""
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    out = []
    for shop in shops:
        try:
            out.append(score(shop, prof, as_of, category))
        except ShopscoreError as exc:
            out.append(failed(shop, prof, str(exc)))
        except Exception as exc:  # a bug: keep the other shops, say where the details are
            out.append(failed(shop, prof, internal_error(exc), internal=True))
    return out


def internal_error(exc: BaseException) -> str:
    """One line for an unexpected exception, its traceback written to a file."""
    import tempfile
    import traceback
    from datetime import datetime as dt

    where = Path(tempfile.gettempdir()) / f"shopscore-error-{dt.now():%Y%m%d-%H%M%S-%f}.txt"
    try:
        where.write_text("".join(traceback.format_exception(exc)), "utf-8")
        saved = f"details in {where}"
    except OSError:
        saved = "re-run with --debug for details"
    first = (str(exc).strip().splitlines() or [""])[0][:200]
    return f"internal error (a bug in shopscore): {type(exc).__name__}: {first}; {saved} — please report it"


def note_unknown_reasons(shop: ShopData, profile: Profile) -> list[str]:
    """After-sales reasons (and complaint types) the profile's keyword table puts in no
    group: they count as `other`; listed so the seller can extend the table."""
    import polars as pl

    from shopscore.engine.prepare import reason_group

    groups = profile.rules["reason_groups"]
    found: dict[str, int] = {}
    for dataset, cols in (("after_sales", ("reason_tag", "reason")), ("complaints", ("type",))):
        frame = shop.frames.get(dataset)
        present = [c for c in cols if frame is not None and c in frame.columns]
        if frame is None or not present:
            continue
        text = pl.coalesce([pl.col(c) for c in present])
        other = (
            frame.select(text.alias("t"))
            .filter(reason_group(pl.col("t"), groups) == "other")
            .group_by("t")
            .len()
        )
        for t_, n in other.iter_rows():
            found[t_] = found.get(t_, 0) + n
    from shopscore.loaders.privacy import redact

    ranked = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
    shop.report.unknown_reasons = list(dict.fromkeys(redact(t_) for t_, _ in ranked))
    return shop.report.unknown_reasons


def metric_needs(shop: ShopData, profile: Profile, lang: str) -> list[dict[str, str]]:
    """Per metric of the profile: ok, computed with a stand-in column, or missing an export
    (what `inspect` tells the seller to add)."""
    from shopscore.engine.compute import available
    from shopscore.engine.metrics import REGISTRY
    from shopscore.engine.prepare import proxies_for
    from shopscore.report.texts import NO_DATA_HINTS, NOTES, PROXY_HINTS

    proxies = proxies_for(shop.columns)
    out = []
    for mid in profile.metrics:
        m = REGISTRY[mid]
        name = f"{m.name(lang)} ({mid})"
        missing = [n for n in m.needs if not available(shop, n)]
        if missing:
            text = "; ".join(NO_DATA_HINTS.get(n, {}).get(lang, f"needs {n}") for n in missing)
            out.append({"metric": name, "id": mid, "state": "missing", "text": text, "style": "red"})
            continue
        used = [proxies[u] for u in m.uses if u in proxies]
        if used:
            text = "; ".join(PROXY_HINTS[p][lang] for p in dict.fromkeys(used))
            out.append({"metric": name, "id": mid, "state": "proxy", "text": text, "style": "yellow"})
            continue
        if m.daily is not None and not shop.has(m.population.dataset) and shop.has("im_daily"):
            text = NOTES["im-daily"][lang]
            out.append({"metric": name, "id": mid, "state": "approximate", "text": text, "style": "yellow"})
            continue
        absent = [o for o in m.optional if not available(shop, o)]
        if absent:
            text = "; ".join(NO_DATA_HINTS.get(o, {}).get(lang, o) for o in absent)
            ok = "可计算（近似）" if lang == "zh" else "computable, approximate"
            out.append(
                {
                    "metric": name,
                    "id": mid,
                    "state": "approximate",
                    "text": f"{ok}: {text}",
                    "style": "yellow",
                }
            )
            continue
        out.append({"metric": name, "id": mid, "state": "ok", "text": "✓", "style": "green"})
    return out


def inspect_json(shop: ShopData, profile: Profile) -> dict[str, Any]:
    """`inspect --format json`: `shop` and the `load` object of SPEC §7 (plus what each
    metric needs)."""
    note_unknown_reasons(shop, profile)
    needs = [
        {"metric": n["id"], "state": n["state"], "hint": n["text"]} for n in metric_needs(shop, profile, "en")
    ]
    return {
        "schema_version": SCHEMA_VERSION,
        "shop": shop.name,
        "load": shop.report.to_json(),
        "metrics": needs,
        **({"error": {"message": shop.error}} if shop.error else {}),
    }


def describe_metrics(profile: Profile) -> list[dict[str, Any]]:
    """Every metric of ``profile`` with its declaration's doc and the profile's numbers."""
    from shopscore.engine.metrics import REGISTRY

    rows = []
    for mid, cfg in profile.metrics.items():
        m = REGISTRY[mid]
        rows.append(
            {
                "profile": profile.id,
                "id": mid,
                "zh": m.zh,
                "en": m.en,
                "dimension": cfg["dimension"],
                "dimension_zh": profile.dimensions[cfg["dimension"]].get("zh", cfg["dimension"]),
                "dimension_en": profile.dimensions[cfg["dimension"]].get("en", cfg["dimension"]),
                "kind": m.kind,
                "unit": m.unit,
                "direction": m.direction,
                "window": list(cfg["window"]),
                "anchor": m.population.anchor,
                "weight": float(cfg.get("weight", 0)),
                "min_sample": float(cfg.get("min_sample", 0)),
                "definition_zh": m.doc.definition_zh,
                "definition_en": m.doc.definition_en,
                "why": m.doc.why,
                "moves": m.doc.moves,
                "curve": profile.curve(mid, None),
            }
        )
    return rows
