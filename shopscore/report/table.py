"""Terminal output with rich: a seller reads the score, what drags it and why at a glance."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from shopscore.engine.metrics import REGISTRY
from shopscore.loaders.messages import hidden_text, localize
from shopscore.report.texts import (
    coverage_lines,
    dataset_name,
    fmt_sample,
    fmt_score,
    fmt_value,
    layout_text,
    metric_notes,
    name,
    orphan_counts,
    population_name,
    standing,
    status_text,
    t,
    tag_text,
)

TAG_STYLE = {"key-opportunity": "bold yellow", "needs-attention": "red", "good": "green"}


def _score_style(score: float | None, result: Any) -> str:
    """Green when every threshold passes, yellow when only the top one fails, else red."""
    if score is None:
        return "dim"
    failed = [th for th in result.thresholds if th.passed is False]
    if not failed:
        return "bold green"
    return "bold yellow" if len(failed) == 1 else "bold red"


def render_error(result: Any, console: Console, lang: str) -> None:
    """A shop that could not be read: its name and the one-line reason."""
    head = Text()
    head.append(f"{result.shop}", style="bold")
    head.append(f"  ·  {status_text('error', lang)}\n", style="bold red")
    head.append(result.error or "")
    console.print(Panel(head, box=box.ROUNDED, expand=False))
    render_load_summary(result.data.report, console, lang)


def render_score(result: Any, console: Console, lang: str, fixes: list[dict[str, Any]] | None = None) -> None:
    if result.status == "error":
        render_error(result, console, lang)
        return
    prof = result.profile
    d = prof.decimals
    head = Text()
    head.append(f"{result.shop}", style="bold")
    head.append(f"  ·  {prof.name(lang)}  ·  {t('as_of', lang)} {result.as_of.isoformat()}\n")
    if result.status in ("scored", "growth-stage"):
        head.append(f"{t('score', lang)} ", style="bold")
        head.append(f"{fmt_score(result.score, d)}", style=_score_style(result.score, result))
        head.append(f" / {prof.scale_max:g}")
        if result.status == "growth-stage":
            head.append(f"  ({status_text(result.status, lang)})", style="yellow")
    else:
        e = result.eligibility
        head.append(f"{status_text(result.status, lang)}", style="bold yellow")
        win = e["window"]
        population = population_name(e["population"], lang)
        head.append(f" ({e['count']} / {e['min_orders']} {population} {win['start']}…{win['end']})")
    for line in coverage_lines(result.coverage, lang, result.status == "scored"):
        head.append(f"\n⚠ {line}", style="yellow")
    console.print(Panel(head, box=box.ROUNDED, expand=False))
    if fixes:
        block = Text()
        for i, fix in enumerate(fixes, start=1):
            lost = f"{fix['points_lost']:.{d + 1}f}"
            block.append(f"{i}. {REGISTRY[fix['metric']].name(lang)} (−{lost}) ", style="bold")
            block.append(f"{fix['text']}\n")
            block.append(f"   → {fix['command']}\n", style="dim")
        block.rstrip()
        console.print(Panel(block, title=t("fix_first", lang), title_align="left", box=box.ROUNDED))

    th = Table(title=t("thresholds", lang), box=box.SIMPLE_HEAD, title_justify="left")
    for col in ("threshold", "bound", "passed", "distance"):
        th.add_column(t(col, lang), justify="right" if col in ("bound", "distance") else "left")
    for x in result.thresholds:
        mark = "—" if x.passed is None else ("✓" if x.passed else "✗")
        style = "" if x.passed is None else ("green" if x.passed else "red")
        label = name(x, lang)
        th.add_row(
            label,
            f"{x.bound:g}",
            Text(mark, style=style),
            Text("—" if x.distance is None else f"{x.distance:+.{d}f}", style=style),
        )
    dims = Table(title=t("dimensions", lang), box=box.SIMPLE_HEAD, title_justify="left")
    for col in ("dimension", "weight", "score"):
        dims.add_column(t(col, lang), justify="left" if col == "dimension" else "right")
    for dm in result.dimensions:
        dims.add_row(name(dm, lang), f"{dm.weight * 100:.1f}%", fmt_score(dm.score, d))
    console.print(Group(th, dims))

    rows: list[list[Any]] = []
    for dm in result.dimensions:  # one block per dimension, in the profile's order
        members = [m for m in result.metrics if m.dimension == dm.id]
        if not members:
            continue
        dim_name = Text(name(dm, lang), style="bold")
        rows.append([dim_name, "", "", "", Text(fmt_score(dm.score, d), style="bold"), "", ""])
        for m in members:
            rows.append(_metric_cells(m, lang, d))
            for note in metric_notes(m, lang):  # one line under the metric
                rows.append([Text(f"    ↳ {note}", style="dim italic"), *[""] * 6])
    table, dropped = _metrics_table(rows, lang, console.width)
    console.print(table)
    if 2 in dropped:  # the windows, said once below the table
        windows = sorted({f"{m.window.first_day:%m-%d}…{m.window.last_day:%m-%d}" for m in result.metrics})
        console.print(Text(f"{t('window', lang)}: " + ", ".join(windows), style="dim"))
    tags = result.profile.tags
    console.print(
        Text(t("legend", lang).format(attention=tags.attention_below, good=tags.good_from), style="dim")
    )
    render_load_summary(result.data.report, console, lang)
    console.print(Text(t("estimate", lang), style="dim"))


#: columns of the metrics table a narrow terminal drops first (never score, lost or tag)
SECONDARY = (2, 3)  # window, sample
#: the narrowest the metric-name column gets before a secondary column goes
MIN_NAME = 16


def _overhead(columns: int) -> int:
    """Cells a SIMPLE_HEAD table adds around ``columns`` columns: a space of padding each
    side of every cell, a separator between columns and an edge at each end."""
    return 3 * columns + 1


def metrics_layout(rows: list[list[Any]], lang: str, width: int) -> tuple[list[int], list[int]]:
    """(columns kept, their widths): data columns get exactly their content's width, the
    metric column the rest; on a narrow terminal the window, then the sample column goes
    before the metric names are cut below MIN_NAME cells."""
    heads = [t(c, lang) for c in ("metric", "value", "window", "sample", "score", "points_lost", "tag")]
    natural = [
        max(cell_len(h), *(cell_len(r[i].plain if isinstance(r[i], Text) else r[i]) for r in rows))
        for i, h in enumerate(heads)
    ]
    keep = list(range(len(heads)))
    for drop in SECONDARY:
        rest = sum(natural[i] for i in keep if i != 0) + _overhead(len(keep))
        if width - rest >= min(natural[0], MIN_NAME):
            break
        keep.remove(drop)
    rest = sum(natural[i] for i in keep if i != 0) + _overhead(len(keep))
    widths = [max(min(natural[0], width - rest), min(natural[0], 8)) if i == 0 else natural[i] for i in keep]
    return keep, widths


def _metrics_table(rows: list[list[Any]], lang: str, width: int) -> tuple[Table, list[int]]:
    """The metrics table fitted to ``width``, and the columns it dropped."""
    heads = [t(c, lang) for c in ("metric", "value", "window", "sample", "score", "points_lost", "tag")]
    keep, widths = metrics_layout(rows, lang, width)
    mt = Table(title=t("metrics", lang), box=box.SIMPLE_HEAD, title_justify="left")
    for i, w in zip(keep, widths, strict=True):
        right = i in (1, 3, 4, 5)
        mt.add_column(heads[i], justify="right" if right else "left", no_wrap=True, width=w)
    for r in rows:
        mt.add_row(*(r[i] for i in keep))
    return mt, [i for i in range(len(heads)) if i not in keep]


def _metric_cells(m: Any, lang: str, d: int) -> list[Any]:
    """One metric's row."""
    label = Text(f"  {REGISTRY[m.id].name(lang)}")
    if m.status in ("insufficient", "no-data"):
        score_cell = Text(status_text(m.status, lang), style="dim")
    else:
        score_cell = Text(fmt_score(m.score, d), style="red" if m.tag == "needs-attention" else "")
        if m.status == "diagnostic":
            score_cell.append(f" ({status_text('diagnostic', lang)})", style="dim")
    lost = "—" if m.points_lost is None else f"{m.points_lost:.{d + 1}f}"
    value = fmt_value(m.value, m.unit) + (" ≈" if m.approximate else "")
    window = f"{m.window.first_day:%m-%d}…{m.window.last_day:%m-%d}"
    tag = Text(tag_text(m.tag, lang), style=TAG_STYLE.get(m.tag or "", ""))
    return [label, value, window, fmt_sample(m), score_cell, lost, tag]


