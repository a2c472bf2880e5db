"""The surface of trend, forecast, whatif and target: JSON equals the library's result and
its schema, every human format renders (80 columns, GBK consoles), several shops, results
as values (scoring never changes the loaded shop), threshold statistics over past days, and
the 100-point step-scored profile through whatif/target."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import polars as pl
import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from shopscore import api
from shopscore.cli import app
from shopscore.engine.scorecard import model, score_day, score_days
from shopscore.report import series as render

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "tests" / "fixtures" / "metrics" / "shop_scored"
FLAGSHIP = ROOT / "sample_exports" / "douyin_flagship"
SERIES_SCHEMA = json.loads((ROOT / "docs" / "series.schema.json").read_text("utf-8"))
TARGET_SCHEMA = json.loads((ROOT / "docs" / "target.schema.json").read_text("utf-8"))
COMPUTE_SCHEMA = json.loads((ROOT / "docs" / "compute.schema.json").read_text("utf-8"))
AS_OF = date(2026, 9, 30)
runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.stdout, res.stderr


def _plain(payload: object) -> object:
    return json.loads(json.dumps(payload, ensure_ascii=False, default=str))


@pytest.fixture(scope="module")
def shop() -> api.ShopData:
    (s,) = api.load(CASE)
    return s


def test_trend_json_equals_library_and_schema(shop: api.ShopData) -> None:
    code, out, _ = _run("trend", str(CASE), "--as-of", "2026-09-30", "--days", "20", "-f", "json")
    assert code == 0
    (payload,) = json.loads(out)
    assert payload == _plain(api.trend(shop, "douyin", AS_OF, 20).to_json())
    jsonschema.validate([payload], SERIES_SCHEMA)
    assert [d["date"] for d in payload["days"]][::19] == ["2026-09-11", "2026-09-30"]


def test_forecast_json_equals_library_and_schema(shop: api.ShopData) -> None:
    for assume in ("frozen", "recent"):
        args = (
            "forecast",
            str(CASE),
            "--as-of",
            "2026-09-30",
            "--days",
            "15",
            "--assume",
            assume,
            "-f",
            "json",
        )
        code, out, _ = _run(*args)
        assert code == 0
        (payload,) = json.loads(out)
        assert payload == _plain(api.forecast(shop, "douyin", AS_OF, 15, assume).to_json())
        jsonschema.validate([payload], SERIES_SCHEMA)
        assert payload["days"][0]["date"] == "2026-10-01" and len(payload["days"]) == 15
        assert set(payload["days"][0]["leaving"]) == set(payload["days"][0]["metrics"])


def test_target_and_whatif_json_equal_library_and_schema(shop: api.ShopData) -> None:
    code, out, _ = _run("target", str(CASE), "--as-of", "2026-09-30", "--score", "3", "-f", "json")
    assert code == 0
    (payload,) = json.loads(out)
    assert payload == _plain(api.target(shop, 3.0, "douyin", AS_OF).to_json())
    jsonschema.validate([payload], TARGET_SCHEMA)
    code, out, _ = _run(
        "whatif", str(CASE), "--as-of", "2026-09-30", "--set", "complaint-rate=0.1%", "-f", "json"
    )
    assert code == 0
    (payload,) = json.loads(out)
    prof = api.load_profile("douyin")
    settings = api.parse_settings(prof, ["complaint-rate=0.1%"])
    assert settings == {"complaint-rate": pytest.approx(0.001)}
    assert payload == _plain(api.whatif(shop, settings, prof, AS_OF).to_json())
    jsonschema.validate([payload], COMPUTE_SCHEMA)
    assert [m["id"] for m in payload["metrics"] if m["whatif"]] == ["complaint-rate"]


@pytest.mark.parametrize(
    "args",
    [
        ("trend", "--days", "120"),
        ("forecast", "--days", "40"),
        ("forecast", "--days", "40", "--assume", "recent"),
        ("target", "--score", "4.8"),
        ("whatif", "--set", "negative-feedback-rate=1%"),
    ],
    ids=lambda a: "-".join(a[:1] + a[-1:]),
)
@pytest.mark.parametrize("fmt", ["table", "markdown"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_human_formats(args: tuple[str, ...], fmt: str, lang: str) -> None:
    code, out, err = _run(args[0], str(FLAGSHIP), *args[1:], "-f", fmt, "--lang", lang)
    assert code == 0, err
    assert "douyin_flagship" in out and ("估算值" in out if lang == "zh" else "Estimate" in out)


@pytest.mark.parametrize("kind", ["trend", "forecast", "target"])
def test_reports_fit_80_columns(kind: str) -> None:
    (s,) = api.load(FLAGSHIP)
    report = {
        "trend": lambda: api.trend(s, "douyin", None, 180),
        "forecast": lambda: api.forecast(s, "douyin", None, 60),
        "target": lambda: api.target(s, 4.8, "douyin"),
    }[kind]()
    console = Console(width=80, record=True, force_terminal=False, color_system=None)
    getattr(render, f"render_{kind}")(report, console, "zh")
    lines = console.export_text().splitlines()
    assert lines and max(cell_len(line) for line in lines) <= 80


@pytest.mark.parametrize("encoding", ["gbk", "ascii"])
def test_charts_on_any_console_encoding(encoding: str) -> None:
    """Braille chart dots do not exist in GBK: the chart draws with '*' there."""
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    res = subprocess.run(
        [sys.executable, "-m", "shopscore.cli", "trend", str(FLAGSHIP), "--days", "60", "--lang", "en"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert res.returncode == 0, res.stderr.decode(encoding, "replace")
    out = res.stdout.decode(encoding)
    assert "*" in out and "?" * 3 not in out


def test_several_shops_give_a_list_and_a_bad_shop_is_its_own_error(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(CASE, tmp_path / "a_shop")
    shutil.copytree(CASE, tmp_path / "b_shop")
    (tmp_path / "c_empty").mkdir()
    (tmp_path / "c_empty" / "notes.csv").write_text("备注,内容\n1,x\n", "utf-8")
    code, out, err = _run("trend", str(tmp_path), "--shops", "each", "--days", "5", "-f", "json")
    payload = json.loads(out)
    assert [p["shop"] for p in payload] == ["a_shop", "b_shop", "c_empty"]
    assert payload[2]["status"] == "error" and "c_empty" in err
    assert code == 2
    assert payload[0]["days"] == payload[1]["days"]


def test_bad_options_are_one_line_errors() -> None:
    for args, word in (
        (("trend", str(CASE), "--days", "0"), "--days"),
        (("target", str(CASE), "--score", "7"), "--score"),
        (("whatif", str(CASE), "--set", "complaint-rate=150"), "--set"),
        (("whatif", str(CASE), "--set", "complaint-rate"), "--set"),
    ):
        code, _out, err = _run(*args)
        assert code == 2 and word in err and len(err.strip().splitlines()) == 1, (args, err)
        assert "Traceback" not in err


def test_scoring_never_changes_the_loaded_shop(shop: api.ShopData) -> None:
    """Results are values: the loaded frames and report are the same after every command."""
    frames = {k: v.clone() for k, v in shop.frames.items()}
    report = json.dumps(shop.report.to_json(), default=str, sort_keys=True)
    api.score(shop, "douyin", AS_OF)
    api.trend(shop, "douyin", AS_OF, 30)
    api.forecast(shop, "douyin", AS_OF, 30, "recent")
    api.whatif(shop, {"complaint-rate": 0.0}, "douyin", AS_OF)
    api.target(shop, 4.8, "douyin", AS_OF)
    assert set(frames) == set(shop.frames)
    for k, frame in frames.items():
        assert shop.frames[k].equals(frame), k
    assert json.dumps(shop.report.to_json(), default=str, sort_keys=True) == report
    first = api.score(shop, "douyin", AS_OF).to_json()
    assert api.score(shop, "douyin", AS_OF).to_json() == first


MEAN_PROFILE = """
extends = "douyin"
id = "with-mean"

