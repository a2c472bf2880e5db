"""Writes sample_exports/tiktok_us: a made-up TikTok Shop (US) shop's Seller Center exports.

Deterministic (one seeded ``random.Random``, standard library only): the same files every
run. Every order's life is simulated once — placed, paid, ready to ship (RTS), carrier scan,
delivery, completion, cancellation, returns, reviews, chats — and written the way Seller
Center's US exports look (SPEC §1): English headers, one row per SKU line (no line id), a
trailing tab after every id and datetime, month-first dates with a 12-hour clock
(``10/02/2026 1:05:09 PM``), recipient columns masked, English return reasons.

    python scripts/make_tiktok_sample.py            # rewrites sample_exports/tiktok_us

The order export is split in two overlapping downloads (as a seller pulls "last 60 days"
twice): the older one shows the orders as they stood on its day, so de-duplication keeps
the newer rows and counts conflicts. The export has no deliver-by column (as before TikTok's
May 2026 change): the profile's 6-business-day rule stands in, across Veterans Day and
Thanksgiving.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "sample_exports" / "tiktok_us"
SEED = 1407
ORDERS = 420
FIRST = datetime(2026, 8, 24)
LAST = datetime(2026, 11, 30, 23, 59, 59)  # the last day any event is written
OLDER_EXPORT = datetime(2026, 10, 15, 18, 0)  # the first download, as it stood then
TAB = "\t"
H = timedelta(hours=1)
DAY = timedelta(days=1)

# SKU id, name, category, price, quality factor (higher: more quality returns/bad reviews)
PRODUCTS = [
    ("1729384750011", "Ceramic Pour-Over Coffee Set", "Kitchen/Coffee", 34.99, 1.6),
    ("1729384750028", "Linen Tote Bag", "Womenswear/Bags", 19.99, 0.6),
    ("1729384750035", "Magnetic Phone Stand", "Phones/Accessories", 14.99, 0.9),
    ("1729384750042", "Bamboo Bath Towel Set", "Home/Bath", 29.99, 0.7),
    ("1729384750059", "LED Desk Lamp", "Home/Lighting", 39.99, 1.3),
    ("1729384750066", "Silicone Baking Mats (2 pcs)", "Kitchen/Bakeware", 12.99, 0.8),
]
CARRIERS = [("USPS", 0.45, 70), ("UPS", 0.3, 55), ("FedEx", 0.25, 60)]  # name, share, transit h
AGENTS = ["Maya", "Jordan", "Priya"]
QUALITY = ["Damaged item", "Item doesn't match description", "Defective", "Wrong item sent"]
LOGISTICS = ["Package lost in transit", "Item not received", "Late delivery"]
BUYER = ["No longer needed", "Changed my mind", "Ordered by mistake"]
REVIEW_TEXT = {
    5: ["Love it!", "Exactly as pictured", "Great quality, fast shipping", "Would buy again"],
    4: ["Pretty good", "Nice, shipping was a bit slow", "Good value"],
    3: ["It's okay", "Smaller than expected", "Does the job"],
    2: ["Not great", "Color is off", "Feels cheap"],
    1: ["Arrived broken", "Stopped working after two days", "Not as described"],
}
US_HOLIDAYS = {date(2026, 9, 7), date(2026, 10, 12), date(2026, 11, 11), date(2026, 11, 26)}


@dataclass
class Line:
    sku: int
    qty: int


@dataclass
class Return:
    rid: str
    sku: int
    kind: str
    reason: str
    requested: datetime
    approved: datetime | None = None
    received: datetime | None = None
    refunded: datetime | None = None
    platform: bool = False


@dataclass
class Order:
    oid: str
    lines: list[Line]
    created: datetime
    paid: datetime | None
    kind: str = "Normal"
    fbt: bool = False
    sample: bool = False
    ship_by: datetime | None = None
    rts: datetime | None = None
    shipped: datetime | None = None
    delivered: datetime | None = None
    completed: datetime | None = None
    cancelled: datetime | None = None
    cancel_by: str = ""
    cancel_reason: str = ""
    carrier: str = ""
    tracking: str = ""
    returns: list[Return] = field(default_factory=list)
    reviews: list[tuple[str, int, datetime, int]] = field(default_factory=list)  # id, sku, at, stars


def us(t: datetime | None) -> str:
    """Seller Center's US datetime: month-first, 12-hour, a trailing tab."""
    if t is None:
        return ""
    return f"{t:%m/%d/%Y} {t.hour % 12 or 12}:{t:%M:%S} {'AM' if t.hour < 12 else 'PM'}" + TAB


def us24(t: datetime) -> str:
    return f"{t:%m/%d/%Y %H:%M:%S}" + TAB


