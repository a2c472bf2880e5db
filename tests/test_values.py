"""--values FILE and shopscore calibrate (SPEC §4b), worked by hand on growth_stage_30.

growth_stage_30 as of 2026-09-30 (tests/fixtures/metrics2026, hand-worked): product 62
(product-rating 4.4 → 60 ×90, quality-return 80 by the small-shop rule ×10), logistics 89
(pickup-score 98 ×15, logistics-return 80 small-shop ×15, waybill no-data), service 86.667
(review 4.0 h → 90, response 35 s → 90, help 80 small-shop; dissatisfaction insufficient),
composite 0.425×62 + 0.2×89 + 0.375×86.667 = 76.65.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from types import MappingProxyType

import pytest
from typer.testing import CliRunner

from shopscore import api
from shopscore.cli import app
from shopscore.engine.calibrate import StepEvidence, _cutoffs, calibrate
from shopscore.engine.readings import Reading, Readings
from shopscore.engine.scoring import Adjustments
from shopscore.errors import ShopscoreError

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "tests" / "fixtures" / "metrics2026" / "growth_stage_30"
D = date(2026, 9, 30)
P = api.load_profile("douyin-2026")
runner = CliRunner()

METRICS_ONLY = """
[[reading]]
date = 2026-09-30
[reading.metrics]
"商品综合评分" = 4.62
"运单配送时效达成率" = "96.5%"
"飞鸽人工会话平响时长" = "28秒"
"""

PAGE_0909 = """
# the page of the issue: 82 with 69/99/85 and +2, which the default weights put at 83
[[reading]]
date = 2026-09-30
"我的总分" = 82
"加分项" = 2
[reading.dimensions]
"商品体验" = 69
"物流体验" = 99
"服务体验" = 85
"""


@pytest.fixture(scope="module")
def shop() -> api.ShopData:
    (s,) = api.load(CASE)
    return s


def _page(tmp_path: Path, text: str, shop: api.ShopData) -> api.Page:
    f = tmp_path / "values.toml"
    f.write_text(text, "utf-8")
    return api.page(shop, P, f)


def test_page_values_replace_own_ones_on_their_day(tmp_path: Path, shop: api.ShopData) -> None:
    """product-rating 4.62 → 70 (own 4.4 → 60); waybill 96.5% → 90 (own no-data); response
    28 s → 100 (own 35 s → 90). Product (90×70 + 10×80)/100 = 71; logistics (15×98 + 70×90 +
    15×80)/100 = 89.7; service (90+100+80)/3 = 90; composite 0.425×71 + 0.2×89.7 + 0.375×90
    = 81.865. No total or dimensions: the weights stay the profile's."""
    page = _page(tmp_path, METRICS_ONLY, shop)
    res = api.score(shop, P, D, page=page)
    assert res.score == pytest.approx(81.865, abs=1e-9)
    dims = {d.id: d.score for d in res.dimensions}
    assert dims == pytest.approx({"product": 71.0, "logistics": 89.7, "service": 90.0}, abs=1e-9)
    rating, waybill, response = (
        res.metric(m) for m in ("product-rating", "waybill-on-time-rate", "im-response-seconds")
    )
    assert (rating.value, rating.score, rating.computed, rating.page) == (4.62, 70.0, 4.4, D)
    assert (waybill.value, waybill.score, waybill.computed, waybill.status) == (0.965, 90.0, None, "scored")
    assert response.value == pytest.approx(28.0) and response.score == 100.0 and response.computed == 35.0
    assert dict(page.fit.weights.fitted) == dict(page.fit.weights.default) and page.fit.notes == ("no-total",)


def test_a_no_data_metric_keeps_the_pages_latest_value_and_others_do_not(
    tmp_path: Path, shop: api.ShopData
) -> None:
    """The day after the reading product-rating is shopscore's own again; waybill (no export
    gives it) keeps 96.5% from 09-30; the day before, nothing of the page applies."""
    page = _page(tmp_path, METRICS_ONLY, shop)
    after = api.score(shop, P, date(2026, 10, 1), page=page)
    assert after.metric("product-rating").page is None
    waybill = after.metric("waybill-on-time-rate")
    assert (waybill.value, waybill.page, waybill.score) == (0.965, D, 90.0)
    before = api.score(shop, P, date(2026, 9, 29), page=page)
    assert before.metric("waybill-on-time-rate").status == "no-data" and before.reading is None
    days = {c.as_of: c for c in api.trend(shop, P, date(2026, 10, 1), 3, page=page).days}
    for day in (date(2026, 9, 29), D, date(2026, 10, 1)):  # the series equals compute each day
        assert days[day].score == pytest.approx(api.score(shop, P, day, page=page).score, abs=1e-9)


