"""Read a values file (``--values FILE``): what the seller's backend page showed, typed in
as TOML, one ``[[reading]]`` per day (SPEC §4b; README "Values from the backend page").

    [[reading]]
    date = 2026-09-09            # the day the page's figures are as of
    total = 82                   # 我的总分
    bonus = 2                    # 加分项 beside the total (or a table: { logistics = 3 })
    deduct = 0                   # 扣分项
    [reading.dimensions]         # by name as the page shows it, or by id
    "商品体验" = 69
    [reading.metrics]            # by the page's label, shopscore's name, or the metric id
    "商品综合评分" = 4.62
    "飞鸽人工会话平响时长" = "28秒"
    "平台求助率" = { value = "0.8%", score = 90, weight = "25%" }

Rates are written as the page shows them, with ``%``; durations with their unit (秒, 分钟,
小时, 天, or s/min/h/d; a bare number is the metric's own unit); weights are percentages of
their dimension. Chinese key names (日期, 我的总分, 加分项, 扣分项, 维度, 指标) are accepted too.
Every problem is one line naming the file, the reading and the key.
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from shopscore.engine.metrics import REGISTRY
from shopscore.engine.profiles import Profile
from shopscore.engine.readings import MetricReading, Reading, Readings
from shopscore.engine.scoring import Adjustments
from shopscore.errors import ShopscoreError
from shopscore.loaders.report import safe_text

#: the keys of a reading, and the other names they may go by
KEYS = {
    "date": ("date", "日期", "数据日期"),
    "total": ("total", "我的总分", "总分", "商家体验分"),
    "bonus": ("bonus", "加分项"),
    "deduct": ("deduct", "扣分项"),
    "dimensions": ("dimensions", "维度", "维度得分"),
    "metrics": ("metrics", "指标"),
}
_ALIAS = {alias: key for key, names in KEYS.items() for alias in names}
_METRIC_KEYS = {
    "value": ("value", "数值", "指标值"),
    "score": ("score", "得分"),
    "weight": ("weight", "权重"),
}
_METRIC_ALIAS = {alias: key for key, names in _METRIC_KEYS.items() for alias in names}
#: duration units → hours
_HOURS = {
    "s": 1 / 3600,
    "秒": 1 / 3600,
    "sec": 1 / 3600,
    "min": 1 / 60,
    "分": 1 / 60,
    "分钟": 1 / 60,
    "h": 1.0,
    "小时": 1.0,
    "时": 1.0,
    "d": 24.0,
    "天": 24.0,
}
_UNIT_HOURS = {"h": 1.0, "s": 1 / 3600}
#: the largest rating a metric in stars can have (a score in points: the profile's maximum)
_MOST_STARS = 5.0
#: the days a reading may have (as --as-of)
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)
_NUMBER = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*([^\d\s.+-]*)\s*$")


def _key(text: str) -> str:
    return re.sub(r"[\s\u3000（）()：:]+", "", text).lower()


def _labels(profile: Profile) -> tuple[dict[str, str], dict[str, str]]:
    """Every name a metric or a dimension of ``profile`` may be given by → its id."""
    metrics: dict[str, str] = {}
    for mid, rule in profile.metrics.items():
        decl = REGISTRY[mid]
        for name in (mid, decl.zh, decl.en, *rule.labels):
            metrics.setdefault(_key(name), mid)
    dims: dict[str, str] = {}
    for did, d in profile.dimensions.items():
        for name in (did, d.zh, d.en):
            dims.setdefault(_key(name), did)
    return metrics, dims


class _Where:
    """The place a message names: the file, the reading and the key."""

    def __init__(self, path: Path, index: int, day: date | None = None) -> None:
        self.path, self.index, self.day = path, index, day

    def error(self, key: str, what: str) -> ShopscoreError:
        when = f" ({self.day})" if self.day else ""
        return ShopscoreError(f"{safe_text(str(self.path))}: reading {self.index}{when}, {key}: {what}")


def _number(raw: Any, where: _Where, key: str) -> tuple[float, str]:
    """A number and the unit written after it ("3.1%" → (3.1, "%"))."""
    if isinstance(raw, bool):
        raise where.error(key, f"{raw!r} is not a number; write the figure the page shows")
    if isinstance(raw, int | float):
        value, unit = float(raw), ""
    elif isinstance(raw, str) and (m := _NUMBER.match(raw.replace(",", "").replace("％", "%"))):
        value, unit = float(m.group(1)), m.group(2).strip().lower()
    else:
        raise where.error(
            key, f'{raw!r} is not a number; write the figure the page shows, e.g. 4.62 or "3.1%"'
        )
    if not math.isfinite(value) or value < 0:
        raise where.error(key, f"{raw!r}: expected a number ≥ 0")
    return value, unit


def _metric_value(mid: str, raw: Any, where: _Where, key: str, profile: Profile) -> float:
    unit = REGISTRY[mid].unit
    value, written = _number(raw, where, key)
    if unit == "ratio":
        if written != "%":
            raise where.error(key, f'{raw!r}: a rate is written as the page shows it, with %, e.g. "1.5%"')
        if value > 100:
            raise where.error(key, f"{raw!r}: a rate is at most 100%")
        return value / 100
    if unit in _UNIT_HOURS:
        if not written:
            return value
        if written not in _HOURS:
            raise where.error(key, f"{raw!r}: unknown unit {written!r}; use 秒, 分钟, 小时 or 天")
        return value * _HOURS[written] / _UNIT_HOURS[unit]
    if written not in ("", "分", "星", "points", "stars"):
        raise where.error(key, f"{raw!r}: expected a plain number")
    top = {"stars": _MOST_STARS, "points": profile.scale_max}.get(unit)
    if top is not None and value > top:
        raise where.error(key, f"{raw!r}: expected at most {top:g}")
    return value


def _points(raw: Any, where: _Where, key: str, profile: Profile) -> float:
    """Points added or taken (加分项 / 扣分项): a plain number within the scale's span."""
    value, written = _number(raw, where, key)
    span = profile.scale_max - profile.scale_min
    if written not in ("", "分") or value > span:
        raise where.error(key, f"{raw!r}: expected points from 0 to {span:g}, as the page shows them")
    return value


