"""The library surface: load exports, score a shop. The CLI is a thin layer over this."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from shopscore.engine.calibrate import Fit
from shopscore.engine.compute import MetricResult
from shopscore.engine.compute import plan as metric_plans
from shopscore.engine.coverage import Coverage
from shopscore.engine.enforcement import EnforcementResult
from shopscore.engine.profiles import Profile, load_profile
from shopscore.engine.readings import Readings
from shopscore.engine.scorecard import Scorecard, ShopModel, model, score_day
from shopscore.engine.scoring import Adjustments, DimensionResult, ThresholdResult
from shopscore.errors import ExitCode, ShopscoreError
from shopscore.loaders.discover import Progress, ShopData, ShopPlan, ShopsMode
from shopscore.loaders.discover import load as load_shops

SCHEMA_VERSION = 1
__all__ = ["Profile", "ShopData", "ShopScore", "load", "load_profile", "score"]


def load(
    path: Path | str,
    columns: Path | None = None,
    progress: Progress | None = None,
    shops: ShopsMode = "auto",
    cache: bool = True,
) -> list[ShopData]:
    """Every shop under ``path`` (a shop folder, a folder of shop folders, or one file);
    ``shops`` overrides the guess of which folders are shops (SPEC §1); ``cache=False``
    reads every file afresh instead of from the parsed-export cache."""
    return load_shops(Path(path), columns, progress, shops, cache)


def _r(x: float | None, n: int = 6) -> float | None:
    return None if x is None else round(float(x), n)


@dataclass(frozen=True)
class ShopScore:
    """The result of scoring one shop: what `compute --format json` prints."""

    shop: str
    profile: Profile
    as_of: date | None
    status: str
    score: float | None
    metrics: tuple[MetricResult, ...]
    dimensions: tuple[DimensionResult, ...]
    thresholds: tuple[ThresholdResult, ...]
    data: ShopData
    eligibility: dict[str, Any] = field(default_factory=dict)
    category: str | None = None
    coverage: Coverage | None = None  # SPEC §3: measured weight, dataset spans, late starts
    error: str | None = None  # status "error": why the shop could not be scored
    internal: bool = False  # the error is a bug in shopscore (exit 70), not the input
    unknown_reasons: tuple[str, ...] = ()  # reasons the profile's keyword table puts in no group
    display: float | None = None  # the figure buyers see (SPEC §4b), if the profile has one
    display_thresholds: tuple[ThresholdResult, ...] = ()
    #: the figures the platform enforces apart from the score (SPEC §5), if the profile has any
    enforcement: tuple[EnforcementResult, ...] = ()
    #: the prepared shop it was judged from, so fix-first and summary need not prepare again
    model: ShopModel | None = field(default=None, repr=False, compare=False)
    #: ``--values``: the day of the backend page's reading applied, shopscore's own score
    #: beside the page's, and the fit of the profile to the readings
    reading: date | None = None
    computed: float | None = None
    page_total: bool = False  # the score is the page's total
    fit: Fit | None = field(default=None, repr=False, compare=False)
    #: the 加分项 / 扣分项 in the score (the day's page reading's, else --bonus/--deduct)
    adjustments_used: Adjustments | None = None
    #: computed in a worker process (the result travels without its frames and model):
    #: fix-first in the run's language, and the next threshold crossing for summary
    fixes: tuple[dict[str, Any], ...] | None = field(default=None, compare=False)
    next_crossing: dict[str, Any] | None = field(default=None, compare=False)
    crossing_known: bool = field(default=False, compare=False)

    def metric(self, metric_id: str) -> MetricResult:
        return next(m for m in self.metrics if m.id == metric_id)

    def _display_json(self) -> dict[str, Any] | None:
        d = self.profile.display
        if d is None:
            return None
        return {
            "label": {"zh": d.zh, "en": d.en},
            "value": self.display,
            "max": d.scale_max,
            "thresholds": [
                {
                    "id": t.id,
                    "label": {"zh": t.zh, "en": t.en},
                    "bound": t.bound,
                    "passed": t.passed,
                    "distance": _r(t.distance),
                }
                for t in self.display_thresholds
            ],
        }

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
                    "label": {"zh": t.zh, "en": t.en},
                    "statistic": t.statistic,
                    "days": t.days,
                    "bound": t.bound,
                    "value": _r(t.value),
                    "passed": t.passed,
                    "distance": _r(t.distance),
                    **({"requires": requires_json(t)} if t.requires is not None else {}),
                }
                for t in self.thresholds
            ],
            "dimensions": [
                {
                    "id": d.id,
                    "label": {"zh": d.zh, "en": d.en},
                    "weight": _r(d.weight),
                    "score": _r(d.score),
                    "page": d.page,
                    "computed_score": _r(d.computed) if d.page else None,
                }
                for d in self.dimensions
            ],
            "metrics": [metric_json(m) for m in self.metrics],
            "coverage": self.coverage.to_json() if self.coverage else None,
            "display": self._display_json(),
            "enforcement": [enforcement_json(e) for e in self.enforcement],
            "adjustments": (
                {
                    "deductions": adj.deductions,
                    "bonus": dict(adj.bonus),
                    "plus": adj.plus,
                    "bad_record": adj.record,
                }
                if (adj := self.adjustments_used) is not None
                else None
            ),
            "page": (
                {
                    "date": self.reading.isoformat(),
                    "total": self.page_total,
                    "computed_score": _r(self.computed),
                }
                if self.reading is not None
                else None
            ),
            "calibration": fit_summary(self.fit) if self.fit is not None else None,
            "load": load_json(self.data, self.unknown_reasons),
            **({"error": {"message": self.error, "internal": self.internal}} if self.error else {}),
        }


def verdict(result: ShopScore, fail_below: float | None, min_coverage: float) -> ExitCode:
    """A shop's exit code under ``--fail-below`` (SPEC §7): 1 when its score is below the
    bound, 3 when it cannot be judged (not scored, or scored on less than ``min_coverage``
    of the profile's weight), else 0; an unreadable shop is 2 (or 70 for a bug)."""
    if result.status == "error":
        return ExitCode.INTERNAL if result.internal else ExitCode.INPUT_ERROR
    if fail_below is None:
        return ExitCode.OK
    measured = result.coverage.measured_weight if result.coverage else 0.0
    if result.status != "scored" or result.score is None or measured < min_coverage - 1e-9:
        return ExitCode.NOT_ENOUGH_DATA
    return ExitCode.ALERT if result.score < fail_below - 1e-9 else ExitCode.OK


def requires_json(t: ThresholdResult) -> dict[str, Any]:
    """The order count a threshold also needs (SPEC §5 Star Shop) and the shop's count."""
    assert t.requires is not None
    return {
        "population": t.requires.population,
        "days": t.requires.window[1],
        "min_orders": t.requires.min_orders,
        "count": t.orders,
    }


def enforcement_json(e: EnforcementResult) -> dict[str, Any]:
    """One figure enforced apart from the score (SPEC §5)."""
    m = e.metric
    return {
        "id": e.id,
        "label": {"zh": e.zh, "en": e.en},
        "metric": e.rule.metric,
        "value": _r(m.value, 8),
        "numerator": _r(m.numerator),
        "denominator": _r(m.denominator),
        "unit": m.unit,
        "window": m.window.to_json(),
        "bound": e.rule.bound,
        "direction": m.direction,
        "status": m.status,
        "passed": e.passed,
        "proxy": m.proxy,
    }


def metric_json(m: MetricResult) -> dict[str, Any]:
    rate_counts = m.kind == "rate"
    return {
        "id": m.id,
        "label": {"zh": m.metric.zh, "en": m.metric.en},
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
        "notes": list(m.notes),
        "missing": list(m.missing),
        "whatif": m.whatif,
        "small_shop": m.small_shop,
        "page": (
            {
                "date": m.page.isoformat(),
                "score": m.page_score,
                "computed_value": _r(m.computed, 8),
            }
            if m.page is not None
            else None
        ),
    }


def load_json(shop: ShopData, unknown_reasons: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """The `load` object of SPEC §7, with the reasons the profile could not group."""
    out = shop.report.to_json()
    out["unknown_reasons"] = list(unknown_reasons)
    return out


def score(
    shop: ShopData,
    profile: Profile | str | None = None,
    as_of: date | None = None,
    category: str | None = None,
    overrides: dict[str, float] | None = None,
    adjustments: Adjustments | None = None,
    page: Page | None = None,
) -> ShopScore:
    """Score one loaded shop as of ``as_of`` (default: its latest event date). A shop that
    could not be read comes back with status ``error``. ``overrides`` sets metric values
    by hand (whatif); ``page``: the backend page's readings (``--values``) and the profile
    fitted to them, which replaces ``profile``."""
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    if shop.error is not None:
        return failed(shop, prof, shop.error)
    check_category(prof, category)
    m = _model(shop, prof, category, adjustments, page)
    out = from_card(m, shop, score_day(m, as_of, category, overrides), category)
    return replace(out, fit=page.fit) if page is not None else out


def from_card(m: ShopModel, shop: ShopData, card: Scorecard, category: str | None) -> ShopScore:
    """The ShopScore of a model's scorecard."""
    return ShopScore(
        shop=shop.name,
        profile=m.profile,
        as_of=card.as_of,
        status=card.status,
        score=card.score,
        metrics=card.metrics,
        dimensions=card.dimensions,
        thresholds=card.thresholds,
        data=shop,
        eligibility=card.eligibility.to_json(),
        category=category,
        coverage=card.coverage,
        unknown_reasons=m.unknown_reasons,
        model=m,
        display=card.display,
        display_thresholds=card.display_thresholds,
        enforcement=card.enforcement,
        reading=card.reading,
        computed=card.computed,
        page_total=card.page_total,
        adjustments_used=_adjustments_used(m, card.as_of),
    )


def _adjustments_used(m: ShopModel, day: date | None) -> Adjustments | None:
    """The 加分项 / 扣分项 in a day's score: the day's page reading's, else the seller's
    --bonus / --deduct (None: none)."""
    adj = m.readings.adjustments(day, m.adjustments) if m.readings and day is not None else m.adjustments
    return adj or None


def check_category(profile: Profile, category: str | None) -> None:
    """``--category`` must name curves the profile has (else the defaults would be used
    silently)."""
    if category is None:
        return
    known = profile.categories
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
        metrics=(),
        dimensions=(),
        thresholds=(),
        data=shop,
        error=message,
        internal=internal,
    )


def score_each(
    shops: list[ShopData],
    profile: Profile | str | None = None,
    as_of: date | None = None,
    category: str | None = None,
    overrides: dict[str, float] | None = None,
    adjustments: Adjustments | None = None,
    page: Page | None = None,
) -> list[ShopScore]:
    """:func:`score` per shop; one shop's failure is that shop's ``error`` result, never the
    others' (an unexpected exception is marked ``internal`` with its details logged)."""
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    out = []
    for shop in shops:
        try:
            out.append(score(shop, prof, as_of, category, overrides, adjustments, page))
        except ShopscoreError as exc:
            out.append(failed(shop, prof, str(exc)))
        except Exception as exc:  # a bug: keep the other shops, say where the details are
            out.append(failed(shop, prof, internal_error(exc), internal=True))
    return out


@dataclass(frozen=True)
class ShopTask:
    """Everything one shop's scoring needs, sent to a worker process: the planned shop, the
    header aliases, the profile by name, the run's options, and what to compute beside the
    score (``lang``: fix-first in that language; ``forecast_days``: the next crossing)."""

    plan: ShopPlan | None = None  # set per shop by score_plans
    columns: Path | None = None
    profile: str | None = None
    industry: str | None = None
    shop_type: str | None = None
    as_of: date | None = None
    category: str | None = None
    adjustments: Adjustments | None = None
    cache: bool = True
    lang: str | None = None
    forecast_days: int | None = None


def run_shop(task: ShopTask) -> ShopScore:
    """Score one planned shop: a pure function of its folder and the options. The result
    comes without its frames and model (light enough to travel between processes), with
    fix-first and the next crossing computed if asked. Never raises for the shop's own
    failure: that is its ``error`` status."""
    from shopscore.loaders.discover import build_planned, reader
    from shopscore.loaders.schemas import load_schema

    assert task.plan is not None, "score_plans sets each task's shop"
    prof = load_profile(task.profile, task.industry, task.shop_type)
    try:
        shop = build_planned(task.plan, reader(load_schema(task.columns), task.cache), {})
    except ShopscoreError as exc:
        return light(failed(ShopData(task.plan.name, task.plan.folder), prof, str(exc)))
    except Exception as exc:
        return light(failed(ShopData(task.plan.name, task.plan.folder), prof, internal_error(exc), True))
    (result,) = score_each([shop], prof, task.as_of, task.category, adjustments=task.adjustments)
    try:
        fixes = tuple(fix_first(result, lang=task.lang)) if task.lang is not None else None
        crossing = next_crossing(result, task.forecast_days) if task.forecast_days is not None else None
    except Exception as exc:  # a bug: the shop's error, not the run's
        return light(failed(shop, prof, internal_error(exc), True))
    return replace(
        light(result), fixes=fixes, next_crossing=crossing, crossing_known=task.forecast_days is not None
    )


def light(result: ShopScore) -> ShopScore:
    """``result`` without the shop's frames and its prepared model: what the reports read
    (scores, the load report) and nothing a worker need send back."""
    data = result.data
    bare = ShopData(data.name, data.path, {}, data.columns, data.report, data.error, data.spans)
    return replace(result, data=bare, model=None)


@dataclass(frozen=True)
class Planned:
    """The shops found under a path, and the files read to find them (auto mode with
    sub-folders), so that loading them reads nothing twice."""

    plans: tuple[ShopPlan, ...]
    reads: Mapping[Path, Any]
    columns: Path | None
    cache: bool

    def load(self, progress: Progress | None = None) -> list[ShopData]:
        """Every planned shop loaded in this process."""
        from shopscore.loaders.discover import build_planned, reader
        from shopscore.loaders.schemas import load_schema

        read = reader(load_schema(self.columns), self.cache, progress)
        return [build_planned(plan, read, self.reads) for plan in self.plans]


def find_shops(
    path: Path | str,
    columns: Path | None = None,
    shops: ShopsMode = "auto",
    cache: bool = True,
    progress: Progress | None = None,
) -> Planned:
    """Which shops ``path`` holds (SPEC §1), reading files only where that needs them."""
    from shopscore.loaders.discover import plan_shops, reader
    from shopscore.loaders.schemas import load_schema

    read = reader(load_schema(columns), cache, progress)
    plans, reads = plan_shops(Path(path), shops, lambda files: {p: read(p) for p in files})
    return Planned(tuple(plans), reads, columns, cache)


def score_plans(planned: Planned, task: ShopTask, workers: int | None = None) -> list[ShopScore]:
    """Every planned shop scored with ``task``'s options, several at once in worker
    processes (``workers``: how many; default one per core, 1: in this process). Shops come
    back in folder order whichever worker ran them; one shop's failure is its own
    ``error`` result."""
    from shopscore import workers as pool

    n = pool.count(len(planned.plans), workers)
    tasks = [replace(task, plan=p, columns=planned.columns, cache=planned.cache) for p in planned.plans]
    return pool.run(run_shop, tasks, n, len(tasks))


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


def unknown_reasons(shop: ShopData, profile: Profile) -> list[str]:
    """After-sales reasons (and complaint types) the profile's keyword table puts in no
    group: they count as `other`; listed so the seller can extend the table."""
    from shopscore.engine.prepare import unknown_reasons as find

    return find(shop, profile.rules.reason_groups)


def metric_needs(shop: ShopData, profile: Profile, lang: str) -> list[dict[str, str]]:
    """Per metric of the profile: ok, computed with a stand-in column, approximate, or
    missing an export (what `inspect` tells the seller to add) — the engine's own plan, so
    `inspect` and `compute` cannot disagree."""
    from shopscore.report.texts import NO_DATA_HINTS, NOTES, proxy_hint, t

    out = []
    for mid, p in metric_plans(shop, shop.columns, profile).items():
        m = p.metric
        name = f"{m.name(lang)} ({mid})"
        if p.state == "missing":
            texts = [NO_DATA_HINTS.get(n, {}).get(lang, f"needs {n}") for n in p.missing]
            if p.note:
                texts.append(NOTES[p.note][lang])
            out.append(
                {"metric": name, "id": mid, "state": "missing", "text": "; ".join(texts), "style": "red"}
            )
        elif p.state == "proxy":
            text = "; ".join(proxy_hint(c, lang) for c in p.proxies)
            out.append({"metric": name, "id": mid, "state": "proxy", "text": text, "style": "yellow"})
        elif p.state == "approximate" and p.use_daily and not p.use_events:
            text = NOTES["im-daily"][lang]
            out.append({"metric": name, "id": mid, "state": "approximate", "text": text, "style": "yellow"})
        elif p.state == "approximate":
            text = "; ".join(NO_DATA_HINTS.get(o, {}).get(lang, o) for o in p.absent)
            ok = t("computable_approx", lang)
            out.append(
                {
                    "metric": name,
                    "id": mid,
                    "state": "approximate",
                    "text": f"{ok}: {text}" if text else ok,
                    "style": "yellow",
                }
            )
        else:
            out.append({"metric": name, "id": mid, "state": "ok", "text": "✓", "style": "green"})
    return out


def inspect_json(shop: ShopData, profile: Profile) -> dict[str, Any]:
    """`inspect --format json`: `shop` and the `load` object of SPEC §7 (plus what each
    metric needs); a shop that could not be read has, as in compute, `status` error and
    `error` {message, internal}."""
    needs = [
        {"metric": n["id"], "state": n["state"], "hint": n["text"]} for n in metric_needs(shop, profile, "en")
    ]
    return {
        "schema_version": SCHEMA_VERSION,
        "shop": shop.name,
        "load": load_json(shop, unknown_reasons(shop, profile)),
        "metrics": needs,
        **({"status": "error", "error": {"message": shop.error, "internal": False}} if shop.error else {}),
    }


def describe_metrics(profile: Profile) -> list[dict[str, Any]]:
    """Every metric of ``profile`` with its declaration's doc and the profile's numbers."""
    from shopscore.engine.metrics import REGISTRY

    rows = []
    for mid, rule in profile.metrics.items():
        m = REGISTRY[mid]
        dim = profile.dimensions[rule.dimension]
        curve = rule.curve
        rows.append(
            {
                "profile": profile.id,
                "id": mid,
                "zh": m.zh,
                "en": m.en,
                "dimension": rule.dimension,
                "dimension_zh": dim.zh,
                "dimension_en": dim.en,
                "kind": m.kind,
                "unit": m.unit,
                "direction": m.direction,
                "window": list(rule.window),
                "anchor": m.population.anchor,
                "weight": rule.weight,
                "min_sample": rule.min_sample,
                "definition_zh": m.doc.definition_zh,
                "definition_en": m.doc.definition_en,
                "why": m.doc.why,
                "moves": m.doc.moves,
                "curve": {
                    "kind": curve.kind,
                    "points": [list(p) for p in curve.points],
                    **({"floor": curve.floor} if curve.floor is not None else {}),
                },
            }
        )
    return rows


# ---------------------------------------------------------------- the score over time


def _json_day(card: Scorecard) -> dict[str, Any]:
    return {
        "date": card.as_of.isoformat(),
        "status": card.status,
        "score": _r(card.score),
        "dimensions": {d.id: _r(d.score) for d in card.dimensions},
        "metrics": {m.id: _r(m.value, 8) for m in card.metrics},
        **({"page": True} if card.reading is not None else {}),
    }


@dataclass(frozen=True)
class SeriesReport:
    """`trend` / `forecast`: the shop as of each day of a range."""

    shop: str
    profile: Profile
    as_of: date
    days: tuple[Scorecard, ...]
    today: Scorecard | None = None  # forecast: the day the forecast starts from
    assume: str | None = None  # forecast: frozen | recent
    crossings: tuple[Any, ...] = ()  # forecast: engine.forecast.Crossing
    leaving: dict[str, tuple[int, ...]] = field(default_factory=dict)  # forecast
    category: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "shop": self.shop,
            "profile": self.profile.id,
            "as_of": self.as_of.isoformat(),
            "estimate": True,
        }
        if self.assume is not None:
            out["assume"] = self.assume
        days = []
        for i, card in enumerate(self.days):
            day = _json_day(card)
            if self.assume is not None:
                day["leaving"] = {mid: gone[i] for mid, gone in self.leaving.items()}
            days.append(day)
        out["days"] = days
        if self.assume is not None:
            out["crossings"] = [
                {"threshold": c.threshold, "date": c.date.isoformat(), "direction": c.direction}
                for c in self.crossings
            ]
        return out


