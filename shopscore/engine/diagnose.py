"""From a metric to the records behind it (SPEC §7 diagnose): the units it counted as of a
day (the same event frame compute filters), grouped along the metric's declared dimensions,
its bad records newest first, how many bad events leave the window soon, and the groups
that concentrate the bad events (the evidence a recommendation is worded from).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl

from shopscore.engine.compute import MetricEvents, MetricResult, event_frame, series
from shopscore.engine.events import alive
from shopscore.engine.metrics import Count
from shopscore.engine.scorecard import Scorecard, ShopModel, score_day
from shopscore.engine.windows import end_of
from shopscore.errors import ShopscoreError
from shopscore.loaders.privacy import mask_text

#: the days ahead `aging` counts bad events leaving the window over
AGING_DAYS = (7, 14, 30)
#: a group concentrates a metric's bad events when it holds at least this share of them
FOCUS_SHARE = 0.2
#: columns of free text from the exports: hidden whole when they hold personal data
FREE_TEXT = ("content", "reason_text", "reason", "type")
#: internal columns of an event frame, never shown as a record's field
INTERNAL = {"anchor", "known", "w", "h", "hit_at", "v", "neg", "always", "hit_w", "bad_w"}


@dataclass(frozen=True)
class Group:
    key: Any  # product id, agent, carrier, reason, reason group, hour (int), week (ISO date)
    label: str | None  # the product's name (product); else the key as text
    events: float  # the group's denominator (rates) or row count (means)
    bad: float  # its bad events
    value: float | None  # its rate or mean
    share: float | None  # bad / the metric's bad events


@dataclass(frozen=True)
class Evidence:
    """A group that concentrates the bad events, worse than the shop as a whole."""

    dimension: str
    group: Group
    overall: float | None  # the metric's value
    reason: str | None = None  # for a product: the reason most of its bad events give


@dataclass(frozen=True)
class Diagnosis:
    card: Scorecard
    metric: MetricResult
    breakdowns: Mapping[str, tuple[Group, ...]]
    records: pl.DataFrame  # the bad units, newest first, at most `top`
    bad_total: float  # all bad events in the window (records may be fewer)
    aging: Mapping[int, int]  # days ahead → bad events leaving the window by then
    evidence: tuple[Evidence, ...]


def pick_metric(m: ShopModel, wanted: str | None, card: Scorecard) -> str:
    """A metric by id, Chinese or English name, or an unambiguous id prefix; none: the one
    losing the most points (else the first measured one)."""
    ids = list(m.profile.metrics)
    if wanted is None:
        lost = [r for r in card.metrics if r.points_lost]
        if lost:
            return max(lost, key=lambda r: r.points_lost or 0.0).id
        measured = [r for r in card.metrics if r.value is not None]
        return (measured or list(card.metrics))[0].id
    text = wanted.strip()
    for mid in ids:
        metric = m.plans[mid].metric
        if text.lower() in (mid, metric.zh.lower(), metric.en.lower()):
            return mid
    found = [mid for mid in ids if mid.startswith(text.lower())]
    if len(found) == 1:
        return found[0]
    names = ", ".join(f"{mid} ({m.plans[mid].metric.zh})" for mid in ids)
    if found:
        raise ShopscoreError(f"--metric {wanted!r} matches {', '.join(found)}; name one of them")
    raise ShopscoreError(f"--metric {wanted!r}: profile {m.profile.id} has no such metric (it has: {names})")


def _units(m: ShopModel, ev: MetricEvents, as_of: date, category: str | None) -> pl.DataFrame:
    """The units the metric counts as of ``as_of`` with ``w`` (weight), ``hit_w`` (its
    numerator part) and ``bad_w`` (its bad part). A rate whose numerator comes from another
    dataset is broken down by that dataset's rows (e.g. after-sales, judged or not)."""
    metric = ev.plan.metric
    window = ev.window(as_of)
    end = pl.lit(end_of(as_of))
    frames: list[pl.LazyFrame] = []
    source = ev.population
    if metric.numerator is not None and ev.population is not None:
        num = metric.numerator
        anchor = pl.col(num.anchor)
        clip = ev.clip[1] if ev.clip else None
        units = Count(num.dataset, num.anchor, known=num.known)
        source = event_frame(
            m.prepared, units, pl.when(num.where).then(anchor), None, clip, metric.drill, metric.facets
        )
    if source is not None:
        live = alive(source.collect_schema(), end)  # a stand-in row gone by then does not count
        frames.append(source.filter(window.contains("anchor") & (pl.col("known") < end) & live))
    if ev.daily is not None:
        schema = ev.daily.collect_schema()
        daily = ev.daily.filter((window.contains("anchor") & alive(schema, end)) | pl.col("always"))
        frames.append(daily.drop("always", "gone", strict=False))
    if not frames:
        return pl.DataFrame()
    lf = pl.concat(frames, how="diagonal_relaxed")
    hit = pl.when(pl.col("hit_at") < end).then(pl.col("h")).otherwise(0.0)
    if metric.kind == "mean" and metric.hit_at is not None:  # the units it declares bad
        lf = lf.with_columns(hit_w=pl.lit(0.0), bad_w=hit)
    elif metric.kind == "mean":
        ideal = ev.plan.ideal(category)
        worse = (pl.col("v") > ideal) if metric.direction == "lower" else (pl.col("v") < ideal)
        bad = (
            pl.when((pl.col("w") > 0) & worse).then(1.0).otherwise(0.0) if ideal is not None else pl.lit(0.0)
        )
        lf = lf.with_columns(hit_w=pl.lit(0.0), bad_w=bad)
    elif metric.direction == "lower":
        lf = lf.with_columns(hit_w=hit, bad_w=hit)
    else:
        lf = lf.with_columns(hit_w=hit, bad_w=pl.col("w") - hit)
    return lf.collect()


