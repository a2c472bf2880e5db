"""Fit a profile to what the seller's backend page showed (``shopscore calibrate``, SPEC §4b).

The page's cut-offs and weights per industry are not published; its figures are. From the
readings of a values file this fits, in order:

1. **Dimension weights**: total − 加分项 + 扣分项 = Σ weight × dimension score over the
   readings that show the total and every dimension, by least squares with the weights
   bounded to 0…1 and summing to 1, plus a small pull towards the profile's weights, so
   that with fewer readings than free weights the fit is the one nearest the profile's
   that explains them.
2. **Metric weights**: the page's own, where it shows them (the rest share what is left
   in proportion to the profile's).
3. **Step scores and cut-offs**: per reading and dimension, the step scores of its metrics'
   values (the page's, else shopscore's own) whose weighted mean gives the page's
   dimension score — among those that do, the one that changes fewest of the profile's
   step scores; then each cut-off moved the least that makes every such (value, step)
   pair consistent.

The result reports every residual; :meth:`Fit.profile` is the profile with the fit.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType

from shopscore.engine.compute import MetricResult
from shopscore.engine.metrics import REGISTRY
from shopscore.engine.profiles import TOLERANCE, Curve, Profile
from shopscore.engine.readings import Readings

#: the pull of the profile's weights, relative to a squared point of residual
RIDGE = 1e-6
#: the smallest step a cut-off moves by, per metric unit (a value strictly beyond a bound)
RESOLUTION = {"ratio": 1e-4, "stars": 0.01, "h": 0.01, "s": 1.0, "points": 0.01}


@dataclass(frozen=True)
class WeightFit:
    """The dimension weights (fractions) before and after, and how well they fit."""

    default: Mapping[str, float]
    fitted: Mapping[str, float]
    readings: int  # readings with the total and every dimension
    free: int  # weights the fit may move (dimensions − 1)

    @property
    def determined(self) -> bool:
        return self.readings >= self.free


@dataclass(frozen=True)
class StepEvidence:
    day: date
    value: float
    score: float  # the step the fit gives it
    default: float  # the step the profile's cut-offs give it
    page_value: bool  # the value is the page's (else shopscore's own)


@dataclass(frozen=True)
class CutoffFit:
    metric: str
    direction: str
    default: tuple[tuple[float, float], ...]  # (bound, score), best first
    fitted: tuple[tuple[float, float], ...]
    evidence: tuple[StepEvidence, ...]
    conflict: bool = False  # no cut-offs fit every reading; the nearest were kept

    @property
    def changed(self) -> bool:
        return any(abs(a[0] - b[0]) > 1e-12 for a, b in zip(self.default, self.fitted, strict=True))


@dataclass(frozen=True)
class DimensionCheck:
    id: str
    page: float
    steps: float | None  # the dimension from the fitted step scores and metric weights
    default: float | None  # … and from the profile's own
    residual: float | None  # steps − page
    #: metrics whose step the page's figure leaves open (several choices fit as well)
    undecided: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReadingCheck:
    day: date
    total: float | None
    fitted: float | None  # Σ fitted weight × page dimension + 加分项 − 扣分项
    default: float | None  # the same with the profile's weights
    residual: float | None  # fitted − total
    dimensions: tuple[DimensionCheck, ...]
    #: metric → (page value, shopscore's own value) where both exist
    values: Mapping[str, tuple[float, float | None]]


@dataclass(frozen=True)
class Fit:
    base: Profile
    weights: WeightFit
    metric_weights: Mapping[str, float]  # the profile's units (summing per dimension as before)
    cutoffs: tuple[CutoffFit, ...]
    checks: tuple[ReadingCheck, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def rms(self) -> float | None:
        """Root mean square of the total's residuals."""
        res = [c.residual for c in self.checks if c.residual is not None]
        return math.sqrt(sum(r * r for r in res) / len(res)) if res else None

    @property
    def rms_default(self) -> float | None:
        res = [c.default - c.total for c in self.checks if c.default is not None and c.total is not None]
        return math.sqrt(sum(r * r for r in res) / len(res)) if res else None

    def profile(self) -> Profile:
        """The base profile with the fitted weights and cut-offs."""
        base = self.base
        total = sum(d.weight for d in base.dimensions.values()) or 1.0
        dims = {
            d: replace(dim, weight=self.weights.fitted.get(d, dim.weight / total) * total)
            for d, dim in base.dimensions.items()
        }
        curves = {c.metric: c for c in self.cutoffs}
        metrics = {}
        for mid, rule in base.metrics.items():
            new = replace(rule, weight=self.metric_weights.get(mid, rule.weight))
            if mid in curves and curves[mid].changed:
                new = replace(new, curve=replace(rule.curve, points=curves[mid].fitted))
            metrics[mid] = new
        return replace(base, dimensions=MappingProxyType(dims), metrics=MappingProxyType(metrics))


