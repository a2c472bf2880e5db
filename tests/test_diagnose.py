"""`shopscore diagnose` (SPEC §7) on hand-worked exports: tests/fixtures/diagnose/<case>/,
whose README.md works every breakdown row, record and aging count out by hand.

Contract: `diagnose PATH --metric ID [--by DIM] [--top N] [--as-of D] --format json` prints
one object {schema_version, shop, profile, as_of, metric (the compute metric object),
breakdowns {DIM: [{key, label, events, bad, value, share}]}, records, aging {"7","14","30"},
recommendations [{text, evidence}]}. Rows: share desc, then events desc, then key.
"""

from __future__ import annotations

import functools
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shopscore.cli import app

CASES = Path(__file__).parent / "fixtures" / "diagnose"
AS_OF = "2026-09-30"
runner = CliRunner()

Row = tuple[Any, int, int, float, float | None]  # (key, events, bad, value, share)


@functools.cache
def _stdout(case: str, *args: str) -> str:
    res = runner.invoke(app, [*args[:1], str(CASES / case), *args[1:], "--as-of", AS_OF, "--format", "json"])
    assert res.exit_code == 0, (res.exit_code, res.stdout, res.stderr)
    return res.stdout


def diagnose(case: str, metric: str, *extra: str) -> dict[str, Any]:
    (payload,) = json.loads(_stdout(case, "diagnose", "--metric", metric, *extra))
    return payload


def compute_metric(case: str, metric: str) -> dict[str, Any]:
    (payload,) = json.loads(_stdout(case, "compute"))
    (found,) = [m for m in payload["metrics"] if m["id"] == metric]
    return found


def assert_rows(got: list[dict[str, Any]], want: list[Row]) -> None:
    """Every row, in order: key and counts exact, value and share to 1e-6 (JSON rounds)."""
    assert [r["key"] for r in got] == [w[0] for w in want]
    for r, (key, events, bad, value, share) in zip(got, want, strict=True):
        assert (r["events"], r["bad"]) == (events, bad), key
        assert r["value"] == pytest.approx(value, abs=1e-6), key
        if share is None:
            assert r["share"] is None, key
        else:
            assert r["share"] == pytest.approx(share, abs=1e-6), key
        if key is None:
            assert r["label"] is None


def one_dimension(case: str, metric: str, dim: str) -> list[dict[str, Any]]:
    payload = diagnose(case, metric, "--by", dim)
    assert list(payload["breakdowns"]) == [dim]  # --by keeps only that dimension
    return payload["breakdowns"][dim]


# ---------------------------------------------------------------- 1. im-dissatisfaction

IM = "im_agents_hours"
IM_METRIC = "im-dissatisfaction"


def test_im_envelope_and_metric_object_is_computes() -> None:
    payload = diagnose(IM, IM_METRIC)
    assert payload["schema_version"] == 1
    assert (payload["shop"], payload["profile"], payload["as_of"]) == (IM, "douyin", AS_OF)
    assert payload["metric"] == compute_metric(IM, IM_METRIC)
    # 14 rated human sessions in (0,90), 7 rated 1–3
    assert (payload["metric"]["numerator"], payload["metric"]["denominator"]) == (7, 14)
    assert payload["metric"]["value"] == pytest.approx(0.5, abs=1e-9)
    assert set(payload["breakdowns"]) == {"agent", "hour", "week"}


def test_im_by_agent_null_agent_is_its_own_group_and_bots_are_out() -> None:
    # 9216 (机器人, no agent, rating 2) would make the null group 4 / 3; 9206, 9210 unrated
    assert_rows(
        one_dimension(IM, IM_METRIC, "agent"),
        [
            ("琳琳", 5, 3, 0.6, 3 / 7),
            ("大壮", 4, 2, 0.5, 2 / 7),  # ties with null on share, more events
            (None, 3, 2, 2 / 3, 2 / 7),
            ("小美", 2, 0, 0.0, 0.0),  # 9217 (D-90, rating 1) is out of the window
        ],
    )