def _key(dim: str, columns: list[str]) -> pl.Expr:
    if dim == "hour":  # a 飞鸽 daily row is a whole day: no hour
        hour = pl.col("anchor").dt.hour().cast(pl.Int64)
        return pl.when(pl.col("__daily").is_null()).then(hour) if "__daily" in columns else hour
    if dim == "week":
        return pl.col("anchor").dt.truncate("1w").dt.date().cast(pl.String)
    column = {"reason-group": "by_reason_group"}.get(dim, f"by_{dim}")
    return pl.col(column) if column in columns else pl.lit(None, pl.String)


def _products(m: ShopModel, units: pl.DataFrame, dataset: str) -> pl.DataFrame:
    """(unit index, product, name, bad part) rows: a unit of an order dataset counts under
    every product of its order, a bad one under the product its review or after-sale names;
    a unit of another dataset under its own product."""
    has_named = "by_product" in units.columns
    indexed = units.with_row_index("unit")
    own = pl.col("by_product") if has_named else pl.lit(None, pl.String)
    name = pl.col("by_product_name") if "by_product_name" in units.columns else pl.lit(None, pl.String)
    lines = pl.DataFrame(schema={"order_id": pl.String, "product_id": pl.String, "product_name": pl.String})
    found_lines = m.prepared.frames.get("order_lines")
    if found_lines is not None and "product_id" in found_lines.columns:  # lines may name no product
        found = found_lines
        lines = found.select(
            "order_id",
            "product_id",
            (pl.col("product_name") if "product_name" in found.columns else pl.lit(None, pl.String)).alias(
                "product_name"
            ),
        )
        lines = lines.filter(pl.col("product_id").is_not_null()).unique(
            ["order_id", "product_id"], keep="first"
        )
    names = lines.group_by("product_id").agg(pl.col("product_name").drop_nulls().first())
    if dataset != "orders" or "order_id" not in units.columns or lines.height == 0:
        rows = indexed.select("unit", product=own, name=name, w="w", hit_w="hit_w", bad_w="bad_w", v="v")
        known = names.rename({"product_id": "product", "product_name": "known_name"})
        rows = rows.join(known, on="product", how="left", maintain_order="left")
        return rows.with_columns(name=pl.coalesce("name", "known_name")).drop("known_name")
    every = indexed.join(lines, on="order_id", how="left", maintain_order="left")
    # events: under every product of the order; bad: under the named one when there is one
    events = every.select("unit", product="product_id", w="w", hit_w="hit_w", v="v", bad_w=pl.lit(0.0))
    named = indexed.filter(own.is_not_null() & (pl.col("bad_w") > 0)).select(
        "unit", product=own, w=pl.lit(0.0), hit_w=pl.lit(0.0), v=pl.lit(0.0), bad_w="bad_w"
    )
    unnamed = every.filter(own.is_null() & (pl.col("bad_w") > 0)).select(
        "unit", product="product_id", w=pl.lit(0.0), hit_w=pl.lit(0.0), v=pl.lit(0.0), bad_w="bad_w"
    )
    rows = pl.concat([events, named, unnamed], how="vertical_relaxed")
    rows = rows.group_by("unit", "product", maintain_order=True).agg(pl.col("w", "hit_w", "v", "bad_w").sum())
    return rows.join(
        names.rename({"product_id": "product", "product_name": "name"}), on="product", how="left"
    )