def _score(raw: Any, where: _Where, key: str, profile: Profile) -> float:
    value, written = _number(raw, where, key)
    if written not in ("", "分") or not profile.scale_min <= value <= profile.scale_max:
        raise where.error(
            key, f"{raw!r}: expected a score from {profile.scale_min:g} to {profile.scale_max:g}"
        )
    return value


def _metric(mid: str, raw: Any, where: _Where, key: str, profile: Profile) -> MetricReading:
    if not isinstance(raw, dict):
        return MetricReading(value=_metric_value(mid, raw, where, key, profile))
    got: dict[str, Any] = {}
    for k, v in raw.items():
        name = _METRIC_ALIAS.get(k)
        if name is None:
            raise where.error(f"{key}.{k}", "unknown key; a metric takes value, score and weight")
        got[name] = v
    weight = None
    if "weight" in got:
        w, written = _number(got["weight"], where, f"{key}.weight")
        if written != "%" or w > 100:
            raise where.error(
                f"{key}.weight", f"{got['weight']!r}: expected a percentage of its dimension, e.g. 25%"
            )
        weight = w / 100
    out = MetricReading(
        value=_metric_value(mid, got["value"], where, f"{key}.value", profile) if "value" in got else None,
        score=_score(got["score"], where, f"{key}.score", profile) if "score" in got else None,
        weight=weight,
    )
    if out.value is None and out.score is None and out.weight is None:
        raise where.error(key, "empty; give value, score or weight")
    return out


def _day(raw: Any, where: _Where) -> date:
    day = _as_day(raw, where)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise where.error("date", f"{raw!r}: expected a day from {FIRST_DAY} to {LAST_DAY}")
    return day


def _as_day(raw: Any, where: _Where) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"):
            try:
                return datetime.strptime(raw.strip(), fmt).date()
            except ValueError:
                continue
    raise where.error("date", f"{raw!r}: expected the page's date, e.g. date = 2026-09-09")


