"""Probes exactly at the edges the SPEC draws: curve breakpoints and the points just inside
them, threshold and tag bounds (SPEC §6: a value AT a bound meets it; unrounded values compare
with a tolerance of 1e-9), the reason-group order (§1: quality before logistics), and what an
unscored shop shows (§3, §6). Every expected number is worked out by hand in the comments.

The data-level edges (a pickup at its deadline, an after-sale 14 × 24 h after shipping, the
(15,90) window's paid days, 已取消 without a cancel time, 签收时间 vs 订单完成时间) are
fixtures under tests/fixtures/metrics/ run by test_metric_cases.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest

from shopscore import api
from shopscore.engine.compute import MetricResult
from shopscore.engine.prepare import reason_group
from shopscore.engine.profiles import Tags, Threshold, load_profile
from shopscore.engine.scoring import DimensionResult, curve_score, tag, thresholds
from shopscore.engine.windows import Window

CASES = Path(__file__).parent / "fixtures" / "metrics"

# douyin negative-feedback-rate: lower is better
LOWER = {
    "kind": "linear",
    "points": [[0.01, 5], [0.02, 4.8], [0.035, 4.5], [0.06, 4], [0.10, 3], [0.20, 1]],
}
# douyin pickup-on-time-rate: higher is better
HIGHER = {
    "kind": "linear",
    "points": [[0.60, 1], [0.80, 3], [0.90, 4], [0.95, 4.5], [0.97, 4.8], [0.99, 5]],
}
# douyin delivery-hours: lower is better, in hours
HOURS = {"kind": "linear", "points": [[48, 5], [60, 4.8], [72, 4.5], [96, 4], [120, 3], [168, 1]]}


# ---------------------------------------------------------------- curves (SPEC §6)
# Probes at every breakpoint, 1 % of a segment's width inside each of its ends, and at points
# that are not a segment's midpoint (where swapping a segment's two ends cannot hide).
LOWER_PROBES = [
    # breakpoints
    (0.01, 5.0),
    (0.02, 4.8),
    (0.035, 4.5),
    (0.06, 4.0),
    (0.10, 3.0),
    (0.20, 1.0),
    # just inside each end: segment (x0, s0)-(x1, s1), δ = (x1 − x0) / 100 -> s0 ± (s1 − s0) / 100
    (0.0101, 4.998),  # 5 − 0.2/100
    (0.0199, 4.802),  # 4.8 + 0.2/100
    (0.02015, 4.797),  # 4.8 − 0.3/100
    (0.03485, 4.503),  # 4.5 + 0.3/100
    (0.03525, 4.495),  # 4.5 − 0.5/100
    (0.05975, 4.005),  # 4 + 0.5/100
    (0.0604, 3.99),  # 4 − 1/100
    (0.0996, 3.01),  # 3 + 1/100
    (0.101, 2.98),  # 3 − 2/100
    (0.199, 1.02),  # 1 + 2/100
    # off-midpoint
    (0.0125, 4.95),  # a quarter of 0.01→0.02: 5 − 0.2 × 0.25
    (0.0175, 4.85),  # three quarters: 5 − 0.2 × 0.75
    (0.026, 4.68),  # 0.006/0.015 = 0.4 of the way: 4.8 − 0.3 × 0.4
    (0.04, 4.4),  # 0.005/0.025 = 0.2: 4.5 − 0.5 × 0.2
    (0.07, 3.75),  # 0.01/0.04 = 0.25: 4 − 1 × 0.25
    (0.12, 2.6),  # 0.02/0.1 = 0.2: 3 − 2 × 0.2
    (0.18, 1.4),  # 0.08/0.1 = 0.8: 3 − 2 × 0.8
    # clamped outside
    (0.0, 5.0),
    (0.005, 5.0),
    (0.25, 1.0),
    (1.0, 1.0),
]

HIGHER_PROBES = [
    (0.60, 1.0),
    (0.80, 3.0),
    (0.90, 4.0),
    (0.95, 4.5),
    (0.97, 4.8),
    (0.99, 5.0),
    (0.602, 1.02),  # 1 + 2/100
    (0.798, 2.98),  # 3 − 2/100
    (0.801, 3.01),  # 3 + 1/100
    (0.899, 3.99),  # 4 − 1/100
    (0.9005, 4.005),  # 4 + 0.5/100
    (0.9495, 4.495),  # 4.5 − 0.5/100
    (0.9502, 4.503),  # 4.5 + 0.3/100
    (0.9698, 4.797),  # 4.8 − 0.3/100
    (0.9702, 4.802),  # 4.8 + 0.2/100
    (0.9898, 4.998),  # 5 − 0.2/100
    (0.65, 1.5),  # 0.05/0.2 = 0.25: 1 + 2 × 0.25
    (0.75, 2.5),  # 0.75 of 0.6→0.8: 1 + 2 × 0.75
    (0.82, 3.2),  # 0.2 of 0.8→0.9
    (0.93, 4.3),  # 0.6 of 0.9→0.95: 4 + 0.5 × 0.6
    (0.955, 4.575),  # 0.25 of 0.95→0.97: 4.5 + 0.3 × 0.25
    (0.985, 4.95),  # 0.75 of 0.97→0.99: 4.8 + 0.2 × 0.75
    (0.0, 1.0),
    (0.5, 1.0),
    (0.995, 5.0),
    (1.0, 5.0),
]

HOURS_PROBES = [
    (48.0, 5.0),
    (51.0, 4.95),  # 3/12 of 48→60: 5 − 0.2 × 0.25
    (66.0, 4.65),  # 6/12 … a midpoint, kept as a control: 4.8 − 0.3 × 0.5
    (78.0, 4.375),  # 6/24 of 72→96: 4.5 − 0.5 × 0.25
    (100.0, 3.8333333333333335),  # 4/24 of 96→120: 4 − 1/6
    (156.0, 1.5),  # 36/48 of 120→168: 3 − 2 × 0.75
    (24.0, 5.0),
    (0.0, 5.0),
    (168.0, 1.0),
    (500.0, 1.0),
]


@pytest.mark.parametrize(("value", "expected"), LOWER_PROBES)
def test_lower_is_better_curve(value: float, expected: float) -> None:
    assert curve_score(LOWER, value, "lower") == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(("value", "expected"), HIGHER_PROBES)
def test_higher_is_better_curve(value: float, expected: float) -> None:
    assert curve_score(HIGHER, value, "higher") == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(("value", "expected"), HOURS_PROBES)
def test_hours_curve(value: float, expected: float) -> None:
    assert curve_score(HOURS, value, "lower") == pytest.approx(expected, abs=1e-9)


def test_curve_points_in_any_order() -> None:
    """A user's profile may list a curve best first (as the SPEC's tables do for
    higher-is-better metrics): the same points in reverse order give the same scores."""
    for curve, probes, direction in ((LOWER, LOWER_PROBES, "lower"), (HIGHER, HIGHER_PROBES, "higher")):
        reversed_curve = {"kind": "linear", "points": list(reversed(curve["points"]))}
        for value, expected in probes:
            assert curve_score(reversed_curve, value, direction) == pytest.approx(expected, abs=1e-9)


def test_curve_breakpoints_within_tolerance() -> None:
    """Breakpoints compare unrounded values with a tolerance of 1e-9 (§6): 0.07 − 0.05 (float
    noise around 0.02) scores as 0.02 does, 4.8."""
    assert 0.07 - 0.05 != 0.02
    assert curve_score(LOWER, 0.07 - 0.05, "lower") == pytest.approx(4.8, abs=1e-9)
    assert curve_score(HIGHER, 0.99 - 1e-10, "higher") == pytest.approx(5.0, abs=1e-9)


# ---------------------------------------------------------------- thresholds (SPEC §6)
DOUYIN_BOUNDS = {
    "free-traffic": 4.8,
    "paid-traffic": 4.6,
    "presale-advised": 4.5,
    "alliance-entry": 4.3,
    "alliance-stay": 4.0,
    "shop-clearance": 3.2,
}


@pytest.mark.parametrize(("tid", "bound"), DOUYIN_BOUNDS.items())
def test_composite_exactly_at_a_bound_passes(tid: str, bound: float) -> None:
    ths = {t.id: t for t in thresholds(load_profile("douyin"), bound, [])}
    assert ths[tid].bound == bound
    assert ths[tid].passed is True
    assert ths[tid].distance == 0.0


@pytest.mark.parametrize(("tid", "bound"), DOUYIN_BOUNDS.items())
def test_threshold_tolerance_band(tid: str, bound: float) -> None:
    """1e-9 below the bound still meets it (the tolerance band's edge included); 1e-6 below
    fails, with distance −1e-6; anything above passes."""
    prof = load_profile("douyin")

    def passed(value: float) -> bool | None:
        return next(t for t in thresholds(prof, value, []) if t.id == tid).passed

    assert passed(bound - 5e-10) is True
    assert passed(bound - 1e-9) is True
    assert passed(bound - 1e-6) is False
    assert passed(bound + 1e-6) is True
    failed = next(t for t in thresholds(prof, bound - 1e-6, []) if t.id == tid)
    assert failed.distance == pytest.approx(-1e-6, abs=1e-12)


def test_dimension_threshold_at_its_bound() -> None:
    """A threshold on a dimension (§4b: product dimension ≥ 65 on a 100-point scale) compares
    the dimension's unrounded score the same way."""
    prof = SimpleNamespace(
        thresholds=[
            Threshold("alliance-product", 65, "product", "current", 1, "", ""),
            Threshold("score-70", 70, "composite", "current", 1, "", ""),
        ]
    )
    for product, want in ((65.0, True), (65.0 - 1e-9, True), (64.999, False)):
        dims = [DimensionResult("product", 0.425, product), DimensionResult("service", 0.575, None)]
        ths = {t.id: t for t in thresholds(prof, 70.0, dims)}  # type: ignore[arg-type]
        assert ths["alliance-product"].passed is want, product
        assert ths["alliance-product"].value == product
        assert ths["score-70"].passed is True  # composite exactly 70
    ths = {t.id: t for t in thresholds(prof, None, [DimensionResult("product", 1.0, None)])}  # type: ignore[arg-type]
    assert ths["alliance-product"].passed is None and ths["score-70"].passed is None


# ---------------------------------------------------------------- tags (SPEC §6)
def _metric(mid: str, score: float, points_lost: float, status: str = "scored") -> MetricResult:
    return MetricResult(
        mid,
        "product",
        "rate",
        "ratio",
        "lower",
        Window(0, 90, date(2026, 9, 30)),
        value=0.0,
        status=status,
        score=score,
        weight=0.1,
        points_lost=points_lost,
    )


def _tags(metrics: list[MetricResult], bounds: dict[str, float] | None = None) -> dict[str, str | None]:
    prof = load_profile("douyin") if bounds is None else SimpleNamespace(tags=Tags(**bounds))
    return {m.id: m.tag for m in tag(metrics, prof)}  # type: ignore[arg-type]


def test_tag_bounds_are_inclusive_where_the_spec_says_from() -> None:
    """douyin: min_points_lost 0.05, attention_below 4.0, good_from 4.8. The key opportunity
    is a metric losing far more (1.0) so the others are tagged by score alone."""
    tags = _tags(
        [
            _metric("key", 3.0, 1.0),
            _metric("at-good", 4.8, 0.01),  # exactly good_from -> good
            _metric("tol-good", 4.8 - 1e-9, 0.01),  # within the 1e-9 tolerance -> good
            _metric("below-good", 4.8 - 1e-6, 0.01),  # below -> no tag
            _metric("at-attention", 4.0, 0.01),  # exactly attention_below: not below it
            _metric("tol-attention", 4.0 - 1e-9, 0.01),  # within tolerance: not below
            _metric("below-attention", 4.0 - 1e-6, 0.01),  # below -> needs-attention
            _metric("between", 4.5, 0.01),
        ]
    )
    assert tags == {
        "key": "key-opportunity",
        "at-good": "good",
        "tol-good": "good",
        "below-good": None,
        "at-attention": None,
        "tol-attention": None,
        "below-attention": "needs-attention",
        "between": None,
    }


@pytest.mark.parametrize(
    ("lost", "want"),
    [
        (0.05, "key-opportunity"),  # exactly min_points_lost
        (0.05 - 1e-9, "key-opportunity"),  # within the tolerance
        (0.05 - 1e-6, None),  # below: no key opportunity; score 4.5 gives no other tag
    ],
)
def test_key_opportunity_at_min_points_lost(lost: float, want: str | None) -> None:
    tags = _tags([_metric("most", 4.5, lost), _metric("less", 4.9, lost / 2)])
    assert tags == {"most": want, "less": "good"}


def test_key_opportunity_precedes_the_score_tags() -> None:
    """One tag per metric, key-opportunity first: the metric losing most keeps it even when
    its score is below attention_below or from good_from."""
    assert _tags([_metric("a", 3.0, 0.6), _metric("b", 3.5, 0.2)]) == {
        "a": "key-opportunity",
        "b": "needs-attention",
    }
    assert _tags([_metric("a", 4.9, 0.06), _metric("b", 4.95, 0.03)]) == {
        "a": "key-opportunity",
        "b": "good",
    }


def test_tag_bounds_are_profile_data() -> None:
    """douyin-2026's bounds (§6: 1 / 70 / 90 on the 100-point scale), each probed at the bound."""
    bounds = {"min_points_lost": 1, "attention_below": 70, "good_from": 90}
    tags = _tags(
        [
            _metric("key", 80.0, 1.0),  # exactly 1 point lost, the most
            _metric("good", 90.0, 0.5),
            _metric("at-attention", 70.0, 0.5),
            _metric("attention", 69.0, 0.5),
        ],
        bounds,
    )
    assert tags == {
        "key": "key-opportunity",
        "good": "good",
        "at-attention": None,
        "attention": "needs-attention",
    }


# ---------------------------------------------------------------- reason groups (SPEC §1)
@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("商品破损/质量问题", "quality"),  # 破损 (logistics) and 质量 (quality)
        ("物流破损 质量差", "quality"),  # 物流, 破损 and 质量
        ("描述不符，包装破损", "quality"),  # 描述不符 and 包装, 破损
        ("快递丢件，少件", "quality"),  # 快递, 丢件 and 少件
        ("Damaged item, late delivery", "quality"),  # damaged item and late, delivery
        ("Package lost in transit", "logistics"),
        ("快递破损", "logistics"),
        ("物流太慢 不想要了", "logistics"),  # logistics before buyer
        ("不想要了", "buyer"),
        ("Changed my mind", "buyer"),
        ("价格变动", "other"),
        (None, None),
    ],
)
def test_reason_group_quality_first(text: str | None, group: str | None) -> None:
    groups = load_profile("douyin").rules.reason_groups
    out = pl.DataFrame({"t": [text]}, schema={"t": pl.String}).select(reason_group(pl.col("t"), groups))
    assert out.item() == group