def test_the_pages_total_and_dimensions_and_the_weights_fitted_to_them(
    tmp_path: Path, shop: api.ShopData
) -> None:
    """One reading, 82 − 2 = 80 = w·(69, 99, 85), Σw = 1: the weights nearest (0.425, 0.2,
    0.375) are w0 − (x − x̄)(x·w0 − 80)/|x − x̄|² with x̄ = 84.333, x·w0 = 81,
    |x − x̄|² = 450.667: (0.459024, 0.167456, 0.373521). The composite is the page's 82; the
    dimensions are the page's, shopscore's own beside them."""
    page = _page(tmp_path, PAGE_0909, shop)
    x, w0 = (69.0, 99.0, 85.0), (0.425, 0.2, 0.375)
    mean = sum(x) / 3
    norm = sum((v - mean) ** 2 for v in x)
    expect = [w - (v - mean) * (81.0 - 80.0) / norm for v, w in zip(x, w0, strict=True)]
    fitted = page.fit.weights.fitted
    assert [fitted[d] for d in ("product", "logistics", "service")] == pytest.approx(expect, abs=2e-5)
    assert not page.fit.weights.determined and page.fit.notes == ("underdetermined",)
    check = page.fit.checks[0]
    assert check.default == pytest.approx(83.0, abs=1e-9)  # the figure
    assert check.fitted == pytest.approx(82.0, abs=1e-3)
    res = api.score(shop, P, D, page=page)
    assert res.score == 82.0 and res.reading == D
    dims = {d.id: (d.score, d.page) for d in res.dimensions}
    assert dims == {"product": (69.0, True), "logistics": (99.0, True), "service": (85.0, True)}
    out = json.loads(runner.invoke(app, _args("compute", tmp_path, "--as-of", "2026-09-30")).stdout)[0]
    assert out["page"]["date"] == "2026-09-30" and out["adjustments"]["plus"] == 2.0
    assert {d["id"]: d["computed_score"] for d in out["dimensions"]}["service"] == pytest.approx(86.666667)


def test_step_scores_and_cut_offs_inferred_from_the_dimensions(tmp_path: Path, shop: api.ShopData) -> None:
    """Product 69 = 0.9×70 + 0.1×60 is the only pair of steps within the page's rounding:
    product-rating's 4.4 earns 70 (its 70 cut-off moves from 4.6 to 4.4), quality-return's
    3.7% earns 60, not the small-shop 80 (cut-offs unchanged: 2.5% < 3.7% ≤ 4%). Service 85
    has no steps: the mean of three tens is 83.3 or 86.7, so it is a residual, not evidence.
    Logistics: waybill's step is free (the page scores it, no export gives it); 99 is
    missed by 0.7 at best: no evidence."""
    fit = _page(tmp_path, PAGE_0909, shop).fit
    cut = {c.metric: c for c in fit.cutoffs}
    assert set(cut) == {"product-rating", "quality-return-rate-30d"}
    assert cut["product-rating"].fitted[3] == (4.4, 70.0) and cut["product-rating"].fitted[:3] == (
        (4.9, 100.0),
        (4.8, 90.0),
        (4.7, 80.0),
    )
    assert not cut["quality-return-rate-30d"].changed
    dims = {d.id: d for d in fit.checks[0].dimensions}
    assert dims["product"].residual == pytest.approx(0.0, abs=1e-9)
    assert dims["service"].residual == pytest.approx(5 / 3, abs=1e-6)
    assert dims["logistics"].residual == pytest.approx(0.7, abs=1e-9)


