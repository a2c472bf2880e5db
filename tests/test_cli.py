"""The CLI is a thin layer: JSON equals the library's result, errors are one line, exit 2."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from shopscore import api
from shopscore.cli import app
from shopscore.engine.metrics import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "tests" / "fixtures" / "metrics" / "shop_scored"
SCHEMA = json.loads((ROOT / "docs" / "compute.schema.json").read_text("utf-8"))
runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.stdout, res.stderr


def test_compute_json_equals_library_result_and_schema() -> None:
    code, out, _ = _run("compute", str(CASE), "--as-of", "2026-09-30", "--format", "json")
    assert code == 0
    (payload,) = json.loads(out)
    (shop,) = api.load(CASE)
    expected = api.score(shop, "douyin", date(2026, 9, 30)).to_json()
    assert payload == json.loads(json.dumps(expected, ensure_ascii=False, default=str))
    jsonschema.validate([payload], SCHEMA)
    assert payload["estimate"] is True
    lost = sum(m["points_lost"] or 0 for m in payload["metrics"])
    assert lost == pytest.approx(5 - payload["score"], abs=1e-5)


def test_compute_multi_shop_prints_a_list_in_folder_order(tmp_path: Path) -> None:
    import shutil

    for name in ("b_shop", "a_shop"):
        shutil.copytree(CASE, tmp_path / name, ignore=shutil.ignore_patterns("*.toml"))
    # two copies of one shop: the same orders, so only --shops each scores them apart
    code, out, _ = _run(
        "compute", str(tmp_path), "--as-of", "2026-09-30", "--format", "json", "--shops", "each"
    )
    assert code == 0
    payload = json.loads(out)
    assert [p["shop"] for p in payload] == ["a_shop", "b_shop"]
    jsonschema.validate(payload, SCHEMA)


@pytest.mark.parametrize("fmt", ["table", "markdown"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_compute_human_formats(fmt: str, lang: str) -> None:
    code, out, _ = _run("compute", str(CASE), "--as-of", "2026-09-30", "--format", fmt, "--lang", lang)
    assert code == 0
    for mid in ("negative-feedback-rate", "pickup-on-time-rate"):
        assert REGISTRY[mid].name(lang) in out
    assert ("估算" if lang == "zh" else "Estimate") in out


def test_missing_path_is_one_line_exit_2(tmp_path: Path) -> None:
    code, out, err = _run("compute", str(tmp_path / "nope"))
    assert code == 2
    assert out == ""
    assert "no such file or folder" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2  # one logical line, maybe wrapped


def test_bad_as_of_is_a_usage_error() -> None:
    code, _, err = _run("compute", str(CASE), "--as-of", "30/09/2026")
    assert code == 2 and "--as-of" in err


def test_orders_file_missing_paid_and_created_is_input_error(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text("主订单编号,订单状态,商品ID\n1,已完成,5\n", "utf-8")
    code, _, err = _run("inspect", str(tmp_path))
    assert code == 2
    assert "orders.csv" in err and "支付完成时间" in err


def test_inspect_json_has_shop_and_load() -> None:
    """inspect --format json on tests/fixtures/metrics/shop_scored: `shop` and the `load`
    object of §7 with the real content of that folder (4 exports + expected.toml, which is no
    export) and what each metric can be computed from."""
    code, out, _ = _run("inspect", str(CASE), "--format", "json")
    assert code == 0
    (payload,) = json.loads(out)
    assert payload["shop"] == "shop_scored"
    load = payload["load"]
    jsonschema.validate(load, SCHEMA["$defs"]["load"])
    files = {f["path"]: f for f in load["files"]}
    # data rows per file (header excluded): orders 14001–14032, after-sales 1401–1404,
    # complaints 71401–71402, reviews 9401–9412; nothing duplicated or rejected
    counts = {p: (f["dataset"], f["rows_read"], f["rows_kept"]) for p, f in files.items() if f["dataset"]}
    assert counts == {
        "orders.csv": ("orders", 32, 32),
        "after_sales.csv": ("after_sales", 4, 4),
        "complaints.csv": ("complaints", 2, 2),
        "reviews.csv": ("reviews", 12, 12),
    }
    for f in files.values():
        assert (f["duplicates"], f["conflicts"], f["rejected"], f["unmapped_columns"]) == (0, 0, 0, [])
    # expected.toml is listed (SPEC §1: other files are listed as skipped, never silently
    # ignored) but read as no dataset
    listed = set(files) | {sk["path"] for sk in load.get("skipped", [])}
    assert listed == {"orders.csv", "after_sales.csv", "complaints.csv", "reviews.csv", "expected.toml"}
    assert files.get("expected.toml", {}).get("dataset") is None
    assert files["orders.csv"]["columns"]["delivered_at"] == "签收时间"
    assert files["after_sales.csv"]["columns"]["reason_tag"] == "售后原因标签"
    assert load["orphans"] == {} and load["problems"] == []
    # no 飞鸽 export: the two IM metrics are missing, every other metric computable
    states = {m["metric"]: m["state"] for m in payload["metrics"]}
    assert set(states) == set(api.load_profile("douyin").metrics)
    assert {mid for mid, st in states.items() if st != "ok"} == {"im-3min-reply-rate", "im-dissatisfaction"}
    assert states["im-3min-reply-rate"] == states["im-dissatisfaction"] == "missing"


@pytest.mark.parametrize("profile", ["douyin", "douyin-2023"])
def test_metrics_lists_every_metric_of_the_profile(profile: str) -> None:
    code, out, _ = _run("metrics", "--profile", profile, "--format", "json")
    assert code == 0
    rows = json.loads(out)[0]["metrics"]
    assert {r["id"] for r in rows} == set(api.load_profile(profile).metrics)
    for r in rows:
        assert r["definition_zh"] and r["definition_en"] and r["direction"] in ("lower", "higher")


def test_help_lists_commands() -> None:
    code, out, _ = _run("--help")
    assert code == 0
    for cmd in ("inspect", "compute", "metrics"):
        assert cmd in out


def test_compute_on_the_real_export_layouts() -> None:
    """The 抖店 downloads as they come (tests/fixtures/export_examples, a copy of
    ../shared/export-examples/douyin): every file recognised, every row accounted for, a score."""
    examples = ROOT / "tests" / "fixtures" / "export_examples"
    code, out, _ = _run("compute", str(examples), "--format", "json")
    assert code == 0
    jsonschema.validate(json.loads(out), SCHEMA)
    (payload,) = json.loads(out)
    files = payload["load"]["files"]
    assert len(files) == 7 and all(f["dataset"] for f in files)
    for f in files:
        assert f["rows_read"] == f["rows_kept"] + f["duplicates"] + f["rejected"]
    assert payload["status"] == "scored" and payload["score"] is not None
    im = next(m for m in payload["metrics"] if m["id"] == "im-3min-reply-rate")
    assert im["approximate"] is True  # from 飞鸽 daily data


def test_unknown_category_is_a_clear_error() -> None:
    code, _, err = _run("compute", str(CASE), "--category", "服饰")
    assert code == 2 and "--category" in err and "has no curves" in err


def test_category_curves_from_a_user_profile(tmp_path: Path) -> None:
    """A per-category curve replaces the default one for that metric only."""
    prof = tmp_path / "cat.toml"
    prof.write_text(
        'extends = "douyin"\n[metrics.negative-feedback-rate.categories."服饰"]\n'
        'kind = "linear"\npoints = [[0.0, 5], [1.0, 5]]\n',
        "utf-8",
    )
    args = ("compute", str(CASE), "--as-of", "2026-09-30", "--format", "json", "--profile", str(prof))
    code, out, _ = _run(*args, "--category", "服饰")
    assert code == 0
    metric = next(m for m in json.loads(out)[0]["metrics"] if m["id"] == "negative-feedback-rate")
    assert metric["score"] == 5.0


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_inspect_human_formats_list_every_file(fmt: str) -> None:
    examples = ROOT / "tests" / "fixtures" / "export_examples"
    code, out, _ = _run("inspect", str(examples), "--format", fmt, "--lang", "en")
    assert code == 0
    for f in examples.iterdir():
        assert f.name in out
    assert "summary row" in out  # the 店铺汇总值 row of the 飞鸽 file, with its reason


@pytest.mark.parametrize("encoding", ["gbk", "ascii"])
def test_any_console_encoding_prints_instead_of_crashing(encoding: str) -> None:
    """A GBK console (Chinese Windows) cannot encode ✓/✗: they fall back to √/× (or x)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": encoding}
    lang = "zh" if encoding == "gbk" else "en"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "shopscore.cli",
            "compute",
            str(CASE),
            "--as-of",
            "2026-09-30",
            "--lang",
            lang,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert res.returncode == 0, res.stderr.decode(encoding, "replace")
    out = res.stdout.decode(encoding)
    assert ("×" if encoding == "gbk" else "x") in out and "internal error" not in out


