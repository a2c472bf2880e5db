"""--lang zh prints Chinese and --lang en English, in every command's table and Markdown
output and in --help; what is left of the other language is data or a name the seller types.

The allow-lists: words taken from the exports themselves (file and sheet names, headers,
products, carriers, reasons — read from the files, so a word the program adds is never
covered), metric ids and options (what the seller types after -m, --set, --shops), command
lines and command names, brand names and file types; under en, the 抖店 backend's own names
the hints point to (an export, a column, a programme such as 精选联盟).
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from shopscore.cli import app
from shopscore.engine.metrics import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

COMMANDS = ("inspect", "compute", "trend", "forecast", "whatif", "target", "diagnose", "summary")
COMMANDS += ("history", "metrics")
#: English words a zh output may hold besides the data's
ZH_ALLOWED = {"CCR", "IM", "ID", "TikTok", "Shop", "Excel", "WPS", "UTF", "SQLite", "README", "shopscore"}
ZH_ALLOWED |= {"xls", "xlsx", "csv", "toml", "json", "zh", "en", *COMMANDS}
#: names of the 抖店 backend (exports, columns, programmes) an en output may hold
EN_ALLOWED = {"抖店", "飞鸽", "千川", "精选联盟", "清退", "包裹明细", "支付完成时间", "发货时间"}
EN_ALLOWED |= {"纠纷责任方", "是否商责", "售后原因", "售后完结时间", "商家体验分"}

ASCII_WORD = re.compile(r"[A-Za-z]{2,}")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3001-\u303f\uff01-\uff5e]+")
#: what is stripped before looking: command lines, options with their values, metric ids,
#: HTML of the Markdown cells
COMMAND_LINE = re.compile(r"shopscore(?: [a-z]+)?(?: (?:-m|--metric) \S+|(?: [^\s│|]+/[^\s│|]*))*")
OPTION = re.compile(r"--[a-z][a-z-]*(?: (?:one|each|json|wecom|dingtalk|feishu))?")
HTML = re.compile(r"</?[a-z]+>")
SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,5}\b")  # a file's type, named in a skip reason


def _problem_shop(tmp: Path) -> Path:
    """The flagship sample plus files to skip and rows with problems of every kind."""
    shop = tmp / "问题店铺"
    shutil.copytree(ROOT / "sample_exports" / "douyin_flagship", shop)
    for name in ("~$评价列表.xlsx", "旧格式.xls", "说明.pdf"):
        (shop / name).write_bytes(b"")
    (shop / "商品列表.csv").write_text("商品ID,商品名称,价格\n1,杯子,10\n", "utf-8")
    orders = shop / "订单导出_2026-09-10_2026-11-20.csv"
    rows = list(csv.reader(orders.open(encoding="utf-8-sig")))
    head = rows[0]
    rows[1][head.index("签收时间")] = "2026/99/99"  # optional cell: left empty, row kept
    rows[2][head.index("支付完成时间")] = "2026/13/45"  # required cell: row rejected
    rows[3][head.index("主订单编号")] = ""  # key empty: rejected
    for i in range(5, 30):  # more than are listed per column: "… and N more"
        rows[i][head.index("揽收时间")] = f"9999/{i}"
    rows[31] += ["多余", "单元格"]  # a row longer than the header
    rows[32] = rows[32][:5]  # a row cut short
    with orders.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return shop


def _data_cells(folder: Path) -> list[str]:
    """What the exports themselves hold — file and sheet names, headers, cells — longest
    first: each is cut out of an output before it is searched."""
    texts = {str(folder), folder.name}
    for path in folder.rglob("*"):
        texts |= {path.name, path.stem}
        if path.suffix == ".csv":
            data = path.read_bytes()
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:  # exports saved by Excel on Chinese Windows
                text = data.decode("gb18030")
            texts |= {c for row in csv.reader(text.splitlines()) for c in row}
        elif path.suffix == ".xlsx" and path.stat().st_size and not path.name.startswith("~$"):
            book = openpyxl.load_workbook(path, read_only=True)
            for sheet in book.worksheets:
                texts.add(sheet.title)
                texts |= {str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None}
    cells = {c.strip().strip("\t") for c in texts}
    return sorted((c for c in cells if c), key=len, reverse=True)


def _without(text: str, cells: list[str]) -> str:
    for cell in cells:
        if cell in text:
            text = text.replace(cell, " ")
        elif " " in cell and cell.split()[0] in text:  # an English header wrapped over two lines
            text = re.sub(r"\s+".join(map(re.escape, cell.split())), " ", text)
    return text


def _runs(
    shop: Path, extra: list[str], lang: str, history: Path, only: tuple[str, ...] = ()
) -> dict[str, str]:
    """Every command's table and Markdown output for ``shop`` (``only``: these commands)."""
    out = {}
    # a metric broken down by reason group in each profile, a value to set, a goal
    reasons, by = (
        ("quality-return-rate-30d", "reason")
        if "douyin-2026" in extra
        else ("merchant-fault-rate", "reason-group")
    )
    setting, goal = "logistics-return-rate=0.5%", "90" if "douyin-2026" in extra else "4.8"
    if "tiktok" in extra:
        reasons, by, setting, goal = (
            "non-buyer-fault-return-rate",
            "reason",
            "on-time-delivery-rate=95%",
            "4.5",
        )
    for fmt in ("table", "markdown"):
        commands = [
            ["inspect", str(shop)],
            ["compute", str(shop), *extra],
            ["trend", str(shop), "--days", "20", *extra],
            ["forecast", str(shop), "--days", "20", *extra],
            ["whatif", str(shop), "--set", setting, *extra],
            ["target", str(shop), "--score", goal, *extra],
            ["diagnose", str(shop), *extra],
            ["diagnose", str(shop), "-m", reasons, "--by", by, *extra],
            ["summary", str(shop), "--history", str(history), *extra],
            ["history", "--history", str(history)],
            ["metrics"],
        ]
        for args in (a for a in commands if not only or a[0] in only):
            form = "text" if args[0] == "summary" and fmt == "table" else fmt
            res = runner.invoke(app, [*args, "--format", form, "--lang", lang])
            assert res.exit_code in (0, 1, 3), (args, res.stdout, res.stderr)
            out[" ".join([*args, form])] = res.stdout
    return out


