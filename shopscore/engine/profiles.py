"""Profiles: one TOML per platform rule version (weights, windows, curves, thresholds…).

A profile may ``extends`` another (shipped name or path); tables merge key by key, so a
user's profile states only what differs. The merged TOML is validated and turned into a
typed, immutable :class:`Profile` once, so a typo is one clear line and no later stage reads
a raw dict.
"""

from __future__ import annotations

import copy
import copyreg
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from shopscore.engine.metrics import POPULATIONS, REGISTRY
from shopscore.errors import ShopscoreError

DEFAULT_PROFILE = "douyin"
CURVE_KINDS = ("linear", "steps", "identity")
STATISTICS = ("current", "mean", "min", "max")
TOLERANCE = 1e-9

CurveKind = Literal["linear", "steps", "identity"]
Direction = Literal["lower", "higher"]


def shipped_profiles() -> list[str]:
    names = [
        p.name[: -len(".toml")]
        for p in resources.files("shopscore.profiles").iterdir()
        if p.name.endswith(".toml") and not p.name.startswith("_")
    ]
    return sorted(names)


# read-only tables (MappingProxyType) travel to worker processes as plain dicts, wrapped again
def _proxy(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


copyreg.pickle(MappingProxyType, lambda m: (_proxy, (dict(m),)))


# ---------------------------------------------------------------- typed shape


@dataclass(frozen=True)
class Curve:
    """Value → score. linear: piecewise-linear through ``points`` (value, score), clamped at
    both ends; steps: ``points`` best first, the first bound the value meets gives its score
    (a value at a bound gets the better step), else ``floor``; identity: the value is
    already a score (e.g. a mean of per-order step scores)."""

    kind: CurveKind
    points: tuple[tuple[float, float], ...] = ()
    floor: float | None = None

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Curve:
        kind = raw.get("kind")
        if kind not in CURVE_KINDS:
            raise ValueError(f"curve kind must be one of {', '.join(CURVE_KINDS)}")
        points = tuple((float(x), float(s)) for x, s in raw.get("points", []))
        if kind != "identity" and not points:
            raise ValueError("curve needs points = [[value, score], …]")
        if kind == "steps" and "floor" not in raw:
            raise ValueError("a steps curve needs floor = <score below the last bound>")
        floor = float(raw["floor"]) if "floor" in raw else None
        return cls(kind, points, floor)

    def score(self, value: float, direction: str) -> float:
        if self.kind == "identity":
            return float(value)
        if self.kind == "steps":
            for bound, score in self.points:
                if _meets(value, bound, direction):
                    return score
            assert self.floor is not None
            return self.floor
        pts = sorted(self.points)
        if value <= pts[0][0] + TOLERANCE:
            return pts[0][1]
        if value >= pts[-1][0] - TOLERANCE:
            return pts[-1][1]
        for (x0, s0), (x1, s1) in pairwise(pts):
            if x0 <= value <= x1:
                return s0 + (s1 - s0) * (value - x0) / (x1 - x0)
        raise AssertionError("unreachable: value inside the curve's range")

    def best(self, scale_max: float) -> float:
        """The highest score the curve gives."""
        if self.kind == "identity":
            return scale_max
        return max(s for _, s in self.points)

    def ideal(self, direction: str, scale_max: float) -> float:
        """The least demanding value that earns the curve's best score."""
        if self.kind == "identity":
            return scale_max
        best = self.best(scale_max)
        xs = [x for x, s in self.points if s >= best - TOLERANCE]
        return max(xs) if direction == "lower" else min(xs)

    def value_for(self, score: float, direction: str) -> float | None:
        """The least demanding value whose score is ≥ ``score`` (None: no value earns it)."""
        if self.kind == "identity":
            return score
        if self.kind == "steps":
            ok = [b for b, s in self.points if s >= score - TOLERANCE]
            if not ok:
                return None
            return max(ok) if direction == "lower" else min(ok)
        pts = sorted(self.points)
        if score > max(s for _, s in pts) + TOLERANCE:
            return None
        # walk from the worst end towards the best: the first point of the walk whose score
        # reaches ``score`` closes the segment to interpolate on
        walk = pts[::-1] if direction == "lower" else pts
        if walk[0][1] >= score - TOLERANCE:
            return -math.inf if direction == "higher" else math.inf
        for (x0, s0), (x1, s1) in pairwise(walk):
            if s1 >= score - TOLERANCE:
                if s1 == s0:
                    return x1
                return x0 + (x1 - x0) * (score - s0) / (s1 - s0)
        return None  # pragma: no cover - guarded by the max check above


def _meets(value: float, bound: float, direction: str) -> bool:
    return value <= bound + TOLERANCE if direction == "lower" else value >= bound - TOLERANCE


@dataclass(frozen=True)
class MetricRule:
    """One metric's numbers in a profile."""

    id: str
    dimension: str
    weight: float
    window: tuple[int, int]  # (offset, length) in days, SPEC §2
    min_sample: float
    curve: Curve
    categories: Mapping[str, Curve]
    #: a mean of per-unit scores (SPEC §4b pickup-score): each unit's value is scored on
    #: this curve, in this direction, before the mean is taken
    unit_curve: Curve | None = None
    unit_direction: Direction = "lower"
    #: what the seller's backend page calls it (the values file may name it so)
    labels: tuple[str, ...] = ()

    def curve_for(self, category: str | None) -> Curve:
        return self.categories.get(category, self.curve) if category else self.curve


@dataclass(frozen=True)
class Dimension:
    id: str
    weight: float
    zh: str
    en: str


@dataclass(frozen=True)
class OrderCount:
    """At least ``min_orders`` of an engine population in a window (SPEC §3 min_orders, §4b
    stages, §5 Star Shop's "≥ 100 orders in 30 days")."""

    population: str
    window: tuple[int, int]
    min_orders: int


@dataclass(frozen=True)
class Threshold:
    """Passed when the statistic of the composite (or a dimension) is ≥ bound. The
    statistic is today's value (``current``) or the mean / min / max of the last ``days``
    daily scores (SPEC §4b: "7-day mean ≥ 70", "< 60 on each of the last 14 days");
    ``requires``: an order count the shop must also have (SPEC §5 Star Shop)."""

    id: str
    bound: float
    applies_to: str
    statistic: str
    days: int
    zh: str
    en: str
    requires: OrderCount | None = None


@dataclass(frozen=True)
class Enforcement:
    """A figure the platform enforces apart from the score (SPEC §5: weekly on-time
    delivery ≥ 80%, seller-fault cancellation ≤ 2.5%, late dispatch ≤ 4%): a registry
    metric over its own window, passed when its value is on the metric's better side of
    ``bound``. ``week_ends`` (0 = Monday … 6 = Sunday): the window ends on the last such
    day on or before the as-of day, so a 7-day window is the last complete week."""

    id: str
    metric: str
    window: tuple[int, int]
    bound: float
    zh: str
    en: str
    week_ends: int | None = None

    def window_on(self, as_of: date) -> tuple[int, int]:
        """The (offset, length) the figure covers as of ``as_of``."""
        off, length = self.window
        if self.week_ends is None:
            return self.window
        return off + (as_of.weekday() - self.week_ends) % 7, length


@dataclass(frozen=True)
class Eligibility:
    """Below ``min_orders`` of ``population`` in ``window`` the shop is not scored: status
    ``status`` (insufficient-data, or growth-stage with the fixed ``score``)."""

    population: str
    window: tuple[int, int]
    min_orders: int
    status: str
    score: float | None
    #: the stage's score after a bad-behaviour record (SPEC §4b: 60), when the seller says so
    record_score: float | None = None


@dataclass(frozen=True)
class SmallShop:
    """SPEC §4b small-shop rule: below ``below_orders`` of the eligibility population, a
    listed metric with at most ``max_bad`` bad events scores exactly ``score``; ``counts``
    names, per metric, which of its counts are its bad events (numerator, denominator, bad)."""

    below_orders: int
    max_bad: float
    score: float
    counts: Mapping[str, str]
    days: int = 30  # the window its order count covers: the eligibility window's length


#: the counts of a metric result the small-shop rule can read
SMALL_SHOP_COUNTS = ("numerator", "denominator", "bad")


@dataclass(frozen=True)
class Segment:
    """One piece of a display mapping: for scores ≤ ``upto``,
    base + step × round((score − start) / per)."""

    upto: float
    start: float
    per: float
    base: float
    step: float
    rounding: Literal["floor", "ceil", "nearest"]


@dataclass(frozen=True)
class Display:
    """A second figure derived from the score (SPEC §4b: the 5-point figure buyers see),
    judged against another profile's thresholds."""

    zh: str
    en: str
    scale_max: float
    decimals: int
    segments: tuple[Segment, ...]
    #: the thresholds the figure is judged against (another profile's, on its composite)
    thresholds: tuple[Threshold, ...] = ()

    def value(self, score: float) -> float:
        seg = next((x for x in self.segments if score <= x.upto + TOLERANCE), self.segments[-1])
        x = (score - seg.start) / seg.per
        # a hair of float noise must not move a score sitting on a step's edge
        if seg.rounding == "floor":
            steps = math.floor(x + TOLERANCE)
        elif seg.rounding == "ceil":
            steps = math.ceil(x - TOLERANCE)
        else:
            steps = round(x)
        return round(seg.base + seg.step * steps, 10)


@dataclass(frozen=True)
class Tags:
    min_points_lost: float
    attention_below: float
    good_from: float


@dataclass(frozen=True)
class ReasonGroups:
    order: tuple[str, ...]
    keywords: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class StatusWords:
    closed: tuple[str, ...]
    unpaid: tuple[str, ...]
    unpaid_reason: tuple[str, ...]


@dataclass(frozen=True)
class CoverageRules:
    late_start_share: float
    sparse: tuple[str, ...]


@dataclass(frozen=True)
class BusinessDays:
    """Which days are business days: not a ``weekend`` day (0 = Monday … 6 = Sunday) and
    not a public holiday (observed dates) of ``country`` (and ``subdiv``) in the `holidays`
    package's calendar — SPEC §5: US federal holidays."""

    country: str
    weekend: tuple[int, ...] = (5, 6)
    subdiv: str | None = None

    @property
    def week_mask(self) -> tuple[bool, ...]:
        return tuple(d not in self.weekend for d in range(7))

    def holidays(self, first_year: int, last_year: int) -> list[date]:
        """The holidays of the years ``first_year`` … ``last_year``."""
        import holidays

        found = holidays.country_holidays(
            self.country, subdiv=self.subdiv, years=range(first_year, last_year + 1), observed=True
        )
        return sorted(found)


@dataclass(frozen=True)
class DeadlineRule:
    """A deadline an order without its own (ship_by, deliver_by) gets: the end (23:59:59)
    of the ``business_days``-th business day after its order date — the first of
    ``start`` present — for orders whose order_type is one of ``order_types`` (SPEC §5:
    deliver-by = 6 business days after the order date, normal orders only)."""

    business_days: int
    start: tuple[str, ...] = ("created_at", "paid_at")
    order_types: tuple[str, ...] = ("normal",)

    def proxy(self, columns: frozenset[str] | set[str]) -> str:
        """The rule as the `proxy` field says it, e.g. ``created_at + 6 business days``."""
        start = next((c for c in self.start if c in columns), self.start[-1])
        return f"{start} + {self.business_days} business days"


#: the order deadlines a profile may give a business-day rule (the rest of SPEC §1's
#: fallbacks are fixed: ship_by, else paid_at + pickup_deadline_hours)
DEADLINES = ("ship_by", "deliver_by")


@dataclass(frozen=True)
class Rules:
    service_hours: tuple[int, int]
    pickup_deadline_hours: float
    logistics_return_days: float
    negative_review_max_stars: int
    reply_within_seconds: float
    dissatisfied_max_stars: int
    coverage: CoverageRules
    order_status: StatusWords
    reason_groups: ReasonGroups
    #: (night starts, day starts) hours: an order paid at night starts its pickup clock at
    #: the day start (SPEC §4b); None: the clock starts at payment
    pickup_night: tuple[int, int] | None = None
    #: the same for an after-sale's review clock
    review_night: tuple[int, int] | None = None
    #: seconds an unanswered human session counts in a mean response time
    unanswered_seconds: float | None = None
    #: the business-day calendar deadline rules count in (SPEC §5)
    business_days: BusinessDays | None = None
    #: deadline → the rule that stands in where an order has none (ship_by, deliver_by)
    deadlines: Mapping[str, DeadlineRule] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Profile:
    id: str
    source: str
    name_zh: str
    name_en: str
    scale_min: float
    scale_max: float
    decimals: int
    dimensions: Mapping[str, Dimension]
    metrics: Mapping[str, MetricRule]
    thresholds: tuple[Threshold, ...]
    tags: Tags
    eligibility: Eligibility
    rules: Rules
    small_shop: SmallShop | None = None
    display: Display | None = None
    #: figures enforced apart from the score, shown under it (SPEC §5)
    enforcement: tuple[Enforcement, ...] = ()
    industry: str | None = None  # the [[variants]] chosen (SPEC §4b)
    shop_type: str | None = None

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def curve(self, metric_id: str, category: str | None) -> Curve:
        return self.metrics[metric_id].curve_for(category)

    @property
    def categories(self) -> list[str]:
        return sorted({c for m in self.metrics.values() for c in m.categories})

    @property
    def longest_window(self) -> int:
        return max((m.window[1] for m in self.metrics.values()), default=0)


# ---------------------------------------------------------------- reading


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        elif k == "variants" and isinstance(v, list) and isinstance(out.get(k), list):
            out[k] = [*out[k], *copy.deepcopy(v)]  # a profile adds variants to its parent's
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


def _window(raw: Any) -> tuple[int, int] | None:
    ok = isinstance(raw, list) and len(raw) == 2 and all(isinstance(x, int) for x in raw)
    return (int(raw[0]), int(raw[1])) if ok and raw[0] >= 0 and raw[1] > 0 else None


def _build(data: dict[str, Any], source: str) -> Profile:
    def bad(msg: str) -> ShopscoreError:
        return ShopscoreError(f"profile {source}: {msg}")

    for key in ("scale", "dimensions", "metrics", "tags", "rules", "eligibility"):
        if key not in data:
            raise bad(f"missing [{key}] table")
    try:
        elig_raw = data["eligibility"]
        elig_window = _window(elig_raw.get("window"))
        if elig_raw.get("population") not in POPULATIONS or "min_orders" not in elig_raw or not elig_window:
            raise bad(
                "[eligibility] needs population (one of "
                f"{', '.join(POPULATIONS)}), window = [offset, length] and min_orders"
            )
        eligibility = Eligibility(
            population=str(elig_raw["population"]),
            window=elig_window,
            min_orders=int(elig_raw["min_orders"]),
            status=str(elig_raw.get("status", "insufficient-data")),
            score=float(elig_raw["score"]) if "score" in elig_raw else None,
            record_score=float(elig_raw["record_score"]) if "record_score" in elig_raw else None,
        )
        dims = {
            d: Dimension(d, float(c.get("weight", 0)), str(c.get("zh", d)), str(c.get("en", d)))
            for d, c in data["dimensions"].items()
        }
        if any(d.weight < 0 for d in dims.values()):
            raise bad("a dimension has a negative weight")
        metrics: dict[str, MetricRule] = {}
        for mid, cfg in data["metrics"].items():
            if mid not in REGISTRY:
                raise bad(f"unknown metric '{mid}' (known: {', '.join(sorted(REGISTRY))})")
            if cfg.get("dimension") not in dims:
                raise bad(f"metric '{mid}' names dimension '{cfg.get('dimension')}', not in [dimensions]")
            weight = float(cfg.get("weight", 0))
            if weight < 0:
                raise bad(f"metric '{mid}' has a negative weight")
            window = _window(cfg.get("window"))
            if window is None:
                raise bad(f"metric '{mid}' needs window = [offset, length] with length > 0")
            try:
                curve = Curve.parse(cfg.get("curve", {}))
                cats = {c: Curve.parse(v) for c, v in cfg.get("categories", {}).items()}
                unit = Curve.parse(cfg["unit_curve"]) if "unit_curve" in cfg else None
            except ValueError as exc:
                raise bad(f"metric '{mid}': {exc}") from None
            unit_direction = str(cfg.get("unit_curve", {}).get("direction", "lower"))
            if unit_direction not in ("lower", "higher"):
                raise bad(f"metric '{mid}': unit_curve direction must be lower or higher")
            if unit is not None and REGISTRY[mid].kind != "mean":
                raise bad(f"metric '{mid}': unit_curve needs a mean metric")
            metrics[mid] = MetricRule(
                mid,
                str(cfg["dimension"]),
                weight,
                window,
                float(cfg.get("min_sample", 0)),
                curve,
                MappingProxyType(cats),
                unit,
                "higher" if unit_direction == "higher" else "lower",
                tuple(str(x) for x in cfg.get("labels", ())),
            )
        ths = []
        for t in data.get("thresholds", []):
            stat = str(t.get("statistic", "current"))
            if stat not in STATISTICS:
                raise bad(f"threshold '{t.get('id')}': statistic must be one of {', '.join(STATISTICS)}")
            days = int(t.get("days", 1))
            if stat != "current" and days < 1:
                raise bad(f"threshold '{t.get('id')}': days must be ≥ 1")
            applies = str(t.get("applies_to", "composite"))
            if applies != "composite" and applies not in dims:
                raise bad(f"threshold '{t.get('id')}' applies to '{applies}': not composite nor a dimension")
            requires = None
            if "requires" in t:
                requires = _order_count(t["requires"], f"threshold '{t.get('id')}': requires", bad)
            ths.append(
                Threshold(
                    str(t["id"]),
                    float(t["bound"]),
                    applies,
                    stat,
                    days if stat != "current" else 1,
                    str(t.get("zh", t["id"])),
                    str(t.get("en", t["id"])),
                    requires,
                )
            )
        tags_raw = data["tags"]
        tags = Tags(
            float(tags_raw["min_points_lost"]),
            float(tags_raw["attention_below"]),
            float(tags_raw["good_from"]),
        )
        rules = _rules(data["rules"], bad)
        scale = data["scale"]
        return Profile(
            id=str(data.get("id", Path(source).stem)),
            source=source,
            name_zh=str(data.get("name_zh", data.get("id", source))),
            name_en=str(data.get("name_en", data.get("id", source))),
            scale_min=float(scale.get("min", 0)),
            scale_max=float(scale["max"]),
            decimals=int(scale.get("decimals", 2)),
            dimensions=MappingProxyType(dims),
            metrics=MappingProxyType(metrics),
            thresholds=tuple(ths),
            tags=tags,
            eligibility=eligibility,
            rules=rules,
            small_shop=_small_shop(data.get("small_shop"), metrics, bad, eligibility.window[1]),
            display=_display(data.get("display"), bad),
            enforcement=_enforcement(data.get("enforcement", []), bad),
            industry=data.get("industry"),
            shop_type=data.get("shop_type"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise bad(f"malformed value ({type(exc).__name__}: {exc})") from None


def _order_count(raw: Any, where: str, bad: Any) -> OrderCount:
    """``{ population, window = [offset, length], min_orders }``."""
    window = _window(raw.get("window")) if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or raw.get("population") not in POPULATIONS or not window:
        raise bad(
            f"{where} needs population (one of {', '.join(POPULATIONS)}), window = [offset, length] "
            "and min_orders"
        )
    return OrderCount(str(raw["population"]), window, int(raw["min_orders"]))


def _enforcement(raw: Any, bad: Any) -> tuple[Enforcement, ...]:
    """[[enforcement]] tables: id, metric (a registry metric), window, bound, zh, en and,
    for a calendar week, week_ends."""
    if not isinstance(raw, list):
        raise bad("[[enforcement]] must be an array of tables")
    out = []
    for e in raw:
        eid = e.get("id")
        if e.get("metric") not in REGISTRY:
            raise bad(f"enforcement '{eid}': metric '{e.get('metric')}' is not a known metric")
        if REGISTRY[e["metric"]].kind != "rate":
            raise bad(f"enforcement '{eid}': metric '{e['metric']}' is not a rate")
        window = _window(e.get("window"))
        if window is None:
            raise bad(f"enforcement '{eid}' needs window = [offset, length] with length > 0")
        week_ends = e.get("week_ends")
        if week_ends is not None and week_ends not in range(7):
            raise bad(f"enforcement '{eid}': week_ends must be 0 (Monday) … 6 (Sunday)")
        out.append(
            Enforcement(
                str(eid),
                str(e["metric"]),
                window,
                float(e["bound"]),
                str(e.get("zh", eid)),
                str(e.get("en", eid)),
                None if week_ends is None else int(week_ends),
            )
        )
    return tuple(out)


def _small_shop(raw: Any, metrics: Mapping[str, MetricRule], bad: Any, days: int) -> SmallShop | None:
    if raw is None:
        return None
    counts = {str(k): str(v) for k, v in raw.get("metrics", {}).items()}
    for mid, count in counts.items():
        if mid not in metrics:
            raise bad(f"[small_shop.metrics] names '{mid}', not a metric of the profile")
        if count not in SMALL_SHOP_COUNTS:
            raise bad(f"[small_shop.metrics] {mid} = '{count}': expected {', '.join(SMALL_SHOP_COUNTS)}")
    return SmallShop(
        int(raw["below_orders"]), float(raw["max_bad"]), float(raw["score"]), MappingProxyType(counts), days
    )


def _display(raw: Any, bad: Any) -> Display | None:
    if raw is None:
        return None
    segments = []
    for seg in raw["segments"]:
        rounding = str(seg.get("round", "nearest"))
        if rounding not in ("floor", "ceil", "nearest"):
            raise bad("[display] segments: round must be floor, ceil or nearest")
        per = float(seg.get("per", 1))
        if per <= 0:
            raise bad("[display] segments: per must be > 0")
        segments.append(
            Segment(
                float(seg["upto"]),
                float(seg["from"]),
                per,
                float(seg["base"]),
                float(seg["step"]),
                "floor" if rounding == "floor" else ("ceil" if rounding == "ceil" else "nearest"),
            )
        )
    if not segments:
        raise bad("[display] needs segments")
    judged: tuple[Threshold, ...] = ()
    if "thresholds_of" in raw:  # e.g. the 5-point lines of `douyin`, on the figure buyers see
        other = load_profile(str(raw["thresholds_of"]))
        judged = tuple(
            t for t in other.thresholds if t.applies_to == "composite" and t.statistic == "current"
        )
    return Display(
        str(raw.get("zh", "")),
        str(raw.get("en", "")),
        float(raw["max"]),
        int(raw.get("decimals", 1)),
        tuple(sorted(segments, key=lambda x: x.upto)),
        judged,
    )


def _night(raw: Any) -> tuple[int, int] | None:
    return None if raw is None else (int(raw[0]), int(raw[1]))


def _business_days(raw: Any, bad: Any) -> BusinessDays | None:
    """``business_days = { country = "US", weekend = [5, 6] }``: the calendar is checked
    against the `holidays` package now, so an unknown country is one line at start."""
    if raw is None:
        return None
    weekend = tuple(int(d) for d in raw.get("weekend", (5, 6)))
    if any(d not in range(7) for d in weekend):
        raise bad("[rules] business_days: weekend days are 0 (Monday) … 6 (Sunday)")
    cal = BusinessDays(str(raw["country"]), weekend, raw.get("subdiv"))
    try:
        cal.holidays(2026, 2026)
    except NotImplementedError:
        raise bad(f"[rules] business_days: no holidays calendar for country '{cal.country}'") from None
    return cal


def _deadlines(raw: Any, calendar: BusinessDays | None, bad: Any) -> Mapping[str, DeadlineRule]:
    out = {}
    for name, rule in (raw or {}).items():
        if name not in DEADLINES:
            raise bad(f"[rules.deadlines] {name}: expected one of {', '.join(DEADLINES)}")
        if calendar is None:
            raise bad(f"[rules.deadlines] {name} counts business days: add [rules] business_days")
        days = int(rule["business_days"])
        if days < 0:
            raise bad(f"[rules.deadlines] {name}: business_days must be ≥ 0")
        out[name] = DeadlineRule(
            days,
            tuple(str(c) for c in rule.get("from", ("created_at", "paid_at"))),
            tuple(str(t) for t in rule.get("order_types", ("normal",))),
        )
    return MappingProxyType(out)


def _rules(raw: dict[str, Any], bad: Any) -> Rules:
    groups = raw["reason_groups"]
    order = tuple(str(g) for g in groups["order"])
    cov = raw["coverage"]
    words = raw["order_status"]
    hours = raw["service_hours"]
    calendar = _business_days(raw.get("business_days"), bad)
    return Rules(
        service_hours=(int(hours[0]), int(hours[1])),
        pickup_deadline_hours=float(raw["pickup_deadline_hours"]),
        logistics_return_days=float(raw["logistics_return_days"]),
        negative_review_max_stars=int(raw["negative_review_max_stars"]),
        reply_within_seconds=float(raw["reply_within_seconds"]),
        dissatisfied_max_stars=int(raw["dissatisfied_max_stars"]),
        coverage=CoverageRules(float(cov["late_start_share"]), tuple(str(s) for s in cov["sparse"])),
        order_status=StatusWords(
            tuple(words["closed"]), tuple(words["unpaid"]), tuple(words.get("unpaid_reason", ()))
        ),
        reason_groups=ReasonGroups(
            order, MappingProxyType({g: tuple(str(k) for k in groups[g]) for g in order})
        ),
        pickup_night=_night(raw.get("pickup_night")),
        review_night=_night(raw.get("review_night")),
        unanswered_seconds=float(raw["unanswered_seconds"]) if "unanswered_seconds" in raw else None,
        business_days=calendar,
        deadlines=_deadlines(raw.get("deadlines"), calendar, bad),
    )


#: shop types a profile's [[variants]] may name (SPEC §4b: 旗舰 / 非旗舰 / 通用)
SHOP_TYPES = ("flagship", "non-flagship", "general")
#: what a variant may override
VARIANT_KEYS = ("dimensions", "metrics", "small_shop")


def load_profile(
    ref: str | None = None, industry: str | None = None, shop_type: str | None = None
) -> Profile:
    """A shipped profile by name (``douyin``) or a TOML file path; ``industry`` and
    ``shop_type`` pick its weights, cut-offs and small-shop bound from its [[variants]]
    (SPEC §4b: weights per 考核行业 and shop type)."""
    data, source = _read(ref or DEFAULT_PROFILE)
    data = _variant(data, source, industry, shop_type)
    return _build(data, source)


def _variant(
    data: dict[str, Any], source: str, industry: str | None, shop_type: str | None
) -> dict[str, Any]:
    """``data`` with the overrides of every variant matching (industry, shop type), the
    more specific last: any/any, then the industry's, then the shop type's, then both."""
    variants = data.pop("variants", [])
    if not isinstance(variants, list):
        raise ShopscoreError(f"profile {source}: [[variants]] must be an array of tables")
    industries = sorted({str(v["industry"]) for v in variants if "industry" in v})
    if industry is not None and industry not in industries:
        known = ", ".join(industries) or "none"
        raise ShopscoreError(
            f"--industry {industry!r}: profile {source} has no weights for it (it has: {known}); "
            "omit --industry for the default weights, or add a [[variants]] table to your profile"
        )
    if shop_type is not None and shop_type not in SHOP_TYPES:
        raise ShopscoreError(f"--shop-type {shop_type!r}: expected one of {', '.join(SHOP_TYPES)}")

    def matches(v: Mapping[str, Any]) -> bool:
        return v.get("industry") in (None, industry) and v.get("shop_type") in (None, shop_type)

    chosen = sorted(
        (v for v in variants if matches(v)),
        key=lambda v: ("industry" in v) + 2 * ("shop_type" in v),
    )
    for v in chosen:
        unknown = set(v) - {"industry", "shop_type", *VARIANT_KEYS}
        if unknown:
            raise ShopscoreError(
                f"profile {source}: a [[variants]] table sets {', '.join(sorted(unknown))}; "
                f"it may set {', '.join(VARIANT_KEYS)}"
            )
        data = _merge(data, {k: v[k] for k in VARIANT_KEYS if k in v})
    data["industry"], data["shop_type"] = industry, shop_type
    return data
