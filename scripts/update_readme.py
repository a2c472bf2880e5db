"""Regenerate the README's generated sections from the metric registry and profiles.

Run `python scripts/update_readme.py` after changing a metric declaration or a profile;
tests/test_docs.py fails while the README is stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shopscore import api  # noqa: E402
from shopscore.report.markdown import render_metrics  # noqa: E402


def generated_sections() -> dict[str, str]:
    out = {}
    for profile in ("douyin", "douyin-2023", "douyin-2026", "tiktok"):
        rows = api.describe_metrics(api.load_profile(profile))
        out[f"metrics-{profile}"] = render_metrics(rows, "en", zh_names=True)
    out["enforcement-tiktok"] = render_enforcement(api.load_profile("tiktok"))
    return out


def render_enforcement(profile: api.Profile) -> str:
    """A profile's [[enforcement]] figures: what each counts, over which window, its bound."""
    from shopscore.engine.metrics import REGISTRY

    out = ["| id | Figure | Metric | Window | Passed when |", "|---|---|---|---|---|"]
    for e in profile.enforcement:
        metric = REGISTRY[e.metric]
        window = f"({e.window[0]}, {e.window[1]})"
        if e.week_ends is not None:
            day = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[e.week_ends]
            window = f"the {e.window[1]} days to the last {day} on or before the as-of day"
        side = "≥" if metric.direction == "higher" else "≤"
        cells = [
            f"`{e.id}`",
            e.en,
            f"`{e.metric}`: {metric.doc.definition_en}",
            window,
            f"{side} {e.bound:.1%}",
        ]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def render(readme: str) -> str:
    for name, body in generated_sections().items():
        pattern = re.compile(
            rf"(<!-- generated:{re.escape(name)} -->\n).*?(<!-- /generated:{re.escape(name)} -->)",
            re.S,
        )
        readme = pattern.sub(lambda m, b=body: m.group(1) + b + m.group(2), readme)
    return readme


if __name__ == "__main__":
    path = ROOT / "README.md"
    path.write_text(render(path.read_text("utf-8")), "utf-8")
