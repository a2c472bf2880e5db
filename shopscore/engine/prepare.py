"""The shop's data as of day D: events after D removed, excluded rows dropped, fallbacks
applied and per-order facts joined on, so each metric is a filter and an aggregate.

Everything here is the SPEC §0/§1/§4 vocabulary made into columns: paid, delivered,
platform-fulfilled, cancelled before shipping, pickup deadline, reason group, human
session, first review, first after-sale …; the metric declarations read only these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import polars as pl

from shopscore.engine.windows import end_of
from shopscore.loaders.discover import ShopData
from shopscore.loaders.parse import contains_any

DT = pl.Datetime("us")
#: an orders column the rules name → the column that stands in when no file has it (SPEC §1, §4)
PROXY_RULES = {
    "paid_at": "created_at",
    "delivered_at": "completed_at",
    "picked_up_at": "shipped_at",
}


def proxies_for(available: dict[str, set[str]]) -> dict[str, str]:
    """Which order columns will be stood in for, given the columns the files have."""
    cols = available.get("orders", set())
    if "orders" not in available:
        return {}
    return {c: p for c, p in PROXY_RULES.items() if c not in cols}


@dataclass
class Prepared:
    """Frames of one shop as of ``as_of`` plus what stood in for missing columns."""

    as_of: date
    frames: dict[str, pl.DataFrame]
    shop: ShopData  # which datasets and columns the files had
    proxies: dict[str, str] = field(default_factory=dict)  # concept → column used instead

    @property
    def available(self) -> dict[str, set[str]]:
        return self.shop.columns

    def has(self, dataset: str, column: str | None = None) -> bool:
        return self.shop.has(dataset, column)


def _col(frame: pl.DataFrame, name: str, dtype: Any = pl.String) -> pl.Expr:
    """A column, or a typed null when this shop's files do not have it."""
    return pl.col(name) if name in frame.columns else pl.lit(None, dtype=dtype)


def rows_where(frame: pl.DataFrame, *predicates: pl.Expr) -> pl.DataFrame:
    """``frame`` filtered by every predicate, through the lazy engine: polars 2.1's eager
    ``filter`` fails on a predicate that is a scalar (e.g. a typed null standing in for an
    absent column) once the frame has 16,384 rows or more."""
    if not predicates:
        return frame
    return frame.lazy().filter(pl.all_horizontal(predicates)).collect()


def reason_group(text: pl.Expr, groups: dict[str, Any]) -> pl.Expr:
    """The first group (in the table's order) whose keyword the text contains, else other."""
    expr: Any = pl.when(text.is_null()).then(pl.lit(None, pl.String))
    for group in groups["order"]:
        expr = expr.when(contains_any(text, list(groups[group]))).then(pl.lit(group))
    return expr.otherwise(pl.lit("other"))


def _mask_after(frame: pl.DataFrame, cols: list[str], end: datetime) -> pl.DataFrame:
    """Events at or after ``end`` have not happened yet: they become null."""
    present = [c for c in cols if c in frame.columns]
    return frame.with_columns([pl.when(pl.col(c) < pl.lit(end)).then(pl.col(c)).alias(c) for c in present])


