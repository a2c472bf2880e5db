"""`summary`: one compact block per shop for a cron job's mail or a group chat — score and
change since the previous run, thresholds crossed, what costs most, the next crossing the
forecast sees, coverage and data problems; several shops worst first under an overview."""

from __future__ import annotations

from typing import Any

from shopscore.report.texts import fmt_score, status_text

WORDS: dict[str, dict[str, str]] = {
    "overview": {
        "zh": "{n} 家店铺 · 最低 {low}（{shop}）· {below} 家未达 {bound}",
        "en": "{n} shops · lowest {low} ({shop}) · {below} below {bound}",
    },
    "since": {"zh": "较 {day} {delta}", "en": "{delta} since {day}"},
    "first": {"zh": "无更早记录", "en": "no earlier run recorded"},
    "failed": {"zh": "未达标", "en": "Failing"},
    "crossed_up": {"zh": "新达标", "en": "Now passing"},
    "crossed_down": {"zh": "新跌破", "en": "Newly failing"},
    "key": {"zh": "重点机会", "en": "Key opportunity"},
    "lost": {"zh": "失分", "en": "points lost"},
    "next_down": {
        "zh": "预测 {date} 跌破 {label}（{bound}）",
        "en": "Forecast: {label} ({bound}) fails on {date}",
    },
    "next_up": {
        "zh": "预测 {date} 达到 {label}（{bound}）",
        "en": "Forecast: {label} ({bound}) passes on {date}",
    },
    "coverage": {"zh": "评分覆盖 {share} 权重", "en": "score rests on {share} of the weight"},
    "problems": {
        "zh": "数据问题：拒绝 {rows} 行，{n} 个问题",
        "en": "Data problems: {rows} rows rejected, {n} problems",
    },
    "error": {"zh": "无法评分", "en": "cannot be scored"},
    "estimate": {"zh": "估算值，仅供参考", "en": "Estimates"},
}


def w(key: str, lang: str) -> str:
    return WORDS[key][lang]


def _label(obj: dict[str, Any], lang: str) -> str:
    return str(obj["label"][lang])


def block(s: Any, lang: str, markdown: bool) -> str:
    """One shop's block: a headline and a few lines."""
    r = s.result
    d = r.profile.decimals
    bold = (lambda x: f"**{x}**") if markdown else (lambda x: x)
    if r.status == "error":
        return f"{bold(r.shop)}: {w('error', lang)} — {r.error}"
    head = (
        f"{bold(r.shop)}  {fmt_score(r.score, d)}"
        if r.score is not None
        else f"{bold(r.shop)}  {status_text(r.status, lang)}"
    )
    if s.previous is not None and s.delta is not None:
        head += "  " + w("since", lang).format(day=s.previous.as_of.isoformat(), delta=f"{s.delta:+.{d}f}")
    elif s.previous is None:
        head += f"  ({w('first', lang)})"
    head += f"  · {r.as_of.isoformat() if r.as_of else ''}"
    lines = [head]
    failed = [t for t in r.thresholds if t.passed is False]
    if failed:
        names = ("、" if lang == "zh" else ", ").join(
            f"{t.zh if lang == 'zh' else t.en} ({t.bound:g})" for t in failed[:3]
        )
        lines.append(f"{w('failed', lang)}: {names}")
    for c in s.crossed:
        key = "crossed_up" if c["direction"] == "up" else "crossed_down"
        lines.append(f"{w(key, lang)}: {_label(c, lang)}")
    if s.key_opportunity:
        k = s.key_opportunity
        lines.append(f"{w('key', lang)}: {_label(k, lang)} ({w('lost', lang)} {k['points_lost']:.3f})")
    if s.next_crossing:
        c = s.next_crossing
        bound = next(t.bound for t in r.profile.thresholds if t.id == c["threshold"])
        key = "next_down" if c["direction"] == "down" else "next_up"
        lines.append(w(key, lang).format(date=c["date"], label=_label(c, lang), bound=f"{bound:g}"))
    if r.coverage and r.coverage.measured_weight < 0.999:
        lines.append(w("coverage", lang).format(share=f"{r.coverage.measured_weight * 100:.0f}%"))
    problems = s.problems()
    if problems["rejected_rows"] or problems["problems"]:
        lines.append(w("problems", lang).format(rows=problems["rejected_rows"], n=problems["problems"]))
    return "\n".join(lines)


def overview(summaries: list[Any], lang: str, bound: float | None) -> str:
    scored = [s for s in summaries if s.result.score is not None]
    if not scored:
        return f"{len(summaries)}"
    low = min(scored, key=lambda s: s.result.score)
    prof = low.result.profile
    line_bound = bound if bound is not None else max((t.bound for t in prof.thresholds), default=0.0)
    below = sum(1 for s in scored if s.result.score < line_bound - 1e-9)
    return w("overview", lang).format(
        n=len(summaries),
        low=fmt_score(low.result.score, prof.decimals),
        shop=low.result.shop,
        below=below,
        bound=f"{line_bound:g}",
    )


def blocks(summaries: list[Any], lang: str, markdown: bool, bound: float | None) -> list[str]:
    """The overview (several shops) and one block per shop, worst first."""
    out = [block(s, lang, markdown) for s in summaries]
    if len(summaries) > 1:
        out.insert(0, overview(summaries, lang, bound))
    return out
