"""The shop's data prepared once, for any as-of day: excluded rows dropped, fallbacks
applied, and per-order facts joined on as the *times* they become known (first quality
after-sale, first negative review…), so each metric is a filter on those times at
evaluation (SPEC §2: an event after D has not happened as of D).

Everything here is the SPEC §0/§1/§4 vocabulary made into columns: paid, delivered,
platform-fulfilled, cancelled before shipping, pickup deadline, reason group, human
session, first review, first after-sale …; the metric declarations read only these.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

import polars as pl

from shopscore.engine.profiles import BusinessDays, DeadlineRule, ReasonGroups, Rules
from shopscore.loaders.discover import ShopData
from shopscore.loaders.parse import contains_any

DT = pl.Datetime("us")
#: an orders column the rules name → the column that stands in when no file has it (SPEC §1, §4)
PROXY_RULES = {
    "paid_at": "created_at",
    "delivered_at": "completed_at",
    "picked_up_at": "shipped_at",
}
#: a longer first reply than this (ten years) is a damaged cell: kept at this, never overflowing
MAX_REPLY_SECONDS = 10 * 366 * 86_400
#: the time a row of a dataset comes into being: before it, the row does not exist
EXISTS_AT = {
    "after_sales": "applied_at",
    "reviews": "reviewed_at",
    "im_sessions": "started_at",
    "complaints": "created_at",
}


def proxies_for(
    available: Mapping[str, set[str] | frozenset[str]], rules: Rules | None = None
) -> dict[str, str]:
    """Which order columns will be stood in for, given the columns the files have: a
    column (SPEC §1), or a profile's deadline rule (§5: ``created_at + 6 business days``)."""
    cols = available.get("orders", set())
    if "orders" not in available:
        return {}
    out = {c: p for c, p in PROXY_RULES.items() if c not in cols}
    for name, rule in (rules.deadlines if rules else {}).items():
        if name not in cols:
            out[name] = rule.proxy(cols)
    return out


@dataclass(frozen=True)
class Prepared:
    """One shop's frames, ready for evaluation at any as-of day, plus what the files had
    and what stood in for missing columns. Never changed after :func:`prepare`."""

    frames: Mapping[str, pl.DataFrame]
    columns: Mapping[str, frozenset[str]]  # dataset → the columns its files had
    spans: Mapping[str, tuple[date, date]]  # dataset → (first, last) day it covers (SPEC §3)
    proxies: Mapping[str, str]  # concept → column used instead

    def has(self, dataset: str, column: str | None = None) -> bool:
        cols = self.columns.get(dataset)
        if cols is None:
            return False
        return column is None or column in cols


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


def reason_group(text: pl.Expr, groups: ReasonGroups) -> pl.Expr:
    """The first group (in the table's order) whose keyword the text contains, else other."""
    expr: Any = pl.when(text.is_null()).then(pl.lit(None, pl.String))
    for group in groups.order:
        expr = expr.when(contains_any(text, list(groups.keywords[group]))).then(pl.lit(group))
    return expr.otherwise(pl.lit("other"))


def shifted(ts: pl.Expr, night: tuple[int, int] | None) -> pl.Expr:
    """``ts``, or when it falls in the night (from ``night[0]``:00 to ``night[1]``:00 the next
    morning) the morning's ``night[1]``:00 (SPEC §4b: a clock that starts at 06:00 / 08:00)."""
    if night is None:
        return ts
    late, morning = night
    day = ts.dt.truncate("1d")
    hour = ts.dt.hour()
    return (
        pl.when(hour >= late)
        .then(day + timedelta(days=1, hours=morning))
        .when(hour < morning)
        .then(day + timedelta(hours=morning))
        .otherwise(ts)
    )