def render_load_summary(report: Any, console: Console, lang: str) -> None:
    tot = report.totals
    files = t("files_count", lang).format(n=len([f for f in report.files if f.dataset]))
    line = (
        f"{t('load', lang)}: {files}, {t('rows_read', lang)} {tot['rows_read']}, "
        f"{t('rows_kept', lang)} {tot['rows_kept']}, {t('duplicates', lang)} {tot['duplicates']}"
        f" ({t('conflicts', lang)} {tot['conflicts']}), {t('rejected', lang)} {tot['rejected']}"
    )
    if report.orphans:
        line += f", {t('orphans', lang)} " + orphan_counts(report.orphans, lang)
    skipped = [f for f in report.files if f.skipped]
    if skipped:
        line += f", {t('skipped', lang)} {len(skipped)}"
    if tot["rejected"] or report.problems.height or skipped:
        line += " — " + t("see_inspect", lang)
    console.print(Text(line, style="dim"))
    if report.layout:
        console.print(Text(f"{t('layout', lang)}: {layout_text(report.layout, lang)}", style="dim"))
    if report.beside:
        names = ", ".join(f.path for f in report.beside)
        why = localize(report.beside[0].skipped, lang)
        console.print(Text(f"{t('beside', lang)}: {names} — {why}", style="yellow"))


