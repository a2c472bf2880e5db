"""Profile tiktok (SPEC §5) beyond the hand-worked cases of tests/fixtures/metrics_tiktok:
the business-day calendar from the holidays package, the mechanisms the profile declares
(deadline rules, a threshold's order count, enforcement figures) and their errors, the
command line on the sample shop, and the score over time."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import jsonschema
import polars as pl
import pytest
from typer.testing import CliRunner

from shopscore import api
from shopscore.cli import app
from shopscore.engine.prepare import business_deadline
from shopscore.engine.profiles import BusinessDays, DeadlineRule, load_profile
from shopscore.engine.scoring import thresholds
from shopscore.errors import ShopscoreError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_exports" / "tiktok_us"
CASES = ROOT / "tests" / "fixtures" / "metrics_tiktok"
PROFILE = load_profile("tiktok")
runner = CliRunner()


def _deadlines(starts: list[datetime], holidays: list[date]) -> list[datetime]:
    frame = pl.DataFrame({"t": starts}, schema={"t": pl.Datetime("us")})
    rule = DeadlineRule(6)
    expr = business_deadline(pl.col("t"), rule, BusinessDays("US"), holidays)
    return frame.select(expr.alias("d"))["d"].to_list()


def test_the_calendar_is_the_holidays_packages_us_federal_one() -> None:
    """SPEC §5: US federal holidays on their observed dates, 2025–2027, from the package."""
    days = set(BusinessDays("US").holidays(2025, 2027))
    assert {date(2026, 7, 3), date(2027, 6, 18), date(2027, 12, 24), date(2027, 12, 31)} <= days  # observed
    assert {date(2025, 11, 27), date(2026, 11, 11), date(2026, 11, 26), date(2027, 11, 25)} <= days
    assert date(2026, 7, 4) in days and date(2026, 12, 24) not in days  # 07-04 a Saturday; no Christmas Eve
    assert len([d for d in days if d.year == 2026]) == 12  # the 11 holidays and one observed date


def test_sixth_business_day_moves_past_an_observed_holiday() -> None:
    """Thu 2026-07-02: Fri 07-03 is Independence Day observed, so the 6th business day is
    Mon 07-13 (without the holiday: Fri 07-10). A Saturday counts from the Monday after it;
    a holiday itself counts from the business day after it."""
    holidays = BusinessDays("US").holidays(2026, 2027)
    starts = [
        datetime(2026, 7, 2, 15, 0),  # Thu before the observed 07-03
        datetime(2026, 7, 4, 9, 0),  # Sat, Independence Day itself
        datetime(2026, 11, 25, 23, 59, 59),  # Wed before Thanksgiving
        datetime(2026, 12, 28, 10, 0),  # Mon: over New Year's Day 2027 into January
    ]
    end = timedelta(hours=23, minutes=59, seconds=59)
    assert _deadlines(starts, holidays) == [
        datetime(2026, 7, 13) + end,  # Mon 6, Tue 7, Wed 8, Thu 9, Fri 10, Mon 13
        datetime(2026, 7, 13) + end,  # Mon 6 … Mon 13
        datetime(2026, 12, 4) + end,  # [Thu 26], Fri 27, Mon 30, Tue 1, Wed 2, Thu 3, Fri 4
        datetime(2027, 1, 6) + end,  # Tue 29, Wed 30, Thu 31, [Fri 1-1], Mon 4, Tue 5, Wed 6
    ]
    assert _deadlines(starts[:1], [])[0] == datetime(2026, 7, 10) + end


def _profile_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "mine.toml"
    path.write_text('extends = "tiktok"\n' + text, "utf-8")
    with pytest.raises(ShopscoreError) as exc:
        load_profile(str(path))
    message = str(exc.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_profile_mistakes_are_one_line_naming_the_table(tmp_path: Path) -> None:
    assert "no holidays calendar for country 'XX'" in _profile_error(
        tmp_path, '[rules]\nbusiness_days = { country = "XX" }\n'
    )
    assert "weekend days are 0" in _profile_error(
        tmp_path, '[rules]\nbusiness_days = { country = "US", weekend = [7] }\n'
    )
    assert "[rules.deadlines] pickup_by" in _profile_error(
        tmp_path, "[rules.deadlines.pickup_by]\nbusiness_days = 2\n"
    )
    assert "metric 'nope' is not a known metric" in _profile_error(
        tmp_path, '[[enforcement]]\nid = "x"\nmetric = "nope"\nwindow = [0, 7]\nbound = 0.8\n'
    )
    assert "is not a rate" in _profile_error(
        tmp_path, '[[enforcement]]\nid = "x"\nmetric = "after-sales-hours"\nwindow = [0, 7]\nbound = 1\n'
    )
    assert "week_ends must be 0 (Monday)" in _profile_error(
        tmp_path,
        '[[enforcement]]\nid = "x"\nmetric = "late-dispatch-rate"\nwindow = [0, 7]\nbound = 1\n'
        "week_ends = 7\n",
    )
    assert "requires needs population" in _profile_error(
        tmp_path, '[[thresholds]]\nid = "x"\nbound = 1\nrequires = { population = "orders" }\n'
    )
    res = runner.invoke(app, ["compute", str(SAMPLE), "-p", str(tmp_path / "mine.toml")])
    assert res.exit_code == 2 and "Traceback" not in res.stderr


def test_a_declared_deadline_rule_needs_a_calendar(tmp_path: Path) -> None:
    path = tmp_path / "no-calendar.toml"
    path.write_text('extends = "douyin"\n[rules.deadlines.deliver_by]\nbusiness_days = 6\n', "utf-8")
    with pytest.raises(ShopscoreError, match="add \\[rules\\] business_days"):
        load_profile(str(path))


def test_star_shop_needs_the_orders_as_well_as_the_score() -> None:
    """SPEC §5: ≥ 4.5 with ≥ 100 orders in 30 days. The score alone does not pass it; an
    unknown count leaves it undecided; a score below the bound fails whatever the count."""

    def star(score: float, orders: int | None) -> bool | None:
        counts = {} if orders is None else {"star-shop": orders}
        (found,) = [t for t in thresholds(PROFILE, score, (), None, counts) if t.id == "star-shop"]
        return found.passed

    assert star(4.6, 100) is True
    assert star(4.5, 100) is True
    assert star(4.6, 99) is False
    assert star(4.6, None) is None
    assert star(4.49, 500) is False


@pytest.mark.parametrize(
    ("day", "first", "last"),
    [
        (date(2026, 11, 29), date(2026, 11, 23), date(2026, 11, 29)),  # a Sunday: its own week
        (date(2026, 11, 30), date(2026, 11, 23), date(2026, 11, 29)),  # Monday: last week
        (date(2026, 11, 28), date(2026, 11, 16), date(2026, 11, 22)),  # Saturday
    ],
)
def test_the_weekly_figure_covers_the_last_complete_week(day: date, first: date, last: date) -> None:
    from shopscore.engine.windows import Window

    weekly = next(e for e in PROFILE.enforcement if e.id == "weekly-on-time-delivery")
    window = Window(*weekly.window_on(day), day)
    assert (window.first_day, window.last_day) == (first, last)


@pytest.fixture(scope="module")
def sample() -> api.ShopData:
    (shop,) = api.load(SAMPLE)
    return shop


def test_compute_prints_a_scored_table_and_json_with_the_enforcement_figures() -> None:
    """Issue 14: `shopscore compute sample_exports/<tiktok shop> --profile tiktok` prints a
    scored table; the JSON holds the enforcement figures and Star Shop's order count, and
    meets the schema."""
    res = runner.invoke(app, ["compute", str(SAMPLE), "--profile", "tiktok", "--lang", "en"])
    assert res.exit_code == 0, res.stderr
    assert "Score 3.56 / 5" in res.stdout and "Enforced apart from the score" in res.stdout
    assert "late dispatch ≤ 4%" in res.stdout and "Star Shop and ≥ 100 paid orders" in res.stdout
    res = runner.invoke(app, ["compute", str(SAMPLE), "-p", "tiktok", "-f", "json"])
    (payload,) = json.loads(res.stdout)
    jsonschema.validate([payload], json.loads((ROOT / "docs" / "compute.schema.json").read_text("utf-8")))
    assert [e["id"] for e in payload["enforcement"]] == [
        "weekly-on-time-delivery",
        "seller-fault-cancellation",
        "late-dispatch",
    ]
    star = next(t for t in payload["thresholds"] if t["id"] == "star-shop")
    assert star["requires"] == {"population": "paid-orders", "days": 30, "min_orders": 100, "count": 126}
    assert all(m["status"] == "scored" for m in payload["metrics"])


def test_29_delivered_orders_is_no_score_not_a_low_one() -> None:
    """Issue 14: a shop with 29 delivered orders is insufficient-data (exit 3 under
    --fail-below): its table says how many more orders a score needs."""
    args = ["compute", str(CASES / "eligibility_29"), "-p", "tiktok", "--as-of", "2026-11-30"]
    res = runner.invoke(app, [*args, "--lang", "en", "--fail-below", "2.5"])
    assert res.exit_code == 3
    assert "not enough orders to score" in res.stdout
    assert "29 delivered orders" in res.stdout and "30 are needed for a score, 1 more" in res.stdout
    (payload,) = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    assert (payload["status"], payload["score"]) == ("insufficient-data", None)
    assert {t["passed"] for t in payload["thresholds"]} == {None}


@pytest.mark.parametrize(
    ("folder", "last", "days"),
    [
        # the last days of the sample: orders placed, dispatched and delivered every day
        (SAMPLE, "2026-11-30", 6),
        # 29 delivered orders in the 90 days to 11-26, 30 to 11-27 (023 delivered 11-27; 090,
        # delivered 09-01, is inside those windows): not scored, then scored
        (CASES / "eligibility_30", "2026-11-27", 2),
    ],
    ids=["tiktok_us", "eligibility_30"],
)
def test_every_trend_day_equals_compute(folder: Path, last: str, days: int) -> None:
    """SPEC §7: day D of `trend` equals `compute --as-of D` — metrics on their 60/30-day
    windows, the 90-day eligibility and Star Shop's 30-day order count."""
    from shopscore.engine.scorecard import model, score_day

    (shop,) = api.load(folder)
    end = date.fromisoformat(last)
    prepared = model(shop, PROFILE)  # one preparation: a compute as of any day is score_day
    series = api.trend(shop, PROFILE, end, days)
    statuses = set()
    for card in series.days:
        one = score_day(prepared, card.as_of)
        where = f"{folder.name} {card.as_of}"
        assert card.status == one.status, where
        statuses.add(card.status)
        assert (
            card.score == pytest.approx(one.score, abs=1e-9) if one.score is not None else card.score is None
        )
        for a, b in zip(card.metrics, one.metrics, strict=True):
            assert (a.value is None) == (b.value is None), f"{where} {a.id}"
            if a.value is not None:
                assert a.value == pytest.approx(b.value, abs=1e-9), f"{where} {a.id}"
        for ta, tb in zip(card.thresholds, one.thresholds, strict=True):
            assert (ta.passed, ta.orders) == (tb.passed, tb.orders), f"{where} {ta.id}"
    if folder.name == "eligibility_30":
        assert statuses == {"scored", "insufficient-data"}