def hours_from(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """Hours from ``start`` to ``end`` (null when either is)."""
    return (end - start).dt.total_microseconds() / 3_600_000_000


def business_deadline(
    start: pl.Expr, rule: DeadlineRule, calendar: BusinessDays, holidays: list[date]
) -> pl.Expr:
    """The end (23:59:59) of the ``rule.business_days``-th business day after ``start``'s
    day (SPEC §5): a start on a weekend or holiday counts from the business day before it,
    so the first business day after it is the first one counted."""
    day = start.dt.date().dt.add_business_days(
        rule.business_days, week_mask=list(calendar.week_mask), holidays=holidays, roll="backward"
    )
    return day.cast(DT) + timedelta(hours=23, minutes=59, seconds=59)


def _deadline_rules(o: pl.DataFrame, rules: Rules) -> dict[str, pl.Expr]:
    """Per deadline with a profile rule: the business-day deadline of the orders its rule
    covers (null for the others, e.g. pre-orders)."""
    calendar = rules.business_days
    if calendar is None or not rules.deadlines:
        return {}
    out = {}
    for name, rule in rules.deadlines.items():
        start = pl.coalesce([pl.col(c) for c in rule.start if c in o.columns] or [pl.lit(None, DT)])
        years = o.select(start.dt.year().min().alias("a"), start.dt.year().max().alias("b")).row(0)
        if years[0] is None:
            out[name] = pl.lit(None, DT)
            continue
        holidays = calendar.holidays(int(years[0]), int(years[1]) + 1)  # deadlines cross a new year
        covered = pl.col("order_type").fill_null("normal").is_in(list(rule.order_types))
        out[name] = pl.when(covered).then(business_deadline(start, rule, calendar, holidays))
    return out


def unknown_reasons(shop: ShopData, groups: ReasonGroups) -> list[str]:
    """After-sales reasons (and complaint types) the keyword table puts in no group: they
    count as `other`; listed, most frequent first, so the seller can extend the table."""
    from shopscore.loaders.privacy import redact

    found: dict[str, int] = {}
    for dataset, cols in (("after_sales", ("reason_tag", "reason")), ("complaints", ("type",))):
        frame = shop.frames.get(dataset)
        present = [c for c in cols if frame is not None and c in frame.columns]
        if frame is None or not present:
            continue
        text = pl.coalesce([pl.col(c) for c in present])
        other = (
            frame.lazy()
            .select(text.alias("t"))
            .filter(reason_group(pl.col("t"), groups) == "other")
            .group_by("t")
            .len()
            .collect()
        )
        for t_, n in other.iter_rows():
            found[t_] = found.get(t_, 0) + n
    ranked = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
    return list(dict.fromkeys(redact(t_) for t_, _ in ranked))


def prepare(shop: ShopData, rules: Rules) -> Prepared:
    """Prepare a loaded shop for evaluation. ``rules`` is the profile's rule data (reason
    groups, status words, working hours): no domain word is written here, and no as-of day
    is known."""
    f = shop.frames
    out: dict[str, pl.DataFrame] = {}
    groups = rules.reason_groups
    columns = {k: frozenset(v) for k, v in shop.columns.items()}
    proxies = proxies_for(shop.columns, rules)

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

    if "after_sales" in f:
        a = drop_tied(f["after_sales"])
        text = pl.coalesce(_col(a, "reason_tag"), _col(a, "reason"))
        out["after_sales"] = (
            a.with_columns(
                reason_group=reason_group(text, groups),
                reason_text=text,
                platform_intervened=_col(a, "platform_intervened", pl.Boolean).fill_null(False),
                merchant_responsible=_col(a, "merchant_responsible", pl.Boolean).fill_null(False),
                completed_at=_col(a, "completed_at", DT),
                decided_at=_col(a, "decided_at", DT),
                goods_received_at=_col(a, "goods_received_at", DT),
                review_start=shifted(pl.col("applied_at"), rules.review_night),
                # the order's shipping time, joined once orders are prepared (none: no orders file)
                order_shipped_at=pl.lit(None, DT),
                # the merchant's responsibility where the export has the column (an empty cell, or
                # a file of the export without it, is false — SPEC §0); null: no file has it
                merchant_judged=(
                    _col(a, "merchant_responsible", pl.Boolean).fill_null(False)
                    if "merchant_responsible" in columns.get("after_sales", frozenset())
                    else pl.lit(None, pl.Boolean)
                ),
            )
            .with_columns(
                # SPEC §5 after-sales time: the seller's approval, plus its inspection of returned
                # goods (received → completed) where both times are there
                approval_hours=hours_from(pl.col("applied_at"), pl.col("decided_at")),
                inspection_hours=hours_from(pl.col("goods_received_at"), pl.col("completed_at")),
            )
            .with_columns(
                handling_hours=pl.col("approval_hours") + pl.col("inspection_hours").fill_null(0.0),
            )
        )
    if "complaints" in f:
        c = drop_tied(f["complaints"])
        out["complaints"] = c.with_columns(reason_group=reason_group(_col(c, "type"), groups))
    if "reviews" in f:
        r = drop_tied(f["reviews"])
        rating = _col(r, "product_rating", pl.Int8)
        out["reviews"] = r.with_columns(
            product_rating=rating,
            negative=(rating <= rules.negative_review_max_stars).fill_null(False),
        )
    if "im_sessions" in f:
        s = drop_tied(f["im_sessions"])
        hours = rules.service_hours
        st = pl.col("started_at")
        tod = (
            st.dt.hour().cast(pl.Int32) * 3600
            + st.dt.minute().cast(pl.Int32) * 60
            + st.dt.second().cast(pl.Int32)
        )
        reply_at = _col(s, "first_reply_at", DT)
        from_at = (reply_at - pl.col("started_at")).dt.total_milliseconds() / 1000
        seconds = pl.coalesce(_col(s, "first_reply_seconds", pl.Float64), from_at)
        out["im_sessions"] = s.with_columns(
            human=_col(s, "is_human", pl.Boolean).fill_null(True),
            in_hours=tod.is_between(hours[0] * 3600, hours[1] * 3600, closed="left"),
            reply_seconds=seconds,
            rating=_col(s, "rating", pl.Int8),
        ).with_columns(
            # a mean response time counts an unanswered session at the profile's seconds
            reply_or_unanswered=pl.col("reply_seconds").fill_null(
                pl.lit(rules.unanswered_seconds, pl.Float64)
            ),
            unanswered_value=pl.lit(rules.unanswered_seconds, pl.Float64),
            reply_in_time=pl.col("reply_seconds") <= rules.reply_within_seconds,
            dissatisfied=pl.col("rating") <= rules.dissatisfied_max_stars,
            # the reply is known when it happens (a negative duration: at the session's start;
            # an absurd one, beyond ten years, is kept at ten years rather than overflow)
            reply_at=pl.col("started_at")
            + pl.duration(
                microseconds=(pl.col("reply_seconds").clip(0, MAX_REPLY_SECONDS) * 1e6).cast(pl.Int64)
            ),
        )
    if "im_daily" in f:
        out["im_daily"] = f["im_daily"]

    help_requests = _help_requests(out)
    if help_requests is not None:
        out["help_requests"] = help_requests
    if orders is not None:
        out["orders"] = _prepare_orders(orders, proxies, rules, out)
        if "after_sales" in out:  # the order's shipping time (refund-only after shipping)
            shipped = out["orders"].select("order_id", order_shipped_at=pl.col("shipped_at"))
            out["after_sales"] = (
                out["after_sales"]
                .drop("order_shipped_at")
                .join(shipped, on="order_id", how="left", maintain_order="left")
            )
        if "order_lines" in f:
            out["order_lines"] = f["order_lines"].filter(
                pl.col("order_id").is_in(out["orders"]["order_id"].implode())
            )
    return Prepared(
        frames=MappingProxyType(out),
        columns=MappingProxyType(columns),
        spans=MappingProxyType(dict(shop.spans)),
        proxies=MappingProxyType(proxies),
    )


def _help_requests(out: Mapping[str, pl.DataFrame]) -> pl.DataFrame | None:
    """SPEC §4b platform help: one row per request for help — an after-sale, or a human chat
    naming an order — with the order's id (orphans too) and when the platform stepped in for
    that order (its first platform-handled after-sale or complaint; null: never)."""
    parts: list[pl.LazyFrame] = []
    stepped_in: list[pl.LazyFrame] = []
    a = out.get("after_sales")
    if a is not None:
        keep = [c for c in ("__file", "__row", "after_sale_id") if c in a.columns]
        parts.append(a.lazy().select("order_id", *keep, asked_at=pl.col("applied_at")))
        stepped_in.append(
            a.lazy().filter(pl.col("platform_intervened")).select("order_id", at=pl.col("applied_at"))
        )
    chats = out.get("im_sessions")
    if chats is not None and "order_id" in chats.columns:
        keep_chat = [c for c in ("__file", "__row", "session_id") if c in chats.columns]
        parts.append(
            chats.lazy().filter(pl.col("human")).select("order_id", *keep_chat, asked_at=pl.col("started_at"))
        )
    c = out.get("complaints")
    if c is not None:
        stepped_in.append(c.lazy().select("order_id", at=pl.col("created_at")))
    if not parts:
        return None
    asked = pl.concat(parts, how="diagonal_relaxed").filter(
        pl.col("order_id").is_not_null() & pl.col("asked_at").is_not_null()
    )
    if stepped_in:
        first = pl.concat(stepped_in).group_by("order_id").agg(platform_help_at=pl.col("at").min())
        asked = asked.join(first, on="order_id", how="left", maintain_order="left")
    else:
        asked = asked.with_columns(platform_help_at=pl.lit(None, DT))
    return asked.collect()


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
    proxies: Mapping[str, str],
    rules: Rules,
    out: dict[str, pl.DataFrame],
) -> pl.DataFrame:
    words = rules.order_status
    missing = [pl.lit(None, dtype=DT).alias(c) for c in (*_EVENTS, *_DEADLINES) if c not in o.columns]
    missing += [pl.lit(None, dtype=pl.String).alias(c) for c in _ORDER_TEXT if c not in o.columns]
    o = o.with_columns(missing)
    status = pl.col("status").fill_null("")
    reason = pl.col("cancel_reason").fill_null("")
    if "paid_at" in proxies:
        # SPEC §1: created_at stands in, except for orders that are visibly unpaid
        unpaid = contains_any(status, list(words.unpaid)) | contains_any(reason, list(words.unpaid_reason))
        o = o.with_columns(paid_at=pl.when(~unpaid).then(pl.col(PROXY_RULES["paid_at"])))
    # Deadlines and cancellations are facts about the order's whole history: an order
    # shipped or cancelled after its deadline was late, whatever the as-of day. A deadline
    # cell left empty falls back per row: the profile's business-day rule, else (ship_by)
    # paid_at + pickup_deadline_hours.
    closed = contains_any(status, list(words.closed))
    never_shipped = pl.col("shipped_at").is_null() & pl.col("picked_up_at").is_null()
    ruled = _deadline_rules(o, rules)
    deadline = pl.coalesce(
        pl.col("ship_by"),
        ruled.get("ship_by", pl.lit(None, DT)),
        pl.col("paid_at") + timedelta(hours=rules.pickup_deadline_hours),
    )

    def cancelled_before(column: str) -> pl.Expr:
        return (
            pl.when(pl.col("cancelled_at").is_not_null())
            .then(pl.col("cancelled_at") <= pl.col(column))
            .otherwise(pl.col("cancelled_before_shipping"))
        )

    o = o.with_columns(
        cancelled_before_shipping=closed & never_shipped,
        pickup_deadline=deadline,
        deliver_deadline=pl.coalesce(pl.col("deliver_by"), ruled.get("deliver_by", pl.lit(None, DT))),
        # when the order was placed (SPEC §5: created_at, else paid_at)
        order_time=pl.coalesce(pl.col("created_at"), pl.col("paid_at")),
    ).with_columns(
        cancelled_before_deadline=cancelled_before("pickup_deadline"),
        cancelled_before_delivery=cancelled_before("deliver_deadline"),
        delivered_time=pl.col(proxies.get("delivered_at", "delivered_at")),
        pickup_time=pl.col(proxies.get("picked_up_at", "picked_up_at")),
        is_platform=(pl.col("fulfillment") == "platform").fill_null(False),
        pickup_start=shifted(pl.col("paid_at"), rules.pickup_night),
    )
    return _order_facts(o, out, rules)


