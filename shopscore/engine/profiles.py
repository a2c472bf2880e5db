"""Profiles: one TOML per platform rule version (weights, windows, curves, thresholds…).

A profile may ``extends`` another (shipped name or path); tables merge key by key, so a
user's profile states only what differs. Validated on load so a typo is one clear line.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from shopscore.engine.metrics import POPULATIONS, REGISTRY
from shopscore.errors import ShopscoreError

DEFAULT_PROFILE = "douyin"
CURVE_KINDS = ("linear", "steps", "identity")


def shipped_profiles() -> list[str]:
    names = [
        p.name[: -len(".toml")]
        for p in resources.files("shopscore.profiles").iterdir()
        if p.name.endswith(".toml") and not p.name.startswith("_")
    ]
    return sorted(names)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _read(ref: str, seen: tuple[str, ...] = ()) -> tuple[dict[str, Any], str]:
    if ref in seen:
        raise ShopscoreError(f"profile {ref}: 'extends' loops through {' → '.join(seen)}")
    path = Path(ref)
    if ref.endswith(".toml") or path.exists():
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError as exc:
            raise ShopscoreError(f"{ref}: profile file not found") from exc
        source = str(path)
    else:
        res = resources.files("shopscore.profiles").joinpath(f"{ref}.toml")
        if not res.is_file():
            known = ", ".join(shipped_profiles())
            raise ShopscoreError(f"unknown profile '{ref}' (shipped: {known}; or pass a .toml file)")
        text = res.read_text("utf-8")
        source = ref
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ShopscoreError(f"{source}: not valid TOML ({exc})") from exc
    parent = data.pop("extends", None)
    if parent:
        base, _ = _read(parent, (*seen, ref))
        data = _merge(base, data)
    return data, source


@dataclass(frozen=True)
class Profile:
    id: str
    source: str
    data: dict[str, Any]

    @property
    def scale_max(self) -> float:
        return float(self.data["scale"]["max"])

    @property
    def scale_min(self) -> float:
        return float(self.data["scale"].get("min", 0))

    @property
    def decimals(self) -> int:
        return int(self.data["scale"].get("decimals", 2))

    @property
    def dimensions(self) -> dict[str, dict[str, Any]]:
        return dict(self.data["dimensions"])

    @property
    def metrics(self) -> dict[str, dict[str, Any]]:
        return dict(self.data["metrics"])

    @property
    def thresholds(self) -> list[dict[str, Any]]:
        return list(self.data.get("thresholds", []))

    @property
    def rules(self) -> dict[str, Any]:
        return dict(self.data["rules"])

    @property
    def tags(self) -> dict[str, float]:
        return dict(self.data["tags"])

    def name(self, lang: str) -> str:
        return str(self.data.get(f"name_{lang}", self.id))

    def curve(self, metric_id: str, category: str | None) -> dict[str, Any]:
        cfg = self.metrics[metric_id]
        if category and category in cfg.get("categories", {}):
            return dict(cfg["categories"][category])
        return dict(cfg["curve"])


def _validate(data: dict[str, Any], source: str) -> None:
    def bad(msg: str) -> ShopscoreError:
        return ShopscoreError(f"profile {source}: {msg}")

    for key in ("scale", "dimensions", "metrics", "tags", "rules", "eligibility"):
        if key not in data:
            raise bad(f"missing [{key}] table")
    elig = data["eligibility"]
    if elig.get("population") not in POPULATIONS or "min_orders" not in elig or "window" not in elig:
        raise bad(
            "[eligibility] needs population (one of "
            f"{', '.join(POPULATIONS)}), window = [offset, length] and min_orders"
        )
    dims = data["dimensions"]
    for mid, cfg in data["metrics"].items():
        if mid not in REGISTRY:
            raise bad(f"unknown metric '{mid}' (known: {', '.join(sorted(REGISTRY))})")
        if cfg.get("dimension") not in dims:
            raise bad(f"metric '{mid}' names dimension '{cfg.get('dimension')}', not in [dimensions]")
        if float(cfg.get("weight", 0)) < 0:
            raise bad(f"metric '{mid}' has a negative weight")
        w = cfg.get("window")
        if not (isinstance(w, list) and len(w) == 2 and w[1] > 0 and w[0] >= 0):
            raise bad(f"metric '{mid}' needs window = [offset, length] with length > 0")
        curves = [cfg.get("curve", {}), *cfg.get("categories", {}).values()]
        for c in curves:
            if c.get("kind") not in CURVE_KINDS:
                raise bad(f"metric '{mid}': curve kind must be one of {', '.join(CURVE_KINDS)}")
            if c["kind"] != "identity" and len(c.get("points", [])) < 1:
                raise bad(f"metric '{mid}': curve needs points = [[value, score], …]")


def load_profile(ref: str | None = None) -> Profile:
    """A shipped profile by name (``douyin``) or a TOML file path."""
    data, source = _read(ref or DEFAULT_PROFILE)
    _validate(data, source)
    return Profile(id=str(data.get("id", Path(source).stem)), source=source, data=data)
