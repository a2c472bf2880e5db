"""`report --html`: one self-contained page — the score, every metric, fix-first with its
breakdowns, both charts — that opens offline and escapes whatever the exports contain.

The page itself is checked as text here; tests/test_html_browser.py renders it in
headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shopscore.cli import app
from shopscore.engine.metrics import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "sample_exports" / "douyin_flagship"
SMALL = ROOT / "tests" / "fixtures" / "metrics" / "shop_below_min_orders"


def run(*args: str) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args])


def page(tmp_path: Path, *args: str, lang: str = "zh") -> tuple[str, Any]:
    out = tmp_path / "report.html"
    res = run("report", *args, "--html", str(out), "--lang", lang)
    return (out.read_text("utf-8") if out.exists() else ""), res


def computed(path: Path, *args: str) -> list[dict[str, Any]]:
    res = run("compute", path, "--format", "json", *args)
    return list(json.loads(res.stdout))


@pytest.fixture(scope="module")
def flagship(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Any, dict[str, Any]]:
    """The sample shop's page (zh), the run that wrote it, and its compute JSON."""
    html, res = page(tmp_path_factory.mktemp("flagship"), FLAGSHIP)
    return html, res, computed(FLAGSHIP)[0]


def markup(html: str) -> str:
    """The page without its inlined scripts (plotly.js and the figures' data)."""
    return re.sub(r"<script\b.*?</script>", "", html, flags=re.S)


def test_page_shows_the_score_every_metric_and_both_charts(flagship: Any) -> None:
    html, res, shop = flagship
    assert res.exit_code == 0, res.stderr
    body = markup(html)
    assert f'data-score="{shop["score"]:.2f}"' in body
    for m in shop["metrics"]:
        row = re.search(rf'<tr data-metric="{m["id"]}">(.*?)</tr>', body, re.S)
        assert row, m["id"]
        assert REGISTRY[m["id"]].name("zh") in row.group(1)
    for t in shop["thresholds"]:
        assert t["label"]["zh"] in body
    assert body.count('data-chart="trend"') == 1 and body.count('data-chart="forecast"') == 1
    assert "先改这里" in body and "shopscore diagnose" in body
    assert "report.html" in res.stderr  # says where it wrote the page


def test_page_is_self_contained(flagship: Any) -> None:
    """plotly.js inlined once; no attribute or stylesheet points anywhere; a CSP forbids
    every request, so even a link added later could not load."""
    html = flagship[0]
    body = markup(html)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", body)
    assert "url(" not in body and "@import" not in body
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp and "default-src 'none'" in csp.group(1) and "connect-src 'none'" in csp.group(1)
    assert html.count("plotly.js v") == 1  # the library's banner: inlined exactly once
    assert len(re.findall(r"Plotly\.newPlot\(", html)) == 2


def test_english_page_is_english(tmp_path: Path) -> None:
    html, res = page(tmp_path, FLAGSHIP, lang="en")
    assert res.exit_code == 0
    body = markup(html)
    assert '<html lang="en">' in html
    for mid in (m["id"] for m in computed(FLAGSHIP)[0]["metrics"]):
        assert REGISTRY[mid].name("en") in body
    assert "Fix first" in body and "先改这里" not in body


def test_trend_and_forecast_charts_carry_the_series(tmp_path: Path) -> None:
    """The trend's last point is today's score and it has --days points; the forecast starts
    at today's score and has --forecast-days more."""
    html, _ = page(tmp_path, FLAGSHIP, "--days", "20", "--forecast-days", "7")
    shop = computed(FLAGSHIP)[0]
    figures = re.findall(r'Plotly\.newPlot\(\s*"[^"]+",\s*(\[.*?\]),\s*\{', html, re.S)
    trend, ahead = (json.loads(f)[0] for f in figures)
    assert len(trend["y"]) == 20 and trend["x"][-1] == shop["as_of"]
    assert abs(trend["y"][-1] - shop["score"]) < 1e-4
    assert len(ahead["y"]) == 8 and ahead["x"][0] == shop["as_of"]
    assert abs(ahead["y"][0] - shop["score"]) < 1e-4


