"""SPEC §4b: weights, cut-offs and the small-shop bound per (考核行业, shop type), chosen
with --industry / --shop-type from a profile's [[variants]]."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from shopscore import api
from shopscore.engine.profiles import load_profile
from shopscore.errors import ShopscoreError

CASES = Path(__file__).parent / "fixtures" / "metrics2026"
D = date(2026, 9, 30)


def test_flagship_shops_lose_the_small_shop_rule_from_300_orders() -> None:
    """small_shop_499 has 499 valid paid orders: under 500 (rule applies), not under 300."""
    (shop,) = api.load(CASES / "small_shop_499")
    default = api.score(shop, load_profile("douyin-2026"), D)
    flagship = api.score(shop, load_profile("douyin-2026", shop_type="flagship"), D)
    assert default.metric("product-rating").small_shop and default.metric("product-rating").score == 80
    assert not any(m.small_shop for m in flagship.metrics)
    assert flagship.metric("product-rating").score == 100  # its step score (0 bad, rating ≥ 4.9)
    assert flagship.profile.shop_type == "flagship"


def test_an_industry_variant_in_a_users_profile(tmp_path: Path) -> None:
    """A profile extending douyin-2026 adds an industry's weights; the parent's flagship
    variant still applies; the more specific table wins."""
    own = tmp_path / "mine.toml"
    own.write_text(
        """
extends = "douyin-2026"
id = "mine"

[[variants]]
industry = "服饰内衣"
dimensions = { product = { weight = 50 }, logistics = { weight = 20 }, service = { weight = 30 } }
metrics = { aftersale-review-hours = { weight = 40 } }

[[variants]]
industry = "服饰内衣"
shop_type = "flagship"
small_shop = { below_orders = 250 }
""",
        "utf-8",
    )
    plain = load_profile(str(own))
    assert plain.dimensions["product"].weight == 42.5 and plain.small_shop.below_orders == 500  # type: ignore[union-attr]
    p = load_profile(str(own), industry="服饰内衣", shop_type="flagship")
    assert p.dimensions["product"].weight == 50 and p.metrics["aftersale-review-hours"].weight == 40
    assert p.metrics["im-response-seconds"].weight == 25  # not overridden
    assert p.small_shop is not None and p.small_shop.below_orders == 250  # both-keys table last
    only_flagship = load_profile(str(own), shop_type="flagship")
    assert only_flagship.small_shop is not None and only_flagship.small_shop.below_orders == 300


def test_unknown_industry_or_shop_type_is_one_clear_error() -> None:
    with pytest.raises(ShopscoreError, match=r"--industry '钟表'.*omit --industry"):
        load_profile("douyin-2026", industry="钟表")
    with pytest.raises(ShopscoreError, match=r"--shop-type 'mall'.*flagship, non-flagship, general"):
        load_profile("douyin-2026", shop_type="mall")


def test_cli_options_pick_the_variant() -> None:
    import json

    from typer.testing import CliRunner

    from shopscore.cli import app

    args = [
        "compute",
        str(CASES / "small_shop_499"),
        "-p",
        "douyin-2026",
        "--as-of",
        "2026-09-30",
        "-f",
        "json",
    ]
    runner = CliRunner()
    default = json.loads(runner.invoke(app, args).stdout)[0]
    flagship = json.loads(runner.invoke(app, [*args, "--shop-type", "flagship"]).stdout)[0]
    assert any(m["small_shop"] for m in default["metrics"])
    assert not any(m["small_shop"] for m in flagship["metrics"])
    res = runner.invoke(app, [*args, "--industry", "钟表"])
    assert res.exit_code == 2 and "--industry" in res.stderr and "Traceback" not in res.stderr
