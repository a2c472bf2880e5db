"""`report --html` rendered in headless Chromium, as a seller's phone and desktop open it:
no request leaves the page, no script error, the score and every metric are on screen,
both charts are drawn, and nothing overflows a phone's width.

Chromium is Debian's (`.ci/run` installs it); Playwright drives it without downloading a
browser of its own. Without Chromium the test is skipped locally and fails under CI."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shopscore.cli import app
from shopscore.engine.metrics import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "sample_exports" / "douyin_flagship"
#: width × height of the viewports: a common phone, a laptop
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 900)}
#: flags for a root user in a container with a closed network (see the machine notes)
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str:
    found = os.environ.get("SHOPSCORE_CHROMIUM") or next(
        filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
    )
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("headless Chromium is missing: .ci/run installs Debian's chromium")
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    return found


@pytest.fixture(scope="module")
def browser() -> Any:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium(), args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample shop's page in each language."""
    out = {}
    for lang in ("zh", "en"):
        out[lang] = tmp_path_factory.mktemp(lang) / "report.html"
        res = CliRunner().invoke(app, ["report", str(FLAGSHIP), "--html", str(out[lang]), "--lang", lang])
        assert res.exit_code == 0, res.stderr
    return out


@pytest.fixture(scope="module")
def shop() -> dict[str, Any]:
    res = CliRunner().invoke(app, ["compute", str(FLAGSHIP), "--format", "json"])
    return dict(json.loads(res.stdout)[0])


@pytest.mark.parametrize(("lang", "viewport"), [("zh", "phone"), ("zh", "desktop"), ("en", "phone")])
def test_page_renders_offline_at_phone_and_desktop_width(
    browser: Any, pages: dict[str, Path], shop: dict[str, Any], viewport: str, lang: str, tmp_path: Path
) -> None:
    out = pages[lang]

    width, height = VIEWPORTS[viewport]
    page = browser.new_page(viewport={"width": width, "height": height})
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(out.as_uri())
    page.wait_for_selector("[data-chart=forecast] .js-plotly-plot .main-svg", timeout=20_000)

    assert requests == [out.as_uri()], "the page asked for something besides itself"
    assert problems == []
    score = page.locator(".score").first
    assert score.is_visible() and score.inner_text().startswith(f"{shop['score']:.2f}")
    for m in shop["metrics"]:
        row = page.locator(f"tr[data-metric='{m['id']}']")
        assert row.is_visible()
        assert REGISTRY[m["id"]].name(lang) in row.inner_text()
    for chart, points in (("trend", 90), ("forecast", 31)):
        drawn = page.locator(f"[data-chart={chart}] .js-plotly-plot")
        assert drawn.is_visible()
        assert drawn.evaluate("el => el.data[0].y.length") == points
        box = drawn.bounding_box()
        assert box is not None and box["width"] <= width and box["height"] >= 200
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    page.screenshot(path=str(tmp_path / f"{viewport}-{lang}.png"), full_page=True)
    assert (tmp_path / f"{viewport}-{lang}.png").stat().st_size > 10_000
    page.close()