def test_im_by_hour_is_the_start_hour_as_an_integer() -> None:
    assert_rows(
        one_dimension(IM, IM_METRIC, "hour"),
        [
            (9, 3, 2, 2 / 3, 2 / 7),
            (23, 2, 2, 1.0, 2 / 7),  # 23:30 and 23:59:59 of D, any hour counts
            (10, 2, 1, 0.5, 1 / 7),
            (0, 1, 1, 1.0, 1 / 7),
            (16, 1, 1, 1.0, 1 / 7),
            (14, 3, 0, 0.0, 0.0),
            (8, 1, 0, 0.0, 0.0),  # integer keys: 8 before 21
            (21, 1, 0, 0.0, 0.0),
        ],
    )


def test_im_by_week_starts_on_monday() -> None:
    # 08-02 and 09-20 are Sundays: in the weeks of 07-27 and 09-14
    assert_rows(
        diagnose(IM, IM_METRIC)["breakdowns"]["week"],
        [
            ("2026-09-28", 3, 3, 1.0, 3 / 7),
            ("2026-07-06", 2, 2, 1.0, 2 / 7),
            ("2026-07-27", 2, 2, 1.0, 2 / 7),
            ("2026-09-14", 3, 0, 0.0, 0.0),
            ("2026-09-21", 3, 0, 0.0, 0.0),
            ("2026-09-07", 1, 0, 0.0, 0.0),
        ],
    )


def test_im_records_newest_first_top_3() -> None:
    # newest bad: 9213 (09-30 23:59:59), 9205 (09-29 23:30), 9202 (09-28 10:30); the bot
    # 9216 (09-30 20:00) and 9218 (10-01, after D) are not bad sessions of the metric
    records = diagnose(IM, IM_METRIC, "--top", "3")["records"]
    assert [(r["session_id"], r["file"], r["row"]) for r in records] == [
        ("9213", "im_sessions.csv", 14),
        ("9205", "im_sessions.csv", 6),
        ("9202", "im_sessions.csv", 3),
    ]
    assert [r.get("agent") for r in records] == [None, "琳琳", "琳琳"]


def test_im_aging_counts_bad_sessions_leaving_on_the_edge_days() -> None:
    # bad on 07-09 (leaves D+7), 07-10 (D+8), 08-01 (D+30), 08-02 (D+31)
    assert diagnose(IM, IM_METRIC)["aging"] == {"7": 1, "14": 2, "30": 3}


# ---------------------------------------------------------------- 2. pickup-on-time-rate

PICKUP = "pickup_carriers"
PICKUP_METRIC = "pickup-on-time-rate"


def test_pickup_metric_object_is_computes() -> None:
    payload = diagnose(PICKUP, PICKUP_METRIC)
    assert payload["metric"] == compute_metric(PICKUP, PICKUP_METRIC)
    assert (payload["metric"]["numerator"], payload["metric"]["denominator"]) == (6, 11)
    assert set(payload["breakdowns"]) == {"carrier", "week"}


def test_pickup_by_carrier_bad_is_the_late_orders() -> None:
    # higher is better: bad = events − on time, value = the on-time rate; 5 late in all.
    # The 云仓 order 5012 (中通, late) and the deadline-after-D 5014 (中通) are out;
    # the closed 5013 (no carrier) is out.
    assert_rows(
        one_dimension(PICKUP, PICKUP_METRIC, "carrier"),
        [
            ("中通快递", 5, 3, 0.4, 3 / 5),
            ("圆通速递", 3, 1, 2 / 3, 1 / 5),  # 5003 late by one second
            (None, 1, 1, 0.0, 1 / 5),
            ("顺丰速运", 2, 0, 1.0, 0.0),  # 5010 picked up exactly at its deadline
        ],
    )


def test_pickup_records_are_the_late_orders_by_deadline() -> None:
    records = diagnose(PICKUP, PICKUP_METRIC)["records"]  # default --top 20: all 5
    assert [(r["order_id"], r["file"], r["row"]) for r in records] == [
        ("5005", "orders.csv", 6),
        ("5004", "orders.csv", 5),
        ("5003", "orders.csv", 4),
        ("5002", "orders.csv", 3),
        ("5001", "orders.csv", 2),
    ]
    assert [r.get("carrier") for r in records] == [None, "中通快递", "圆通速递", "中通快递", "中通快递"]


def test_pickup_aging_is_deadline_day_plus_90() -> None:
    # late deadlines 07-09 (D+7), 07-10 (D+8), 08-01 (D+30), 08-02 (D+31), 09-22
    assert diagnose(PICKUP, PICKUP_METRIC)["aging"] == {"7": 1, "14": 2, "30": 3}