def prepare(shop: ShopData, as_of: date, rules: dict[str, Any]) -> Prepared:
    """Build the as-of frames. ``rules`` is the profile's data section (reason groups,
    status words, working hours) — no domain word is written here."""
    end = end_of(as_of)
    f = shop.frames
    out: dict[str, pl.DataFrame] = {}
    prep = Prepared(as_of, out, shop)
    groups = rules["reason_groups"]

    orders = f.get("orders")
    excluded_ids: pl.Series = pl.Series("order_id", [], pl.String)
    if orders is not None and "excluded" in orders.columns:
        excl = pl.col("excluded").fill_null(False)
        excluded_ids = rows_where(orders, excl)["order_id"]
        orders = rows_where(orders, ~excl)

    def drop_tied(frame: pl.DataFrame) -> pl.DataFrame:
        keep: list[pl.Expr] = []
        if "order_id" in frame.columns and excluded_ids.len():
            keep.append(~pl.col("order_id").is_in(excluded_ids.implode()).fill_null(False))
        if "excluded" in frame.columns:
            keep.append(~pl.col("excluded").fill_null(False))
        return rows_where(frame, *keep)

    # ---- after-sales, complaints, reviews, sessions as of D
    if "after_sales" in f:
        a = drop_tied(f["after_sales"])
        a = rows_where(a, pl.col("applied_at") < pl.lit(end))
        a = _mask_after(a, ["decided_at", "goods_received_at", "completed_at"], end)
        text = pl.coalesce(_col(a, "reason_tag"), _col(a, "reason"))
        a = a.with_columns(
            reason_group=reason_group(text, groups),
            reason_text=text,
            platform_intervened=_col(a, "platform_intervened", pl.Boolean).fill_null(False),
            merchant_responsible=_col(a, "merchant_responsible", pl.Boolean).fill_null(False),
            completed_at=_col(a, "completed_at", DT),
            decided_at=_col(a, "decided_at", DT),
        )
        out["after_sales"] = a
    if "complaints" in f:
        c = rows_where(drop_tied(f["complaints"]), pl.col("created_at") < pl.lit(end))
        c = c.with_columns(reason_group=reason_group(_col(c, "type"), groups))
        out["complaints"] = c
    if "reviews" in f:
        r = rows_where(drop_tied(f["reviews"]), pl.col("reviewed_at") < pl.lit(end))
        rating = _col(r, "product_rating", pl.Int8)
        out["reviews"] = r.with_columns(
            product_rating=rating,
            negative=(rating <= int(rules["negative_review_max_stars"])).fill_null(False),
        )
    if "im_sessions" in f:
        s = rows_where(drop_tied(f["im_sessions"]), pl.col("started_at") < pl.lit(end))
        hours = rules["service_hours"]
        st = pl.col("started_at")
        tod = (
            st.dt.hour().cast(pl.Int32) * 3600
            + st.dt.minute().cast(pl.Int32) * 60
            + st.dt.second().cast(pl.Int32)
        )
        reply_at = _col(s, "first_reply_at", DT)
        reply_at = pl.when(reply_at < pl.lit(end)).then(reply_at)
        from_at = (reply_at - pl.col("started_at")).dt.total_milliseconds() / 1000
        out["im_sessions"] = s.with_columns(
            human=_col(s, "is_human", pl.Boolean).fill_null(True),
            in_hours=tod.is_between(hours[0] * 3600, hours[1] * 3600, closed="left"),
            reply_seconds=pl.coalesce(_col(s, "first_reply_seconds", pl.Float64), from_at),
            rating=_col(s, "rating", pl.Int8),
        )
    if "im_daily" in f:
        d = f["im_daily"]
        if "date" in d.columns:
            d = d.filter(pl.col("date").is_null() | (pl.col("date") < pl.lit(end)))
        out["im_daily"] = d

    if orders is not None:
        out["orders"] = _prepare_orders(orders, prep, end, rules, out)
        if "order_lines" in f:
            out["order_lines"] = f["order_lines"].filter(
                pl.col("order_id").is_in(out["orders"]["order_id"].implode())
            )
    return prep


#: order timestamps that are events (hidden after D) and deadlines (never hidden)
_EVENTS = (
    "created_at",
    "paid_at",
    "shipped_at",
    "picked_up_at",
    "delivered_at",
    "completed_at",
    "cancelled_at",
)
_DEADLINES = ("ship_by", "deliver_by")
_ORDER_TEXT = ("status", "cancel_reason", "fulfillment", "order_type", "cancel_by")


