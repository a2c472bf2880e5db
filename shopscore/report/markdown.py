"""Markdown output: the compute report as a document (for a wiki, a chat or an email)."""

from __future__ import annotations

from typing import Any

from shopscore.engine.metrics import REGISTRY
from shopscore.report.texts import (
    fmt_sample,
    fmt_score,
    fmt_value,
    metric_notes,
    status_text,
    t,
    tag_text,
)


def render_score(result: Any, lang: str) -> str:
    prof = result.profile
    d = prof.decimals
    out = [f"# {result.shop} — {prof.name(lang)}", ""]
    out.append(f"- {t('as_of', lang)}: {result.as_of.isoformat()}")
    if result.score is not None:
        out.append(f"- {t('score', lang)}: **{fmt_score(result.score, d)}** / {prof.scale_max:g}")
    out.append(f"- {t('status', lang)}: {status_text(result.status, lang)}")
    out += ["", f"## {t('thresholds', lang)}", ""]
    out.append(
        f"| {t('threshold', lang)} | {t('bound', lang)} | {t('passed', lang)} | {t('distance', lang)} |"
    )
    out.append("|---|---:|:---:|---:|")
    for x in result.thresholds:
        mark = "—" if x.passed is None else ("✓" if x.passed else "✗")
        dist = "—" if x.distance is None else f"{x.distance:+.{d}f}"
        out.append(f"| {x.zh if lang == 'zh' else x.en} | {x.bound:g} | {mark} | {dist} |")
    out += ["", f"## {t('dimensions', lang)}", ""]
    out.append(f"| {t('dimension', lang)} | {t('weight', lang)} | {t('score', lang)} |")
    out.append("|---|---:|---:|")
    for dm in result.dimensions:
        out.append(
            f"| {dm.zh if lang == 'zh' else dm.en} | {dm.weight * 100:.1f}% | {fmt_score(dm.score, d)} |"
        )
    out += ["", f"## {t('metrics', lang)}", ""]
    cols = ("metric", "value", "window", "sample", "score", "points_lost", "tag")
    out.append("| " + " | ".join(t(c, lang) for c in cols) + " |")
    out.append("|---|---:|---|---:|---:|---:|---|")
    for m in result.metrics:
        sample = fmt_sample(m)
        score = status_text(m.status, lang) if m.score is None else fmt_score(m.score, d)
        lost = "—" if m.points_lost is None else f"{m.points_lost:.{d + 1}f}"
        window = f"{m.window.first_day} … {m.window.last_day}"
        name = REGISTRY[m.id].name(lang)
        notes = metric_notes(m, lang)
        if notes:
            name += "<br><sub>" + "; ".join(notes) + "</sub>"
        cells = [name, fmt_value(m.value, m.unit), window, sample, score, lost, tag_text(m.tag, lang)]
        out.append("| " + " | ".join(cells) + " |")
    tot = result.data.report.totals
    out += [
        "",
        f"{t('load', lang)}: {t('rows_read', lang)} {tot['rows_read']}, {t('rows_kept', lang)} "
        f"{tot['rows_kept']}, {t('duplicates', lang)} {tot['duplicates']}, {t('rejected', lang)} "
        f"{tot['rejected']}",
        "",
        f"> {t('estimate', lang)}",
        "",
    ]
    return "\n".join(out)
