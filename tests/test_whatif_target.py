"""`whatif` and `target` (SPEC §7): hand-worked cases on `shop_scored`, the round trip
between them on every shipped 5-point profile (tiktok's too), and their usage errors.

Contract under test (beside SPEC §7):
- `whatif PATH --set ID=VALUE…` prints the compute object with each set metric's value
  replaced (a rate as a fraction `0.012` or a percent `1.2%`), its score, the dimension
  scores, weights, points lost, thresholds, tags and the composite recomputed, and
  `"whatif": true` on the set metrics only. A set metric that was `insufficient` or
  `no-data` becomes `scored` (weight > 0) or `diagnostic` (weight 0).
- `target PATH --score S` prints shop, as_of, target, score (today's) and per metric
  {id, value, needed, events}, plus `combination`. `needed` is the curve inverted, rounded
  toward the better side (1e-6 for rates, 0.01 for hours, seconds, stars, points); null
  when the metric alone cannot lift the composite to S, or it is diagnostic or no-data;
  the value itself (events 0) when the composite already reaches S. `events` for a rate:
  lower-is-better floor(needed × den + 1e-9) − num, higher-is-better
  num − ceil(needed × den − 1e-9); null for means.
- Round trip: `whatif --set ID=<needed>` reaches S (≥ S − 1e-9); so does `combination`.

Numbers in the hand-worked cases are derived in the comments from the profile's curves
(shopscore/profiles/douyin.toml, SPEC §6) and the fixture's own derivation
(tests/fixtures/metrics/shop_scored/expected.toml).
"""

from __future__ import annotations

import json
import math
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shopscore.cli import app
from shopscore.engine.metrics import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
METRICS = ROOT / "tests" / "fixtures" / "metrics"
CASE = METRICS / "shop_scored"
AS_OF = "2026-09-30"  # shop_scored/expected.toml
runner = CliRunner()

# shop_scored today (douyin), from expected.toml and the douyin curves (SPEC §6):
#   negative-feedback-rate 4/30 on (0.10,3)-(0.20,1): 3 − 2 × (0.1333… − 0.10)/0.10 = 7/3
#   pickup-on-time-rate 27/30 = 0.90: breakpoint (0.90, 4) → 4
#   delivery-hours 51 h on (48,5)-(60,4.8): 5 − 0.2 × 3/12 = 4.95
#   logistics-return-rate 1/31 on (0.02,4)-(0.04,3): 4 − (1/31 − 0.02)/0.02 = 105/31
#   merchant-fault-rate 2/31 on (0.04,3)-(0.08,1): 3 − 2 × (2/31 − 0.04)/0.04 = 55/31
#   complaint-rate 2/31 ≥ 0.05 (the worst point) → clamped to 1
#   refund-only-hours (count 3 < 5), return-refund-hours (count 1 < 5): insufficient;
#   im-3min-reply-rate, im-dissatisfaction: no-data; product-negative-review-rate and
#   quality-return-rate: diagnostic (weight 0).
# Effective weights (SPEC §3/§6): product 0.425 × 1.0 (NFR alone); logistics 0.2 × 0.4 / 0.3 /
# 0.3 = 0.08 / 0.06 / 0.06; service: only merchant-fault (0.15) and complaint (0.15) are
# scored → 0.5 each → 0.375 × 0.5 = 0.1875 each.
NFR, PICKUP, DELIVERY, LOGRET, MFAULT, COMPLAINT = 7 / 3, 4.0, 4.95, 105 / 31, 55 / 31, 1.0
W_NFR, W_PICKUP, W_DELIVERY, W_LOGRET, W_MFAULT, W_COMPLAINT = 0.425, 0.08, 0.06, 0.06, 0.1875, 0.1875
# composite = 0.425 × 7/3 + 0.08 × 4 + 0.06 × 4.95 + 0.06 × 105/31 + 0.1875 × 55/31 + 0.1875 × 1
#           = 0.991667 + 0.32 + 0.297 + 0.203226 + 0.332661 + 0.1875 = 216881/93000 = 2.332054
TODAY = (
    W_NFR * NFR
    + W_PICKUP * PICKUP
    + W_DELIVERY * DELIVERY
    + W_LOGRET * LOGRET
    + W_MFAULT * MFAULT
    + W_COMPLAINT * COMPLAINT
)
LOGISTICS_DIM = 0.4 * PICKUP + 0.3 * DELIVERY + 0.3 * LOGRET  # 4.101129


# ------------------------------------------------------------------ helpers