# ---------------------------------------------------------------- 1. dimension weights


def _fit_weights(profile: Profile, readings: Readings) -> WeightFit:
    ids = [d for d, dim in profile.dimensions.items() if dim.weight > 0]
    total = sum(profile.dimensions[d].weight for d in ids)
    default = {d: profile.dimensions[d].weight / total for d in ids}
    rows = [
        (r, r.total - r.adjustments.plus + r.adjustments.deductions)
        for r in readings.items
        if r.total is not None and all(d in r.dimensions for d in ids)
    ]
    free = len(ids) - 1
    if not rows or free <= 0:
        return WeightFit(MappingProxyType(default), MappingProxyType(default), len(rows), max(free, 0))
    import numpy as np
    from scipy.optimize import minimize

    a = np.array([[r.dimensions[d] for d in ids] for r, _ in rows], dtype=float)
    y = np.array([t for _, t in rows], dtype=float)
    w0 = np.array([default[d] for d in ids])

    def loss(w: np.ndarray) -> float:
        res = a @ w - y
        return float(res @ res + RIDGE * ((w - w0) @ (w - w0)))

    def grad(w: np.ndarray) -> np.ndarray:
        return np.asarray(2 * a.T @ (a @ w - y) + 2 * RIDGE * (w - w0))

    found = minimize(
        loss,
        w0,
        jac=grad,
        method="SLSQP",
        bounds=[(0.0, 1.0)] * len(ids),
        constraints=[{"type": "eq", "fun": lambda w: float(w.sum() - 1.0), "jac": lambda w: np.ones_like(w)}],
        options={"ftol": 1e-15, "maxiter": 500},
    )
    w = np.clip(found.x, 0.0, 1.0)
    w = w / w.sum()
    fitted = {d: float(round(x, 6)) for d, x in zip(ids, w, strict=True)}
    return WeightFit(MappingProxyType(default), MappingProxyType(fitted), len(rows), free)


# ---------------------------------------------------------------- 2. metric weights


def _metric_weights(profile: Profile, readings: Readings) -> dict[str, float]:
    """The page's weights (latest reading showing each), the rest sharing what is left."""
    shown: dict[str, float] = {}
    for r in readings.items:
        for mid, m in r.metrics.items():
            if m.weight is not None:
                shown[mid] = m.weight
    out: dict[str, float] = {}
    for dim in profile.dimensions:
        members = {mid: rule for mid, rule in profile.metrics.items() if rule.dimension == dim}
        scale = sum(rule.weight for rule in members.values())
        if not scale or not any(mid in shown for mid in members):
            continue
        given = sum(shown.get(mid, 0.0) for mid in members)
        rest = sum(rule.weight for mid, rule in members.items() if mid not in shown)
        left = max(1.0 - given, 0.0)
        for mid, rule in members.items():
            share = shown[mid] if mid in shown else (left * rule.weight / rest if rest else 0.0)
            out[mid] = share * scale
    return out


# ---------------------------------------------------------------- 3. step scores, cut-offs


def _steps(curve: Curve) -> list[float]:
    return sorted({s for _, s in curve.points} | ({curve.floor} if curve.floor is not None else set()))


def _candidates(
    mid: str, profile: Profile, page_score: float | None, value: float | None, small: bool
) -> list[float] | None:
    """The scores a metric may have on the page; None: it has no value to score."""
    rule = profile.metrics[mid]
    if page_score is not None:
        return [page_score]
    rule_score = [profile.small_shop.score] if small and profile.small_shop else []
    if value is None:
        return rule_score or None
    if rule.curve.kind != "steps":
        return sorted({rule.curve.score(value, REGISTRY[mid].direction), *rule_score})
    return sorted({*_steps(rule.curve), *rule_score})


