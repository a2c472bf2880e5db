"""Read XLSX/XLSM workbooks into raw string tables, whatever the file holds (SPEC §1).

A workbook is read from one snapshot of its bytes (a file still being downloaded or saved
is an error, never half a table). Every way a damaged or hostile file can fail inside the
zip, XML or calamine layers becomes a one-line :class:`ShopscoreError` naming the file (and
the sheet and cell where known) and what to do. Before calamine (through fastexcel) loads a
sheet, the sheet's XML is streamed once from the zip and checked:

* a cell far from the data (``XFD1048576``, a header row of 100,000 columns) would make
  calamine allocate the whole dense range and abort the process: an input error;
* a formula cell without a saved value reads as empty (a paid order would silently become
  unpaid): one in a column the header maps is an input error;
* a number cell of 16 or more digits lost its last digits inside Excel (a double keeps ~15):
  in an id column its row is rejected (its cell emptied when the column is optional), so
  orders are never merged.

The common case stays cheap: each chunk of XML is searched once by RE2 (pyarrow, outside
the GIL) for any of these patterns; only chunks with a hit are parsed cell by cell.
"""

from __future__ import annotations

import functools
import io
import math
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import polars as pl

from shopscore.errors import ShopscoreError
from shopscore.loaders import messages
from shopscore.loaders.readers import HEADER_SCAN_ROWS, RawTable, _first_line, _pick_header, _table
from shopscore.loaders.report import safe_text
from shopscore.loaders.schemas import Dataset, Schema

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}

#: a sheet with a cell beyond this column is no export (the widest 抖店 export has ~100)
MAX_COLUMNS = 1000
#: a cell this many cells of dense range away from the data is "far" (calamine allocates
#: 32 bytes per cell of the range, empty or not)
FAR_CELLS = 1_000_000
#: no sheet spanning more cells is read (3.2 GB of range; a 200,000 × 60 export is 12 M)
MAX_CELLS = 100_000_000
_FEW = 10  # this many cells far out are strays; more are a table
#: a number cell at least this large in an id column lost digits (Excel keeps 15)
LOST_DIGITS = 1e15
_CHUNK = 1 << 22  # bytes of sheet XML searched at a time
_LONG_ROW = 1 << 26  # a row longer than this is cut between cells
_MIN_ROW_BYTES = 48  # <row r="9"><c r="A9"><v>1</v></c></row>: no row of data is shorter

_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")  # an OLE compound file: .xls, or an encrypted .xlsx
_ENCRYPTED = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
_REL_TYPE = "/relationships/"
_SAVE_AGAIN = "open it in Excel/WPS and save it again as .xlsx"
_DOWNLOAD_AGAIN = "download the export again, or open it in Excel/WPS and save it again as .xlsx"

