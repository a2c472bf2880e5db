"""Markdown output: the compute report as a document (for a wiki, a chat or an email)."""

from __future__ import annotations

from typing import Any

from shopscore.engine.metrics import REGISTRY
from shopscore.loaders.messages import localize
from shopscore.report.texts import (
    adjustments_line,
    coverage_lines,
    dataset_name,
    dimension_cell,
    display_line,
    enforcement_rows,
    fmt_sample,
    fmt_score,
    fmt_value,
    name,
    note_mark,
    note_marks,
    orphan_counts,
    page_lines,
    status_text,
    t,
    tag_text,
    threshold_label,
    unscored_text,
)


def render_score(result: Any, lang: str) -> str:
    prof = result.profile
    d = prof.decimals
    out = [f"# {result.shop} — {prof.name(lang)}", ""]
    if result.status == "error":
        out += [f"- {t('status', lang)}: {status_text('error', lang)}", "", f"> {result.error}", ""]
        return "\n".join(out)
    out.append(f"- {t('as_of', lang)}: {result.as_of.isoformat()}")
    if result.score is not None:
        out.append(f"- {t('score', lang)}: **{fmt_score(result.score, d)}** / {prof.scale_max:g}")
        for shown in (adjustments_line(result, lang), display_line(result, lang), *page_lines(result, lang)):
            if shown:
                out.append(f"- {shown}")
    out.append(f"- {t('status', lang)}: {status_text(result.status, lang)}")
    if result.status == "insufficient-data":
        out.append(f"- {unscored_text(result.eligibility, lang)}")
    out += [f"- ⚠ {line}" for line in coverage_lines(result.coverage, lang, result.status == "scored")]
    out += ["", f"## {t('thresholds', lang)}", ""]
    out.append(
        f"| {t('threshold', lang)} | {t('bound', lang)} | {t('passed', lang)} | {t('distance', lang)} |"
    )
    out.append("|---|---:|:---:|---:|")
    for x in result.thresholds:
        mark = "—" if x.passed is None else ("✓" if x.passed else "✗")
        dist = "—" if x.distance is None else f"{x.distance:+.{d}f}"
        out.append(f"| {threshold_label(x, lang)} | {x.bound:g} | {mark} | {dist} |")
    figures = enforcement_rows(result, lang)
    if figures:
        out += ["", f"## {t('enforcement', lang)}", ""]
        heads = ("figure", "value", "window", "sample", "passed")
        out.append("| " + " | ".join(t(c, lang) for c in heads) + " |")
        out.append("|---|---:|---|---:|:---:|")
        for r in figures:
            out.append(f"| {r['label']} | {r['value']} | {r['window']} | {r['sample']} | {r['mark']} |")
    out += ["", f"## {t('dimensions', lang)}", ""]
    out.append(f"| {t('dimension', lang)} | {t('weight', lang)} | {t('score', lang)} |")
    out.append("|---|---:|---:|")
    for dm in result.dimensions:
        out.append(f"| {name(dm, lang)} | {dm.weight * 100:.1f}% | {dimension_cell(dm, d, lang)} |")
    out += ["", f"## {t('metrics', lang)}", ""]
    cols = ("metric", "value", "window", "sample", "score", "points_lost", "tag")
    out.append("| " + " | ".join(t(c, lang) for c in cols) + " |")
    out.append("|---|---:|---|---:|---:|---:|---|")
    notes: dict[str, int] = {}  # each distinct note once, numbered, listed under the table
    for m in result.metrics:
        sample = fmt_sample(m)
        unscored = m.score is None and m.status in ("insufficient", "no-data")
        score = status_text(m.status, lang) if unscored else fmt_score(m.score, d)
        lost = "—" if m.points_lost is None else f"{m.points_lost:.{d + 1}f}"
        window = f"{m.window.first_day} … {m.window.last_day}"
        label = REGISTRY[m.id].name(lang)
        marks = note_marks(m, lang, notes, result.profile.small_shop)
        if marks:
            label += f" {note_mark(marks)}"
        cells = [label, fmt_value(m.value, m.unit), window, sample, score, lost, tag_text(m.tag, lang)]
        out.append("| " + " | ".join(cells) + " |")
    if notes:
        out.append("")
        out += [f"- {note_mark([n])} {text}" for text, n in notes.items()]
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