# ---------------------------------------------------------------- 3. quality-return-rate

QUALITY = "quality_products"
QUALITY_METRIC = "quality-return-rate"


def test_quality_metric_object_is_computes() -> None:
    payload = diagnose(QUALITY, QUALITY_METRIC)
    assert payload["metric"] == compute_metric(QUALITY, QUALITY_METRIC)
    assert (payload["metric"]["numerator"], payload["metric"]["denominator"]) == (6, 11)
    assert set(payload["breakdowns"]) == {"product", "week", "reason"}


def test_quality_by_product_counts_orders_under_every_product_and_bad_under_the_named_one() -> None:
    rows = one_dimension(QUALITY, QUALITY_METRIC, "product")
    assert_rows(
        rows,
        [
            ("101", 5, 2, 0.4, 1 / 3),  # 8001 not bad here (901 names 102); 8008's earliest names 101
            ("103", 4, 2, 0.5, 1 / 3),  # 8002 (after-sale without 商品ID), 8007
            ("102", 3, 2, 2 / 3, 1 / 3),  # 8006: two lines of 102, one order
            ("104", 2, 1, 0.5, 1 / 6),
        ],
    )
    assert [r["label"] for r in rows] == ["纯棉T恤", "羊毛围巾", "保温杯500ml", "冰丝阔腿裤"]


def test_quality_by_reason_puts_a_bad_order_under_its_earliest_quality_tag() -> None:
    rows = one_dimension(QUALITY, QUALITY_METRIC, "reason")
    bad = [r for r in rows if r["bad"]]
    # 售后原因标签 else 售后原因: 901's 杯盖漏水 is not a key; 906 / 912 fall back to 做工粗糙
    assert [(r["key"], r["bad"]) for r in bad] == [("质量问题", 3), ("做工粗糙", 2), ("商品与描述不符", 1)]
    assert [r["share"] for r in bad] == pytest.approx([1 / 2, 1 / 3, 1 / 6], abs=1e-6)
    assert rows[: len(bad)] == bad  # the rows with bad events lead
    assert sum(r["bad"] for r in rows) == 6  # 908 (尺码不符) and 907 made no order bad


def test_quality_records_are_the_bad_orders_newest_paid_first() -> None:
    records = diagnose(QUALITY, QUALITY_METRIC)["records"]
    assert [r["order_id"] for r in records] == ["8012", "8008", "8007", "8006", "8002", "8001"]
    for r in records:
        assert r["file"] in {"orders.csv", "after_sales.csv"} and isinstance(r["row"], int)


def test_quality_aging_is_paid_day_plus_90() -> None:
    # bad orders paid 07-09 (D+7), 07-10 (D+8), the rest in September
    assert diagnose(QUALITY, QUALITY_METRIC)["aging"] == {"7": 1, "14": 2, "30": 2}


# ---------------------------------------------------------------- 4. refund-only-hours

REFUND = "refund_reasons"
REFUND_METRIC = "refund-only-hours"


def test_refund_metric_object_is_computes() -> None:
    payload = diagnose(REFUND, REFUND_METRIC)
    assert payload["metric"] == compute_metric(REFUND, REFUND_METRIC)
    assert payload["metric"]["count"] == 10
    assert payload["metric"]["value"] == pytest.approx(5.251, abs=1e-6)
    assert set(payload["breakdowns"]) == {"reason", "product", "week"}


def test_refund_by_reason_bad_is_over_the_2h_bound() -> None:
    # 1401 exactly 2 h is not bad; 1405 2 h 36 s (2.01 h) is
    assert_rows(
        one_dimension(REFUND, REFUND_METRIC, "reason"),
        [
            ("质量问题", 4, 3, 31.51 / 4, 1 / 2),
            ("不想要了", 4, 2, 3.0, 1 / 3),
            (None, 1, 1, 8.0, 1 / 6),
            ("多拍", 1, 0, 1.0, 0.0),
        ],
    )


def test_refund_records_newest_completed_first() -> None:
    records = diagnose(REFUND, REFUND_METRIC)["records"]
    assert [(r["after_sale_id"], r["order_id"], r["file"], r["row"]) for r in records] == [
        ("1406", "14006", "after_sales.csv", 7),
        ("1405", "14005", "after_sales.csv", 6),
        ("1402", "14002", "after_sales.csv", 3),
        ("1404", "14004", "after_sales.csv", 5),
        ("1414", "14014", "after_sales.csv", 15),
        ("1412", "14012", "after_sales.csv", 13),
    ]