def _model(
    shop: ShopData,
    profile: Profile | str | None,
    category: str | None,
    adjustments: Adjustments | None = None,
    page: Page | None = None,
) -> ShopModel:
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    if shop.error is not None:
        raise ShopscoreError(shop.error)
    check_category(prof, category)
    if page is not None:
        prof = page.fit.profile()
    m = model(shop, prof)
    if adjustments:
        m = replace(m, adjustments=adjustments)
    if page is not None:
        m = replace(m, readings=page.readings)
    return m


@dataclass(frozen=True)
class Page:
    """What the seller's backend page showed (``--values``) and the profile fitted to it."""

    readings: Readings
    fit: Fit


def read_values(path: Path, profile: Profile) -> Readings:
    """The readings of a values file (see README "Values from the backend page")."""
    from shopscore.loaders.values import read_values as read

    return read(path, profile)


def calibrate(
    shop: ShopData, profile: Profile | str | None, readings: Readings, category: str | None = None
) -> Fit:
    """Fit ``profile``'s dimension weights, metric weights and cut-offs to ``readings``,
    with shopscore's own metric values on each reading's day where the page shows none."""
    from shopscore.engine.calibrate import calibrate as fit

    m = _model(shop, profile, category)
    own = {}
    for r in readings.items:
        own[r.day] = score_day(m, r.day, category).metrics
    return fit(m.profile, readings, own)