def test_forecast_diagnose_and_summary_read_the_declarations(sample: api.ShopData, tmp_path: Path) -> None:
    """diagnose, forecast and summary work for tiktok as for Douyin: every metric breaks
    down by its declared dimensions, the forecast's frozen days equal computes, and the
    summary names the key opportunity."""
    result = api.score(sample, PROFILE)
    assert result.model is not None
    for mid in PROFILE.metrics:
        report = api.diagnose(sample, mid, PROFILE, top=2, prepared=result.model)
        assert set(report.diagnosis.breakdowns) == set(report.diagnosis.metric.metric.by)
    from shopscore.engine.scorecard import score_day

    ahead = api.forecast(sample, PROFILE, days=3)
    for card in ahead.days:
        assert card.score == pytest.approx(score_day(result.model, card.as_of).score, abs=1e-9)
    from shopscore.history import History

    (summary,) = api.summarize([sample], PROFILE, history=History(tmp_path / "h.sqlite"))
    assert summary.key_opportunity is not None
    assert summary.key_opportunity["metric"] == "non-buyer-fault-return-rate"


def test_a_return_without_its_request_time_is_rejected_naming_file_row_and_column(tmp_path: Path) -> None:
    """Bad input in a TikTok export: one line with the file, row and column, never a traceback."""
    shop = tmp_path / "shop"
    shop.mkdir()
    for f in SAMPLE.iterdir():
        (shop / f.name).write_bytes(f.read_bytes())
    returns = shop / "Return_refund_export.csv"
    lines = returns.read_text("utf-8").splitlines()
    cells = lines[3].split(",")
    cells[6] = "13/45/2026 1:00:00 PM\t"  # Time Requested
    lines[3] = ",".join(cells)
    returns.write_text("\r\n".join(lines) + "\r\n", "utf-8")
    (loaded,) = api.load(shop)
    rejected = loaded.report.problems.filter(pl.col("kind") == "rejected").row(0, named=True)
    assert (rejected["path"], rejected["row"], rejected["column"]) == (
        "Return_refund_export.csv",
        4,
        "Time Requested",
    )
    res = runner.invoke(app, ["inspect", str(shop), "-p", "tiktok", "--lang", "en"])
    assert res.exit_code == 0 and "Traceback" not in res.stdout + res.stderr
    assert "Time Requested" in res.stdout