def _prepare_orders(
    o: pl.DataFrame,
    prep: Prepared,
    end: datetime,
    rules: dict[str, Any],
    out: dict[str, pl.DataFrame],
) -> pl.DataFrame:
    words = rules["order_status"]
    missing = [pl.lit(None, dtype=DT).alias(c) for c in (*_EVENTS, *_DEADLINES) if c not in o.columns]
    missing += [pl.lit(None, dtype=pl.String).alias(c) for c in _ORDER_TEXT if c not in o.columns]
    o = o.with_columns(missing)
    status = pl.col("status").fill_null("")
    reason = pl.col("cancel_reason").fill_null("")
    prep.proxies.update(proxies_for(prep.available))
    if "paid_at" in prep.proxies:
        # SPEC §1: created_at stands in, except for orders that are visibly unpaid
        unpaid = contains_any(status, words["unpaid"]) | contains_any(reason, words["unpaid_reason"])
        o = o.with_columns(paid_at=pl.when(~unpaid).then(pl.col(PROXY_RULES["paid_at"])))
    # Deadlines and cancellations are facts about the order's whole history, worked out
    # before events after D are hidden: an order shipped or cancelled after its deadline was
    # late, whatever the as-of day (so a past --as-of reproduces that day).
    closed = contains_any(status, words["closed"])
    never_shipped = pl.col("shipped_at").is_null() & pl.col("picked_up_at").is_null()
    deadline = pl.coalesce(
        pl.col("ship_by"), pl.col("paid_at") + timedelta(hours=float(rules["pickup_deadline_hours"]))
    )
    o = o.with_columns(
        cancelled_before_shipping=closed & never_shipped,
        pickup_deadline=deadline,
    ).with_columns(
        cancelled_before_deadline=pl.when(pl.col("cancelled_at").is_not_null())
        .then(pl.col("cancelled_at") <= pl.col("pickup_deadline"))
        .otherwise(pl.col("cancelled_before_shipping")),
    )
    o = _mask_after(o, list(_EVENTS), end)
    o = o.with_columns(
        delivered_time=pl.col(prep.proxies.get("delivered_at", "delivered_at")),
        pickup_time=pl.col(prep.proxies.get("picked_up_at", "picked_up_at")),
    )
    paid = pl.col("paid_at").is_not_null()
    o = o.with_columns(
        is_paid=paid,
        is_delivered=paid & pl.col("delivered_time").is_not_null(),
        is_platform=(pl.col("fulfillment") == "platform").fill_null(False),
    )
    return _order_facts(o, out, rules)


def _first(frame: pl.DataFrame, ts: str, tie: str) -> pl.DataFrame:
    """The earliest row per order (ties: smaller id — numerically for digit ids, so 9 < 10 —
    else the earlier row)."""
    sort: list[str | pl.Expr] = [pl.col(ts)]
    if tie in frame.columns:
        sort += [pl.col(tie).str.len_chars(), pl.col(tie)]
    return frame.sort(sort, nulls_last=True, maintain_order=True).unique(
        "order_id", keep="first", maintain_order=True
    )


def _order_facts(o: pl.DataFrame, out: dict[str, pl.DataFrame], rules: dict[str, Any]) -> pl.DataFrame:
    """Per-order flags from the other datasets (as of D, excluded rows already gone)."""
    facts: list[pl.DataFrame] = []
    r = out.get("reviews")
    if r is not None:
        facts.append(
            r.group_by("order_id").agg(
                neg_review=pl.col("negative").any(),
            )
        )
        first = _first(r.filter(pl.col("product_rating").is_not_null()), "reviewed_at", "review_id")
        facts.append(first.select("order_id", first_review_rating=pl.col("product_rating")))
    a = out.get("after_sales")
    if a is not None:
        shipped = o.select("order_id", pl.col("shipped_at").alias("shipped_at_order"))
        aj = a.join(shipped, on="order_id", how="left")
        since_ship = pl.col("applied_at") - pl.col("shipped_at_order")
        facts.append(
            aj.group_by("order_id").agg(
                quality_aftersale=(pl.col("reason_group") == "quality").any(),
                logistics_aftersale_14d=(
                    (pl.col("reason_group") == "logistics")
                    & (since_ship >= timedelta(0))
                    & (since_ship <= timedelta(days=float(rules["logistics_return_days"])))
                ).any(),
            )
        )
        first_as = _first(a, "applied_at", "after_sale_id")
        facts.append(
            first_as.select(
                "order_id",
                first_aftersale_group=pl.col("reason_group"),
                first_aftersale_merchant=pl.col("merchant_responsible"),
            )
        )
    c = out.get("complaints")
    if c is not None:
        facts.append(
            c.group_by("order_id").agg(quality_complaint=(pl.col("reason_group") == "quality").any())
        )
    for fact in facts:
        o = o.join(fact, on="order_id", how="left", maintain_order="left")
    bools = ("neg_review", "quality_aftersale", "logistics_aftersale_14d", "quality_complaint")
    return o.with_columns(
        [(pl.col(b).fill_null(False) if b in o.columns else pl.lit(False)).alias(b) for b in bools]
    )