def page(shop: ShopData, profile: Profile | str | None, path: Path, category: str | None = None) -> Page:
    """``--values FILE`` for one shop: its readings and the profile fitted to them."""
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    if not any(rule.curve.kind == "steps" for rule in prof.metrics.values()):
        raise ShopscoreError(
            f"--values {path}: profile {prof.id} has no step scores to fit; the backend page's readings "
            "are for the 100-point model (-p douyin-2026)"
        )
    readings = read_values(path, prof)
    return Page(readings, calibrate(shop, prof, readings, category))


def fit_summary(fit: Fit) -> dict[str, Any]:
    """The fit in a result's JSON: the dimension weights and how well they explain the page."""
    return {
        "readings": len(fit.checks),
        "weights": {d: _r(w) for d, w in fit.weights.fitted.items()},
        "profile_weights": {d: _r(w) for d, w in fit.weights.default.items()},
        "determined": fit.weights.determined,
        "rms": _r(fit.rms),
        "changed_cutoffs": [c.metric for c in fit.cutoffs if c.changed],
    }


def _days(days: int, option: str = "--days") -> int:
    if not 1 <= days <= 3660:
        raise ShopscoreError(f"{option} {days}: expected a number of days from 1 to 3660")
    return days


def trend(
    shop: ShopData,
    profile: Profile | str | None = None,
    as_of: date | None = None,
    days: int = 90,
    category: str | None = None,
    adjustments: Adjustments | None = None,
    page: Page | None = None,
) -> SeriesReport:
    """The composite, dimension and metric values as of each of the ``days`` days ending at
    ``as_of``; day D equals :func:`score` as of D."""
    return _trend(_model(shop, profile, category, adjustments, page), as_of, _days(days), category)