def render_inspect(shop: Any, needs: list[dict[str, str]], reasons: list[str], lang: str) -> str:
    """`inspect --format markdown`: files, row accounting, dates, what each metric needs."""
    rep = shop.report
    cols = ("file", "dataset", "rows_read", "rows_kept", "duplicates", "conflicts", "rejected")
    out = [f"# {shop.name}", "", "| " + " | ".join(t(c, lang) for c in cols) + " |"]
    out.append("|---|---|---:|---:|---:|---:|---:|")
    for f in rep.files:
        name = f.path + (f" [{f.sheet}]" if f.sheet else "")
        if f.skipped:
            out.append(f"| {name} | {t('skipped', lang)}: {localize(f.skipped, lang)} | | | | | |")
            continue
        nums = (f.rows_read, f.rows_kept, f.duplicates, f.conflicts, f.rejected)
        out.append(
            f"| {name} | {dataset_name(f.dataset or '', lang)} | " + " | ".join(str(n) for n in nums) + " |"
        )
    out += ["", f"## {t('date_range', lang)}", ""]
    out += [
        f"- {dataset_name(k, lang)}: {v[0]} … {v[1]}" if v else f"- {dataset_name(k, lang)}: —"
        for k, v in rep.date_ranges.items()
    ]
    if rep.orphans:
        out += ["", f"{t('orphans', lang)}: " + orphan_counts(rep.orphans, lang)]
    if reasons:
        out += ["", f"{t('unknown_reasons', lang)}: " + ", ".join(reasons)]
    out += ["", f"## {t('needs', lang)}", ""]
    out += [f"- {n['metric']}: {n['text']}" for n in needs]
    if rep.problems.height:
        out += [
            "",
            f"## {t('problems', lang)}",
            "",
            "| " + " | ".join(t(c, lang) for c in ("file", "row", "column", "message")) + " |",
            "|---|---:|---|---|",
        ]
        for p in rep.problems.iter_rows(named=True):
            row = "" if p["row"] is None else p["row"]
            message = localize(p["message"], lang)
            out.append(f"| {p['path']} | {row} | {p['column'] or ''} | {message} |")
    return "\n".join(out) + "\n"


def render_metrics(rows: list[dict[str, Any]], lang: str, zh_names: bool = False) -> str:
    """The metric reference as Markdown. ``zh_names``: a column of the Chinese names beside
    the ``lang`` ones (the README's English tables, generated from this, keep the names a
    seller sees in the 抖店 backend)."""
    cols = ["id", "metric", "dimension", "window", "direction", "weight", "min_sample", "definition"]
    heads = [t(c, lang) for c in cols]
    if zh_names and lang != "zh":
        heads.insert(2, t("metric", "zh"))
    out = ["| " + " | ".join(heads) + " |", "|" + "---|" * (len(heads) - 3) + "---:|---:|---|"]
    for r in rows:
        cells = [f"`{r['id']}`", r[lang], *([r["zh"]] if zh_names and lang != "zh" else [])]
        cells += [
            r[f"dimension_{lang}"],
            f"({r['window'][0]}, {r['window'][1]})",
            t(r["direction"], lang),
            f"{r['weight']:g}",
            f"{r['min_sample']:g}",
            r[f"definition_{lang}"],
        ]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def render_multi(results: list[Any], lang: str) -> str:
    """The several-shop overview: score, status, the highest threshold each clears and the
    next one down."""
    from shopscore.report.texts import standing

    heads = [t(c, lang) for c in ("shop", "score", "status", "clears", "next_down")]
    out = [f"# {t('summary', lang)}", "", "| " + " | ".join(heads) + " |", "|---|---:|---|---|---|"]
    for r in results:
        top, down, _ = standing(r, lang)
        cells = [r.shop, fmt_score(r.score, r.profile.decimals), status_text(r.status, lang), top, down]
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(out) + "\n"
