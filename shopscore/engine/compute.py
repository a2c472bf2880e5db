"""Evaluate metric declarations on prepared frames: value, numerator, denominator, sample."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import polars as pl

from shopscore.engine.metrics import POPULATIONS, REGISTRY, Count, Daily, Metric
from shopscore.engine.prepare import Prepared
from shopscore.engine.windows import Window


@dataclass
class MetricResult:
    id: str
    dimension: str
    kind: str
    unit: str
    direction: str
    window: Window
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    count: int | None = None
    min_sample: float = 0
    status: str = "scored"  # scored | diagnostic | insufficient | no-data
    score: float | None = None
    weight: float = 0.0  # effective weight (fraction of the composite)
    points_lost: float | None = None
    tag: str | None = None
    proxy: str | None = None
    approximate: bool = False
    coverage: float = 1.0  # the window's share the population data covers (SPEC §3)
    left_out: int = 0  # rows of a mean left out for a negative duration (a data error)
    covered_by: str | None = None  # the dataset whose first day clipped the window
    notes: list[str] = field(default_factory=list)  # codes, worded by report.texts.NOTES
    missing: list[str] = field(default_factory=list)  # needs not met (status no-data)

    @property
    def sample(self) -> float:
        if self.kind == "mean":
            return float(self.count or 0)
        return float(self.denominator or 0)

    @property
    def metric(self) -> Metric:
        return REGISTRY[self.id]


class HasColumns(Protocol):
    def has(self, dataset: str, column: str | None = None) -> bool: ...


def available(prep: HasColumns, need: str) -> bool:
    """``dataset`` or ``dataset.column``; alternatives joined by ``|``."""
    for alt in need.split("|"):
        dataset, _, column = alt.partition(".")
        if prep.has(dataset, column or None):
            return True
    return False


def count_rows(prep: Prepared, c: Count, window: Window, hit: pl.Expr | None = None) -> tuple[int, int]:
    """(rows of the population in the window, those of them that are hits)."""
    frame = prep.frames[c.dataset]
    sel = frame.lazy().filter(window.contains(c.anchor) & c.where.fill_null(False))
    h = hit.fill_null(False).sum() if hit is not None else pl.lit(0)
    row = sel.select(pl.len().alias("n"), h.alias("h")).collect().row(0)
    return int(row[0]), int(row[1] or 0)


def _value_expr(m: Metric, cfg: dict[str, Any]) -> pl.Expr:
    assert m.value is not None
    return m.value if isinstance(m.value, pl.Expr) else m.value(cfg)


def _daily(
    prep: Prepared, d: Daily, window: Window, skip_days: tuple[date, date] | None
) -> tuple[float, float, int] | None:
    """(weighted hits, weight sum, rows used) from im_daily over the window, or None when the
    file lacks what the estimate needs. Days covered by session data are skipped."""
    frame = prep.frames["im_daily"]
    cols = prep.available.get("im_daily", set())
    lf = frame.lazy()
    if "date" in frame.columns:
        # a row without a date (an undated file) covers the exported period: it counts for
        # the window ending at D, unless session data exists (SPEC §1)
        undated = pl.col("date").is_null() & pl.lit(skip_days is None)
        lf = lf.filter(window.contains("date") | undated)
        if skip_days is not None:
            day = pl.col("date").dt.date()
            lf = lf.filter(~day.is_between(pl.lit(skip_days[0]), pl.lit(skip_days[1])))
    if d.counts and all(c in cols for c in d.counts):
        hits, den = d.counts
        rows = lf.filter(pl.col(hits).is_not_null() & pl.col(den).is_not_null())
        r = rows.select(pl.col(hits).sum(), pl.col(den).sum(), pl.len()).collect().row(0)
        return float(r[0] or 0), float(r[1] or 0), int(r[2])
    weight = next((w for w in d.weight if w in cols), None)
    if d.value not in cols or weight is None:
        return None
    rows = lf.filter(pl.col(d.value).is_not_null() & pl.col(weight).is_not_null())
    r = rows.select((pl.col(d.value) * pl.col(weight)).sum(), pl.col(weight).sum(), pl.len()).collect().row(0)
    return float(r[0] or 0), float(r[1] or 0), int(r[2])


def population_start(m: Metric, prep: Prepared) -> tuple[str, date] | None:
    """(dataset, first day) of the data a metric's population comes from: its window is
    clipped there. Session metrics read 飞鸽 sessions, else (or also) the daily data."""
    spans = prep.shop.spans
    if m.population.dataset == "im_sessions":
        found = [(d, spans[d][0]) for d in ("im_sessions", "im_daily") if d in spans]
        if m.daily is None:
            found = found[:1] if found and found[0][0] == "im_sessions" else []
        return min(found, key=lambda f: f[1]) if found else None
    dataset = m.population.dataset  # prepared datasets keep the loaders' names
    return (dataset, spans[dataset][0]) if dataset in spans else None


def compute_metric(m: Metric, cfg: dict[str, Any], prep: Prepared) -> MetricResult:
    window = Window(int(cfg["window"][0]), int(cfg["window"][1]), prep.as_of)
    start = population_start(m, prep)
    if start is not None and start[1] > window.first_day:
        window = Window(window.offset, window.length, prep.as_of, clip_from=start[1])
    res = MetricResult(
        id=m.id,
        dimension=cfg["dimension"],
        kind=m.kind,
        unit=m.unit,
        direction=m.direction,
        window=window,
        min_sample=float(cfg.get("min_sample", 0)),
        coverage=window.coverage,
        covered_by=start[0] if window.clipped and start else None,
    )
    missing = [n for n in m.needs if not available(prep, n)]
    if missing:
        res.status = "no-data"
        res.missing = missing
        return res
    res.approximate = m.always_approximate or any(not available(prep, o) for o in m.optional)
    proxies = [prep.proxies[u] for u in m.uses if u in prep.proxies]
    res.proxy = ", ".join(dict.fromkeys(proxies)) or None

    uses_sessions = m.population.dataset in prep.frames
    if (
        m.daily is not None
        and "im_daily" in prep.frames
        and (not uses_sessions or "date" in prep.available.get("im_daily", set()))
    ):
        return _with_daily(m, res, prep, window, uses_sessions)
    if m.kind == "rate":
        den, hits = count_rows(prep, m.population, window, m.hit)
        if m.numerator is not None:
            hits, _ = count_rows(prep, m.numerator, window)
        res.denominator, res.numerator = den, hits
        res.value = hits / den if den else None
    else:
        lf = prep.frames[m.population.dataset].lazy()
        sel = lf.filter(window.contains(m.population.anchor) & m.population.where.fill_null(False))
        v = _value_expr(m, cfg)
        # a negative duration (delivered before paid, refunded before applied) is a data
        # error, not a fast shop: left out of the mean and counted in a note
        ok = v >= 0
        n, mean, negative = (
            sel.select(ok.sum().alias("n"), v.filter(ok).mean().alias("v"), (~ok).sum().alias("neg"))
            .collect()
            .row(0)
        )
        res.count, res.value = int(n or 0), (float(mean) if mean is not None else None)
        res.left_out = int(negative or 0)
    return res


def _with_daily(
    m: Metric, res: MetricResult, prep: Prepared, window: Window, uses_sessions: bool
) -> MetricResult:
    """Session-level counts where they exist, im_daily's weighted figures for other days."""
    assert m.daily is not None
    hits = den = 0.0
    skip: tuple[date, date] | None = None
    if uses_sessions and m.kind == "rate":
        sessions = prep.frames[m.population.dataset]["started_at"].drop_nulls()
        if sessions.len():
            skip = (sessions.min().date(), sessions.max().date())  # type: ignore[union-attr]
        n, h = count_rows(prep, m.population, window, m.hit)
        den, hits = float(n), float(h)
    daily = _daily(prep, m.daily, window, skip)
    if daily is None and not uses_sessions:
        res.status = "no-data"
        res.notes.append("im-daily-no-column")
        return res
    if daily is not None and daily[2] > 0:
        res.approximate = True
        res.notes.append("im-daily")
        frame = prep.frames["im_daily"]
        if "date" not in frame.columns or (skip is None and frame["date"].null_count() > 0):
            res.notes.append("im-daily-undated")
        hits += daily[0]
        den += daily[1]
    res.numerator, res.denominator = hits, den
    res.value = hits / den if den else None
    return res


def compute_all(prep: Prepared, metric_cfgs: dict[str, dict[str, Any]]) -> list[MetricResult]:
    return [compute_metric(REGISTRY[mid], cfg, prep) for mid, cfg in metric_cfgs.items()]


def eligibility_count(prep: Prepared, elig: dict[str, Any]) -> dict[str, Any]:
    """The profile's eligibility population (delivered or paid orders) counted over its
    window: below ``min_orders`` the shop has no score (SPEC §3) or is in a growth stage."""
    population = POPULATIONS[elig["population"]]
    window = Window(int(elig["window"][0]), int(elig["window"][1]), prep.as_of)
    count = count_rows(prep, population, window)[0] if "orders" in prep.frames else 0
    concept = "delivered_at" if elig["population"] == "delivered-orders" else "paid_at"
    return {
        "population": elig["population"],
        "window": window.to_json(),
        "count": count,
        "min_orders": elig["min_orders"],
        "proxy": prep.proxies.get(concept),
    }
