"""One shape per dataset: sub-order lines merged into orders, packages merged onto their
orders, and every other dataset's order ids resolved to main order ids (SPEC §1)."""

from __future__ import annotations

import polars as pl

#: order fields merged over an order's lines by their earliest non-empty value
_EARLIEST = ("shipped_at", "picked_up_at")
#: per-line fields kept in ``order_lines``
LINE_COLUMNS = ("sub_order_id", "product_id", "product_name", "category")
#: datasets whose rows name an order
LINKED = ("reviews", "im_sessions", "after_sales", "complaints", "shipments")
#: order columns a package list can supply
PACKAGE_COLUMNS = ("shipped_at", "picked_up_at", "delivered_at", "carrier", "tracking_no")


def merge_order_lines(lines: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(orders: one row per main order, order_lines: one row per product line).

    ``lines`` is de-duplicated and sorted newest export first, rows in file order, so the
    first line of an order is the one from the newest export."""
    line_cols = ["order_id", *[c for c in LINE_COLUMNS if c in lines.columns]]
    order_lines = lines.select(line_cols)
    aggs = []
    for c in lines.columns:
        if c == "order_id" or c in LINE_COLUMNS:
            continue
        if c in _EARLIEST:
            aggs.append(pl.col(c).min())
        elif c == "excluded":
            aggs.append(pl.col(c).fill_null(False).any())
        else:
            aggs.append(pl.col(c).first())
    aggs.append(pl.len().alias("lines"))
    orders = lines.group_by("order_id", maintain_order=True).agg(aggs)
    return orders, order_lines


def id_map(orders: pl.DataFrame, order_lines: pl.DataFrame) -> pl.DataFrame:
    """Every id an order goes by (main id and sub-order ids) → its main order id."""
    own = orders.select(pl.col("order_id").alias("__ref"), pl.col("order_id").alias("__main"))
    parts = [own]
    if "sub_order_id" in order_lines.columns:
        parts.append(
            order_lines.filter(pl.col("sub_order_id").is_not_null()).select(
                pl.col("sub_order_id").alias("__ref"), pl.col("order_id").alias("__main")
            )
        )
    return pl.concat(parts).unique("__ref", keep="first")


def resolve_ids(frame: pl.DataFrame, ids: pl.DataFrame) -> pl.DataFrame:
    """Replace ``order_id`` by its main order id; ``orphan`` marks ids no order has.

    An after-sale also carries 商品单号 (sub_order_id): tried when its order_id is unknown."""
    if "order_id" not in frame.columns:
        return frame.with_columns(orphan=pl.lit(True))
    ref = frame.join(ids, left_on="order_id", right_on="__ref", how="left", maintain_order="left")
    if "sub_order_id" in frame.columns:
        by_sub = ids.rename({"__main": "__main_sub"})
        ref = (
            ref.join(by_sub, left_on="sub_order_id", right_on="__ref", how="left", maintain_order="left")
            .with_columns(pl.coalesce("__main", "__main_sub").alias("__main"))
            .drop("__main_sub")
        )
    return ref.with_columns(
        orphan=pl.col("__main").is_null() & pl.col("order_id").is_not_null(),
        order_id=pl.coalesce("__main", "order_id"),
    ).drop("__main")


def merge_shipments(orders: pl.DataFrame, shipments: pl.DataFrame) -> pl.DataFrame:
    """Packages win over the orders file: earliest shipped/picked-up, the latest delivery when
    every package has one, carrier and tracking of the first-picked package; a package
    column replaces the order's value only where one of its packages has a value."""
    pk = shipments.filter(~pl.col("orphan"))
    cols = [c for c in PACKAGE_COLUMNS if c in pk.columns]
    if not cols or pk.height == 0:
        return orders
    order_by = [c for c in ("picked_up_at", "shipped_at") if c in pk.columns]
    if order_by:
        pk = pk.sort(order_by, nulls_last=True, maintain_order=True)
    aggs = []
    for c in cols:
        if c in _EARLIEST:
            aggs.append(pl.col(c).min().alias(f"__pkg_{c}"))
        elif c == "delivered_at":
            aggs.append(pl.when(pl.col(c).null_count() == 0).then(pl.col(c).max()).alias(f"__pkg_{c}"))
            aggs.append(pl.col(c).is_not_null().any().alias("__pkg_has_delivered"))
        else:  # carrier and tracking number of the first-picked package, together
            aggs.append(pl.col(c).first().alias(f"__pkg_{c}"))
    aggs.append(pl.len().alias("packages_listed"))
    per_order = pk.group_by("order_id").agg(aggs)
    out = orders.join(per_order, on="order_id", how="left", maintain_order="left")
    updates = []
    for c in cols:
        pkg = pl.col(f"__pkg_{c}")
        has = pl.col("__pkg_has_delivered") if c == "delivered_at" else pkg.is_not_null()
        current = pl.col(c) if c in orders.columns else pl.lit(None, dtype=shipments.schema[c])
        updates.append(pl.when(has.fill_null(False)).then(pkg).otherwise(current).alias(c))
    return out.with_columns(updates).drop([c for c in out.columns if c.startswith("__pkg_")])