def business_day_after(t: datetime, n: int) -> datetime:
    d = t.date()
    while n:
        d += timedelta(days=1)
        if d.weekday() < 5 and d not in US_HOLIDAYS:
            n -= 1
    return datetime.combine(d, datetime.max.time()).replace(microsecond=0)


def at_hour(rng: random.Random, day: datetime) -> datetime:
    hour = rng.choices(
        range(24), weights=[1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 9, 9, 8, 5, 2]
    )[0]
    return day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))


def simulate(rng: random.Random) -> list[Order]:
    days = (LAST.date() - FIRST.date()).days + 1
    out = []
    for i in range(ORDERS):
        day = FIRST + timedelta(days=min(days - 1, int(days * (i + rng.random()) / ORDERS)))
        created = at_hour(rng, day)
        lines = [Line(rng.randrange(len(PRODUCTS)), rng.choice([1, 1, 1, 2]))]
        if rng.random() < 0.18:
            lines.append(Line((lines[0].sku + 1 + rng.randrange(len(PRODUCTS) - 1)) % len(PRODUCTS), 1))
        o = Order(f"57{70000000000000 + i * 7919:016d}", lines, created, None)
        out.append(o)
        if rng.random() < 0.02:  # never paid: auto-cancelled by the system
            o.cancelled, o.cancel_by, o.cancel_reason = created + 24 * H, "System", "Payment not completed"
            continue
        o.paid = created + timedelta(minutes=rng.randrange(1, 20))
        o.fbt = rng.random() < 0.07
        o.sample = rng.random() < 0.01
        if rng.random() < 0.03:
            o.kind = "Pre-order"
        o.ship_by = business_day_after(o.paid, 7 if o.kind == "Pre-order" else 2)
        u = rng.random()
        if u < 0.03:  # the buyer cancels before shipping
            o.cancelled = o.paid + rng.uniform(0.5, 20) * H
            o.cancel_by, o.cancel_reason = "Buyer", rng.choice(["No longer needed", "Ordered by mistake"])
            continue
        if u < 0.05 and not o.fbt:  # the seller cancels: out of stock
            o.cancelled = o.paid + rng.uniform(2, 40) * H
            o.cancel_by, o.cancel_reason = "Seller", "Out of stock"
            continue
        if u < 0.055 and not o.fbt:  # missed dispatch: the system cancels after the deadline
            o.cancelled, o.cancel_by, o.cancel_reason = o.ship_by + 26 * H, "System", "Late dispatch"
            continue
        late = not o.fbt and rng.random() < 0.065
        start = o.paid if o.kind == "Normal" else o.ship_by - 30 * H
        o.rts = (o.ship_by + rng.uniform(2, 40) * H) if late else start + rng.uniform(2, 40) * H
        if not late and o.rts > o.ship_by:
            o.rts = o.ship_by - rng.uniform(1, 6) * H
        name, _, transit = rng.choices(CARRIERS, weights=[c[1] for c in CARRIERS])[0]
        o.carrier = "TikTok Shipping" if o.fbt else name
        o.tracking = f"9400{rng.randrange(10**17, 10**18)}"
        o.shipped = o.rts + rng.uniform(2, 30) * H
        slow = rng.random() < 0.07
        o.delivered = (
            o.shipped + (transit * rng.uniform(0.6, 1.4) + (rng.uniform(60, 120) if slow else 0)) * H
        )
        if rng.random() < 0.006:
            o.delivered = None  # lost in transit
        for t in ("rts", "shipped", "delivered"):
            if getattr(o, t) is not None and getattr(o, t) > LAST:
                setattr(o, t, None)
        if o.delivered is None:
            continue
        o.completed = o.delivered + rng.uniform(3, 7) * DAY
        quality = max(PRODUCTS[ln.sku][4] for ln in o.lines)
        if rng.random() < 0.075:
            group = rng.choices(
                ["quality", "logistics", "buyer", "other"], weights=[3 * quality, 1.2, 3, 0.4]
            )[0]
            reason = {"quality": QUALITY, "logistics": LOGISTICS, "buyer": BUYER, "other": ["Other"]}[group]
            sku = rng.choice(o.lines).sku
            req = o.delivered + rng.uniform(4, 120) * H
            req = min(req, LAST)  # requested after delivery, by the last day
            kind = (
                "Refund only"
                if group in ("logistics", "other") or rng.random() < 0.3
                else "Return and refund"
            )
            r = Return(f"57{80000000000000 + i * 104729:016d}", sku, kind, rng.choice(reason), req)
            r.platform = rng.random() < 0.06
            r.approved = req + rng.choice([rng.uniform(0.5, 12), rng.uniform(12, 60)]) * H
            if kind == "Return and refund":
                r.received = r.approved + rng.uniform(3, 7) * DAY
                r.refunded = r.received + rng.uniform(2, 60) * H
            else:
                r.refunded = r.approved + rng.uniform(0, 2) * H
            for t in ("approved", "received", "refunded"):
                if getattr(r, t) is not None and getattr(r, t) > LAST:
                    setattr(r, t, None)
            if r.approved is None:
                r.received = r.refunded = None
            o.returns.append(r)
        if rng.random() < 0.28:
            stars = rng.choices([5, 4, 3, 2, 1], weights=[70, 14, 6, 4 * quality, 5 * quality])[0]
            at = o.delivered + rng.uniform(10, 200) * H
            sku = rng.choice(o.lines).sku
            if at <= LAST:
                o.reviews.append((f"{7300000 + i * 13}", sku, at, stars))
                if rng.random() < 0.1:  # an edit: the buyer changes the rating later
                    edit = at + rng.uniform(20, 200) * H
                    if edit <= LAST:
                        o.reviews.append((f"{7300000 + i * 13 + 1}", sku, edit, rng.choice([1, 3, 5])))
    for o in out:  # whole seconds, as the exports write them
        for obj in (o, *o.returns):
            for name, value in vars(obj).items():
                if isinstance(value, datetime):
                    setattr(obj, name, value.replace(microsecond=0))
        o.reviews = [(rid, sku, at.replace(microsecond=0), stars) for rid, sku, at, stars in o.reviews]
    return out