def _first(frame: pl.DataFrame, ts: str, tie: str) -> pl.DataFrame:
    """The earliest row per order (ties: smaller id — numerically for digit ids, so 9 < 10 —
    else the earlier row). The first as of any day D is this row when it is dated ≤ D."""
    sort: list[str | pl.Expr] = [pl.col(ts)]
    if tie in frame.columns:
        sort += [pl.col(tie).str.len_chars(), pl.col(tie)]
    return frame.sort(sort, nulls_last=True, maintain_order=True).unique(
        "order_id", keep="first", maintain_order=True
    )


#: per-order times of facts from the other datasets (null: never)
FACT_TIMES = (
    "neg_review_at",
    "quality_aftersale_at",
    "logistics_aftersale_at",
    "logistics_any_aftersale_at",
    "quality_complaint_at",
    "first_review_at",
    "first_aftersale_at",
)
#: per-order facts that are values, typed null when their dataset is absent
FACT_FLAGS = {
    "first_review_rating": pl.Int8,
    "first_review_negative": pl.Boolean,
    "first_aftersale_merchant": pl.Boolean,
}
#: what those facts name: the product and reason behind a bad order (diagnose)
FACT_DETAILS = (
    "first_aftersale_group",
    "first_aftersale_reason",
    "first_aftersale_product",
    "first_review_product",
    "neg_review_product",
    "quality_aftersale_product",
    "quality_aftersale_reason",
    "logistics_aftersale_product",
    "logistics_aftersale_reason",
    "logistics_any_aftersale_product",
    "logistics_any_aftersale_reason",
)