# -- sheet XML patterns ------------------------------------------------------------------
# Element names may carry any namespace prefix (<x:c>): calamine reads local names.
_NS = r"(?:[A-Za-z_][\w.-]*:)?"
#: A formula followed by no value, or an empty one (a cell t="str" with <v></v> holds an empty
#: text: told apart in Python).
_BARE_FORMULA = (
    r"f(?:\s[^>]*)?(?:/>|>[^<]*</"
    + _NS
    + r"f\s*>)\s*(?:<"
    + _NS
    + r"v\s*/>|<"
    + _NS
    + r"v\s*>\s*</"
    + _NS
    + r"v\s*>)?\s*</"
    + _NS
    + r"c\s*>"
)
#: Anything in a chunk of sheet XML that needs a closer look (RE2 and Python syntax alike):
#: a formula without a saved value; a number of 16+ digits or in exponent form; a cell not
#: written as <c r="A1" (no reference, attributes in another order, a lower-case
#: reference); a cell at or right of column {right} (twice as wide as the rows so far), or at
#: or below row {down} (four times as far down as the rows so far).
_SIGNAL = (
    r"<" + _NS + r"(?:(?P<f>" + _BARE_FORMULA.replace("{", "{{").replace("}", "}}") + r")"
    r"|(?P<v>v(?:\s[^>]*)?>\s*-?(?:[0-9]{{16}}|[0-9.]+[eE]))"
    r'|c(?:(?P<odd>[^\sa-z]|\s[^r]|\sr[^=]|\sr=[^"]|\sr="(?:[^A-Z]|[A-Z][^A-Z0-9]))'
    r'|\sr="(?:(?P<right>[A-Z]{{3}}|(?:{right})[0-9])|(?P<down>[A-Z]+0*(?:{down})[^0-9]))))'
)
#: The same for cells written unusually but all with r= (attributes in another order,
#: spaces, quotes, lower case): the reference is looked for among the attributes.
_LOOSE = (
    r"<" + _NS + r"(?:(?P<f>" + _BARE_FORMULA.replace("{", "{{").replace("}", "}}") + r")"
    r"|(?P<v>v(?:\s[^>]*)?>\s*-?(?:[0-9]{{16}}|[0-9.]+[eE]))"
    r"|c\s[^>]*?\br\s*=\s*[\"']\s*(?:(?P<right>[A-Za-z]{{3}}|(?i:{right})[0-9])"
    r"|(?P<down>[A-Za-z]+0*(?:{down})[^0-9])))"
)
_ANY_CELL = r"<" + _NS + r"c[\s/>]"
_CELL_WITH_REF = r"<" + _NS + r"c\s[^>]*\br\s*="
#: the start and end tags of rows and cells: (/ or nothing, row or c, attributes)
_TAG = re.compile(rb"<(/?)" + _NS.encode() + rb"(row|c)(?=[\s/>])([^>]*)>")
_REF_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*["']\s*([A-Za-z]{1,7})([0-9]{1,10})\s*["']""")
_ROW_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*["']\s*([0-9]{1,10})\s*["']""")
_TYPE_ATTR = re.compile(rb"""(?:^|\s)t\s*=\s*["']([^"']*)["']""")
_FORMULA = re.compile(rb"<" + _NS.encode() + rb"f[\s/>]")
_VALUE = re.compile(rb"<" + _NS.encode() + rb"v(?:\s[^>]*?)?(?:/>|>([^<]*)<)")
_INLINE = re.compile(rb"<" + _NS.encode() + rb"is[\s/>]")
_CELL_START = re.compile(rb"<" + _NS.encode() + rb"c[\s/>]")
_CELL_END = re.compile(rb"</" + _NS.encode() + rb"c\s*>")
_ROW_START = re.compile(rb"<" + _NS.encode() + rb"row[\s/>]")
_ROOT = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<\?.*?\?>\s*)?(?:<!--.*?-->\s*)*<([\w.-]+:)?([\w.-]+)", re.S)
_HAS_VALUE = re.compile(rb"<" + _NS.encode() + rb"(?:v>\s*[^\s<]|is[\s>])")


def read_excel(path: Path, schema: Schema) -> Iterator[RawTable | tuple[str, str]]:
    """Each sheet of a workbook: a RawTable, or (sheet name, why it was skipped)."""
    import fastexcel

    data = _snapshot(path)
    _check_format(path, data)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # zipfile on damaged bytes: BadZipFile, NotImplementedError, …
        what = f"a damaged or incomplete zip archive: {_cause_text(exc)}"
        raise _unreadable(path, what, fix=_DOWNLOAD_AGAIN) from exc
    try:
        book = fastexcel.read_excel(data)
        names = book.sheet_names
        parts = _sheet_parts(zf)
    except BaseException as exc:
        raise _unreadable(path, exc) from exc
    for name in names:
        part = parts.get(name)
        if part is None:
            raise _unreadable(path, "the workbook's list of sheets does not match its parts", name)
        target, kind = part
        if kind != "worksheet":
            yield name, messages.SKIP_NO_TABLE(kind=kind)
            continue
        member = _member(zf, target)
        if member is None:
            raise ShopscoreError(
                f"{_shown(path)}: sheet {name}: its data is missing from the file (the workbook lists "
                "the sheet, the part holding it is absent); open it in Excel/WPS and save it again as "
                ".xlsx, or download the export again"
            )
        scan = _scan_sheet(path, name, zf, member, data)
        try:
            sheet = book.load_sheet(name, header_row=None, dtypes="string", skip_rows=0)
            frame = sheet.to_polars()
            # the frame's columns start at the sheet's first used column
            col_index = {c.absolute_index: i for i, c in enumerate(sheet.selected_columns)}
        except BaseException as exc:
            raise _unreadable(path, exc, name) from exc
        # skip_rows=0: frame row i is sheet row i + 1, blank rows above the data included
        start = _first_used_row(frame)
        if start is None:
            try:
                holds_values = _holds_values(zf, member)
            except BaseException as exc:
                raise _unreadable(path, exc, name) from exc
            if holds_values:
                raise _unreadable(path, "its cells cannot be read: the sheet's XML is damaged", name)
            yield name, messages.SKIP_EMPTY_SHEET()
            continue
        frame = frame.rename({c: f"c{i}" for i, c in enumerate(frame.columns)})
        top = [[v if v is not None else "" for v in r] for r in frame.slice(start, HEADER_SCAN_ROWS).rows()]
        found = _pick_header(top, schema)
        if found is None:
            yield name, messages.SKIP_NO_HEADER()
            continue
        raw = _table(path, name, top, frame.slice(start + found.idx + 1), found, start + 1)
        if raw.match is not None:
            _apply_scan(raw, scan, col_index, schema.datasets[raw.match.dataset])
        yield raw


# -- the file as a whole -------------------------------------------------------------------


def _shown(path: Path) -> str:
    """The file name for a message, printable (see :func:`safe_text`)."""
    return safe_text(path.name)


def _snapshot(path: Path) -> bytes:
    """The file's bytes, read once: calamine and the checks below see the same workbook."""
    try:
        before = path.stat()
        with path.open("rb") as fh:
            data = fh.read()
        after = path.stat()
    except OSError as exc:
        raise ShopscoreError(
            f"{_shown(path)}: cannot be read ({exc.strerror or _first_line(exc)}); close the program "
            "holding it, or copy the file and try the copy"
        ) from exc
    changed = (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns)
    if changed or len(data) != after.st_size:
        raise ShopscoreError(
            f"{_shown(path)}: changed while being read; re-run when the download/save has finished"
        )
    return data


def _check_format(path: Path, data: bytes) -> None:
    """Name what the file is when it is no zip archive (an XLSX workbook is one)."""
    shown = _shown(path)
    if not data:
        raise ShopscoreError(f"{shown}: empty file (0 bytes); download the export again")
    if data.startswith(_OLE_MAGIC):
        if any(marker in data for marker in _ENCRYPTED):
            raise ShopscoreError(
                f"{shown}: password-protected (encrypted) workbook; open it in Excel/WPS, remove the "
                "password (File → Info → Protect Workbook / 文件 → 信息 → 保护工作簿) and save it again "
                "as .xlsx"
            )
        raise ShopscoreError(
            f"{shown}: an old-format .xls workbook named .xlsx; open it in Excel/WPS and save it "
            "again as .xlsx"
        )
    if data.startswith(b"PK"):
        return
    head = data[:4096].lstrip(b"\xef\xbb\xbf\r\n\t ").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        what = "a web page or XML file named .xlsx, not a workbook (a failed download?)"
    elif b"\x00" not in head and _is_text(head):
        what = "a text file named .xlsx, not a workbook; if it is a CSV export, rename it to .csv"
    else:
        what = "not a zip archive: the file is damaged or incomplete"
    raise ShopscoreError(f"{shown}: not a readable XLSX workbook ({what}); download the export again")


def _is_text(head: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        try:
            head[:-8].decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _unreadable(
    path: Path, cause: BaseException | str, sheet: str | None = None, fix: str = _SAVE_AGAIN
) -> ShopscoreError:
    """The error for a file the libraries cannot read. Re-raises what is no fault of the file
    (Ctrl-C, exit, a ShopscoreError already worded); a library's error or panic (pyo3's
    PanicException is a BaseException) is the file's."""
    if isinstance(cause, BaseException):
        if isinstance(cause, ShopscoreError):
            raise cause
        if not isinstance(cause, Exception) and type(cause).__name__ != "PanicException":
            raise cause
        cause = _cause_text(cause)
    where = f": sheet {sheet}" if sheet is not None else ""
    return ShopscoreError(f"{_shown(path)}{where}: not a readable XLSX workbook ({cause}); {fix}")


def _cause_text(exc: BaseException) -> str:
    text = _first_line(exc) if isinstance(exc, Exception) else type(exc).__name__
    text = text.removeprefix("calamine error: ").strip()
    return text[:200] or type(exc).__name__


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    """Per sheet name: (zip member holding it, kind: worksheet / chart sheet / …), from the
    workbook and its relationships, as calamine reads them."""
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets: dict[str, tuple[str, str]] = {}
    for rel in rels.iter():
        if not str(rel.tag).endswith("Relationship"):
            continue
        rid, target, rtype = rel.get("Id"), rel.get("Target"), rel.get("Type", "")
        if rid is None or target is None:
            continue
        member = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        kind = rtype.rpartition(_REL_TYPE)[2] if _REL_TYPE in rtype else rtype
        if kind.lower() == "chartsheet":
            kind = "chart sheet"
        targets[rid] = (posixpath.normpath(member), kind.lower() or "worksheet")
    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    out: dict[str, tuple[str, str]] = {}
    for el in book.iter():
        if not (str(el.tag).endswith("}sheet") or el.tag == "sheet"):
            continue
        name = el.get("name")
        rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
        if name is not None and rid in targets:
            out[name] = targets[rid]
    return out


def _member(zf: zipfile.ZipFile, name: str) -> str | None:
    """The zip member ``name``, its case aside (as the relationships may spell it)."""
    if name in zf.NameToInfo:
        return name
    return next((n for n in zf.NameToInfo if n.lower() == name.lower()), None)


def _first_used_row(frame: pl.DataFrame) -> int | None:
    """Index of the first row with a non-empty cell (None: the sheet is empty)."""
    if frame.height == 0 or frame.width == 0:
        return None
    used = frame.select(pl.any_horizontal(pl.all().is_not_null()).arg_true().first()).item()
    return None if used is None else int(used)


# -- the sheet XML scan --------------------------------------------------------------------


@dataclass
class _Scan:
    """What one pass over a sheet's XML found (rows 1-based, columns 0-based, as in Excel)."""

    #: formula cells without a saved value
    formulas: list[tuple[int, int]] = field(default_factory=list)
    #: number cells of 16+ digits (or in exponent form, ≥ 1e15): (row, column, the XML text)
    numbers: list[tuple[int, int, str]] = field(default_factory=list)
    last_row: int = 0  # the largest row seen so far
    width: int = 0  # the largest column + 1 of the cells not far to the right
    wide: int = 0  # cells at or beyond MAX_COLUMNS
    widest: tuple[int, int] | None = None  # the cell with the largest column
    first_wide: tuple[int, int] | None = None  # the first of them in the file
    #: cells far to the right of the rows before them, in this chunk
    right: list[tuple[int, int]] = field(default_factory=list)
    #: such cells of the chunks where they were few (strays, not a table's columns)
    strays: list[tuple[int, int]] = field(default_factory=list)
    down: tuple[int, int, int] | None = None  # (row, column, last row before it): a jump down
    cursor: tuple[int, int] = (0, -1)  # (row, column) of the last element, for cells without r=

    def thresholds(self, cut: int) -> tuple[int, int]:
        """(column, row) from which a cell of the next ``cut`` bytes is looked at: twice the
        width so far (from column DA, always from AAA), four times the rows so far plus the
        most rows ``cut`` bytes can hold (rows come in order)."""
        down = 4 * (self.last_row + cut // _MIN_ROW_BYTES) + 10_000
        step = 10 ** max(len(str(down)) - 2, 0)  # two significant digits: few distinct patterns
        return min(max(104, 2 * self.width), 702), -(-down // step) * step


def _scan_sheet(path: Path, sheet: str, zf: zipfile.ZipFile, member: str, data: bytes) -> _Scan:
    """Stream the sheet's XML once; raise when calamine must not load it. The next block is
    inflated in a helper thread while this one is searched (both outside the GIL)."""
    from concurrent.futures import ThreadPoolExecutor

    scan = _Scan()
    rest = b""
    try:
        blocks = _xml_blocks(zf, member, data)
        with ThreadPoolExecutor(1, thread_name_prefix="xlsx-scan") as pool:
            pending = pool.submit(next, blocks, b"")
            first = True
            while True:
                block = pending.result()
                if block:
                    pending = pool.submit(next, blocks, b"")
                buf = rest + block if rest else block
                if block and len(buf) < _CHUNK:  # a chunk is searched once it is full
                    rest = buf
                    continue
                if first:
                    _check_root(path, sheet, buf)
                    first = False
                cut = _cut(buf) if block else len(buf)
                rest = buf[cut:]
                if cut:
                    _scan_chunk(buf, cut, scan)
                if not block or scan.wide > _FEW:
                    break
    except BaseException as exc:
        raise _unreadable(path, exc, sheet) from exc
    _check_range(path, sheet, scan)
    return scan


def _xml_blocks(zf: zipfile.ZipFile, member: str, data: bytes) -> Iterator[bytes]:
    """The member's bytes, inflated a block at a time. A deflated member is inflated straight
    from the archive's bytes ``data`` (calamine checks its CRC); others go through zipfile."""
    info = zf.getinfo(member)
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:
        with zf.open(member) as fh:
            while block := fh.read(_CHUNK):
                yield block
        return
    raw = memoryview(data)
    header = bytes(raw[info.header_offset : info.header_offset + 30])
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {member}")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    packed = raw[start : start + info.compress_size]
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    pos, step = 0, _CHUNK // 8
    piece: bytes | memoryview
    while not inflater.eof:
        if inflater.unconsumed_tail:  # no block larger than _CHUNK, whatever the ratio
            piece = inflater.unconsumed_tail
        elif pos < len(packed):
            piece, pos = packed[pos : pos + step], pos + step
        else:
            piece = b""  # output zlib still holds
        block = inflater.decompress(piece, _CHUNK)
        if block:
            yield block
        elif not piece:
            raise EOFError("the compressed sheet ends before its end-of-stream marker")


def _check_root(path: Path, sheet: str, head: bytes) -> None:
    """calamine reads a sheet whose XML does not open with <worksheet> as empty (and says so
    on stderr): its rows would be lost without a word."""
    m = _ROOT.match(head)
    if m is None or m.group(2) != b"worksheet":
        found = m.group(2).decode("ascii", "replace")[:40] if m else "no XML"
        what = f"its XML opens with <{found}>, not <worksheet>" if m else "its XML is empty or damaged"
        raise _unreadable(path, what, sheet)


def _holds_values(zf: zipfile.ZipFile, member: str) -> bool:
    """Whether the sheet's XML has a cell with a value (after calamine read it as empty)."""
    tail = b""
    with zf.open(member) as fh:
        while block := fh.read(_CHUNK):
            if _HAS_VALUE.search(tail + block):
                return True
            tail = block[-64:]
    return False


def _scan_chunk(buf: bytes, cut: int, scan: _Scan) -> None:
    """``buf[:cut]``, then what its cells far to the right are: a few are strays, many are
    the columns of a table wider than the rows before."""
    right, down = scan.thresholds(cut)
    _search_chunk(buf, cut, scan, right, down)
    if len(scan.right) > _FEW:  # a table's columns: the rows are this wide
        scan.width = max(scan.width, *(col + 1 for _, col in scan.right))
    else:
        scan.strays.extend(scan.right)
    scan.right.clear()


def _search_chunk(buf: bytes, cut: int, scan: _Scan, right: int, down: int) -> None:
    """One search by RE2 for anything unusual, the hits (if any) looked at one by one. Cells
    written unusually are searched again with a looser pattern; the chunk is parsed cell by
    cell only when some cell has no r= (calamine places it after the cell before it)."""
    import pyarrow as pa

    offsets = pa.py_buffer(struct.pack("<ii", 0, cut))
    values = pa.Array.from_buffers(pa.binary(), 1, [None, offsets, pa.py_buffer(memoryview(buf)[:cut])])
    if not _re2(values, "match", _pattern(_SIGNAL, right, down)):
        _tail(buf[max(cut - (1 << 17), 0) : cut], scan)
        return
    chunk = buf[:cut]
    hits = []
    for hit in _signal(_SIGNAL, right, down).finditer(chunk):
        if hit.group("odd"):
            if _re2(values, "count", _ANY_CELL) != _re2(values, "count", _CELL_WITH_REF):
                _parse_chunk(chunk, scan, right)
                return
            loose = _signal(_LOOSE, right, down)
            if not _re2(values, "match", _pattern(_LOOSE, right, down)):
                _tail(chunk, scan)
                return
            hits = list(loose.finditer(chunk))
            break
        hits.append(hit)
    done = -1
    for hit in hits:
        if scan.wide > _FEW:
            return  # no export: the sheet is refused, whatever else it holds
        far = bool(hit.group("right") or hit.group("down"))
        start = hit.start() if far else _cell_start(chunk, hit.start())
        if start is None or start <= done:
            continue  # not in a cell (an <xm:f> of a validation rule), or seen
        tag = _TAG.match(chunk, start)
        ref = _REF_ATTR.search(tag.group(3)) if tag else None
        if tag is None or ref is None:
            continue
        done = start
        if hit.group("down"):  # how far down the cells before it reach
            _tail(chunk[max(start - (1 << 17), 0) : start], scan)
        after = _TAG.search(chunk, tag.end())
        content = None if tag.group(3).endswith(b"/") else chunk[tag.end() : after.start() if after else cut]
        row, col = int(ref.group(2)), _col_number(ref.group(1))
        _examine(scan, row, col, tag.group(3), content, right if far else None)
    _tail(chunk, scan)


def _re2(values: Any, what: str, pattern: str) -> Any:
    """RE2 (pyarrow's ``match_substring_regex``/``count_substring_regex``) over one binary
    value. pyarrow._compute, not pyarrow.compute: the latter takes 0.2 s to import."""
    from pyarrow._compute import MatchSubstringOptions, call_function

    return call_function(f"{what}_substring_regex", [values], MatchSubstringOptions(pattern))[0].as_py()


@functools.lru_cache(maxsize=256)
def _pattern(template: str, right: int, down: int) -> str:
    """``template`` for cells at or right of column ``right``, at or below row ``down``."""
    return template.format(right=_letters_from(right), down=_at_least(down))


@functools.lru_cache(maxsize=64)
def _signal(template: str, right: int, down: int) -> re.Pattern[bytes]:
    """The same, compiled by Python (for the chunks where RE2 found something)."""
    return re.compile(_pattern(template, right, down).encode())


def _letters_from(col: int) -> str:
    """A regex for the two-letter column names from ``col`` (104 … 702) on."""
    name = _col_letters(min(col, 701))
    if len(name) < 2:
        return "[A-Z][A-Z]"
    a, b = name[0], name[1]
    alts = [f"{a}[{b}-Z]"]
    if a != "Z":
        alts.append(f"[{chr(ord(a) + 1)}-Z][A-Z]")
    return "|".join(alts) if col < 702 else "[^\\s\\S]"


def _at_least(n: int) -> str:
    """A regex matching the decimal numbers ≥ n (no leading zeros)."""
    s = str(n)
    alts = [f"[1-9][0-9]{{{len(s)},}}"]
    for i, ch in enumerate(s):
        if ch != "9":
            alts.append(f"{s[:i]}[{int(ch) + 1}-9][0-9]{{{len(s) - i - 1}}}")
    alts.append(s)
    return "|".join(alts)


def _cell_start(chunk: bytes, pos: int) -> int | None:
    """Where the cell holding the tag at ``pos`` starts (None: the tag is in no cell)."""
    j = pos
    for _ in range(16):
        j = chunk.rfind(b"<", 0, j)
        if j < 0 or _CELL_END.match(chunk, j) or _ROW_START.match(chunk, j):
            return None
        if _CELL_START.match(chunk, j):
            return j
    return None


def _cut(buf: bytes) -> int:
    """Where to end a chunk: after its last </row> (rows are never split), else — in a row
    longer than _LONG_ROW — before its last cell; 0: read on."""
    i = buf.rfind(b"row>")
    while i > 0:
        j = buf.rfind(b"<", 0, i)
        if j >= 0 and buf[j + 1 : j + 2] == b"/":
            return i + 4
        i = buf.rfind(b"row>", 0, max(j, 0))
    if len(buf) < _LONG_ROW:
        return 0
    starts = [m.start() for m in _CELL_START.finditer(buf, len(buf) - (1 << 20))]
    return starts[-1] if starts and starts[-1] > 0 else len(buf)


def _tail(chunk: bytes, scan: _Scan) -> None:
    """The bounds after ``chunk`` (rows come in order): its last cell with a reference,
    looked for in its last 512 bytes, else further back."""
    for size in (512, 8192, 1 << 17):
        last = None
        for tag in _TAG.finditer(chunk, max(len(chunk) - size, 0)):
            if tag.group(2) == b"c" and not tag.group(1):
                last = tag
        ref = _REF_ATTR.search(last.group(3)) if last else None
        if ref:
            row, col = int(ref.group(2)), _col_number(ref.group(1))
            scan.last_row = max(scan.last_row, row)
            if col < 2 * max(scan.width, 52):  # the row's last cell, not a stray one
                scan.width = max(scan.width, col + 1)
            scan.cursor = (row, col)
            return
        if size >= len(chunk):
            return


def _parse_chunk(chunk: bytes, scan: _Scan, right: int) -> None:
    """Every row and cell of the chunk in order, placing cells without r= as calamine does.
    (Tags are found one after the other, so a damaged chunk costs no more than a sound one.)"""
    row, col = scan.cursor
    tags = list(_TAG.finditer(chunk))
    for i, tag in enumerate(tags):
        closing, name, attrs = tag.groups()
        if closing:
            continue
        if name == b"row":  # cells without r= are placed from here
            r = _ROW_ATTR.search(attrs)
            row, col = (int(r.group(1)) if r else row + 1), -1
            continue
        ref = _REF_ATTR.search(attrs)
        if ref:
            row, col = int(ref.group(2)), _col_number(ref.group(1))
        else:
            row, col = max(row, 1), col + 1
        if attrs.endswith(b"/"):
            continue  # <c r="A1" s="1"/>: an empty (styled) cell
        if scan.wide > _FEW:
            break  # no export: the sheet is refused, whatever else it holds
        end = tags[i + 1].start() if i + 1 < len(tags) else len(chunk)
        _examine(scan, row, col, attrs, chunk[tag.end() : end], right)
    scan.cursor = (row, col)


def _examine(scan: _Scan, row: int, col: int, attrs: bytes, content: bytes | None, right: int | None) -> None:
    """One cell at (row, col): its place in the range (when ``right`` is given: a cell from
    that column on is far to the right), a formula without a value, a number that lost
    digits."""
    if content is None or not content.strip():
        return  # an empty (styled) cell: calamine does not place it
    if col >= MAX_COLUMNS:
        scan.wide += 1
        scan.first_wide = scan.first_wide or (row, col)
        if scan.widest is None or (col, row) > (scan.widest[1], scan.widest[0]):
            scan.widest = (row, col)
    elif right is not None and col >= right:
        scan.right.append((row, col))
    else:
        scan.width = max(scan.width, col + 1)
    jump = right is not None and scan.last_row and row > 4 * scan.last_row + 10_000
    if jump and (scan.down is None or row > scan.down[0]):
        scan.down = (row, col, scan.last_row)
    scan.last_row = max(scan.last_row, row)
    t = _TYPE_ATTR.search(attrs)
    cell_type = t.group(1).decode("ascii", "replace") if t else "n"
    value = _VALUE.search(content)
    if _FORMULA.search(content) and not _INLINE.search(content):
        saved = value is not None and (
            bool((value.group(1) or b"").strip()) or (cell_type == "str" and value.group(1) is not None)
        )
        if not saved:
            scan.formulas.append((row, col))
    if cell_type == "n" and value is not None and value.group(1):
        text = value.group(1).strip().decode("ascii", "replace")
        if _lost_digits(text):
            scan.numbers.append((row, col, text))


def _lost_digits(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return not math.isnan(value) and abs(value) >= LOST_DIGITS


def _check_range(path: Path, sheet: str, scan: _Scan) -> None:
    """A cell far from the data is an error before calamine allocates the range it spans
    (32 bytes per cell, empty or not)."""
    where = f"{_shown(path)}: sheet {sheet}"
    stray = "far from the data: delete it, or copy the data to a new sheet"
    if scan.widest is not None:
        row, col = scan.widest
        if scan.wide > _FEW and scan.first_wide is not None:  # the scan stopped there
            row, col = scan.first_wide
            raise ShopscoreError(
                f"{where} has more than {_FEW} cells right of column {_col_letters(MAX_COLUMNS - 1)} (the "
                f"first at {_ref(row, col)}); an export has at most a few hundred columns: delete the "
                "extra columns, or copy the data to a new sheet"
            )
        raise ShopscoreError(f"{where} has a cell at {_ref(row, col)} {stray}")
    rows = scan.last_row
    rightmost = max(scan.strays, key=lambda cell: (cell[1], cell[0]), default=None)
    if rightmost is not None and len(scan.strays) <= _FEW:
        row, col = rightmost
        if rows * (col + 1) > FAR_CELLS:
            raise ShopscoreError(f"{where} has a cell at {_ref(row, col)} {stray}")
    if scan.down is not None:
        row, col, before = scan.down
        if row * max(scan.width, 1) > FAR_CELLS:
            raise ShopscoreError(
                f"{where} has a cell at {_ref(row, col)} far from the data (which ends at row {before}): "
                "delete it, or copy the data to a new sheet"
            )
    cols = max(scan.width, rightmost[1] + 1 if rightmost else 0)
    if rows * cols > MAX_CELLS:
        raise ShopscoreError(
            f"{where} spans {rows} rows × {cols} columns, more than shopscore reads at once: delete "
            "the rows and columns that hold no export data, or split the sheet"
        )


def _col_number(letters: bytes) -> int:
    """``A`` → 0, ``XFD`` → 16383."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n - 1


def _col_letters(col: int) -> str:
    """0 → ``A``: openpyxl's column letters (imported only for a message)."""
    from openpyxl.utils.cell import get_column_letter

    return get_column_letter(col + 1)


def _ref(row: int, col: int) -> str:
    return f"{_col_letters(col)}{row}"


# -- applying the scan to the table --------------------------------------------------------


def _apply_scan(raw: RawTable, scan: _Scan, col_index: dict[int, int], dataset: Dataset) -> None:
    """Formula cells without a value in mapped columns: an error. Number cells that lost
    digits in id columns: the row rejected (key or required column), else the cell emptied."""
    assert raw.match is not None
    mapped: dict[int, str] = dict(raw.match.mapping)
    for fallback, extra in raw.match.fallbacks.items():
        mapped.update({i: fallback for i in extra})
    first = raw.header_row + 1  # sheet row of raw.frame's row 0
    missing = [(r, c) for r, c in scan.formulas if r >= first and col_index.get(c) in mapped]
    if missing:
        row, col = missing[0]
        header = raw.header[col_index[col]]
        more = f" (and {len(missing) - 1} more such cells)" if len(missing) > 1 else ""
        raise ShopscoreError(
            f"{raw.display}: cell {_ref(row, col)} ({header}) holds a formula with no saved value{more}: "
            "open the file in Excel/WPS and save it, so the values are stored"
        )
    if not scan.numbers:
        return
    present = set(mapped.values())
    strict = set(dataset.required) | set(_key(dataset, present))
    emptied: dict[int, list[int]] = {}
    for row, col, text in scan.numbers:
        k = col_index.get(col)
        column = mapped.get(k) if k is not None else None
        if column is None or k is None or dataset.columns[column].type != "id" or row < first:
            continue
        i = row - first
        if i >= raw.frame.height:
            continue
        header = raw.header[k]
        if column in strict:
            raw.rejects.setdefault(i, (header, messages.LOST_DIGITS_REJECTED(header=header, text=text)))
        else:
            emptied.setdefault(k, []).append(i)
            raw.notes.append((i, header, messages.LOST_DIGITS_EMPTIED(header=header, text=text)))
    if emptied:
        index = pl.int_range(pl.len())
        raw.frame = raw.frame.with_columns(
            pl.when(index.is_in(rows)).then(None).otherwise(pl.col(f"c{k}")).alias(f"c{k}")
            for k, rows in emptied.items()
        )


def _key(dataset: Dataset, present: set[str]) -> tuple[str, ...]:
    """The dataset's key as normalize chooses it: the first whose columns are all present."""
    for key in dataset.keys:
        if all(k in present for k in key):
            return key
    return tuple(k for k in dataset.keys[-1] if k in present)
