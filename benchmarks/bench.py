"""SPEC §8 benchmark: `shopscore compute` against reading the same files with polars alone.

    python benchmarks/bench.py --orders 1000000            # generates into benchmarks/out/
    python benchmarks/bench.py --dir path/to/exports       # an existing export folder

Each side runs in its own process (whole-process wall time and peak RSS), side by side in
one run, best of --repeat runs. Prints the ratios next to the SPEC targets.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

POLARS_READ = r"""
import sys, polars as pl
from pathlib import Path
frames = []
for p in sorted(Path(sys.argv[1]).iterdir()):
    if p.suffix.lower() == ".csv":
        frames.append(pl.scan_csv(p, infer_schema=False, truncate_ragged_lines=True).collect())
    elif p.suffix.lower() == ".xlsx":
        import fastexcel
        book = fastexcel.read_excel(p)
        for name in book.sheet_names:
            frames.append(book.load_sheet(name, header_row=None, dtypes="string").to_polars())
print(sum(f.height for f in frames))
"""


def _run(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def _best(cmd: list[str], repeat: int) -> tuple[float, float]:
    runs = [_run(cmd) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, help="existing export folder (else generate one)")
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    ap.add_argument("--layout", choices=("simple", "verbatim"), default="simple")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument(
        "--series",
        action="store_true",
        help="also time trend and forecast over 180 days (target ≤ 1.2× compute)",
    )
    args = ap.parse_args()
    folder = args.dir
    if folder is None:
        folder = HERE / "out" / f"{args.format}_{args.layout}_{args.orders}"
        if not folder.exists():
            subprocess.run(
                [
                    sys.executable,
                    str(HERE / "generate.py"),
                    "--orders",
                    str(args.orders),
                    "--days",
                    "120",
                    "--layout",
                    args.layout,
                    "--format",
                    args.format,
                    "--out",
                    str(folder),
                ],
                check=True,
            )
    shopscore = [sys.executable, "-m", "shopscore.cli"]
    read_wall, read_rss = _best([sys.executable, "-c", POLARS_READ, str(folder)], args.repeat)
    comp_wall, comp_rss = _best([*shopscore, "compute", str(folder), "--format", "json"], args.repeat)
    help_wall, _ = _best([*shopscore, "--help"], max(3, args.repeat))
    target = 1.5 if args.format == "csv" else 1.3
    result = {
        "folder": str(folder),
        "polars_read": {"seconds": round(read_wall, 3), "peak_mib": round(read_rss, 1)},
        "compute": {"seconds": round(comp_wall, 3), "peak_mib": round(comp_rss, 1)},
        "time_ratio": round(comp_wall / read_wall, 2),
        "memory_ratio": round(comp_rss / read_rss, 2),
        "targets": {"time_ratio": target, "memory_ratio": 1.5 if args.format == "csv" else None},
        "help_seconds": round(help_wall, 3),
    }
    if args.series:
        # interleaved rounds (compute, trend, forecast, …), best of each: a busy machine
        # slows all three alike instead of whichever happened to run last
        commands = {
            "compute": [*shopscore, "compute", str(folder), "--format", "json"],
            "trend": [*shopscore, "trend", str(folder), "--days", "180", "--format", "json"],
            "forecast": [*shopscore, "forecast", str(folder), "--days", "180", "--format", "json"],
        }
        runs: dict[str, list[tuple[float, float]]] = {k: [] for k in commands}
        for _ in range(max(3, args.repeat)):
            for name, cmd in commands.items():
                runs[name].append(_run(cmd))
        best = {k: (min(r[0] for r in v), min(r[1] for r in v)) for k, v in runs.items()}
        for command in ("trend", "forecast"):
            wall, rss = best[command]
            result[command] = {
                "seconds": round(wall, 3),
                "peak_mib": round(rss, 1),
                "compute_seconds_same_rounds": round(best["compute"][0], 3),
                "ratio_to_compute": round(wall / best["compute"][0], 2),
                "target": 1.2,
            }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
