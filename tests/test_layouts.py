"""Which folders are shops (SPEC §1): per-type and per-month sub-folders are one shop, an
agency folder is many, loose and unrelated files are skipped with a reason, `--shops`
overrides the guess, and one shop's error never loses the others."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from shopscore import api
from shopscore.cli import app
from tests.shopfiles import write_orders

START = datetime(2026, 8, 1, 10)
SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "docs" / "compute.schema.json").read_text("utf-8"))


def orders_csv(path: Path, prefix: str, days: range, per_day: int = 1) -> list[str]:
    """One paid, shipped, picked-up and delivered order per day from 2026-08-01 + days[0]."""
    return write_orders(path, START.date() + timedelta(days=days[0]), len(days), prefix, per_day, days[0])


def after_sales_csv(path: Path, ids: list[str]) -> None:
    lines = ["售后单号,订单号,售后类型,售后原因,售后申请时间,售后完结时间"]
    for i, oid in enumerate(ids):
        lines.append(
            f"AS{oid},{oid},仅退款,不想要了,2026-08-{10 + i % 10} 10:00:00,2026-08-{10 + i % 10} 12:00:00"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", "utf-8")


def run(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(app, list(args))
    return res.exit_code, res.stdout, res.stderr


def test_per_type_sub_folders_and_a_loose_file_are_one_shop(tmp_path: Path) -> None:
    ids = orders_csv(tmp_path / "订单" / "订单导出.csv", "1", range(40))
    after_sales_csv(tmp_path / "售后" / "售后.csv", ids[:5])
    (tmp_path / "评价").mkdir()
    (tmp_path / "评价" / "评价.csv").write_text(
        "评价ID,订单ID,评价日期,商品评价得分\nR1,1000000,2026-08-05 10:00:00,1\n", "utf-8"
    )
    (tmp_path / "投诉记录.csv").write_text(
        "投诉单号,订单编号,投诉时间,投诉类型\nC1,1000100,2026-08-05 10:00:00,质量问题\n", "utf-8"
    )
    (shop,) = api.load(tmp_path)
    assert shop.error is None
    assert set(shop.frames) >= {"orders", "after_sales", "reviews", "complaints"}
    assert shop.frames["orders"].height == 40
    layout = shop.report.layout
    assert layout is not None and (layout.mode, layout.why) == ("one", "one-holds-orders")
    assert layout.sub_folders == ["售后", "订单", "评价"]
    out = CliRunner().invoke(app, ["compute", str(tmp_path)]).stdout
    assert "文件夹读法: 一个店铺（含子文件夹 售后, 订单, 评价）：不到两个子文件夹有订单" in out
    assert api.score(shop).metric("complaint-rate").numerator == 1


def test_per_month_sub_folders_are_one_shop_split_by_time(tmp_path: Path) -> None:
    orders_csv(tmp_path / "2026-08" / "orders.csv", "1", range(0, 31))
    orders_csv(tmp_path / "2026-09" / "orders.csv", "1", range(31, 61))
    (shop,) = api.load(tmp_path)
    assert shop.frames["orders"].height == 61
    assert shop.report.layout is not None
    assert (shop.report.layout.mode, shop.report.layout.why) == ("one", "same-or-disjoint")


def test_the_same_shop_exported_twice_is_one_shop(tmp_path: Path) -> None:
    orders_csv(tmp_path / "导出1" / "orders.csv", "1", range(0, 40))
    orders_csv(tmp_path / "导出2" / "orders.csv", "1", range(20, 60))  # overlap: same ids
    (shop,) = api.load(tmp_path)
    assert shop.frames["orders"].height == 60
    assert sum(f.duplicates for f in shop.report.files) == 20


def agency(root: Path) -> None:
    for name, prefix in (("店铺A", "1"), ("店铺B", "2"), ("店铺C", "3")):
        orders_csv(root / name / "订单导出.csv", prefix, range(40))
    (root / "说明.txt").write_text("每个文件夹一个店铺\n", "utf-8")
    (root / "店铺负责人.csv").write_text("店铺,负责人\n店铺A,小王\n", "utf-8")


def test_agency_folder_is_one_shop_per_sub_folder_and_loose_files_are_skipped(tmp_path: Path) -> None:
    agency(tmp_path)
    shops = api.load(tmp_path)
    assert [s.name for s in shops] == ["店铺A", "店铺B", "店铺C"]
    for s in shops:
        assert s.error is None and s.frames["orders"].height == 40
        assert s.report.layout is not None and s.report.layout.mode == "each"
        assert s.report.layout.why == "different-orders" and s.report.layout.pair == ("店铺A", "店铺B")
        beside = {f.path: f.skipped for f in s.report.beside}
        assert set(beside) == {"说明.txt", "店铺负责人.csv"}
        assert all("move it into a shop's folder" in (r or "") for r in beside.values())
    code, out, err = run("compute", str(tmp_path), "--format", "json")
    assert code == 0, err
    payload = json.loads(out)
    assert [p["status"] for p in payload] == ["scored"] * 3
    assert payload[0]["load"]["layout"]["mode"] == "each"
    out = CliRunner().invoke(app, ["compute", str(tmp_path), "--lang", "en"]).stdout
    assert "folder read as: one shop per sub-folder: 店铺A and 店铺B hold different orders" in out
    assert {s["path"] for s in payload[0]["load"]["skipped"]} == {"说明.txt", "店铺负责人.csv"}


def test_shops_option_overrides_the_guess(tmp_path: Path) -> None:
    agency(tmp_path)
    (one,) = api.load(tmp_path, shops="one")
    assert one.frames["orders"].height == 120
    assert one.report.layout is not None and (one.report.layout.mode, one.report.layout.why) == (
        "one",
        "option",
    )
    code, out, _ = run("compute", str(tmp_path), "--shops", "one", "--format", "json")
    assert code == 0 and json.loads(out)[0]["shop"] == tmp_path.name
    per_type = tmp_path / "per_type"
    orders_csv(per_type / "订单" / "o.csv", "9", range(40))
    after_sales_csv(per_type / "售后" / "a.csv", ["900000"])
    each = api.load(per_type, shops="each")
    assert [s.name for s in each] == ["售后", "订单"]


def test_unrelated_files_in_a_shop_are_skipped_not_fatal(tmp_path: Path) -> None:
    orders_csv(tmp_path / "订单导出.csv", "1", range(40))
    (tmp_path / "商品列表.csv").write_text(
        "商品ID,商品名称,商品类目,售价,库存\n3600001,纯棉T恤,服饰内衣/T恤,59,100\n", "utf-8"
    )
    (tmp_path / "资金流水.csv").write_text(
        "动账时间,动账流水号,订单号,子订单号,商品ID,动账金额\n"
        "2026-08-01 10:00:00,L1,1000000,1000000,3600001,59.00\n",
        "utf-8",
    )
    (shop,) = api.load(tmp_path)
    assert shop.error is None
    skipped = {f.path: f.skipped for f in shop.report.files if f.skipped}
    assert set(skipped) == {"商品列表.csv", "资金流水.csv"}
    assert all("matches no export" in (r or "") for r in skipped.values())
    assert api.score(shop).status == "scored"


def test_one_broken_shop_never_loses_the_others(tmp_path: Path) -> None:
    agency(tmp_path)
    # 店铺B's orders export lacks both time columns: an input error for that shop alone
    (tmp_path / "店铺B" / "订单导出.csv").write_text("主订单编号,订单状态,商品ID\n2000,已完成,5\n", "utf-8")
    orders_csv(tmp_path / "店铺B" / "more.csv", "2", range(40))
    code, out, err = run("compute", str(tmp_path), "--format", "json")
    assert code == 2
    payload = json.loads(out)
    assert [p["status"] for p in payload] == ["scored", "error", "scored"]
    for p in payload:
        jsonschema.validate([p], SCHEMA)
    msg = payload[1]["error"]["message"]
    assert "订单导出.csv" in msg and "支付完成时间" in msg
    assert "店铺B" in err and len(err.strip().splitlines()) == 1
    code, out, _ = run("compute", str(tmp_path))
    assert code == 2 and "店铺A" in out and "店铺C" in out


def test_an_internal_error_exits_70_with_one_line_and_keeps_the_other_shops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agency(tmp_path)
    real = api.score

    def flaky(shop: api.ShopData, *a: object, **k: object) -> api.ShopScore:
        if shop.name == "店铺B":
            raise ZeroDivisionError("division by zero")
        return real(shop, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "score", flaky)
    # in this process (--workers 1), where the patch is; worker processes report a bug the same way
    code, out, err = run("compute", str(tmp_path), "--format", "json", "--workers", "1")
    assert code == 70
    payload = json.loads(out)
    assert [p["status"] for p in payload] == ["scored", "error", "scored"]
    assert payload[1]["error"]["internal"] is True
    (line,) = err.strip().splitlines()
    assert "internal error" in line and "ZeroDivisionError" in line and "Traceback" not in err
    details = Path(line.split("details in ")[1].split(" ")[0].rstrip(";"))
    assert "ZeroDivisionError" in details.read_text("utf-8")


def test_symlink_loops_are_followed_once(tmp_path: Path) -> None:
    orders_csv(tmp_path / "shop" / "orders.csv", "1", range(40))
    os.symlink(tmp_path / "shop", tmp_path / "shop" / "loop")
    (shop,) = api.load(tmp_path / "shop")
    assert shop.frames["orders"].height == 40


def test_file_name_in_gbk_bytes_is_shown_decoded(tmp_path: Path) -> None:
    src = tmp_path / "x.csv"
    orders_csv(src, "1", range(40))
    raw = os.fsencode(tmp_path) + b"/" + "订单导出.csv".encode("gbk")
    os.rename(os.fsencode(src), raw)
    code, out, err = run("compute", str(tmp_path), "--format", "json")
    assert code == 0, err
    assert json.loads(out)[0]["load"]["files"][0]["path"] == "订单导出.csv"
    code, out, _ = run("inspect", str(tmp_path))
    assert code == 0 and "订单导出.csv" in out


def test_brackets_in_folder_and_file_names_are_printed_as_written(tmp_path: Path) -> None:
    """Rich would read 店[bold] or [red]x as markup: names are printed as plain text."""
    orders_csv(tmp_path / "店[bold]" / "订单[1].csv", "1", range(40))
    orders_csv(tmp_path / "[red]x" / "订单[sheet1].csv", "2", range(40))
    code, out, err = run("compute", str(tmp_path), "--lang", "en")
    assert code == 0, err
    assert "店[bold]" in out and "[red]x" in out
    code, out, err = run("inspect", str(tmp_path))
    assert code == 0, err
    assert "订单[1].csv" in out and "订单[sheet1].csv" in out