def _near(target: float) -> float:
    """How far a dimension computed from step scores may be from the page's: half of the
    page's last digit."""
    return 0.5 if abs(target - round(target)) < 1e-9 else 0.05


def _infer(
    profile: Profile,
    dim: str,
    target: float,
    metrics: Mapping[str, tuple[list[float], float | None]],
    weights: Mapping[str, float],
) -> tuple[dict[str, float], float, dict[str, float]] | None:
    """The step scores of ``metrics`` (candidates, default score) whose weighted mean is
    nearest ``target``: within the page's rounding, those changing fewest default scores;
    and the scores every equally good combination agrees on (the others are undecided)."""
    ids = list(metrics)
    if not ids:
        return None
    total = sum(weights[m] for m in ids)
    if total <= 0:
        return None
    best: tuple[tuple[float, ...], dict[str, float], float] | None = None
    ties: list[tuple[float, ...]] = []  # every combination as good as the best
    for combo in itertools.product(*(metrics[m][0] for m in ids)):
        mean = sum(weights[m] * s for m, s in zip(ids, combo, strict=True)) / total
        miss = abs(mean - target)
        inside = miss <= _near(target) + TOLERANCE
        changed = []
        for m, s in zip(ids, combo, strict=True):
            default = metrics[m][1]
            changed.append(0.0 if default is None else abs(s - default))
        moved = float(sum(c > 0 for c in changed))
        key = (0.0 if inside else 1.0, 0.0 if inside else miss, moved, sum(changed), miss)
        if best is not None and all(abs(a - b) <= 1e-9 for a, b in zip(key[:4], best[0][:4], strict=True)):
            ties.append(combo)
            continue
        if best is None or key < best[0]:
            best = (key, dict(zip(ids, combo, strict=True)), mean)
            ties = [combo]
    assert best is not None
    decided = {m: s for i, (m, s) in enumerate(best[1].items()) if all(abs(c[i] - s) < 1e-9 for c in ties)}
    return best[1], best[2], decided


def _cutoffs(mid: str, profile: Profile, evidence: list[StepEvidence]) -> CutoffFit:
    """The cut-offs nearest the profile's that give every piece of evidence its step, kept
    in order (best first: higher-better bounds fall, lower-better ones rise)."""
    rule = profile.metrics[mid]
    direction = REGISTRY[mid].direction
    points = rule.curve.points
    eps = RESOLUTION.get(REGISTRY[mid].unit, 1e-4)
    higher = direction == "higher"
    fitted: list[tuple[float, float]] = []
    conflict = False
    for bound, score in points:
        lo, hi = -math.inf, math.inf
        if fitted:  # no better than the step above it
            if higher:
                hi = fitted[-1][0]
            else:
                lo = fitted[-1][0]
        for e in evidence:
            meets = e.score >= score - TOLERANCE  # the value earned this step or a better one
            if higher:  # meets: value ≥ bound; fails: bound > value
                if meets:
                    hi = min(hi, e.value)
                else:
                    lo = max(lo, e.value + eps)
            elif meets:  # lower is better: meets: value ≤ bound; fails: bound < value
                lo = max(lo, e.value)
            else:
                hi = min(hi, e.value - eps)
        if lo > hi + TOLERANCE:  # the readings disagree: the profile's bound, still in order
            conflict = True
            if fitted:
                bound = min(bound, fitted[-1][0]) if higher else max(bound, fitted[-1][0])
            fitted.append((bound, score))
            continue
        fitted.append((min(max(bound, lo), hi), score))
    rounded = tuple((round(b, 10), s) for b, s in fitted)
    return CutoffFit(mid, direction, points, rounded, tuple(evidence), conflict)


# ---------------------------------------------------------------- the whole fit


