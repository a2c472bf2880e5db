"""`shopscore calibrate`: the fit of a profile to the backend page's readings, as a table,
Markdown, JSON, and as a profile file (``--save``)."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from shopscore.engine.calibrate import Fit
from shopscore.engine.metrics import REGISTRY
from shopscore.engine.profiles import Profile
from shopscore.report.texts import fmt_score, fmt_value, name

TEXT = {
    "title": {"zh": "按后台读数校准 {profile}", "en": "{profile} fitted to the backend page"},
    "readings": {"zh": "{n} 次读数", "en": "{n} reading(s)"},
    "weights": {"zh": "维度权重", "en": "Dimension weights"},
    "dimension": {"zh": "维度", "en": "Dimension"},
    "profile": {"zh": "配置", "en": "Profile"},
    "fitted": {"zh": "拟合", "en": "Fitted"},
    "totals": {"zh": "总分", "en": "Totals"},
    "date": {"zh": "日期", "en": "Date"},
    "page": {"zh": "页面", "en": "Page"},
    "with_fit": {"zh": "按拟合权重", "en": "Fitted weights"},
    "with_profile": {"zh": "按配置权重", "en": "Profile weights"},
    "residual": {"zh": "残差", "en": "Residual"},
    "dims": {"zh": "维度分（由各指标档位）", "en": "Dimension scores (from the metrics' steps)"},
    "from_steps": {"zh": "按拟合档位", "en": "Fitted steps"},
    "from_profile": {"zh": "按配置档位", "en": "Profile steps"},
    "cutoffs": {"zh": "分档线", "en": "Cut-offs"},
    "metric": {"zh": "指标", "en": "Metric"},
    "step": {"zh": "档", "en": "Step"},
    "evidence": {"zh": "依据（日期：数值→档）", "en": "Evidence (day: value → step)"},
    "conflict": {"zh": "读数之间矛盾，保留配置值", "en": "readings disagree; the profile's kept"},
    "values": {"zh": "页面数值与自算", "en": "The page's values and shopscore's own"},
    "own": {"zh": "自算", "en": "Own"},
    "differs": {"zh": "不同", "en": "differs"},
    "rms": {
        "zh": "总分均方根残差：拟合 {fit}，配置权重 {default}（页面分数取整，±0.5 以内即吻合）",
        "en": "Total residual RMS: fitted {fit}, profile weights {default} (the page rounds; within "
        "±0.5 fits)",
    },
    "underdetermined": {
        "zh": "读数少于可调的权重数（{n} 次读数、{free} 个自由权重）：取与配置最接近且符合读数的权重；"
        "多记几天的读数可定下来。",
        "en": "Fewer readings than free weights ({n} reading(s), {free} free weights): the weights "
        "nearest the profile's that explain them; a few more days of readings pin them down.",
    },
    "no-total": {
        "zh": "没有同时给出总分和各维度分的读数：维度权重未拟合。",
        "en": "No reading gives the total and every dimension: the dimension weights are not fitted.",
    },
    "none_moved": {
        "zh": "配置的分档线与读数一致，未调整。",
        "en": "The profile's cut-offs agree with the readings.",
    },
    "use": {
        "zh": "compute、trend、forecast 加 --values 即按此拟合计算；--save 写成配置文件。",
        "en": "compute, trend and forecast use this fit with --values; --save writes it as a profile.",
    },
}


def _t(key: str, lang: str) -> str:
    return TEXT[key][lang]


def _signed(x: float | None, decimals: int = 2) -> str:
    return "—" if x is None else f"{x:+.{decimals}f}"


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _bound(mid: str, x: float) -> str:
    return fmt_value(x, REGISTRY[mid].unit)


def sections(fit: Fit, lang: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) of every table of the fit."""
    prof = fit.base
    out = []
    dims = prof.dimensions
    out.append(
        (
            _t("weights", lang),
            [_t("dimension", lang), _t("profile", lang), _t("fitted", lang)],
            [
                [name(dims[d], lang), _pct(w), _pct(fit.weights.fitted[d])]
                for d, w in fit.weights.default.items()
            ],
        )
    )
    totals = [
        [
            str(c.day),
            fmt_score(c.total, 1),
            fmt_score(c.fitted, 2),
            fmt_score(c.default, 2),
            _signed(c.residual),
        ]
        for c in fit.checks
        if c.total is not None
    ]
    if totals:
        head = [_t("date", lang), _t("page", lang), _t("with_fit", lang), _t("with_profile", lang)]
        out.append((_t("totals", lang), [*head, _t("residual", lang)], totals))
    dim_rows = [
        [
            str(c.day),
            name(dims[d.id], lang),
            fmt_score(d.page, 1),
            fmt_score(d.steps, 2),
            fmt_score(d.default, 2),
            _signed(d.residual),
        ]
        for c in fit.checks
        for d in c.dimensions
    ]
    if dim_rows:
        head = [_t("date", lang), _t("dimension", lang), _t("page", lang), _t("from_steps", lang)]
        out.append((_t("dims", lang), [*head, _t("from_profile", lang), _t("residual", lang)], dim_rows))
    cut_rows = []
    for c in fit.cutoffs:
        if not c.changed and not c.conflict:
            continue
        evidence = ", ".join(f"{e.day:%m-%d}: {_bound(c.metric, e.value)}→{e.score:g}" for e in c.evidence)
        if c.conflict:
            evidence += f" ({_t('conflict', lang)})"
        for (old, score), (new, _) in zip(c.default, c.fitted, strict=True):
            if abs(old - new) > 1e-12 or c.conflict:
                cut_rows.append(
                    [
                        REGISTRY[c.metric].name(lang),
                        f"{score:g}",
                        _bound(c.metric, old),
                        _bound(c.metric, new),
                        evidence,
                    ]
                )
    if cut_rows:
        head = [_t("metric", lang), _t("step", lang), _t("profile", lang), _t("fitted", lang)]
        out.append((_t("cutoffs", lang), [*head, _t("evidence", lang)], cut_rows))
    value_rows = []
    for check in fit.checks:
        for mid, (page, own) in check.values.items():
            unit = REGISTRY[mid].unit
            differs = own is not None and fmt_value(page, unit) != fmt_value(own, unit)  # as printed
            value_rows.append(
                [
                    str(check.day),
                    REGISTRY[mid].name(lang),
                    fmt_value(page, unit),
                    fmt_value(own, unit),
                    _t("differs", lang) if differs else "",
                ]
            )
    if value_rows:
        head = [_t("date", lang), _t("metric", lang), _t("page", lang), _t("own", lang), ""]
        out.append((_t("values", lang), head, value_rows))
    return out