SHOPS = {
    # the verbatim 抖店 layout through every command; the 100-point profile's own words
    "verbatim": (ROOT / "sample_exports" / "douyin_verbatim", []),
    "verbatim-2026": (ROOT / "sample_exports" / "douyin_verbatim", ["-p", "douyin-2026"]),
    "too-few-orders": (
        ROOT / "tests" / "fixtures" / "metrics" / "shop_below_min_orders",
        ["--as-of", "2026-09-30"],
    ),
    "orders-only": (ROOT / "tests" / "fixtures" / "metrics" / "orders_only_no_data", []),
    "refund-reasons": (ROOT / "tests" / "fixtures" / "diagnose" / "refund_reasons", []),
    "problems": (None, []),
    # the TikTok Shop sample (English data) and its profile's words: enforcement figures,
    # Star Shop's order count, the business-day deadline; a tiktok shop without a score
    "tiktok": (ROOT / "sample_exports" / "tiktok_us", ["-p", "tiktok"]),
    "tiktok-too-few": (
        ROOT / "tests" / "fixtures" / "metrics_tiktok" / "eligibility_29",
        ["-p", "tiktok", "--as-of", "2026-11-30"],
    ),
}
#: shops whose point is what they load (problems, skipped files) or one profile's words:
#: the commands that show it, not every command again
ONLY = {
    "problems": ("inspect", "compute"),
    "verbatim-2026": ("compute", "diagnose"),
    "too-few-orders": ("inspect", "compute", "trend", "summary"),  # no score: its own wording
    "orders-only": ("inspect", "compute", "diagnose"),  # no-data metrics and their hints
    "refund-reasons": ("compute", "diagnose"),  # reasons and reason groups
    "tiktok": ("compute", "diagnose"),
    "tiktok-too-few": ("compute",),
}


def _shop(name: str, tmp_path: Path) -> tuple[Path, list[str]]:
    path, extra = SHOPS[name]
    return (path if path is not None else _problem_shop(tmp_path)), extra


@pytest.mark.parametrize("name", list(SHOPS))
def test_zh_output_has_no_english_but_data_ids_and_names(name: str, tmp_path: Path) -> None:
    shop, extra = _shop(name, tmp_path)
    cells = _data_cells(shop)
    ids = sorted(REGISTRY, key=len, reverse=True)
    leaks = {}
    for run, text in _runs(shop, extra, "zh", tmp_path / "history.sqlite", ONLY.get(name, ())).items():
        text = HTML.sub("", OPTION.sub("", COMMAND_LINE.sub("", text.replace(str(shop), ""))))
        text = SUFFIX.sub("", text)
        text = _without(_without(text, ids), cells)
        words = set(ASCII_WORD.findall(text)) - ZH_ALLOWED
        if words:
            leaks[run] = sorted(words)
    assert not leaks


