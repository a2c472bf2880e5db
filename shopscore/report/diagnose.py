"""`diagnose` for people: the metric, what to fix first (recommendations grounded in the
breakdowns), each breakdown, the bad records and how soon they age out — in the terminal,
in Markdown, and as a workbook (XLSX) or CSV files a seller opens in Excel or WPS."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from shopscore.loaders.messages import hidden_text
from shopscore.report.texts import (
    DIAGNOSE_TEXT,
    DIMENSION_NAMES,
    field_name,
    fmt_count,
    fmt_sample,
    fmt_score,
    fmt_share,
    fmt_value,
    reason_group_name,
    t,
)

#: breakdown rows shown per dimension in the terminal and Markdown (exports have all)
SHOWN = 10
#: a record's fields that are shown elsewhere or not at all
HIDDEN_FIELDS = ("file", "row")


def w(key: str, lang: str) -> str:
    return DIAGNOSE_TEXT[key][lang]


def _metric_line(report: Any, lang: str) -> str:
    m = report.metric
    d = report.profile.decimals
    return w("metric_line", lang).format(
        value=fmt_value(m.value, m.unit),
        sample=fmt_sample(m),
        score=fmt_score(m.score, d),
        lost=fmt_score(m.points_lost, 3) if m.points_lost is not None else "—",
        start=m.window.to_json()["start"],
        end=m.window.to_json()["end"],
    )


def breakdown_heads(dim: str, lang: str) -> list[str]:
    """A breakdown table's header: the dimension, events, bad events, value, share."""
    return [DIMENSION_NAMES[dim][lang], w("events", lang), w("bad", lang), t("value", lang), w("share", lang)]


def breakdown_row(dim: str, g: Any, unit: str, lang: str) -> list[str]:
    """One group of a breakdown, as the terminal, Markdown and the HTML page show it."""
    return [
        _key_text(dim, g, lang),
        fmt_count(g.events),
        fmt_count(g.bad),
        _group_value(g, unit),
        fmt_share(g.share),
    ]


def _group_value(g: Any, unit: str) -> str:
    return fmt_value(g.value, unit)


def _key_text(dim: str, g: Any, lang: str) -> str:
    if g.key is None:
        return "—"
    if dim == "product" and g.label and g.label != str(g.key):
        return f"{g.label} ({g.key})"
    if dim == "reason-group":
        return reason_group_name(str(g.key), lang)
    return hidden_text(str(g.key), lang)


