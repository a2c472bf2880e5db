"""The problem messages and skip reasons of the load report, each an English template
beside its Chinese one.

A loader writes the English text (``SUMMARY_ROW()``, ``BAD_CELL(header=…)``): it is what
the load report holds and what ``--format json`` prints, so scripts keep reading the same
strings. The table and Markdown renderers call :func:`localize`, which recognises a stored
message by its template and says it in the output's language. No polars here: the CLI
imports this for its usage errors too.
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass

#: what stands for a cell that looks like buyer personal data (see loaders/privacy.py)
HIDDEN = {"en": "‹hidden›", "zh": "‹已隐藏›"}


@dataclass(frozen=True)
class Message:
    """One message: ``en`` and ``zh`` are ``str.format`` templates with the same fields."""

    en: str
    zh: str

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """``en`` as a regular expression, each field a group (compiled when first needed:
        `shopscore --help` never is)."""
        parts = []
        for literal, name, _, _ in string.Formatter().parse(self.en):
            parts.append(re.escape(literal))
            if name is not None:
                parts.append(f"(?P<{name}>.*?)")
        return re.compile("".join(parts), re.S)

    def __call__(self, **params: object) -> str:
        """The English text, as stored."""
        return self.en.format(**params)

    def say(self, lang: str, **params: object) -> str:
        return (self.zh if lang == "zh" else self.en).format(**params)


# ---- rows rejected and cells left empty (normalize.py)
SUMMARY_ROW = Message("summary row (totals are not data)", "汇总行（合计，不是数据）")
BAD_REQUIRED = Message("{header} '{value}' is not {what}", "{header}「{value}」不是{what}")
EMPTY_REQUIRED = Message("{header} is empty (a required column)", "{header} 为空（必填列）")
BAD_OPTIONAL = Message(
    "'{value}' is not {what}: left empty, row kept", "「{value}」不是{what}：按空值处理，该行保留"
)
MORE_CELLS = Message("… and {n} more such cells in this column", "……本列还有 {n} 个同类单元格")

# ---- what a cell should have been (the {what} of the two above)
HINT_ID = Message(
    "an id (Excel turned it into scientific notation: re-export, or format the column as text before saving)",
    "有效的编号（Excel 把它变成了科学计数法：请重新导出，或保存前把该列设为文本格式）",
)
HINT_DATETIME = Message(
    "a date/time between 2000 and the day the file was saved", "2000 年至文件保存当天之间的日期时间"
)
HINT_DEADLINE = Message(
    "a date/time between 2000 and two years after the file was saved",
    "2000 年至文件保存后两年之间的日期时间",
)
HINT_RATING = Message("a rating 1–5", "1–5 的评分")
HINT_DURATION = Message("a duration", "时长")
HINT_RATE = Message("a rate", "比率")
HINT_INT = Message("a whole number", "整数")
HINT_BOOL = Message("是/否", "是/否")
HINT_KNOWN = Message("a known value", "可识别的值")
HINT_VALID = Message("valid", "有效值")

# ---- how slash dates with the year last were read when no value decided it (normalize.py)
DATE_ORDER_GUESSED = Message(
    "dates like 03/04/2026 read {order}: no value in this file decides (a day over 12); if they "
    "are {other}, set year_last in a [dates] table of a --columns file",
    "形如 03/04/2026 的日期按{order}读取：本文件没有能判断的值（大于 12 的日）；如实为{other}，"
    "请在 --columns 文件的 [dates] 表中设置 year_last",
)
ORDER_DAY_FIRST = Message("day-first", "日在前")
ORDER_MONTH_FIRST = Message("month-first", "月在前")

# ---- what the text reader noticed (text.py)
EXTRA_CELLS = Message(
    "row has {n} cells, the header {width}; the extra cells are not empty: a cell with an "
    "unquoted delimiter?",
    "该行有 {n} 个单元格，表头有 {width} 个；多出的单元格不为空：某个单元格里有未加引号的分隔符？",
)
MOVED_CELLS = Message(
    "row has {n} cells, the header {width}; cells may have moved into other columns "
    "(a lost delimiter or a stray quote?)",
    "该行有 {n} 个单元格，表头有 {width} 个；单元格可能错位到了别的列（丢了分隔符或多了引号？）",
)
MISSING_CELLS = Message(
    "row has {n} cells, the header {width}; the missing cells include {header}, a required "
    "column: a row cut short or a lost delimiter?",
    "该行有 {n} 个单元格，表头有 {width} 个；缺少的单元格包括必填列 {header}：该行被截断或丢了分隔符？",
)
PADDED_ROW = Message(
    "row has fewer cells than the header ({width}): the missing cells at the end were read as empty",
    "该行的单元格少于表头（{width} 个）：末尾缺少的单元格按空值读取",
)
MORE_PADDED = Message("… and {n} more rows with missing cells at the end", "……还有 {n} 行末尾缺少单元格")
REPLACED_BYTES = Message(
    "bytes not valid {encoding} were replaced (\ufffd); re-save the file as UTF-8",
    "不是有效 {encoding} 编码的字节已替换为 \ufffd；请把文件另存为 UTF-8",
)
HEADER_CELL = Message("header cell {i}: {msg}", "表头第 {i} 个单元格：{msg}")

# ---- what the workbook reader noticed (xlsx.py)
LOST_DIGITS_REJECTED = Message(
    "{header} is a number cell in Excel and lost its last digits ({text}); re-export, or format "
    "the column as text before saving",
    "{header} 在 Excel 中是数字单元格，末尾几位数字已丢失（{text}）；请重新导出，或保存前把该列设为文本格式",
)
LOST_DIGITS_EMPTIED = Message(
    "{header} is a number cell in Excel and lost its last digits ({text}): left empty, row kept; "
    "re-export, or format the column as text before saving",
    "{header} 在 Excel 中是数字单元格，末尾几位数字已丢失（{text}）：按空值处理，该行保留；"
    "请重新导出，或保存前把该列设为文本格式",
)

# ---- why a file or a sheet was skipped (discover.py, xlsx.py)
SKIP_LOCK_FILE = Message(
    "Excel/WPS lock file (the workbook is open)", "Excel/WPS 的锁定文件（该工作簿正被打开）"
)
SKIP_XLS = Message("old .xls format: re-save as .xlsx", "旧的 .xls 格式：请另存为 .xlsx")
SKIP_NOT_EXPORT = Message("not an export ({suffix})", "不是导出文件（{suffix}）")
NO_SUFFIX = Message("no suffix", "无扩展名")
SKIP_NO_HEADER = Message("no header row recognised", "没有识别出表头行")
SKIP_NO_EXPORT = Message(
    "its header matches no export shopscore reads (a product list or a fund statement?)",
    "表头与 shopscore 能读取的任何导出都不符（商品列表或资金流水？）",
)
SKIP_BESIDE = Message(
    "lies beside the shop folders, so it belongs to no shop: move it into a shop's folder",
    "位于各店铺文件夹之外，不属于任何店铺：请移入某个店铺的文件夹",
)
SKIP_EMPTY_SHEET = Message("empty sheet", "空工作表")
SKIP_NO_TABLE = Message("{kind} (no table)", "{kind}（没有数据表）")
SHEET_CHART = Message("chart sheet", "图表工作表")
SHEET_DIALOG = Message("dialogsheet", "对话框工作表")
SHEET_MACRO = Message("macrosheet", "宏工作表")


def by_specificity(messages: list[Message]) -> list[Message]:
    """The longest literal text first: a more specific template wins."""
    return sorted(messages, key=lambda m: -len(re.sub(r"\{[^}]*\}", "", m.en)))


#: every message of the load report
CATALOG: list[Message] = by_specificity([v for v in globals().values() if isinstance(v, Message)])
#: fields holding a message of their own (translated too); other fields are data
_NESTED = {"what", "msg", "suffix", "kind", "order", "other"}


def localize(
    text: str | None, lang: str, catalog: list[Message] | None = None, nested: set[str] | None = None
) -> str:
    """A stored (English) message in ``lang``; a text no template of ``catalog`` (default:
    the load report's) matches stays as it is. ``nested``: the fields holding a message of
    their own, translated too; other fields are data (a header, a cell) and kept."""
    if not text:
        return ""
    if lang == "en":
        return text
    catalog = CATALOG if catalog is None else by_specificity(catalog)
    nested = _NESTED if nested is None else nested
    for message in catalog:
        found = message.pattern.fullmatch(text)
        if found:
            params = {
                k: localize(v, lang, catalog, nested) if k in nested else v
                for k, v in found.groupdict().items()
            }
            return hidden_text(message.say(lang, **params), lang)
    return hidden_text(text, lang)


def hidden_text(text: str, lang: str) -> str:
    """A value shown from the data, with the hidden-data mark in ``lang``."""
    return text.replace(HIDDEN["en"], HIDDEN[lang])