def _sortable(key: Any) -> Any:
    """Keys of one dimension compare among themselves: hours as numbers, the rest as text."""
    return (0, key, "") if isinstance(key, int | float) else (1, 0, "" if key is None else str(key))


def _groups(
    rows: pl.DataFrame, key: pl.Expr, label: pl.Expr, kind: str, direction: str, bad_total: float
) -> tuple[Group, ...]:
    agg = (
        rows.lazy()
        .with_columns(key.alias("key"), label.alias("label"))
        .group_by("key")
        .agg(
            pl.col("label").drop_nulls().first(),
            events=(pl.col("w") if kind == "rate" else (pl.col("w") > 0).cast(pl.Float64)).sum(),
            bad=pl.col("bad_w").sum(),
            v=pl.col("v").sum(),
        )
        .collect()
    )
    out = []
    for key, lab, events, bad, v in agg.select("key", "label", "events", "bad", "v").iter_rows():
        # a rate's numerator is its bad events (lower is better) or the rest (higher)
        hits = (bad if direction == "lower" else events - bad) if kind == "rate" else v
        value = hits / events if events else None
        share = bad / bad_total if bad_total else None
        shown = lab if lab is not None else (None if key is None else str(key))
        out.append(Group(key, shown, float(events), float(bad), value, share))
    out.sort(key=lambda g: (-(g.share or 0.0), -g.events, g.key is None, _sortable(g.key)))
    return tuple(out)


def diagnose(
    m: ShopModel,
    metric: str | None,
    as_of: date | None = None,
    by: str | None = None,
    top: int = 20,
    category: str | None = None,
) -> Diagnosis:
    day = m.as_of(as_of)
    card = score_day(m, day, category)
    mid = pick_metric(m, metric, card)
    ev = m.events[mid]
    result = card.metric(mid)
    dims = ev.plan.metric.by
    if by is not None:
        if by not in dims:
            raise ShopscoreError(f"--by {by!r}: {mid} breaks down by {', '.join(dims)}")
        dims = (by,)
    units = _units(m, ev, day, category) if result.status != "no-data" else pl.DataFrame()
    kind, direction = ev.plan.metric.kind, ev.plan.metric.direction
    if units.height == 0:
        return Diagnosis(
            card, result, {d: () for d in dims}, pl.DataFrame(), 0.0, _aging(ev, day, category), ()
        )
    dataset = ev.plan.metric.population.dataset if ev.plan.metric.numerator is None else ""
    bad_total = float(units["bad_w"].sum())
    breakdowns: dict[str, tuple[Group, ...]] = {}
    # (unit, product) rows, built once: the product breakdown and its evidence's reason read them
    products = _products(m, units, dataset) if "product" in dims else None
    for dim in dims:
        if products is not None and dim == "product":
            breakdowns[dim] = _groups(products, pl.col("product"), pl.col("name"), kind, direction, bad_total)
        else:
            key = _key(dim, units.columns)
            breakdowns[dim] = _groups(units, key, pl.lit(None, pl.String), kind, direction, bad_total)
    records = _records(units, top)
    evidence = _evidence(units, products, breakdowns, result)
    return Diagnosis(card, result, breakdowns, records, bad_total, _aging(ev, day, category), evidence)