def test_several_readings_determine_the_weights_within_bounds() -> None:
    """Totals made with (0.5, 0.2, 0.3) are fitted back exactly; totals that only the
    product dimension explains give (1, 0, 0), the bound, not a negative weight."""
    made = [((60, 90, 80), 72.0), ((80, 70, 90), 81.0), ((95, 60, 70), 80.5)]
    fit = calibrate(P, _readings(made))
    assert fit.weights.determined and fit.rms == pytest.approx(0.0, abs=1e-4)
    got = fit.weights.fitted
    assert [got["product"], got["logistics"], got["service"]] == pytest.approx([0.5, 0.2, 0.3], abs=1e-4)
    edge = calibrate(P, _readings([((60, 90, 80), 60.0), ((80, 70, 95), 80.0), ((95, 60, 70), 95.0)]))
    e = edge.weights.fitted
    assert e["product"] == pytest.approx(1.0, abs=1e-4) and min(e.values()) >= 0.0
    assert sum(e.values()) == pytest.approx(1.0, abs=1e-9)


def _readings(rows: list[tuple[tuple[int, int, int], float]]) -> Readings:
    return Readings(
        tuple(
            Reading(
                date(2026, 9, i + 1),
                total=total,
                dimensions=MappingProxyType(
                    dict(zip(("product", "logistics", "service"), map(float, dims), strict=True))
                ),
            )
            for i, (dims, total) in enumerate(rows)
        )
    )


def test_cut_offs_move_the_least_and_disagreeing_readings_are_a_conflict() -> None:
    """product-rating (higher is better, 90 from 4.8): 4.75 earning 90 moves the 90 bound to
    4.75 and leaves the others; 4.78 earning only 80 as well cannot be (90 ≤ 4.75 and > 4.78)."""
    one = _cutoffs("product-rating", P, [StepEvidence(D, 4.75, 90.0, 80.0, True)])
    assert one.fitted == ((4.9, 100.0), (4.75, 90.0), (4.7, 80.0), (4.6, 70.0), (4.4, 60.0))
    assert not one.conflict
    two = _cutoffs(
        "product-rating",
        P,
        [StepEvidence(D, 4.75, 90.0, 80.0, True), StepEvidence(date(2026, 10, 1), 4.78, 80.0, 80.0, True)],
    )
    assert two.conflict and two.fitted[1] == (4.8, 90.0)
    # 4.85 earning only 80: 90 needs more than 4.85, by the resolution of a rating (0.01)
    short = _cutoffs("product-rating", P, [StepEvidence(D, 4.85, 80.0, 90.0, True)])
    assert short.fitted[1] == (4.86, 90.0) and short.fitted[0] == (4.9, 100.0)
    # lower is better (platform-help-rate, 90 up to 1%): 1.2% earning 90 raises that bound
    # to 1.2% and pushes 80's (2%) not at all; 0.9% earning only 80 puts 90's below 0.9%
    lower = _cutoffs("platform-help-rate", P, [StepEvidence(D, 0.012, 90.0, 80.0, True)])
    assert lower.fitted[1] == (0.012, 90.0) and lower.fitted[2] == (0.02, 80.0)
    below = _cutoffs("platform-help-rate", P, [StepEvidence(D, 0.009, 80.0, 90.0, True)])
    assert below.fitted[1] == (pytest.approx(0.0089), 90.0) and below.fitted[0] == (0.005, 100.0)


def _args(command: str, tmp_path: Path, *more: str) -> list[str]:
    return [
        command,
        str(CASE),
        "-p",
        "douyin-2026",
        "--values",
        str(tmp_path / "values.toml"),
        *more,
        "-f",
        "json",
    ]