@pytest.mark.parametrize("name", list(SHOPS))
def test_en_output_has_no_chinese_but_data_and_backend_names(name: str, tmp_path: Path) -> None:
    shop, extra = _shop(name, tmp_path)
    names = sorted({*_data_cells(shop), *EN_ALLOWED}, key=len, reverse=True)
    leaks = {}
    for run, text in _runs(shop, extra, "en", tmp_path / "history.sqlite", ONLY.get(name, ())).items():
        runs = set(CJK.findall(_without(text, names)))
        if runs:
            leaks[run] = sorted(runs)
    assert not leaks


def test_problem_messages_are_translated_and_json_keeps_english(tmp_path: Path) -> None:
    """The stored messages stay English in JSON; the zh table says each in Chinese."""
    import json

    shop = _problem_shop(tmp_path)
    res = runner.invoke(app, ["inspect", str(shop), "--format", "json"])
    (load,) = json.loads(res.stdout)
    messages = [p["message"] for p in load["load"]["problems"]]
    assert "summary row (totals are not data)" in messages
    assert any(m.startswith("… and ") and m.endswith("more such cells in this column") for m in messages)
    reasons = {s["reason"] for s in load["load"]["skipped"]}
    assert "old .xls format: re-save as .xlsx" in reasons
    zh = runner.invoke(app, ["inspect", str(shop), "--lang", "zh"]).stdout
    assert "汇总行" in zh and "本列还有 5 个同类单元格" in zh and "旧的 .xls 格式" in zh
    assert "summary row" not in zh


def _help(args: list[str], env: dict[str, str] | None = None) -> str:
    res = runner.invoke(app, args, env={"COLUMNS": "120", **(env or {})})
    assert res.exit_code == 0, res.stderr
    return res.stdout


def test_help_is_chinese_by_default() -> None:
    out = _help(["compute", "--help"], {"SHOPSCORE_LANG": ""})
    assert "用法：" in out and "选项" in out and "参数" in out
    assert "重算每项指标" in out and "输出格式。" in out and "显示本帮助并退出。" in out
    assert "Options" not in out and "Show this message" not in out and "Output format" not in out
    top = _help(["--help"], {"SHOPSCORE_LANG": ""})
    assert "命令" in top and "Commands" not in top and "重算每项指标" in top


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["compute", "--help", "--lang", "en"], {}),
        (["compute", "--lang=en", "--help"], {"SHOPSCORE_LANG": "zh"}),
        (["compute", "--help"], {"SHOPSCORE_LANG": "en"}),
        (["--lang", "en", "compute", "--help"], {}),
    ],
)
def test_help_in_english_from_lang_or_the_environment(args: list[str], env: dict[str, str]) -> None:
    out = _help(args, env)
    assert "Usage:" in out and "Options" in out and "Output format." in out
    assert "Show this message and exit." in out and "Recompute every metric" in out
    assert not CJK.search(out), CJK.findall(out)


def test_lang_reads_shopscore_lang_and_the_groups_lang() -> None:
    case = str(ROOT / "tests" / "fixtures" / "metrics" / "shop_scored")
    en = runner.invoke(app, ["compute", case, "--as-of", "2026-09-30"], env={"SHOPSCORE_LANG": "en"})
    assert "Thresholds" in en.stdout and "门槛" not in en.stdout
    group = runner.invoke(app, ["--lang", "en", "compute", case, "--as-of", "2026-09-30"])
    assert "Thresholds" in group.stdout
    mine = runner.invoke(
        app, ["compute", case, "--as-of", "2026-09-30", "--lang", "zh"], env={"SHOPSCORE_LANG": "en"}
    )
    assert "门槛" in mine.stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["compute", "--foo"], "没有这个选项：--foo"),
        (["compute"], "缺少参数"),
        (["target", "x", "--score", "abc"], "'--score' 的值无效：应为数字"),
        (["compute", "x", "--format", "bad"], "不是可选值"),
        (["nocmd"], "没有这个命令"),
    ],
)
def test_usage_errors_are_chinese_one_liners_with_exit_2(args: list[str], said: str) -> None:
    res = runner.invoke(app, args, env={"SHOPSCORE_LANG": "", "COLUMNS": "200"})
    assert res.exit_code == 2
    assert said in res.stderr and "错误" in res.stderr and "Traceback" not in res.stderr
    en = runner.invoke(app, [*args, "--lang", "en"], env={"COLUMNS": "200"})
    assert en.exit_code == 2 and not CJK.search(en.stderr), en.stderr
