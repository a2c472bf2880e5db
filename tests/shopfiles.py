"""Small 抖店-style export files written by tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path


def write_orders(
    path: Path, first: date, days: int, prefix: str = "10", per_day: int = 1, day0: int = 0
) -> list[str]:
    """``per_day`` orders a day for ``days`` days from ``first`` (ids ``prefix`` + day0+day + n):
    paid 10:00 (+1 min each), shipped after 10 h, picked up after 12 h, delivered after 50 h."""
    lines = ["主订单编号,支付完成时间,发货时间,揽收时间,签收时间,订单状态"]
    ids = []
    for d in range(days):
        for k in range(per_day):
            paid = datetime.combine(first + timedelta(days=d), datetime.min.time()) + timedelta(
                hours=10, minutes=k
            )
            oid = f"{prefix}{day0 + d:04d}{k:02d}"
            ids.append(oid)
            t = [paid + timedelta(hours=h) for h in (0, 10, 12, 50)]
            lines.append(",".join([oid, *(x.strftime("%Y-%m-%d %H:%M:%S") for x in t), "已完成"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return ids