def test_calibrate_prints_the_fit_and_saves_a_profile_compute_then_uses(
    tmp_path: Path, shop: api.ShopData
) -> None:
    (tmp_path / "values.toml").write_text(PAGE_0909, "utf-8")
    saved = tmp_path / "fitted.toml"
    res = runner.invoke(app, [*_args("calibrate", tmp_path), "--save", str(saved)])
    assert res.exit_code == 0, res.stderr
    out = json.loads(res.stdout)[0]
    assert out["weights"]["fitted"]["product"] == pytest.approx(0.459024, abs=2e-5)
    assert out["checks"][0]["profile"] == pytest.approx(83.0)
    mine = api.load_profile(str(saved))
    assert mine.dimensions["product"].weight == pytest.approx(45.9024, abs=2e-3)
    assert mine.metrics["product-rating"].curve.points[3] == (4.4, 70.0)
    # the saved profile scores 09-30 as the fit does, without the page's figures
    direct = api.score(shop, mine, D)
    fitted = api.score(shop, _page(tmp_path, PAGE_0909, shop).fit.profile(), D)
    assert direct.score == pytest.approx(fitted.score, abs=1e-4)
    for lang, foreign in (("zh", re.compile(r"[A-Za-z]{3,}")), ("en", re.compile(r"[\u4e00-\u9fff]"))):
        text = runner.invoke(
            app,
            [
                "calibrate",
                str(CASE),
                "-p",
                "douyin-2026",
                "--values",
                str(tmp_path / "values.toml"),
                "--lang",
                lang,
            ],
        ).stdout
        left = set(foreign.findall(text.replace(str(CASE), "").replace(CASE.name, ""))) - {
            "compute",
            "trend",
            "forecast",
            "values",
            "save",
            "growth_stage_30",
        }
        assert not left, (lang, left)
    forecast = runner.invoke(app, _args("forecast", tmp_path, "--as-of", "2026-09-30", "--days", "3"))
    assert forecast.exit_code == 0, forecast.stderr


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[[reading]]\ntotal = 82\n", "reading 1, date: missing"),
        (
            '[[reading]]\ndate = 2026-09-30\n[reading.metrics]\n"好评率" = "3%"\n',
            "metrics.好评率: no such metric",
        ),
        ('[[reading]]\ndate = 2026-09-30\n[reading.metrics]\n"平台求助率" = 0.8\n', "with %"),
        (
            '[[reading]]\ndate = 2026-09-30\n[reading.metrics]\n"飞鸽人工会话平响时长" = "3 weeks"\n',
            "unknown unit",
        ),
        ("[[reading]]\ndate = 2026-09-30\ntotal = 120\n", "expected a score from 50 to 100"),
        (
            "[[reading]]\ndate = 2026-09-30\ntotal = 82\n[[reading]]\ndate = 2026-09-30\ntotal = 81\n",
            "two readings",
        ),
        ("[[reading]]\ndate = 2026-09-30\n", "holds no figure"),
        ("[[reading]]\ndate = 2026-09-30\nscore = 80\n", "score: unknown key"),
        ("[[reading]\n", "not valid TOML"),
    ],
)
def test_a_bad_values_file_is_one_line_naming_file_reading_and_key(
    text: str, said: str, tmp_path: Path
) -> None:
    f = tmp_path / "values.toml"
    f.write_text(text, "utf-8")
    with pytest.raises(ShopscoreError, match=re.escape(said)) as err:
        api.read_values(f, P)
    assert str(f) in str(err.value) and "\n" not in str(err.value)
    res = runner.invoke(app, ["compute", str(CASE), "-p", "douyin-2026", "--values", str(f)])
    assert res.exit_code == 2 and said in res.stderr.replace("\n", " ") and "Traceback" not in res.stderr


def test_units_and_names_as_the_page_writes_them(tmp_path: Path) -> None:
    f = tmp_path / "v.toml"
    f.write_text(
        '[[reading]]\n"日期" = "2026/09/30"\n"扣分项" = 1.5\n[reading."指标"]\n'
        '"售后审核时长" = "90分钟"\n"im-response-seconds" = "1.5min"\n'
        '"平台求助率" = { "数值" = "0.8%", "得分" = 90, "权重" = "25%" }\n'
        '[reading.bonus]\n"物流体验" = 3\n',
        "utf-8",
    )
    (r,) = api.read_values(f, P).items
    assert r.day == D and r.adjustments == Adjustments(1.5, MappingProxyType({"logistics": 3.0}), 0.0)
    assert r.metrics["aftersale-review-hours"].value == pytest.approx(1.5)
    assert r.metrics["im-response-seconds"].value == pytest.approx(90.0)
    help_ = r.metrics["platform-help-rate"]
    assert (help_.value, help_.score, help_.weight) == (pytest.approx(0.008), 90.0, 0.25)