def test_refund_aging_is_completed_day_plus_90() -> None:
    # bad rows completed 07-03 (D+1), 07-10 (D+8), 08-01 (D+30)
    assert diagnose(REFUND, REFUND_METRIC)["aging"] == {"7": 1, "14": 2, "30": 3}


def test_share_is_null_when_the_metric_has_no_bad_event() -> None:
    # return-refund-hours: only 1409, 30 h, under the 48 h bound
    payload = diagnose(REFUND, "return-refund-hours", "--by", "reason")
    assert_rows(payload["breakdowns"]["reason"], [("不想要了", 1, 0, 30.0, None)])
    assert payload["records"] == []
    assert payload["aging"] == {"7": 0, "14": 0, "30": 0}


# ---------------------------------------------------------------- every case

ALL = [(IM, IM_METRIC), (PICKUP, PICKUP_METRIC), (QUALITY, QUALITY_METRIC), (REFUND, REFUND_METRIC)]

# dimensions under which each counted unit falls in exactly one group, and the metric's total
# bad events (hand-worked in each README)
PARTITIONS = {
    IM: (("agent", "hour", "week"), 14, 7),
    PICKUP: (("carrier", "week"), 11, 5),
    QUALITY: (("week",), 11, 6),
    REFUND: (("reason", "week"), 10, 6),
}


@pytest.mark.parametrize(("case", "metric"), ALL, ids=[c for c, _ in ALL])
def test_single_valued_dimensions_partition_the_events_and_the_bad(case: str, metric: str) -> None:
    dims, events, bad = PARTITIONS[case]
    breakdowns = diagnose(case, metric)["breakdowns"]
    for dim in dims:
        rows = breakdowns[dim]
        assert sum(r["events"] for r in rows) == events, dim
        assert sum(r["bad"] for r in rows) == bad, dim
        assert sum(r["share"] for r in rows) == pytest.approx(1.0, abs=1e-6), dim


@pytest.mark.parametrize(("case", "metric"), ALL, ids=[c for c, _ in ALL])
def test_rows_sorted_by_share_then_events_then_key(case: str, metric: str) -> None:
    for dim, rows in diagnose(case, metric)["breakdowns"].items():
        for a, b in itertools.pairwise(rows):
            ka, kb = (-(a["share"] or 0.0), -a["events"]), (-(b["share"] or 0.0), -b["events"])
            assert ka <= kb, (dim, a, b)
            if ka == kb and a["key"] is not None and b["key"] is not None:
                assert a["key"] < b["key"], (dim, a, b)


@pytest.mark.parametrize(("case", "metric"), ALL, ids=[c for c, _ in ALL])
def test_top_limits_the_records(case: str, metric: str) -> None:
    everything = diagnose(case, metric)["records"]
    assert diagnose(case, metric, "--top", "2")["records"] == everything[:2]


@pytest.mark.parametrize(("case", "metric"), ALL, ids=[c for c, _ in ALL])
def test_recommendations_have_text_and_evidence(case: str, metric: str) -> None:
    for rec in diagnose(case, metric)["recommendations"]:
        assert isinstance(rec["text"], str) and rec["text"]
        assert isinstance(rec["evidence"], dict)


BUYER_CELLS = {
    # 买家昵称 of im_sessions.csv
    IM: ["爱吃橘子的猫", "夜猫子阿强", "等不到回复", "周末去爬山", "七月初十", "机器人不懂我"],
    # 收件人 / 收件人手机号 / 收货地址 of orders.csv (5001, 5005)
    PICKUP: ["##7F3A91C2", "$$138****0001$$", "##A9E0D4B7", "##7F3A91C6", "$$138****0005$$", "##A9E0D4BB"],
}


@pytest.mark.parametrize("case", sorted(BUYER_CELLS))
def test_no_buyer_personal_data_in_the_output(case: str) -> None:
    metric = dict(ALL)[case]
    out = _stdout(case, "diagnose", "--metric", metric)
    for cell in BUYER_CELLS[case]:
        assert cell not in out
    for r in json.loads(out)[0]["records"]:
        assert not {"buyer_id", "recipient", "phone", "address"} & set(r)
