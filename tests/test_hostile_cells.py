"""Cells no export can hold: compact dates, impossible dates, negative durations."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopscore import api
from shopscore.cli import app

HEADER = "主订单编号,支付完成时间,承诺发货时间,揽收时间,签收时间,订单状态"


def shop(tmp_path: Path, extra: list[str]) -> Path:
    """40 orders paid 2026-10-01…, picked up 12 h and delivered 50 h later, plus ``extra``."""
    lines = [HEADER]
    for i in range(40):
        day = f"2026-10-{1 + i % 28:02d}"
        nxt = f"2026-10-{3 + i % 28:02d}"
        lines.append(f"1{i:04d},{day} 10:00:00,,{day} 22:00:00,{nxt} 12:00:00,已完成")
    (tmp_path / "orders.csv").write_text("\n".join(lines + extra) + "\n", "utf-8")
    return tmp_path


def test_compact_dates_parse(tmp_path: Path) -> None:
    (s,) = api.load(shop(tmp_path, ["19001,20261001,,,,已完成", "19002,20261001103000,,,,已完成"]))
    paid = dict(s.frames["orders"].select("order_id", "paid_at").rows())
    assert paid["19001"] == datetime(2026, 10, 1) and paid["19002"] == datetime(2026, 10, 1, 10, 30)


@pytest.mark.parametrize("bad", ["9999-12-31 10:00:00", "1970-01-01 08:00:00", "2099-01-01 00:00:00"])
def test_an_impossible_payment_date_is_rejected_and_moves_nothing(tmp_path: Path, bad: str) -> None:
    (s,) = api.load(shop(tmp_path, [f"19001,{bad},,,,已完成"]))
    f = s.report.files[0]
    assert (f.rows_read, f.rows_kept, f.rejected) == (41, 40, 1)
    (msg,) = s.report.problems.filter(s.report.problems["row"] == 42)["message"].to_list()
    assert bad in msg and "between 2000 and the day the file was saved" in msg
    result = api.score(s)
    assert result.as_of == date(2026, 10, 30)  # the latest real delivery, not the bad date
    assert result.status == "scored"


def test_an_impossible_optional_date_is_left_empty_and_a_far_deadline_is_kept(tmp_path: Path) -> None:
    (s,) = api.load(
        shop(
            tmp_path,
            [
                "19001,2026-10-05 10:00:00,,9999-12-31 10:00:00,,已完成",  # pickup: impossible
                "19002,2026-10-05 10:00:00,2027-06-30 23:59:59,,,已完成",  # presale: a far deadline
            ],
        )
    )
    o = {r["order_id"]: r for r in s.frames["orders"].iter_rows(named=True)}
    assert o["19001"]["picked_up_at"] is None and o["19001"]["paid_at"] is not None
    assert o["19002"]["ship_by"] == datetime(2027, 6, 30, 23, 59, 59)
    assert s.report.files[0].rejected == 0
    assert s.report.problems.filter(s.report.problems["row"] == 42)["column"].to_list() == ["揽收时间"]


def test_negative_durations_are_left_out_of_means_and_counted(tmp_path: Path) -> None:
    # two orders "delivered" before they were paid: −48 h and −1 s; one delivered at payment (0 h)
    extra = [
        "19001,2026-10-05 10:00:00,,2026-10-05 11:00:00,2026-10-03 10:00:00,已完成",
        "19002,2026-10-05 10:00:00,,2026-10-05 11:00:00,2026-10-05 09:59:59,已完成",
        "19003,2026-10-05 10:00:00,,2026-10-05 11:00:00,2026-10-05 10:00:00,已完成",
    ]
    (s,) = api.load(shop(tmp_path, extra))
    m = api.score(s, "douyin", date(2026, 10, 31)).metric("delivery-hours")
    # 40 orders at 50 h, one at 0 h: mean 2000 / 41; the two negative ones left out
    assert (m.count, m.left_out) == (41, 2)
    assert m.value == pytest.approx(2000 / 41)
    out = CliRunner().invoke(app, ["compute", str(tmp_path), "--as-of", "2026-10-31", "-f", "json"])
    metric = next(x for x in json.loads(out.stdout)[0]["metrics"] if x["id"] == "delivery-hours")
    assert metric["left_out"] == 2
