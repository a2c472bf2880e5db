"""Terminal and Markdown output of `trend`, `forecast` and `target`: a chart of the
composite with the threshold lines (plotext), then the days and numbers behind it."""

from __future__ import annotations

import sys
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from shopscore.engine.metrics import REGISTRY
from shopscore.report.texts import SERIES_TEXT, fmt_score, fmt_value, name, small_shop_words, status_text, t

#: rows of day tables before they are thinned to one row a week
MAX_ROWS = 16


def s(key: str, lang: str) -> str:
    return SERIES_TEXT[key][lang]


def _metric_name(mid: str, lang: str) -> str:
    return REGISTRY[mid].name(lang)


def chart(report: Any, width: int, encoding: str | None = None) -> str:
    """The composite per day with each composite threshold as a line, as plain text."""
    import plotext as plt

    days = [c for c in report.days if c.score is not None]
    if len(days) < 2:
        return ""
    enc = (encoding or getattr(sys.stdout, "encoding", None) or "utf-8").lower()
    marker = "braille" if "utf" in enc else "*"
    plt.clear_figure()
    plt.theme("clear")
    plt.date_form("Y-m-d")
    plt.plotsize(max(40, min(width, 100)), 14)
    plt.plot([c.as_of.isoformat() for c in days], [c.score for c in days], marker=marker)
    lows = [c.score for c in days]
    for th in report.profile.thresholds:
        if th.applies_to == "composite" and min(lows) - 0.5 <= th.bound <= max(lows) + 0.5:
            plt.hline(th.bound)
    plt.xticks(
        [days[0].as_of.isoformat(), days[len(days) // 2].as_of.isoformat(), days[-1].as_of.isoformat()]
    )
    text: str = plt.uncolorize(plt.build())
    try:
        "─│┌".encode(enc)
    except (UnicodeEncodeError, LookupError):  # an ASCII console: draw the frame in ASCII
        text = text.translate(_ASCII_FRAME)
    return text


_ASCII_FRAME = str.maketrans({"─": "-", "│": "|", **dict.fromkeys("┌┐└┘├┤┬┴┼", "+")})


def _thin(cards: list[Any]) -> list[Any]:
    """At most MAX_ROWS days: every k-th day counted back from the last."""
    if len(cards) <= MAX_ROWS:
        return cards
    step = -(-len(cards) // MAX_ROWS)
    return cards[::-1][::step][::-1]


def _head(report: Any, title: str, lang: str) -> Text:
    head = Text()
    head.append(f"{report.shop}", style="bold")
    head.append(f"  ·  {report.profile.name(lang)}  ·  {t('as_of', lang)} {report.as_of.isoformat()}\n")
    head.append(title, style="bold")
    return head


def _day_table(report: Any, cards: list[Any], lang: str, leaving: bool = False) -> Table:
    d = report.profile.decimals
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column(s("date", lang))
    table.add_column(t("score", lang), justify="right")
    table.add_column(s("change", lang), justify="right")
    for dim in report.profile.dimensions.values():
        table.add_column(name(dim, lang), justify="right")
    if leaving:
        table.add_column(s("leaving", lang))
    index = {c.as_of: i for i, c in enumerate(report.days)}
    before = report.today.score if report.today is not None else None
    for c in cards:  # the change since the row above (the forecast's first: since today)
        i = index[c.as_of]
        change = "" if c.score is None or before is None else f"{c.score - before:+.{d}f}"
        before = c.score
        score = fmt_score(c.score, d) if c.score is not None else status_text(c.status, lang)
        dims = {x.id: x.score for x in c.dimensions}
        row = [
            c.as_of.isoformat(),
            score,
            change,
            *(fmt_score(dims.get(k), d) for k in report.profile.dimensions),
        ]
        if leaving:
            gone = [(mid, n[i]) for mid, n in report.leaving.items() if n[i]]
            row.append(", ".join(f"{_metric_name(mid, lang)} {n}" for mid, n in gone))
        table.add_row(*row)
    return table


def movers(report: Any, most: int = 3) -> tuple[Any, Any, list[tuple[Any, Any, float]]] | None:
    """(first scored day, last scored day, [(metric then, metric now, change in points lost)])
    for the metrics whose points lost changed most between the two: what moved the score."""
    scored = [c for c in report.days if c.status == "scored"]
    if len(scored) < 2:
        return None
    first, last = scored[0], scored[-1]
    before = {m.id: m for m in first.metrics}
    moves = []
    for m in last.metrics:
        a, b = before[m.id].points_lost, m.points_lost
        if a is not None and b is not None and abs(b - a) > 1e-9:
            moves.append((before[m.id], m, b - a))
    moves.sort(key=lambda x: -abs(x[2]))
    return first, last, moves[:most]


def _mover_lines(report: Any, lang: str) -> list[str]:
    found = movers(report)
    if found is None or not found[2]:
        return []
    first, last, moves = found
    d = report.profile.decimals
    head = s("moved", lang).format(
        first=first.as_of.isoformat(),
        last=last.as_of.isoformat(),
        a=fmt_score(first.score, d),
        b=fmt_score(last.score, d),
    )
    lines = [head]
    for then, now, change in moves:
        unit = REGISTRY[now.id].unit
        lines.append(
            f"{_metric_name(now.id, lang)}: {fmt_value(then.value, unit)} → {fmt_value(now.value, unit)}"
            f" ({s('lost_change', lang)} {change:+.{d + 1}f})"
        )
    return lines


def render_trend(report: Any, console: Console, lang: str) -> None:
    console.print(_head(report, s("trend", lang).format(n=len(report.days)), lang))
    picture = chart(report, console.width, console.encoding)
    if picture:
        console.print(Text(picture))
    console.print(_day_table(report, _thin(list(report.days)), lang))
    lines = _mover_lines(report, lang)
    for i, line in enumerate(lines):
        console.print(Text(line if i == 0 else f"  {line}", style="bold" if i == 0 else ""))
    console.print(Text(t("estimate", lang), style="dim"))


def _crossing_lines(report: Any, lang: str) -> list[str]:
    ths = {th.id: th for th in report.profile.thresholds}
    lines = []
    for c in report.crossings:
        th = ths[c.threshold]
        lines.append(f"{c.date.isoformat()}  {s(c.direction, lang)}  {name(th, lang)} ({th.bound:g})")
    return lines


def render_forecast(report: Any, console: Console, lang: str) -> None:
    console.print(_head(report, s("forecast", lang).format(n=len(report.days)), lang))
    console.print(Text(s(report.assume, lang), style="dim"))
    picture = chart(report, console.width, console.encoding)
    if picture:
        console.print(Text(picture))
    console.print(Text(s("crossings", lang), style="bold"))
    for line in _crossing_lines(report, lang) or [s("no_crossings", lang)]:
        console.print(Text(f"  {line}"))
    moving = [c for i, c in enumerate(report.days) if any(n[i] for n in report.leaving.values())]
    if moving:
        console.print(_day_table(report, moving[:MAX_ROWS], lang, leaving=True))
    else:
        console.print(Text(s("no_leaving", lang), style="dim"))
    console.print(Text(t("estimate", lang), style="dim"))


def fmt_needed(value: float, unit: str, direction: str) -> str:
    """A needed value as shown, rounded to the better side at the shown precision, so that
    typing the shown figure into `whatif` reaches the target too."""
    from shopscore.engine.whatif import round_better

    step = {"ratio": 1e-4, "h": 0.1, "s": 1.0}.get(unit, 0.01)  # 0.01 %, 0.1 h, 1 s, 0.01
    return fmt_value(round_better(value, step, direction), unit)


def _need_cells(report: Any, n: Any, lang: str) -> list[str]:
    metric = REGISTRY[n.id]
    unit = metric.unit
    if n.needed is not None:
        needed = fmt_needed(n.needed, unit, metric.direction)
    else:
        needed = s(n.reason or "unreachable", lang)
    events = "" if n.events is None else f"{n.events:+d}"
    return [_metric_name(n.id, lang), fmt_value(n.value, unit), needed, events]


def render_target(report: Any, console: Console, lang: str) -> None:
    d = report.profile.decimals
    title = s("target", lang).format(goal=f"{report.target:g}", score=fmt_score(report.today.score, d))
    if report.today.score is None:
        title += f" ({status_text(report.today.status, lang)})"
    console.print(_head(report, title, lang))
    if report.today.score is not None and report.today.score >= report.target:
        console.print(Text(s("reached", lang), style="green"))
    table = Table(box=box.SIMPLE_HEAD)
    for col, right in (("metric", False), ("value", True), ("needed", True), ("events", True)):
        table.add_column(
            t(col, lang) if col in ("metric", "value") else s(col, lang), justify="right" if right else "left"
        )
    for n in report.needs:
        table.add_row(*_need_cells(report, n, lang))
    console.print(table)
    console.print(Text(s("combination", lang), style="bold"))
    if report.combination is None:
        console.print(Text(f"  {s('no_combination', lang)}", style="yellow"))
    if _small_shop_line(report, lang):
        console.print(Text(_small_shop_line(report, lang), style="yellow"))
    for n in report.combination or ():
        metric, value, needed, events = _need_cells(report, n, lang)
        console.print(Text(f"  {metric}: {value} → {needed}" + (f" ({events})" if events else "")))
    console.print(Text(t("estimate", lang), style="dim"))


# ---------------------------------------------------------------- Markdown


def _md_days(report: Any, cards: list[Any], lang: str, leaving: bool = False) -> list[str]:
    d = report.profile.decimals
    dims = list(report.profile.dimensions.values())
    heads = [s("date", lang), t("score", lang), *(name(x, lang) for x in dims)]
    if leaving:
        heads.append(s("leaving", lang))
    out = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    index = {c.as_of: i for i, c in enumerate(report.days)}
    for c in cards:
        scores = {x.id: x.score for x in c.dimensions}
        row = [c.as_of.isoformat(), fmt_score(c.score, d), *(fmt_score(scores.get(x.id), d) for x in dims)]
        if leaving:
            i = index[c.as_of]
            row.append(
                ", ".join(f"{_metric_name(m, lang)} {n[i]}" for m, n in report.leaving.items() if n[i])
            )
        out.append("| " + " | ".join(row) + " |")
    return out


def markdown_trend(report: Any, lang: str) -> str:
    out = [f"# {report.shop}: {s('trend', lang).format(n=len(report.days))}", ""]
    out += _md_days(report, _thin(list(report.days)), lang)
    lines = _mover_lines(report, lang)
    if lines:
        out += ["", lines[0], "", *(f"- {line}" for line in lines[1:])]
    return "\n".join([*out, "", t("estimate", lang), ""])


def markdown_forecast(report: Any, lang: str) -> str:
    out = [
        f"# {report.shop}: {s('forecast', lang).format(n=len(report.days))}",
        "",
        s(report.assume, lang),
        "",
    ]
    out += [f"## {s('crossings', lang)}", ""]
    out += [f"- {line}" for line in _crossing_lines(report, lang)] or [s("no_crossings", lang)]
    moving = [c for i, c in enumerate(report.days) if any(n[i] for n in report.leaving.values())]
    out += ["", f"## {s('leaving', lang)}", ""]
    out += _md_days(report, moving, lang, leaving=True) if moving else [s("no_leaving", lang)]
    return "\n".join([*out, "", t("estimate", lang), ""])


def _small_shop_line(report: Any, lang: str) -> str:
    """Why some metrics cannot lift the score: the small-shop rule fixes them (SPEC §4b)."""
    small = report.profile.small_shop
    fixed = [m for m in report.today.metrics if getattr(m, "small_shop", False)]
    if small is None or not fixed:
        return ""
    names = "、" if lang == "zh" else ", "
    listed = names.join(_metric_name(m.id, lang) for m in fixed)
    return s("small_shop_cap", lang).format(metrics=listed, **small_shop_words(small))


def markdown_target(report: Any, lang: str) -> str:
    d = report.profile.decimals
    title = s("target", lang).format(goal=f"{report.target:g}", score=fmt_score(report.today.score, d))
    heads = [t("metric", lang), t("value", lang), s("needed", lang), s("events", lang)]
    out = [f"# {report.shop}: {title}", "", "| " + " | ".join(heads) + " |", "|---|---:|---:|---:|"]
    out += ["| " + " | ".join(_need_cells(report, n, lang)) + " |" for n in report.needs]
    out += ["", f"## {s('combination', lang)}", ""]
    if report.combination is None:
        out.append(s("no_combination", lang))
    if _small_shop_line(report, lang):
        out += ["", _small_shop_line(report, lang)]
    for n in report.combination or ():
        metric, value, needed, events = _need_cells(report, n, lang)
        out.append(f"- {metric}: {value} → {needed}" + (f" ({events})" if events else ""))
    return "\n".join([*out, "", t("estimate", lang), ""])
