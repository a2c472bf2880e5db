"""Read one export file into raw string tables: encoding, delimiter, sheets, header row.

Every cell comes back as a string (or null); types are the normaliser's job. The header
row is the first of the first 20 rows whose cells match the most aliases (SPEC §1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from shopscore.errors import ShopscoreError
from shopscore.loaders.schemas import HeaderMatch, Schema, match_header, normalize_header

# delimited text is read in text.py (which imports this module lazily); re-exported here
from shopscore.loaders.text import TEXT_SUFFIXES as TEXT_SUFFIXES
from shopscore.loaders.text import detect_encoding as detect_encoding
from shopscore.loaders.text import read_text as read_text

HEADER_SCAN_ROWS = 20


@dataclass
class RawTable:
    """One table of strings as found in a file (a CSV, or one sheet of a workbook)."""

    path: Path
    sheet: str | None
    header: list[str]
    header_row: int  # 1-based row number of the header in the file/sheet
    frame: pl.DataFrame  # columns c0..cN-1, all String
    match: HeaderMatch | None  # best eligible dataset, None when nothing fits
    rejected_match: HeaderMatch | None  # best dataset whose required columns are missing
    preamble_rows: int = 0  # non-empty rows above the header (titles…): counted, never echoed
    #: data rows the reader already knows are bad (a ragged row, a number that lost digits…):
    #: index in ``frame`` → (header of the column at fault or None, reason); rejected
    rejects: dict[int, tuple[str | None, str]] = field(default_factory=dict)
    #: things the reader noticed that reject nothing: (index in ``frame`` or None, header, message)
    notes: list[tuple[int | None, str | None, str]] = field(default_factory=list)

    @property
    def display(self) -> str:
        from shopscore.loaders.report import safe_text

        name = safe_text(self.path.name)
        return f"{name} [{self.sheet}]" if self.sheet else name


def best_match(cells: list[str], schema: Schema) -> tuple[HeaderMatch | None, HeaderMatch | None]:
    """(best dataset whose required columns are all present, best one overall)."""
    eligible: HeaderMatch | None = None
    overall: HeaderMatch | None = None
    if not schema.names_a_column([normalize_header(c) for c in cells]):  # a data row, a title
        return None, None
    for ds in schema.datasets.values():
        m = match_header(cells, ds)
        if not m.mapping:
            continue
        if overall is None or len(m.mapping) > len(overall.mapping):
            overall = m
        if not ds.missing_required(m.columns) and (
            eligible is None or len(m.mapping) > len(eligible.mapping)
        ):
            eligible = m
    return eligible, overall


@dataclass
class _Header:
    """The header row found among the first rows, and how it matches the datasets."""

    idx: int
    eligible: HeaderMatch | None
    overall: HeaderMatch | None

    @property
    def score(self) -> int:
        return max(len(m.mapping) for m in (self.eligible, self.overall) if m)


def _pick_header(rows: list[list[str]], schema: Schema) -> _Header | None:
    """The first of the first rows whose cells match the most aliases (SPEC §1)."""
    best: _Header | None = None
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        eligible, overall = best_match([c or "" for c in row], schema)
        if overall is None and eligible is None:
            continue
        found = _Header(i, eligible, overall)
        if best is None or found.score > best.score:
            best = found
    return best


def _table(
    path: Path,
    sheet: str | None,
    rows: list[list[str]],
    data: pl.DataFrame,
    found: _Header,
    first_row: int = 1,
) -> RawTable:
    """``rows[found.idx]`` is the header; ``first_row`` is the file/sheet row number of ``rows[0]``."""
    idx = found.idx
    header = [(c or "").strip() for c in rows[idx]]
    preamble = sum(1 for row in rows[:idx] if any(c and c.strip() for c in row))
    return RawTable(path, sheet, header, idx + first_row, data, found.eligible, found.overall, preamble)


def _first_line(exc: Exception) -> str:
    """A library error's first line: user-facing messages are one line."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class Unrecognised(ShopscoreError):
    """A text file with no header row any dataset recognises (listed as skipped)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path.name}: no header row recognised in the first 20 rows")
        self.path = path


def __getattr__(name: str) -> Any:
    """``read_excel`` and ``EXCEL_SUFFIXES`` live in :mod:`shopscore.loaders.xlsx` (imported on
    first use: that module builds on this one)."""
    if name in ("read_excel", "EXCEL_SUFFIXES"):
        from shopscore.loaders import xlsx

        return getattr(xlsx, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
