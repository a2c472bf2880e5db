"""`trend` and `forecast` (SPEC §7): day X of `trend` and of `forecast --assume frozen` is
`compute --as-of X` on the same exports (status, score, every dimension score, every metric
value, to 1e-9); hand-worked series fixtures under tests/fixtures/series/ pin a threshold
crossing caused by bad events aging out of the window, and `--assume recent`.

The dates compared are chosen from the fixtures' CSVs: the day an event enters a window and
the day it leaves ((0,90): anchor day, +89, +90; (15,90): +15, +104, +105), days a pending
delivery or refund resolves, the min_orders edge, plus ordinary days."""

from __future__ import annotations

import functools
import json
import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shopscore.cli import app

ROOT = Path(__file__).resolve().parents[1]
METRICS = ROOT / "tests" / "fixtures" / "metrics"
SERIES = ROOT / "tests" / "fixtures" / "series"
EXAMPLES = ROOT / "tests" / "fixtures" / "export_examples"
FLAGSHIP = ROOT / "sample_exports" / "douyin_flagship"
TOL = 1e-9
runner = CliRunner()


def _json(*args: str) -> Any:
    res = runner.invoke(app, list(args))
    assert res.exit_code == 0, (args, res.stdout, res.stderr)
    (payload,) = json.loads(res.stdout)  # one shop: a one-element array (SPEC §7)
    return payload


@functools.cache
def _compute(path: Path, day: str) -> dict[str, Any]:
    out = _json("compute", str(path), "--as-of", day, "--format", "json")
    assert isinstance(out, dict) and out["as_of"] == day
    return out


def _close(got: Any, want: float | None, what: str) -> None:
    if want is None:
        assert got is None, f"{what}: {got!r}, compute has null"
    else:
        assert got is not None and abs(got - want) <= TOL, f"{what}: {got!r} != compute {want!r}"


def _assert_day_is_compute(day: dict[str, Any], comp: dict[str, Any], where: str) -> None:
    """One `days` entry of trend/forecast against the compute object of the same date."""
    assert day["status"] == comp["status"], f"{where}: status"
    _close(day["score"], comp["score"], f"{where}: score")
    dims = {d["id"]: d["score"] for d in comp["dimensions"]}
    assert set(day["dimensions"]) == set(dims), f"{where}: dimension ids"
    for did, want in dims.items():
        _close(day["dimensions"][did], want, f"{where}: dimension {did}")
    values = {m["id"]: m["value"] for m in comp["metrics"]}
    assert set(day["metrics"]) == set(values), f"{where}: metric ids"
    for mid, want in values.items():
        _close(day["metrics"][mid], want, f"{where}: metric {mid}")


def _consecutive(first: date, n: int) -> list[str]:
    return [(first + timedelta(days=i)).isoformat() for i in range(n)]