def test_values_is_one_shops_page(tmp_path: Path) -> None:
    """An agency folder of two shops with one values file: an error naming the count."""
    import shutil

    for name in ("a", "b"):
        shutil.copytree(CASE, tmp_path / "shops" / name)
        (tmp_path / "shops" / name / "expected.toml").unlink(missing_ok=True)
    (tmp_path / "values.toml").write_text(PAGE_0909, "utf-8")
    args = ["compute", str(tmp_path / "shops"), "--shops", "each", "--values", str(tmp_path / "values.toml")]
    res = runner.invoke(app, [*args, "-p", "douyin-2026"])
    assert res.exit_code == 2 and "2 shops were found" in res.stderr.replace("\n", " ")


# ------------------------------------------------------------------ found in review


def _write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "values.toml"
    f.write_text(text, "utf-8")
    return f


def test_a_weight_alone_changes_no_score(tmp_path: Path, shop: api.ShopData) -> None:
    """im-dissatisfaction has 1 rated chat of the 10 it needs: a page weight for it is for
    the fit, not a value; the metric stays insufficient and the composite 76.65."""
    text = '[[reading]]\ndate = 2026-09-30\n[reading.metrics]\n"飞鸽会话不满意率" = { weight = "25%" }\n'
    res = api.score(shop, P, D, page=_page(tmp_path, text, shop))
    m = res.metric("im-dissatisfaction-30d")
    assert m.status == "insufficient" and m.page is None and res.score == pytest.approx(76.65, abs=1e-9)


def test_a_total_at_the_maximum_with_a_bonus_is_no_equation_for_the_weights(tmp_path: Path) -> None:
    """100 with +3 and dimensions 100/96/100: the profile's weights give min(99.2 + 3, 100)
    = 100 already; the reading only says "at least 97", so it does not move the weights."""
    text = (
        "[[reading]]\ndate = 2026-09-30\ntotal = 100\nbonus = 3\n[reading.dimensions]\n"
        '"商品体验" = 100\n"物流体验" = 96\n"服务体验" = 100\n'
    )
    fit = calibrate(P, api.read_values(_write(tmp_path, text), P))
    assert dict(fit.weights.fitted) == dict(fit.weights.default) and fit.weights.readings == 0
    assert fit.checks[0].default == 100.0 and fit.checks[0].residual == 0.0  # on the scale


def test_the_pages_value_and_score_pairs_move_cut_offs_and_disagreement_keeps_the_profiles(
    tmp_path: Path,
) -> None:
    """0.8% help rate scored 100 on the page (the profile says 90): 100's bound rises from
    0.5% to 0.8%. A second day's 0.7% scored 90 contradicts it: the profile's curve stands."""
    one = (
        '[[reading]]\ndate = 2026-09-09\n[reading.metrics]\n"平台求助率" = { value = "0.8%", score = 100 }\n'
    )
    fit = calibrate(P, api.read_values(_write(tmp_path, one), P))
    (cut,) = fit.cutoffs
    assert (
        cut.fitted[0] == (0.008, 100.0) and cut.fitted[1:] == P.metrics["platform-help-rate"].curve.points[1:]
    )
    two = (
        one
        + '[[reading]]\ndate = 2026-09-10\n[reading.metrics]\n"平台求助率" = { value = "0.7%", score = 90 }\n'
    )
    (cut,) = calibrate(P, api.read_values(_write(tmp_path, two), P)).cutoffs
    assert cut.conflict and cut.fitted == P.metrics["platform-help-rate"].curve.points and not cut.changed


def test_the_pages_bonus_holds_until_it_shows_others_and_own_flags_hold_elsewhere(
    tmp_path: Path, shop: api.ShopData
) -> None:
    """A reading of 09-28 showing only 加分项 +2 (on the total): 76.65 + 2 that day and the
    days after; --deduct 5 given by the seller applies where no reading says otherwise."""
    page = _page(
        tmp_path,
        '[[reading]]\ndate = 2026-09-28\n"加分项" = 2\n[reading.metrics]\n"商品综合评分" = 4.4\n',
        shop,
    )
    after = api.score(shop, P, D, page=page)
    assert after.score == pytest.approx(78.65, abs=1e-9) and after.adjustments_used is not None
    mine = api.parse_adjustments(P, 5, None)
    assert api.score(shop, P, D, adjustments=mine, page=page).score == pytest.approx(71.65, abs=1e-9)
    before = api.score(shop, P, date(2026, 9, 27), adjustments=mine, page=page)
    assert before.adjustments_used == mine


