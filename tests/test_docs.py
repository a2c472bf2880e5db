"""The README's metric tables are generated from the registry; they must be current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_generated_sections_are_current() -> None:
    spec = importlib.util.spec_from_file_location("update_readme", ROOT / "scripts" / "update_readme.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    readme = (ROOT / "README.md").read_text("utf-8")
    for name in mod.generated_sections():
        assert f"<!-- generated:{name} -->" in readme, name
    assert mod.render(readme) == readme, "README is stale: run python scripts/update_readme.py"


def test_readme_starts_with_the_two_commands() -> None:
    head = (ROOT / "README.md").read_text("utf-8").split("\n## ")[0]
    assert "shopscore compute sample_exports/" in head
    assert "'.[test]'" in head and "pytest" in head


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "pytest" in ci and "ruff check" in ci and "mypy shopscore" in ci


def test_the_suite_runs_the_working_tree_not_an_installed_copy() -> None:
    import shopscore

    root = Path(__file__).resolve().parents[1]
    assert Path(shopscore.__file__).resolve().is_relative_to(root / "shopscore")
