"""The surface of `diagnose`: JSON equals the library and its schema; every metric of every
profile diagnoses; --metric by name or prefix; the exports round-trip (ids intact, no
formulas); 80 columns and GBK consoles; the sample shops get a data-grounded recommendation."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from shopscore import api
from shopscore.cli import app
from shopscore.engine.profiles import load_profile, shipped_profiles
from shopscore.report.diagnose import render_diagnose

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "sample_exports" / "douyin_flagship"
VERBATIM = ROOT / "sample_exports" / "douyin_verbatim"
TIKTOK = ROOT / "sample_exports" / "tiktok_us"
SCHEMA = json.loads((ROOT / "docs" / "diagnose.schema.json").read_text("utf-8"))
runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.stdout, res.stderr


@pytest.fixture(scope="module")
def flagship() -> api.ShopData:
    (s,) = api.load(FLAGSHIP)
    return s


def test_json_equals_library_and_schema(flagship: api.ShopData) -> None:
    code, out, _ = _run(
        "diagnose", str(FLAGSHIP), "--metric", "pickup-on-time-rate", "-f", "json", "--lang", "en"
    )
    assert code == 0
    (payload,) = json.loads(out)
    expected = api.diagnose(flagship, "pickup-on-time-rate", "douyin").to_json("en")
    assert payload == json.loads(json.dumps(expected, ensure_ascii=False, default=str))
    jsonschema.validate([payload], SCHEMA)
    (compute,) = json.loads(_run("compute", str(FLAGSHIP), "-f", "json")[1])
    assert payload["metric"] == next(m for m in compute["metrics"] if m["id"] == "pickup-on-time-rate")


@pytest.mark.parametrize("profile", shipped_profiles())
def test_every_metric_of_every_profile_diagnoses(profile: str) -> None:
    """No metric crashes, on either Douyin sample shop (tiktok's too: a profile on the other
    platform's exports) and on the TikTok one for its own profile; a no-data one says so."""
    prof = load_profile(profile)
    for path in (FLAGSHIP, VERBATIM, *((TIKTOK,) if profile == "tiktok" else ())):
        (s,) = api.load(path)
        prepared = api.score(s, prof).model  # one preparation serves every metric
        for mid in prof.metrics:
            report = api.diagnose(s, mid, prof, top=3, prepared=prepared)
            payload = report.to_json("zh")
            jsonschema.validate([payload], SCHEMA)
            assert payload["metric"]["id"] == mid
            assert set(payload["breakdowns"]) == set(report.diagnosis.breakdowns)
            assert len(payload["records"]) <= 3 and payload["recommendations"]


def test_without_metric_it_diagnoses_the_one_costing_most_points(flagship: api.ShopData) -> None:
    score = api.score(flagship, "douyin")
    worst = max((m for m in score.metrics if m.points_lost), key=lambda m: m.points_lost or 0)
    assert api.diagnose(flagship, None, "douyin").metric.id == worst.id


@pytest.mark.parametrize("path", [FLAGSHIP, VERBATIM], ids=["flagship", "verbatim"])
def test_the_worst_metric_gets_a_data_grounded_recommendation(path: Path) -> None:
    """The sample shops' worst metric: the recommendation names a product, agent or carrier
    of the data and its figures (the evidence), not generic advice."""
    (s,) = api.load(path)
    report = api.diagnose(s, None, "douyin")
    recs = [r for r in report.recommendations("zh") if r["evidence"]]
    assert recs
    e = recs[0]["evidence"]
    assert e["share"] >= 0.2 and e["label"] and e["label"] in recs[0]["text"]
    group = next(g for g in report.diagnosis.breakdowns[e["dimension"]] if g.key == e["key"])
    assert (group.bad, group.events) == (e["bad"], e["events"])


def test_metric_by_chinese_name_or_prefix_and_unknown_lists_them(flagship: api.ShopData) -> None:
    assert api.diagnose(flagship, "IM不满意率", "douyin").metric.id == "im-dissatisfaction"
    assert api.diagnose(flagship, "im-dis", "douyin").metric.id == "im-dissatisfaction"
    code, _, err = _run("diagnose", str(FLAGSHIP), "--metric", "nope")
    assert code == 2 and "pickup-on-time-rate" in err and "揽收及时率" in err
    code, _, err = _run("diagnose", str(FLAGSHIP), "--metric", "im-")
    assert code == 2 and "im-3min-reply-rate" in err and "im-dissatisfaction" in err


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (("--metric", "pickup-on-time-rate", "--by", "agent"), "--by"),
        (("--top", "0"), "--top"),
        (("--export", "out.txt"), "--export"),
    ],
)
def test_bad_options_are_one_line_errors(args: tuple[str, ...], word: str) -> None:
    code, _, err = _run("diagnose", str(FLAGSHIP), *args)
    assert code == 2 and word in err and len(err.strip().splitlines()) == 1


def test_by_keeps_one_dimension() -> None:
    code, out, _ = _run("diagnose", str(FLAGSHIP), "-m", "im-dissatisfaction", "--by", "agent", "-f", "json")
    assert code == 0 and list(json.loads(out)[0]["breakdowns"]) == ["agent"]


