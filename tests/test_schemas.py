"""The JSON contract (SPEC §7): every command prints an array of shop objects, one shop or
many; each docs/*.schema.json is a valid schema, describes every field, and accepts the
real outputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from shopscore.cli import app

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
FLAGSHIP = ROOT / "sample_exports" / "douyin_flagship"
SCHEMAS = sorted(DOCS.glob("*.schema.json"))
#: command → (schema file, extra arguments)
COMMANDS = {
    "compute": ("compute", ()),
    "inspect": ("inspect", ()),
    "trend": ("series", ("--days", "5")),
    "forecast": ("series", ("--days", "5", "--assume", "recent")),
    "whatif": ("compute", ("--set", "complaint-rate=0")),
    "target": ("target", ("--score", "4.8")),
    "diagnose": ("diagnose", ("--top", "3")),
    "summary": ("summary", ("--history", "{history}")),
}


def _schema(name: str) -> dict[str, Any]:
    return json.loads((DOCS / f"{name}.schema.json").read_text("utf-8"))


def _undescribed(node: Any, path: str = "$") -> list[str]:
    """Every property (at any depth) that has no description."""
    missing: list[str] = []
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            if isinstance(sub, dict) and "description" not in sub and "$ref" not in sub:
                missing.append(f"{path}.{name}")
        for key, sub in node.items():
            missing += _undescribed(sub, f"{path}.{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            missing += _undescribed(sub, f"{path}[{i}]")
    return missing


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_schema_is_valid_an_array_and_describes_every_field(path: Path) -> None:
    schema = json.loads(path.read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["type"] == "array", "every command prints an array of shops"
    assert _undescribed(schema) == []


@pytest.mark.parametrize("command", list(COMMANDS))
def test_one_shop_and_many_fit_the_schema(command: str, tmp_path: Path) -> None:
    schema_name, extra = COMMANDS[command]
    extra = tuple(str(tmp_path / "h.sqlite") if a == "{history}" else a for a in extra)
    schema = _schema(schema_name)
    res = CliRunner().invoke(app, [command, str(FLAGSHIP), *extra, "--format", "json"])
    assert res.exit_code == 0, res.stderr
    one = json.loads(res.stdout)
    assert isinstance(one, list) and len(one) == 1 and one[0]["shop"] == "douyin_flagship"
    jsonschema.validate(one, schema)
    shutil.copytree(FLAGSHIP, tmp_path / "a")
    shutil.copytree(FLAGSHIP, tmp_path / "b")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "notes.csv").write_text("备注,内容\n1,x\n", "utf-8")  # no export: an error shop
    res = CliRunner().invoke(app, [command, str(tmp_path), "--shops", "each", *extra, "--format", "json"])
    assert res.exit_code == 2
    many = json.loads(res.stdout)
    assert sorted(p["shop"] for p in many) == ["a", "b", "c"]  # summary: worst first
    jsonschema.validate(many, schema)


def test_labels_in_both_languages() -> None:
    res = CliRunner().invoke(app, ["compute", str(FLAGSHIP), "--format", "json"])
    (shop,) = json.loads(res.stdout)
    for part in ("thresholds", "dimensions", "metrics"):
        assert all(set(x["label"]) == {"zh", "en"} and all(x["label"].values()) for x in shop[part]), part
    metric = next(m for m in shop["metrics"] if m["id"] == "pickup-on-time-rate")
    assert metric["label"] == {"zh": "揽收及时率", "en": "Pickup on-time rate"}


def test_inspect_error_object_is_compute_s(tmp_path: Path) -> None:
    """A shop that cannot be read has the same error object in inspect as in compute:
    `status` error and `error` {message, internal}, so a script checks one shape."""
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "notes.csv").write_text("备注,内容\n1,x\n", "utf-8")  # no export
    out = {}
    for command in ("compute", "inspect"):
        res = CliRunner().invoke(app, [command, str(tmp_path / "c"), "--format", "json"])
        assert res.exit_code == 2
        (out[command],) = json.loads(res.stdout)
        jsonschema.validate([out[command]], _schema(command))
    for key in ("shop", "status", "error"):
        assert out["inspect"][key] == out["compute"][key], key
    assert out["inspect"]["status"] == "error" and out["inspect"]["error"]["internal"] is False
    assert out["inspect"]["load"]["skipped"] == [
        {"path": "notes.csv", "sheet": None, "reason": "no header row recognised"}
    ]
