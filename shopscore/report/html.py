"""`report --html`: one self-contained page a seller opens offline or forwards in WeChat.

The page is built from plain values (strings and numbers prepared here with the same
formatting the terminal uses) through a Jinja2 template with autoescaping, so a product
name or file name from an export can never become markup. The charts are Plotly figures;
plotly.js is inlined once, and a Content-Security-Policy forbids every network request,
so the page works offline and leaks nothing when opened.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from shopscore.report.texts import (
    DIMENSION_NAMES,
    HTML_TEXT,
    TEXT,
    coverage_lines,
    display_line,
    enforcement_rows,
    fmt_sample,
    fmt_score,
    fmt_value,
    layout_text,
    load_line,
    metric_notes,
    name,
    score_mood,
    standing,
    status_text,
    t,
    tag_text,
    threshold_label,
    unscored_text,
)

#: breakdowns shown per diagnosed metric, and groups per breakdown
BREAKDOWNS, GROUPS = 2, 5


def h(key: str, lang: str) -> str:
    return HTML_TEXT[key][lang]


def _composite_lines(profile: Any) -> list[Any]:
    """The profile's thresholds on the composite's current value: the chart's lines."""
    return [x for x in profile.thresholds if x.applies_to == "composite" and x.statistic == "current"]


def _figure(points: list[tuple[date, float | None]], profile: Any, lang: str, title: str, marks: Any) -> str:
    """A score line against the threshold lines, as an HTML fragment (no plotly.js). The
    figure is a plain Plotly figure dict; plotly.io writes it without re-validating each
    property (which costs more than the rest of the page)."""
    import plotly.io as pio

    xs = [d.isoformat() for d, _ in points]
    ys = [None if v is None else round(v, 4) for _, v in points]
    line = {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "mode": "lines+markers" if len(xs) <= 45 else "lines",
        "name": t("score", lang),
        "line": {"color": "#1f5fbf", "width": 2},
        "marker": {"size": 4},
        "hovertemplate": "%{x}<br>%{y:." + str(profile.decimals) + "f}<extra></extra>",
        "connectgaps": False,
    }
    lines = _composite_lines(profile)
    shapes = [
        {
            "type": "line",
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "y0": x.bound,
            "y1": x.bound,
            "line": {"color": "#9a9a9a", "width": 1, "dash": "dot"},
        }
        for x in lines
    ]
    notes = [
        {
            "xref": "paper",
            "x": 0,
            "y": x.bound,
            "xanchor": "left",
            "yanchor": "bottom",
            "showarrow": False,
            "text": f"{x.bound:g} {name(x, lang)}",
            "font": {"size": 10, "color": "#555"},
        }
        for x in lines
    ]
    notes += [
        {
            "x": day.isoformat(),
            "y": value,
            "text": text,
            "showarrow": True,
            "arrowhead": 2,
            "font": {"size": 11},
        }
        for day, value, text in marks
    ]
    known = [v for v in ys if v is not None]
    low = min([*known, *(x.bound for x in lines)], default=0.0)
    high = max([*known, profile.scale_max], default=profile.scale_max)
    pad = (high - low) * 0.06 or 0.1
    layout = {
        "template": pio.templates["simple_white"].to_plotly_json(),
        "title": {"text": title, "font": {"size": 15}, "x": 0, "xanchor": "left"},
        "height": 320,
        "autosize": True,
        "margin": {"l": 44, "r": 12, "t": 44, "b": 36},
        "showlegend": False,
        "yaxis": {
            "range": [low - pad, high + pad],
            "fixedrange": True,
            "gridcolor": "#eee",
            "showgrid": True,
        },
        "xaxis": {"fixedrange": True, "type": "date", "tickformat": "%m-%d", "hoverformat": "%Y-%m-%d"},
        "font": {"family": _FONTS},
        "shapes": shapes,
        "annotations": notes,
    }
    html: str = pio.to_html(
        {"data": [line], "layout": layout},
        full_html=False,
        include_plotlyjs=False,
        validate=False,
        default_width="100%",
        default_height="320px",
        config={"responsive": True, "displayModeBar": False},
    )
    return html