def _run(*args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.stdout, res.stderr


def _one(payload: Any) -> dict[str, Any]:
    """compute prints one object per shop (a one-element list allowed for a single shop)."""
    if isinstance(payload, list):
        assert len(payload) == 1, payload
        payload = payload[0]
    assert isinstance(payload, dict)
    return payload


def _opts(as_of: str | None, profile: str) -> list[str]:
    return (["--as-of", as_of] if as_of else []) + ["--profile", profile, "--format", "json"]


def _json(*args: str) -> dict[str, Any]:
    code, out, err = _run(*args)
    assert code == 0, (args, code, err)
    return _one(json.loads(out))


def compute(path: Path, profile: str = "douyin", as_of: str | None = AS_OF) -> dict[str, Any]:
    return _json("compute", str(path), *_opts(as_of, profile))


def whatif(
    path: Path, sets: dict[str, Any], profile: str = "douyin", as_of: str | None = AS_OF
) -> dict[str, Any]:
    args = [a for mid, v in sets.items() for a in ("--set", f"{mid}={_text(v)}")]
    return _json("whatif", str(path), *args, *_opts(as_of, profile))


def target(path: Path, score: str, profile: str = "douyin", as_of: str | None = AS_OF) -> dict[str, Any]:
    return _json("target", str(path), "--score", score, *_opts(as_of, profile))


_models: dict[tuple[Path, str], Any] = {}


def whatif_prepared(
    path: Path, sets: dict[str, Any], profile: str = "douyin", as_of: str | None = AS_OF
) -> dict[str, Any]:
    """``whatif`` as the command computes it (the same settings parser and scorecard), on the
    shop prepared once per fixture: the round trip below makes hundreds of these. The
    command itself is checked against this in test_whatif_prepared_equals_the_command."""
    from datetime import date

    from shopscore import api
    from shopscore.engine.scorecard import model, score_day

    key = (path, profile)
    if key not in _models:
        prof = api.load_profile(profile)
        (shop,) = api.load(path)
        _models[key] = (prof, shop, model(shop, prof))
    prof, shop, m = _models[key]
    settings = api.parse_settings(prof, [f"{mid}={_text(v)}" for mid, v in sets.items()])
    day = date.fromisoformat(as_of) if as_of else None
    return api.from_card(m, shop, score_day(m, day, None, settings), None).to_json()


def _text(v: Any) -> str:
    return v if isinstance(v, str) else repr(float(v))


def _metric(payload: dict[str, Any], mid: str) -> dict[str, Any]:
    (m,) = [m for m in payload["metrics"] if m["id"] == mid]
    return m


# douyin / douyin-2023 composite thresholds (profile [[thresholds]], SPEC §6)
BOUNDS = {
    "free-traffic": 4.8,
    "paid-traffic": 4.6,
    "presale-advised": 4.5,
    "alliance-entry": 4.3,
    "alliance-stay": 4.0,
    "shop-clearance": 3.2,
}


def _assert_rolled_up(payload: dict[str, Any], set_ids: set[str]) -> None:
    """What every scored compute object satisfies, here after the change (SPEC §6):
    dimension weights sum to 1 and give the composite, points lost add up to 5 − composite,
    each threshold is re-judged on the new composite, and only set metrics say `whatif`."""
    score = payload["score"]
    assert payload["status"] == "scored"
    dims = payload["dimensions"]
    assert sum(d["weight"] for d in dims) == pytest.approx(1.0, abs=1e-5)
    assert sum(d["weight"] * (d["score"] or 0) for d in dims) == pytest.approx(score, abs=1e-5)
    assert sum(m["points_lost"] or 0 for m in payload["metrics"]) == pytest.approx(5 - score, abs=1e-5)
    assert {t["id"] for t in payload["thresholds"]} == set(BOUNDS)
    for t in payload["thresholds"]:
        assert t["value"] == pytest.approx(score, abs=1e-6)
        assert t["distance"] == pytest.approx(score - BOUNDS[t["id"]], abs=1e-6)
        assert t["passed"] is (score >= BOUNDS[t["id"]] - 1e-9)
    for m in payload["metrics"]:
        assert m["whatif"] is (m["id"] in set_ids), m["id"]


def _assert_metric(
    payload: dict[str, Any], mid: str, *, value: float, score: float, weight: float, lost: float
) -> None:
    m = _metric(payload, mid)
    assert m["status"] == "scored"
    assert m["value"] == pytest.approx(value, abs=1e-6)
    assert m["score"] == pytest.approx(score, abs=1e-6)
    assert m["weight"] == pytest.approx(weight, abs=1e-6)
    assert m["points_lost"] == pytest.approx(lost, abs=1e-6)


# ------------------------------------------------------------------ 1. whatif, by hand


def test_today_is_what_the_hand_derivation_says() -> None:
    """The baseline every hand-worked number below starts from (compute, already merged)."""
    today = compute(CASE)
    assert today["score"] == pytest.approx(TODAY, abs=1e-6)  # 2.332054
    assert today["score"] == pytest.approx(216881 / 93000, abs=1e-6)
    for mid, score, weight in [
        ("negative-feedback-rate", NFR, W_NFR),
        ("pickup-on-time-rate", PICKUP, W_PICKUP),
        ("delivery-hours", DELIVERY, W_DELIVERY),
        ("logistics-return-rate", LOGRET, W_LOGRET),
        ("merchant-fault-rate", MFAULT, W_MFAULT),
        ("complaint-rate", COMPLAINT, W_COMPLAINT),
    ]:
        m = _metric(today, mid)
        assert m["status"] == "scored", mid
        assert m["score"] == pytest.approx(score, abs=1e-6), mid
        assert m["weight"] == pytest.approx(weight, abs=1e-6), mid
    assert _metric(today, "refund-only-hours")["status"] == "insufficient"
    assert _metric(today, "im-dissatisfaction")["status"] == "no-data"


def test_whatif_a_rate_exactly_on_a_breakpoint() -> None:
    # merchant-fault-rate 2/31 → 0.01 = the breakpoint (0.01, 4.5): score exactly 4.5.
    # weight unchanged 0.1875 (a scored metric stays scored); points lost 0.1875 × 0.5 = 0.09375
    # service = 0.5 × 4.5 + 0.5 × 1 = 2.75
    # composite = today + 0.1875 × (4.5 − 55/31) = 2.332054 + 0.511089 = 2.843142
    after = whatif(CASE, {"merchant-fault-rate": "0.01"})
    _assert_rolled_up(after, {"merchant-fault-rate"})
    _assert_metric(after, "merchant-fault-rate", value=0.01, score=4.5, weight=0.1875, lost=0.09375)
    assert after["score"] == pytest.approx(TODAY + 0.1875 * (4.5 - MFAULT), abs=1e-6)
    assert after["score"] == pytest.approx(2.843142, abs=1e-6)
    (service,) = [d for d in after["dimensions"] if d["id"] == "service"]
    assert service["score"] == pytest.approx(2.75, abs=1e-6)
    # tags: 4.5 is neither below 4.0 nor from 4.8 → none (it was needs-attention at 1.77);
    # negative-feedback-rate still loses most (1.133333) → key-opportunity
    assert _metric(after, "merchant-fault-rate")["tag"] is None
    assert _metric(after, "negative-feedback-rate")["tag"] == "key-opportunity"
    # the other metrics are untouched
    assert _metric(after, "complaint-rate")["points_lost"] == pytest.approx(0.75, abs=1e-6)


def test_whatif_a_percent_between_breakpoints() -> None:
    # negative-feedback-rate "2.75%" = 0.0275 on (0.02, 4.8)-(0.035, 4.5):
    #   4.8 − 0.3 × (0.0275 − 0.02)/(0.035 − 0.02) = 4.8 − 0.3 × 0.5 = 4.65
    # weight 0.425 (product has only this metric); points lost 0.425 × 0.35 = 0.14875
    # composite = today + 0.425 × (4.65 − 7/3) = 2.332054 + 0.984583 = 3.316637
    after = whatif(CASE, {"negative-feedback-rate": "2.75%"})
    _assert_rolled_up(after, {"negative-feedback-rate"})
    _assert_metric(after, "negative-feedback-rate", value=0.0275, score=4.65, weight=0.425, lost=0.14875)
    assert after["score"] == pytest.approx(TODAY + 0.425 * (4.65 - NFR), abs=1e-6)
    assert after["score"] == pytest.approx(3.316637, abs=1e-6)
    (product,) = [d for d in after["dimensions"] if d["id"] == "product"]
    assert product["score"] == pytest.approx(4.65, abs=1e-6)
    # complaint-rate (0.75 lost) now loses most → key-opportunity; 4.65 → no tag
    assert _metric(after, "complaint-rate")["tag"] == "key-opportunity"
    assert _metric(after, "negative-feedback-rate")["tag"] is None
    # thresholds re-judged: 3.316637 ≥ 3.2 (shop-clearance) passes now, distance 0.116637
    (clear,) = [t for t in after["thresholds"] if t["id"] == "shop-clearance"]
    assert clear["passed"] is True
    assert clear["distance"] == pytest.approx(3.316637 - 3.2, abs=1e-6)


def test_whatif_the_same_rate_as_a_fraction_or_a_percent() -> None:
    # "0.0275" and "2.75%" are one value
    a = whatif(CASE, {"negative-feedback-rate": "0.0275"})
    b = whatif(CASE, {"negative-feedback-rate": "2.75%"})
    assert a["score"] == pytest.approx(b["score"], abs=1e-9)
    assert _metric(a, "negative-feedback-rate")["value"] == pytest.approx(0.0275, abs=1e-9)


def test_whatif_beyond_the_best_point_is_clamped_to_5() -> None:
    # complaint-rate 0 < its best point 0.001 → 5 (clamped; was 1 at 2/31)
    # delivery-hours 30 h < its best point 48 h → 5 (was 4.95)
    # pickup-on-time-rate "100%" = 1.0 > its best point 0.99 (higher is better) → 5 (was 4)
    # points lost 0 each; tags: 5 ≥ 4.8 → good (negative-feedback-rate keeps key-opportunity)
    # composite = today + 0.1875 × (5 − 1) + 0.06 × (5 − 4.95) + 0.08 × (5 − 4)
    #           = 2.332054 + 0.75 + 0.003 + 0.08 = 3.165054
    sets = {"complaint-rate": "0", "delivery-hours": "30", "pickup-on-time-rate": "100%"}
    after = whatif(CASE, sets)
    _assert_rolled_up(after, set(sets))
    _assert_metric(after, "complaint-rate", value=0.0, score=5.0, weight=0.1875, lost=0.0)
    _assert_metric(after, "delivery-hours", value=30.0, score=5.0, weight=0.06, lost=0.0)
    _assert_metric(after, "pickup-on-time-rate", value=1.0, score=5.0, weight=0.08, lost=0.0)
    assert after["score"] == pytest.approx(TODAY + 0.833, abs=1e-6)
    assert after["score"] == pytest.approx(3.165054, abs=1e-6)
    for mid in sets:
        assert _metric(after, mid)["tag"] == "good"
    # far beyond the best point scores the same as just at it
    at_best = whatif(CASE, {"complaint-rate": "0.001", "delivery-hours": "48", "pickup-on-time-rate": "0.99"})
    assert at_best["score"] == pytest.approx(after["score"], abs=1e-9)


def test_whatif_an_insufficient_metric_becomes_scored_and_takes_its_share() -> None:
    # refund-only-hours: count 3 < min_sample 5 → insufficient today; set to 12 h = the
    # breakpoint (12, 4.5) → scored, score 4.5.
    # Service weights redistribute (§3) over the scored merchant-fault 0.15, complaint 0.15 and
    # refund-only 0.15 → 1/3 each → effective 0.375 / 3 = 0.125 each (0.1875 before).
    # points lost: refund-only 0.125 × 0.5 = 0.0625; merchant-fault 0.125 × (5 − 55/31) =
    # 0.403226; complaint 0.125 × 4 = 0.5
    # service = (55/31 + 1 + 4.5)/3 = 2.424731
    # composite = 0.425 × 7/3 + 0.2 × 4.101129 + 0.375 × 2.424731 = 0.991667 + 0.820226 +
    #             0.909274 = 2.721167
    after = whatif(CASE, {"refund-only-hours": "12"})
    _assert_rolled_up(after, {"refund-only-hours"})
    _assert_metric(after, "refund-only-hours", value=12.0, score=4.5, weight=0.125, lost=0.0625)
    _assert_metric(
        after, "merchant-fault-rate", value=2 / 31, score=MFAULT, weight=0.125, lost=0.125 * (5 - MFAULT)
    )
    _assert_metric(after, "complaint-rate", value=2 / 31, score=1.0, weight=0.125, lost=0.5)
    service_score = (MFAULT + 1 + 4.5) / 3
    (service,) = [d for d in after["dimensions"] if d["id"] == "service"]
    assert (service["weight"], service["score"]) == (0.375, pytest.approx(service_score, abs=1e-6))
    expected = 0.425 * NFR + 0.2 * LOGISTICS_DIM + 0.375 * service_score
    assert after["score"] == pytest.approx(expected, abs=1e-6)
    assert after["score"] == pytest.approx(2.721167, abs=1e-6)
    # return-refund-hours was not set: still insufficient, no weight, no points
    rr = _metric(after, "return-refund-hours")
    assert (rr["status"], rr["weight"], rr["points_lost"], rr["score"]) == ("insufficient", 0.0, None, None)


def test_whatif_a_no_data_metric_becomes_scored_and_takes_its_share() -> None:
    # im-dissatisfaction: no IM export → no-data today; set to "3%" = 0.03 on
    # (0.02, 5)-(0.04, 4.8): 5 − 0.2 × 0.5 = 4.9 → scored.
    # Service weights (§3) over im-dissatisfaction 0.2, merchant-fault 0.15, complaint 0.15
    # (sum 0.5) → 0.4 / 0.3 / 0.3 → effective 0.375 × … = 0.15 / 0.1125 / 0.1125.
    # points lost: im 0.15 × 0.1 = 0.015; merchant-fault 0.1125 × (5 − 55/31) = 0.362903;
    # complaint 0.1125 × 4 = 0.45
    # service = 0.4 × 4.9 + 0.3 × 55/31 + 0.3 × 1 = 1.96 + 0.532258 + 0.3 = 2.792258
    # composite = 0.991667 + 0.820226 + 0.375 × 2.792258 = 2.858989
    after = whatif(CASE, {"im-dissatisfaction": "3%"})
    _assert_rolled_up(after, {"im-dissatisfaction"})
    _assert_metric(after, "im-dissatisfaction", value=0.03, score=4.9, weight=0.15, lost=0.015)
    _assert_metric(
        after, "merchant-fault-rate", value=2 / 31, score=MFAULT, weight=0.1125, lost=0.1125 * (5 - MFAULT)
    )
    _assert_metric(after, "complaint-rate", value=2 / 31, score=1.0, weight=0.1125, lost=0.45)
    service_score = 0.4 * 4.9 + 0.3 * MFAULT + 0.3 * 1
    assert after["score"] == pytest.approx(
        0.425 * NFR + 0.2 * LOGISTICS_DIM + 0.375 * service_score, abs=1e-6
    )
    assert after["score"] == pytest.approx(2.858989, abs=1e-6)
    # the other IM metric was not set: still no-data
    assert _metric(after, "im-3min-reply-rate")["status"] == "no-data"
    assert _metric(after, "im-3min-reply-rate")["weight"] == 0.0


def test_whatif_a_diagnostic_metric_is_rescored_but_stays_out_of_the_composite() -> None:
    # quality-return-rate (weight 0 in douyin) 1/31 → 0.005 = its best point (0.005, 5):
    # score 5, still diagnostic, weight 0, points lost 0, composite unchanged 2.332054
    after = whatif(CASE, {"quality-return-rate": "0.005"})
    _assert_rolled_up(after, {"quality-return-rate"})
    m = _metric(after, "quality-return-rate")
    assert (m["status"], m["score"], m["weight"], m["points_lost"]) == ("diagnostic", 5.0, 0.0, 0.0)
    assert after["score"] == pytest.approx(TODAY, abs=1e-6)


def test_whatif_brings_back_dimensions_that_had_no_score(tmp_path: Path) -> None:
    # shop_scored's orders and reviews only: no after-sales, complaints or IM export.
    # Then negative-feedback-rate is no-data (no after-sales reason column), so product has no
    # scored metric with weight (the two reviewed ones are diagnostic); every service metric is
    # no-data. §3: both dimensions have no score and their weight goes to logistics, whose
    # logistics-return-rate is no-data too → pickup 0.4 / (0.4 + 0.3), delivery 0.3 / 0.7:
    # composite = logistics = (0.4 × 4 + 0.3 × 4.95) / 0.7 = 3.085 / 0.7 = 4.407143
    shop = tmp_path / "shop_scored_orders_reviews"
    shop.mkdir()
    for name in ("orders.csv", "reviews.csv"):
        shutil.copy(CASE / name, shop / name)
    logistics = (0.4 * 4 + 0.3 * 4.95) / 0.7
    today = compute(shop)
    assert today["score"] == pytest.approx(logistics, abs=1e-6)
    assert today["score"] == pytest.approx(4.407143, abs=1e-6)
    assert {d["id"]: d["weight"] for d in today["dimensions"]} == {"product": 0, "logistics": 1, "service": 0}
    assert _metric(today, "negative-feedback-rate")["status"] == "no-data"
    assert _metric(today, "complaint-rate")["status"] == "no-data"

    # complaint-rate set to 0.003 = the breakpoint (0.003, 4.8): service has a score again
    # (complaint alone: 0.15 / 0.15 = 1 → 4.8); dimension weights over logistics and service:
    # 20 / 57.5 = 0.347826 and 37.5 / 57.5 = 0.652174
    # composite = 0.347826 × 4.407143 + 0.652174 × 4.8 = 4.663354
    # complaint weight 0.652174, points lost 0.652174 × 0.2 = 0.130435
    one = whatif(shop, {"complaint-rate": "0.003"})
    _assert_rolled_up(one, {"complaint-rate"})
    dims = {d["id"]: d for d in one["dimensions"]}
    assert dims["logistics"]["weight"] == pytest.approx(20 / 57.5, abs=1e-6)
    assert dims["service"]["weight"] == pytest.approx(37.5 / 57.5, abs=1e-6)
    assert dims["product"]["score"] is None and dims["product"]["weight"] == 0
    _assert_metric(one, "complaint-rate", value=0.003, score=4.8, weight=37.5 / 57.5, lost=37.5 / 57.5 * 0.2)
    assert one["score"] == pytest.approx((20 * logistics + 37.5 * 4.8) / 57.5, abs=1e-6)
    assert one["score"] == pytest.approx(4.663354, abs=1e-6)

    # and negative-feedback-rate "2%" (breakpoint (0.02, 4.8)) as well: all three dimensions
    # score again, with their nominal weights 0.425 / 0.2 / 0.375
    # composite = 0.425 × 4.8 + 0.2 × 4.407143 + 0.375 × 4.8 = 3.84 + 0.881429 = 4.721429
    # weights: NFR 0.425 (lost 0.425 × 0.2 = 0.085), complaint 0.375 (lost 0.075), pickup
    # 0.2 × 0.4/0.7 = 0.114286 (lost × 1), delivery 0.2 × 0.3/0.7 = 0.085714 (lost × 0.05)
    both = whatif(shop, {"negative-feedback-rate": "2%", "complaint-rate": "0.003"})
    _assert_rolled_up(both, {"negative-feedback-rate", "complaint-rate"})
    assert {d["id"]: d["weight"] for d in both["dimensions"]} == {
        "product": pytest.approx(0.425, abs=1e-6),
        "logistics": pytest.approx(0.2, abs=1e-6),
        "service": pytest.approx(0.375, abs=1e-6),
    }
    _assert_metric(both, "negative-feedback-rate", value=0.02, score=4.8, weight=0.425, lost=0.085)
    _assert_metric(both, "complaint-rate", value=0.003, score=4.8, weight=0.375, lost=0.075)
    _assert_metric(both, "pickup-on-time-rate", value=0.9, score=4.0, weight=0.08 / 0.7, lost=0.08 / 0.7)
    _assert_metric(both, "delivery-hours", value=51.0, score=4.95, weight=0.06 / 0.7, lost=0.06 / 0.7 * 0.05)
    assert both["score"] == pytest.approx(0.425 * 4.8 + 0.2 * logistics + 0.375 * 4.8, abs=1e-6)
    assert both["score"] == pytest.approx(4.721429, abs=1e-6)


# ------------------------------------------------------------------ 2. target, by hand


def _row(res: dict[str, Any], mid: str) -> dict[str, Any]:
    (row,) = [r for r in res["metrics"] if r["id"] == mid]
    return row


def _apply(
    path: Path,
    combination: list[dict[str, Any]],
    profile: str = "douyin",
    as_of: str | None = AS_OF,
    run: Any = None,
) -> float:
    ids = [c["id"] for c in combination]
    assert ids and len(ids) == len(set(ids)), ids  # each metric at most once
    after = (run or whatif)(path, {c["id"]: c["needed"] for c in combination}, profile, as_of)
    return float(after["score"])


def test_target_3_on_shop_scored() -> None:
    res = target(CASE, "3.0")
    assert (res["shop"], res["as_of"]) == ("shop_scored", AS_OF)
    assert res["target"] == pytest.approx(3.0)
    assert res["score"] == pytest.approx(TODAY, abs=1e-6)  # 2.332054
    # lift needed: 3 − 216881/93000 = 62119/93000 = 0.667946
    lift = 3.0 - TODAY

    # negative-feedback-rate (weight 0.425, lower is better, 4 bad of 30 today):
    #   score needed 7/3 + 0.667946 / 0.425 = 3.904972 → on (0.06, 4)-(0.10, 3):
    #   value = 0.10 − (3.904972 − 3) × 0.04 = 0.0638011… → down to 1e-6 (the better side) 0.063801
    #   events = floor(0.063801 × 30 + 1e-9) − 4 = floor(1.914) − 4 = −3
    nfr = _row(res, "negative-feedback-rate")
    assert 0.10 - (NFR + lift / 0.425 - 3) * 0.04 == pytest.approx(0.0638011385, abs=1e-9)
    assert nfr["value"] == pytest.approx(4 / 30, abs=1e-6)
    assert nfr["needed"] == pytest.approx(0.063801, abs=1e-9)
    assert nfr["events"] == -3

    # complaint-rate (weight 0.1875, 2 complaints over 31 paid orders today, score 1):
    #   score needed 1 + 0.667946 / 0.1875 = 4.562380 → on (0.003, 4.8)-(0.006, 4.5):
    #   value = 0.006 − (4.562380 − 4.5) / 0.3 × 0.003 = 0.0053762… → 0.005376
    #   events = floor(0.005376 × 31 + 1e-9) − 2 = floor(0.1667) − 2 = −2
    cr = _row(res, "complaint-rate")
    assert cr["needed"] == pytest.approx(0.005376, abs=1e-9)
    assert cr["events"] == -2

    # Alone at its best score 5, each other scored metric falls short of 3.0:
    #   merchant-fault 2.332054 + 0.1875 × (5 − 55/31) = 2.936892
    #   logistics-return 2.332054 + 0.06 × (5 − 105/31) = 2.428828
    #   pickup 2.332054 + 0.08 × 1 = 2.412054; delivery 2.332054 + 0.06 × 0.05 = 2.335054
    # → needed and events null. Diagnostic (weight 0) and no-data metrics: null too.
    for mid in ("merchant-fault-rate", "logistics-return-rate", "pickup-on-time-rate", "delivery-hours"):
        assert (_row(res, mid)["needed"], _row(res, mid)["events"]) == (None, None), mid
    for mid in (
        "product-negative-review-rate",
        "quality-return-rate",
        "im-3min-reply-rate",
        "im-dissatisfaction",
    ):
        assert (_row(res, mid)["needed"], _row(res, mid)["events"]) == (None, None), mid
    assert _row(res, "im-dissatisfaction")["value"] is None

    # the round trip, by hand for negative-feedback-rate: 0.063801 on (0.06, 4)-(0.10, 3) scores
    # 4 − 0.003801 / 0.04 = 3.904975 → 2.332054 + 0.425 × (3.904975 − 7/3) = 3.0000014 ≥ 3
    after = whatif(CASE, {"negative-feedback-rate": nfr["needed"]})
    assert after["score"] == pytest.approx(TODAY + 0.425 * (4 - 0.003801 / 0.04 - NFR), abs=1e-6)
    assert after["score"] >= 3.0 - 1e-9
    # one more bad event than `events` allows (2 of 30 = 0.0667, score 3.833333) misses 3.0:
    # 2.332054 + 0.425 × (23/6 − 7/3) = 2.969554
    worse = whatif(CASE, {"negative-feedback-rate": 2 / 30})
    assert worse["score"] == pytest.approx(2.969554, abs=1e-6)
    assert worse["score"] < 3.0

    # a single metric reaches 3.0, so the combination is the cheapest single change
    combo = res["combination"]
    assert combo is not None and len(combo) == 1
    (change,) = combo
    assert change["id"] in {"negative-feedback-rate", "complaint-rate"}
    assert change["needed"] == pytest.approx(_row(res, change["id"])["needed"], abs=1e-9)
    assert _apply(CASE, combo) >= 3.0 - 1e-9


def test_target_needed_for_a_higher_is_better_rate() -> None:
    # S = 2.4. pickup-on-time-rate (weight 0.08, 27 on time of 30 = 0.9, score 4):
    #   score needed 4 + (2.4 − 2.332054) / 0.08 = 4.849328 → on (0.97, 4.8)-(0.99, 5):
    #   value = 0.97 + (4.849328 − 4.8) / 0.2 × 0.02 = 0.9749328 → up to 1e-6 (the better
    #   side) 0.974933
    #   events = 27 − ceil(0.974933 × 30 − 1e-9) = 27 − ceil(29.248) = −3 (3 late → 0 late)
    res = target(CASE, "2.4")
    pickup = _row(res, "pickup-on-time-rate")
    exact = 0.97 + (4 + (2.4 - TODAY) / 0.08 - 4.8) / 0.2 * 0.02
    assert exact == pytest.approx(0.9749328, abs=1e-7)
    assert pickup["value"] == pytest.approx(0.9, abs=1e-6)
    assert pickup["needed"] == pytest.approx(0.974933, abs=1e-9)
    assert pickup["events"] == -3
    # delivery-hours at its best adds only 0.06 × 0.05 = 0.003 → 2.335054 < 2.4: null
    assert (_row(res, "delivery-hours")["needed"], _row(res, "delivery-hours")["events"]) == (None, None)
    assert whatif(CASE, {"pickup-on-time-rate": pickup["needed"]})["score"] >= 2.4 - 1e-9


def test_target_needed_for_means_and_rates_at_bound() -> None:
    # shop_scored_at_bound: composite exactly 4.3; S = 4.31234 → lift 0.01234.
    path = METRICS / "shop_scored_at_bound"
    res = target(path, "4.31234")
    assert res["score"] == pytest.approx(4.3, abs=1e-6)
    # delivery-hours (weight 0.06, 96 h, score 4): score needed 4 + 0.01234 / 0.06 = 4.205667
    #   → on (72, 4.5)-(96, 4): 96 − (0.205667 / 0.5) × 24 = 96 − 9.872 = 86.128 h → down to
    #   0.01 h (the better side) 86.12; events null (a mean)
    row = _row(res, "delivery-hours")
    assert (row["value"], row["needed"], row["events"]) == (96.0, pytest.approx(86.12, abs=1e-9), None)
    # refund-only-hours (weight 0.375, 6 h, score 4.8): score needed 4.8 + 0.01234 / 0.375 =
    #   4.832907 → on (2, 5)-(6, 4.8): 6 − (0.032907 / 0.2) × 4 = 5.341867 h → 5.34
    row = _row(res, "refund-only-hours")
    assert (row["needed"], row["events"]) == (pytest.approx(5.34, abs=1e-9), None)
    # logistics-return-rate (weight 0.06, 3 bad of 40 = 0.075, score 1.25): score needed
    #   1.25 + 0.205667 = 1.455667 → on (0.04, 3)-(0.08, 1): 0.04 + (3 − 1.455667) / 2 × 0.04
    #   = 0.0708867 → 0.070886; events = floor(0.070886 × 40 + 1e-9) − 3 = floor(2.835) − 3 = −1
    row = _row(res, "logistics-return-rate")
    assert (row["needed"], row["events"]) == (pytest.approx(0.070886, abs=1e-9), -1)
    # negative-feedback-rate (weight 0.425, 2 bad of 40 = 0.05, score 4.2): score needed
    #   4.2 + 0.01234 / 0.425 = 4.229035 → on (0.035, 4.5)-(0.06, 4): 0.035 + (4.5 − 4.229035)
    #   / 0.5 × 0.025 = 0.0485482 → 0.048548; events = floor(0.048548 × 40 + 1e-9) − 2 = −1
    row = _row(res, "negative-feedback-rate")
    assert (row["needed"], row["events"]) == (pytest.approx(0.048548, abs=1e-9), -1)
    # pickup-on-time-rate already scores 5 (40/40): its best adds nothing → null
    assert (_row(res, "pickup-on-time-rate")["needed"], _row(res, "pickup-on-time-rate")["events"]) == (
        None,
        None,
    )
    for mid in ("delivery-hours", "refund-only-hours", "logistics-return-rate", "negative-feedback-rate"):
        assert whatif(path, {mid: _row(res, mid)["needed"]})["score"] >= 4.31234 - 1e-9, mid


@pytest.mark.parametrize("score", ["4.99", "5.0"])
def test_target_no_single_metric_reaches(score: str) -> None:
    # The best any one metric of shop_scored can do alone is negative-feedback-rate at 5:
    # 2.332054 + 0.425 × (5 − 7/3) = 3.465387 < 4.99 → every needed (and events) null.
    res = target(CASE, score)
    for row in res["metrics"]:
        assert (row["needed"], row["events"]) == (None, None), row["id"]
    # Jointly every scored metric at its best point scores 5 everywhere → composite 5 ≥ S:
    # the combination exists and, applied in one whatif call, reaches S.
    combo = res["combination"]
    assert combo is not None
    assert _apply(CASE, combo) >= float(score) - 1e-9
    for change in combo:  # today's value is carried beside the change
        assert change["value"] == pytest.approx(_row(res, change["id"])["value"], abs=1e-6)


def test_target_already_reached_changes_nothing() -> None:
    # 2.332054 ≥ 2.0: every scored metric's needed is its value today, 0 events
    res = target(CASE, "2.0")
    today = compute(CASE)
    for m in today["metrics"]:
        if m["status"] != "scored":
            continue
        row = _row(res, m["id"])
        assert row["needed"] == pytest.approx(m["value"], abs=1e-6), m["id"]
        if m["kind"] == "rate":
            assert row["events"] == 0, m["id"]


# ------------------------------------------------------------------ 3. round trip, every profile

# Each fixture and each shipped 5-point profile. shop_scored_douyin2023 holds the very exports
# of shop_scored (its expected.toml says so; test_the_2023_case_is_the_same_exports checks it),
# so shop_scored under douyin-2023 and shop_scored_douyin2023 under douyin would repeat two
# cases call for call: each is run once, under its own profile.
CASES = {
    "shop_scored-douyin": (METRICS / "shop_scored", "douyin", "2026-09-30"),
    "shop_scored_douyin2023-douyin-2023": (METRICS / "shop_scored_douyin2023", "douyin-2023", "2026-09-30"),
    "shop_scored_at_bound-douyin": (METRICS / "shop_scored_at_bound", "douyin", "2026-09-30"),
    "shop_scored_at_bound-douyin-2023": (METRICS / "shop_scored_at_bound", "douyin-2023", "2026-09-30"),
    "douyin_flagship-douyin": (ROOT / "sample_exports" / "douyin_flagship", "douyin", "2026-11-20"),
    "douyin_flagship-douyin-2023": (ROOT / "sample_exports" / "douyin_flagship", "douyin-2023", "2026-11-20"),
    # the TikTok Shop profile on its hand-worked 30-order shop (every metric scored)
    "eligibility_30-tiktok": (
        ROOT / "tests" / "fixtures" / "metrics_tiktok" / "eligibility_30",
        "tiktok",
        "2026-11-30",
    ),
}
TARGETS = ["today+0.05", "today+0.2", "4.8", "4.6"]
_today: dict[str, dict[str, Any]] = {}


def _compute_once(case: str) -> dict[str, Any]:
    if case not in _today:
        path, profile, as_of = CASES[case]
        _today[case] = compute(path, profile, as_of)
    return _today[case]


def test_the_2023_case_is_the_same_exports() -> None:
    a, b = METRICS / "shop_scored", METRICS / "shop_scored_douyin2023"
    names = sorted(p.name for p in a.glob("*.csv"))
    assert names == sorted(p.name for p in b.glob("*.csv"))
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert tomllib.loads((b / "expected.toml").read_text("utf-8"))["profile"] == "douyin-2023"


def _events(direction: str, needed: float, numerator: float, denominator: float) -> int:
    if direction == "lower":
        return math.floor(needed * denominator + 1e-9) - round(numerator)
    return round(numerator) - math.ceil(needed * denominator - 1e-9)


@pytest.mark.parametrize("goal", TARGETS)
@pytest.mark.parametrize("case", list(CASES))
def test_round_trip(case: str, goal: str) -> None:
    path, profile, as_of = CASES[case]
    expected = path / "expected.toml"
    if expected.exists():  # the fixture's own as-of
        assert tomllib.loads(expected.read_text("utf-8"))["as_of"] == as_of
    today = _compute_once(case)
    assert today["status"] == "scored"
    s_text = f"{today['score'] + float(goal[6:]):.6f}" if goal.startswith("today+") else goal
    s = float(s_text)
    reached_today = today["score"] >= s - 1e-9
    res = target(path, s_text, profile, as_of)
    assert res["target"] == pytest.approx(s)
    assert res["score"] == pytest.approx(today["score"], abs=1e-6)
    assert (res["shop"], res["as_of"]) == (today["shop"], today["as_of"])
    rows = {r["id"]: r for r in res["metrics"]}
    any_single = False
    for m in today["metrics"]:
        mid = m["id"]
        if m["status"] in ("scored", "diagnostic"):
            assert mid in rows, mid
        if mid not in rows:
            continue
        row = rows[mid]
        assert (row["value"] is None) == (m["value"] is None), mid
        if m["value"] is not None:
            assert row["value"] == pytest.approx(m["value"], abs=1e-6), mid
        if m["status"] in ("diagnostic", "no-data"):
            assert (row["needed"], row["events"]) == (None, None), mid
            continue
        if m["status"] == "scored":
            # null exactly when this metric at its curve's best (5) cannot lift the composite
            best_alone = today["score"] + m["weight"] * (5 - m["score"])
            if best_alone >= s + 1e-5:
                assert row["needed"] is not None, mid
            elif best_alone < s - 1e-5:
                assert row["needed"] is None, mid
        if row["needed"] is None:
            assert row["events"] is None, mid
            continue
        any_single = True
        needed = float(row["needed"])
        direction = REGISTRY[mid].direction
        if reached_today and m["status"] == "scored":
            assert needed == pytest.approx(m["value"], abs=1e-6), mid
            if m["kind"] == "rate":
                assert row["events"] == 0, mid
        elif m["kind"] == "rate" and m["denominator"]:
            assert row["events"] == _events(direction, needed, m["numerator"], m["denominator"]), mid
        elif m["kind"] == "mean":
            assert row["events"] is None, mid

        # the round trip: this metric alone at `needed` reaches S
        at = whatif_prepared(path, {mid: needed}, profile, as_of)
        assert _metric(at, mid)["whatif"] is True
        assert at["score"] >= s - 1e-9, (mid, needed, at["score"])
        if reached_today:
            continue
        # the boundary probe: 2 % worse than `needed` no longer reaches S, so `needed` is not
        # merely sufficient but (up to its rounding) the least change
        if m["status"] != "scored" and needed == pytest.approx(m["value"], abs=1e-6):
            # an insufficient metric whose own value already reaches S once it counts: no
            # change of value is needed, so a slightly worse one may reach S as well
            continue
        worse = needed * 1.02 if direction == "lower" else needed * 0.98
        probe = whatif_prepared(path, {mid: worse}, profile, as_of)
        if _metric(probe, mid)["score"] == pytest.approx(_metric(at, mid)["score"], abs=1e-9):
            # a flat part of the curve (clamped beyond an end point): 2 % worse scores the
            # same, so the probe cannot tell anything; nothing to assert
            continue
        assert probe["score"] < s, (mid, needed, worse, probe["score"])

    # S ≤ 5: every scored metric at its best scores 5, so a combination always exists
    combo = res["combination"]
    if reached_today:
        return  # what combination holds when nothing needs to change is not specified
    assert combo is not None
    if any_single:
        assert len(combo) == 1  # the cheapest single change
    assert _apply(path, combo, profile, as_of, whatif_prepared) >= s - 1e-9


# ------------------------------------------------------------------ 4. usage errors


@pytest.mark.parametrize("bad", ["nope=1", "negative-feedback-rate=abc"])
def test_bad_set_is_one_line_exit_2(bad: str) -> None:
    code, out, err = _run("whatif", str(CASE), "--as-of", AS_OF, "--set", bad, "--format", "json")
    assert code == 2
    assert out == ""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "--set" in lines[0] and "Traceback" not in err


@pytest.mark.parametrize("case", ["shop_scored", "eligibility_30"])
def test_whatif_prepared_equals_the_command(case: str) -> None:
    """The round trip's shortcut gives the command's own JSON."""
    path, profile, as_of = CASES[next(k for k in CASES if k.startswith(case))]
    today = _compute_once(next(k for k in CASES if k.startswith(case)))
    mid = next(m["id"] for m in today["metrics"] if m["status"] == "scored" and m["kind"] == "rate")
    sets = {mid: 0.01}
    assert whatif_prepared(path, sets, profile, as_of) == whatif(path, sets, profile, as_of)