def _trend(m: ShopModel, as_of: date | None, days: int, category: str | None) -> SeriesReport:
    from shopscore.engine.forecast import trend as run

    series = run(m, as_of, days, category)
    return SeriesReport(m.name, m.profile, m.as_of(as_of), series.days, category=category)


def forecast(
    shop: ShopData,
    profile: Profile | str | None = None,
    as_of: date | None = None,
    days: int = 30,
    assume: str = "frozen",
    category: str | None = None,
    adjustments: Adjustments | None = None,
    page: Page | None = None,
) -> SeriesReport:
    """The score per coming day as events age out (``frozen``: no new events; ``recent``:
    the last 14 days' daily rates go on), threshold crossings and bad events leaving."""
    if assume not in ("frozen", "recent"):
        raise ShopscoreError(f"--assume {assume!r}: expected frozen or recent")
    m = _model(shop, profile, category, adjustments, page)
    return _forecast(m, as_of, _days(days), assume, category)


def _forecast(m: ShopModel, as_of: date | None, days: int, assume: str, category: str | None) -> SeriesReport:
    from shopscore.engine.forecast import forecast as run

    f = run(m, as_of, days, "recent" if assume == "recent" else "frozen", category)
    return SeriesReport(
        m.name,
        m.profile,
        f.today.as_of,
        f.series.days,
        today=f.today,
        assume=assume,
        crossings=f.crossings,
        leaving=dict(f.series.leaving),
        category=category,
    )


