"""`summary` and the history (issue 11): previous, delta and exit codes over two runs; one
row per shop and day; a process killed mid-write and two overlapping runs leave the history
intact and complete; schema versions."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from shopscore import api
from shopscore.cli import app
from shopscore.history import SCHEMA_VERSION, History
from tests.test_robots import KEY, Robot

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "sample_exports" / "douyin_flagship"
runner = CliRunner()


def _summary(history: Path, *args: str) -> tuple[int, list[dict]]:
    res = runner.invoke(app, ["summary", str(FLAGSHIP), "--history", str(history), "-f", "json", *args])
    return res.exit_code, json.loads(res.stdout)


def test_second_run_compares_with_the_previous_one(tmp_path: Path) -> None:
    """Run on 11-13, then on 11-20: previous is the 11-13 entry and delta the difference of
    the two computes; the same day again replaces its row (idempotent)."""
    db = tmp_path / "h.sqlite"
    (shop,) = api.load(FLAGSHIP)
    from datetime import date

    first = api.score(shop, "douyin", date(2026, 11, 13)).score
    second = api.score(shop, "douyin", date(2026, 11, 20)).score
    assert first is not None and second is not None
    code, (a,) = _summary(db, "--as-of", "2026-11-13")
    assert code == 0 and a["previous"] is None and a["delta"] is None
    code, (b,) = _summary(db, "--as-of", "2026-11-20")
    assert b["previous"] == {"as_of": "2026-11-13", "score": pytest.approx(first, abs=1e-6)}
    assert b["delta"] == pytest.approx(second - first, abs=1e-6)
    _summary(db, "--as-of", "2026-11-20")
    days = [e.as_of.isoformat() for e in History(db).entries()]
    assert days == ["2026-11-13", "2026-11-20"]
    # --fail-drop: a fall larger than the bound is an alert; --fail-below as compute
    drop = first - second
    code, _ = _summary(db, "--as-of", "2026-11-20", "--fail-drop", f"{abs(drop) / 2:.6f}")
    assert code == (1 if drop > 0 else 0)
    code, _ = _summary(db, "--as-of", "2026-11-20", "--fail-below", "4.5")
    assert code == 1
    code, _ = _summary(db, "--as-of", "2026-11-20", "--fail-below", "4.0")
    assert code == 0


def test_thresholds_crossed_since_the_previous_run(tmp_path: Path) -> None:
    """A recorded run where every threshold passed (written by hand): today's failures are
    'newly failing' (direction down)."""
    db = tmp_path / "h.sqlite"
    store = History(db)
    prof = api.load_profile("douyin")
    store.conn.execute(
        "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            "douyin_flagship",
            "douyin",
            "2026-11-01",
            "2026-11-01T00:00:00+00:00",
            str(FLAGSHIP),
            "scored",
            4.9,
            "{}",
            "{}",
            json.dumps({t.id: True for t in prof.thresholds}),
        ),
    )
    store.close()
    _, (s,) = _summary(db)
    down = {c["threshold"] for c in s["thresholds_crossed"] if c["direction"] == "down"}
    assert down == {t["id"] for t in s["thresholds_failed"]} and "free-traffic" in down
    assert s["delta"] == pytest.approx(s["score"] - 4.9, abs=1e-6)


def test_text_and_markdown_blocks(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    for fmt in ("text", "markdown"):
        res = runner.invoke(app, ["summary", str(ROOT / "sample_exports"), "--history", str(db), "-f", fmt])
        assert res.exit_code == 0
        lines = res.stdout.splitlines()
        assert "3 家店铺" in lines[0]
        # worst first: tiktok_us (3.55 on douyin's rules), verbatim 4.40, flagship 4.42
        assert res.stdout.index("tiktok_us") < res.stdout.index("douyin_verbatim")
        assert res.stdout.index("douyin_verbatim") < res.stdout.index("douyin_flagship")
        assert "重点机会" in res.stdout


KILLER = r"""
import os, sys
from shopscore.history import History
h = History(__import__("pathlib").Path(sys.argv[1]))
h.conn.execute("BEGIN IMMEDIATE")
h.conn.execute("UPDATE runs SET score = -1")
h.conn.execute("INSERT INTO runs VALUES ('x','douyin','2026-01-01','t','f','scored',1,'{}','{}','{}')")
os._exit(9)  # killed mid-write: no commit, no close
"""


def test_a_run_killed_mid_write_leaves_the_history_intact(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    _summary(db, "--as-of", "2026-11-13")
    res = subprocess.run([sys.executable, "-c", KILLER, str(db)], cwd=ROOT, capture_output=True, timeout=60)
    assert res.returncode == 9
    entries = History(db).entries()
    assert [(e.shop, e.as_of.isoformat()) for e in entries] == [("douyin_flagship", "2026-11-13")]
    assert entries[0].score is not None and entries[0].score > 0


WRITER = r"""
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from shopscore.history import History
h = History(Path(sys.argv[1]))
shop = sys.argv[2]
for day in range(1, 29):
    r = SimpleNamespace(shop=shop, profile=SimpleNamespace(id="douyin"), as_of=date(2026, 2, day),
                        status="scored", score=4.0 + day / 100, data=SimpleNamespace(path="x"),
                        dimensions=[], metrics=[], thresholds=[])
    h.record(r)
