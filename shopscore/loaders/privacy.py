"""Buyer personal data (收件人, 手机号, 地址 — plain, masked or encrypted) never reaches any
output. shopscore needs none of it; the only way it could leak is by echoing a cell in a
problem message or a list of values, so every echoed cell goes through here."""

from __future__ import annotations

import re

import polars as pl

from shopscore.loaders import messages

HIDDEN = messages.HIDDEN["en"]
#: the longest cell echoed in full; longer ones are cut (a 1 MB cell is not a message)
MAX_ECHO = 40

#: words in the headers of columns holding buyer personal data (收件人, 收货地址, 收件人手机号,
#: 联系电话, 买家昵称…): their cells are never echoed, and no other cell equal to one of them
PII_HEADER_WORDS = re.compile(
    r"收件|收货|手机|电话|地址|姓名|联系人|买家昵称|身份证|recipient|receiver|phone|address", re.I
)

# a mobile or landline number, a masked value (138****5678, 张**), an encrypted field
# (抖店 writes ##… and $$…), an address (two place words, or a house number)
_PATTERNS = (
    r"(?:^|[^0-9])1[3-9][0-9]{9}(?:[^0-9]|$)",
    r"(?:^|[^0-9])0[0-9]{2,3}-?[0-9]{7,8}(?:[^0-9]|$)",
    r"\*{2,}",
    r"^\s*(?:##|\$\$)",
    r"(?:省|市|区|县|镇|乡|村|街道|路|街|巷|弄|小区|大厦).*(?:省|市|区|县|镇|乡|村|街道|路|街|巷|弄|号|栋|幢|单元|室|楼)",
    r"[0-9一二三四五六七八九十]+\s*(?:号楼|栋|幢|单元|室)",
)
#: a mobile number anywhere in a text (the guard on every problem message)
PHONE_RE = r"(?:^|[^0-9])1[3-9][0-9]{9}(?:[^0-9]|$)"
_PII = re.compile("|".join(_PATTERNS))
_PII_RE = "|".join(_PATTERNS)


def is_pii_header(header: str) -> bool:
    """A header of buyer personal data (the caller leaves out columns it reads, such as
    商家收货时间)."""
    return bool(PII_HEADER_WORDS.search(header))


def redact(value: str | None) -> str:
    """``value`` as it may be shown: hidden when it looks like personal data, cut when long."""
    if value is None:
        return ""
    if _PII.search(value):
        return HIDDEN
    return value if len(value) <= MAX_ECHO else value[:MAX_ECHO] + "…"


#: a bare 2–4 character Chinese text: in a date, number or id cell it is likelier a name
#: than anything the seller needs to see
_NAME_LIKE = r"^[\p{Han}·]{2,4}$"


def redact_expr(cell: pl.Expr, pii_cells: list[pl.Expr]) -> pl.Expr:
    """:func:`redact` for a column of unparseable cells, also hiding a cell equal to one of
    the row's personal-data cells (a value shifted out of its column) or shaped like a name."""
    same = pl.any_horizontal([cell == p for p in pii_cells]).fill_null(False) if pii_cells else pl.lit(False)
    cut = pl.when(cell.str.len_chars() > MAX_ECHO).then(cell.str.slice(0, MAX_ECHO) + "…").otherwise(cell)
    hidden = same | cell.str.contains(_PII_RE) | cell.str.contains(_NAME_LIKE)
    return pl.when(hidden).then(pl.lit(HIDDEN)).otherwise(cut)


def mask_text(cell: pl.Expr) -> pl.Expr:
    """A free-text column (review text, reasons) as it may be shown: a cell holding a phone
    number, an address or another personal-data pattern is hidden whole."""
    return pl.when(cell.str.contains(_PII_RE)).then(pl.lit(HIDDEN)).otherwise(cell)