# (folder, --as-of (None: the default, the latest event date), expected as_of, --days,
#  {date compared with compute: why it matters})
TREND_CASES: list[tuple[Path, str | None, str, int, dict[str, str]]] = [
    (
        METRICS / "window_edges",
        None,  # latest event: 1004 delivered, review 803, after-sale 701, 1009 paid on 10-01
        "2026-10-01",
        100,
        {
            "2026-07-03": "1001 delivered 07-03 00:00:00 and its 1★ review 801 enter (day +0)",
            "2026-09-30": "1001/801 on their last day (+89); 1002's delivery, 1006's payment leave (+90)",
            "2026-10-01": "1001/801 leave (+90) while 1004's delivery, review 803, after-sale 701 enter",
        },
    ),
    (
        METRICS / "logistics_return_window",
        "2026-10-01",
        "2026-10-01",
        110,
        {
            "2026-07-03": "(15,90): 2002 (paid 06-18 00:00:00, bad) enters at +15",
            "2026-09-30": "(15,90): 2001 leaves (+105), 2002 on its last day (+104), 2003 enters (+15)",
            "2026-10-01": "(15,90): 2002 leaves (+105) and 2004 (paid 09-16, bad) enters (+15): 3/7 again",
        },
    ),
    (
        METRICS / "logistics_return_edges",
        "2026-12-29",
        "2026-12-29",
        100,
        {
            "2026-09-30": "(15,90): 21003 (paid 09-15 23:59:59, bad) enters at +15; 21001 leaves (+105)",
            "2026-12-28": "(15,90): 21003 on its last day (+104)",
            "2026-12-29": "(15,90): 21003 leaves (+105): its logistics after-sale no longer counts",
        },
    ),
    (
        METRICS / "pickup_deadlines",
        "2026-10-05",
        "2026-10-05",
        100,
        {
            "2026-07-03": "4009's deadline (paid 07-01 08:00 + 48 h = 07-03 08:00) enters",
            "2026-09-30": "4008's deadline 07-02 leaves (+90); 4009's is on its last day (+89)",
            "2026-10-05": "presale 4007's deadline 10-05 23:59:59 enters, never picked up: late",
        },
    ),
    (
        METRICS / "refund_hours",
        "2026-10-02",
        "2026-10-02",
        100,
        {
            "2026-09-30": "1207 leaves (+90); 1206 (completed 07-03 01:00) on its last day (+89)",
            "2026-10-01": "pending refund 1205 (applied 09-29) resolves 10-01 10:00; 1206 leaves",
            "2026-10-02": "pending return 1306 (applied 09-25) resolves 10-02 10:00",
        },
    ),
    (
        METRICS / "delivered_not_completed",
        "2026-10-03",
        "2026-10-03",
        100,
        {
            "2026-09-26": "pending delivery of 23003 resolves (签收 09-26 10:00): CCR population grows",
            "2026-09-30": "23004 (delivered 07-02, bad) leaves (0,90) at +90",
            "2026-10-03": "23001 (delivered 07-05) leaves at +90; 23003 completes: not a delivery",
        },
    ),
    (
        METRICS / "im_sessions_hours",
        "2026-10-01",
        "2026-10-01",
        100,
        {
            "2026-09-30": "9110 (07-02) leaves (+90); 9109 (07-03) on its last day (+89)",
            "2026-10-01": "9109 leaves (+90) and 9111 (10-01) starts",
        },
    ),
    (
        METRICS / "shop_scored",
        "2026-11-01",
        "2026-11-01",
        95,
        {
            "2026-08-31": "29 delivered orders: insufficient-data (nulls everywhere it is)",
            "2026-09-01": "14030 delivered 09-01 10:00: the 30th delivery, the shop is scored",
            "2026-10-31": "14001 (delivered 08-03) on its last day (+89): still 30, scored",
            "2026-11-01": "14001 leaves (+90): 29 delivered, insufficient-data again",
        },
    ),
    (
        SERIES / "aging_out",
        "2026-10-02",
        "2026-10-02",
        5,
        {
            "2026-10-01": "30001–30003 (quality, delivered 07-04) on their last day (+89): 4.745",
            "2026-10-02": "they leave (+90): composite 4.9964583 over 4.8",
        },
    ),
    (
        FLAGSHIP,
        "2026-11-20",
        "2026-11-20",
        120,
        {
            "2026-08-05": "32 delivered (27 the day before): the first scored day",
            "2026-10-03": "pending return 7300000685206427828 (applied 09-30) resolves 10-03 12:20",
            "2026-10-23": "the first delivery (07-25) leaves (0,90) at +90",
        },
    ),
    (
        EXAMPLES,
        "2026-10-20",
        "2026-10-20",
        120,
        {
            "2026-07-03": "31 delivered (29 the day before): the first scored day",
            "2026-07-22": "pending return 626 (applied 07-14) resolves 07-22 06:34",
            "2026-09-28": "complaint TS0000076 (06-30) leaves complaint-rate at +90",
        },
    ),
]