_FONTS = '-apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Segoe UI", sans-serif'


def _trend_chart(report: Any, lang: str) -> str | None:
    if report.trend is None or all(c.score is None for c in report.trend.days):
        return None
    points = [(c.as_of, c.score) for c in report.trend.days]
    title = h("trend_title", lang).format(days=len(points))
    return _figure(points, report.result.profile, lang, title, ())


def _forecast_chart(report: Any, lang: str) -> str | None:
    f = report.forecast
    if f is None or f.today is None:
        return None
    points = [(f.today.as_of, f.today.score), *((c.as_of, c.score) for c in f.days)]
    by_day = dict(points)
    labels = {x.id: x for x in report.result.profile.thresholds}
    marks = [
        (
            c.date,
            by_day.get(c.date),
            ("↑ " if c.direction == "up" else "↓ ") + name(labels[c.threshold], lang),
        )
        for c in f.crossings
        if by_day.get(c.date) is not None
    ]
    title = h("forecast_title", lang).format(days=len(f.days))
    return _figure(points, report.result.profile, lang, title, marks)


def _thresholds(result: Any, lang: str) -> list[dict[str, Any]]:
    d = result.profile.decimals
    out = []
    for x in result.thresholds:
        label = threshold_label(x, lang)  # with its statistic, as the terminal says it
        out.append(
            {
                "label": label,
                "bound": f"{x.bound:g}",
                "mark": "—" if x.passed is None else ("✓" if x.passed else "✗"),
                "state": "none" if x.passed is None else ("good" if x.passed else "bad"),
                "distance": "—" if x.distance is None else f"{x.distance:+.{d}f}",
            }
        )
    return out


def _metrics(result: Any, lang: str) -> list[dict[str, Any]]:
    """Dimension blocks in the profile's order, each with its metric rows."""
    from shopscore.engine.metrics import REGISTRY

    d = result.profile.decimals
    scored = result.status == "scored"
    blocks = []
    for dm in result.dimensions:
        rows = []
        for m in (m for m in result.metrics if m.dimension == dm.id):
            if m.status in ("insufficient", "no-data"):
                score = status_text(m.status, lang)
            else:
                score = fmt_score(m.score, d) if scored else "—"
                if m.status == "diagnostic":
                    score += f" ({status_text('diagnostic', lang)})"
            rows.append(
                {
                    "id": m.id,
                    "name": REGISTRY[m.id].name(lang),
                    "value": fmt_value(m.value, m.unit) + (" ≈" if m.approximate else ""),
                    "sample": fmt_sample(m),
                    "window": f"{m.window.first_day:%m-%d}…{m.window.last_day:%m-%d}",
                    "score": score,
                    "lost": "—" if m.points_lost is None or not scored else f"{m.points_lost:.{d + 1}f}",
                    "tag": tag_text(m.tag, lang) if scored else "",
                    "tag_id": m.tag or "",
                    "notes": metric_notes(m, lang, result.profile.small_shop),
                }
            )
        if rows:
            blocks.append(
                {
                    "name": name(dm, lang),
                    "weight": f"{dm.weight * 100:.1f}%",
                    "score": fmt_score(dm.score, d) if scored else "—",
                    "rows": rows,
                }
            )
    return blocks