def parse_adjustments(
    profile: Profile, deduct: float | None, bonus: list[str] | None, record: bool = False
) -> Adjustments | None:
    """``--deduct POINTS``, ``--bonus DIMENSION=POINTS`` and ``--bad-record`` → Adjustments
    (None: none of them)."""
    if not deduct and not bonus and not record:
        return None
    if record and profile.eligibility.record_score is None:
        raise ShopscoreError(
            f"--bad-record: profile {profile.id} has no lower stage score after a record; "
            "it applies to douyin-2026's growth stage"
        )
    if deduct is not None and (deduct < 0 or deduct != deduct):
        raise ShopscoreError(f"--deduct {deduct}: expected points ≥ 0 taken from the score")
    out: dict[str, float] = {}
    for item in bonus or []:
        dim, sep, raw = item.partition("=")
        if not sep or dim not in profile.dimensions:
            known = ", ".join(profile.dimensions)
            raise ShopscoreError(f"--bonus {item!r}: expected DIMENSION=POINTS with a dimension of {known}")
        try:
            points = float(raw)
        except ValueError:
            raise ShopscoreError(f"--bonus {item!r}: {raw!r} is not a number of points") from None
        if not points >= 0:
            raise ShopscoreError(f"--bonus {item!r}: expected points ≥ 0")
        out[dim] = out.get(dim, 0.0) + points
    return Adjustments(float(deduct or 0.0), MappingProxyType(out), 0.0, record)