def status_at(o: Order, t: datetime) -> str:
    if o.cancelled is not None and o.cancelled <= t:
        return "Canceled"
    if o.paid is None or o.paid > t:
        return "Unpaid"
    if o.completed is not None and o.completed <= t:
        return "Completed"
    if o.delivered is not None and o.delivered <= t:
        return "Delivered"
    if o.shipped is not None and o.shipped <= t:
        return "In transit"
    if o.rts is not None and o.rts <= t:
        return "Awaiting collection"
    return "To ship"


ORDER_HEADER = [
    "Order ID", "Order Status", "Order Substatus", "Cancelation/Return Type", "Normal or Pre-order",
    "SKU ID", "Seller SKU", "Product Name", "Variation", "Quantity", "SKU Unit Original Price",
    "SKU Subtotal After Discount", "Order Amount", "Created Time", "Paid Time", "RTS Time",
    "Shipped Time", "Delivered Time", "Cancelled Time", "Cancel By", "Cancel Reason",
    "Fulfillment Type", "Warehouse Name", "Tracking ID", "Delivery Option", "Shipping Provider Name",
    "Buyer Message", "Buyer Username", "Recipient", "Phone #", "Zipcode", "Country", "State", "City",
    "Detail Address", "Payment Method", "Product Category", "Ship by", "Sample Order", "Checked Status",
]  # fmt: skip


def order_rows(o: Order, t: datetime, rng: random.Random) -> list[list[str]]:
    """The order's SKU lines as an export made at ``t`` shows them."""

    def seen(x: datetime | None) -> datetime | None:
        return x if x is not None and x <= t else None

    status = status_at(o, t)
    total = sum(PRODUCTS[ln.sku][3] * ln.qty for ln in o.lines)
    rows = []
    for ln in o.lines:
        sku, name, category, price, _ = PRODUCTS[ln.sku]
        rows.append(
            [
                o.oid + TAB,
                status,
                {"Canceled": "Canceled", "Completed": "Completed"}.get(status, status),
                "Cancel" if status == "Canceled" else ("Return/Refund" if seen_return(o, t) else ""),
                o.kind,
                sku + TAB,
                f"SS-{sku[-4:]}",
                name,
                "Default",
                str(ln.qty),
                f"{price:.2f}",
                f"{price * ln.qty:.2f}",
                f"{total:.2f}",
                us(o.created),
                us(seen(o.paid)),
                us(seen(o.rts)),
                us(seen(o.shipped)),
                us(seen(o.delivered)),
                us(seen(o.cancelled)),
                o.cancel_by if seen(o.cancelled) else "",
                o.cancel_reason if seen(o.cancelled) else "",
                "Fulfilled by TikTok" if o.fbt else "Fulfillment by seller",
                "TikTok Fulfillment Center NJ" if o.fbt else "Main Warehouse",
                (o.tracking + TAB) if seen(o.rts) else "",
                "Standard shipping",
                o.carrier if seen(o.rts) else "",
                "",
                f"user{int(o.oid[-6:]) % 99991}",
                f"{rng.choice('AJMRS')}***{rng.choice('aeny')} {rng.choice('BDKLT')}***",
                f"(+1)***-***-{rng.randrange(10, 99)}**",
                f"{rng.randrange(100, 999)}**",
                "United States",
                rng.choice(["California", "Texas", "New York", "Florida", "Illinois"]),
                "****",
                "*** ***** St",
                rng.choice(["Credit card", "PayPal", "Apple Pay"]),
                category,
                us(o.ship_by),
                "Yes" if o.sample else "No",
                "Checked" if status in ("Completed", "Delivered") else "Unchecked",
            ]
        )
    return rows


