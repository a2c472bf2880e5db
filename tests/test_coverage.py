"""Coverage (SPEC §3, §7): metric windows clipped to the first day their population data
covers, `coverage` per metric, `measured_weight` per shop, late datasets warned about."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopscore import api
from shopscore.cli import app
from tests.shopfiles import write_orders

AS_OF = date(2026, 11, 20)


def write_after_sales(path: Path, rows: list[tuple[str, str, str]]) -> None:
    """(after-sale id, order id, applied_at); each judged merchant-responsible."""
    lines = ["售后单号,订单号,售后类型,售后原因,售后申请时间,是否商责"]
    lines += [f"{a},{o},仅退款,不想要了,{t},是" for a, o, t in rows]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def test_orders_only_folder_says_on_how_much_weight_the_score_rests(tmp_path: Path) -> None:
    write_orders(tmp_path / "orders.csv", AS_OF - timedelta(days=59), 60)
    (shop,) = api.load(tmp_path)
    result = api.score(shop, "douyin", AS_OF)
    assert result.status == "scored"
    scored = {m.id for m in result.metrics if m.status == "scored"}
    assert scored == {"pickup-on-time-rate", "delivery-hours"}
    cov = result.coverage
    assert cov is not None
    # logistics 20 % of the composite × (pickup 0.4 + delivery 0.3) of the logistics weight
    assert cov.measured_weight == pytest.approx(0.2 * 0.7)
    assert (cov.scored, cov.weighted) == (2, 10)
    out = CliRunner().invoke(app, ["compute", str(tmp_path), "--as-of", "2026-11-20", "--lang", "en"])
    assert "rests on 2 of 10 weighted metrics (14% of the weight)" in out.stdout
    (payload,) = json.loads(
        CliRunner().invoke(app, ["compute", str(tmp_path), "--as-of", "2026-11-20", "-f", "json"]).stdout
    )
    assert payload["coverage"]["measured_weight"] == pytest.approx(0.14)
    assert payload["coverage"]["datasets"]["orders"] == {"first": "2026-09-22", "last": "2026-11-20"}


def test_a_short_orders_export_clips_the_window_of_metrics_over_orders(tmp_path: Path) -> None:
    """Orders cover the last 30 days (10-22 … 11-20); after-sales cover 90. 商责率 counts
    after-sales applied from the orders' first day on, over the orders of those days."""
    first = AS_OF - timedelta(days=29)
    ids = write_orders(tmp_path / "orders.csv", first, 30)
    write_after_sales(
        tmp_path / "after_sales.csv",
        [
            ("A1", ids[0], "2026-08-23 10:00:00"),  # the 90-day window's first day, before the orders
            ("A2", ids[0], "2026-10-21 23:59:59"),  # the last second before the orders' first day
            ("A3", ids[0], "2026-10-22 00:00:00"),  # the orders' first day: counts
            ("A4", ids[1], "2026-11-20 23:59:59"),  # the as-of day's last second: counts
        ],
    )
    (shop,) = api.load(tmp_path)
    result = api.score(shop, "douyin", AS_OF)
    m = result.metric("merchant-fault-rate")
    assert (m.numerator, m.denominator) == (2, 30)
    assert m.window.first_day == date(2026, 10, 22) and m.window.last_day == AS_OF
    assert m.coverage == pytest.approx(30 / 90)
    assert m.covered_by == "orders"
    # the logistics-return window (15, 90) ends 11-05: the orders cover 15 of its 90 days
    lr = result.metric("logistics-return-rate")
    assert lr.coverage == pytest.approx(15 / 90) and lr.window.first_day == date(2026, 10, 22)
    # after-sales metrics are placed by their own data, which starts 08-23: not clipped
    assert result.metric("refund-only-hours").coverage == 1.0
    js = result.to_json()
    assert next(x for x in js["metrics"] if x["id"] == "merchant-fault-rate")["coverage"] == pytest.approx(
        1 / 3
    )
    assert js["coverage"]["clipped"]["orders"]["first"] == "2026-10-22"


@pytest.mark.parametrize(("lag", "warned"), [(18, False), (19, True)])
def test_a_dataset_starting_a_fifth_of_the_window_after_the_orders_is_warned_about(
    tmp_path: Path, lag: int, warned: bool
) -> None:
    first = AS_OF - timedelta(days=89)
    ids = write_orders(tmp_path / "orders.csv", first, 90)
    start = first + timedelta(days=lag)
    write_after_sales(tmp_path / "after_sales.csv", [("A1", ids[lag], f"{start} 10:00:00")])
    (shop,) = api.load(tmp_path)
    cov = api.score(shop, "douyin", AS_OF).coverage
    assert cov is not None
    assert bool(cov.late) is warned  # longest window 90 days: a fifth is 18 days
    if warned:
        assert cov.late == [("after_sales", start, first)]