def parse_settings(profile: Profile, settings: list[str]) -> dict[str, float]:
    """``--set METRIC=VALUE`` options → {metric: value}; a rate takes a fraction (0.012) or a
    percent (1.2%)."""
    from shopscore.engine.metrics import REGISTRY

    out: dict[str, float] = {}
    for item in settings:
        mid, sep, raw = item.partition("=")
        mid, raw = mid.strip(), raw.strip()
        if not sep or not mid or not raw:
            raise ShopscoreError(f"--set {item!r}: expected METRIC=VALUE, e.g. negative-feedback-rate=1.5%")
        if mid not in profile.metrics:
            raise ShopscoreError(
                f"--set {item!r}: profile {profile.id} has no metric {mid!r} "
                f"(it has: {', '.join(profile.metrics)})"
            )
        unit = REGISTRY[mid].unit
        try:
            value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
        except ValueError:
            raise ShopscoreError(f"--set {item!r}: {raw!r} is not a number") from None
        if value != value or value in (float("inf"), float("-inf")) or value < 0:
            raise ShopscoreError(f"--set {item!r}: expected a number ≥ 0")
        if unit == "ratio" and value > 1:
            raise ShopscoreError(
                f"--set {item!r}: {mid} is a rate; give a fraction (0.95) or a percent (95%)"
            )
        out[mid] = value
    return out


def whatif(
    shop: ShopData,
    settings: dict[str, float],
    profile: Profile | str | None = None,
    as_of: date | None = None,
    category: str | None = None,
) -> ShopScore:
    """The compute result with some metric values set by hand (scores, composite,
    thresholds and tags recomputed)."""
    return score(shop, profile, as_of, category, overrides=settings)


@dataclass(frozen=True)
class TargetReport:
    """`target --score S`: what each metric alone must reach, and a cheapest combination."""

    shop: str
    profile: Profile
    as_of: date
    target: float
    today: Scorecard
    needs: tuple[Any, ...]  # engine.whatif.Need
    combination: tuple[Any, ...] | None

    def metric(self, metric_id: str) -> MetricResult:
        return self.today.metric(metric_id)

    def to_json(self) -> dict[str, Any]:
        def need(n: Any) -> dict[str, Any]:
            r = self.today.metric(n.id)
            return {
                "id": n.id,
                "unit": r.unit,
                "value": _r(n.value, 8),
                "needed": n.needed,
                "events": n.events,
                "reason": n.reason,
            }

        return {
            "schema_version": SCHEMA_VERSION,
            "shop": self.shop,
            "profile": self.profile.id,
            "as_of": self.as_of.isoformat(),
            "status": self.today.status,
            "target": self.target,
            "score": _r(self.today.score),
            "estimate": True,
            "metrics": [need(n) for n in self.needs],
            "combination": None if self.combination is None else [need(n) for n in self.combination],
        }


def target(
    shop: ShopData,
    goal: float,
    profile: Profile | str | None = None,
    as_of: date | None = None,
    category: str | None = None,
) -> TargetReport:
    """The value each metric alone must reach for the composite to reach ``goal``, what
    that means in bad events, and a cheapest combination of changes."""
    from shopscore.engine.whatif import target as run

    m = _model(shop, profile, category)
    prof = m.profile
    if not prof.scale_min <= goal <= prof.scale_max:
        raise ShopscoreError(
            f"--score {goal}: expected a score from {prof.scale_min:g} to {prof.scale_max:g}"
        )
    t = run(m, as_of, goal, category)
    return TargetReport(shop.name, prof, t.today.as_of, goal, t.today, t.metrics, t.combination)


# ---------------------------------------------------------------- diagnose