def test_two_identical_readings_leave_the_weights_undetermined() -> None:
    same = [((69, 99, 85), 80.0), ((69, 99, 85), 80.0)]
    assert not calibrate(P, _readings(same)).weights.determined


def test_saved_fit_keeps_the_shop_types_small_shop_bound(tmp_path: Path) -> None:
    _write(tmp_path, PAGE_0909)
    saved = tmp_path / "fitted.toml"
    res = runner.invoke(app, [*_args("calibrate", tmp_path), "--shop-type", "flagship", "--save", str(saved)])
    assert res.exit_code == 0, res.stderr
    mine = api.load_profile(str(saved))
    assert mine.small_shop is not None and mine.small_shop.below_orders == 300


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[[reading]]\ndate = 1999-12-31\ntotal = 80\n", "expected a day from 2000-01-01"),
        (
            '[[reading]]\ndate = 2026-09-30\n[reading.dimensions]\n"商品体验" = 69\nproduct = 70\n',
            "given twice",
        ),
        ('[[reading]]\ndate = 2026-09-30\ntotal = 82\n"我的总分" = 90\n', "given twice"),
        ('[[reading]]\ndate = 2026-09-30\n[reading.metrics]\n"商品综合评分" = 46.2\n', "at most 5"),
        (
            '[[reading]]\ndate = 2026-09-30\n[reading.metrics]\n"平台求助率" = { weight = 0.25 }\n',
            "percentage",
        ),
        ('[[reading]]\ndate = 2026-09-30\ntotal = 80\n"加分项" = "2%"\n', "expected points"),
        ("[[reading]]\n日期 = 2026-09-30\n", "put names in quotes"),
    ],
)
def test_more_bad_values_files(text: str, said: str, tmp_path: Path) -> None:
    with pytest.raises(ShopscoreError, match=re.escape(said)):
        api.read_values(_write(tmp_path, text), P)


def test_encodings_a_bom_is_fine_and_gbk_says_save_as_utf8(tmp_path: Path) -> None:
    f = tmp_path / "v.toml"
    f.write_bytes(b"\xef\xbb\xbf" + PAGE_0909.encode("utf-8"))
    assert api.read_values(f, P).items[0].total == 82.0
    f.write_bytes(PAGE_0909.encode("gbk"))
    with pytest.raises(ShopscoreError, match="save it as UTF-8"):
        api.read_values(f, P)


def test_the_5_point_profile_says_values_are_for_the_100_point_model(tmp_path: Path) -> None:
    _write(tmp_path, PAGE_0909)
    res = runner.invoke(app, ["compute", str(CASE), "--values", str(tmp_path / "values.toml")])
    assert res.exit_code == 2 and "douyin-2026" in res.stderr


def test_a_growth_stage_day_keeps_its_status_with_the_pages_total(tmp_path: Path) -> None:
    (young,) = api.load(CASE.parent / "growth_stage_29")
    f = _write(tmp_path, "[[reading]]\ndate = 2026-09-30\ntotal = 70\n")
    res = api.score(young, P, D, page=api.page(young, P, f))
    assert (res.status, res.score, res.page_total) == ("growth-stage", 70.0, True)


def test_dimension_scores_on_the_page_mean_the_formal_stage(tmp_path: Path) -> None:
    """growth_stage_29 counts 29 orders here, but a page showing dimension scores has the
    shop in its formal stage: scored, with the page's total."""
    (young,) = api.load(CASE.parent / "growth_stage_29")
    text = (
        "[[reading]]\ndate = 2026-09-30\ntotal = 71\n[reading.dimensions]\n"
        '"商品体验" = 66\n"物流体验" = 88\n"服务体验" = 70\n'
    )
    res = api.score(young, P, D, page=api.page(young, P, _write(tmp_path, text)))
    assert (res.status, res.score) == ("scored", 71.0)
    assert {d.id: d.score for d in res.dimensions} == {"product": 66.0, "logistics": 88.0, "service": 70.0}