def _diagnoses(report: Any, lang: str, fixes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per metric to fix first: its one-sentence advice and its top breakdowns (the
    dimensions the advice rests on first)."""
    from shopscore.engine.metrics import REGISTRY
    from shopscore.report.diagnose import breakdown_heads, breakdown_row, w

    out = []
    for diag, fix in zip(report.diagnoses, fixes, strict=True):
        m = diag.metric
        d = diag.diagnosis
        evidence = [r["evidence"]["dimension"] for r in diag.recommendations(lang) if r["evidence"]]
        dims = [*evidence, *(x for x in d.breakdowns if x not in evidence and x != "week")][:BREAKDOWNS]
        tables = []
        for dim in dims:
            groups = d.breakdowns.get(dim) or []
            if not groups:
                continue
            tables.append(
                {
                    "title": DIMENSION_NAMES[dim][lang],
                    "heads": breakdown_heads(dim, lang),
                    "rows": [breakdown_row(dim, g, m.unit, lang) for g in groups[:GROUPS]],
                }
            )
        out.append(
            {
                "name": REGISTRY[m.id].name(lang),
                "id": m.id,
                "lost": f"{fix['points_lost']:.{report.result.profile.decimals + 1}f}",
                "text": fix["text"],
                "command": fix["command"],
                "aging": w("aging", lang).format(a=d.aging[7], b=d.aging[14], c=d.aging[30]),
                "tables": tables,
            }
        )
    return out


def _shop(report: Any, index: int, lang: str) -> dict[str, Any]:
    from shopscore import api

    r = report.result
    base: dict[str, Any] = {"anchor": f"shop-{index}", "name": r.shop, "status": r.status}
    if r.status == "error":
        return {**base, "error": r.error, "status_text": status_text("error", lang)}
    fixes = api.fix_first(r, lang=lang, diagnoses=list(report.diagnoses))
    top, down, _ = standing(r, lang)
    unscored = unscored_text(r.eligibility, lang) if r.status == "insufficient-data" else ""
    return {
        **base,
        "profile": r.profile.name(lang),
        "as_of": r.as_of.isoformat() if r.as_of else "—",
        "score": fmt_score(r.score, r.profile.decimals),
        "scale": f"{r.profile.scale_max:g}",
        "mood": score_mood(r),
        "status_text": status_text(r.status, lang),
        "unscored": unscored,
        "standing": top,
        "next_down": down,
        "coverage": coverage_lines(r.coverage, lang, r.status == "scored"),
        "display": display_line(r, lang),
        "thresholds": _thresholds(r, lang),
        "enforcement": enforcement_rows(r, lang),
        "dimensions": _metrics(r, lang),
        "fixes": _diagnoses(report, lang, fixes),
        "trend": _trend_chart(report, lang),
        "forecast": _forecast_chart(report, lang),
        "load": load_line(r.data.report, lang),
        "layout": layout_text(r.data.report.layout, lang),
        "legend": t("legend", lang).format(
            attention=r.profile.tags.attention_below, good=r.profile.tags.good_from
        ),
    }


@cache
def _template() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("shopscore.report", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,  # a missing value is a bug, not an empty cell
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html.j2")


def render_html(reports: list[Any], lang: str, generated: date | None = None) -> str:
    """The whole page for one or more shops."""
    from markupsafe import Markup
    from plotly.offline import get_plotlyjs

    from shopscore import __version__

    shops = [_shop(r, i, lang) for i, r in enumerate(reports)]
    for s in shops:  # the chart fragments are plotly's own markup, not text from the exports
        for key in ("trend", "forecast"):
            if s.get(key):
                s[key] = Markup(s[key])
    title = shops[0]["name"] if len(shops) == 1 else h("overview", lang)
    return str(
        _template().render(
            lang=lang,
            html_lang="zh-CN" if lang == "zh" else "en",
            title=f"{title} · {h('title', lang)}",
            shops=shops,
            multi=len(shops) > 1,
            # the page's own words, and the ones every report shares (TEXT)
            h={k: v[lang] for k, v in {**TEXT, **HTML_TEXT}.items()},
            t_estimate=t("estimate", lang),
            plotlyjs=Markup(get_plotlyjs()),
            version=__version__,
            generated=(generated or date.today()).isoformat(),
        )
    )