def _cell(value: Any) -> Any:
    """A record's field as JSON: times as ISO text, floats rounded."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value


@dataclass(frozen=True)
class DiagnoseReport:
    """`diagnose`: a metric, its breakdowns, bad records, aging and recommendations."""

    shop: str
    profile: Profile
    as_of: date
    diagnosis: Any  # engine.diagnose.Diagnosis
    data: ShopData

    @property
    def metric(self) -> MetricResult:
        return self.diagnosis.metric

    def records(self) -> list[dict[str, Any]]:
        return [{k: _cell(v) for k, v in row.items()} for row in self.diagnosis.records.iter_rows(named=True)]

    def recommendations(self, lang: str) -> list[dict[str, Any]]:
        from shopscore.report.texts import recommendation_texts

        return recommendation_texts(self, lang)

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        d = self.diagnosis
        return {
            "schema_version": SCHEMA_VERSION,
            "shop": self.shop,
            "profile": self.profile.id,
            "as_of": self.as_of.isoformat(),
            "status": d.card.status,
            "estimate": True,
            "metric": metric_json(d.metric),
            "breakdowns": {
                dim: [
                    {
                        "key": g.key,
                        "label": g.label,
                        "events": _r(g.events),
                        "bad": _r(g.bad),
                        "value": _r(g.value, 8),
                        "share": _r(g.share, 8),
                    }
                    for g in groups
                ]
                for dim, groups in d.breakdowns.items()
            },
            "bad_total": _r(d.bad_total),
            "records": self.records(),
            "aging": {str(k): v for k, v in d.aging.items()},
            "recommendations": self.recommendations(lang),
        }


def diagnose(
    shop: ShopData,
    metric: str | None = None,
    profile: Profile | str | None = None,
    as_of: date | None = None,
    by: str | None = None,
    top: int = 20,
    category: str | None = None,
    prepared: ShopModel | None = None,
) -> DiagnoseReport:
    """One metric from the score to its records: breakdowns along its dimensions, the bad
    records newest first (``top``), bad events leaving the window in 7/14/30 days, and where
    the bad events concentrate. ``metric`` None: the metric costing the most points."""
    from shopscore.engine.diagnose import diagnose as run

    if top < 1:
        raise ShopscoreError(f"--top {top}: expected a number ≥ 1")
    m = prepared or _model(shop, profile, category)  # ``prepared``: the shop's model, built once
    d = run(m, metric, as_of, by, top, category)
    return DiagnoseReport(shop.name, m.profile, d.card.as_of, d, shop)


# ---------------------------------------------------------------- summary and history


@dataclass(frozen=True)
class ShopSummary:
    """One shop's morning summary: the score, what changed since the previous recorded run,
    what costs most, the forecast's next crossing, coverage and data problems."""

    result: ShopScore
    previous: Any  # history.Entry | None
    delta: float | None
    crossed: tuple[dict[str, Any], ...]  # thresholds whose verdict changed since then
    key_opportunity: dict[str, Any] | None
    next_crossing: dict[str, Any] | None
    code: ExitCode

    @property
    def shop(self) -> str:
        return self.result.shop

    def problems(self) -> dict[str, int]:
        files = self.result.data.report.files
        return {
            "rejected_rows": sum(f.rejected for f in files),
            "problems": self.result.data.report.problems.height,
        }

    def to_json(self) -> dict[str, Any]:
        r = self.result
        return {
            "schema_version": SCHEMA_VERSION,
            "shop": r.shop,
            "profile": r.profile.id,
            "as_of": r.as_of.isoformat() if r.as_of else None,
            "status": r.status,
            "score": _r(r.score),
            "estimate": True,
            "previous": (
                {"as_of": self.previous.as_of.isoformat(), "score": _r(self.previous.score)}
                if self.previous is not None
                else None
            ),
            "delta": _r(self.delta),
            "thresholds_crossed": list(self.crossed),
            "thresholds_failed": [
                {"id": t.id, "label": {"zh": t.zh, "en": t.en}, "bound": t.bound}
                for t in r.thresholds
                if t.passed is False
            ],
            "key_opportunity": self.key_opportunity,
            "next_crossing": self.next_crossing,
            "coverage": {"measured_weight": _r(r.coverage.measured_weight)} if r.coverage else None,
            "problems": self.problems(),
            "exit_code": int(self.code),
            **({"error": {"message": r.error, "internal": r.internal}} if r.error else {}),
        }


def summarize(
    shops: list[ShopData],
    profile: Profile | str | None = None,
    as_of: date | None = None,
    category: str | None = None,
    history: Any = None,
    fail_below: float | None = None,
    fail_drop: float | None = None,
    min_coverage: float = 0.8,
    forecast_days: int = 30,
    results: list[ShopScore] | None = None,
) -> list[ShopSummary]:
    """Score each shop, compare with its previous recorded run (``history``: a
    history.History, or None for no history) and record this one; worst shop first.
    ``results``: the shops scored already (by worker processes), in place of ``shops``."""
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    out = []
    scored = results if results is not None else score_each(shops, prof, as_of, category)
    for result in scored:
        previous = None
        if history is not None and result.as_of is not None:
            previous = history.previous(result.shop, prof.id, result.as_of)
        delta = None
        if previous is not None and previous.score is not None and result.score is not None:
            delta = result.score - previous.score
        crossed = []
        if previous is not None:
            for t in result.thresholds:
                before = previous.thresholds.get(t.id)
                if before is not None and t.passed is not None and before != t.passed:
                    direction = "up" if t.passed else "down"
                    crossed.append(
                        {"threshold": t.id, "label": {"zh": t.zh, "en": t.en}, "direction": direction}
                    )
        key = next((m for m in result.metrics if m.tag == "key-opportunity"), None)
        key_json = (
            {
                "metric": key.id,
                "label": {"zh": key.metric.zh, "en": key.metric.en},
                "points_lost": _r(key.points_lost),
            }
            if key
            else None
        )
        crossing = result.next_crossing if result.crossing_known else next_crossing(result, forecast_days)
        code = verdict(result, fail_below, min_coverage)
        if code == ExitCode.OK and fail_drop is not None and delta is not None and delta < -fail_drop - 1e-9:
            code = ExitCode.ALERT
        if history is not None:
            history.record(result)
        out.append(ShopSummary(result, previous, delta, tuple(crossed), key_json, crossing, code))
    order = {"error": 0, "insufficient-data": 1, "growth-stage": 2, "scored": 3}
    out.sort(
        key=lambda s: (order.get(s.result.status, 1), s.result.score if s.result.score is not None else 0.0)
    )
    return out


