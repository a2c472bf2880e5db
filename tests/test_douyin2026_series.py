"""douyin-2026 over time: every day of a trend equals a compute as of that day (the
distinct-order platform help, the small-shop rule and the growth stage change from day to
day), and the thresholds on 7-, 14- and 30-day statistics read that daily series."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from shopscore import api

CASES = Path(__file__).parent / "fixtures" / "metrics2026"
PROFILE = api.load_profile("douyin-2026")


def _close(a: float | None, b: float | None, where: str) -> None:
    assert (a is None) == (b is None), where
    if a is not None and b is not None:
        assert a == pytest.approx(b, abs=1e-9), where


@pytest.mark.parametrize(
    ("case", "last", "days"),
    [
        # 8018 asks for help on 08-20 and 09-05: one help order every day 08-20 … 10-04
        ("platform_help_and_logistics_30d", "2026-10-06", 22),
        # 499 valid paid orders: the small-shop rule holds, then orders leave the window
        ("small_shop_499", "2026-10-03", 8),
        # the 30th valid paid order makes the shop formal; it leaves 30 days later
        ("growth_stage_30", "2026-10-02", 6),
    ],
)
def test_every_trend_day_equals_compute(case: str, last: str, days: int) -> None:
    (shop,) = api.load(CASES / case)
    end = date.fromisoformat(last)
    series = api.trend(shop, PROFILE, end, days)
    assert [c.as_of for c in series.days] == [end - timedelta(days=days - 1 - i) for i in range(days)]
    for card in series.days:
        one = api.score(shop, PROFILE, card.as_of)
        where = f"{case} {card.as_of}"
        assert card.status == one.status, where
        _close(card.score, one.score, where)
        for a, b in zip(card.metrics, one.metrics, strict=True):
            _close(a.value, b.value, f"{where} {a.id} value")
            _close(a.score, b.score, f"{where} {a.id} score")
            assert a.small_shop == b.small_shop, f"{where} {a.id}"
        for ta, tb in zip(card.thresholds, one.thresholds, strict=True):
            _close(ta.value, tb.value, f"{where} {ta.id}")


def test_platform_help_counts_an_order_once_across_its_requests() -> None:
    """On every day, the help orders are the distinct order ids with a request (after-sale
    or human chat) in D-29 … D — counted here directly from the requests, against the
    engine's non-overlapping intervals (8018 asks on 08-20 and 09-05)."""
    (shop,) = api.load(CASES / "platform_help_and_logistics_30d")
    result = api.score(shop, PROFILE, date(2026, 9, 30))
    assert result.model is not None
    requests = result.model.prepared.frames["help_requests"]
    days = api.trend(shop, PROFILE, date(2026, 10, 6), 50).days
    for card in days:
        first = card.as_of - timedelta(days=29)
        asked = [
            oid
            for oid, at in requests.select("order_id", "asked_at").iter_rows()
            if first <= at.date() <= card.as_of
        ]
        got = card.metric("platform-help-rate").denominator
        assert got == len(set(asked)), card.as_of
    assert days[-1].as_of == date(2026, 10, 6)


def test_thresholds_read_the_last_days_of_the_series() -> None:
    """official-promotions: the mean of the last 7 daily scores; category-removal: passed
    unless every one of the last 14 is below 60 (the max ≥ 60); brand-badge: the 30-day
    mean — each equal to the statistic of the trend's days (a day without a score makes
    it unknown)."""
    (shop,) = api.load(CASES / "small_shop_499")
    day = date(2026, 9, 30)
    result = api.score(shop, PROFILE, day)
    scores = [c.score for c in api.trend(shop, PROFILE, day, 30).days]
    ths = {t.id: t for t in result.thresholds}
    stats = {"official-promotions": (7, "mean"), "category-removal": (14, "max"), "brand-badge": (30, "mean")}
    for tid, (n, stat) in stats.items():
        last = scores[-n:]
        t = ths[tid]
        assert (t.statistic, t.days) == (stat, n)
        if any(s is None for s in last):
            assert t.value is None and t.passed is None, tid
            continue
        known = [float(s) for s in last if s is not None]
        want = sum(known) / n if stat == "mean" else max(known)
        assert t.value == pytest.approx(want, abs=1e-9), tid
        assert t.passed is (want >= t.bound - 1e-9), tid


def test_category_removal_reads_exactly_the_last_14_days() -> None:
    """Hand-worked on the statistic itself: 13 days at 59 before a 59 today fail (max 59); a
    60 exactly 13 days back (the 14th day, counted) passes; the same 60 one day earlier (the
    15th day, outside) does not; a day without a score makes it unknown."""
    from shopscore.engine.scoring import thresholds

    def removal(history: list[float | None], today: float) -> tuple[float | None, bool | None]:
        days = [(s, {}) for s in history]
        got = next(t for t in thresholds(PROFILE, today, (), days) if t.id == "category-removal")
        return got.value, got.passed

    assert removal([59.0] * 13, 59.0) == (59.0, False)
    assert removal([60.0] + [59.0] * 12, 59.0) == (60.0, True)
    assert removal([60.0] + [59.0] * 13, 59.0) == (59.0, False)
    assert removal([None] + [59.0] * 12, 59.0) == (None, None)
    promo = [(s, {}) for s in (70.0, 70.0, 70.0, 70.0, 70.0, 69.0)]
    t = next(x for x in thresholds(PROFILE, 70.0, (), promo) if x.id == "official-promotions")
    assert t.value == pytest.approx(489 / 7) and t.passed is False  # 7-day mean 69.857 < 70
