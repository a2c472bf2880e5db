"""Many shops in worker processes: the same results, in folder order, as one after another
in this process; a shop that cannot be read is its own error, not the run's."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from typer.testing import CliRunner

from shopscore import api, workers
from shopscore.cli import app
from tests.test_layouts import agency

runner = CliRunner()


def _json(*args: str) -> tuple[int, list[dict[str, object]]]:
    res = runner.invoke(app, [*args, "-f", "json"])
    return res.exit_code, json.loads(res.stdout)


def test_compute_in_worker_processes_equals_the_run_in_this_process(tmp_path: Path) -> None:
    agency(tmp_path)
    (tmp_path / "店铺B" / "评价.xlsx").write_bytes(b"PK\x03\x04 not a workbook")  # B cannot be read
    code_seq, seq = _json("compute", str(tmp_path), "--as-of", "2026-09-09", "--workers", "1")
    code_par, par = _json("compute", str(tmp_path), "--as-of", "2026-09-09", "--workers", "2")
    assert [r["shop"] for r in par] == ["店铺A", "店铺B", "店铺C"]
    assert [r["status"] for r in par] == ["scored", "error", "scored"]
    assert par == seq and code_par == code_seq == 2
    text = runner.invoke(app, ["compute", str(tmp_path), "--as-of", "2026-09-09", "--workers", "2"])
    assert "店铺A" in text.stdout and "店铺C" in text.stdout and "Traceback" not in text.stderr


def test_summary_in_worker_processes_records_every_shop(tmp_path: Path) -> None:
    agency(tmp_path / "shops")
    db = tmp_path / "h.sqlite"
    args = ["summary", str(tmp_path / "shops"), "--history", str(db), "--as-of", "2026-09-09"]
    code, par = _json(*args, "--workers", "2")
    assert code == 0 and sorted(s["shop"] for s in par) == ["店铺A", "店铺B", "店铺C"]  # type: ignore[type-var]
    _, again = _json(*args, "--workers", "1")
    assert [s["shop"] for s in again] == [s["shop"] for s in par]
    assert [s.get("next_crossing") for s in again] == [s.get("next_crossing") for s in par]
    history = runner.invoke(app, ["history", "--history", str(db), "-f", "json"])
    assert len(json.loads(history.stdout)) == 3


def test_a_light_result_travels_between_processes() -> None:
    """What a worker sends back pickles (read-only tables included) and keeps what the
    reports read, without the frames."""
    planned = api.find_shops(Path(__file__).parent / "fixtures" / "metrics2026" / "growth_stage_30")
    (result,) = api.score_plans(planned, api.ShopTask(profile="douyin-2026", lang="en"), workers=1)
    back = pickle.loads(pickle.dumps(result))
    assert back.to_json() == result.to_json() and back.data.frames == {}
    assert back.fixes is not None and back.profile.dimensions["product"].weight == 42.5


def test_worker_count() -> None:
    assert workers.count(1, None) == 1  # one shop: in this process
    assert workers.count(100, 3) == 3 and workers.count(2, 8) == 2
    assert 1 <= workers.count(100, None) <= workers.cores()
