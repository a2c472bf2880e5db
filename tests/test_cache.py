"""The parsed-export cache: a second load of unchanged exports reads no file again and gives
the same shop; any change to a file, to the aliases or to the cache entry reads it afresh;
--no-cache and an unusable cache dir still work; two runs may share it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from shopscore.cli import app
from shopscore.loaders import discover
from shopscore.loaders.cache import ExportCache, file_key

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "sample_exports" / "douyin_flagship"
runner = CliRunner()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SHOPSCORE_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files actually read (not served from the cache)."""
    seen: list[str] = []
    real = discover.read_file

    def counting(path: Path, schema: object) -> object:
        seen.append(path.name)
        return real(path, schema)  # type: ignore[arg-type]

    monkeypatch.setattr(discover, "read_file", counting)
    return seen


def _shop(tmp_path: Path) -> Path:
    shop = tmp_path / "shop"
    if not shop.exists():
        shutil.copytree(FLAGSHIP, shop)
    return shop


def _same(a: discover.ShopData, b: discover.ShopData) -> None:
    assert a.frames.keys() == b.frames.keys()
    for kind in a.frames:
        assert_frame_equal(a.frames[kind], b.frames[kind])
    assert a.columns == b.columns and a.spans == b.spans
    assert a.report.to_json() == b.report.to_json()
    assert_frame_equal(a.report.problems, b.report.problems)


def test_second_load_reads_nothing_and_gives_the_same_shop(
    tmp_path: Path, cache: Path, reads: list[str]
) -> None:
    shop = _shop(tmp_path)
    files = sorted(p.name for p in shop.iterdir())
    (first,) = discover.load(shop)
    assert sorted(reads) == files
    reads.clear()
    (second,) = discover.load(shop)
    assert reads == []
    _same(first, second)
    (fresh,) = discover.load(shop, cache=False)
    assert sorted(reads) == files
    _same(first, fresh)


def test_a_changed_file_is_read_again_even_with_the_same_size_and_time(
    tmp_path: Path, cache: Path, reads: list[str]
) -> None:
    shop = _shop(tmp_path)
    discover.load(shop)
    orders = next(shop.glob("订单*.csv"))
    st = orders.stat()
    data = orders.read_bytes()
    i = data.index(b"2026-")  # one digit of a date, same length
    changed = data[: i + 5] + (b"1" if data[i + 5 : i + 6] != b"1" else b"0") + data[i + 6 :]
    orders.write_bytes(changed)
    os.utime(orders, ns=(st.st_atime_ns, st.st_mtime_ns))
    reads.clear()
    discover.load(shop)
    assert reads == [orders.name]


def test_other_aliases_read_the_files_again(tmp_path: Path, cache: Path, reads: list[str]) -> None:
    shop = _shop(tmp_path)
    discover.load(shop)
    aliases = tmp_path / "cols.toml"
    aliases.write_text('[datasets.orders.columns]\norder_id = ["我的单号"]\n', "utf-8")
    reads.clear()
    discover.load(shop, aliases)
    assert len(reads) == len(list(shop.iterdir()))
    reads.clear()
    discover.load(shop, aliases)
    assert reads == []


def test_a_broken_entry_is_ignored_and_rewritten(tmp_path: Path, cache: Path, reads: list[str]) -> None:
    shop = _shop(tmp_path)
    (first,) = discover.load(shop)
    entries = sorted(cache.glob("*/*.entry"))
    files = list(shop.iterdir())
    assert len(entries) == len(files) + 1  # each file, and the shop built from them
    for i, entry in enumerate(entries):  # runs killed mid-write elsewhere
        entry.write_bytes(entry.read_bytes()[:100] if i % 2 else b"")
    reads.clear()
    (second,) = discover.load(shop)
    assert sorted(reads) == sorted(p.name for p in files)
    _same(first, second)
    reads.clear()
    discover.load(shop)
    assert reads == []