def _reading(raw: Any, index: int, path: Path, profile: Profile) -> Reading:
    where = _Where(path, index)
    if not isinstance(raw, dict):
        raise where.error("[[reading]]", "expected a table of date, total, dimensions and metrics")
    fields: dict[str, Any] = {}
    for k, v in raw.items():
        name = _ALIAS.get(k)
        if name is None:
            known = ", ".join(KEYS)
            raise where.error(k, f"unknown key; a reading takes {known}")
        if name in fields:
            raise where.error(k, f"given twice (as another name of {name}); keep one")
        fields[name] = v
    if "date" not in fields:
        raise where.error(
            "date", "missing; give the day the page's figures are as of, e.g. date = 2026-09-09"
        )
    day = _day(fields["date"], where)
    where.day = day
    metric_names, dim_names = _labels(profile)
    dims: dict[str, float] = {}
    for k, v in _table(fields.get("dimensions", {}), where, "dimensions").items():
        did = dim_names.get(_key(k))
        if did is None:
            known = ", ".join(f"{d.zh}/{d.id}" for d in profile.dimensions.values())
            raise where.error(
                f"dimensions.{k}", f"no such dimension in profile {profile.id} (it has: {known})"
            )
        if did in dims:
            raise where.error(f"dimensions.{k}", f"given twice (as another name of {did}); keep one")
        dims[did] = _score(v, where, f"dimensions.{k}", profile)
    metrics: dict[str, MetricReading] = {}
    for k, v in _table(fields.get("metrics", {}), where, "metrics").items():
        mid = metric_names.get(_key(k))
        if mid is None:
            known = ", ".join(rule.labels[0] if rule.labels else m for m, rule in profile.metrics.items())
            raise where.error(f"metrics.{k}", f"no such metric in profile {profile.id} (it has: {known})")
        if mid in metrics:
            raise where.error(f"metrics.{k}", f"given twice (as another name of {mid})")
        metrics[mid] = _metric(mid, v, where, f"metrics.{k}", profile)
    plus, bonus = 0.0, {}
    if "bonus" in fields:
        raw_bonus = fields["bonus"]
        if isinstance(raw_bonus, dict):
            for k, v in raw_bonus.items():
                did = dim_names.get(_key(k))
                if did is None:
                    raise where.error(f"bonus.{k}", f"no such dimension in profile {profile.id}")
                if did in bonus:
                    raise where.error(f"bonus.{k}", f"given twice (as another name of {did})")
                bonus[did] = _points(v, where, f"bonus.{k}", profile)
        else:
            plus = _points(raw_bonus, where, "bonus", profile)
    deduct = _points(fields["deduct"], where, "deduct", profile) if "deduct" in fields else 0.0
    total = _score(fields["total"], where, "total", profile) if "total" in fields else None
    if total is None and not dims and not metrics:
        raise where.error("[[reading]]", "holds no figure; give total, dimensions or metrics")
    return Reading(
        day=day,
        total=total,
        dimensions=MappingProxyType(dims),
        metrics=MappingProxyType(metrics),
        adjustments=Adjustments(deduct, MappingProxyType(bonus), plus),
        source=f"{safe_text(path.name)}, reading {index} ({day})",
    )


def _table(raw: Any, where: _Where, key: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise where.error(key, "expected a table of name = figure")
    return raw


def read_values(path: Path, profile: Profile) -> Readings:
    """The readings of a values file, oldest first; one-line errors name file, reading, key."""
    shown = safe_text(str(path))
    text = ""
    try:
        text = path.read_bytes().decode("utf-8-sig")  # Notepad's BOM is no problem
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise ShopscoreError(f"{shown}: file not found (--values expects a TOML file; see README)") from None
    except IsADirectoryError:
        raise ShopscoreError(f"{shown}: is a folder; --values expects a TOML file (see README)") from None
    except OSError as exc:
        raise ShopscoreError(f"{shown}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ShopscoreError(
            f"{shown}: not UTF-8 text; save it as UTF-8 (记事本: 另存为, 编码 UTF-8)"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        bare = re.search(r"^\s*[^\x00-\x7f\s\"'][^=]*=", text, re.M)
        hint = '; put names in quotes: "商品体验" = 69' if bare else ""
        raise ShopscoreError(f"{shown}: not valid TOML ({exc}){hint}") from None
    if "reading" in data and "读数" in data:
        raise ShopscoreError(f"{shown}: both [[reading]] and [[读数]]; write every page as [[reading]]")
    unknown = set(data) - {"reading", "读数"}
    if unknown:
        raise ShopscoreError(
            f"{shown}: unknown table {', '.join(sorted(unknown))}; write each page as [[reading]]"
        )
    raws = data.get("reading", data.get("读数", []))
    if not isinstance(raws, list) or not raws:
        raise ShopscoreError(
            f"{shown}: no [[reading]]; write what the page shows as [[reading]] tables (see README)"
        )
    items = [_reading(r, i, path, profile) for i, r in enumerate(raws, 1)]
    items.sort(key=lambda r: r.day)
    for a, b in itertools.pairwise(items):
        if a.day == b.day:
            raise ShopscoreError(f"{shown}: two readings for {a.day}; keep one per day")
    return Readings(tuple(items), shown)
