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
    for profile in ("douyin", "douyin-2023", "douyin-2026"):
        rows = api.describe_metrics(api.load_profile(profile))
        out[f"metrics-{profile}"] = render_metrics(rows, "en", zh_names=True)
    return out


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