def test_xlsx_export_round_trips_with_ids_as_text(tmp_path: Path, flagship: api.ShopData) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "diag.xlsx"
    code, _, err = _run(
        "diagnose", str(FLAGSHIP), "-m", "negative-feedback-rate", "--top", "50", "--export", str(target)
    )
    assert code == 0 and str(target) in err.replace("\n", "")
    report = api.diagnose(flagship, "negative-feedback-rate", "douyin", top=50)
    book = load_workbook(target)
    assert book.sheetnames == ["概览", "商品", "周", "记录"]
    records = book["记录"]
    header = [c.value for c in records[1]]
    rows = [[c.value for c in r] for r in records.iter_rows(min_row=2)]
    assert len(rows) == len(report.records()) == 11
    ids = [r[header.index("order_id")] for r in rows]
    assert ids == [r["order_id"] for r in report.records()]  # 19-digit ids, not 4.9E+18
    assert all(isinstance(i, str) and len(i) >= 16 for i in ids)
    assert records.freeze_panes == "A2" and records["A1"].font.bold
    products = book["商品"]
    assert products.max_row - 1 == len(report.diagnosis.breakdowns["product"])
    assert products.column_dimensions["B"].width >= 10  # fits a Chinese product name


def test_exports_never_write_a_formula(tmp_path: Path) -> None:
    """A review text from the exports that starts with = (or +, -, @) stays text."""
    shop = tmp_path / "shop"
    shutil.copytree(VERBATIM, shop)
    (shop / "reviews_extra.csv").write_text(
        "评价ID,订单ID,商品ID,商品名称,评价时间,商品评分,评价内容\n"
        'R-EVIL,4900000001,36000007919,纯棉T恤,2026-11-18 10:00:00,1,"=HYPERLINK(""http://x"",""点我"")"\n',
        "utf-8",
    )
    target = tmp_path / "diag.xlsx"
    code, _, err = _run(
        "diagnose", str(shop), "-m", "product-negative-review-rate", "--export", str(target), "--shops", "one"
    )
    assert code == 0, err
    from openpyxl import load_workbook

    sheet = load_workbook(target)["记录"]
    cells = [
        c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert cells and all(c.data_type == "s" for c in cells)
    csv_target = tmp_path / "diag.csv"
    code, _, _ = _run(
        "diagnose",
        str(shop),
        "-m",
        "product-negative-review-rate",
        "--export",
        str(csv_target),
        "--shops",
        "one",
    )
    assert code == 0
    text = csv_target.read_text("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_csv_export_round_trips(tmp_path: Path, flagship: api.ShopData) -> None:
    target = tmp_path / "diag.csv"
    code, _, err = _run("diagnose", str(FLAGSHIP), "-m", "pickup-on-time-rate", "--export", str(target))
    assert code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads the Chinese
    report = api.diagnose(flagship, "pickup-on-time-rate", "douyin")
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["order_id"] for r in rows] == [r["order_id"] for r in report.records()]
    carriers = tmp_path / "diag-carrier.csv"
    with carriers.open(encoding="utf-8-sig", newline="") as fh:
        groups = list(csv.reader(fh))[1:]
    assert [g[0] for g in groups] == [
        str(g.key) if g.key is not None else "" for g in report.diagnosis.breakdowns["carrier"]
    ]
    assert str(carriers) in err.replace("\n", "")


@pytest.mark.parametrize("metric", ["negative-feedback-rate", "im-3min-reply-rate", "refund-only-hours"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_fits_80_columns(metric: str, lang: str, flagship: api.ShopData) -> None:
    report = api.diagnose(flagship, metric, "douyin", top=5)
    console = Console(width=80, record=True, color_system=None)
    render_diagnose(report, console, lang)
    lines = console.export_text().splitlines()
    assert max(cell_len(line) for line in lines) <= 80


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_human_formats_and_gbk_console(fmt: str) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    res = subprocess.run(
        [sys.executable, "-m", "shopscore.cli", "diagnose", str(FLAGSHIP), "-m", "im-3min", "-f", fmt],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert res.returncode == 0, res.stderr.decode("gbk", "replace")
    out = res.stdout.decode("gbk")
    assert "客服007" in out and "建议" in out


def test_several_shops(tmp_path: Path) -> None:
    shutil.copytree(FLAGSHIP, tmp_path / "a")
    shutil.copytree(VERBATIM, tmp_path / "b")
    code, out, _ = _run(
        "diagnose", str(tmp_path), "--shops", "each", "-m", "pickup-on-time-rate", "-f", "json"
    )
    assert code == 0
    assert [p["shop"] for p in json.loads(out)] == ["a", "b"]
    target = tmp_path / "x.xlsx"
    code, _, _ = _run("diagnose", str(tmp_path), "--shops", "each", "--export", str(target))
    assert code == 0 and (tmp_path / "x-a.xlsx").is_file() and (tmp_path / "x-b.xlsx").is_file()


def test_orders_whose_lines_name_no_product(tmp_path: Path) -> None:
    """Order exports without a product column still break a quality metric down by product
    (one group, key null) instead of failing."""
    (tmp_path / "orders.csv").write_text(
        "主订单编号,子订单编号,支付完成时间,签收时间\n"
        + "".join(f"{i},{i}-1,2026-09-01 10:00:00,2026-09-03 10:00:00\n" for i in range(1, 41)),
        "utf-8",
    )
    (tmp_path / "after_sales.csv").write_text(
        "售后单号,订单号,售后类型,售后原因,售后申请时间\nA1,1,仅退款,质量问题,2026-09-05 10:00:00\n", "utf-8"
    )
    (s,) = api.load(tmp_path)
    report = api.diagnose(s, "quality-return-rate", "douyin")
    groups = report.diagnosis.breakdowns["product"]
    assert [(g.key, g.events, g.bad) for g in groups] == [(None, 40.0, 1.0)]