@pytest.mark.parametrize(
    ("folder", "as_of", "want_as_of", "n", "dates"),
    TREND_CASES,
    ids=[c[0].name for c in TREND_CASES],
)
def test_trend_day_equals_compute_as_of_that_day(
    folder: Path, as_of: str | None, want_as_of: str, n: int, dates: dict[str, str]
) -> None:
    args = ["trend", str(folder), "--days", str(n), "--format", "json"]
    if as_of is not None:
        args += ["--as-of", as_of]
    out = _json(*args)
    assert isinstance(out, dict), "one shop: one JSON object"
    assert out["shop"] == folder.name
    assert out["profile"] == "douyin"
    assert out["as_of"] == want_as_of
    end = date.fromisoformat(want_as_of)
    assert [d["date"] for d in out["days"]] == _consecutive(end - timedelta(days=n - 1), n)
    days = {d["date"]: d for d in out["days"]}
    for day, why in dates.items():
        _assert_day_is_compute(days[day], _compute(folder, day), f"{folder.name} {day} ({why})")


# forecast --assume frozen (the default) from as-of A: no new events, so day X is
# compute --as-of X (the exports hold nothing dated after A).
FORECAST_CASES: list[tuple[Path, str, int, dict[str, str], list[dict[str, str]] | None]] = [
    (
        METRICS / "shop_scored",
        "2026-09-30",  # the last event is 09-10 (14032 paid, 1404 applied and completed)
        35,
        {
            "2026-10-01": "the first forecast day, A+1",
            "2026-10-31": "14001 (delivered 08-03) on its last day (+89): 30 delivered, scored",
            "2026-11-01": "14001 ages out (+90): 29 delivered, insufficient-data",
        },
        None,  # the shop stops being scored on 11-01: verdicts vanish, crossings not asserted
    ),
    (
        FLAGSHIP,
        "2026-11-20",  # the latest event date: no event after it in any export
        30,
        {
            "2026-12-18": "the lowest day still >= 4.3 (compute 4.309309)",
            "2026-12-19": "below 4.3 (compute 4.296328): alliance-entry crosses down",
        },
        # compute --as-of 11-20 … 12-18 stays within 4.309 … 4.424 (>= 4.3, < 4.5); 12-19 and
        # 12-20 are below 4.3: the one verdict that changes is alliance-entry, on 12-19
        [{"threshold": "alliance-entry", "date": "2026-12-19", "direction": "down"}],
    ),
]


@pytest.mark.parametrize(
    ("folder", "as_of", "n", "dates", "crossings"),
    FORECAST_CASES,
    ids=[c[0].name for c in FORECAST_CASES],
)
def test_forecast_frozen_day_equals_compute_as_of_that_day(
    folder: Path,
    as_of: str,
    n: int,
    dates: dict[str, str],
    crossings: list[dict[str, str]] | None,
) -> None:
    out = _json("forecast", str(folder), "--as-of", as_of, "--days", str(n), "--format", "json")
    assert isinstance(out, dict), "one shop: one JSON object"
    assert out["shop"] == folder.name
    assert out["profile"] == "douyin"
    assert out["as_of"] == as_of
    assert out["assume"] == "frozen"
    start = date.fromisoformat(as_of) + timedelta(days=1)
    assert [d["date"] for d in out["days"]] == _consecutive(start, n)
    days = {d["date"]: d for d in out["days"]}
    for day, why in dates.items():
        _assert_day_is_compute(days[day], _compute(folder, day), f"{folder.name} {day} ({why})")
    if crossings is not None:
        assert out["crossings"] == crossings


# --- aging_out: a hand-worked crossing (tests/fixtures/series/aging_out/expected.toml) ------

AGING = SERIES / "aging_out"


def _aging() -> dict[str, Any]:
    with (AGING / "expected.toml").open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def aging_forecast() -> dict[str, Any]:
    exp = _aging()
    return _json(
        "forecast",
        str(AGING),
        "--as-of",
        exp["as_of"],
        "--days",
        str(exp["forecast_days"]),
        "--format",
        "json",
    )


