"""Hand-worked metric cases (tests/fixtures/metrics/<case>/): small exports plus an
expected.toml whose comments work every number out by hand from SPEC rules."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from shopscore import api

CASES = Path(__file__).parent / "fixtures" / "metrics"
CASE_DIRS = sorted(p for p in CASES.iterdir() if (p / "expected.toml").is_file())


def _expected(case: Path) -> dict:
    with (case / "expected.toml").open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module", params=CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def case(request: pytest.FixtureRequest) -> tuple[dict, api.ShopScore]:
    exp = _expected(request.param)
    (shop,) = api.load(request.param)
    result = api.score(shop, exp.get("profile", "douyin"), date.fromisoformat(exp["as_of"]))
    return exp, result


def test_shop_status(case: tuple[dict, api.ShopScore]) -> None:
    exp, result = case
    if "shop_status" in exp:
        assert result.status == exp["shop_status"]
    if "score" in exp:
        assert result.score == pytest.approx(exp["score"], abs=1e-6)


def test_metric_values(case: tuple[dict, api.ShopScore]) -> None:
    exp, result = case
    for mid, want in exp.get("metrics", {}).items():
        got = result.metric(mid)
        for field in (
            "numerator",
            "denominator",
            "count",
            "value",
            "score",
            "points_lost",
            "weight",
        ):
            if field in want:
                assert getattr(got, field) == pytest.approx(want[field], abs=1e-6), (mid, field)
        if "status" in want:
            assert got.status == want["status"], mid
        if "proxy" in want:
            assert (got.proxy or "") == want["proxy"], mid
        if "approximate" in want:
            assert got.approximate == want["approximate"], mid
        if "tag" in want:
            assert (got.tag or "") == want["tag"], mid


def test_points_lost_add_up(case: tuple[dict, api.ShopScore]) -> None:
    _, result = case
    if result.status != "scored":
        return
    lost = sum(m.points_lost or 0.0 for m in result.metrics)
    assert lost == pytest.approx(result.profile.scale_max - (result.score or 0.0), abs=1e-9)