def render_multi(results: list[Any], console: Console, lang: str) -> None:
    """A row per shop: score, status, the highest threshold it clears and the next one down."""
    tab = Table(title=t("summary", lang), box=box.SIMPLE_HEAD, title_justify="left")
    for col in ("shop", "score", "status", "clears", "next_down"):
        tab.add_column(t(col, lang), justify="right" if col == "score" else "left")
    for r in results:
        top, down, _ = standing(r, lang)
        cleared = top.startswith("✓")
        tab.add_row(
            Text(r.shop),  # Text: a folder name like 店[1] is not rich markup
            fmt_score(r.score, r.profile.decimals),
            status_text(r.status, lang),
            Text(top, style="green" if cleared else ("red" if top != "—" else "")),
            Text(down, style="dim"),
        )
    console.print(tab)


def render_inspect(
    shop: Any, needs: list[dict[str, str]], reasons: list[str], console: Console, lang: str
) -> None:
    rep = shop.report
    head = Text(f"{shop.name}  ·  {shop.path}", style="bold")
    if rep.layout:
        head.append(f"\n{t('layout', lang)}: {layout_text(rep.layout, lang)}", style="dim")
    if shop.error:
        head.append(f"\n{shop.error}", style="red")
    console.print(Panel(head, expand=False))
    ft = Table(box=box.SIMPLE_HEAD)
    ft.add_column(t("file", lang))
    ft.add_column(t("dataset", lang))
    for col in ("rows_read", "rows_kept", "duplicates", "conflicts", "rejected"):
        ft.add_column(t(col, lang), justify="right")
    for f in rep.files:
        name = Text(f.path.rsplit("/", 1)[-1] + (f" [{f.sheet}]" if f.sheet else ""))
        if f.skipped:
            why = f"{t('skipped', lang)}: {localize(f.skipped, lang)}"
            ft.add_row(name, Text(why, style="yellow"), "", "", "", "", "")
            continue
        ft.add_row(
            name,
            dataset_name(f.dataset, lang) if f.dataset else "",
            str(f.rows_read),
            str(f.rows_kept),
            str(f.duplicates),
            str(f.conflicts),
            Text(str(f.rejected), style="red" if f.rejected else ""),
        )
    console.print(ft)
    dr = Table(box=box.SIMPLE_HEAD, title=t("date_range", lang), title_justify="left")
    dr.add_column(t("dataset", lang))
    dr.add_column(t("date_range", lang))
    for k, v in rep.date_ranges.items():
        dr.add_row(dataset_name(k, lang), f"{v[0]} … {v[1]}" if v else "—")
    console.print(dr)
    for f in rep.files:
        if f.preamble_rows:
            name = f.path + (f" [{f.sheet}]" if f.sheet else "")
            text = t("preamble", lang).format(row=f.header_row, n=f.preamble_rows)
            console.print(Text(f"{name}: {text}", style="dim"))
    for f in rep.files:
        if f.unmapped_columns:
            name = f.path.rsplit("/", 1)[-1]
            console.print(
                Text(
                    f"{t('unmapped', lang)} · {name}: " + hidden_text(", ".join(f.unmapped_columns), lang),
                    style="dim",
                )
            )
    if rep.orphans:
        console.print(Text(f"{t('orphans', lang)}: " + orphan_counts(rep.orphans, lang)))
    if reasons:
        console.print(Text(f"{t('unknown_reasons', lang)}: " + ", ".join(reasons), style="yellow"))
    if needs:
        nt = Table(box=box.SIMPLE_HEAD, title=t("needs", lang), title_justify="left")
        nt.add_column(t("metric", lang))
        nt.add_column(t("status", lang))
        for n in needs:
            nt.add_row(n["metric"], Text(n["text"], style=n.get("style", "")))
        console.print(nt)
    if rep.problems.height:
        pt = Table(box=box.SIMPLE_HEAD, title=t("problems", lang), title_justify="left")
        for col in ("file", "row", "column", "message"):
            pt.add_column(t(col, lang))
        for p in rep.problems.head(50).iter_rows(named=True):
            pt.add_row(
                Text(p["path"]),
                "" if p["row"] is None else str(p["row"]),
                Text(p["column"] or ""),
                Text(localize(p["message"], lang)),
            )
        console.print(pt)
        if rep.problems.height > 50:
            console.print(Text(t("more_problems", lang).format(n=rep.problems.height - 50), style="dim"))


def render_metrics(rows: list[dict[str, Any]], console: Console, lang: str) -> None:
    """`shopscore metrics`: one row per metric with its definition."""
    tab = Table(box=box.SIMPLE_HEAD, show_lines=True)
    for col in ("metric", "dimension", "window", "direction", "weight", "min_sample", "definition"):
        tab.add_column(t(col, lang), overflow="fold", no_wrap=col != "definition")
    for r in rows:
        tab.add_row(
            f"{r['zh'] if lang == 'zh' else r['en']}\n[dim]{r['id']}[/dim]",
            r[f"dimension_{lang}"],
            f"({r['window'][0]}, {r['window'][1]})",
            t(r["direction"], lang),
            f"{r['weight']:g}",
            f"{r['min_sample']:g}",
            r[f"definition_{lang}"],
        )
    console.print(tab)