def test_a_closed_output_pipe_ends_quietly_with_the_commands_code() -> None:
    """`shopscore compute … | head -1`: no traceback, and not rich's exit 1."""
    import subprocess
    import sys

    for fmt in ("table", "json"):
        p = subprocess.Popen(
            [sys.executable, "-m", "shopscore.cli", "compute", str(CASE), "-f", fmt],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert p.stdout is not None and p.stderr is not None
        p.stdout.read(20)
        p.stdout.close()
        assert p.wait(timeout=60) == 0
        assert p.stderr.read() == b""


@pytest.mark.parametrize(
    ("path", "args", "code"),
    [
        # douyin_flagship scores 4.42 (sample_exports/README.md)
        (ROOT / "sample_exports" / "douyin_flagship", ("--fail-below", "4.0"), 0),
        (ROOT / "sample_exports" / "douyin_flagship", ("--fail-below", "4.5"), 1),
        (ROOT / "sample_exports" / "douyin_flagship", (), 0),
        # fewer than 30 delivered orders: no score, so it cannot be judged
        (ROOT / "tests" / "fixtures" / "metrics" / "shop_below_min_orders", ("--fail-below", "4.0"), 3),
        (ROOT / "tests" / "fixtures" / "metrics" / "shop_below_min_orders", (), 0),
    ],
)
def test_fail_below_exit_codes(path: Path, args: tuple[str, ...], code: int) -> None:
    got, out, _ = _run("compute", str(path), *args, "-f", "json")
    assert got == code
    assert json.loads(out)[0]["shop"] == path.name  # the result is printed whatever the code


def test_fail_below_on_too_little_coverage_and_several_shops(tmp_path: Path) -> None:
    """Orders only: the score rests on 14 % of the weight (tests/test_coverage.py), under the
    default --min-coverage 0.8 → 3; allowed with --min-coverage 0.1 → judged on its score.
    Several shops: the most severe code (1 > 3)."""
    import shutil

    from tests.shopfiles import write_orders

    shop = tmp_path / "thin"
    shop.mkdir()
    write_orders(shop / "orders.csv", date(2026, 9, 1), 60)
    code, _, _ = _run("compute", str(shop), "--fail-below", "1", "-f", "json")
    assert code == 3
    code, out, _ = _run("compute", str(shop), "--fail-below", "1", "--min-coverage", "0.1", "-f", "json")
    (payload,) = json.loads(out)
    assert payload["coverage"]["measured_weight"] < 0.8
    assert code == (1 if payload["score"] < 1 else 0)
    shutil.copytree(ROOT / "sample_exports" / "douyin_flagship", tmp_path / "flagship")
    code, _, _ = _run("compute", str(tmp_path), "--shops", "each", "--fail-below", "4.5", "-f", "json")
    assert code == 1


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_multi_shop_summary_says_which_threshold_each_shop_clears(fmt: str, tmp_path: Path) -> None:
    """A 4.42 shop clears 4.3 (精选联盟 entry) with 4.0 the next one down; the 3.68 shop of the
    real export examples clears only the 3.2 清退 line — it stands out, in both formats."""
    import shutil

    shutil.copytree(ROOT / "sample_exports" / "douyin_flagship", tmp_path / "a_flagship")
    shutil.copytree(ROOT / "tests" / "fixtures" / "export_examples", tmp_path / "b_examples")
    code, out, _ = _run("compute", str(tmp_path), "--shops", "each", "-f", fmt, "--lang", "en")
    assert code == 0
    rows = [line for line in out.splitlines() if "✓" in line or "✗" in line]  # the overview rows
    flagship = next(line for line in rows if "a_flagship" in line)
    examples = next(line for line in rows if "b_examples" in line)
    assert "entry (4.3)" in flagship and "staying in 精选联盟 (4)" in flagship
    assert "(3.2)" in examples and "(4.3)" not in examples


def test_version_alone_and_python_dash_m() -> None:
    import subprocess
    import sys

    from shopscore import __version__

    code, out, _ = _run("--version")
    assert code == 0 and out.strip() == f"shopscore {__version__}"
    res = subprocess.run(
        [sys.executable, "-m", "shopscore", "--version"], cwd=ROOT, capture_output=True, timeout=60
    )
    assert res.returncode == 0 and res.stdout.decode().strip() == f"shopscore {__version__}"


def test_fix_first_block_names_what_to_fix_and_how_to_drill() -> None:
    """The compute table opens with the metrics costing most points, each with one sentence
    from its diagnosis and the command that drills into it; a legend explains tags."""
    code, out, _ = _run("compute", str(ROOT / "sample_exports" / "douyin_flagship"))
    assert code == 0
    block = out[out.index("先改这里") : out.index("门槛")]
    assert "综合负向反馈率 (CCR)" in block and "纯棉T恤" in block
    assert "shopscore diagnose" in block and "-m negative-feedback-rate" in block.replace("\n", " ").replace(
        "│", ""
    )
    assert block.index("综合负向反馈率") < block.index("物流品退率")  # most points lost first
    assert "重点机会 = 失分最多的指标" in out and "仅诊断 = 只展示" in out
    (shop,) = api.load(CASE.parent / "shop_below_min_orders")
    unscored = api.score(shop, "douyin", date(2026, 9, 30))
    assert unscored.status == "insufficient-data" and api.fix_first(unscored) == []


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_unscored_shop_shows_values_and_why_not_scored(fmt: str) -> None:
    """An insufficient-data shop (29 delivered orders < 30) whose pickup-on-time-rate (35/35)
    and delivery-hours (29 × 72 h) would score: the table and Markdown show their values and
    samples, say how many more orders a score needs, and show no metric score (5.00, 4.50),
    no points lost (0.214) and no legend of tags; there is no Fix-first block."""
    shop = ROOT / "tests" / "fixtures" / "metrics" / "shop_below_min_scored_metrics"
    for lang, why in (
        ("zh", "签收订单 29 单，满 30 单才计分，还差 1 单"),
        ("en", "30 are needed for a score, 1 more"),
    ):
        res = runner.invoke(
            app,
            ["compute", str(shop), "--as-of", "2026-09-30", "--format", fmt, "--lang", lang],
            env={"COLUMNS": "120"},
        )
        assert res.exit_code == 0
        out = res.stdout
        assert why in out, lang
        assert "100.00%" in out and "35/35" in out and "72.0 h" in out
        for shown in ("5.00", "4.50", "0.214", "0.000"):
            assert shown not in out, (lang, shown)
        assert "先改这里" not in out and "Fix first" not in out
        assert "重点机会 =" not in out and "key opportunity =" not in out


def test_unscored_shop_with_enough_orders_says_no_metric_has_its_sample(tmp_path: Path) -> None:
    """insufficient-data also when min_orders is met but no weighted metric has its minimum
    sample: the reason given is then the metrics', not a count of orders."""
    mine = tmp_path / "min1.toml"
    mine.write_text('extends = "douyin"\nid = "min1"\n[eligibility]\nmin_orders = 1\n', "utf-8")
    shop = ROOT / "tests" / "fixtures" / "metrics" / "orders_only_no_data"
    code, out, _ = _run("compute", str(shop), "--profile", str(mine), "--format", "markdown", "--lang", "en")
    assert code == 0
    assert "- no weighted metric has its minimum sample, so there is no score" in out
    assert "more" not in out
