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
    adjustments_line,
    coverage_lines,
    dataset_name,
    dimension_cell,
    display_line,
    enforcement_rows,
    fmt_sample,
    fmt_score,
    fmt_value,
    layout_text,
    load_line,
    name,
    note_mark,
    note_marks,
    orphan_counts,
    page_lines,
    score_mood,
    standing,
    status_text,
    t,
    tag_text,
    threshold_label,
    unscored_text,
)

TAG_STYLE = {"key-opportunity": "bold yellow", "needs-attention": "red", "good": "green"}


#: the score's colour per texts.score_mood
MOOD_STYLE = {"good": "bold green", "warn": "bold yellow", "bad": "bold red", "none": "dim"}


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
        head.append(f"{fmt_score(result.score, d)}", style=MOOD_STYLE[score_mood(result)])
        head.append(f" / {prof.scale_max:g}")
        if result.status == "growth-stage":
            head.append(f"  ({status_text(result.status, lang)})", style="yellow")
        for shown in (adjustments_line(result, lang), display_line(result, lang), *page_lines(result, lang)):
            if shown:
                head.append(f"\n{shown}")
    else:
        head.append(f"{status_text(result.status, lang)}", style="bold yellow")
        head.append(f"\n{unscored_text(result.eligibility, lang)}")
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
        th.add_column(
            t(col, lang), justify="right" if col in ("bound", "distance") else "left", overflow="fold"
        )
    for x in result.thresholds:
        mark = "—" if x.passed is None else ("✓" if x.passed else "✗")
        style = "" if x.passed is None else ("green" if x.passed else "red")
        label = threshold_label(x, lang)
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
        dims.add_row(name(dm, lang), f"{dm.weight * 100:.1f}%", dimension_cell(dm, d, lang))
    console.print(Group(th, *enforcement_table(result, lang), dims))

    rows: list[list[Any]] = []
    notes: dict[str, int] = {}  # each distinct note once, numbered in order of first use
    for dm in result.dimensions:  # one block per dimension, in the profile's order
        members = [m for m in result.metrics if m.dimension == dm.id]
        if not members:
            continue
        dim_name = Text(name(dm, lang), style="bold")
        rows.append([dim_name, "", "", "", Text(fmt_score(dm.score, d), style="bold"), "", ""])
        for m in members:
            rows.append(_metric_cells(m, lang, d, note_marks(m, lang, notes, result.profile.small_shop)))
    table, dropped = _metrics_table(rows, lang, console)
    console.print(table)
    if notes:  # the full texts, wrapped to the width under the table, never cut
        console.print(notes_block(notes))
    if 2 in dropped:  # the windows, said once below the table
        windows = sorted({f"{m.window.first_day:%m-%d}…{m.window.last_day:%m-%d}" for m in result.metrics})
        console.print(Text(f"{t('window', lang)}: " + ", ".join(windows), style="dim"))
    tags = result.profile.tags
    if result.status == "scored":  # an unscored shop has no tags or points lost to explain
        console.print(
            Text(t("legend", lang).format(attention=tags.attention_below, good=tags.good_from), style="dim")
        )
    render_load_summary(result.data.report, console, lang)
    console.print(Text(t("estimate", lang), style="dim"))


def enforcement_table(result: Any, lang: str) -> list[Table]:
    """The figures the platform enforces apart from the score (SPEC §5), none without."""
    rows = enforcement_rows(result, lang)
    if not rows:
        return []
    tab = Table(title=t("enforcement", lang), box=box.SIMPLE_HEAD, title_justify="left")
    for col in ("figure", "value", "window", "sample", "passed"):
        tab.add_column(
            t(col, lang), justify="right" if col in ("value", "sample") else "left", overflow="fold"
        )
    style = {"good": "green", "bad": "red", "none": ""}
    for r in rows:
        tab.add_row(
            Text(r["label"]),
            Text(r["value"], style=style[r["state"]]),
            r["window"],
            r["sample"],
            Text(r["mark"], style=style[r["state"]]),
        )
    return [tab]


#: columns of the metrics table a narrow terminal drops first (never score, lost or tag)
SECONDARY = (2, 3)  # window, sample
#: the narrowest the metric-name column gets before a secondary column goes
MIN_NAME = 16
#: the narrowest the metric-name column gets at all (a name wraps onto more lines below it)
FLOOR_NAME = 8
#: columns that may wrap at their spaces when nothing else is left to give: score, tag
WRAPPABLE = (4, 6)


def _overhead(columns: int) -> int:
    """Cells a SIMPLE_HEAD table adds around ``columns`` columns: a space of padding each
    side of every cell, a separator between columns and an edge at each end."""
    return 3 * columns + 1


