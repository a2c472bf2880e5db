"""The metric registry: each metric of SPEC §4 declared once.

A declaration says which prepared dataset a metric counts, the timestamp that places a row
in its window (anchor), which rows form the population, which of them are hits (rates) or
what value they average (means), what it needs to be computable and which of its inputs
may be stood in for. Windows, weights, curves and minimum samples are profile data;
compute, scoring, reports and `shopscore metrics` all read these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import polars as pl

Kind = Literal["rate", "mean"]
Direction = Literal["lower", "higher"]

#: µs per hour
HOURS = 3_600_000_000


def hours_between(start: str, end: str) -> pl.Expr:
    return (pl.col(end) - pl.col(start)).dt.total_microseconds() / HOURS


def at_when(condition: pl.Expr, time: str | pl.Expr) -> pl.Expr:
    """The time a row becomes a hit: ``time`` where ``condition`` holds, else never (null)."""
    t = pl.col(time) if isinstance(time, str) else time
    return pl.when(condition).then(t)


@dataclass(frozen=True)
class Count:
    """Rows of a prepared dataset that form a population: ``where`` (a fact that does not
    depend on the as-of day) holds, its ``anchor`` falls in the window, and each ``known``
    time (a fact the population needs: paid, delivered…) is on or before the as-of day."""

    dataset: str
    anchor: str
    where: pl.Expr = field(default_factory=lambda: pl.lit(True))
    known: tuple[str, ...] = ()
    #: count each value of this column once per window, however many of its rows fall in
    #: it (SPEC §4b: an order asking for help twice is one help order)
    distinct: str | None = None


#: datasets preparation derives from others (each → the datasets it is made from)
DERIVED: dict[str, tuple[str, ...]] = {"help_requests": ("after_sales", "im_sessions")}


@dataclass(frozen=True)
class Daily:
    """How a rate or mean is estimated from 飞鸽 per-agent daily data (im_daily, SPEC §1):
    Σ hits / Σ of ``counts`` where both count columns exist, else ``value`` averaged with
    weight ``weight`` (the first present of the candidates)."""

    value: str
    weight: tuple[str, ...] = ("sessions",)
    counts: tuple[str, str] | None = None  # (hits, denominator) columns


@dataclass(frozen=True)
class Doc:
    """The fixed doc sections every metric carries (rendered by `shopscore metrics`)."""

    definition_zh: str
    definition_en: str
    why: str
    moves: str


@dataclass(frozen=True)
class Metric:
    """One metric, declared once. A rate counts ``population`` rows and, of them, those
    whose ``hit_at`` (the time the row becomes a hit; null = never) is on or before the as-of
    day — or counts the rows of another dataset (``numerator``); a mean averages ``value``.
    Nothing here knows the as-of day: the engine applies it when it evaluates."""

    id: str
    zh: str
    en: str
    kind: Kind
    direction: Direction
    unit: str
    population: Count
    doc: Doc
    hit_at: pl.Expr | None = None  # rate: when a population row becomes a hit
    numerator: Count | None = None  # rate whose numerator comes from another dataset
    value: pl.Expr | None = None  # mean: the value averaged over the population
    needs: tuple[str, ...] = ()  # each "dataset" or "dataset.column", alternatives joined by "|"
    optional: tuple[str, ...] = ()  # absent → counted as none, metric `approximate`
    uses: tuple[str, ...] = ()  # concepts that may have a proxy (paid_at, delivered_at…)
    daily: Daily | None = None
    always_approximate: bool = False
    drill: tuple[str, ...] = ()
    #: diagnose breakdowns (SPEC §7): product, agent, carrier, reason, reason-group, hour, week
    by: tuple[str, ...] = ("week",)
    #: diagnose columns a breakdown reads: product (the one a bad unit names), reason…
    facets: tuple[tuple[str, pl.Expr], ...] = ()
    #: a mean whose value is known only from a time: (that time's column, the column
    #: counted until then) — a reply not yet given counts as unanswered (SPEC §2, §4b)
    pending: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        if self.kind == "rate" and (self.hit_at is None) == (self.numerator is None):
            raise ValueError(f"{self.id}: a rate declares exactly one of hit_at / numerator")
        if self.kind == "mean" and self.value is None:
            raise ValueError(f"{self.id}: a mean declares its value")
        if self.direction not in ("lower", "higher"):
            raise ValueError(f"{self.id}: direction must be lower or higher")
        unknown = set(self.by) - set(BREAKDOWNS)
        if unknown:
            raise ValueError(f"{self.id}: unknown breakdown {', '.join(sorted(unknown))}")

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


REGISTRY: dict[str, Metric] = {}
#: the dimensions diagnose can break a metric down by
BREAKDOWNS = ("product", "agent", "carrier", "reason", "reason-group", "hour", "week")


def register(metric: Metric) -> Metric:
    if metric.id in REGISTRY:
        raise ValueError(f"metric {metric.id} is declared twice")
    REGISTRY[metric.id] = metric
    return metric


# ---------------------------------------------------------------- populations used often
PAID_ORDERS = Count("orders", "paid_at", known=("paid_at",))
DELIVERED_ORDERS = Count("orders", "delivered_time", known=("paid_at", "delivered_time"))
HUMAN_WORKING_HOURS = pl.col("human") & pl.col("in_hours")
AFTER_SALE_FACETS = (
    ("product", pl.col("product_id")),
    ("product_name", pl.col("product_name")),
    ("reason", pl.col("reason_text")),
    ("reason_group", pl.col("reason_group")),
)
CARRIER = (("carrier", pl.col("carrier")),)
AGENT = (("agent", pl.col("agent")),)
AFTER_SALE_DRILL = ("after_sale_id", "order_id", "product_id", "product_name", "applied_at", "reason_text")


def _hours_to_complete(t: str) -> Count:
    return Count(
        "after_sales",
        "completed_at",
        (pl.col("type") == t) & ~pl.col("platform_intervened"),
        known=("completed_at",),
    )


# ---------------------------------------------------------------- SPEC §4 (douyin, douyin-2023)
register(
    Metric(
        id="product-negative-review-rate",
        zh="商品差评率",
        en="Product negative review rate",
        kind="rate",
        direction="lower",
        unit="ratio",
        population=Count("reviews", "reviewed_at", pl.col("product_rating").is_not_null()),
        hit_at=at_when(pl.col("negative"), "reviewed_at"),  # rating ≤ negative_review_max_stars
        needs=("reviews",),
        drill=(
            "review_id",
            "order_id",
            "product_id",
            "product_name",
            "reviewed_at",
            "product_rating",
            "content",
        ),
        by=("product", "week"),
        facets=(("product", pl.col("product_id")), ("product_name", pl.col("product_name"))),
        doc=Doc(
            "评价期内商品评分≤2星的评价数 / 有商品评分的评价数",
            "reviews rated 1–2★ / reviews with a product rating, by review date",
            "Buyers read bad reviews before they buy; the platform weighs them in the product dimension.",
            "Product quality and description accuracy; follow up 1–2★ reviews, appeal unfair ones.",
        ),
    )
)

register(
    Metric(
        id="quality-return-rate",
        zh="品质退货率",
        en="Quality return rate",
        kind="rate",
        direction="lower",
        unit="ratio",
        population=PAID_ORDERS,
        hit_at=pl.col("quality_aftersale_at"),
        needs=("orders", "after_sales.reason|after_sales.reason_tag"),
        uses=("paid_at",),
        drill=("order_id", "paid_at", "status", "carrier", "quality_aftersale_at"),
        by=("product", "reason", "week"),
        facets=(
            ("product", pl.col("quality_aftersale_product")),
            ("reason", pl.col("quality_aftersale_reason")),
        ),
        doc=Doc(
            "支付订单中发生品质原因售后（任意类型）的订单数 / 支付订单数",
            "paid orders with an after-sale of reason group quality / paid orders, by payment date",
            "Quality returns are the platform's direct signal that goods do not match the listing.",
            "Quality control before shipping, accurate size charts and descriptions.",
        ),
    )
)

register(
    Metric(
        id="negative-feedback-rate",
        zh="综合负向反馈率 (CCR)",
        en="Negative feedback rate (CCR)",
        kind="rate",
        direction="lower",
        unit="ratio",
        population=DELIVERED_ORDERS,
        hit_at=pl.min_horizontal("neg_review_at", "quality_aftersale_at", "quality_complaint_at"),
        needs=("orders.delivered_at|orders.completed_at", "after_sales.reason|after_sales.reason_tag"),
        optional=("reviews", "complaints"),
        uses=("paid_at", "delivered_at"),
        drill=(
            "order_id",
            "delivered_time",
            "carrier",
            "neg_review_at",
            "quality_aftersale_at",
            "quality_complaint_at",
        ),
        by=("product", "week"),
        facets=(
            (
                "product",  # the product of the first of its negative review and quality after-sale
                pl.when(
                    pl.col("quality_aftersale_at").is_not_null()
                    & (
                        pl.col("neg_review_at").is_null()
                        | (pl.col("quality_aftersale_at") <= pl.col("neg_review_at"))
                    )
                )
                .then(pl.col("quality_aftersale_product"))
                .otherwise(pl.col("neg_review_product")),
            ),
            (
                "reason",  # the quality after-sale's reason, when that came first
                pl.when(
                    pl.col("neg_review_at").is_null()
                    | (pl.col("quality_aftersale_at") <= pl.col("neg_review_at"))
                ).then(pl.col("quality_aftersale_reason")),
            ),
        ),
        doc=Doc(
            "签收订单中有差评(≤2星)、品质售后或品质投诉的订单数（每单计一次）/ 签收订单数",
            "delivered orders with a 1–2★ review, a quality after-sale or a quality complaint "
            "(each order once) / delivered orders, by delivery date",
            "The main product metric of the current 5-point model: one bad experience per order.",
            "Fix the products behind bad reviews and quality refunds; each order counts once.",
        ),
    )
)

register(
    Metric(
        id="pickup-on-time-rate",
        zh="揽收及时率",
        en="Pickup on-time rate",
        kind="rate",
        direction="higher",
        unit="ratio",
        population=Count(
            "orders",
            "pickup_deadline",
            ~pl.col("is_platform") & ~pl.col("cancelled_before_deadline"),
            known=("paid_at",),
        ),
        hit_at=at_when(pl.col("pickup_time") <= pl.col("pickup_deadline"), "pickup_time"),
        needs=("orders.picked_up_at|orders.shipped_at",),
        uses=("paid_at", "picked_up_at"),
        drill=("order_id", "paid_at", "pickup_deadline", "pickup_time", "carrier"),
        by=("carrier", "week"),
        # a late parcel's record says by how many hours (null: not picked up at all)
        facets=(*CARRIER, ("hours_late", hours_between("pickup_deadline", "pickup_time"))),
        doc=Doc(
            "揽收截止时间在考核期内的订单中按时揽收的比例；截止=承诺发货时间，否则支付后48小时",
            "orders picked up by their deadline (ship_by, else paid + 48 h) / orders whose "
            "deadline falls in the window; platform-fulfilled and cancelled-before-deadline left out",
            "Late pickups are the logistics dimension's largest weight.",
            "Hand parcels to the carrier earlier; check carriers that scan late; set realistic ship_by.",
        ),
    )
)

register(
    Metric(
        id="delivery-hours",
        zh="订单配送时长",
        en="Delivery time",
        kind="mean",
        direction="lower",
        unit="h",
        population=Count("orders", "delivered_at", known=("paid_at", "delivered_at")),
        value=hours_between("paid_at", "delivered_at"),
        needs=("orders.delivered_at",),
        uses=("paid_at",),
        drill=("order_id", "paid_at", "delivered_at", "carrier"),
        by=("carrier", "week"),
        facets=CARRIER,
        doc=Doc(
            "签收订单从支付到签收的平均小时数",
            "mean hours from payment to delivery over orders delivered in the window",
            "Slow delivery lowers the logistics dimension and buyers' reviews.",
            "Ship sooner, choose faster carriers/routes, ship from a warehouse nearer buyers.",
        ),
    )
)

register(
    Metric(
        id="logistics-return-rate",
        zh="物流品退率",
        en="Logistics return rate",
        kind="rate",
        direction="lower",
        unit="ratio",
        population=PAID_ORDERS,
        hit_at=pl.col("logistics_aftersale_at"),
        needs=("orders", "after_sales.reason|after_sales.reason_tag"),
        uses=("paid_at",),
        drill=("order_id", "paid_at", "shipped_at", "carrier", "logistics_aftersale_at"),
        by=("carrier", "reason", "week"),
        facets=(
            *CARRIER,
            ("product", pl.col("logistics_aftersale_product")),
            ("reason", pl.col("logistics_aftersale_reason")),
        ),
        doc=Doc(
            "支付订单中发货后14天内发生物流原因售后的订单数 / 支付订单数（考核期为前15–104天）",
            "paid orders with a logistics after-sale applied 0–14 days after shipping / paid "
            "orders, window days 15–104 before the as-of date",
            "Damaged or lost parcels count against the logistics dimension.",
            "Better packaging, reliable carriers, chase stuck parcels before buyers ask for refunds.",
        ),
    )
)

register(
    Metric(
        id="im-3min-reply-rate",
        zh="IM 3分钟回复率",
        en="IM 3-minute reply rate",
        kind="rate",
        direction="higher",
        unit="ratio",
        population=Count("im_sessions", "started_at", HUMAN_WORKING_HOURS),
        hit_at=at_when(pl.col("reply_in_time"), "reply_at"),  # ≤ the profile's reply_within_seconds
        needs=("im_sessions.first_reply_seconds|im_sessions.first_reply_at|im_daily.reply_3min_rate",),
        daily=Daily(value="reply_3min_rate", weight=("sessions",)),
        drill=("session_id", "started_at", "agent", "reply_seconds", "order_id"),
        by=("agent", "hour", "week"),
        facets=AGENT,
        doc=Doc(
            "08:00–23:00 人工会话中3分钟内首次回复的比例（未回复计为超时）",
            "human sessions started 08:00–22:59:59 answered within 180 s / those sessions",
            "Slow replies lose sales and count against the service dimension.",
            "Staff the busy hours, set auto-assignment, keep quick-reply templates.",
        ),
    )
)

register(
    Metric(
        id="im-dissatisfaction",
        zh="IM不满意率",
        en="IM dissatisfaction rate",
        kind="rate",
        direction="lower",
        unit="ratio",
        population=Count("im_sessions", "started_at", pl.col("human") & pl.col("rating").is_not_null()),
        hit_at=at_when(pl.col("dissatisfied"), "started_at"),  # ≤ the profile's dissatisfied_max_stars
        needs=("im_sessions.rating|im_daily.dissatisfaction_rate|im_daily.dissatisfied",),
        daily=Daily(
            value="dissatisfaction_rate",
            weight=("rated", "sessions"),
            counts=("dissatisfied", "rated"),
        ),
        drill=("session_id", "started_at", "agent", "rating", "reply_seconds", "order_id"),
        by=("agent", "hour", "week"),
        facets=AGENT,
        doc=Doc(
            "人工会话中评价1–3星的会话数 / 有评价的人工会话数（全天）",
            "human sessions rated 1–3★ / rated human sessions, any hour",
            "Unhappy chats are a direct service signal to the platform.",
            "Review the agents and topics behind 1–3★ chats; resolve before asking for ratings.",
        ),
    )
)

register(
    Metric(
        id="merchant-fault-rate",
        zh="商责率",
        en="Merchant fault rate",
        kind="rate",
        direction="lower",
        unit="ratio",
        population=PAID_ORDERS,
        numerator=Count("after_sales", "applied_at", pl.col("merchant_responsible")),
        needs=("orders", "after_sales.merchant_responsible"),
        uses=("paid_at",),
        drill=(*AFTER_SALE_DRILL, "type"),
        by=("reason", "reason-group", "product", "week"),
        facets=AFTER_SALE_FACETS,
        doc=Doc(
            "考核期内判定商家责任的售后数 / 考核期内支付订单数",
            "after-sales judged merchant-responsible (by application date) / paid orders in the window",
            "Disputes the platform rules against the shop weigh on the service dimension.",
            "Settle disputes before arbitration; fix the causes the platform rules against you for.",
        ),
    )
)

register(
    Metric(
        id="complaint-rate",
        zh="投诉率",
        en="Complaint rate",
        kind="rate",
        direction="lower",
        unit="ratio",
        population=PAID_ORDERS,
        numerator=Count("complaints", "created_at"),
        needs=("orders", "complaints"),
        uses=("paid_at",),
        drill=("complaint_id", "order_id", "created_at", "type"),
        by=("reason", "reason-group", "week"),
        facets=(("reason", pl.col("type")), ("reason_group", pl.col("reason_group"))),
        doc=Doc(
            "考核期内投诉数 / 考核期内支付订单数",
            "complaints (by complaint date) / paid orders in the window",
            "Complaints escalate to the platform and weigh on the service dimension.",
            "Answer in chat before buyers escalate; fix recurring complaint types.",
        ),
    )
)


def _completion_hours(metric_id: str, zh: str, en: str, after_sale_type: str, doc: Doc) -> Metric:
    """仅退款 / 退货退款自主完结时长: the same mean over one after-sales type."""
    return Metric(
        id=metric_id,
        zh=zh,
        en=en,
        kind="mean",
        direction="lower",
        unit="h",
        population=_hours_to_complete(after_sale_type),
        value=hours_between("applied_at", "completed_at"),
        needs=("after_sales.completed_at",),
        drill=(*AFTER_SALE_DRILL, "completed_at"),
        by=("reason", "product", "week"),
        facets=AFTER_SALE_FACETS,
        doc=doc,
    )


register(
    _completion_hours(
        "refund-only-hours",
        "仅退款自主完结时长",
        "Refund-only completion time",
        "refund_only",
        Doc(
            "未经平台介入完结的仅退款售后，从申请到完结的平均小时数",
            "mean hours from application to completion of refund-only requests completed without "
            "platform intervention",
            "Slow refunds frustrate buyers and weigh on the service dimension.",
            "Approve refund-only requests quickly; enable automatic approval for small amounts.",
        ),
    )
)

register(
    _completion_hours(
        "return-refund-hours",
        "退货退款自主完结时长",
        "Return-and-refund completion time",
        "return_refund",
        Doc(
            "未经平台介入完结的退货退款售后，从申请到完结的平均小时数",
            "mean hours from application to completion of return-and-refund requests completed "
            "without platform intervention",
            "Slow returns frustrate buyers and weigh on the service dimension.",
            "Check returned parcels on arrival and refund the same day.",
        ),
    )
)

# ---------------------------------------------------------------- SPEC §4b (douyin-2026)
#: human sessions started in the profile's service hours (08:00:00–22:59:59)
HUMAN_IN_HOURS = Count("im_sessions", "started_at", HUMAN_WORKING_HOURS)

register(
    Metric(
        id="product-rating",
        zh="商品综合评分",
        en="Product rating",
        kind="mean",
        direction="higher",
        unit="stars",
        # delivered orders whose first review (with a product rating) is known by the day
        population=Count("orders", "delivered_time", known=("paid_at", "delivered_time", "first_review_at")),
        value=pl.col("first_review_rating").cast(pl.Float64),
        hit_at=at_when(pl.col("first_review_negative"), "first_review_at"),  # a 1–2★ first review
        needs=("orders.delivered_at|orders.completed_at", "reviews"),
        uses=("paid_at", "delivered_at"),
        drill=("order_id", "delivered_time", "first_review_at", "first_review_rating"),
        by=("product", "week"),
        facets=(("product", pl.col("first_review_product")),),
        doc=Doc(
            "签收订单中首条评价的商品评分的平均值（每单只看首评）",
            "mean product rating of the first review of each delivered order (later reviews ignored)",
            "The product dimension's main metric in the 2026 model: what buyers say first.",
            "Fix the products behind 1–2★ first reviews; a later edit or second review does not count.",
        ),
    )
)

register(
    Metric(
        id="quality-return-rate-30d",
        zh="商品品质退货率",
        en="Quality return rate (30 days)",
        kind="rate",
        direction="lower",
        unit="ratio",
        population=DELIVERED_ORDERS,
        hit_at=at_when(pl.col("first_aftersale_group") == "quality", "first_aftersale_at"),
        needs=("orders.delivered_at|orders.completed_at", "after_sales.reason|after_sales.reason_tag"),
        uses=("paid_at", "delivered_at"),
        drill=("order_id", "delivered_time", "first_aftersale_at", "first_aftersale_reason"),
        by=("product", "reason", "week"),
        facets=(
            ("product", pl.col("first_aftersale_product")),
            ("reason", pl.col("first_aftersale_reason")),
        ),
        doc=Doc(
            "签收订单中首次售后为品质原因的订单数 / 签收订单数",
            "delivered orders whose first after-sale is of reason group quality / delivered orders",
            "Quality returns in the 2026 product dimension: only an order's first after-sale counts.",
            "Quality control before shipping, accurate descriptions and size charts.",
        ),
    )
)

register(
    Metric(
        id="pickup-score",
        zh="揽收时长平均得分",
        en="Pickup time score",
        kind="mean",
        direction="higher",
        unit="points",
        population=Count("orders", "pickup_time", ~pl.col("is_platform"), known=("paid_at", "pickup_time")),
        # hours from the pickup clock's start (night payments: 06:00) to pickup, never below
        # 0; the profile's unit_curve turns each order's hours into its step score
        value=hours_between("pickup_start", "pickup_time").clip(lower_bound=0),
        needs=("orders.picked_up_at|orders.shipped_at",),
        uses=("paid_at", "picked_up_at"),
        drill=("order_id", "paid_at", "pickup_start", "pickup_time", "carrier"),
        by=("carrier", "week"),
        facets=CARRIER,
        doc=Doc(
            "揽收订单每单揽收时长（支付后起算；18:00–06:00支付从06:00起算）的阶梯得分的平均值",
            "mean of each picked-up order's step score of its pickup hours (from payment; paid "
            "18:00–05:59 from 06:00)",
            "The 2026 logistics dimension scores every order's pickup, not an on-time share.",
            "Hand parcels over the same day; evening orders have until the next morning's clock.",
        ),
    )
)

register(
    Metric(
        id="waybill-on-time-rate",
        zh="运单配送时效达成率",
        en="Waybill on-time delivery rate",
        kind="rate",
        direction="higher",
        unit="ratio",
        # the platform's internal route time limits are in no export: no-data unless the
        # seller supplies the value from their backend page
        population=Count("waybill_limits", "delivered_at"),
        hit_at=pl.col("delivered_at"),
        needs=("waybill_limits",),
        doc=Doc(
            "按平台线路时效按时送达的运单比例（平台内部时效，导出数据无法计算）",
            "waybills delivered within the platform's route time limit / waybills (the limits "
            "are internal to the platform: supply the value from the backend page)",
            "The largest logistics weight in the 2026 model.",
            "Use carriers and routes that meet the platform's time limits; ship sooner.",
        ),
    )
)

register(
    Metric(
        id="logistics-return-rate-30d",
        zh="发货物流品退率",
        en="Logistics return rate (30 days)",
        kind="rate",
        direction="lower",
        unit="ratio",
        population=PAID_ORDERS,
        # the first after-sale is of group logistics and, where the export judges it,
        # merchant-responsible
        hit_at=at_when(
            (pl.col("first_aftersale_group") == "logistics")
            & pl.col("first_aftersale_merchant").fill_null(True),
            "first_aftersale_at",
        ),
        needs=("orders", "after_sales.reason|after_sales.reason_tag"),
        uses=("paid_at",),
        drill=("order_id", "paid_at", "carrier", "first_aftersale_at", "first_aftersale_reason"),
        by=("carrier", "reason", "week"),
        facets=(
            *CARRIER,
            ("product", pl.col("first_aftersale_product")),
            ("reason", pl.col("first_aftersale_reason")),
        ),
        doc=Doc(
            "支付订单中首次售后为物流原因（且判定商责，如有）的订单数 / 支付订单数",
            "paid orders whose first after-sale is of reason group logistics (and merchant-"
            "responsible, where the export says) / paid orders",
            "Damaged and lost parcels in the 2026 logistics dimension.",
            "Better packaging and carriers; chase stuck parcels before buyers ask for refunds.",
        ),
    )
)

register(
    Metric(
        id="aftersale-review-hours",
        zh="售后平均审核时长",
        en="After-sale review time",
        kind="mean",
        direction="lower",
        unit="h",
        # refunded requests the merchant decided, not handled by the platform: return-and-
        # refund, and refund-only applied after the order shipped
        population=Count(
            "after_sales",
            "completed_at",
            pl.col("decided_at").is_not_null()
            & ~pl.col("platform_intervened")
            & (
                (pl.col("type") == "return_refund")
                | (
                    (pl.col("type") == "refund_only")
                    & (pl.col("applied_at") > pl.col("order_shipped_at")).fill_null(False)
                )
            ),
            known=("completed_at",),
        ),
        # from the review clock's start (applied 23:00–07:59: 08:00) to the decision, ≥ 0
        value=hours_between("review_start", "decided_at").clip(lower_bound=0),
        needs=("after_sales.decided_at", "after_sales.completed_at"),
        drill=(*AFTER_SALE_DRILL, "type", "review_start", "decided_at", "completed_at"),
        by=("reason", "product", "week"),
        facets=AFTER_SALE_FACETS,
        doc=Doc(
            "已退款售后（发货后仅退款、退货退款；平台介入的除外）从申请（23:00–08:00申请从08:00起算）到审核的平均小时数",
            "mean hours from application (applied 23:00–07:59: from 08:00) to the merchant's "
            "decision, over refunded return-and-refund and after-shipping refund-only requests "
            "not handled by the platform",
            "The 2026 service dimension rewards deciding after-sales quickly.",
            "Review requests as they arrive; automate approval of small refunds.",
        ),
    )
)

register(
    Metric(
        id="im-response-seconds",
        zh="飞鸽平均响应时长",
        en="IM mean response time",
        kind="mean",
        direction="lower",
        unit="s",
        population=HUMAN_IN_HOURS,
        # the first reply, uncapped; never answered: the profile's unanswered_seconds
        value=pl.col("reply_or_unanswered"),
        pending=("reply_at", "unanswered_value"),
        needs=("im_sessions.first_reply_seconds|im_sessions.first_reply_at|im_daily.avg_reply_seconds",),
        daily=Daily(value="avg_reply_seconds", weight=("sessions",)),
        always_approximate=True,  # the platform averages every turn; exports hold the first
        drill=("session_id", "started_at", "agent", "reply_seconds", "order_id"),
        by=("agent", "hour", "week"),
        facets=AGENT,
        doc=Doc(
            "08:00–23:00 人工会话首次响应的平均秒数（未回复计600秒；平台按每轮计，导出只有首次）",
            "mean first-reply seconds of human sessions started 08:00–22:59:59 (unanswered: "
            "600 s; the platform averages every turn, exports hold the first)",
            "The 2026 service dimension's response metric.",
            "Staff the busy hours, auto-assign chats, keep quick replies ready.",
        ),
    )
)

register(
    Metric(
        id="im-dissatisfaction-30d",
        zh="飞鸽会话不满意率",
        en="IM dissatisfaction rate (30 days)",
        kind="rate",
        direction="lower",
        unit="ratio",
        population=Count("im_sessions", "started_at", HUMAN_WORKING_HOURS & pl.col("rating").is_not_null()),
        hit_at=at_when(pl.col("dissatisfied"), "started_at"),
        needs=("im_sessions.rating|im_daily.dissatisfaction_rate|im_daily.dissatisfied",),
        daily=Daily(
            value="dissatisfaction_rate",
            weight=("rated", "sessions"),
            counts=("dissatisfied", "rated"),
        ),
        drill=("session_id", "started_at", "agent", "rating", "reply_seconds", "order_id"),
        by=("agent", "hour", "week"),
        facets=AGENT,
        doc=Doc(
            "08:00–23:00 人工会话中评价1–3星的会话数 / 有评价的此类会话数",
            "human sessions started 08:00–22:59:59 rated 1–3★ / such sessions with a rating",
            "Unhappy chats in the 2026 service dimension.",
            "Review the agents and topics behind 1–3★ chats; resolve before asking for ratings.",
        ),
    )
)

register(
    Metric(
        id="platform-help-rate",
        zh="平台求助率",
        en="Platform help rate",
        kind="rate",
        direction="lower",
        unit="ratio",
        # orders (orphans too) asking for help in the window — an after-sale applied, or a
        # human chat naming the order — each once; hits: the platform stepped in for the
        # order (handled an after-sale, or a complaint) by the day
        population=Count("help_requests", "asked_at", distinct="order_id"),
        hit_at=pl.col("platform_help_at"),
        needs=("after_sales|im_sessions.order_id",),
        optional=("after_sales", "im_sessions.order_id", "complaints"),
        drill=("order_id", "asked_at", "after_sale_id", "session_id", "platform_help_at"),
        by=("week",),
        doc=Doc(
            "求助订单（有售后申请或人工咨询）中平台介入（平台处理售后或投诉）的订单数 / 求助订单数",
            "orders asking for help (an after-sale, or a human chat naming the order) in which the "
            "platform stepped in (it handled an after-sale, or the buyer complained) / those orders",
            "Every case the platform has to settle counts against the 2026 service dimension.",
            "Settle after-sales and complaints with the buyer before they escalate to the platform.",
        ),
    )
)

# ---------------------------------------------------------------- SPEC §5 (tiktok)
#: non-FBT orders: the fulfilment metrics leave platform-fulfilled orders out (SPEC §0)
SELLER_FULFILLED = ~pl.col("is_platform")
#: a cancellation the shop answers for: by the seller, or by the system for a missed
#: dispatch or hand-over deadline (SPEC §5)
SELLER_FAULT_CANCEL = pl.col("cancel_by").is_in(["seller", "system"]).fill_null(False)

register(
    Metric(
        id="negative-review-rate",
        zh="差评率",
        en="Negative review rate",
        kind="rate",
        direction="lower",
        unit="ratio",
        population=DELIVERED_ORDERS,
        # the order's first review (later edits and reviews ignored) rated 1–2★
        hit_at=at_when(pl.col("first_review_negative"), "first_review_at"),
        needs=("orders.delivered_at|orders.completed_at", "reviews"),
        uses=("paid_at", "delivered_at"),
        drill=("order_id", "delivered_time", "first_review_at", "first_review_rating", "carrier"),
        by=("product", "week"),
        facets=(("product", pl.col("first_review_product")),),
        doc=Doc(
            "签收订单中首条商品评价为1–2星的订单数 / 签收订单数（之后的修改不计）",
            "delivered orders whose first product review is 1–2★ (later edits ignored) / delivered orders",
            "The product dimension of the Shop Performance Score: what buyers say first about an order.",
            "Fix the products behind 1–2★ first reviews; an edited or second review does not undo the first.",
        ),
    )
)

register(
    Metric(
        id="non-buyer-fault-return-rate",
        zh="非买家责任退货率",
        en="Non-buyer-fault return rate",
        kind="rate",
        direction="lower",
        unit="ratio",
        population=DELIVERED_ORDERS,
        # an after-sale of any type, platform-handled or not, for quality or logistics
        hit_at=pl.min_horizontal("quality_aftersale_at", "logistics_any_aftersale_at"),
        needs=("orders.delivered_at|orders.completed_at", "after_sales.reason|after_sales.reason_tag"),
        uses=("paid_at", "delivered_at"),
        drill=(
            "order_id",
            "delivered_time",
            "carrier",
            "quality_aftersale_at",
            "logistics_any_aftersale_at",
        ),
        by=("product", "reason", "carrier", "week"),
        facets=(
            *CARRIER,
            (
                "product",  # the product of the first of its quality and logistics after-sales
                pl.when(
                    pl.col("logistics_any_aftersale_at").is_null()
                    | (pl.col("quality_aftersale_at") <= pl.col("logistics_any_aftersale_at"))
                )
                .then(pl.col("quality_aftersale_product"))
                .otherwise(pl.col("logistics_any_aftersale_product")),
            ),
            (
                "reason",
                pl.when(
                    pl.col("logistics_any_aftersale_at").is_null()
                    | (pl.col("quality_aftersale_at") <= pl.col("logistics_any_aftersale_at"))
                )
                .then(pl.col("quality_aftersale_reason"))
                .otherwise(pl.col("logistics_any_aftersale_reason")),
            ),
        ),
        doc=Doc(
            "签收订单中有品质或物流原因售后（任意类型，含平台介入）的订单数 / 签收订单数",
            "delivered orders with an after-sale of any type (platform-handled too) for a quality or "
            "logistics reason / delivered orders (FBT orders included)",
            "Returns the buyer did not cause weigh on the product dimension.",
            "Quality control, accurate listings, sturdy packaging and carriers that deliver.",
        ),
    )
)

register(
    Metric(
        id="seller-fault-cancellation-rate",
        zh="卖家责任取消率",
        en="Seller-fault cancellation rate",
        kind="rate",
        direction="lower",
        unit="ratio",
        # paid orders placed in the window (created_at, else paid_at), FBT left out
        population=Count("orders", "order_time", SELLER_FULFILLED, known=("paid_at",)),
        # cancelled by the seller or the system, any reason; a cancellation without a time
        # is known from the order's placing
        hit_at=at_when(SELLER_FAULT_CANCEL, pl.coalesce("cancelled_at", "order_time")),
        needs=("orders.cancel_by",),
        uses=("paid_at",),
        drill=("order_id", "order_time", "status", "cancel_by", "cancelled_at", "cancel_reason"),
        by=("product", "reason", "week"),
        facets=(("reason", pl.col("cancel_reason")),),
        doc=Doc(
            "考核期内下单的支付订单中由卖家或系统取消的订单数 / 支付订单数（平台仓FBT订单除外）",
            "paid orders cancelled by the seller or the system (missed dispatch or hand-over) / paid "
            "orders, by order date; FBT orders left out",
            "Cancellations the shop causes count in the fulfilment dimension and are enforced apart.",
            "Keep stock counts true, dispatch within the deadline, and let buyers cancel instead.",
        ),
    )
)

register(
    Metric(
        id="on-time-delivery-rate",
        zh="准时送达率",
        en="On-time delivery rate",
        kind="rate",
        direction="higher",
        unit="ratio",
        # paid orders whose deliver-by date falls in the window: the export's, else the
        # profile's business-day rule (pre-orders without one left out); FBT and orders
        # cancelled before it left out
        population=Count(
            "orders",
            "deliver_deadline",
            SELLER_FULFILLED & ~pl.col("cancelled_before_delivery"),
            known=("paid_at",),
        ),
        hit_at=at_when(pl.col("delivered_at") <= pl.col("deliver_deadline"), "delivered_at"),
        needs=("orders.delivered_at",),
        uses=("paid_at", "deliver_by"),
        drill=("order_id", "paid_at", "deliver_deadline", "delivered_at", "carrier"),
        by=("carrier", "product", "week"),
        # a late parcel's record says by how many hours (null: not delivered at all)
        facets=(*CARRIER, ("hours_late", hours_between("deliver_deadline", "delivered_at"))),
        doc=Doc(
            "承诺送达日在考核期内的订单中按时签收的比例（无承诺送达时间：下单后第6个工作日结束，节假日除外）",
            "orders delivered by their deliver-by date / orders whose deliver-by date falls in the "
            "window (none exported: the end of the 6th business day after the order, holidays "
            "skipped); FBT and cancelled orders left out",
            "Late deliveries count in the fulfilment dimension; a weekly rate under 80% is enforced.",
            "Dispatch sooner, pick faster services, and check the carriers whose parcels arrive late.",
        ),
    )
)

register(
    Metric(
        id="inquiry-dissatisfaction",
        zh="咨询不满意率",
        en="Inquiry dissatisfaction rate",
        kind="rate",
        direction="lower",
        unit="ratio",
        # rated chats at any hour (bots left out); dissatisfied: at or below the profile's
        # dissatisfied_max_stars (TikTok: 1–2★; 3★ is neutral and stays in the denominator)
        population=Count("im_sessions", "started_at", pl.col("human") & pl.col("rating").is_not_null()),
        hit_at=at_when(pl.col("dissatisfied"), "started_at"),
        needs=("im_sessions.rating",),
        drill=("session_id", "started_at", "agent", "rating", "reply_seconds", "order_id"),
        by=("agent", "hour", "week"),
        facets=AGENT,
        doc=Doc(
            "评价1–2星的咨询会话数 / 有评价的会话数（全天；3星为中性，计入分母）",
            "chats rated 1–2★ / rated chats, any hour (3★ is neutral and stays in the denominator)",
            "Unhappy buyers in chat weigh on the service dimension.",
            "Review the agents and topics behind 1–2★ chats; answer fast and resolve before the rating.",
        ),
    )
)

register(
    Metric(
        id="after-sales-hours",
        zh="售后处理时长",
        en="After-sales handling time",
        kind="mean",
        direction="lower",
        unit="h",
        # requests the seller decided (not the platform), open or closed, by application date
        population=Count(
            "after_sales",
            "applied_at",
            pl.col("decided_at").is_not_null() & ~pl.col("platform_intervened"),
            known=("decided_at",),
        ),
        # approval hours, plus the inspection of returned goods once it is complete (known
        # from completed_at: until then the request counts its approval alone)
        value=pl.col("handling_hours"),
        pending=("completed_at", "approval_hours"),
        needs=("after_sales.decided_at",),
        drill=(*AFTER_SALE_DRILL, "type", "decided_at", "goods_received_at", "completed_at"),
        by=("reason", "product", "week"),
        facets=AFTER_SALE_FACETS,
        doc=Doc(
            "卖家处理（非平台介入）且已审核的售后：审核时长 + 退货验收时长（收货到完结）的平均小时数",
            "mean hours of approval (applied → decided) plus, for returned goods, inspection "
            "(received → completed), over requests the seller decided (not the platform)",
            "Slow approvals and inspections keep buyers waiting and weigh on the service dimension.",
            "Approve requests as they arrive and inspect returns the day they are received.",
        ),
    )
)

register(
    Metric(
        id="late-dispatch-rate",
        zh="延迟发货率",
        en="Late dispatch rate",
        kind="rate",
        direction="lower",
        unit="ratio",
        # non-FBT orders dispatched in the window; late: after ship_by (else paid_at +
        # pickup_deadline_hours, or the profile's business-day rule)
        population=Count("orders", "shipped_at", SELLER_FULFILLED, known=("paid_at",)),
        hit_at=at_when(pl.col("shipped_at") > pl.col("pickup_deadline"), "shipped_at"),
        needs=("orders.shipped_at",),
        uses=("paid_at",),
        drill=("order_id", "paid_at", "pickup_deadline", "shipped_at", "carrier"),
        by=("carrier", "week"),
        facets=(*CARRIER, ("hours_late", hours_between("pickup_deadline", "shipped_at"))),
        doc=Doc(
            "考核期内发货的订单中晚于承诺发货时间发货的比例（平台仓FBT订单除外）",
            "orders dispatched after their ship-by time / orders dispatched in the window; FBT left out",
            "The platform enforces late dispatch apart from the score.",
            "Dispatch within the ship-by time; hand parcels over the same day.",
        ),
    )
)

#: populations a profile's [eligibility] can name (SPEC §3 min_orders, §4b stages)
POPULATIONS: dict[str, Count] = {
    "delivered-orders": DELIVERED_ORDERS,
    "paid-orders": PAID_ORDERS,
}