def test_text_from_the_exports_is_escaped(tmp_path: Path) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    folder = tmp_path / hostile
    shutil.copytree(FLAGSHIP, folder)
    html, res = page(tmp_path, folder)
    assert res.exit_code == 0, res.stderr
    assert hostile not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_several_shops_with_an_error_give_an_overview(tmp_path: Path) -> None:
    shutil.copytree(FLAGSHIP, tmp_path / "shops" / "a")
    shutil.copytree(SMALL, tmp_path / "shops" / "b")
    (tmp_path / "shops" / "c").mkdir()
    (tmp_path / "shops" / "c" / "notes.csv").write_text("备注,内容\n1,x\n", "utf-8")
    html, res = page(tmp_path, tmp_path / "shops", "--shops", "each")
    assert res.exit_code == 2  # a shop that cannot be read, as on compute
    body = markup(html)
    overview = body[body.index('id="overview"') : body.index("</section>")]
    for anchor, shop in (("shop-0", "a"), ("shop-1", "b"), ("shop-2", "c")):
        assert f'<a href="#{anchor}">{shop}</a>' in overview
        assert f'<article id="{anchor}" class="shop" data-shop="{shop}"' in body
    assert 'data-status="error"' in body and "无法读取" in body
    assert "c:" in res.stderr  # the failing shop's line on stderr


def test_a_shop_without_a_score_shows_why_and_no_points(tmp_path: Path) -> None:
    html, res = page(tmp_path, SMALL, "--as-of", "2026-09-30")  # 29 delivered orders of 30
    assert res.exit_code == 0
    shop = computed(SMALL, "--as-of", "2026-09-30")[0]
    assert shop["status"] == "insufficient-data"
    body = markup(html)
    e = shop["eligibility"]
    assert f"满 {e['min_orders']} 单才计分，还差 {e['min_orders'] - e['count']} 单" in body
    assert 'data-score=""' in body and 'data-chart="forecast"' not in body
    for m in shop["metrics"]:
        row = re.search(rf'<tr data-metric="{m["id"]}">(.*?)</tr>', body, re.S)
        assert row
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
        assert cells[5].strip() == "—"  # no points lost when there is no score


def test_page_to_stdout_and_unwritable_target(tmp_path: Path) -> None:
    res = run("report", FLAGSHIP, "--html", "-")
    assert res.exit_code == 0 and res.stdout.startswith("<!DOCTYPE html>")
    res = run("report", FLAGSHIP, "--html", str(tmp_path / "missing" / "r.html"))
    assert res.exit_code == 2
    assert "--html" in res.stderr and "cannot write" in res.stderr
    assert not list(tmp_path.glob("**/*.tmp"))


def test_a_100_point_page_shows_the_figure_buyers_see(tmp_path: Path) -> None:
    html, res = page(tmp_path, FLAGSHIP, "--profile", "douyin-2026")
    assert res.exit_code == 0, res.stderr
    shop = computed(FLAGSHIP, "--profile", "douyin-2026")[0]
    body = markup(html)
    shown = shop["display"]
    assert f'data-score="{shop["score"]:.1f}"' in body and "/ 100" in body
    assert f"消费者看到的店铺体验分: {shown['value']:.1f} / 5" in body


def test_a_tiktok_page_shows_the_enforcement_figures(tmp_path: Path) -> None:
    """report --html --profile tiktok: every metric, the three enforcement figures with
    their marks, and Star Shop with the shop's order count."""
    tiktok = ROOT / "sample_exports" / "tiktok_us"
    html, res = page(tmp_path, tiktok, "--profile", "tiktok", lang="en")
    assert res.exit_code == 0, res.stderr
    shop = computed(tiktok, "--profile", "tiktok")[0]
    body = markup(html)
    assert f'data-score="{shop["score"]:.2f}"' in body and "Enforced apart from the score" in body
    for m in shop["metrics"]:
        assert f'<tr data-metric="{m["id"]}">' in body, m["id"]
    for e in shop["enforcement"]:
        row = re.search(rf'<tr data-enforcement="{e["id"]}">(.*?)</tr>', body, re.S)
        assert row and ("✓" if e["passed"] else "✗") in row.group(1), e["id"]
    assert "Star Shop and ≥ 100 paid orders in 30 days (now 126)" in body
