"""User-facing words in zh and en, and value formatting shared by every renderer."""

from __future__ import annotations

from typing import Any

TEXT: dict[str, dict[str, str]] = {
    "shop": {"zh": "店铺", "en": "Shop"},
    "profile": {"zh": "规则", "en": "Profile"},
    "as_of": {"zh": "截至", "en": "As of"},
    "score": {"zh": "体验分", "en": "Score"},
    "status": {"zh": "状态", "en": "Status"},
    "estimate": {
        "zh": "估算值：平台未公布同行基准，评分曲线为 shopscore 的估计，与后台数值可能不同。",
        "en": "Estimate: the platform does not publish its peer benchmarks; the scoring curves "
        "are shopscore's estimates and may differ from the backend figure.",
    },
    "thresholds": {"zh": "门槛", "en": "Thresholds"},
    "threshold": {"zh": "门槛", "en": "Threshold"},
    "bound": {"zh": "分数线", "en": "Bound"},
    "passed": {"zh": "达标", "en": "Passed"},
    "distance": {"zh": "差距", "en": "Distance"},
    "dimensions": {"zh": "维度", "en": "Dimensions"},
    "dimension": {"zh": "维度", "en": "Dimension"},
    "weight": {"zh": "权重", "en": "Weight"},
    "metrics": {"zh": "指标", "en": "Metrics"},
    "metric": {"zh": "指标", "en": "Metric"},
    "value": {"zh": "数值", "en": "Value"},
    "window": {"zh": "考核期", "en": "Window"},
    "sample": {"zh": "样本", "en": "Sample"},
    "points_lost": {"zh": "失分", "en": "Lost"},
    "tag": {"zh": "标签", "en": "Tag"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "load": {"zh": "数据读取", "en": "Data read"},
    "file": {"zh": "文件", "en": "File"},
    "dataset": {"zh": "数据集", "en": "Dataset"},
    "rows_read": {"zh": "读取", "en": "Read"},
    "rows_kept": {"zh": "保留", "en": "Kept"},
    "duplicates": {"zh": "重复", "en": "Dupl."},
    "conflicts": {"zh": "冲突", "en": "Confl."},
    "rejected": {"zh": "拒绝", "en": "Rejected"},
    "date_range": {"zh": "日期范围", "en": "Dates"},
    "unmapped": {"zh": "未识别列", "en": "Unmapped columns"},
    "problems": {"zh": "问题", "en": "Problems"},
    "skipped": {"zh": "已跳过", "en": "Skipped"},
    "orphans": {"zh": "未匹配订单", "en": "Orphans (no matching order)"},
    "unknown_reasons": {
        "zh": "未归类售后原因（计入“其他”类）",
        "en": "Unknown after-sales reasons (grouped as other)",
    },
    "needs": {"zh": "所需数据", "en": "What each metric needs"},
    "summary": {"zh": "各店铺", "en": "Shops"},
    "clears": {"zh": "已达到的最高门槛", "en": "Highest threshold cleared"},
    "fix_first": {"zh": "先改这里", "en": "Fix first"},
    "legend": {
        "zh": "标签：重点机会 = 失分最多的指标；待改进 = 低于 {attention:g}；优秀 = 不低于 {good:g}；"
        "仅诊断 = 只展示、不计入总分；失分 = 该指标让总分少得的分数。",
        "en": "Tags: key opportunity = the metric losing most points; needs attention = below "
        "{attention:g}; good = from {good:g}; diagnostic = shown, not in the score; lost = the "
        "points this metric costs the composite.",
    },
    "next_down": {"zh": "下一道门槛（跌破风险）", "en": "Next one down"},
    "definition": {"zh": "定义", "en": "Definition"},
    "direction": {"zh": "方向", "en": "Better"},
    "lower": {"zh": "越低越好", "en": "lower"},
    "higher": {"zh": "越高越好", "en": "higher"},
    "min_sample": {"zh": "最小样本", "en": "Min. sample"},
    "eligibility": {"zh": "计分条件", "en": "Eligibility"},
    "approximate": {"zh": "近似", "en": "approximate"},
    "proxy": {"zh": "替代", "en": "proxy"},
    "layout": {"zh": "文件夹读法", "en": "folder read as"},
    "beside": {"zh": "不属于任何店铺的文件", "en": "files beside the shop folders"},
    "row": {"zh": "行", "en": "Row"},
    "column": {"zh": "列", "en": "Column"},
    "message": {"zh": "说明", "en": "Message"},
    "more_problems": {
        "zh": "… 另有 {n} 条（完整列表见 --format json）",
        "en": "… {n} more (see --format json)",
    },
    "files_count": {"zh": "{n} 个文件", "en": "{n} files"},
    "see_inspect": {"zh": "原因见 shopscore inspect", "en": "see shopscore inspect for why"},
    "id": {"zh": "编号", "en": "id"},
    "computable_approx": {"zh": "可计算（近似）", "en": "computable, approximate"},
    "preamble": {
        "zh": "表头在第 {row} 行，其上 {n} 行标题不是数据，已跳过",
        "en": "header on row {row}; the {n} title row(s) above it are not data and were skipped",
    },
    "enforcement": {"zh": "平台另行考核（不计入体验分）", "en": "Enforced apart from the score"},
    "figure": {"zh": "考核项", "en": "Figure"},
    "requires": {
        "zh": "且近{days}天{population}≥{min_orders}单，当前 {count} 单",
        "en": "and ≥ {min_orders} {population} in {days} days (now {count})",
    },
}

STATUS: dict[str, dict[str, str]] = {
    "scored": {"zh": "已计分", "en": "scored"},
    "diagnostic": {"zh": "仅诊断", "en": "diagnostic"},
    "insufficient": {"zh": "样本不足", "en": "insufficient data"},
    "no-data": {"zh": "无数据", "en": "no data"},
    "insufficient-data": {"zh": "订单量不足，暂不计分", "en": "not enough orders to score"},
    "growth-stage": {"zh": "成长期", "en": "growth stage"},
    "error": {"zh": "无法读取", "en": "could not be read"},
}

TAGS: dict[str, dict[str, str]] = {
    "key-opportunity": {"zh": "重点机会", "en": "key opportunity"},
    "needs-attention": {"zh": "待改进", "en": "needs attention"},
    "good": {"zh": "优秀", "en": "good"},
}

#: what stands in for a missing column, and which export gives the exact figure
# One-line notes printed under a metric (and by `inspect`): what stood in, what to add.
PROXY_HINTS: dict[str, dict[str, str]] = {
    "shipped_at": {
        "zh": "按发货时间计（无揽收时间，实际只会更低）；补包裹明细",
        "en": "on ship time, no pickup time (real rate lower); add 包裹明细",
    },
    "completed_at": {
        "zh": "以订单完成时间代替签收时间；补：包裹明细导出",
        "en": "completion time stands in for delivery; add 包裹明细",
    },
    "created_at": {
        "zh": "以订单提交时间代替支付时间；导出时勾选“支付完成时间”",
        "en": "order time stands in for payment; export 支付完成时间",
    },
}
#: a deadline a profile's business-day rule stood in for (SPEC §5), e.g.
#: ``created_at + 6 business days``: said with the column's name in the output's language
RULE_PROXY = {
    "zh": "无导出的期限：按{start}后第 {n} 个工作日结束计（跳过周末和节假日）",
    "en": "no deadline exported: the end of business day {n} after {start} (weekends, holidays skipped)",
}
START_NAMES = {
    "created_at": {"zh": "下单时间", "en": "the order time"},
    "paid_at": {"zh": "支付时间", "en": "the payment time"},
}


def proxy_hint(proxy: str, lang: str) -> str:
    """One line on what stood in for a column the rule names."""
    if proxy in PROXY_HINTS:
        return PROXY_HINTS[proxy][lang]
    start, _, rest = proxy.partition(" + ")
    if rest.endswith(" business days") and rest.split()[0].isdigit():
        where = START_NAMES.get(start, {}).get(lang, start)
        return RULE_PROXY[lang].format(start=where, n=rest.split()[0])
    return f"{t('proxy', lang)}: {proxy}"


NO_DATA_HINTS: dict[str, dict[str, str]] = {
    "orders.delivered_at": {
        "zh": "缺签收时间：补包裹明细导出",
        "en": "needs delivery times: add the 包裹明细 export",
    },
    "im_sessions.first_reply_seconds|im_sessions.first_reply_at|im_daily.reply_3min_rate": {
        "zh": "缺首次响应时长：补飞鸽会话明细或客服数据",
        "en": "needs reply times: 飞鸽 sessions or daily data",
    },
    "im_sessions.rating|im_daily.dissatisfaction_rate|im_daily.dissatisfied": {
        "zh": "缺满意度评价：补飞鸽会话明细或客服数据",
        "en": "needs ratings: 飞鸽 sessions or daily data",
    },
    "orders.picked_up_at|orders.shipped_at": {
        "zh": "缺揽收/发货时间：补包裹明细，或订单导出勾选发货时间",
        "en": "needs pickup/ship times: add 包裹明细 or 发货时间",
    },
    "orders.delivered_at|orders.completed_at": {
        "zh": "缺签收/完成时间：补包裹明细导出",
        "en": "needs delivery times: add the 包裹明细 export",
    },
    "complaints": {"zh": "缺投诉记录导出", "en": "needs the complaints export"},
    "reviews": {"zh": "缺评价导出", "en": "needs the review export"},
    "after_sales.reason|after_sales.reason_tag": {
        "zh": "缺售后原因：补含售后原因的售后导出",
        "en": "needs the after-sales export with 售后原因",
    },
    "after_sales.merchant_responsible": {
        "zh": "缺“纠纷责任方/是否商责”列：补售后导出",
        "en": "needs 纠纷责任方 / 是否商责 in the after-sales export",
    },
    "after_sales.completed_at": {
        "zh": "缺“售后完结时间”列：补售后导出",
        "en": "needs 售后完结时间 in the after-sales export",
    },
    "orders": {"zh": "缺订单导出", "en": "needs the order export"},
    "after_sales": {"zh": "缺售后导出", "en": "needs the after-sales export"},
    "after_sales.decided_at": {
        "zh": "缺“审核时间/处理时间”列：补售后导出",
        "en": "needs the review (审核) time in the after-sales export",
    },
    "waybill_limits": {
        "zh": "平台内部线路时效，导出数据无法计算；可用 whatif --set waybill-on-time-rate=后台数值 代入",
        "en": "depends on the platform's internal route limits, in no export: put your backend "
        "page's value in with whatif --set waybill-on-time-rate=VALUE",
    },
    "orders.cancel_by": {
        "zh": "缺取消方列：补含取消方的订单导出",
        "en": "needs Cancel By in the order export",
    },
    "orders.shipped_at": {
        "zh": "缺发货时间列：补含发货时间的订单导出",
        "en": "needs the dispatch time (RTS Time) in the order export",
    },
    "im_sessions.rating": {
        "zh": "缺会话满意度评价：补客服会话导出",
        "en": "needs chat ratings: add the chat export",
    },
    "im_sessions.first_reply_seconds|im_sessions.first_reply_at|im_daily.avg_reply_seconds": {
        "zh": "缺响应时长：补飞鸽会话明细或客服数据",
        "en": "needs reply times: 飞鸽 sessions or daily data",
    },
}
NOTES: dict[str, dict[str, str]] = {
    "im-daily": {
        "zh": "近似值：飞鸽客服每日汇总数据；补会话明细导出可得准确值",
        "en": "approximate: 飞鸽 daily totals; add the session export",
    },
    "im-daily-undated": {
        "zh": "客服数据无日期列：按导出期间计",
        "en": "daily data without dates: taken as the exported period",
    },
    "im-daily-no-column": {
        "zh": "飞鸽客服数据缺少该指标所需的列",
        "en": "the 飞鸽 daily data lacks the column this metric needs",
    },
    "approximate": {
        "zh": "近似值：可选数据缺失，按无计",
        "en": "approximate: an optional export is missing",
    },
    "first-reply-only": {
        "zh": "近似值：平台按每轮响应计，导出只有首次响应",
        "en": "approximate: the platform times every turn; exports hold the first reply",
    },
    "small-shop-advice": {
        "zh": "小店规则下该指标固定 {score:g} 分：近{days}天有效支付订单达到 {orders} 单后按实际表现计分，"
        "届时负向事件少的指标可得更高分。",
        "en": "The small-shop rule fixes this metric at {score:g}: from {orders} valid paid orders in {days} "
        "days it is scored on its value, and a metric with few bad events can score higher.",
    },
    "small-shop": {
        "zh": "小店规则：近{days}天有效支付订单不足{orders}单且负向事件≤{bad:g}，固定{score:g}分",
        "en": "small-shop rule: under {orders} valid paid orders and ≤ {bad:g} bad events: fixed {score:g}",
    },
}


#: the datasets as the 抖店 backend's exports are called (SPEC §1)
DATASET_NAMES: dict[str, dict[str, str]] = {
    "orders": {"zh": "订单", "en": "orders"},
    "shipments": {"zh": "物流包裹", "en": "shipments"},
    "reviews": {"zh": "评价", "en": "reviews"},
    "im_sessions": {"zh": "飞鸽会话", "en": "IM sessions"},
    "im_daily": {"zh": "飞鸽客服数据", "en": "IM daily data"},
    "after_sales": {"zh": "售后", "en": "after-sales"},
    "complaints": {"zh": "投诉", "en": "complaints"},
}

#: the populations a profile's eligibility counts (engine/metrics.py POPULATIONS)
POPULATION_NAMES: dict[str, dict[str, str]] = {
    "delivered-orders": {"zh": "签收订单", "en": "delivered orders"},
    "paid-orders": {"zh": "支付订单", "en": "paid orders"},
}

#: the after-sales reason groups of the profiles' [rules.reason_groups], and `other`
REASON_GROUP_NAMES: dict[str, dict[str, str]] = {
    "quality": {"zh": "品质", "en": "quality"},
    "logistics": {"zh": "物流", "en": "logistics"},
    "buyer": {"zh": "买家原因", "en": "buyer"},
    "other": {"zh": "其他", "en": "other"},
}

#: the fields of diagnose's bad records (the canonical columns; en shows the field id)
FIELD_NAMES: dict[str, str] = {
    "time": "时间",
    "session_id": "会话ID",
    "review_id": "评价ID",
    "after_sale_id": "售后单号",
    "complaint_id": "投诉单号",
    "order_id": "订单号",
    "agent": "客服",
    "carrier": "快递",
    "product": "商品ID",
    "product_name": "商品名称",
    "reason": "原因",
    "rating": "评分",
    "product_rating": "商品评分",
    "reply_seconds": "首次响应（秒）",
    "pickup_time": "揽收时间",
    "pickup_deadline": "揽收截止时间",
    "hours_late": "超时（小时）",
    "value": "数值",
    "content": "评价内容",
    "file:row": "文件:行",
}


def field_name(field: str, lang: str) -> str:
    """A record field's column heading."""
    return FIELD_NAMES.get(field, field) if lang == "zh" else field


def population_name(population: str, lang: str) -> str:
    return POPULATION_NAMES.get(population, {}).get(lang, population)


def reason_group_name(group: str, lang: str) -> str:
    return REASON_GROUP_NAMES.get(group, {}).get(lang, group)


COVERAGE_TEXT: dict[str, dict[str, str]] = {
    "metric": {
        "zh": "只覆盖 {days}/{length} 天（{dataset}数据自 {first} 起）",
        "en": "covers {days}/{length} days ({dataset} data from {first})",
    },
    "measured": {
        "zh": "评分仅基于 {scored}/{weighted} 项计分指标（占权重 {share:.0%}）；"
        "缺少的导出见 shopscore inspect",
        "en": "the score rests on {scored} of {weighted} weighted metrics ({share:.0%} of the weight); "
        "see shopscore inspect for the missing exports",
    },
    "negative": {
        "zh": "{n} 条记录的时长为负（如签收早于付款），属数据错误，未计入",
        "en": "{n} row(s) with a negative duration (e.g. delivered before paid) left out as data errors",
    },
    "clipped": {
        "zh": "{dataset}数据从 {first} 才开始：{n} 项指标的窗口只覆盖其中的天数，数值仅代表这段时间",
        "en": "the {dataset} data starts {first}: {n} metric window(s) cover only the days since",
    },
    "late": {
        "zh": "{dataset}数据从 {first} 开始，比订单晚 {days} 天：这份导出的时间段是否选短了？",
        "en": "the {dataset} data starts {first}, {days} days after the orders: was that export's "
        "period shorter?",
    },
}


LAYOUT_TEXT: dict[str, dict[str, str]] = {
    "one": {"zh": "一个店铺", "en": "one shop"},
    "each": {"zh": "每个子文件夹一个店铺", "en": "one shop per sub-folder"},
    "with": {"zh": "（含子文件夹 {folders}）", "en": " (with its sub-folders {folders})"},
    "option": {"zh": "：按 --shops 指定", "en": ": as --shops says"},
    "one-file": {"zh": "：单个文件", "en": ": one file"},
    "no-sub-folders": {"zh": "", "en": ""},
    "same-or-disjoint": {
        "zh": "：各子文件夹的订单时间不重叠或为同一批订单（同一店铺分段导出）；如是多个店铺请用 --shops each",
        "en": ": the sub-folders' orders cover disjoint periods or the same orders (one shop "
        "exported in parts); --shops each scores them apart",
    },
    "one-holds-orders": {
        "zh": "：不到两个子文件夹有订单；如是多个店铺请用 --shops each",
        "en": ": fewer than two sub-folders hold orders; --shops each scores them apart",
    },
    "different-orders": {
        "zh": "：{a} 与 {b} 同一时段的订单不同（代运营文件夹）；如是一个店铺请用 --shops one",
        "en": ": {a} and {b} hold different orders over the same period (an agency folder); "
        "--shops one reads them as one shop",
    },
}


def layout_text(layout: Any, lang: str) -> str:
    """How the folder was read, in one line."""
    if layout is None:
        return ""
    out = LAYOUT_TEXT[layout.mode][lang]
    if layout.mode == "one" and layout.sub_folders:
        out += LAYOUT_TEXT["with"][lang].format(folders=", ".join(layout.sub_folders))
    a, b = layout.pair or ("", "")
    return out + LAYOUT_TEXT[layout.why][lang].format(a=a, b=b)


def dataset_name(dataset: str, lang: str) -> str:
    return DATASET_NAMES.get(dataset, {}).get(lang, dataset)


def orphan_counts(orphans: dict[str, int], lang: str) -> str:
    """``after_sales 2`` as ``售后 2``: the rows per dataset whose order is not in the orders."""
    return ", ".join(f"{dataset_name(k, lang)} {v}" for k, v in orphans.items())


def coverage_lines(cov: Any, lang: str, scored: bool = True) -> list[str]:
    """The shop-level coverage sentences: the share of weight scored (for a shop with a
    score), datasets starting late."""
    if cov is None:
        return []
    lines = []
    if scored and cov.measured_weight < 1 - 1e-9:
        lines.append(
            COVERAGE_TEXT["measured"][lang].format(
                scored=cov.scored, weighted=cov.weighted, share=cov.measured_weight
            )
        )
    for dataset, (first, n) in cov.clipped.items():
        lines.append(
            COVERAGE_TEXT["clipped"][lang].format(dataset=dataset_name(dataset, lang), first=first, n=n)
        )
    for dataset, first, orders_first in cov.late:
        lines.append(
            COVERAGE_TEXT["late"][lang].format(
                dataset=dataset_name(dataset, lang), first=first.isoformat(), days=(first - orders_first).days
            )
        )
    return lines


def standing(result: Any, lang: str) -> tuple[str, str, bool]:
    """(the highest threshold the score clears, the next one down it would fall to, whether
    any is failed) — so a 3.68 shop below the 4.0 精选联盟 line stands apart from a 4.42 one.
    Only thresholds on the composite's current value, highest bound first."""
    ths = sorted(
        (x for x in result.thresholds if x.applies_to == "composite" and x.statistic == "current"),
        key=lambda x: -x.bound,
    )
    judged = [x for x in ths if x.passed is not None]
    if not judged:
        return "—", "—", False
    cleared = next((x for x in judged if x.passed), None)
    below = [x for x in judged if x.bound < (cleared.bound if cleared else float("inf"))]
    nearest_below = next((x for x in below if x is not cleared), None)
    top = (
        f"✓ {name(cleared, lang)} ({cleared.bound:g})"
        if cleared
        else f"✗ {name(judged[-1], lang)} ({judged[-1].bound:g})"
    )
    down = f"{name(nearest_below, lang)} ({nearest_below.bound:g})" if nearest_below and cleared else "—"
    return top, down, any(x.passed is False for x in judged)


def name(obj: Any, lang: str) -> str:
    """An object's name in ``lang`` (thresholds and dimensions carry ``zh`` and ``en``)."""
    return str(obj.zh if lang == "zh" else obj.en)


def enforcement_rows(result: Any, lang: str) -> list[dict[str, str]]:
    """The figures enforced apart from the score (SPEC §5), one row each: label, value,
    window, sample, ✓/✗/— and its state (good, bad, none) — what every renderer shows."""
    rows = []
    for e in getattr(result, "enforcement", ()):
        m = e.metric
        state = "none" if e.passed is None else ("good" if e.passed else "bad")
        value = status_text(m.status, lang) if m.status == "no-data" else fmt_value(m.value, m.unit)
        rows.append(
            {
                "id": e.id,
                "label": name(e, lang),
                "value": value,
                "window": f"{m.window.first_day:%m-%d}…{m.window.last_day:%m-%d}",
                "sample": fmt_sample(m) if m.status != "no-data" else "—",
                "mark": {"none": "—", "good": "✓", "bad": "✗"}[state],
                "state": state,
                "notes": "; ".join(metric_notes(m, lang)),
            }
        )
    return rows


def t(key: str, lang: str) -> str:
    return TEXT[key][lang]


def status_text(status: str, lang: str) -> str:
    return STATUS.get(status, {}).get(lang, status)


def tag_text(tag: str | None, lang: str) -> str:
    return TAGS[tag][lang] if tag else ""


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ratio":
        return f"{value * 100:.2f}%"
    if unit == "h":
        return f"{value:.1f} h"
    if unit == "s":
        return f"{value:.0f} s"
    return f"{value:.2f}"


def fmt_num(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"


def fmt_sample(m: Any) -> str:
    """``hits/denominator`` for a rate, the row count for a mean; none for a value the
    backend page gave (its sample is the platform's)."""
    if getattr(m, "page_value", False):
        return "—"
    return f"{fmt_num(m.numerator)}/{fmt_num(m.denominator)}" if m.kind == "rate" else fmt_num(m.count)


def fmt_score(x: float | None, decimals: int = 2) -> str:
    return "—" if x is None else f"{x:.{decimals}f}"


def metric_notes(m: Any, lang: str, small: Any = None) -> list[str]:
    """One-line explanations under a metric: proxies, approximations, missing data, the
    small-shop rule (``small``: the profile's SmallShop)."""
    notes: list[str] = []
    if m.proxy:
        for p in m.proxy.split(", "):
            notes.append(proxy_hint(p, lang))
    for need in m.missing:
        notes.append(NO_DATA_HINTS.get(need, {}).get(lang, f"needs {need}"))
    for code in m.notes:
        notes.append(NOTES.get(code, {}).get(lang, code))
    if getattr(m, "left_out", 0):
        notes.append(COVERAGE_TEXT["negative"][lang].format(n=m.left_out))
    if m.covered_by and m.status != "no-data":
        days = round(m.coverage * m.window.length)
        notes.append(
            COVERAGE_TEXT["metric"][lang].format(
                dataset=dataset_name(m.covered_by, lang),
                first=f"{m.window.first_day:%m-%d}",
                days=days,
                length=m.window.length,
            )
        )
    if m.approximate and not m.notes:
        notes.append(NOTES["approximate"][lang])
    if getattr(m, "small_shop", False) and small is not None:
        notes.append(NOTES["small-shop"][lang].format(**small_shop_words(small)))
    if getattr(m, "whatif", False):
        notes.append(SERIES_TEXT["whatif_note"][lang])
    shown = page_note(m, lang)
    if shown:
        notes.append(shown)
    return notes


def display_line(result: Any, lang: str) -> str:
    """The figure buyers see (SPEC §4b) and the highest of its thresholds it clears; empty
    when the profile has no such figure or the shop no score."""
    d = result.profile.display
    if d is None or result.display is None:
        return ""
    text = f"{name(d, lang)}: {result.display:.{d.decimals}f} / {d.scale_max:g}"
    cleared = max((x for x in result.display_thresholds if x.passed), key=lambda x: x.bound, default=None)
    if cleared is not None:
        text += f" · ✓ {name(cleared, lang)} ({cleared.bound:g})"
    return text


def load_line(report: Any, lang: str) -> str:
    """The row accounting of a shop's exports in one line (files, read, kept, duplicates,
    conflicts, rejected, orphans, skipped), pointing to inspect when something was refused."""
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
    return line


def adjustments_line(result: Any, lang: str) -> str:
    """The bonus and deduction items included in the score (empty: none)."""
    adj = getattr(result, "adjustments_used", None)
    if not adj:
        return ""
    parts = [
        f"{ADJUST_TEXT['bonus'][lang]} {name(result.profile.dimensions[d], lang)} +{p:g}"
        for d, p in adj.bonus.items()
        if p
    ]
    if adj.plus:
        parts.append(f"{ADJUST_TEXT['bonus'][lang]} +{adj.plus:g}")
    if adj.deductions:
        parts.append(f"{ADJUST_TEXT['deductions'][lang]} −{adj.deductions:g}")
    if adj.record:
        parts.append(ADJUST_TEXT["record"][lang])
    return " · ".join(parts)


def page_lines(result: Any, lang: str) -> list[str]:
    """``--values``: which backend-page reading the score uses and how the profile was fitted
    to the readings (empty without a values file)."""
    out = []
    day = getattr(result, "reading", None)
    if day is not None:
        parts = []
        decimals = result.profile.decimals
        page_total = getattr(result, "page_total", False)
        if page_total:
            own = result.computed
            same = own is None or fmt_score(own, decimals) == fmt_score(result.score, decimals)
            key = "total_only" if own is None else ("total_same" if same else "total")
            parts.append(PAGE_TEXT[key][lang].format(own=fmt_score(own, decimals)))
        if any(d.page for d in result.dimensions):
            parts.append(PAGE_TEXT["dims"][lang])
        n = sum(1 for m in result.metrics if m.page == day)
        if n:
            parts.append(PAGE_TEXT["metrics"][lang].format(n=n))
        if page_total or any(d.page for d in result.dimensions):
            parts.append(PAGE_TEXT["own_metrics"][lang])
        if parts:
            out.append(PAGE_TEXT["reading"][lang].format(day=day) + PAGE_TEXT["sep"][lang].join(parts))
    fit = getattr(result, "fit", None)
    if fit is not None:
        dims = result.profile.dimensions

        def weights(ws: Any) -> str:
            return " / ".join(f"{name(dims[d], lang)} {w * 100:.1f}%" for d, w in ws.items())

        line = PAGE_TEXT["fit"][lang].format(
            n=len(fit.checks), weights=weights(fit.weights.fitted), default=weights(fit.weights.default)
        )
        if fit.rms is not None:
            line += PAGE_TEXT["fit_rms"][lang].format(rms=f"{fit.rms:.2f}")
        from shopscore.engine.metrics import REGISTRY

        moved = [REGISTRY[c.metric].name(lang) for c in fit.cutoffs if c.changed]
        if moved:
            line += PAGE_TEXT["cutoffs"][lang].format(metrics=PAGE_TEXT["sep"][lang].join(moved))
        out.append(line)
    return out


def page_note(m: Any, lang: str) -> str | None:
    """A metric whose value or score is the backend page's: say so, and shopscore's own."""
    if getattr(m, "page", None) is None:
        return None
    if not getattr(m, "page_value", False):  # the page gave its score, the value is own
        return PAGE_TEXT["note_score"][lang].format(day=m.page)
    if m.computed is None:
        return PAGE_TEXT["note_value_nodata"][lang].format(day=m.page)
    if fmt_value(m.computed, m.unit) == fmt_value(m.value, m.unit):  # as the page rounds it
        return PAGE_TEXT["note_same"][lang].format(day=m.page)
    return PAGE_TEXT["note_value"][lang].format(day=m.page, own=fmt_value(m.computed, m.unit))


def dimension_cell(dm: Any, decimals: int, lang: str) -> str:
    """A dimension's score; the page's with shopscore's own beside it."""
    shown = fmt_score(dm.score, decimals)
    if getattr(dm, "page", False) and dm.computed is not None and abs(dm.computed - (dm.score or 0.0)) > 1e-9:
        return PAGE_TEXT["dim_cell"][lang].format(score=shown, own=fmt_score(dm.computed, decimals))
    return shown


PAGE_TEXT = {
    "reading": {"zh": "后台页面 {day} 的读数：", "en": "Backend page of {day}: "},
    "sep": {"zh": "；", "en": "; "},
    "dims": {"zh": "维度分用页面的", "en": "the page's dimension scores"},
    "total": {"zh": "总分用页面的（自算 {own}）", "en": "the page's total (shopscore's own {own})"},
    "total_same": {"zh": "总分用页面的（与自算一致）", "en": "the page's total (as computed)"},
    "total_only": {"zh": "总分用页面的", "en": "the page's total"},
    "own_metrics": {
        "zh": "指标分、失分和「先改这里」按自算",
        "en": "metric scores, points lost and fix-first are shopscore's own",
    },
    "metrics": {"zh": "{n} 项指标用页面的数值", "en": "{n} metric(s) take the page's figures"},
    "fit": {
        "zh": "按 {n} 次后台读数校准：维度权重 {weights}（配置为 {default}）",
        "en": "Fitted to {n} page reading(s): dimension weights {weights} (profile: {default})",
    },
    "fit_rms": {"zh": "，总分均方根残差 {rms}", "en": ", total residual RMS {rms}"},
    "cutoffs": {"zh": "；已调整分档线：{metrics}", "en": "; cut-offs moved: {metrics}"},
    "note_value": {
        "zh": "后台页面 {day} 的数值；自算 {own}",
        "en": "the backend page's value of {day}; shopscore's own: {own}",
    },
    "note_same": {
        "zh": "后台页面 {day} 的数值，与自算一致",
        "en": "the backend page's value of {day}, as computed",
    },
    "note_value_nodata": {
        "zh": "后台页面 {day} 的数值（导出里算不出）",
        "en": "the backend page's value of {day} (not computable from exports)",
    },
    "note_score": {"zh": "后台页面 {day} 的得分", "en": "the backend page's score of {day}"},
    "dim_cell": {"zh": "{score}（自算 {own}）", "en": "{score} (own {own})"},
}


STATISTIC_TEXT = {
    "mean": {"zh": "近{days}天均值", "en": "{days}-day mean"},
    "max": {"zh": "近{days}天最高", "en": "highest of {days} days"},
    "min": {"zh": "近{days}天最低", "en": "lowest of {days} days"},
}


def threshold_label(x: Any, lang: str) -> str:
    """A threshold's name with the statistic it judges, when that is not the current value
    (SPEC §4b: 7-day mean, each of the last 14 days…), and the order count it also
    requires with the shop's count (SPEC §5 Star Shop: ≥ 100 orders in 30 days)."""
    label = name(x, lang)
    stat = STATISTIC_TEXT.get(getattr(x, "statistic", "current"))
    if stat is not None:
        label = f"{label} · {stat[lang].format(days=x.days)}"
    req = getattr(x, "requires", None)
    if req is None:
        return label
    words = TEXT["requires"][lang].format(
        days=req.window[1],
        population=population_name(req.population, lang),
        min_orders=req.min_orders,
        count="—" if x.orders is None else x.orders,
    )
    return f"{label} {words}" if lang == "en" else f"{label}（{words}）"


ADJUST_TEXT = {
    "bonus": {"zh": "加分项", "en": "Bonus"},
    "deductions": {"zh": "扣分项", "en": "Deductions"},
    "record": {"zh": "有违规记录", "en": "bad-behaviour record"},
}


def score_mood(result: Any) -> str:
    """good when every threshold passes, warn when only one fails, else bad; none without a
    score — how every report colours the score."""
    if result.score is None:
        return "none"
    failed = [x for x in result.thresholds if x.passed is False]
    return "good" if not failed else ("warn" if len(failed) == 1 else "bad")


def small_shop_words(small: Any) -> dict[str, Any]:
    """The figures every sentence about the small-shop rule names, from the profile."""
    return {"orders": small.below_orders, "bad": small.max_bad, "score": small.score, "days": small.days}


def small_shop_advice(profile: Any, lang: str) -> str:
    """Fix-first's sentence for a metric the small-shop rule fixed (SPEC §4b)."""
    return NOTES["small-shop-advice"][lang].format(**small_shop_words(profile.small_shop))


def note_marks(m: Any, lang: str, numbers: dict[str, int], small: Any = None) -> list[int]:
    """The numbers of a metric's notes in ``numbers`` (note text → number), adding its new
    notes in order: a note shared by several metrics is listed once under the table."""
    return [numbers.setdefault(n, len(numbers) + 1) for n in dict.fromkeys(metric_notes(m, lang, small))]


def note_mark(marks: list[int]) -> str:
    """A metric's note marker, [1] or [1,2]: plain ASCII, so any console encodes it."""
    return "[" + ",".join(str(n) for n in marks) + "]"


#: why a shop has no score (status insufficient-data): what it has and what it needs
UNSCORED_TEXT: dict[str, dict[str, str]] = {
    "orders": {
        "zh": "近 {days} 天（{start}…{end}）{population} {count} 单，满 {min_orders} 单才计分，"
        "还差 {more} 单；下表的数值与样本照常计算，但不给体验分和失分",
        "en": "{count} {population} in the {days} days {start}…{end}; {min_orders} are needed for a "
        "score, {more} more. The metrics below are computed, but neither scored nor counted as "
        "points lost",
    },
    "metrics": {
        "zh": "没有一项计分指标达到最小样本，暂不计分；下表的数值与样本照常计算",
        "en": "no weighted metric has its minimum sample, so there is no score; the metrics below "
        "are computed",
    },
    "delivered-orders": {"zh": "签收订单", "en": "delivered orders"},
    "paid-orders": {"zh": "有效支付订单", "en": "valid paid orders"},
}


def unscored_text(eligibility: dict[str, Any], lang: str) -> str:
    """Why an insufficient-data shop has no score, and how many more orders it needs."""
    e = eligibility
    if not e or e["count"] >= e["min_orders"]:
        return UNSCORED_TEXT["metrics"][lang]
    from datetime import date

    start, end = date.fromisoformat(e["window"]["start"]), date.fromisoformat(e["window"]["end"])
    population = UNSCORED_TEXT.get(e["population"], {}).get(lang, e["population"])
    return UNSCORED_TEXT["orders"][lang].format(
        days=(end - start).days + 1,
        start=f"{start:%m-%d}",
        end=f"{end:%m-%d}",
        population=population,
        count=e["count"],
        min_orders=e["min_orders"],
        more=e["min_orders"] - e["count"],
    )


#: words of the trend, forecast and target reports
SERIES_TEXT: dict[str, dict[str, str]] = {
    "trend": {"zh": "体验分走势（过去 {n} 天）", "en": "Score trend (past {n} days)"},
    "forecast": {"zh": "体验分预测（未来 {n} 天）", "en": "Score forecast (next {n} days)"},
    "frozen": {
        "zh": "假设：不再有新事件，现有差评/售后等随考核期滑出",
        "en": "Assumption: no new events; today's bad events age out of the windows",
    },
    "recent": {
        "zh": "假设：最近 14 天的每日订单与负向事件量持续",
        "en": "Assumption: the last 14 days' daily volumes of orders and bad events go on",
    },
    "date": {"zh": "日期", "en": "Date"},
    "change": {"zh": "变化", "en": "Change"},
    "crossings": {"zh": "门槛变化", "en": "Threshold crossings"},
    "no_crossings": {"zh": "预测期内没有门槛变化", "en": "No threshold is crossed in this period"},
    "up": {"zh": "↑ 达标", "en": "↑ passed"},
    "down": {"zh": "↓ 跌破", "en": "↓ failed"},
    "leaving": {"zh": "滑出考核期的负向事件", "en": "Bad events leaving the windows"},
    "no_leaving": {
        "zh": "预测期内没有负向事件滑出考核期",
        "en": "No bad event leaves a window in this period",
    },
    "target": {"zh": "目标 {goal}：当前 {score}", "en": "Target {goal}: today {score}"},
    "reached": {"zh": "已达到目标，无需改变", "en": "The target is already reached"},
    "needed": {"zh": "单项需达到", "en": "Needed alone"},
    "events": {"zh": "负向事件变化", "en": "Bad events"},
    "combination": {"zh": "最省力的组合", "en": "A cheapest combination"},
    "no_combination": {
        "zh": "即使所有指标都达到满分也无法达到该目标",
        "en": "Even every metric at full score cannot reach this target",
    },
    "small_shop_cap": {
        "zh": "小店规则：近{days}天有效支付订单不足 {orders} 单，{metrics} 固定 {score:g} 分，"
        "改进这些指标不会提分",
        "en": "Small-shop rule: under {orders} valid paid orders in {days} days, {metrics} stay at {score:g} "
        "however much they improve",
    },
    "diagnostic": {"zh": "不计分", "en": "not scored"},
    "no-data": {"zh": "无数据", "en": "no data"},
    "unreachable": {"zh": "单项无法达到", "en": "cannot alone"},
    "not-scored": {"zh": "店铺未计分", "en": "shop not scored"},
    "whatif_note": {"zh": "假设值（whatif）", "en": "value set by whatif"},
    "moved": {
        "zh": "{first} → {last}：{a} → {b}，变化最大的指标",
        "en": "{first} → {last}: {a} → {b}; the metrics that moved it most",
    },
    "lost_change": {"zh": "失分变化", "en": "Points lost change"},
    "insufficient_days": {"zh": "{n} 天未计分（{status}）", "en": "{n} days without a score ({status})"},
}


#: per metric: what one counted unit is, and what makes it a bad event (diagnose wording)
UNITS: dict[str, dict[str, tuple[str, str]]] = {
    # metric id: {lang: (unit, bad event)}
    "product-negative-review-rate": {"zh": ("条评价", "差评（≤2星）"), "en": ("reviews", "rated 1–2★")},
    "quality-return-rate": {"zh": ("单", "品质退货"), "en": ("orders", "with a quality return")},
    "negative-feedback-rate": {"zh": ("单", "负向反馈"), "en": ("orders", "with negative feedback")},
    "pickup-on-time-rate": {"zh": ("单", "揽收超时"), "en": ("orders", "picked up late")},
    "delivery-hours": {"zh": ("单", "配送超过目标时长"), "en": ("orders", "slower than the full-score time")},
    "logistics-return-rate": {"zh": ("单", "物流原因售后"), "en": ("orders", "with a logistics after-sale")},
    "im-3min-reply-rate": {
        "zh": ("个会话", "3分钟内未回复"),
        "en": ("chats", "not answered within 3 minutes"),
    },
    "im-dissatisfaction": {"zh": ("个会话", "评价1–3星"), "en": ("chats", "rated 1–3★")},
    "merchant-fault-rate": {"zh": ("个售后", "判商家责任"), "en": ("after-sales", "ruled the shop's fault")},
    "complaint-rate": {"zh": ("条", "投诉"), "en": ("complaints", "received")},
    "refund-only-hours": {
        "zh": ("个售后", "完结慢于满分时长"),
        "en": ("refunds", "slower than the full-score time"),
    },
    "return-refund-hours": {
        "zh": ("个售后", "完结慢于满分时长"),
        "en": ("returns", "slower than the full-score time"),
    },
    "product-rating": {"zh": ("单", "首评1–2星"), "en": ("orders", "with a 1–2★ first review")},
    "quality-return-rate-30d": {
        "zh": ("单", "首次售后为品质原因"),
        "en": ("orders", "first returned for quality"),
    },
    "pickup-score": {"zh": ("单", "揽收未得满分"), "en": ("orders", "picked up below full score")},
    "logistics-return-rate-30d": {
        "zh": ("单", "首次售后为物流原因"),
        "en": ("orders", "first returned for logistics"),
    },
    "aftersale-review-hours": {
        "zh": ("个售后", "审核慢于满分时长"),
        "en": ("after-sales", "reviewed slower than the full-score time"),
    },
    "im-response-seconds": {
        "zh": ("个会话", "响应慢于满分时长"),
        "en": ("chats", "answered slower than the full-score time"),
    },
    "im-dissatisfaction-30d": {"zh": ("个会话", "评价1–3星"), "en": ("chats", "rated 1–3★")},
    "platform-help-rate": {"zh": ("单", "平台介入"), "en": ("orders", "where the platform stepped in")},
    "negative-review-rate": {"zh": ("单", "首评1–2星"), "en": ("orders", "with a 1–2★ first review")},
    "non-buyer-fault-return-rate": {
        "zh": ("单", "品质或物流原因售后"),
        "en": ("orders", "returned for quality or logistics"),
    },
    "seller-fault-cancellation-rate": {
        "zh": ("单", "卖家或系统取消"),
        "en": ("orders", "cancelled by the seller or the system"),
    },
    "on-time-delivery-rate": {"zh": ("单", "未按时送达"), "en": ("orders", "not delivered on time")},
    "inquiry-dissatisfaction": {"zh": ("个会话", "评价1–2星"), "en": ("chats", "rated 1–2★")},
    "after-sales-hours": {
        "zh": ("个售后", "处理慢于满分时长"),
        "en": ("after-sales", "handled slower than the full-score time"),
    },
    "late-dispatch-rate": {"zh": ("单", "延迟发货"), "en": ("orders", "dispatched late")},
}

DIMENSION_NAMES: dict[str, dict[str, str]] = {
    "product": {"zh": "商品", "en": "Product"},
    "agent": {"zh": "客服", "en": "Agent"},
    "carrier": {"zh": "快递", "en": "Carrier"},
    "reason": {"zh": "原因", "en": "Reason"},
    "reason-group": {"zh": "原因类别", "en": "Reason group"},
    "hour": {"zh": "时段", "en": "Hour"},
    "week": {"zh": "周", "en": "Week"},
}

#: what to do about a group that concentrates the bad events, per dimension
ACTIONS: dict[str, dict[str, str]] = {
    "agent": {
        "zh": "先复盘该客服的会话：排班、分流、快捷回复与话术。",
        "en": "Review this agent's chats first: staffing, routing, quick replies and wording.",
    },
    "hour": {"zh": "加强这个时段的客服排班或自动分配。", "en": "Staff this hour better or route its chats."},
    "carrier": {
        "zh": "与该快递核对揽收和时效，必要时分流到其他快递。",
        "en": "Take pickup and transit times up with this carrier, or move volume to another.",
    },
    "product": {
        "zh": "优先排查该商品的质量、描述与尺码。",
        "en": "Check this product's quality, description and sizing first.",
    },
    "reason": {
        "zh": "针对这个原因改进，并核对其中可申诉的单。",
        "en": "Work on this cause; appeal the cases that are unfair.",
    },
    "reason-group": {"zh": "针对这一类原因改进。", "en": "Work on this group of causes."},
}

DIAGNOSE_TEXT: dict[str, dict[str, str]] = {
    "title": {"zh": "诊断：{metric}", "en": "Diagnosis: {metric}"},
    "metric_line": {
        "zh": "{value}（样本 {sample}），体验分 {score}，失分 {lost}；考核期 {start}…{end}",
        "en": "{value} (sample {sample}), score {score}, points lost {lost}; window {start}…{end}",
    },
    "events": {"zh": "事件", "en": "Events"},
    "bad": {"zh": "负向", "en": "Bad"},
    "share": {"zh": "占比", "en": "Share"},
    "records": {"zh": "负向记录（最新 {n} / 共 {total}）", "en": "Bad records (newest {n} of {total})"},
    "aging": {
        "zh": "未来 7 / 14 / 30 天滑出考核期的负向事件：{a} / {b} / {c}",
        "en": "Bad events leaving the window in 7 / 14 / 30 days: {a} / {b} / {c}",
    },
    "recommendations": {"zh": "建议", "en": "Recommendations"},
    "none_bad": {"zh": "考核期内没有负向事件。", "en": "No bad events in the window."},
    "daily_only": {
        "zh": "该指标由飞鸽客服每日汇总数据估算，无法拆到单个会话；补飞鸽会话明细导出后可查看拖分的会话。",
        "en": "This metric is estimated from 飞鸽 daily totals, which name no single chat: add the "
        "session export to see the chats that cost points.",
    },
    "spread": {
        "zh": "负向事件没有集中在某个{dims}上（没有一组超过 {share}）：问题较分散，按记录逐条处理。",
        "en": "The bad events do not concentrate in one {dims} (no group holds {share}): "
        "work through the records.",
    },
    "no_data": {"zh": "该指标没有数据，无法诊断。", "en": "This metric has no data to diagnose."},
    "exported": {"zh": "已导出：{path}", "en": "Exported: {path}"},
    "focus": {
        "zh": "{dim}「{label}」占{bad_word}的 {share}：{bad}/{events} {unit}{bad_word}"
        "（{value}，全店 {overall}）。",
        "en": "{dim} {label}: {share} of the bad events — {bad} of {events} {unit} {bad_word} "
        "({value}; shop {overall}).",
    },
    "focus_mean": {
        "zh": "{dim}「{label}」占{bad_word}的 {share}：{bad}/{events} {unit}{bad_word}"
        "（平均 {value}，全店 {overall}）。",
        "en": "{dim} {label}: {share} of the bad events — {bad} of {events} {unit} {bad_word} "
        "(mean {value}; shop {overall}).",
    },
    "mostly": {"zh": "主要原因：{reason}。", "en": "Mostly: {reason}."},
}


def fmt_share(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def fmt_count(x: float) -> str:
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"


def _round(x: float | None) -> float | None:
    """Figures in JSON carry 8 decimals (as the breakdowns do)."""
    return None if x is None else round(float(x), 8)


def recommendation_texts(report: Any, lang: str) -> list[dict[str, Any]]:
    """Recommendations grounded in the breakdowns: one per dimension whose top group holds
    at least a fifth of the bad events and does worse than the shop; each with its evidence."""
    from shopscore.engine.diagnose import FOCUS_SHARE

    d = report.diagnosis
    m = d.metric
    words = DIAGNOSE_TEXT
    if m.status == "no-data":
        return [{"text": words["no_data"][lang], "evidence": None}]
    if not d.bad_total:
        daily = "im-daily" in m.notes and m.kind == "mean"  # daily totals hold no units to blame
        return [{"text": words["daily_only" if daily else "none_bad"][lang], "evidence": None}]
    unit, bad_word = UNITS.get(m.id, {}).get(lang, ("", ""))
    out: list[dict[str, Any]] = []
    for e in d.evidence:
        g = e.group
        template = words["focus_mean" if m.kind == "mean" else "focus"][lang]
        value, overall = g.value, e.overall
        if m.kind == "rate":  # said as the share of bad events, also for a higher-is-better rate
            value = g.bad / g.events if g.events else None
            if m.direction == "higher" and overall is not None:
                overall = 1 - overall
        label = g.label if g.label is not None else g.key
        if e.dimension == "reason-group":
            label = reason_group_name(str(g.key), lang)
        if e.dimension == "hour" and isinstance(g.key, int):
            label = f"{g.key:02d}:00–{g.key:02d}:59"
        text = template.format(
            dim=DIMENSION_NAMES[e.dimension][lang],
            label=label,
            share=fmt_share(g.share),
            bad=fmt_count(g.bad),
            events=fmt_count(g.events),
            unit=unit,
            bad_word=bad_word,
            value=fmt_value(value, m.unit),
            overall=fmt_value(overall, m.unit),
        )
        if e.reason:
            text += " " + words["mostly"][lang].format(reason=e.reason)
        text += " " + ACTIONS[e.dimension][lang]
        out.append(
            {
                "text": text,
                "evidence": {
                    "dimension": e.dimension,
                    "key": g.key,
                    "label": g.label,
                    "events": g.events,
                    "bad": g.bad,
                    "value": _round(g.value),
                    "share": _round(g.share),
                    "overall": _round(e.overall),
                    "reason": e.reason,
                },
            }
        )
    if not out:
        dims = "/".join(DIMENSION_NAMES[x][lang] for x in d.breakdowns if x != "week")
        out.append(
            {"text": words["spread"][lang].format(dims=dims, share=fmt_share(FOCUS_SHARE)), "evidence": None}
        )
    return out


#: words of the shared HTML page (`report --html`)
HTML_TEXT: dict[str, dict[str, str]] = {
    "title": {"zh": "体验分报告", "en": "shop score report"},
    "overview": {"zh": "各店铺体验分", "en": "Shop scores"},
    "fix_intro": {
        "zh": "失分最多的指标，按失分排序；每条建议都来自本店数据。",
        "en": "The metrics costing the most points, worst first; each advice comes from this shop's data.",
    },
    "nothing_to_fix": {
        "zh": "没有明显拖分的指标。",
        "en": "No metric costs enough points to single out.",
    },
    "drill": {"zh": "查看明细", "en": "Drill down"},
    "dims_metrics": {"zh": "维度与指标", "en": "Dimensions and metrics"},
    "metric_score": {"zh": "得分", "en": "Score"},
    "charts": {"zh": "走势与预测", "en": "Trend and forecast"},
    "trend_title": {"zh": "近 {days} 天体验分", "en": "Score over the last {days} days"},
    "forecast_title": {
        "zh": "未来 {days} 天预测（不再新增差评、售后等）",
        "en": "The next {days} days (if no new bad events arrive)",
    },
    "no_trend": {
        "zh": "这段时间没有可计分的日子，无走势图。",
        "en": "No scored day in this period: no trend chart.",
    },
    "no_forecast": {"zh": "店铺未计分，无预测图。", "en": "The shop is not scored: no forecast chart."},
    "generated": {
        "zh": "由 shopscore {version} 于 {date} 生成",
        "en": "Made by shopscore {version} on {date}",
    },
    "notes": {"zh": "说明", "en": "Notes"},
}
