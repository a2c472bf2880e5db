"""Shops above polars' chunk sizes: 20,000 orders in several files, both layouts, and a
shop with more than 16,384 飞鸽 sessions. polars 2.1 broke an eager filter on frames of
16,384 rows and more, and every other test shop is small, so these guard that class."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest
from typer.testing import CliRunner

from shopscore import api
from shopscore.cli import app

ROOT = Path(__file__).resolve().parents[1]
BIG = 20_000


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("shop_generator", ROOT / "benchmarks" / "generate.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("shop_generator", mod)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def big_shops(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An agency-style folder: one 20k-order shop per layout."""
    gen = _generator()
    root = tmp_path_factory.mktemp("big")
    gen.main(["--orders", str(BIG), "--layout", "simple", "--quirks", "--out", str(root / "simple"), "-q"])
    gen.main(["--orders", str(BIG), "--layout", "verbatim", "--out", str(root / "verbatim"), "-q"])
    return root


@pytest.mark.parametrize("layout", ["simple", "verbatim"])
def test_big_shop_scores_and_accounts_for_every_row(big_shops: Path, layout: str) -> None:
    (shop,) = api.load(big_shops / layout)
    orders = [f for f in shop.report.files if f.dataset == "orders"]
    assert len(orders) == 2  # split exports (simple: overlapping; verbatim: per sub-order)
    assert shop.frames["orders"].height == BIG
    for f in shop.report.files:
        assert f.rows_read == f.rows_kept + f.duplicates + f.rejected, f.path
    result = api.score(shop)
    assert result.status == "scored"
    assert result.score is not None and 3.0 < result.score < 5.0
    assert all(m.status in ("scored", "diagnostic") for m in result.metrics), [
        (m.id, m.status) for m in result.metrics
    ]


def test_big_agency_folder_scores_every_shop_in_json(big_shops: Path) -> None:
    # both shops come from one seed (the same order ids), so the guess would merge them
    res = CliRunner().invoke(app, ["compute", str(big_shops), "--shops", "each", "--format", "json"])
    assert res.exit_code == 0, res.stderr
    payload = json.loads(res.stdout)
    assert [p["shop"] for p in payload] == ["simple", "verbatim"]
    assert all(p["status"] == "scored" for p in payload)


def test_more_than_16384_sessions(tmp_path: Path) -> None:
    n = 17_000
    ids = [f"69{i:017d}" for i in range(n)]
    paid = pl.datetime_range(
        pl.datetime(2026, 9, 1), pl.datetime(2026, 11, 19), interval="5m", eager=True
    ).head(n)
    pl.DataFrame(
        {
            "订单编号": ids,
            "支付完成时间": paid,
            "发货时间": paid.dt.offset_by("20h"),
            "签收时间": paid.dt.offset_by("60h"),
        }
    ).write_csv(tmp_path / "orders.csv")
    pl.DataFrame(
        {
            "会话ID": [f"S{i}" for i in range(n)],
            "会话开始时间": paid.dt.offset_by("1h"),
            "订单编号": ids,
            "首次响应时长": [30 + (i % 300) for i in range(n)],
            "满意度评价": [(i % 5) + 1 for i in range(n)],
            "是否人工": ["是"] * (n - 1) + ["否"],
        }
    ).write_csv(tmp_path / "sessions.csv")
    (shop,) = api.load(tmp_path)
    assert shop.frames["im_sessions"].height == n
    result = api.score(shop)
    im = result.metric("im-dissatisfaction")
    # ratings cycle 1..5: 1–3★ are 3 of every 5 human sessions (the bot session is left out)
    human = n - 1
    bad = sum(1 for i in range(human) if (i % 5) + 1 <= 3)
    assert (im.numerator, im.denominator) == (bad, human)