def test_no_cache_writes_nothing_and_a_read_only_cache_still_works(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = _shop(tmp_path)
    res = runner.invoke(app, ["compute", str(shop), "--no-cache", "-f", "json"])
    assert res.exit_code in (0, 1) and not cache.exists()
    monkeypatch.setenv("SHOPSCORE_NO_CACHE", "1")
    runner.invoke(app, ["compute", str(shop), "-f", "json"])
    assert not cache.exists()
    monkeypatch.delenv("SHOPSCORE_NO_CACHE")
    cache.write_text("a file where the folder should be")
    res2 = runner.invoke(app, ["compute", str(shop), "-f", "json"])
    assert res2.exit_code == res.exit_code and json.loads(res2.stdout) == json.loads(res.stdout)


def test_the_cache_is_pruned_to_its_limit_oldest_first(tmp_path: Path) -> None:
    store = ExportCache(tmp_path / "c")
    for i in range(4):
        store.put(f"{i:02d}" + "0" * 38, pl.DataFrame({"x": range(100_000)}))  # ~0.8 MB each
        os.utime(store._entry(f"{i:02d}" + "0" * 38), ns=(i * 10**9, i * 10**9))
    os.environ["SHOPSCORE_CACHE_MB"] = "2"
    try:
        store.prune()
    finally:
        del os.environ["SHOPSCORE_CACHE_MB"]
    left = sorted(p.name[:2] for p in (tmp_path / "c").glob("*/*.entry"))
    assert left == ["02", "03"]


def test_the_key_follows_content_not_only_size_and_time(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_bytes(b"x,y\n1,2\n")
    st = f.stat()
    k1 = file_key(f, "s")
    f.write_bytes(b"x,y\n1,3\n")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert file_key(f, "s") != k1
    assert file_key(f, "s") != file_key(f, "t")
    assert file_key(tmp_path / "missing.csv", "s") is None


def test_two_runs_sharing_an_empty_cache_both_succeed(tmp_path: Path, cache: Path) -> None:
    shop = _shop(tmp_path)
    cmd = [sys.executable, "-m", "shopscore", "compute", str(shop), "-f", "json", "--as-of", "2026-11-20"]
    env = {**os.environ, "SHOPSCORE_CACHE_DIR": str(cache)}
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode in (0, 1) for p in procs), [o[1] for o in outs]
    assert len({o[0] for o in outs}) == 1
    again = subprocess.run(cmd, env=env, capture_output=True, timeout=120)
    assert again.stdout == outs[0][0]


def test_a_copied_shop_is_read_from_the_cache_with_its_own_paths(
    tmp_path: Path, cache: Path, reads: list[str]
) -> None:
    shop = _shop(tmp_path)
    (first,) = discover.load(shop)
    copy = tmp_path / "copy" / "shop"
    shutil.copytree(shop, copy)  # same names, contents and times
    reads.clear()
    (second,) = discover.load(copy)
    assert reads == []
    assert all(not f.path.startswith(str(tmp_path)) for f in second.report.files)  # shown relative
    for kind in first.frames:
        assert_frame_equal(first.frames[kind], second.frames[kind])
    assert second.path == copy


def test_a_shop_prepared_once_serves_the_next_score_of_the_same_files(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two loads of unchanged exports are the same data (the same cache key): the second
    score reuses the prepared shop and gives the same result; another profile prepares anew."""
    from collections import OrderedDict

    from shopscore import api
    from shopscore.engine import scorecard

    monkeypatch.setattr(scorecard, "_PREPARED", OrderedDict())  # nothing from earlier tests
    built: list[str] = []
    real = scorecard._model
    monkeypatch.setattr(scorecard, "_model", lambda s, p: built.append(p.id) or real(s, p))
    shop = _shop(tmp_path)
    (a,) = api.load(shop)
    (b,) = api.load(shop)
    assert a.cache_key is not None and a.cache_key == b.cache_key
    first, second = api.score(a, "douyin"), api.score(b, "douyin")
    assert first.to_json() == second.to_json() and built == ["douyin"]
    api.score(b, "douyin-2023")
    assert built == ["douyin", "douyin-2023"]
    (c,) = api.load(shop, cache=False)
    api.score(c, "douyin")  # not read through the cache: prepared here
    assert built[-1] == "douyin" and len(built) == 3