[[thresholds]]
id = "week-mean"
bound = 2.3
applies_to = "composite"
statistic = "mean"
days = 7
zh = "7日均分"
en = "7-day mean"

[[thresholds]]
id = "never-below"
bound = 2.3
applies_to = "composite"
statistic = "min"
days = 3
"""


def test_threshold_statistics_read_the_days_before(tmp_path: Path, shop: api.ShopData) -> None:
    """A threshold on the mean (min) of the last N daily scores (SPEC §4b) equals that
    statistic of the trend's last N days, and is unknown while a day of them has no score."""
    p = tmp_path / "mean.toml"
    p.write_text(MEAN_PROFILE, "utf-8")
    prof = api.load_profile(str(p))
    m = model(shop, prof)
    days = score_days(m, AS_OF - timedelta(days=6), AS_OF).days
    card = score_day(m, AS_OF)
    th = {t.id: t for t in card.thresholds}
    scores = [c.score for c in days]
    assert all(s is not None for s in scores)
    assert th["week-mean"].value == pytest.approx(sum(scores) / 7, abs=1e-12)  # type: ignore[arg-type]
    assert th["never-below"].value == pytest.approx(min(scores[-3:]), abs=1e-12)  # type: ignore[type-var]
    assert th["week-mean"].passed is (sum(scores) / 7 >= 2.3)  # type: ignore[arg-type]
    # shop_scored is first scored on 09-01 (its 30th delivery): the mean of 08-27…09-02 is unknown
    early = {t.id: t for t in score_day(m, date(2026, 9, 2)).thresholds}
    assert early["week-mean"].value is None and early["week-mean"].passed is None
    assert {t.id: t for t in score_day(m, date(2026, 9, 3)).thresholds}["never-below"].value is not None


