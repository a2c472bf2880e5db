"""The engine takes another rule version as data: a 100-point profile with step scores and a
growth stage (the shape of SPEC §4b) scores through the same code as the 5-point one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from shopscore import api

PROFILE = """
extends = "_base"
id = "hundred"

[scale]
min = 50
max = 100
decimals = 1

[eligibility]
population = "paid-orders"
window = [0, 30]
min_orders = 3
status = "growth-stage"
score = 70

[tags]
min_points_lost = 1
attention_below = 70
good_from = 90

[dimensions.logistics]
weight = 20
[dimensions.service]
weight = 37.5

[metrics.pickup-on-time-rate]
dimension = "logistics"
weight = 1
window = [0, 30]
min_sample = 1
curve = { kind = "steps", points = [[0.98, 100], [0.95, 90], [0.80, 70]], floor = 50 }

[metrics.delivery-hours]
dimension = "logistics"
weight = 0
window = [0, 30]
min_sample = 1
curve = { kind = "steps", points = [[48, 100], [72, 80]], floor = 50 }

[metrics.complaint-rate]
dimension = "service"
weight = 1
window = [0, 30]
min_sample = 1
curve = { kind = "steps", points = [[0.001, 100], [0.5, 60]], floor = 50 }
"""


def _shop(tmp_path: Path, n: int) -> api.ShopData:
    rows = ["主订单编号,支付完成时间,揽收时间,签收时间"]
    for i in range(n):
        late = "2026-09-05 10:00:00" if i == 0 else "2026-09-01 20:00:00"  # one pickup after 48 h
        rows.append(f"{i + 1},2026-09-01 10:00:00,{late},2026-09-06 10:00:00")
    (tmp_path / "orders.csv").write_text("\n".join(rows) + "\n", "utf-8")
    (tmp_path / "complaints.csv").write_text(
        "投诉单号,订单编号,投诉时间,投诉类型\nC1,1,2026-09-10 10:00:00,质量问题\n", "utf-8"
    )
    (shop,) = api.load(tmp_path)
    return shop


@pytest.fixture
def profile(tmp_path: Path) -> api.Profile:
    p = tmp_path / "hundred.toml"
    p.write_text(PROFILE, "utf-8")
    return api.load_profile(str(p))


def test_growth_stage_below_min_paid_orders(tmp_path: Path, profile: api.Profile) -> None:
    (tmp_path / "shop").mkdir()
    r = api.score(_shop(tmp_path / "shop", 2), profile, date(2026, 9, 30))
    assert (r.status, r.score) == ("growth-stage", 70)
    assert all(m.score is None and m.points_lost is None and m.tag is None for m in r.metrics)
    assert r.metric("pickup-on-time-rate").value == pytest.approx(0.5)  # still computed


def test_steps_on_a_100_point_scale(tmp_path: Path, profile: api.Profile) -> None:
    """4 paid orders: pickup 3/4 = 0.75 → below 0.80 → floor 50; complaints 1/4 = 0.25 →
    ≤ 0.5 → 60. Dimensions 20 : 37.5 → 0.347826… : 0.652173…; composite =
    0.347826·50 + 0.652173·60 = 56.5217…; points lost 0.347826·50 + 0.652173·40 = 43.478…
    = 100 − composite. delivery-hours has weight 0: diagnostic."""
    (tmp_path / "shop").mkdir()
    r = api.score(_shop(tmp_path / "shop", 4), profile, date(2026, 9, 30))
    assert r.status == "scored"
    assert r.metric("pickup-on-time-rate").score == 50
    assert r.metric("complaint-rate").score == 60
    assert r.metric("delivery-hours").status == "diagnostic"
    w = 20 / 57.5
    assert r.score == pytest.approx(w * 50 + (1 - w) * 60)
    assert sum(m.points_lost or 0 for m in r.metrics) == pytest.approx(100 - (r.score or 0))
    assert r.metric("complaint-rate").tag == "key-opportunity"  # 0.652·40 = 26.1 points lost
    assert r.metric("pickup-on-time-rate").tag == "needs-attention"  # 0.348·50 = 17.4; 50 < 70


def test_target_and_whatif_on_step_curves(tmp_path: Path, profile: api.Profile) -> None:
    """Same shop (pickup 3/4 → 50, complaints 1/4 → 60; weights w = 20/57.5 and 1 − w).
    Target 70 alone: pickup needs w·s + (1−w)·60 ≥ 70 → s ≥ 88.75 → the 90 step, whose bound
    is 0.95 (4 of 4 picked up on time: one late pickup fewer); complaints need
    (70 − w·50)/(1 − w) = 80.67 → the 100 step, bound 0.001 (no complaint: one fewer).
    Each, applied with whatif, reaches 70; the step just below does not."""
    (tmp_path / "shop").mkdir()
    shop = _shop(tmp_path / "shop", 4)
    t = api.target(shop, 70, profile, date(2026, 9, 30))
    need = {n.id: n for n in t.needs}
    assert (need["pickup-on-time-rate"].needed, need["pickup-on-time-rate"].events) == (0.95, -1)
    assert (need["complaint-rate"].needed, need["complaint-rate"].events) == (0.001, -1)
    assert need["delivery-hours"].reason == "diagnostic"
    for mid, below in (("pickup-on-time-rate", 0.949999), ("complaint-rate", 0.0011)):
        at = api.whatif(shop, {mid: need[mid].needed}, profile, date(2026, 9, 30)).score
        assert at is not None and at >= 70 - 1e-9
        short = api.whatif(shop, {mid: below}, profile, date(2026, 9, 30)).score
        assert short is not None and short < 70
    for goal in (60, 80, 95, 100):
        t = api.target(shop, goal, profile, date(2026, 9, 30))
        for n in t.needs:
            if n.needed is not None:
                got = api.whatif(shop, {n.id: n.needed}, profile, date(2026, 9, 30)).score
                assert got is not None and got >= goal - 1e-9, (goal, n)
        assert t.combination is not None  # every metric at 100 gives 100
        got = api.whatif(shop, {n.id: n.needed for n in t.combination}, profile, date(2026, 9, 30)).score
        assert got is not None and got >= goal - 1e-9, goal