def test_shipped_profiles_try_quality_then_logistics_then_buyer() -> None:
    for profile in ("douyin", "douyin-2023"):
        assert load_profile(profile).rules.reason_groups.order == ("quality", "logistics", "buyer")


# ---------------------------------------------------------------- unscored shops (SPEC §3, §6)
def test_shop_below_min_orders_has_no_score_in_json() -> None:
    """29 delivered orders < min_orders 30, although pickup-on-time-rate (35/35) and
    delivery-hours (29 × 72 h) meet their own minimum samples (fixture
    shop_below_min_scored_metrics): no score, no dimension score, no threshold verdict or
    distance, no tag — in the library result and in the JSON contract (§7)."""
    (shop,) = api.load(CASES / "shop_below_min_scored_metrics")
    result = api.score(shop, "douyin", date(2026, 9, 30))
    assert result.eligibility["count"] == 29
    assert result.status == "insufficient-data" and result.score is None
    payload = result.to_json()
    assert payload["status"] == "insufficient-data"
    assert payload["score"] is None
    assert [d["score"] for d in payload["dimensions"]] == [None, None, None]
    assert [(t["id"], t["passed"], t["distance"]) for t in payload["thresholds"]] == [
        (tid, None, None) for tid in DOUYIN_BOUNDS
    ]
    assert [m["id"] for m in payload["metrics"] if m["tag"] is not None] == []
    pickup = next(m for m in payload["metrics"] if m["id"] == "pickup-on-time-rate")
    assert (pickup["numerator"], pickup["denominator"]) == (35, 35)
    # values and samples are given; no metric score or points lost poses as the shop's
    hours = next(m for m in payload["metrics"] if m["id"] == "delivery-hours")
    assert (pickup["value"], hours["value"], hours["count"]) == (1.0, 72.0, 29)
    assert [(m["score"], m["points_lost"]) for m in payload["metrics"]] == [(None, None)] * 12


def test_the_same_shop_scores_once_min_orders_is_met(tmp_path: Path) -> None:
    """The unscored state comes from min_orders alone: with a user profile whose min_orders is
    29, the same shop is scored. Only the logistics dimension has scored metrics:
    (0.4 × 5 + 0.3 × 4.5) / 0.7 = 3.35 / 0.7 = 4.785714…; delivery-hours loses
    (0.3 / 0.7) × (5 − 4.5) = 0.214… >= 0.05 -> key-opportunity; pickup scores 5 -> good."""
    mine = tmp_path / "min29.toml"
    mine.write_text('extends = "douyin"\nid = "min29"\n[eligibility]\nmin_orders = 29\n', "utf-8")
    (shop,) = api.load(CASES / "shop_below_min_scored_metrics")
    result = api.score(shop, str(mine), date(2026, 9, 30))
    assert result.status == "scored"
    assert result.score == pytest.approx(3.35 / 0.7, abs=1e-9)
    assert {m.id: m.tag for m in result.metrics if m.tag} == {
        "delivery-hours": "key-opportunity",
        "pickup-on-time-rate": "good",
    }