def test_aging_out_hand_numbers_hold_in_compute() -> None:
    """The fixture itself: compute --as-of the day before and the day of the crossing gives
    the composites worked out by hand (4.745 and 23983/4800)."""
    exp = _aging()
    for key, passed in (("day_before", False), ("crossing_day", True)):
        want = exp[key]
        comp = _compute(AGING, want["date"])
        assert comp["status"] == "scored"
        assert comp["score"] == pytest.approx(want["score"], abs=1e-6), key
        ccr = next(m for m in comp["metrics"] if m["id"] == "negative-feedback-rate")
        assert ccr["value"] == pytest.approx(want["negative_feedback_rate"], abs=1e-8), key
        free = next(t for t in comp["thresholds"] if t["id"] == exp["crossing"]["threshold"])
        assert free["passed"] is passed, key


def test_aging_out_forecast_crosses_free_traffic_up_on_the_day_the_bad_events_leave(
    aging_forecast: dict[str, Any],
) -> None:
    exp = _aging()
    out = aging_forecast
    assert out["assume"] == "frozen"
    # the only verdict that changes over 10-01 … 10-10 (expected.toml)
    assert out["crossings"] == [exp["crossing"]]
    days = {d["date"]: d for d in out["days"]}
    on = days[exp["crossing_day"]["date"]]
    assert on["score"] == pytest.approx(exp["crossing_day"]["score"], abs=1e-6)
    assert on["metrics"]["negative-feedback-rate"] == pytest.approx(
        exp["crossing_day"]["negative_feedback_rate"], abs=1e-8
    )
    # 30001–30003, delivered 07-04, were in the window on 10-01 and are not on 10-02
    assert on["leaving"]["negative-feedback-rate"] == exp["crossing_day"]["leaving_negative_feedback"]
    # 10-01: 4.745, then 23983/4800 to 10-10 (the next delivery, 07-21, leaves on 10-19)
    assert [d["score"] for d in out["days"]] == pytest.approx(
        [exp["day_before"]["score"]] + [exp["crossing_day"]["score"]] * 9, abs=1e-6
    )


def test_aging_out_day_before_crossing_is_still_below(aging_forecast: dict[str, Any]) -> None:
    """Probe for an off-by-one window: on 07-04 + 89 = 10-01 the three quality orders are
    still inside (0,90), so CCR is 4/100 and the composite 4.745 < 4.8. A window one day short
    (or shifted) would drop them here and cross a day early."""
    exp = _aging()["day_before"]
    before = next(d for d in aging_forecast["days"] if d["date"] == exp["date"])
    assert before["score"] == pytest.approx(exp["score"], abs=1e-6)
    assert before["score"] < 4.8
    assert before["metrics"]["negative-feedback-rate"] == pytest.approx(
        exp["negative_feedback_rate"], abs=1e-8
    )
    assert before["leaving"]["negative-feedback-rate"] == exp["leaving_negative_feedback"]
    # the same three orders were paid on 07-03: quality-return-rate (paid_at) loses them today
    assert before["leaving"]["quality-return-rate"] == exp["leaving_quality_return"]


# --- --assume recent (tests/fixtures/series/recent_rates/expected.toml) ---------------------


def test_forecast_recent_adds_the_last_14_days_daily_rates() -> None:
    """D = 09-30; deliveries in D-13 … D: 14 (1 a day), 7 of them with a quality after-sale
    (0.5 a day). On D+10 the window holds the 30 frozen deliveries (7 bad) plus 10 future days:
    CCR = (7 + 10 × 7/14) / (30 + 10 × 14/14) = 12 / 40 = 0.3 (frozen: 7 / 30)."""
    folder = SERIES / "recent_rates"
    with (folder / "expected.toml").open("rb") as fh:
        exp = tomllib.load(fh)
    out = _json(
        "forecast",
        str(folder),
        "--as-of",
        exp["as_of"],
        "--days",
        str(exp["forecast_days"]),
        "--assume",
        "recent",
        "--format",
        "json",
    )
    day = next(d for d in out["days"] if d["date"] == exp["recent"]["date"])
    assert day["metrics"]["negative-feedback-rate"] == pytest.approx(
        exp["recent"]["negative_feedback_rate"], abs=TOL
    )
