"""SPEC §8 benchmarks: every ratio of the performance targets, printed beside its target.

    python benchmarks/bench.py                          # 1M orders, the CSV, cache and shops rows
    python benchmarks/bench.py --orders 10000000        # a top shop's 90 days
    python benchmarks/bench.py --orders 200000 --quick  # seconds: a developer's check
    python benchmarks/bench.py --dir path/to/exports    # an existing export folder

What is measured, each in its own process (wall time and that process's peak RSS, read with
os.wait4), the two sides of a ratio alternated, the median of --repeat rounds:

* compute ÷ reading the same CSVs with polars alone (``pl.read_csv(try_parse_dates=True)``),
  time and memory, target ≤ 1.5 (``--format xlsx``: ÷ a bare fastexcel read, target 1.3);
* a second compute on unchanged exports ÷ the first (the parsed-export cache), ≤ 0.25;
* 100 shops × 2,000 orders (an agency folder, worker processes) ÷ one shop of 200,000
  orders, ≤ 2 (``--shops N`` changes the count; ``--no-shops`` skips it).

The exports are generated once into benchmarks/out/ by benchmarks/generate.py (verbatim 抖店
layout unless --layout simple).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

POLARS_READ = r"""
import sys, polars as pl
from pathlib import Path
n = 0
for p in sorted(Path(sys.argv[1]).rglob("*")):
    if p.suffix.lower() == ".csv":
        n += pl.read_csv(p, try_parse_dates=True, infer_schema_length=10000,
                         truncate_ragged_lines=True, encoding="utf8-lossy").height
    elif p.suffix.lower() == ".xlsx":
        import fastexcel
        book = fastexcel.read_excel(p)
        for name in book.sheet_names:
            n += book.load_sheet(name).to_polars().height
print(n)
"""


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 3):
        raise SystemExit(f"{' '.join(cmd)} exited {code}: {err.strip()[-400:]}")
    return wall, usage.ru_maxrss / 1024


def generate(out: Path, orders: int, layout: str, fmt: str, seed: int = 1) -> Path:
    if not out.exists():
        cmd = [sys.executable, str(HERE / "generate.py"), "--orders", str(orders), "--days", "120"]
        cmd += ["--layout", layout, "--format", fmt, "--seed", str(seed), "--out", str(out), "-q"]
        subprocess.run(cmd, check=True)
    return out


def shopscore(*args: str) -> list[str]:
    return [sys.executable, "-m", "shopscore", *args]


def alternate(
    sides: dict[str, tuple[list[str], dict[str, str] | None]], repeat: int
) -> dict[str, tuple[float, float]]:
    """Median (wall, peak) per side, the sides run in turn each round."""
    runs: dict[str, list[tuple[float, float]]] = {k: [] for k in sides}
    for _ in range(repeat):
        for name, (cmd, env) in sides.items():
            runs[name].append(run(cmd, env))
    return {
        k: (statistics.median(w for w, _ in v), statistics.median(m for _, m in v)) for k, v in runs.items()
    }


def env_with(**extra: str) -> dict[str, str]:
    return {**os.environ, **extra}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, help="an existing export folder (else one is generated)")
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    ap.add_argument("--layout", choices=("simple", "verbatim"), default="verbatim")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--shops", type=int, default=100, help="shops of the agency row (default 100)")
    ap.add_argument("--shop-orders", type=int, default=2000, help="orders per agency shop")
    ap.add_argument("--no-shops", action="store_true", help="skip the agency row")
    ap.add_argument("--quick", action="store_true", help="one round, no agency row")
    args = ap.parse_args()
    repeat = 1 if args.quick else args.repeat
    out = HERE / "out"
    folder = args.dir or generate(
        out / f"{args.format}_{args.layout}_{args.orders}", args.orders, args.layout, args.format
    )
    rows: list[tuple[str, str, float, float]] = []  # (what, measured as, ratio, target)
    cache = Path(tempfile.mkdtemp(prefix="shopscore-bench-cache-"))
    try:
        cold = env_with(SHOPSCORE_NO_CACHE="1")
        sides = {
            "read": ([sys.executable, "-c", POLARS_READ, str(folder)], None),
            "compute": (shopscore("compute", str(folder), "--format", "json"), cold),
        }
        got = alternate(sides, repeat)
        (rw, rm), (cw, cm) = got["read"], got["compute"]
        bare = "fastexcel read" if args.format == "xlsx" else "pl.read_csv(try_parse_dates)"
        target = 1.3 if args.format == "xlsx" else 1.5
        rows.append((f"compute ÷ {bare}, time", f"{cw:.2f} s ÷ {rw:.2f} s", cw / rw, target))
        rows.append((f"compute ÷ {bare}, peak memory", f"{cm:.0f} ÷ {rm:.0f} MiB", cm / rm, target))
        firsts, seconds = [], []
        for _ in range(repeat):  # a cold cache, then the same run again
            shutil.rmtree(cache, ignore_errors=True)
            warm = env_with(SHOPSCORE_CACHE_DIR=str(cache))
            firsts.append(run(shopscore("compute", str(folder), "--format", "json"), warm)[0])
            seconds.append(run(shopscore("compute", str(folder), "--format", "json"), warm)[0])
        first, second = statistics.median(firsts), statistics.median(seconds)
        rows.append(
            ("second compute ÷ first (cache)", f"{second:.2f} s ÷ {first:.2f} s", second / first, 0.25)
        )
        if not (args.no_shops or args.quick or args.dir):
            one = generate(
                out / f"csv_{args.layout}_{args.shops * args.shop_orders}",
                args.shops * args.shop_orders,
                args.layout,
                "csv",
            )
            agency = out / f"agency_{args.shops}x{args.shop_orders}"
            if not agency.exists():
                shop = generate(
                    out / f"csv_{args.layout}_{args.shop_orders}", args.shop_orders, args.layout, "csv"
                )
                for i in range(args.shops):
                    shutil.copytree(shop, agency / f"店铺{i:03d}")
            sides = {
                "one": (shopscore("compute", str(one), "--format", "json"), cold),
                "many": (shopscore("compute", str(agency), "--shops", "each", "--format", "json"), cold),
            }
            got = alternate(sides, repeat)
            (ow, _), (mw, _) = got["one"], got["many"]
            what = (
                f"{args.shops} shops × {args.shop_orders:,} ÷ one shop of {args.shops * args.shop_orders:,}"
            )
            rows.append((what, f"{mw:.2f} s ÷ {ow:.2f} s", mw / ow, 2.0))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    what = "as found" if args.dir else f"{args.orders:,} orders, {args.layout} {args.format}"
    print(f"exports: {folder}  ({what}; median of {repeat}, {os.cpu_count()} cores)")
    width = max(len(r[0]) for r in rows)
    print(f"{'ratio':<{width}}  {'measured':>24}  {'ratio':>6}  {'target':>6}")
    for what, measured, ratio, target in rows:
        mark = "ok" if ratio <= target else "OVER"
        print(f"{what:<{width}}  {measured:>24}  {ratio:6.2f}  ≤{target:<5g}  {mark}")


if __name__ == "__main__":
    main()
