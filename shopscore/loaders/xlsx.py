"""Read XLSX/XLSM workbooks into raw string tables, one per sheet (SPEC §1)."""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from shopscore.errors import ShopscoreError
from shopscore.loaders.readers import HEADER_SCAN_ROWS, RawTable, _first_line, _pick_header, _table
from shopscore.loaders.schemas import Schema

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


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
