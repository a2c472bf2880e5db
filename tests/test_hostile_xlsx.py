"""Hostile and damaged XLSX files (SPEC §1, §7): each gives a one-line ShopscoreError naming
the file (and sheet and cell where known) and what to do, or a loaded result whose every row
is accounted for, numbered as the spreadsheet shows it. Never a crash, never two ids merged.

Workbooks are made with openpyxl, then taken apart with zipfile: a sheet's <sheetData> is
replaced by hand-written XML (cells as other tools write them: numbers without a type,
formulas without a value, stray cells), parts are broken or removed, bytes flipped."""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopscore import api
from shopscore.loaders.discover import ShopData
from shopscore.loaders.report import FileReport

SHEET = "xl/worksheets/sheet1.xml"
PAID = "2026-08-01 10:00:00"
HEADER = ["主订单编号", "子订单编号", "支付完成时间", "订单状态", "快递单号"]
COMPANION = "主订单编号,支付完成时间,订单状态\r\n9001,2026-08-01 10:00:00,已完成\r\n"

# --- building workbooks --------------------------------------------------------------------


class Raw(str):
    """A cell written verbatim; ``{ref}`` is replaced by the cell's reference."""


def cell_xml(ref: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Raw):
        return value.format(ref=ref)
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def letters(col: int) -> str:
    """0 → ``A``; also past openpyxl's 18,278 columns, which a hostile sheet may claim."""
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def sheet_data(rows: dict[int, list[Any]], first_col: int = 0) -> bytes:
    """<sheetData> with ``rows`` (sheet row number → cells from column ``first_col``)."""
    parts = []
    for r, cells in sorted(rows.items()):
        xml = "".join(cell_xml(f"{letters(first_col + i)}{r}", v) for i, v in enumerate(cells))
        parts.append(f'<row r="{r}">{xml}</row>')
    return ("<sheetData>" + "".join(parts) + "</sheetData>").encode()


def orders(n: int = 3, start: int = 2) -> dict[int, list[Any]]:
    """Header on ``start - 1``, then ``n`` orders whose ids are text."""
    rows: dict[int, list[Any]] = {start - 1: list(HEADER)}
    for i in range(n):
        rows[start + i] = [f"{1001 + i}", f"{2001 + i}", PAID, "已完成", f"YT{i}"]
    return rows