def _order_facts(o: pl.DataFrame, out: dict[str, pl.DataFrame], rules: Rules) -> pl.DataFrame:
    """Per-order facts from the other datasets (excluded rows already gone), each as the
    time it becomes known, so "as of D" is a comparison at evaluation."""
    facts: list[pl.DataFrame] = []
    r = out.get("reviews")
    if r is not None:
        # the first negative review: when, and which product it names (diagnose)
        neg = _first(r.filter(pl.col("negative")), "reviewed_at", "review_id")
        facts.append(
            neg.select(
                "order_id", neg_review_at=pl.col("reviewed_at"), neg_review_product=_col(neg, "product_id")
            )
        )
        # the first review (SPEC §0: the earliest non-excluded one, rated or not: an unrated
        # first review gives its order no rating, the later ones do not stand in)
        first = _first(r, "reviewed_at", "review_id")
        facts.append(
            first.select(
                "order_id",
                first_review_at=pl.col("reviewed_at"),
                first_review_rating=pl.col("product_rating"),
                first_review_negative=pl.col("negative"),
                first_review_product=_col(first, "product_id"),
            )
        )
    a = out.get("after_sales")
    if a is not None:
        shipped = o.select("order_id", pl.col("shipped_at").alias("shipped_at_order"))
        aj = a.join(shipped, on="order_id", how="left", maintain_order="left")
        since_ship = pl.col("applied_at") - pl.col("shipped_at_order")
        in_days = (since_ship >= timedelta(0)) & (since_ship <= timedelta(days=rules.logistics_return_days))
        # the first quality / logistics (within the days after shipping) after-sale of each
        # order: when, and the product and reason it names (diagnose)
        for name, rows in (
            ("quality", aj.filter(pl.col("reason_group") == "quality")),
            ("logistics", rows_where(aj, (pl.col("reason_group") == "logistics") & in_days)),
            # SPEC §5: a logistics after-sale at any time after payment
            ("logistics_any", aj.filter(pl.col("reason_group") == "logistics")),
        ):
            first_of = _first(rows, "applied_at", "after_sale_id")
            facts.append(
                first_of.select(
                    "order_id",
                    pl.col("applied_at").alias(f"{name}_aftersale_at"),
                    _col(first_of, "product_id").alias(f"{name}_aftersale_product"),
                    pl.col("reason_text").alias(f"{name}_aftersale_reason"),
                )
            )
        first_as = _first(a, "applied_at", "after_sale_id")
        facts.append(
            first_as.select(
                "order_id",
                first_aftersale_at=pl.col("applied_at"),
                first_aftersale_group=pl.col("reason_group"),
                first_aftersale_merchant=pl.col("merchant_judged"),
                first_aftersale_product=_col(first_as, "product_id"),
                first_aftersale_reason=pl.col("reason_text"),
            )
        )

    c = out.get("complaints")
    if c is not None:
        facts.append(
            c.lazy()
            .group_by("order_id")
            .agg(quality_complaint_at=pl.col("created_at").filter(pl.col("reason_group") == "quality").min())
            .collect()
        )
    for fact in facts:
        o = o.join(fact, on="order_id", how="left", maintain_order="left")
    missing = [pl.lit(None, DT).alias(t) for t in FACT_TIMES if t not in o.columns]
    missing += [pl.lit(None, pl.String).alias(c) for c in FACT_DETAILS if c not in o.columns]
    missing += [pl.lit(None, t).alias(c) for c, t in FACT_FLAGS.items() if c not in o.columns]
    return o.with_columns(missing)
