"""Read one export file into raw string tables: encoding, delimiter, sheets, header row.

Every cell comes back as a string (or null); types are the normaliser's job. The header
row is the first of the first 20 rows whose cells match the most aliases (SPEC §1).
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from shopscore.errors import ShopscoreError
from shopscore.loaders.schemas import HeaderMatch, Schema, match_header

# delimited text is read in text.py (which imports this module lazily); re-exported here
from shopscore.loaders.text import TEXT_SUFFIXES as TEXT_SUFFIXES
from shopscore.loaders.text import detect_encoding as detect_encoding
from shopscore.loaders.text import read_text as read_text

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
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
        return f"{self.path.name} [{self.sheet}]" if self.sheet else self.path.name


def best_match(cells: list[str], schema: Schema) -> tuple[HeaderMatch | None, HeaderMatch | None]:
    """(best dataset whose required columns are all present, best one overall)."""
    eligible: HeaderMatch | None = None
    overall: HeaderMatch | None = None
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


def read_excel(path: Path, schema: Schema) -> Iterator[RawTable | tuple[str, str]]:
    """Each sheet of a workbook: a RawTable, or (sheet name, why it was skipped)."""
    import fastexcel

    try:
        book = fastexcel.read_excel(path)
    except Exception as exc:  # fastexcel raises its own error hierarchy
        raise ShopscoreError(
            f"{path.name}: not a readable XLSX workbook ({_first_line(exc)}); open it in Excel/WPS and "
            "save it again as .xlsx"
        ) from exc
    first_rows = _first_data_rows(path)
    for name in book.sheet_names:
        sheet = book.load_sheet(name, header_row=None, dtypes="string")
        frame = sheet.to_polars()
        if frame.height == 0:
            yield name, "empty sheet"
            continue
        frame = frame.rename({c: f"c{i}" for i, c in enumerate(frame.columns)})
        top = [[v if v is not None else "" for v in r] for r in frame.head(HEADER_SCAN_ROWS).rows()]
        found = _pick_header(top, schema)
        if found is None:
            yield name, "no header row recognised"
            continue
        # calamine starts a sheet at its first non-empty row: number rows as the sheet does
        yield _table(path, name, top, frame.slice(found.idx + 1), found, first_rows.get(name, 1))


_CELL = re.compile(rb'<c r="[A-Z]+([0-9]+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)


def _first_data_rows(path: Path) -> dict[str, int]:
    """Per sheet name, the row number of its first cell holding a value (from the XML, so
    problems name the row the seller sees). Unknown sheets default to row 1."""
    out: dict[str, int] = {}
    try:
        with zipfile.ZipFile(path) as z:
            book = z.read("xl/workbook.xml")
            rels = z.read("xl/_rels/workbook.xml.rels")
            targets = dict(re.findall(rb'<Relationship[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
            targets.update(
                {k: v for v, k in re.findall(rb'<Relationship[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)}
            )
            for name, rid in re.findall(rb'<sheet[^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"', book):
                target = targets.get(rid, b"").decode()
                member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                with z.open(member) as fh:
                    head = fh.read(1 << 20)
                for m in _CELL.finditer(head):
                    if m.group(2) and (b"<v>" in m.group(2) or b"<t" in m.group(2)):
                        out[html.unescape(name.decode())] = int(m.group(1))
                        break
    except (KeyError, OSError, zipfile.BadZipFile, ValueError):
        return out
    return out


def _first_line(exc: Exception) -> str:
    """A library error's first line: user-facing messages are one line."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class Unrecognised(ShopscoreError):
    """A text file with no header row any dataset recognises (listed as skipped)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path.name}: no header row recognised in the first 20 rows")
        self.path = path
