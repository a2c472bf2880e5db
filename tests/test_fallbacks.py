"""Issue 5's fallbacks with hand-worked values: 飞鸽 daily data, package lists merged onto
orders, order exports without 支付完成时间 (created_at stands in, unpaid told apart)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from shopscore import api

AS_OF = date(2026, 9, 30)


def _write(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding)


def _orders(n: int, day: str = "2026-09-01") -> list[list[str]]:
    rows = [["主订单编号", "支付完成时间", "发货时间", "揽收时间", "签收时间"]]
    for i in range(n):
        rows.append(
            [str(1000 + i), f"{day} 10:00:00", f"{day} 12:00:00", f"{day} 13:00:00", "2026-09-03 10:00:00"]
        )
    return rows


def _score(folder: Path, profile: str = "douyin") -> api.ShopScore:
    (shop,) = api.load(folder)
    return api.score(shop, profile, AS_OF)


# ---------------------------------------------------------------- 飞鸽 daily data (im_daily)
DAILY_HEADER = [
    "日期",
    "客服昵称",
    "人工已接待会话量",
    "不满意率",
    "3分钟人工回复率 (会话)",
    "3分钟人工回复率",
]


def test_im_daily_rates_weighted_by_sessions_dash_rows_left_out(tmp_path: Path) -> None:
    """3-min reply: (10·0.9 + 30·0.8) / (10 + 30) = 33 / 40 = 0.825; the 07-03 row (D-89, in
    the window) has `-` and is left out of that rate; the 07-02 row (D-90) is out of the
    window; the 店铺汇总值 row is rejected. `3分钟人工回复率 (会话)` wins over
    `3分钟人工回复率` (whose values would give 0.5).
    Dissatisfaction (no 有效评价数 / 有效差评数): rate weighted by sessions (no `rated`
    column): (10·0.10 + 30·0.0 + 20·0.05) / 60 = 2 / 60 = 0.0333…"""
    _write(tmp_path / "orders.csv", _orders(3))
    _write(
        tmp_path / "daily.csv",
        [
            DAILY_HEADER,
            ["2026-09-01", "琳琳", "10", "10.00%", "90.00%", "50.00%"],
            ["2026-09-02", "大壮", "30", "0.00%", "80.00%", "50.00%"],
            ["2026-07-03", "大壮", "20", "5.00%", "-", "-"],
            ["2026-07-02", "琳琳", "50", "50.00%", "10.00%", "10.00%"],  # D-90: out
            ["店铺汇总值", "", "110", "", "", ""],
        ],
    )
    r = _score(tmp_path)
    reply = r.metric("im-3min-reply-rate")
    assert reply.value == pytest.approx(0.825)
    assert (reply.numerator, reply.denominator) == (pytest.approx(33.0), pytest.approx(40.0))
    assert reply.approximate and "im-daily" in reply.notes
    assert reply.status == "scored"  # weight sum 40 ≥ min sample 20
    dis = r.metric("im-dissatisfaction")
    assert dis.value == pytest.approx(2 / 60)
    assert dis.denominator == pytest.approx(60)
    assert dis.approximate


def test_im_daily_dissatisfaction_from_counts_when_present(tmp_path: Path) -> None:
    """With 有效评价数 and 有效差评数: Σ dissatisfied / Σ rated = (1 + 2) / (8 + 12) = 0.15."""
    _write(tmp_path / "orders.csv", _orders(3))
    _write(
        tmp_path / "daily.csv",
        [
            ["日期", "客服昵称", "人工已接待会话量", "有效评价数", "有效差评数", "不满意率"],
            ["2026-09-01", "琳琳", "40", "8", "1", "12.50%"],
            ["2026-09-02", "大壮", "50", "12", "2", "16.67%"],
        ],
    )
    dis = _score(tmp_path).metric("im-dissatisfaction")
    assert dis.value == pytest.approx(0.15)
    assert (dis.numerator, dis.denominator) == (3, 20)
    assert dis.approximate and dis.status == "scored"


def test_sessions_win_on_their_days_daily_fills_the_rest(tmp_path: Path) -> None:
    """Sessions cover 09-10 … 09-12 (2 human in-hours sessions, 1 answered within 180 s);
    the daily row of 09-11 is inside that span and ignored; 09-01's daily row adds
    10 sessions at 0.6: (1 + 6) / (2 + 10) = 7 / 12."""
    _write(tmp_path / "orders.csv", _orders(3))
    _write(
        tmp_path / "sessions.csv",
        [
            ["会话ID", "会话开始时间", "首次响应时长"],
            ["S1", "2026-09-10 10:00:00", "30"],
            ["S2", "2026-09-12 11:00:00", "400"],
        ],
    )
    _write(
        tmp_path / "daily.csv",
        [
            DAILY_HEADER,
            ["2026-09-01", "琳琳", "10", "0.00%", "60.00%", "60.00%"],
            ["2026-09-11", "琳琳", "100", "0.00%", "10.00%", "10.00%"],
        ],
    )
    reply = _score(tmp_path).metric("im-3min-reply-rate")
    assert reply.value == pytest.approx(7 / 12)
    assert reply.denominator == pytest.approx(12)
    assert reply.approximate


def test_undated_daily_file_is_the_exported_period(tmp_path: Path) -> None:
    _write(tmp_path / "orders.csv", _orders(3))
    _write(
        tmp_path / "daily.csv",
        [
            ["客服昵称", "人工已接待会话量", "3分钟人工回复率 (会话)"],
            ["琳琳", "30", "70%"],
            ["大壮", "10", "90%"],
        ],
    )
    reply = _score(tmp_path).metric("im-3min-reply-rate")
    assert reply.value == pytest.approx((30 * 0.7 + 10 * 0.9) / 40)
    assert "im-daily-undated" in reply.notes


# ---------------------------------------------------------------- package lists (shipments)
def test_package_list_wins_over_orders_file(tmp_path: Path) -> None:
    """Order 1: packages picked 09-01 15:00 and 09-01 13:00 → 13:00 (earliest); delivered
    09-03 and 09-04 → 09-04 (latest, every package delivered). Order 2: one of its two packages
    has no delivery → not delivered, although the orders file says 09-02. Order 3: no package →
    keeps its own values. delivery-hours = mean(09-01 10:00→09-04 10:00 = 72 h,
    order 3: 09-01 10:00→09-03 10:00 = 48 h) = 60 h; pickup uses 揽收时间 (no proxy)."""
    _write(
        tmp_path / "orders.csv",
        [
            ["主订单编号", "支付完成时间", "发货时间", "签收时间"],
            ["1", "2026-09-01 10:00:00", "2026-09-01 11:00:00", "2026-09-02 10:00:00"],
            ["2", "2026-09-01 10:00:00", "2026-09-01 11:00:00", "2026-09-02 10:00:00"],
            ["3", "2026-09-01 10:00:00", "2026-09-01 11:00:00", "2026-09-03 10:00:00"],
        ],
    )
    _write(
        tmp_path / "packages.csv",
        [
            ["订单号", "运单号", "快递公司", "揽收时间", "签收时间"],
            ["1", "YT0000000001", "圆通速递", "2026-09-01 15:00:00", "2026-09-03 10:00:00"],
            ["1", "SF0000000002", "顺丰速运", "2026-09-01 13:00:00", "2026-09-04 10:00:00"],
            ["2", "ZT0000000003", "中通快递", "2026-09-01 14:00:00", "2026-09-02 09:00:00"],
            ["2", "ZT0000000004", "中通快递", "2026-09-01 14:00:00", "-"],
        ],
    )
    (shop,) = api.load(tmp_path)
    orders = {r["order_id"]: r for r in shop.frames["orders"].iter_rows(named=True)}
    assert orders["1"]["picked_up_at"] == datetime(2026, 9, 1, 13)
    assert orders["1"]["delivered_at"] == datetime(2026, 9, 4, 10)
    assert orders["1"]["carrier"] == "顺丰速运"  # the first-picked package
    assert orders["2"]["delivered_at"] is None
    assert orders["3"]["delivered_at"] == datetime(2026, 9, 3, 10)
    r = api.score(shop, "douyin", AS_OF)
    hours = r.metric("delivery-hours")
    assert (hours.count, hours.value) == (2, pytest.approx(60.0))
    assert r.metric("pickup-on-time-rate").proxy is None


def test_no_pickup_time_anywhere_uses_ship_time_with_proxy(tmp_path: Path) -> None:
    _write(
        tmp_path / "orders.csv",
        [
            ["主订单编号", "支付完成时间", "发货时间"],
            ["1", "2026-09-01 10:00:00", "2026-09-02 09:00:00"],  # 23 h: on time
            ["2", "2026-09-01 10:00:00", "2026-09-04 09:00:00"],  # 71 h: late
        ],
    )
    r = _score(tmp_path)
    pickup = r.metric("pickup-on-time-rate")
    assert (pickup.numerator, pickup.denominator, pickup.proxy) == (1, 2, "shipped_at")
    assert r.metric("delivery-hours").status == "no-data"
    assert r.metric("delivery-hours").missing == ("orders.delivered_at",)


# ---------------------------------------------------------------- no 支付完成时间 column
def test_created_at_stands_in_for_paid_at_unpaid_told_apart(tmp_path: Path) -> None:
    """No 支付完成时间 anywhere: 订单提交时间 stands in (proxy created_at) except for orders
    whose status says 待支付 or whose cancel reason says 未支付. Paid orders: 1, 2, 4 (4 is
    closed after payment) → quality-return-rate denominator 3; unpaid 3 and 5 count nowhere."""
    _write(
        tmp_path / "orders.csv",
        [
            ["主订单编号", "订单提交时间", "订单状态", "取消原因"],
            ["1", "2026-09-01 10:00:00", "已完成", "-"],
            ["2", "2026-09-02 10:00:00", "已发货", "-"],
            ["3", "2026-09-03 10:00:00", "待支付", "-"],
            ["4", "2026-09-04 10:00:00", "已关闭", "买家取消"],
            ["5", "2026-09-05 10:00:00", "已关闭", "超时未支付"],
        ],
    )
    _write(
        tmp_path / "after_sales.csv",
        [
            ["售后单号", "订单号", "售后类型", "售后原因", "售后申请时间"],
            ["A1", "1", "仅退款", "质量问题", "2026-09-05 10:00:00"],
        ],
    )
    r = _score(tmp_path)
    q = r.metric("quality-return-rate")
    assert (q.numerator, q.denominator, q.proxy) == (1, 3, "created_at")
    (shop,) = api.load(tmp_path)
    assert shop.report.files[1].rows_kept == 5  # unpaid orders are kept and counted


# ---------------------------------------------------------------- a metric without its inputs
def test_pickup_without_any_pickup_or_ship_time_is_no_data(tmp_path: Path) -> None:
    _write(tmp_path / "orders.csv", [["主订单编号", "支付完成时间"], ["1", "2026-09-01 10:00:00"]])
    pickup = _score(tmp_path).metric("pickup-on-time-rate")
    assert (pickup.status, pickup.value, pickup.missing) == (
        "no-data",
        None,
        ("orders.picked_up_at|orders.shipped_at",),
    )


def test_im_metrics_without_reply_or_rating_columns_are_no_data(tmp_path: Path) -> None:
    _write(tmp_path / "orders.csv", _orders(1))
    _write(tmp_path / "sessions.csv", [["会话ID", "会话开始时间"], ["S1", "2026-09-10 10:00:00"]])
    r = _score(tmp_path)
    assert r.metric("im-3min-reply-rate").status == "no-data"
    assert r.metric("im-dissatisfaction").status == "no-data"


def test_undated_daily_rows_count_beside_dated_ones_without_sessions(tmp_path: Path) -> None:
    """A dated daily file (20 sessions at 50 %) and an undated one (100 at 100 %):
    (10 + 100) / 120."""
    _write(tmp_path / "orders.csv", _orders(1))
    _write(tmp_path / "daily.csv", [DAILY_HEADER, ["2026-09-01", "琳琳", "20", "0%", "50%", "50%"]])
    _write(
        tmp_path / "undated.csv",
        [["客服昵称", "人工已接待会话量", "3分钟人工回复率 (会话)"], ["大壮", "100", "100%"]],
    )
    reply = _score(tmp_path).metric("im-3min-reply-rate")
    assert reply.value == pytest.approx(110 / 120)
    assert "im-daily-undated" in reply.notes


# ---------------------------------------------------------------- a past --as-of
def test_past_as_of_keeps_orders_cancelled_or_shipped_after_it_late(tmp_path: Path) -> None:
    """As of 09-10: order 1 (deadline 09-03, cancelled 09-20) and order 2 (deadline 09-03,
    shipped 09-12 then closed) were both late on 09-10; order 3 was picked up on time.
    Order 4 was cancelled 09-02, before its deadline: left out. 1 / 3."""
    _write(
        tmp_path / "orders.csv",
        [
            ["主订单编号", "支付完成时间", "承诺发货时间", "发货时间", "揽收时间", "取消时间", "订单状态"],
            ["1", "2026-09-01 10:00:00", "2026-09-03 10:00:00", "-", "-", "2026-09-20 10:00:00", "已关闭"],
            [
                "2",
                "2026-09-01 10:00:00",
                "2026-09-03 10:00:00",
                "2026-09-12 10:00:00",
                "2026-09-12 12:00:00",
                "-",
                "已关闭",
            ],
            [
                "3",
                "2026-09-01 10:00:00",
                "2026-09-03 10:00:00",
                "2026-09-02 10:00:00",
                "2026-09-02 12:00:00",
                "-",
                "已完成",
            ],
            ["4", "2026-09-01 10:00:00", "2026-09-03 10:00:00", "-", "-", "2026-09-02 10:00:00", "已关闭"],
        ],
    )
    (shop,) = api.load(tmp_path)
    pickup = api.score(shop, "douyin", date(2026, 9, 10)).metric("pickup-on-time-rate")
    assert (pickup.numerator, pickup.denominator) == (1, 3)


# ---------------------------------------------------------------- value rules
def test_merchant_responsible_and_empty_type_and_unknown_handler(tmp_path: Path) -> None:
    """纠纷责任方 naming the merchant with someone else is still the merchant's fault; an
    empty 售后类型 is a missing required value (rejected); an unknown 接待方式 is a problem."""
    _write(tmp_path / "orders.csv", _orders(2))
    _write(
        tmp_path / "after_sales.csv",
        [
            ["售后单号", "订单号", "售后类型", "售后申请时间", "纠纷责任方"],
            ["A1", "1000", "仅退款", "2026-09-05 10:00:00", "商家、物流"],
            ["A2", "1000", "仅退款", "2026-09-05 10:00:00", "非商家责任"],
            ["A3", "1001", "-", "2026-09-05 10:00:00", "商家"],
        ],
    )
    _write(
        tmp_path / "sessions.csv",
        [
            ["会话ID", "会话开始时间", "接待方式", "首次响应时长"],
            ["S1", "2026-09-10 10:00:00", "AI客服", "10"],
        ],
    )
    (shop,) = api.load(tmp_path)
    a = shop.frames["after_sales"].sort("after_sale_id")
    assert a["after_sale_id"].to_list() == ["A1", "A2"]
    assert a["merchant_responsible"].to_list() == [True, False]
    probs = shop.report.problems
    assert probs.filter(probs["kind"] == "rejected")["column"].to_list() == ["售后类型"]
    assert probs.filter(probs["column"] == "接待方式")["row"].to_list() == [2]


# ---------------------------------------------------------------- header-only files, secrets
def test_header_only_exports_are_read_and_score_as_insufficient(tmp_path: Path) -> None:
    """Files with a header and no rows (a day without after-sales, say) are recognised, read
    as 0 rows, and the shop has no score rather than an error."""
    _write(tmp_path / "orders.csv", [["主订单编号", "子订单编号", "支付完成时间", "订单状态"]])
    _write(tmp_path / "after_sales.csv", [["售后单号", "订单号", "售后类型", "售后申请时间"]])
    (shop,) = api.load(tmp_path)
    assert [(f.dataset, f.rows_read) for f in shop.report.files] == [("after_sales", 0), ("orders", 0)]
    r = api.score(shop, "douyin", AS_OF)
    assert r.status == "insufficient-data" and r.score is None


def test_encrypted_recipient_fields_are_never_printed() -> None:
    """The 抖店 export's ##…/$$… recipient cells appear in no output."""
    from typer.testing import CliRunner

    from shopscore.cli import app

    examples = Path(__file__).parent / "fixtures" / "export_examples"
    for args in (
        ["inspect", str(examples)],
        ["compute", str(examples)],
        ["compute", str(examples), "-f", "json"],
    ):
        res = CliRunner().invoke(app, args)
        assert res.exit_code == 0
        assert "密文" not in res.stdout and "##" not in res.stdout and "$$" not in res.stdout


def test_first_review_ties_go_to_the_smaller_id(tmp_path: Path) -> None:
    """SPEC §0: the first review is the earliest; ties go to the smaller review_id (9 < 10)."""
    from shopscore.engine.prepare import prepare

    _write(tmp_path / "orders.csv", _orders(1))
    _write(
        tmp_path / "reviews.csv",
        [
            ["评价ID", "订单ID", "评价时间", "商品评分"],
            ["10", "1000", "2026-09-05 10:00:00", "1"],
            ["9", "1000", "2026-09-05 10:00:00", "4"],
            ["8", "1000", "2026-09-06 10:00:00", "5"],
        ],
    )
    (shop,) = api.load(tmp_path)
    prep = prepare(shop, api.load_profile("douyin").rules)
    assert prep.frames["orders"]["first_review_rating"].to_list() == [4]