def seen_return(o: Order, t: datetime) -> bool:
    return any(r.requested <= t for r in o.returns)


def write(name: str, header: list[str], rows: list[list[str]]) -> None:
    with (OUT / name).open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)


def chats(rng: random.Random, orders: list[Order]) -> list[list[str]]:
    rows = []
    k = 0
    for o in orders:
        if rng.random() > 0.3:
            continue
        start = o.created + rng.uniform(0.5, 150) * H
        if start > LAST:
            continue
        k += 1
        rows.append(chat(rng, k, start, o.oid))
    for _ in range(60):  # questions before buying: no order
        k += 1
        day = FIRST + timedelta(days=rng.randrange((LAST.date() - FIRST.date()).days + 1))
        rows.append(chat(rng, k, at_hour(rng, day), None))
    rows.sort(key=lambda r: r[-1])
    return [r[:-1] for r in rows]


def chat(rng: random.Random, k: int, start: datetime, oid: str | None) -> list[str]:
    bot = rng.random() < 0.15
    agent = "Smart Assistant" if bot else rng.choice(AGENTS)
    rated = not bot and rng.random() < 0.45
    slow = agent == "Jordan" and rng.random() < 0.35
    stars = rng.choices([5, 4, 3, 2, 1], weights=[55, 20, 10, 10 if slow else 5, 12 if slow else 4])[0]
    reply = rng.randrange(200, 3600) if slow else rng.randrange(5, 240)
    return [
        f"7{300000000000 + k * 7877}" + TAB,
        us24(start),
        agent,
        "Bot" if bot else "Human",
        f"user{rng.randrange(99991)}",
        (oid + TAB) if oid else "",
        str(reply),
        str(stars) if rated else "",
        start.isoformat(),
    ]


def main() -> None:
    rng = random.Random(SEED)
    orders = simulate(rng)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.csv"):
        old.unlink()
    older = [
        r
        for o in orders
        if o.created <= OLDER_EXPORT and o.created >= FIRST
        for r in order_rows(o, OLDER_EXPORT, rng)
    ]
    newer = [r for o in orders if o.created >= datetime(2026, 10, 1) for r in order_rows(o, LAST, rng)]
    write("All orders 2026-08-24 to 2026-10-15.csv", ORDER_HEADER, older)
    write("All orders 2026-10-01 to 2026-11-30.csv", ORDER_HEADER, newer)
    returns = []
    for o in orders:
        for r in o.returns:
            sku, name = PRODUCTS[r.sku][0], PRODUCTS[r.sku][1]
            status = "Completed" if r.refunded else ("Approved" if r.approved else "Pending seller action")
            returns.append(
                [
                    r.rid + TAB, o.oid + TAB, sku + TAB, name, r.kind, r.reason, us(r.requested),
                    us(r.approved), us(r.received), us(r.refunded), status,
                    "Platform arbitration" if r.platform else "None",
                    f"{PRODUCTS[r.sku][3]:.2f}",
                ]
            )  # fmt: skip
    returns.sort(key=lambda row: row[6])
    write(
        "Return_refund_export.csv",
        ["Return Order ID", "Order ID", "SKU ID", "Product Name", "Return Type", "Return Reason",
         "Time Requested", "Approval Time", "Return Received Time", "Refund Time", "Return Status",
         "Dispute Status", "Refund Amount"],
        returns,
    )  # fmt: skip
    reviews = []
    for o in orders:
        for rid, sku, at, stars in o.reviews:
            text = rng.choice(REVIEW_TEXT[stars])
            reviews.append(
                [
                    rid + TAB,
                    o.oid + TAB,
                    PRODUCTS[sku][0] + TAB,
                    PRODUCTS[sku][1],
                    us24(at),
                    str(stars),
                    text,
                    at,
                ]
            )
    reviews.sort(key=lambda row: row[-1])
    write(
        "Product_reviews.csv",
        [
            "Review ID",
            "Order ID",
            "Product ID",
            "Product Name",
            "Review Time",
            "Product Rating",
            "Review Content",
        ],
        [r[:-1] for r in reviews],
    )
    write(
        "Customer_service_chats.csv",
        ["Conversation ID", "Start Time", "Agent", "Handled By", "Buyer", "Order ID", "First Response Time",
         "Satisfaction Rating"],
        chats(rng, orders),
    )  # fmt: skip


if __name__ == "__main__":
    main()