def summary_lines(fit: Fit, lang: str) -> list[str]:
    lines = [_t("rms", lang).format(fit=fmt_score(fit.rms, 2), default=fmt_score(fit.rms_default, 2))]
    for note in fit.notes:
        lines.append(_t(note, lang).format(n=fit.weights.readings, free=fit.weights.free))
    if not any(c.changed for c in fit.cutoffs):
        lines.append(_t("none_moved", lang))
    lines.append(_t("use", lang))
    return lines


def render_table(fit: Fit, shop: str, console: Console, lang: str) -> None:
    console.print(
        Text(f"{shop}  ·  {_t('title', lang).format(profile=fit.base.name(lang))}  ·  ", style="bold")
        + Text(_t("readings", lang).format(n=len(fit.checks)))
    )
    for title, head, rows in sections(fit, lang):
        table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
        for i, h in enumerate(head):
            table.add_column(h, justify="left" if i < 2 or i == len(head) - 1 else "right", overflow="fold")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    for line in summary_lines(fit, lang):
        console.print(Text(line, style="dim"))


def render_markdown(fit: Fit, shop: str, lang: str) -> str:
    out = [f"## {shop} · {_t('title', lang).format(profile=fit.base.name(lang))}", ""]
    for title, head, rows in sections(fit, lang):
        out += [f"### {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
        out.append("")
    out += [f"- {line}" for line in summary_lines(fit, lang)]
    return "\n".join(out) + "\n"


def fit_json(fit: Fit, shop: str) -> dict[str, Any]:
    def r(x: float | None, n: int = 6) -> float | None:
        return None if x is None else round(float(x), n)

    return {
        "shop": shop,
        "profile": fit.base.id,
        "readings": len(fit.checks),
        "weights": {
            "profile": {d: r(w) for d, w in fit.weights.default.items()},
            "fitted": {d: r(w) for d, w in fit.weights.fitted.items()},
            "readings_used": fit.weights.readings,
            "free": fit.weights.free,
            "determined": fit.weights.determined,
        },
        "metric_weights": {m: r(w) for m, w in fit.metric_weights.items()},
        "rms": r(fit.rms),
        "rms_profile": r(fit.rms_default),
        "notes": list(fit.notes),
        "checks": [
            {
                "date": c.day.isoformat(),
                "total": c.total,
                "fitted": r(c.fitted),
                "profile": r(c.default),
                "residual": r(c.residual),
                "dimensions": [
                    {
                        "id": d.id,
                        "page": d.page,
                        "steps": r(d.steps),
                        "profile": r(d.default),
                        "residual": r(d.residual),
                    }
                    for d in c.dimensions
                ],
                "values": {m: {"page": r(p, 8), "own": r(o, 8)} for m, (p, o) in c.values.items()},
            }
            for c in fit.checks
        ],
        "cutoffs": [
            {
                "metric": c.metric,
                "direction": c.direction,
                "profile": [[b, s] for b, s in c.default],
                "fitted": [[b, s] for b, s in c.fitted],
                "changed": c.changed,
                "conflict": c.conflict,
                "evidence": [
                    {
                        "date": e.day.isoformat(),
                        "value": r(e.value, 8),
                        "step": e.score,
                        "profile_step": e.default,
                        "page_value": e.page_value,
                    }
                    for e in c.evidence
                ],
            }
            for c in fit.cutoffs
        ],
    }


def profile_toml(fit: Fit) -> str:
    """The fitted profile as a TOML file that extends the one fitted (``--save``)."""
    from shopscore.engine.profiles import load_profile

    base: Profile = fit.base
    fitted = fit.profile()
    parent = base.source if base.source.endswith(".toml") else base.id
    plain = load_profile(parent)  # what `extends` gives, before any --industry/--shop-type
    lines = [
        f"# {base.id} fitted to {len(fit.checks)} reading(s) of the backend page by shopscore calibrate"
        + (f" (industry {base.industry})" if base.industry else "")
        + (f" (shop type {base.shop_type})" if base.shop_type else "")
        + ".",
        "# Use it as --profile FILE without --industry/--shop-type: it holds their weights already.",
        f"extends = {_q(parent)}",
        f"id = {_q(base.id + '-calibrated')}",
        f"name_zh = {_q(base.name_zh + '（按后台读数校准）')}",
        f"name_en = {_q(base.name_en + ' (fitted to the backend page)')}",
        "",
    ]
    for d, dim in fitted.dimensions.items():
        lines += [f"[dimensions.{d}]", f"weight = {round(dim.weight, 6)!r}", ""]
    small = fitted.small_shop
    if small is not None and small != plain.small_shop:
        lines += ["[small_shop]", f"below_orders = {small.below_orders}", f"max_bad = {small.max_bad:g}", ""]
    for mid, rule in fitted.metrics.items():
        old = plain.metrics[mid]
        changes = []
        if abs(rule.weight - old.weight) > 1e-12:
            changes.append(f"weight = {round(rule.weight, 6)!r}")
        if rule.curve != old.curve:
            pts = ", ".join(f"[{b!r}, {s:g}]" for b, s in rule.curve.points)
            floor = f", floor = {rule.curve.floor:g}" if rule.curve.floor is not None else ""
            changes.append(f'curve = {{ kind = "{rule.curve.kind}", points = [{pts}]{floor} }}')
        if changes:
            lines += [f"[metrics.{mid}]", *changes, ""]
    return "\n".join(lines)


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