h.close()
"""


def test_overlapping_runs_both_land(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    History(db).close()
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db), name], cwd=ROOT, stderr=subprocess.PIPE)
        for name in ("a", "b", "c")
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    entries = History(db).entries()
    assert len(entries) == 3 * 28
    assert {e.shop for e in entries} == {"a", "b", "c"}


def test_schema_versions_and_foreign_files(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    History(db).close()
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    newer = tmp_path / "newer.sqlite"
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    res = runner.invoke(app, ["summary", str(FLAGSHIP), "--history", str(newer)])
    assert res.exit_code == 2 and "newer shopscore" in res.stderr
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    res = runner.invoke(app, ["summary", str(FLAGSHIP), "--history", str(junk)])
    assert res.exit_code == 2 and "--history" in res.stderr and "Traceback" not in res.stderr


def test_history_lists_and_exports(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    _summary(db, "--as-of", "2026-11-13")
    _summary(db, "--as-of", "2026-11-20")
    res = runner.invoke(app, ["history", str(FLAGSHIP), "--history", str(db), "-f", "json"])
    assert [e["as_of"] for e in json.loads(res.stdout)] == ["2026-11-13", "2026-11-20"]
    for name in ("h.csv", "h.parquet"):
        target = tmp_path / name
        res = runner.invoke(app, ["history", "--history", str(db), "--export", str(target), "-f", "json"])
        assert res.exit_code == 0
        frame = pl.read_csv(target) if name.endswith(".csv") else pl.read_parquet(target)
        assert frame.height == 2 and "metric.negative-feedback-rate" in frame.columns


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu"])
def test_a_local_robot_receives_every_shop_within_the_limits(kind: str, tmp_path: Path, robot: Robot) -> None:
    """summary --post to a local webhook: every shop of an agency folder arrives, in order,
    each message under its robot's byte limit; no buyer data, no key in the output."""
    import shutil

    from shopscore.report.robots import LIMITS

    for i in range(6):
        shutil.copytree(FLAGSHIP, tmp_path / "shops" / f"店铺{i:02d}")
    res = runner.invoke(
        app,
        [
            "summary",
            str(tmp_path / "shops"),
            "--shops",
            "each",
            "--history",
            str(tmp_path / "h.sqlite"),
            "--format",
            kind,
            "--post",
            robot.url,
        ],
    )
    assert res.exit_code == 0, res.stderr
    assert KEY not in res.stdout + res.stderr
    texts = []
    for body in robot.bodies:
        payload = json.loads(body.decode("utf-8"))
        if kind == "feishu":
            lines = payload["content"]["post"]["zh_cn"]["content"]
            texts.append("\n".join(part["text"] for line in lines for part in line))
        else:
            texts.append(payload["markdown"]["content" if kind == "wecom" else "text"])
    assert texts and all(len(t.encode("utf-8")) <= LIMITS[kind] for t in texts)
    joined = "\n".join(texts)
    assert all(f"店铺{i:02d}" in joined for i in range(6))
    assert "收件人" not in joined


def test_second_run_on_changed_exports(tmp_path: Path) -> None:
    """The seller exports again a day later with a new complaint (2026-11-21): the second
    run's previous is the first run, and its delta is the difference of the two scores."""
    import shutil

    shop = tmp_path / "douyin_flagship"
    shutil.copytree(FLAGSHIP, shop)
    db = tmp_path / "h.sqlite"

    def run() -> tuple[int, dict]:
        res = runner.invoke(
            app, ["summary", str(shop), "--history", str(db), "-f", "json", "--fail-drop", "0"]
        )
        (payload,) = json.loads(res.stdout)
        return res.exit_code, payload

    code, first = run()
    assert code == 0 and first["previous"] is None and first["as_of"] == "2026-11-20"
    (shop / "投诉_补充.csv").write_text(
        "投诉单号,订单编号,投诉时间,投诉类型\nC-NEW,4900000000000000001,2026-11-21 09:00:00,发货太慢\n",
        "utf-8",
    )
    code, second = run()
    assert second["as_of"] == "2026-11-21"
    assert second["previous"] == {"as_of": "2026-11-20", "score": first["score"]}
    assert second["delta"] == pytest.approx(second["score"] - first["score"], abs=1e-6)
    assert second["delta"] < 0 and code == 1  # --fail-drop 0: any fall is an alert