def test_unknown_threshold_statistic_is_a_profile_error(tmp_path: Path) -> None:
    p = tmp_path / "bad.toml"
    p.write_text('extends = "douyin"\n[[thresholds]]\nid = "x"\nbound = 1\nstatistic = "median"\n', "utf-8")
    with pytest.raises(api.ShopscoreError, match="statistic"):
        api.load_profile(str(p))


def test_frames_stay_polars(shop: api.ShopData) -> None:
    """The event frames are lazy: building a model reads nothing twice."""
    m = model(shop, api.load_profile("douyin"))
    assert all(ev.population is None or isinstance(ev.population, pl.LazyFrame) for ev in m.events.values())


def test_event_frames_carry_drill_down_columns_and_their_source_row() -> None:
    """Each metric's event frame keeps its drill-down columns and the file and row each
    counted unit came from (what diagnose groups and lists)."""
    (s,) = api.load(ROOT / "sample_exports" / "douyin_verbatim")
    m = model(s, api.load_profile("douyin"))
    refunds = m.events["refund-only-hours"].population
    assert refunds is not None
    names = set(refunds.collect_schema().names())
    assert {"anchor", "known", "hit_at", "v", "__file", "__row", "reason_text", "product_id"} <= names
    rows = refunds.select("__file", "__row").collect()
    assert rows.height > 0 and rows["__row"].null_count() == 0


def test_trend_names_the_metric_that_moved_the_score() -> None:
    """aging_out (tests/fixtures/series/aging_out/expected.toml): from 10-01 to 10-02 only
    negative-feedback-rate moves: 4/100 → score 4.4, points lost 0.425 × 0.6 = 0.255; 1/96 →
    599/120, points lost 0.425 × 1/120 = 0.0035416…; change −0.2514583…"""
    (s,) = api.load(ROOT / "tests" / "fixtures" / "series" / "aging_out")
    report = api.trend(s, "douyin", date(2026, 10, 2), 2)
    found = render.movers(report)
    assert found is not None
    first, last, moves = found
    assert (first.as_of, last.as_of) == (date(2026, 10, 1), date(2026, 10, 2))
    assert [(now.id, change) for _, now, change in moves] == [
        ("negative-feedback-rate", pytest.approx(0.425 / 120 - 0.255, abs=1e-12))
    ]
    console = Console(width=80, record=True, color_system=None)
    render.render_trend(report, console, "en")
    assert "Negative feedback rate (CCR): 4.00% → 1.04%" in console.export_text()


