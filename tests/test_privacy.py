"""Buyer personal data (收件人, 手机号, 地址; plain, masked or encrypted) appears in no
output, problem messages included, even when it sits in the wrong column."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopscore.cli import app
from shopscore.loaders.privacy import HIDDEN, redact

NAME, PHONE, ADDRESS = "张三丰", "13812345678", "浙江省杭州市西湖区文三路90号"
MASKED_PHONE, MASKED_NAME = "138****5678", "张**"
SECRETS = (NAME, PHONE, ADDRESS, MASKED_PHONE, MASKED_NAME, "##8f3a", "$$c1d2")


def test_redact() -> None:
    for s in (
        PHONE,
        f"电话{PHONE}",
        ADDRESS,
        "杭州市西湖区",
        "3号楼2单元",
        MASKED_PHONE,
        MASKED_NAME,
        "##abc",
    ):
        assert redact(s) == HIDDEN, s
    for s in ("2026-13-45", "5星", "已完成", "4900000000009425633", "质量问题", "x" * 40):
        assert redact(s) == s, s
    assert redact("y" * 100) == "y" * 40 + "…"


def test_a_name_in_a_typed_cell_is_hidden_even_without_its_column(tmp_path: Path) -> None:
    """No 收件人 column to compare with: a bare Chinese name in a date cell is still hidden."""
    (tmp_path / "o.csv").write_text(
        "主订单编号,支付完成时间,签收时间\n1001,2026-10-01 10:00:00,李四\n1002,王小明,\n", "utf-8"
    )
    res = CliRunner().invoke(app, ["inspect", str(tmp_path), "-f", "json"])
    assert "李四" not in res.stdout and "王小明" not in res.stdout and HIDDEN in res.stdout


def write(tmp_path: Path) -> Path:
    head = "主订单编号,支付完成时间,签收时间,订单状态,收件人,收件人手机号,详细地址"
    rows = [f"1{i:04d},2026-10-{1 + i % 28:02d} 10:00:00,,已完成,##8f3a,$$c1d2,##8f3a" for i in range(35)]
    rows += [
        # personal data shifted into typed columns: a required one (rejected) and optional ones
        f"20001,{PHONE},,已完成,{NAME},{PHONE},{ADDRESS}",
        f"20002,2026-10-02 10:00:00,{NAME},已完成,{NAME},{MASKED_PHONE},{ADDRESS}",
        f"20003,2026-10-02 10:00:00,{ADDRESS},已完成,{MASKED_NAME},{MASKED_PHONE},x",
        f"20004,{MASKED_PHONE},,已完成,a,b,c",
    ]
    (tmp_path / "orders.csv").write_text("\n".join([head, *rows]) + "\n", "utf-8")
    after = "售后单号,订单号,售后类型,售后原因,售后申请时间"
    (tmp_path / "after_sales.csv").write_text(
        f"{after}\nA1,10001,仅退款,联系{PHONE},2026-10-05 10:00:00\n"
        f"A2,10002,{ADDRESS},不想要了,2026-10-05 10:00:00\n",
        "utf-8",
    )
    return tmp_path


@pytest.mark.parametrize(
    "args",
    [
        ["inspect", "-f", "json"],
        ["inspect"],
        ["inspect", "-f", "markdown", "--lang", "en"],
        ["compute", "-f", "json"],
        ["compute"],
        ["compute", "-f", "markdown"],
    ],
)
def test_no_personal_data_in_any_output(tmp_path: Path, args: list[str]) -> None:
    folder = write(tmp_path)
    res = CliRunner().invoke(app, [args[0], str(folder), *args[1:]])
    text = res.stdout + res.stderr
    assert res.exit_code == 0 and "2026-10" in text  # the report was printed
    for secret in SECRETS:
        assert secret not in text, secret
    if args == ["inspect", "-f", "json"]:
        assert HIDDEN in text  # the bad cells are named, their values hidden