def _field(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


#: the record fields the terminal and Markdown show (in this order, where present): the
#: unit's id, then what explains it; exports keep every field
ID_FIELDS = ("session_id", "review_id", "after_sale_id", "complaint_id", "order_id")
SHOWN_FIELDS = (
    "agent",
    "carrier",
    "product",
    "product_name",
    "reason",
    "rating",
    "product_rating",
    "reply_seconds",
    "pickup_time",
    "hours_late",
    "value",
    "content",
)


def _record_columns(records: list[dict[str, Any]]) -> list[str]:
    if not records:
        return []
    fields = list(records[0])
    first_id = next((f for f in ID_FIELDS if f in fields), None)
    return ["time", *([first_id] if first_id else []), *(f for f in SHOWN_FIELDS if f in fields)]


def _short(column: str, value: Any, lang: str) -> str:
    """A record's field for the terminal: times without the year and seconds."""
    text = _field(value)
    if column in ("time", "pickup_deadline", "pickup_time") and len(text) >= 16 and text[4] == "-":
        return text[5:16]
    return hidden_text(text, lang)


def render_diagnose(report: Any, console: Console, lang: str) -> None:
    from shopscore.engine.metrics import REGISTRY

    m = report.metric
    name = REGISTRY[m.id].name(lang)
    head = Text()
    head.append(f"{report.shop}", style="bold")
    head.append(f"  ·  {report.profile.name(lang)}  ·  {t('as_of', lang)} {report.as_of.isoformat()}\n")
    head.append(w("title", lang).format(metric=f"{name} ({m.id})"), style="bold")
    head.append("\n" + _metric_line(report, lang))
    console.print(Panel(head, box=box.ROUNDED, expand=False))
    console.print(Text(w("recommendations", lang), style="bold"))
    for rec in report.recommendations(lang):
        console.print(Text(f"• {rec['text']}"))
    aging = report.diagnosis.aging
    console.print(Text(w("aging", lang).format(a=aging[7], b=aging[14], c=aging[30]), style="dim"))
    for dim, groups in report.diagnosis.breakdowns.items():
        table = Table(title=DIMENSION_NAMES[dim][lang], box=box.SIMPLE_HEAD, title_justify="left")
        first, *numbers = breakdown_heads(dim, lang)
        table.add_column(first, overflow="fold")
        for heading in numbers:
            table.add_column(heading, justify="right")
        for g in groups[:SHOWN]:
            table.add_row(*breakdown_row(dim, g, m.unit, lang))
        console.print(table)
    records = report.records()
    title = w("records", lang).format(n=len(records), total=fmt_count(report.diagnosis.bad_total))
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    cols = _record_columns(records)
    for c in cols:
        table.add_column(field_name(c, lang), overflow="fold")
    table.add_column(field_name("file:row", lang), overflow="fold", style="dim")
    for r in records:
        table.add_row(*(_short(c, r[c], lang) for c in cols), f"{r['file']}:{r['row']}")
    console.print(table)
    console.print(Text(t("estimate", lang), style="dim"))


def markdown_diagnose(report: Any, lang: str) -> str:
    from shopscore.engine.metrics import REGISTRY

    m = report.metric
    name = REGISTRY[m.id].name(lang)
    out = [
        f"# {report.shop}: {w('title', lang).format(metric=f'{name} ({m.id})')}",
        "",
        _metric_line(report, lang),
    ]
    out += ["", f"## {w('recommendations', lang)}", ""]
    out += [f"- {rec['text']}" for rec in report.recommendations(lang)]
    aging = report.diagnosis.aging
    out += ["", w("aging", lang).format(a=aging[7], b=aging[14], c=aging[30])]
    for dim, groups in report.diagnosis.breakdowns.items():
        heads = breakdown_heads(dim, lang)
        out += [
            "",
            f"## {DIMENSION_NAMES[dim][lang]}",
            "",
            "| " + " | ".join(heads) + " |",
            "|---|---:|---:|---:|---:|",
        ]
        for g in groups[:SHOWN]:
            cells = breakdown_row(dim, g, m.unit, lang)
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    records = report.records()
    out += [
        "",
        f"## {w('records', lang).format(n=len(records), total=fmt_count(report.diagnosis.bad_total))}",
        "",
    ]
    cols = _record_columns(records)
    if cols:
        heads = [field_name(c, lang) for c in [*cols, "file:row"]]
        out += ["| " + " | ".join(heads) + " |", "|" + "---|" * (len(cols) + 1)]
        for r in records:
            cells = [_short(c, r[c], lang) for c in cols] + [f"{r['file']}:{r['row']}"]
            out.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return "\n".join([*out, "", t("estimate", lang), ""])


# ---------------------------------------------------------------- export

#: a cell starting with one of these would run as a formula in Excel / WPS
FORMULA_START = ("=", "+", "-", "@")


def _tables(report: Any, lang: str) -> list[tuple[str, list[str], list[list[Any]]]]:
    """(sheet name, header, rows) of every breakdown and of the records: what the export holds."""
    out = []
    heads = ["key", "label", "events", "bad", "value", "share"]
    for dim, groups in report.diagnosis.breakdowns.items():
        rows = [[g.key, g.label, g.events, g.bad, g.value, g.share] for g in groups]
        out.append(
            (
                DIMENSION_NAMES[dim][lang],
                [f"{DIMENSION_NAMES[dim][lang]} ({h})" if h == "key" else h for h in heads],
                rows,
            )
        )
    records = report.records()
    cols = list(records[0]) if records else ["file", "row"]
    out.append(("记录" if lang == "zh" else "records", cols, [[r[c] for c in cols] for r in records]))
    return out


def _width(values: list[Any]) -> int:
    return min(60, max((cell_len(_field(v)) for v in values), default=4) + 2)


def write_xlsx(report: Any, path: Path, lang: str) -> None:
    """The breakdowns and records as a workbook: a sheet each, bold header, frozen first
    row, widths that fit Chinese text, ids as text and no cell read as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    summary = [
        [report.shop, report.profile.id, report.as_of.isoformat()],
        [report.metric.id, _metric_line(report, lang)],
        *[[rec["text"]] for rec in report.recommendations(lang)],
    ]
    sheet.title = "概览" if lang == "zh" else "summary"
    for row in summary:
        sheet.append(row)
    sheet.column_dimensions["A"].width = 40
    for title, header, rows in _tables(report, lang):
        ws = book.create_sheet(title[:31])
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                cell = ws.cell(r, c)
                if isinstance(value, str):
                    cell.value = value
                    cell.data_type = "s"  # ids stay text; "=…" stays text, never a formula
                    cell.number_format = "@"
                    if value.startswith(FORMULA_START):
                        cell.quotePrefix = True
                else:
                    cell.value = value
        ws.freeze_panes = "A2"
        for c, head in enumerate(header, start=1):
            ws.column_dimensions[get_column_letter(c)].width = _width([head, *(row[c - 1] for row in rows)])
    book.save(path)


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value  # Excel would run it as a formula
    return value


def write_csv(report: Any, path: Path, lang: str) -> list[Path]:
    """The records to ``path`` and each breakdown beside it (``<name>-<dimension>.csv``), in
    UTF-8 with a BOM so Excel reads the Chinese. Returns the files written."""
    written = []
    tables = _tables(report, lang)
    dims = list(report.diagnosis.breakdowns)
    for (_, header, rows), dim in zip(tables, [*dims, None], strict=True):
        target = path if dim is None else path.with_name(f"{path.stem}-{dim}{path.suffix}")
        with target.open("w", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(header)
            out.writerows([[_csv_cell(v) for v in row] for row in rows])
        written.append(target)
    return written