def test_an_absurd_reply_time_is_no_crash(tmp_path: Path) -> None:
    """A 飞鸽 first reply of 10^19 seconds (a damaged cell) would overflow a timestamp: it
    counts as unanswered in time, and every command still runs."""
    (tmp_path / "orders.csv").write_text("主订单编号,支付完成时间\n1,2026-09-01 10:00:00\n", "utf-8")
    (tmp_path / "im.csv").write_text(
        "会话ID,会话开始时间,首次响应时长,满意度评价\n"
        "S1,2026-09-01 10:00:00,10000000000000000000,5\nS2,2026-09-01 11:00:00,30,1\n",
        "utf-8",
    )
    commands = (
        ("compute",),
        ("trend", "--days", "5"),
        ("forecast", "--days", "5"),
        ("diagnose", "-m", "im-3min"),
    )
    for args in commands:
        code, _out, err = _run(args[0], str(tmp_path), *args[1:], "-f", "json")
        assert code == 0, (args, err)
    (s,) = api.load(tmp_path)
    reply = api.score(s, "douyin").metric("im-3min-reply-rate")
    assert (reply.numerator, reply.denominator) == (1, 2)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_an_as_of_day_out_of_range_is_a_usage_error(day: str) -> None:
    for command in ("compute", "trend", "forecast"):
        code, _, err = _run(command, str(CASE), "--as-of", day)
        assert code == 2 and "--as-of" in err and "internal" not in err, (command, err)


@pytest.mark.parametrize(
    ("day", "hits", "sessions"),
    [("2026-09-12", 200, 395), ("2026-09-22", 171, 334), ("2026-09-30", 202, 393)],
)
def test_sessions_win_over_daily_data_up_to_the_latest_session_as_of_the_day(
    day: str, hits: int, sessions: int
) -> None:
    """tests/fixtures/series/im_split/README.md works these out by hand: on 09-12 the days
    09-06…12 still count from the daily data (no session after 09-05 is known yet)."""
    folder = ROOT / "tests" / "fixtures" / "series" / "im_split"
    code, out, _ = _run("compute", str(folder), "--as-of", day, "-f", "json")
    assert code == 0
    reply = next(m for m in json.loads(out)[0]["metrics"] if m["id"] == "im-3min-reply-rate")
    assert (reply["numerator"], reply["denominator"]) == (hits, sessions)
    code, out, _ = _run("trend", str(folder), "--as-of", "2026-09-30", "--days", "30", "-f", "json")
    trend = {d["date"]: d["metrics"]["im-3min-reply-rate"] for d in json.loads(out)[0]["days"]}
    assert trend[day] == pytest.approx(hits / sessions, abs=1e-8)


@pytest.mark.parametrize("goal", [4.45, 4.5, 4.61, 4.7, 4.8])
def test_the_shown_needed_value_reaches_the_target_too(goal: float) -> None:
    """The table shows `needed` at 0.01 % / 0.1 h: rounded to the better side, so typing the
    shown figure into whatif still reaches the target (1.50 % would give 4.60993 < 4.61)."""
    from shopscore.engine.metrics import REGISTRY

    (s,) = api.load(FLAGSHIP)
    t = api.target(s, goal, "douyin")
    shown = [*(n for n in t.needs if n.needed is not None), *(t.combination or ())]
    assert shown
    for n in t.needs:
        if n.needed is None:
            continue
        metric = REGISTRY[n.id]
        text = render.fmt_needed(n.needed, metric.unit, metric.direction)
        number = float(text.split()[0].rstrip("%"))
        value = number / 100 if text.endswith("%") else number
        got = api.whatif(s, {n.id: value}, "douyin").score
        assert got is not None and got >= goal - 1e-9, (n.id, text, got)
    if t.combination:
        values = {}
        for n in t.combination:
            metric = REGISTRY[n.id]
            text = render.fmt_needed(n.needed, metric.unit, metric.direction)
            number = float(text.split()[0].rstrip("%"))
            values[n.id] = number / 100 if text.endswith("%") else number
        got = api.whatif(s, values, "douyin").score
        assert got is not None and got >= goal - 1e-9


def test_whatif_over_several_shops_keeps_the_good_ones(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(CASE, tmp_path / "a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "orders.csv").write_text("主订单编号,订单状态\n1,待支付\n", "utf-8")
    code, out, err = _run(
        "whatif", str(tmp_path), "--shops", "each", "--set", "delivery-hours=10", "-f", "json"
    )
    payload = json.loads(out)
    assert code == 2 and [p["status"] for p in payload][1] == "error"
    assert payload[0]["status"] == "scored" and "b: b:" not in err