def next_crossing(result: ShopScore, days: int = 30) -> dict[str, Any] | None:
    """The first threshold a scored shop crosses in the next ``days`` days with no new
    events (summary's "next crossing"), or None."""
    from shopscore.engine.forecast import forecast as run_forecast

    if result.status != "scored":
        return None
    prof = result.profile
    m = result.model or model(result.data, prof)
    f = run_forecast(m, result.as_of, days, "frozen", result.category)
    if not f.crossings:
        return None
    c = f.crossings[0]
    th = next(t for t in prof.thresholds if t.id == c.threshold)
    return {
        "threshold": c.threshold,
        "label": {"zh": th.zh, "en": th.en},
        "date": c.date.isoformat(),
        "direction": c.direction,
    }


def fix_diagnoses(result: ShopScore, top: int = 3) -> list[DiagnoseReport]:
    """The diagnoses of the metrics costing the most points (at least the profile's
    key-opportunity bound), worst first."""
    from shopscore.engine.diagnose import diagnose as run

    if result.status != "scored":
        return []
    bound = result.profile.tags.min_points_lost
    worst = sorted(  # a small-shop score is fixed by order count: nothing to fix in the metric
        (
            m
            for m in result.metrics
            if m.points_lost is not None
            and m.points_lost >= bound - 1e-9
            and not m.whatif  # a value set by hand has no records to diagnose
        ),
        key=lambda m: -(m.points_lost or 0.0),
    )[:top]
    if not worst:
        return []
    m = result.model or model(result.data, result.profile)
    out = []
    for metric in worst:
        d = run(m, metric.id, result.as_of, None, 1, result.category)
        out.append(DiagnoseReport(result.shop, result.profile, d.card.as_of, d, result.data))
    return out


def fix_first(
    result: ShopScore, top: int = 3, lang: str = "zh", diagnoses: list[DiagnoseReport] | None = None
) -> list[dict[str, Any]]:
    """The metrics costing the most points, each with one sentence grounded in its
    diagnosis and the command that drills into it (``diagnoses``: from fix_diagnoses)."""
    from shopscore.report.texts import small_shop_advice

    out = []
    for report in fix_diagnoses(result, top) if diagnoses is None else diagnoses:
        recs = report.recommendations(lang)
        grounded = [r for r in recs if r["evidence"]]
        metric = result.metric(report.metric.id)  # the points as the result has them
        text = (grounded or recs)[0]["text"] if recs else ""
        if metric.small_shop:  # its score is fixed by the order count, not by its records
            text = small_shop_advice(result.profile, lang)
        out.append(
            {
                "metric": metric.id,
                "points_lost": metric.points_lost,
                "text": text,
                "command": f"shopscore diagnose {result.data.path} -m {metric.id}",
            }
        )
    return out


# ---------------------------------------------------------------- the page a seller shares


@dataclass(frozen=True)
class ShopReport:
    """`report`: one shop's score, its trend and forecast, and the diagnoses of the metrics
    to fix first — everything the shared page shows, from one preparation."""

    result: ShopScore
    trend: SeriesReport | None
    forecast: SeriesReport | None
    diagnoses: tuple[DiagnoseReport, ...]

    @property
    def shop(self) -> str:
        return self.result.shop


def report(
    shops: list[ShopData],
    profile: Profile | str | None = None,
    as_of: date | None = None,
    category: str | None = None,
    trend_days: int = 90,
    forecast_days: int = 30,
) -> list[ShopReport]:
    """Per shop, what the HTML page shows; a shop that cannot be scored keeps its result
    (error or insufficient data) without series."""
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    trend_days, forecast_days = _days(trend_days), _days(forecast_days, "--forecast-days")
    out = []
    for result in score_each(shops, prof, as_of, category):
        m = result.model
        if result.status == "error" or m is None:
            out.append(ShopReport(result, None, None, ()))
            continue
        past = _trend(m, result.as_of, trend_days, category)
        ahead = (
            _forecast(m, result.as_of, forecast_days, "frozen", category)
            if result.status == "scored"
            else None
        )
        out.append(ShopReport(result, past, ahead, tuple(fix_diagnoses(result))))
    return out
