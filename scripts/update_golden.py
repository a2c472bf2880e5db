"""Regenerate the golden renderings in tests/golden/ (never edit those files by hand).

Run `python scripts/update_golden.py` after an intended change to the table or Markdown
output; tests/test_golden.py fails while a golden file differs from the rendering.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
#: stands for a fresh, empty history file in a case's arguments
HISTORY = "{fresh-history}"
#: an argument starting with this sets the terminal width (COLUMNS) of the rendering
WIDTH = "@columns="
EXT = {"table": "txt", "markdown": "md"}
#: (golden file name, CLI arguments after `shopscore`), paths relative to the repository
CASES: list[tuple[str, list[str]]] = (
    [
        (
            f"{cmd}_{shop}_{fmt}_{lang}.{'md' if fmt == 'markdown' else 'txt'}",
            [cmd, f"sample_exports/{shop}", "--format", fmt, "--lang", lang],
        )
        for cmd in ("compute", "inspect")
        for shop in ("douyin_flagship", "douyin_verbatim")
        for fmt in ("table", "markdown")
        for lang in ("zh", "en")
    ]
    + [
        (
            f"{cmd}_douyin_flagship_{fmt}_{lang}.{'md' if fmt == 'markdown' else 'txt'}",
            [cmd, "sample_exports/douyin_flagship", *extra, "--format", fmt, "--lang", lang],
        )
        for cmd, extra in (
            ("trend", ["--days", "60"]),
            ("forecast", ["--days", "30"]),
            ("target", ["--score", "4.8"]),
            ("whatif", ["--set", "logistics-return-rate=0.5%"]),
            ("diagnose", ["--top", "5"]),
        )
        for fmt in ("table", "markdown")
        for lang in ("zh", "en")
    ]
    + [
        # a narrow and a middle terminal (COLUMNS): the score, points lost and tag always fit
        (
            f"compute_{shop}_w{width}_{lang}.txt",
            [f"{WIDTH}{width}", "compute", f"sample_exports/{shop}", "--lang", lang],
        )
        for shop in ("douyin_flagship", "douyin_verbatim")
        for width in (80, 120)
        for lang in ("zh", "en")
    ]
    + [
        # the 2026 100-point profile: step scores, small-shop rule, the figure buyers see
        (
            f"compute_douyin_verbatim_2026_{fmt}_{lang}.{'md' if fmt == 'markdown' else 'txt'}",
            [
                f"{WIDTH}80",
                "compute",
                "sample_exports/douyin_verbatim",
                "-p",
                "douyin-2026",
                "-f",
                fmt,
                "--lang",
                lang,
            ],
        )
        for fmt in ("table", "markdown")
        for lang in ("zh", "en")
    ]
    + [
        # the TikTok Shop sample under its profile at 80 columns: the enforcement figures,
        # Star Shop's order count, the business-day deadline standing in
        (
            f"compute_tiktok_us_{'w80' if fmt == 'table' else 'markdown'}_{lang}.{EXT[fmt]}",
            [f"{WIDTH}80", "compute", "sample_exports/tiktok_us", "-p", "tiktok", "-f", fmt, "--lang", lang],
        )
        for fmt in ("table", "markdown")
        for lang in ("zh", "en")
    ]
    + [
        (
            f"diagnose_tiktok_us_table_{lang}.txt",
            [
                f"{WIDTH}80",
                "diagnose",
                "sample_exports/tiktok_us",
                "-p",
                "tiktok",
                "--top",
                "5",
                "--lang",
                lang,
            ],
        )
        for lang in ("zh", "en")
    ]
    + [
        # the morning summary of the sample shops, a first run (a fresh history each time)
        (
            f"summary_sample_exports_{fmt}_{lang}.{'md' if fmt == 'markdown' else 'txt'}",
            ["summary", "sample_exports", "--history", HISTORY, "--format", fmt, "--lang", lang],
        )
        for fmt in ("text", "markdown", "wecom", "dingtalk", "feishu")
        for lang in ("zh", "en")
    ]
)


def render(args: list[str]) -> str:
    import os
    import tempfile

    if HISTORY in args:  # each rendering starts from an empty history
        fresh = Path(tempfile.mkdtemp()) / "history.sqlite"
        args = [str(fresh) if a == HISTORY else a for a in args]

    from typer.testing import CliRunner

    from shopscore.cli import app

    env = {}
    if args and args[0].startswith(WIDTH):
        env["COLUMNS"] = args[0][len(WIDTH) :]
        args = args[1:]
    cwd = os.getcwd()
    os.chdir(ROOT)  # paths in the output are as a seller types them
    try:
        res = CliRunner().invoke(app, args, env=env)
    finally:
        os.chdir(cwd)
    if res.exit_code != 0:
        raise SystemExit(f"shopscore {' '.join(args)} exited {res.exit_code}: {res.stderr}")
    return res.stdout


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, args in CASES:
        (GOLDEN / name).write_text(render(args), "utf-8")
        print(name)