def _plain(cell: Any) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


def metrics_layout(rows: list[list[Any]], lang: str, width: int) -> tuple[list[int], list[int]]:
    """(columns kept, their widths): data columns get exactly their content's width, the
    metric column the rest; on a narrow terminal the window, then the sample column goes
    before the metric names get narrower than MIN_NAME cells (they wrap, never cut). Below
    that, the score and tag columns wrap at their spaces ("4.02 / (diagnostic)") before the
    names get narrower than FLOOR_NAME."""
    heads = [t(c, lang) for c in ("metric", "value", "window", "sample", "score", "points_lost", "tag")]
    natural = [max(cell_len(h), *(cell_len(_plain(r[i])) for r in rows)) for i, h in enumerate(heads)]
    keep = list(range(len(heads)))
    for drop in SECONDARY:
        rest = sum(natural[i] for i in keep if i != 0) + _overhead(len(keep))
        if width - rest >= min(natural[0], MIN_NAME):
            break
        keep.remove(drop)
    widths = {i: natural[i] for i in keep}
    floor = min(natural[0], FLOOR_NAME)
    for i in WRAPPABLE:  # the longest word of the column is as narrow as it gets
        short = max(cell_len(w) for w in (heads[i], *(_plain(r[i]) for r in rows)) for w in w.split() or [""])
        over = sum(widths[j] for j in keep if j != 0) + _overhead(len(keep)) + floor - width
        if over > 0:
            widths[i] = max(short, widths[i] - over)
    rest = sum(widths[i] for i in keep if i != 0) + _overhead(len(keep))
    widths[0] = max(min(natural[0], width - rest), floor)
    return keep, [widths[i] for i in keep]


def _fold(cell: Any, width: int, console: Console) -> Any:
    """A name longer than its column, wrapped onto more lines under its own indent; a last
    line of one character borrows from the line above: 退货退款自主完结 / 时长, not
    退货退款自主完结时 / 长."""
    if not isinstance(cell, Text) or cell.cell_len <= width:
        return cell
    indent = len(cell.plain) - len(cell.plain.lstrip(" "))
    indent = indent if width - indent >= FLOOR_NAME // 2 else 0
    body, room = cell[indent:], width - indent
    lines = body.wrap(console, room, overflow="fold")
    while (
        lines[-1].cell_len <= 2
        and room > 1
        and len(narrower := body.wrap(console, room - 1, overflow="fold")) == len(lines)
    ):
        lines, room = narrower, room - 1
    return Text("\n").join(Text(" " * indent) + line for line in lines)


def _metrics_table(rows: list[list[Any]], lang: str, console: Console) -> tuple[Table, list[int]]:
    """The metrics table fitted to the console's width, and the columns it dropped."""
    heads = [t(c, lang) for c in ("metric", "value", "window", "sample", "score", "points_lost", "tag")]
    keep, widths = metrics_layout(rows, lang, console.width)
    mt = Table(title=t("metrics", lang), box=box.SIMPLE_HEAD, title_justify="left")
    for i, w in zip(keep, widths, strict=True):
        right = i in (1, 3, 4, 5)
        wrap = i == 0 or i in WRAPPABLE
        mt.add_column(
            heads[i], justify="right" if right else "left", no_wrap=not wrap, overflow="fold", width=w
        )
    for r in rows:
        mt.add_row(*(_fold(r[i], widths[0], console) if i == 0 else r[i] for i in keep))
    return mt, [i for i in range(len(heads)) if i not in keep]


def notes_block(notes: dict[str, int]) -> Table:
    """The numbered notes of the metrics table, "[1] text" each, wrapped under their number."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(overflow="fold", style="dim")
    for text, number in notes.items():
        grid.add_row(note_mark([number]), Text(text))
    return grid


def _metric_cells(m: Any, lang: str, d: int, marks: list[int] | None = None) -> list[Any]:
    """One metric's row; ``marks``: the numbers of its notes (listed under the table)."""
    label = Text(f"  {REGISTRY[m.id].name(lang)}")
    if marks:
        label.append(f" {note_mark(marks)}", style="dim")
    if m.status in ("insufficient", "no-data"):
        score_cell = Text(status_text(m.status, lang), style="dim")
    elif m.score is None:  # the shop is not scored: its metrics are shown, not scored
        score_cell = Text("—", style="dim")
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
    console.print(Text(load_line(report, lang), style="dim"))
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
        tab.add_column(t(col, lang), justify="right" if col == "score" else "left", overflow="fold")
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
