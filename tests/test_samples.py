"""The committed sample shops: every file recognised, every row accounted for, and a
scored table a seller can act on (a threshold warning and a 重点机会) under the shop's
own profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopscore import api

SAMPLES = Path(__file__).resolve().parents[1] / "sample_exports"
#: each sample shop and the profile of its platform
PROFILES = {"douyin_flagship": "douyin", "douyin_verbatim": "douyin", "tiktok_us": "tiktok"}


@pytest.fixture(scope="module")
def shops() -> dict[str, api.ShopData]:
    return {s.name: s for s in api.load(SAMPLES)}


def test_every_sample_shop_found(shops: dict[str, api.ShopData]) -> None:
    assert sorted(shops) == sorted(PROFILES)


@pytest.mark.parametrize("name", list(PROFILES))
def test_every_file_recognised_every_row_accounted(shops: dict[str, api.ShopData], name: str) -> None:
    shop = shops[name]
    files = [f for f in shop.report.files if not f.path.endswith("README.md")]
    assert files and all(f.dataset for f in files), [f.path for f in files if not f.dataset]
    for f in files:
        assert f.rows_read == f.rows_kept + f.duplicates + f.rejected, f.path
        assert f.rejected <= 1  # only the summary row (合计 / 店铺汇总值)
    rejected = shop.report.problems.filter(shop.report.problems["kind"] == "rejected")
    assert set(rejected["message"].to_list()) <= {"summary row (totals are not data)"}


@pytest.mark.parametrize("name", list(PROFILES))
def test_sample_shop_scores_with_warning_and_key_opportunity(
    shops: dict[str, api.ShopData], name: str
) -> None:
    result = api.score(shops[name], PROFILES[name])
    assert result.status == "scored"
    assert any(t.passed is False for t in result.thresholds)
    assert sum(m.tag == "key-opportunity" for m in result.metrics) == 1
    assert all(m.status in ("scored", "diagnostic") for m in result.metrics)
    assert sum(m.points_lost or 0 for m in result.metrics) == pytest.approx(5 - (result.score or 0))


def test_tiktok_shop_reads_the_seller_center_layout(shops: dict[str, api.ShopData]) -> None:
    """Month-first US dates with a 12-hour clock and trailing tabs, one row per SKU line,
    two overlapping order exports (the newer rows win), no deliver-by column: the
    business-day rule stands in; the three enforcement figures are computed, one fails."""
    shop = shops["tiktok_us"]
    assert shop.report.problems.height == 0  # every date decided month-first by the data
    orders = [f for f in shop.report.files if f.dataset == "orders"]
    assert len(orders) == 2 and sum(f.conflicts for f in orders) > 0
    assert shop.frames["orders"]["order_id"].is_unique().all()
    assert shop.frames["order_lines"].height > shop.frames["orders"].height  # multi-SKU orders
    result = api.score(shop, "tiktok")
    assert result.metric("on-time-delivery-rate").proxy == "created_at + 6 business days"
    assert {e.id: e.passed for e in result.enforcement} == {
        "weekly-on-time-delivery": True,
        "seller-fault-cancellation": True,
        "late-dispatch": False,
    }
    star = next(t for t in result.thresholds if t.id == "star-shop")
    assert star.passed is False and star.orders is not None and star.orders >= 100


def test_verbatim_shop_uses_package_list_and_daily_im(shops: dict[str, api.ShopData]) -> None:
    result = api.score(shops["douyin_verbatim"])
    assert result.metric("pickup-on-time-rate").proxy is None  # 揽收时间 from 包裹明细
    assert result.metric("delivery-hours").status == "scored"  # 签收时间 from 包裹明细
    assert result.metric("im-3min-reply-rate").approximate is True  # 飞鸽 daily data