def calibrate(
    profile: Profile, readings: Readings, own: Mapping[date, Sequence[MetricResult]] | None = None
) -> Fit:
    """Fit ``profile`` to ``readings``; ``own``: shopscore's scored metrics on each reading's
    day (values the page does not show are taken from them, and they are compared)."""
    own = own or {}
    weights = _fit_weights(profile, readings)
    metric_weights = _metric_weights(profile, readings)
    w_of = {mid: metric_weights.get(mid, rule.weight) for mid, rule in profile.metrics.items()}
    evidence: dict[str, list[StepEvidence]] = {}
    checks = []
    notes: list[str] = []
    for r in readings.items:
        mine = {m.id: m for m in own.get(r.day, ())}
        values: dict[str, tuple[float, float | None]] = {}
        dim_checks = []
        for dim in profile.dimensions:
            members: dict[str, tuple[list[float], float | None]] = {}
            shown_values: dict[str, tuple[float | None, bool]] = {}
            ruled: set[str] = set()  # metrics the small-shop rule may hold at its score
            for mid, rule in profile.metrics.items():
                if rule.dimension != dim or rule.weight <= 0:
                    continue
                page = r.metrics.get(mid)
                m = mine.get(mid)
                # shopscore's own value counts where it scores the metric (as the roll-up does)
                own_value = m.value if m is not None and m.status == "scored" else None
                value = page.value if page is not None and page.value is not None else own_value
                if page is not None and page.value is not None:
                    values[mid] = (page.value, m.value if m is not None and m.status != "no-data" else None)
                small = bool(m is not None and m.small_shop)  # the rule's 80 (its default)
                cands = _candidates(mid, profile, page.score if page else None, value, small)
                if cands is None and (m is None or m.status == "no-data") and rule.curve.kind == "steps":
                    cands = _steps(rule.curve)  # the page scores it (运单配送时效达成率); its step is unknown
                if cands is None:
                    continue
                default = rule.curve.score(value, REGISTRY[mid].direction) if value is not None else None
                if small and profile.small_shop is not None:
                    default = profile.small_shop.score
                members[mid] = (cands, default if page is None or page.score is None else page.score)
                shown_values[mid] = (value, page is not None and page.value is not None)
                if small:
                    ruled.add(mid)
            if dim not in r.dimensions:
                continue
            target = min(r.dimensions[dim] - r.adjustments.bonus.get(dim, 0.0), profile.scale_max)
            found = _infer(profile, dim, target, members, w_of)
            default_dim = None
            if members and all(d is not None for _, d in members.values()):
                wsum = sum(profile.metrics[m].weight for m in members)
                default_dim = (
                    sum(profile.metrics[m].weight * (d or 0.0) for m, (_, d) in members.items()) / wsum
                )
            if found is None:
                dim_checks.append(DimensionCheck(dim, r.dimensions[dim], None, default_dim, None))
                continue
            steps, mean, decided = found
            undecided = tuple(m for m in steps if m not in decided)
            dim_checks.append(
                DimensionCheck(dim, r.dimensions[dim], mean, default_dim, mean - target, undecided)
            )
            if abs(mean - target) > _near(target) + TOLERANCE:
                continue  # no steps give the page's figure: something else differs; no evidence
            for mid, score in decided.items():
                value, is_page = shown_values[mid]
                rule = profile.metrics[mid]
                if value is None or rule.curve.kind != "steps":
                    continue
                if mid in ruled and profile.small_shop is not None and score == profile.small_shop.score:
                    continue  # the rule's score says nothing of the cut-offs
                default = rule.curve.score(value, REGISTRY[mid].direction)
                evidence.setdefault(mid, []).append(StepEvidence(r.day, value, score, default, is_page))
        fitted_total = default_total = None
        if r.total is not None and all(d in r.dimensions for d in weights.fitted):
            extra = r.adjustments.plus - r.adjustments.deductions
            fitted_total = sum(weights.fitted[d] * r.dimensions[d] for d in weights.fitted) + extra
            default_total = sum(weights.default[d] * r.dimensions[d] for d in weights.default) + extra
        checks.append(
            ReadingCheck(
                r.day,
                r.total,
                fitted_total,
                default_total,
                None if fitted_total is None or r.total is None else fitted_total - r.total,
                tuple(dim_checks),
                MappingProxyType(values),
            )
        )
    cutoffs = tuple(_cutoffs(mid, profile, ev) for mid, ev in evidence.items())
    if not weights.readings:
        notes.append("no-total")
    elif not weights.determined:
        notes.append("underdetermined")
    return Fit(profile, weights, MappingProxyType(metric_weights), cutoffs, tuple(checks), tuple(notes))