def base_book(sheets: tuple[str, ...] = ("订单",)) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in sheets:
        wb.create_sheet(name).append(["x"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


Edit = Callable[[bytes], bytes | None]


def rezip(data: bytes, edits: dict[str, Edit], add: dict[str, bytes] | None = None) -> bytes:
    """The workbook with members edited (None: removed) and added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body: bytes | None = zin.read(info.filename)
            if info.filename in edits:
                body = edits[info.filename](body)  # type: ignore[arg-type]
            if body is not None:
                zout.writestr(info.filename, body)
        for name, body in (add or {}).items():
            zout.writestr(name, body)
    return out.getvalue()


def with_rows(rows: dict[int, list[Any]], first_col: int = 0, data: bytes | None = None) -> bytes:
    """A one-sheet workbook (sheet 订单) holding ``rows``."""
    new = sheet_data(rows, first_col)
    return rezip(
        data or base_book(),
        {
            SHEET: lambda xml: re.sub(
                rb"<sheetData>.*</sheetData>|<sheetData\s*/>", lambda _: new, xml, flags=re.S
            )
        },
    )


def with_shared_strings(data: bytes, strings: list[str]) -> bytes:
    """Add a sharedStrings part (cells ``t="s"`` index it)."""
    sst = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
        + "</sst>"
    ).encode()
    rel = (
        b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    ctype = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    return rezip(
        data,
        {
            "xl/_rels/workbook.xml.rels": lambda x: x.replace(b"</Relationships>", rel),
            "[Content_Types].xml": lambda x: x.replace(b"</Types>", ctype),
        },
        add={"xl/sharedStrings.xml": sst},
    )


def save(folder: Path, name: str, data: bytes, companion: bool = True) -> Path:
    """The workbook in ``folder``, beside a small CSV order export (so a skipped workbook
    still leaves a shop to load)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    if companion:
        (folder / "其他订单.csv").write_text(COMPANION, encoding="utf-8")
    return path


# --- checking outcomes -----------------------------------------------------------------------


def load(folder: Path) -> ShopData:
    shops = api.load(folder)
    assert len(shops) == 1
    for f in shops[0].report.files:
        assert f.rows_read == f.rows_kept + f.duplicates + f.rejected, f
    return shops[0]


def error(folder: Path) -> str:
    """The one-line error of the one shop at ``folder`` (a shop that cannot be read)."""
    (shop,) = api.load(folder)
    msg = shop.error
    assert msg is not None and "\n" not in msg and msg == msg.strip(), msg
    return msg


def report(shop: ShopData, name: str) -> FileReport:
    found = [f for f in shop.report.files if Path(f.path).name == name]
    assert len(found) == 1, [f.path for f in shop.report.files]
    return found[0]


def counts(f: FileReport) -> tuple[int, int, int, int]:
    """(rows_read, rows_kept, duplicates, rejected)"""
    return (f.rows_read, f.rows_kept, f.duplicates, f.rejected)


def problems(shop: ShopData) -> list[tuple[str, int | None, str | None, str, str]]:
    """(path, row, column, message, kind) of the workbook's problems, by row."""
    rows = [r for r in shop.report.problems.rows() if "其他订单" not in r[0]]
    return sorted(rows, key=lambda r: (r[1] or 0, r[2] or ""))


# --- 1. corrupt workbooks -------------------------------------------------------------------

SAVE_AGAIN = "open it in Excel/WPS and save it again as .xlsx"


def test_empty_file(tmp_path: Path) -> None:
    save(tmp_path, "订单.xlsx", b"")
    assert error(tmp_path) == "订单.xlsx: empty file (0 bytes); download the export again"


def test_text_file_named_xlsx(tmp_path: Path) -> None:
    save(tmp_path, "订单.xlsx", "主订单编号,支付完成时间\r\n1,2026-08-01\r\n".encode())
    assert error(tmp_path) == (
        "订单.xlsx: not a readable XLSX workbook (a text file named .xlsx, not a workbook; if it is "
        "a CSV export, rename it to .csv); download the export again"
    )


def test_web_page_named_xlsx(tmp_path: Path) -> None:
    save(tmp_path, "订单.xlsx", b"<!DOCTYPE html><html><body>session expired</body></html>")
    assert error(tmp_path).startswith("订单.xlsx: not a readable XLSX workbook (a web page or XML file")


def test_binary_garbage(tmp_path: Path) -> None:
    save(tmp_path, "订单.xlsx", bytes(range(256)) * 8)
    assert error(tmp_path) == (
        "订单.xlsx: not a readable XLSX workbook (not a zip archive: the file is damaged or "
        "incomplete); download the export again"
    )


def test_truncated_file(tmp_path: Path) -> None:
    data = with_rows(orders())
    save(tmp_path, "订单.xlsx", data[: len(data) // 2])
    assert error(tmp_path) == (
        "订单.xlsx: not a readable XLSX workbook (a damaged or incomplete zip archive: File is not a "
        "zip file); download the export again, or open it in Excel/WPS and save it again as .xlsx"
    )


def test_encrypted_workbook(tmp_path: Path) -> None:
    # Excel saves a password-protected workbook as an OLE compound file holding
    # EncryptionInfo and EncryptedPackage streams
    ole = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
    ole += "EncryptionInfo".encode("utf-16-le") + bytes(50) + "EncryptedPackage".encode("utf-16-le")
    save(tmp_path, "订单.xlsx", ole + bytes(2048))
    msg = error(tmp_path)
    assert msg.startswith("订单.xlsx: password-protected (encrypted) workbook; open it in Excel/WPS")
    assert msg.endswith("save it again as .xlsx")


def test_old_xls_named_xlsx(tmp_path: Path) -> None:
    ole = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504) + "Workbook".encode("utf-16-le")
    save(tmp_path, "订单.xlsx", ole + bytes(2048))
    assert error(tmp_path) == (
        "订单.xlsx: an old-format .xls workbook named .xlsx; open it in Excel/WPS and save it again as .xlsx"
    )


def test_missing_sheet_part(tmp_path: Path) -> None:
    save(tmp_path, "订单.xlsx", rezip(with_rows(orders()), {SHEET: lambda _: None}))
    assert error(tmp_path) == (
        "订单.xlsx: sheet 订单: its data is missing from the file (the workbook lists the sheet, the "
        "part holding it is absent); open it in Excel/WPS and save it again as .xlsx, or download "
        "the export again"
    )


def test_sheet_xml_cut_short(tmp_path: Path) -> None:
    save(tmp_path, "订单.xlsx", rezip(with_rows(orders()), {SHEET: lambda x: x[: len(x) // 2]}))
    msg = error(tmp_path)
    assert msg.startswith("订单.xlsx: sheet 订单: not a readable XLSX workbook (")
    assert msg.endswith(SAVE_AGAIN)


def test_sheet_xml_broken_tag_keeps_every_row_accounted(tmp_path: Path) -> None:
    # calamine reads past a '<' inside a tag and loses the next cell: the row is rejected
    # (its order id is empty), never dropped
    data = rezip(
        with_rows(orders()), {SHEET: lambda x: x.replace(b'</row><row r="3">', b'</row><row r="3"<')}
    )
    save(tmp_path, "订单.xlsx", data)
    shop = load(tmp_path)
    assert counts(report(shop, "订单.xlsx")) == (3, 2, 0, 1)
    assert [(r[1], r[2]) for r in problems(shop)] == [(3, "主订单编号")]


def test_sheet_xml_not_a_worksheet(tmp_path: Path) -> None:
    # calamine would read it as an empty sheet (saying so only on stderr)
    data = rezip(with_rows(orders()), {SHEET: lambda x: x.replace(b"<worksheet ", b"<worksheeX ")})
    save(tmp_path, "订单.xlsx", data)
    assert error(tmp_path) == (
        "订单.xlsx: sheet 订单: not a readable XLSX workbook (its XML opens with <worksheeX>, not "
        "<worksheet>); open it in Excel/WPS and save it again as .xlsx"
    )


def test_sheet_data_calamine_cannot_find(tmp_path: Path) -> None:
    data = rezip(with_rows(orders()), {SHEET: lambda x: x.replace(b"<sheetData>", b"<sheetDat9a>")})
    save(tmp_path, "订单.xlsx", data)
    assert error(tmp_path) == (
        "订单.xlsx: sheet 订单: not a readable XLSX workbook (its cells cannot be read: the sheet's "
        "XML is damaged); open it in Excel/WPS and save it again as .xlsx"
    )


def test_empty_sheet_is_skipped(tmp_path: Path) -> None:
    save(tmp_path, "订单.xlsx", with_rows({}))
    shop = load(tmp_path)
    assert report(shop, "订单.xlsx").skipped == "empty sheet"


def test_cells_never_closed_cost_no_more_than_sound_ones(tmp_path: Path) -> None:
    # 20,000 cells without </c>, each with a formula: read as calamine reads them, in one pass
    rows = orders()
    rows[5] = [Raw('<c r="{ref}"><f>1</f><v>1</v>')] * 5
    xml = sheet_data(rows).replace(b"</sheetData>", b"")
    xml += b"".join(b'<row r="%d"><c r="A%d"><f>1+1</f>' % (r, r) for r in range(6, 20_006))
    xml += b"</sheetData>"
    data = rezip(
        base_book(),
        {
            SHEET: lambda x: re.sub(
                rb"<sheetData>.*</sheetData>|<sheetData\s*/>", lambda _: xml, x, flags=re.S
            )
        },
    )
    save(tmp_path, "订单.xlsx", data)
    msg = error(tmp_path)
    assert msg.startswith("订单.xlsx"), msg


def test_damaged_compressed_sheet(tmp_path: Path) -> None:
    data = bytearray(with_rows(orders(50)))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 20, start + 60):
        data[i] ^= 0xA5
    save(tmp_path, "订单.xlsx", bytes(data))
    msg = error(tmp_path)
    assert msg.startswith("订单.xlsx"), msg
    assert msg.endswith(SAVE_AGAIN) or msg.endswith("download the export again")


def test_broken_shared_strings(tmp_path: Path) -> None:
    rows = orders()
    rows[2][3] = Raw('<c r="{ref}" t="s"><v>0</v></c>')
    good = with_shared_strings(with_rows(rows), ["已完成"])
    shop = load(save(tmp_path / "good", "订单.xlsx", good).parent)
    assert counts(report(shop, "订单.xlsx")) == (3, 3, 0, 0)
    assert shop.frames["orders"].filter(order_id="1001")["status"].to_list() == ["已完成"]
    broken = rezip(good, {"xl/sharedStrings.xml": lambda x: x.replace(b"</si>", b"</s", 1)})
    save(tmp_path / "broken", "订单.xlsx", broken)
    msg = error(tmp_path / "broken")
    assert msg.startswith("订单.xlsx: not a readable XLSX workbook (")
    assert msg.endswith(SAVE_AGAIN)


def test_shared_string_index_out_of_range(tmp_path: Path) -> None:
    rows = orders()
    rows[2][3] = Raw('<c r="{ref}" t="s"><v>7</v></c>')  # only one shared string
    save(tmp_path, "订单.xlsx", with_shared_strings(with_rows(rows), ["已完成"]))
    msg = error(tmp_path)
    assert msg.startswith("订单.xlsx: sheet 订单: not a readable XLSX workbook (")


def test_chart_sheet_is_skipped(tmp_path: Path) -> None:
    from openpyxl.chart import BarChart, Reference

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单"
    for row in [HEADER, ["1001", "2001", PAID, "已完成", "YT0"]]:
        ws.append(row)
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=2))
    wb.create_chartsheet("图表").add_chart(chart)
    wb.save(tmp_path / "订单.xlsx")
    shop = load(tmp_path)
    skipped = {f.sheet: f.skipped for f in shop.report.files if f.skipped}
    assert skipped == {"图表": "chart sheet (no table)"}
    assert counts(next(f for f in shop.report.files if f.sheet == "订单")) == (1, 1, 0, 0)


# --- 2. formulas without a saved value ----------------------------------------------------------


def test_formula_without_value_in_a_mapped_column(tmp_path: Path) -> None:
    rows = orders()
    rows[3][2] = Raw('<c r="{ref}"><f>TEXT(NOW(),"yyyy-mm-dd hh:mm:ss")</f></c>')  # no <v>
    save(tmp_path, "订单.xlsx", with_rows(rows))
    assert error(tmp_path) == (
        "订单.xlsx [订单]: cell C3 (支付完成时间) holds a formula with no saved value: open the file in "
        "Excel/WPS and save it, so the values are stored"
    )


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="{ref}"><f>A2</f><v/></c>',  # openpyxl writes an empty <v/>
        '<c r="{ref}"><f>A2</f><v></v></c>',
        '<c r="{ref}"><f t="shared" si="0"/></c>',  # a shared formula's copy
    ],
)
def test_formula_forms_without_value(tmp_path: Path, cell: str) -> None:
    rows = orders(5)
    for r in (3, 4, 5):
        rows[r][0] = Raw(cell)
    save(tmp_path, "订单.xlsx", with_rows(rows))
    assert error(tmp_path).startswith(
        "订单.xlsx [订单]: cell A3 (主订单编号) holds a formula with no saved value (and 2 more such cells): "
    )


def test_formulas_with_saved_values_and_in_unmapped_columns_are_fine(tmp_path: Path) -> None:
    rows = orders()
    rows[1].append("备注")
    rows[2][2] = Raw(f'<c r="{{ref}}" t="str"><f>"{PAID}"</f><v>{PAID}</v></c>')
    rows[3][0] = Raw('<c r="{ref}"><f>1000+2</f><v>1002</v></c>')
    rows[4][4] = Raw('<c r="{ref}" t="str"><f>IF(1,"","x")</f><v></v></c>')  # an empty text result
    rows[2].append(Raw('<c r="{ref}"><f>1+1</f></c>'))  # unmapped column 备注: not needed
    save(tmp_path, "订单.xlsx", with_rows(rows))
    shop = load(tmp_path)
    assert counts(report(shop, "订单.xlsx")) == (3, 3, 0, 0)
    lines = shop.frames["order_lines"] if "order_lines" in shop.frames else shop.frames["orders"]
    assert sorted(lines["order_id"].to_list()) == ["1001", "1002", "1003", "9001"]


# --- 3. cells far from the data -------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "ref"),
    [
        (1048576, "XFD1048576"),  # the last cell of a sheet
        (2, "XFD2"),  # column XFD of a data row
        (4, "AMK4"),  # column 1001
    ],
)
def test_stray_cell_far_to_the_right_or_bottom(tmp_path: Path, row: int, ref: str) -> None:
    rows = orders()
    rows.setdefault(row, [None] * 5)
    stray = Raw(f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>')
    rows[row] = [*rows[row], stray]
    save(tmp_path, "订单.xlsx", with_rows(rows))
    assert error(tmp_path) == (
        f"订单.xlsx: sheet 订单 has a cell at {ref} far from the data: delete it, or copy the data to "
        "a new sheet"
    )


def test_stray_cell_far_below(tmp_path: Path) -> None:
    rows = orders()
    rows[1048576] = ["x"]
    save(tmp_path, "订单.xlsx", with_rows(rows))
    assert error(tmp_path) == (
        "订单.xlsx: sheet 订单 has a cell at A1048576 far from the data (which ends at row 4): delete "
        "it, or copy the data to a new sheet"
    )


def test_stray_cell_out_of_order(tmp_path: Path) -> None:
    # a cell whose reference points far below, written inside an early row
    rows = orders()
    rows[2] = [*rows[2], Raw('<c r="B900000" t="inlineStr"><is><t>x</t></is></c>')]
    save(tmp_path, "订单.xlsx", with_rows(rows))
    assert error(tmp_path).startswith("订单.xlsx: sheet 订单 has a cell at B900000 far from the data")


def test_stray_cells_without_references(tmp_path: Path) -> None:
    # cells without r= are placed one after the other: 2,000 of them reach column BYC, far
    # beyond ALL (the 1,000th)
    rows = orders()
    stray = Raw('<c t="inlineStr"><is><t>x</t></is></c>')
    rows[3] = [*rows[3], *([stray] * 2000)]
    save(tmp_path, "订单.xlsx", with_rows(rows))
    assert error(tmp_path) == (
        "订单.xlsx: sheet 订单 has more than 10 cells right of column ALL (the first at ALM3); an "
        "export has at most a few hundred columns: delete the extra columns, or copy the data to a "
        "new sheet"
    )


def test_header_row_of_100000_columns(tmp_path: Path) -> None:
    rows = orders()
    rows[1] = HEADER + [f"列{i}" for i in range(100_000 - len(HEADER))]
    save(tmp_path, "订单.xlsx", with_rows(rows))
    assert error(tmp_path) == (
        "订单.xlsx: sheet 订单 has more than 10 cells right of column ALL (the first at ALM1); an "
        "export has at most a few hundred columns: delete the extra columns, or copy the data to a "
        "new sheet"
    )


def test_stray_cell_right_of_a_long_table(tmp_path: Path) -> None:
    # ZZ2 beside 20,000 orders: calamine would allocate 20,000 × 702 cells
    rows = orders(20_000)
    rows[2] = [*rows[2], *([None] * 696), "x"]
    save(tmp_path, "订单.xlsx", with_rows(rows))
    assert error(tmp_path) == (
        "订单.xlsx: sheet 订单 has a cell at ZZ2 far from the data: delete it, or copy the data to a "
        "new sheet"
    )


def test_a_wide_table_is_read(tmp_path: Path) -> None:
    # 150 columns on every row (more than DA: looked at, then taken as the table's width)
    rows = orders(300)
    for r, cells in rows.items():
        cells.extend([f"备注{i}" if r == 1 else "x" for i in range(145)])
    save(tmp_path, "订单.xlsx", with_rows(rows))
    shop = load(tmp_path)
    assert counts(report(shop, "订单.xlsx")) == (300, 300, 0, 0)


def test_unusual_cell_markup_is_still_checked(tmp_path: Path) -> None:
    # attributes in another order, spaces: the reference is found wherever it is
    rows = orders()
    xml = sheet_data(rows).replace(b'<c r="', b'<c  r="').replace(b"</sheetData>", b"")
    xml += b'<row r="1048576"><c t="inlineStr" r="XFD1048576"><is><t>x</t></is></c></row></sheetData>'
    data = rezip(
        base_book(),
        {
            SHEET: lambda x: re.sub(
                rb"<sheetData>.*</sheetData>|<sheetData\s*/>", lambda _: xml, x, flags=re.S
            )
        },
    )
    save(tmp_path, "订单.xlsx", data)
    assert error(tmp_path) == (
        "订单.xlsx: sheet 订单 has a cell at XFD1048576 far from the data: delete it, or copy the data "
        "to a new sheet"
    )


def test_stray_cell_near_the_data_is_read(tmp_path: Path) -> None:
    rows = orders()
    rows[500] = [None] * 25 + ["备注"]  # Z500: a note, read as a row (rejected: no order id)
    save(tmp_path, "订单.xlsx", with_rows(rows))
    shop = load(tmp_path)
    assert counts(report(shop, "订单.xlsx")) == (4, 3, 0, 1)
    assert [(r[1], r[2], r[3]) for r in problems(shop)] == [
        (500, "子订单编号", "子订单编号 is empty (a required column)")
    ]


def test_prefixed_element_names_are_scanned(tmp_path: Path) -> None:
    # <x:c> as some .NET writers do: calamine reads local names, so the scan must too
    rows = orders()
    rows[3] = [*rows[3], Raw('<c r="XFD3" t="inlineStr"><is><t>x</t></is></c>')]
    xml = sheet_data(rows)
    xml = re.sub(rb"<(/?)(sheetData|row|c|is|t|v|f)([ >/])", rb"<\1x:\2\3", xml)
    data = rezip(
        base_book(),
        {
            SHEET: lambda x: re.sub(
                rb"<sheetData>.*</sheetData>|<sheetData\s*/>", lambda _: xml, x, flags=re.S
            ).replace(
                b"<worksheet ",
                b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ',
            )
        },
    )
    save(tmp_path, "订单.xlsx", data)
    assert error(tmp_path).startswith("订单.xlsx: sheet 订单 has a cell at XFD3 far from the data")


# --- 4. long ids stored as numbers ----------------------------------------------------------


def test_numeric_ids_that_lost_digits_are_rejected_not_merged(tmp_path: Path) -> None:
    # 40 different 19-digit order ids typed as numbers: Excel keeps ~15 digits, so they are
    # all 6917123456789012xxx → one double; each row is rejected, never merged into one order
    rows: dict[int, list[Any]] = {1: list(HEADER)}
    for i in range(40):
        oid = 6917123456789012300 + i
        rows[2 + i] = [Raw(f'<c r="{{ref}}"><v>{oid}</v></c>'), f"S{i}", PAID, "已完成", None]
    rows[42] = [Raw('<c r="{ref}" t="n"><v>6.9171234567890125E+18</v></c>'), "S40", PAID, "已完成", None]
    rows[43] = ["6917123456789012399", "S41", PAID, "已完成", None]  # text: exact
    save(tmp_path, "订单.xlsx", with_rows(rows))
    shop = load(tmp_path)
    assert counts(report(shop, "订单.xlsx")) == (42, 1, 0, 41)
    assert sorted(shop.frames["orders"]["order_id"].to_list()) == ["6917123456789012399", "9001"]
    rejected = problems(shop)
    assert len(rejected) == 41
    assert rejected[0] == (
        "订单.xlsx [订单]",
        2,
        "主订单编号",
        "主订单编号 is a number cell in Excel and lost its last digits (6917123456789012300); "
        "re-export, or format the column as text before saving",
        "rejected",
    )
    assert rejected[-1][1:3] == (42, "主订单编号")
    assert "(6.9171234567890125E+18)" in rejected[-1][3]


def test_numeric_id_in_an_optional_column_is_emptied(tmp_path: Path) -> None:
    rows = orders()
    rows[3][4] = Raw('<c r="{ref}"><v>7812345678901234567</v></c>')  # 快递单号 as a number
    save(tmp_path, "订单.xlsx", with_rows(rows))
    shop = load(tmp_path)
    assert counts(report(shop, "订单.xlsx")) == (3, 3, 0, 0)
    lines = shop.frames["orders"]
    assert lines.filter(order_id="1002")["tracking_no"].to_list() == [None]
    assert problems(shop) == [
        (
            "订单.xlsx [订单]",
            3,
            "快递单号",
            "快递单号 is a number cell in Excel and lost its last digits (7812345678901234567): left "
            "empty, row kept; re-export, or format the column as text before saving",
            "problem",
        )
    ]


def test_short_numeric_ids_are_exact(tmp_path: Path) -> None:
    rows = orders()
    rows[2][0] = 1001
    rows[3][0] = Raw('<c r="{ref}" t="n"><v>3600000791</v></c>')
    rows[4][0] = Raw('<c r="{ref}"><v>999999999999999</v></c>')  # 15 digits: exact in a double
    rows[4][1] = 1001.0
    save(tmp_path, "订单.xlsx", with_rows(rows))
    shop = load(tmp_path)
    assert counts(report(shop, "订单.xlsx")) == (3, 3, 0, 0)
    assert sorted(shop.frames["orders"]["order_id"].to_list()) == [
        "1001",
        "3600000791",
        "9001",
        "999999999999999",
    ]
    assert "1001" in shop.frames["order_lines"]["sub_order_id"].to_list()


def test_long_numbers_outside_id_columns_are_not_touched(tmp_path: Path) -> None:
    rows = orders()
    rows[1].append("金额")
    rows[2].append(Raw('<c r="{ref}"><v>1.5E+20</v></c>'))
    save(tmp_path, "订单.xlsx", with_rows(rows))
    shop = load(tmp_path)
    assert counts(report(shop, "订单.xlsx")) == (3, 3, 0, 0)
    assert problems(shop) == []


# --- 5. big cells, odd names, files that change ---------------------------------------------


def test_a_megabyte_cell(tmp_path: Path) -> None:
    rows = orders()
    rows[1].append("商家备注")
    rows[3].append("备" * 1_000_000)
    save(tmp_path, "订单.xlsx", with_rows(rows))
    shop = load(tmp_path)
    assert counts(report(shop, "订单.xlsx")) == (3, 3, 0, 0)


@pytest.mark.parametrize("name", ["订单[1].xlsx", "订单*?.xlsx", "~订单{a,b}.xlsx"])
def test_file_names_with_glob_characters(tmp_path: Path, name: str) -> None:
    save(tmp_path, name, with_rows(orders()))
    shop = load(tmp_path)
    assert counts(report(shop, name)) == (3, 3, 0, 0)


def test_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    name = os.fsdecode("订单".encode("gbk") + b".xlsx")  # a GBK name on a UTF-8 system
    save(tmp_path, name, with_rows(orders()))
    shop = load(tmp_path)
    assert counts(report(shop, "订单.xlsx")) == (3, 3, 0, 0)  # shown decoded as GB18030
    (tmp_path / name).write_bytes(b"")
    msg = error(tmp_path)
    assert msg == "订单.xlsx: empty file (0 bytes); download the export again"
    msg.encode("utf-8")  # printable


def test_file_that_changes_while_being_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = save(tmp_path, "订单.xlsx", with_rows(orders()))
    real_open = Path.open

    def growing_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        fh = real_open(self, *args, **kwargs)
        if self.name == path.name:
            with real_open(self, "ab") as writer:  # the download is still running
                writer.write(b"\0" * 100)
        return fh

    monkeypatch.setattr(Path, "open", growing_open)
    assert error(tmp_path) == (
        "订单.xlsx: changed while being read; re-run when the download/save has finished"
    )


def test_file_truncated_between_stat_and_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = save(tmp_path, "订单.xlsx", with_rows(orders()))
    real_open = Path.open

    def truncating_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == path.name:
            os.truncate(self, 100)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", truncating_open)
    assert error(tmp_path) == (
        "订单.xlsx: changed while being read; re-run when the download/save has finished"
    )


# --- 6. row numbers as the sheet shows them ----------------------------------------------------


def test_rows_and_cells_named_as_in_the_sheet(tmp_path: Path) -> None:
    # blank rows 1-4, a title on row 5, the header on row 7, data from column C
    rows = orders(3, start=8)
    rows[5] = ["订单导出"]
    rows[9][2] = "not a time"
    rows[10][0] = Raw('<c r="{ref}"><v>6917123456789012345</v></c>')
    save(tmp_path, "订单.xlsx", with_rows(rows, first_col=2))
    shop = load(tmp_path)
    f = report(shop, "订单.xlsx")
    assert (f.header_row, f.preamble_rows) == (7, 1)
    assert counts(f) == (3, 1, 0, 2)
    assert [(r[1], r[2]) for r in problems(shop)] == [(9, "支付完成时间"), (10, "主订单编号")]
    rows[9][2] = Raw('<c r="{ref}"><f>NOW()</f></c>')
    save(tmp_path, "订单.xlsx", with_rows(rows, first_col=2))
    assert error(tmp_path).startswith("订单.xlsx [订单]: cell E9 (支付完成时间) holds a formula")


def test_header_after_many_blank_rows(tmp_path: Path) -> None:
    rows = orders(2, start=41)  # header on row 40
    save(tmp_path, "订单.xlsx", with_rows(rows))
    shop = load(tmp_path)
    f = report(shop, "订单.xlsx")
    assert (f.header_row, counts(f)) == (40, (2, 2, 0, 0))


# --- the property: whatever the bytes, an error naming the file or rows accounted for ----------

_VALID = with_rows(
    {
        1: ["订单导出"],
        2: list(HEADER),
        3: ["1001", "2001", PAID, "已完成", 1234],
        4: [Raw('<c r="{ref}"><v>6917123456789012345</v></c>'), "2002", PAID, "已完成", None],
        5: ["1003", "2003", "bad", "已完成", "YT3"],
        6: ["1003", "2003", PAID, "已完成", Raw('<c r="{ref}" t="str"><f>"YT"&amp;3</f><v>YT3</v></c>')],
        7: ["合计", None, None, None, None],
    }
)


def _outcome(folder: Path, data: bytes) -> None:
    for p in folder.iterdir():
        p.unlink()
    save(folder, "订单.xlsx", data)
    for shop in api.load(folder):
        if shop.error is not None:
            assert "\n" not in shop.error, shop.error
            assert "订单.xlsx" in shop.error, shop.error
            continue
        for f in shop.report.files:
            assert f.rows_read == f.rows_kept + f.duplicates + f.rejected, f


def test_the_valid_workbook_of_the_property(tmp_path: Path) -> None:
    shop = load(save(tmp_path, "订单.xlsx", _VALID).parent)
    assert counts(report(shop, "订单.xlsx")) == (5, 2, 0, 3)


_settings = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_settings
@given(
    flips=st.lists(st.tuples(st.integers(0, len(_VALID) - 1), st.integers(1, 255)), min_size=1, max_size=6),
    cut=st.one_of(st.none(), st.integers(0, len(_VALID))),
)
def test_flipped_or_truncated_bytes(tmp_path: Path, flips: list[tuple[int, int]], cut: int | None) -> None:
    data = bytearray(_VALID)
    for i, x in flips:
        data[i] ^= x
    _outcome(tmp_path, bytes(data[:cut] if cut is not None else data))


_SHEET_XML = zipfile.ZipFile(io.BytesIO(_VALID)).read(SHEET)


@_settings
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, len(_SHEET_XML) - 1),
            st.sampled_from([b"", b"<", b">", b"/", b'"', b"9", b"Z", b"X", b"<f>1</f>", b"\x00", b"\xff"]),
            st.integers(0, 3),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_damaged_sheet_xml(tmp_path: Path, edits: list[tuple[int, bytes, int]]) -> None:
    # the zip is sound (CRCs right), the XML inside is not: what calamine sees directly
    xml = bytearray(_SHEET_XML)
    for pos, new, span in edits:
        pos = min(pos, len(xml))
        xml[pos : pos + span] = new
    _outcome(tmp_path, rezip(_VALID, {SHEET: lambda _: bytes(xml)}))