def _records(units: pl.DataFrame, top: int) -> pl.DataFrame:
    """The bad units, newest first: their file and row, ids and drill-down fields."""
    bad = units.filter(pl.col("bad_w") > 0).sort("anchor", descending=True, nulls_last=True).head(top)
    keep = [
        c for c in bad.columns if c not in INTERNAL and not c.startswith("by_") and not c.startswith("__")
    ]
    extra = {
        f[3:]: pl.col(f)
        for f in bad.columns
        if f.startswith("by_") and f[3:] not in keep and f != "by_product_name"
    }
    text = [c for c in keep if c in FREE_TEXT]
    bad = bad.with_columns([mask_text(pl.col(c)).alias(c) for c in text])
    source = [
        (pl.col("__file") if "__file" in bad.columns else pl.lit(None, pl.String)).alias("file"),
        (pl.col("__row") if "__row" in bad.columns else pl.lit(None, pl.Int64)).alias("row"),
        pl.col("anchor").alias("time"),
    ]
    value = [pl.col("v").alias("value")] if "v" in bad.columns and bad["v"].abs().sum() > 0 else []
    return bad.select(*source, *keep, *value, **extra)


def _aging(ev: MetricEvents, day: date, category: str | None) -> dict[int, int]:
    """Bad events leaving the metric's window within the next 7 / 14 / 30 days (no new events)."""
    if ev.population is None and ev.numerator is None:
        return dict.fromkeys(AGING_DAYS, 0)
    _, leaving = series(ev, day + timedelta(days=1), day + timedelta(days=max(AGING_DAYS)), category=category)
    return {k: int(sum(leaving[:k])) for k in AGING_DAYS}


def _evidence(
    units: pl.DataFrame,
    products: pl.DataFrame | None,
    breakdowns: Mapping[str, tuple[Group, ...]],
    result: MetricResult,
) -> tuple[Evidence, ...]:
    """Per dimension (but week), the group holding the most bad events when it holds at least
    FOCUS_SHARE of them and does worse than the shop as a whole."""
    out = []
    for dim, groups in breakdowns.items():
        if dim == "week":
            continue
        for g in groups:
            if g.key is None or not g.bad or (g.share or 0.0) < FOCUS_SHARE:
                continue
            if g.value is None or result.value is None:
                continue
            worse = g.value > result.value if result.direction == "lower" else g.value < result.value
            if not worse:
                continue
            reason = _top_reason(units, products, g.key) if dim == "product" else None
            out.append(Evidence(dim, g, result.value, reason))
            break
    return tuple(out)


def _top_reason(units: pl.DataFrame, products: pl.DataFrame | None, product: Any) -> str | None:
    """The reason most of a product's bad units give (where the metric has reasons)."""
    if "by_reason" not in units.columns or products is None:
        return None
    bad_units = products.filter((pl.col("product") == product) & (pl.col("bad_w") > 0))["unit"]
    chosen = units.with_row_index("unit").filter(pl.col("unit").is_in(bad_units.implode()))
    reasons = chosen["by_reason"].drop_nulls()
    if reasons.len() == 0:
        return None
    return str(reasons.value_counts(sort=True).row(0)[0])
