"""Delimited text exports (.csv/.tsv/.txt) → a RawTable of strings (SPEC §1).

Rows are records as a spreadsheet (Excel, WPS) shows them and numbers them: a quoted cell
may hold line breaks and is still one row; CR, LF and CRLF all end a row; a quote inside
an unquoted cell (``12"披萨``) is a character. The file is read once into memory (so a file
still being written cannot change under us: size and time are compared before and after)
and never handed to a library as a path (``订单导出[1].csv`` is not a glob pattern).

1. Encoding, on evidence: UTF-8 (BOM or not), UTF-16 (BOM, or NUL in every other byte),
   else GB18030 when most non-ASCII sequences are not valid UTF-8 — one bad byte does not
   make a UTF-8 export mojibake. Undecodable bytes become U+FFFD, and the row and column
   of each cell holding one are noted.
2. Header: the first 20 records for each candidate delimiter, cut by :mod:`csv`; the one
   matching the most aliases is the header, the records above it are preamble. A header
   of more than 2,000 columns, or one that swallowed a data row, is refused.
3. Rows: pyarrow reads the rows that have as many cells as the header (single-threaded,
   so it can number the others) and hands back the others, which :mod:`csv` re-cuts —
   with the header's delimiter too when the rows use another (a comma header over tab
   rows) — and :func:`_judge` keeps, pads or rejects by SPEC §1, in place.

The fast read, for the usual file: pyarrow's tokeniser checks that every row has the
header's cells (converting the first column only), then polars reads the columns that
are read, and the first, in parallel from the file itself (the bytes are let go of
first; the file's size and time are compared after). polars' rows must be pyarrow's,
first cells equal, and no first cell blank (such a row must be seen whole); anything
else is read the careful way above.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import polars as pl

from shopscore.errors import ShopscoreError
from shopscore.loaders import messages
from shopscore.loaders.parse import _STRIP, clean_frame
from shopscore.loaders.privacy import is_pii_header

if TYPE_CHECKING:
    import pyarrow as pa

    from shopscore.loaders.readers import RawTable, _Header
    from shopscore.loaders.schemas import HeaderMatch, Schema

TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
DELIMITERS = (",", "\t", ";", "|")
#: an export has a few dozen columns (the 抖店 after-sales export: 50); more is another file
MAX_COLUMNS = 2000
_SNIFF_BYTES = 256 * 1024
_SCAN_ROWS = 20  # readers.HEADER_SCAN_ROWS (SPEC §1: the header is among the first 20 rows)
_NOTES_PER_COLUMN = 20
_BLOCK_BYTES = 4 << 20
#: read a file whose every row has the header's cells with polars' parallel reader, only
#: the columns read (tests turn it off to compare with the careful read)
FAST_READ = True
#: …from this size on: below it, two readers' fixed costs outweigh the parallel parse
FAST_READ_BYTES = 1 << 20
#: a cell the reader rejected: never parsed, never shown (it only keeps the row counted)
_REJECTED_CELL = "[row rejected by the reader]"
#: what no column name holds: an order id, a phone number (a header holding one ran into a
#: data row; 8 digits could be a date column of a pivot table)
_VALUE = re.compile(r"[0-9]{9,}")
#: headers of buyer data (recipient name, phone, address): never needed, never shown, and
#: a ragged row must not move them into a column that is read

# A 1 MB cell is a cell: the csv module's default limit (128 KiB) would refuse it.
csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))


# --- bytes and encodings ---------------------------------------------------------------------


def _read_all(fh: BinaryIO) -> bytes:
    return fh.read()


def _read_once(path: Path) -> bytes:
    """The file's bytes, read once; an error if it changed meanwhile (a download still
    being written, a workbook being saved)."""
    try:
        before = os.stat(path)
        with path.open("rb") as fh:
            data = _read_all(fh)
            after = os.fstat(fh.fileno())
    except OSError as exc:
        raise ShopscoreError(
            f"{path.name}: cannot be read ({exc.strerror or type(exc).__name__}); close the program "
            "that has it open, or check its permissions"
        ) from exc
    if len(data) != after.st_size or (before.st_size, before.st_mtime_ns) != (
        after.st_size,
        after.st_mtime_ns,
    ):
        raise ShopscoreError(
            f"{path.name}: changed while it was being read; re-run when the download/save has finished"
        )
    return data


def _utf8_evidence(data: bytes, truncated: bool) -> tuple[int, int]:
    """(valid multi-byte UTF-8 characters, invalid byte sequences) in ``data``. A window
    that may end inside a character (``truncated``) is cut at its last line break."""
    if truncated:
        cut = max(data.rfind(b"\n"), data.rfind(b"\r"))
        if cut > 0:
            data = data[:cut]
        else:  # no line break: drop a character cut at the end
            end = len(data)
            while end > 0 and len(data) - end < 3 and data[end - 1] >= 0x80:
                end -= 1
            data = data[:end]
    text = data.decode("utf-8", "replace")
    replaced = text.count("\ufffd")
    literal = data.count("\ufffd".encode())
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return non_ascii - replaced, replaced - literal


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le``/``-be`` when every other byte is NUL (Excel's Unicode text without BOM)."""
    pairs = len(head) // 2
    if pairs < 8:
        return None
    even, odd = head[0 : 2 * pairs : 2].count(0), head[1 : 2 * pairs : 2].count(0)
    if odd > 0.25 * pairs and even < 0.02 * pairs:
        return "utf-16-le"
    if even > 0.25 * pairs and odd < 0.02 * pairs:
        return "utf-16-be"
    return None


def _sniff(head: bytes, truncated: bool) -> tuple[str, int]:
    """(encoding, invalid UTF-8 sequences seen when it is UTF-8)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", _utf8_evidence(head[3:], truncated)[1]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0
    wide = _utf16_without_bom(head)
    if wide:
        return wide, 0
    valid, invalid = _utf8_evidence(head, truncated)
    # GBK text read as UTF-8 is ~80% invalid sequences; a damaged UTF-8 file a few
    return ("utf-8", invalid) if invalid == 0 or valid > invalid else ("gb18030", 0)


def detect_encoding(head: bytes, truncated: bool = True) -> str:
    """UTF-8 (BOM or not), UTF-16 (BOM, or NULs in every other byte), else GB18030 (Excel/
    WPS on Chinese Windows) — decided on evidence: UTF-8 when its valid multi-byte
    characters outnumber its invalid byte sequences, so one bad byte does not turn a UTF-8
    export into mojibake. ``truncated``: ``head`` is a window that may end inside a
    character."""
    return _sniff(head, truncated)[0]


_ENCODING_NAMES = {"utf-8": "UTF-8", "gb18030": "GB18030 (GBK)"}


@dataclass
class _Text:
    """The file as UTF-8 bytes without BOM (a view: a 300 MB export is not copied)."""

    body: memoryview
    encoding: str  # as the seller knows it: UTF-8, GB18030 (GBK), UTF-16
    checked: bool  # ``body`` is known to be valid UTF-8
    replaced: bool  # undecodable bytes became U+FFFD
    stat: os.stat_result | None = None  # the file's, when it was read

    @property
    def in_file(self) -> bool:
        """``body`` is the file's own bytes (UTF-8): polars can read the file itself."""
        return self.encoding == "UTF-8" and not self.replaced

    def drop(self) -> None:
        """Let go of the bytes (the fast read reads the file, or a copy of the rows)."""
        self.body = memoryview(b"")


def _decode(data: bytes, encoding: str, validate: bool) -> _Text:
    if encoding in ("utf-8", "utf-8-sig"):
        raw = memoryview(data)[3:] if data.startswith(codecs.BOM_UTF8) else memoryview(data)
        if not validate:
            return _Text(raw, "UTF-8", checked=False, replaced=False)
        if _valid_utf8(raw):
            return _Text(raw, "UTF-8", checked=True, replaced=False)
        fixed = codecs.utf_8_decode(raw, "replace", True)[0].encode()
        return _Text(memoryview(fixed), "UTF-8", checked=True, replaced=True)
    name = _ENCODING_NAMES.get(encoding, "UTF-16")
    try:
        text, replaced = data.decode(encoding), False
    except UnicodeDecodeError:
        text, replaced = data.decode(encoding, "replace"), True
    return _Text(memoryview(text.removeprefix("\ufeff").encode()), name, checked=True, replaced=replaced)


def _whole_file_encoding(data: bytes) -> str:
    """Where the sniffed head looked like clean UTF-8 but the file is not: decide on the
    evidence of every byte."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    valid, invalid = _utf8_evidence(data, truncated=False)
    return "utf-8" if valid > invalid else "gb18030"


class _NotUtf8(Exception):
    """The body was assumed UTF-8 from its head, and a later byte is not."""


# --- records -----------------------------------------------------------------------------------


def _records(text: str, delimiter: str, limit: int) -> list[tuple[list[str], int]]:
    """The first ``limit`` records of ``text`` as the csv module (and a spreadsheet) reads
    them — a quoted cell may span lines; CR, LF and CRLF end a row — each with the offset
    just past it."""
    consumed = 0

    def lines() -> Iterator[str]:
        nonlocal consumed
        for line in io.StringIO(text, newline=""):
            consumed += len(line)
            yield line

    out: list[tuple[list[str], int]] = []
    try:
        for cells in csv.reader(lines(), delimiter=delimiter):
            out.append((cells, consumed))
            if len(out) >= limit:
                break
    except csv.Error:  # cannot happen with strict=False; stop at what was read
        pass
    return out


def _cells(text: str, delimiter: str) -> list[str]:
    """One row's cells (its text as pyarrow cut it)."""
    return [c for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for c in row]


def _unwrap(cell: str) -> str:
    """A cell as the normaliser cleans it (parse.clean): stripped, ``="…"`` and ``'…``
    unwrapped."""
    cell = cell.strip(_STRIP)
    if cell.startswith('="') and cell.endswith('"'):
        return cell[2:-1].strip(" \t\u3000")
    return cell[1:] if cell.startswith("'") else cell


def _empty(cell: str) -> bool:
    """Empty as the normaliser cleans cells: blank, ``-``, ``--``."""
    return _unwrap(cell) in ("", "-", "--")


def _filled(frame: pl.DataFrame) -> pl.DataFrame:
    """Per cell, whether it holds a value once the normaliser has cleaned it."""
    return clean_frame(frame, frame.columns).select(pl.all().is_not_null())


# --- the header ------------------------------------------------------------------------------


@dataclass
class _Layout:
    """Where the header is and how the rows are cut."""

    records: list[list[str]]  # the records up to and including the header
    found: _Header
    delimiter: str  # the header row's
    data_delimiter: str  # the data rows' (usually the same)
    data_offset: int  # bytes of the body before the first data row
    row_width: int  # cells in most data rows (the header's, unless every row has a trailing delimiter…)


def _find_layout(path: Path, body: memoryview, schema: Schema) -> _Layout:
    """The header among the first 20 records of the best delimiter; the sniffed window
    grows until it holds the whole header row (a 1 MB title cell, 100,000 headers…)."""
    from shopscore.loaders.readers import Unrecognised, _pick_header

    window = _SNIFF_BYTES
    while True:
        head_bytes = body[:window]
        whole = len(head_bytes) == len(body)
        head = codecs.utf_8_decode(head_bytes, "surrogateescape", True)[0]  # offsets map to bytes
        best: tuple[_Header, str, list[tuple[list[str], int]]] | None = None
        for delim in DELIMITERS:
            recs = _records(head, delim, _SCAN_ROWS)
            # a row of 100,000 cells is matched on its first ones (and refused below)
            found = _pick_header([cells[: MAX_COLUMNS + 1] for cells, _ in recs], schema)
            if found is not None and (best is None or found.score > best[0].score):
                best = (found, delim, recs)
        if whole:
            break
        if best is None:
            if head.count("\n") + head.count("\r") >= _SCAN_ROWS:
                break
        elif best[2][best[0].idx][1] < len(head):  # the header row ends inside the window
            break
        window *= 4
    if best is None:
        raise Unrecognised(path)
    found, delim, recs = best
    header, end = recs[found.idx]
    if len(header) > MAX_COLUMNS:
        raise ShopscoreError(
            f"{path.name}: has {len(header)} columns in its header row; an export has at most a few "
            "hundred — is this the right file?"
        )
    if any(("\n" in c or "\r" in c) and delim in c for c in header):
        # a quote opened in a header cell and closed in a row below: data ran into the header
        raise ShopscoreError(
            f"{path.name}: a quote in the header row (row {found.idx + 1}) is not closed on that "
            "row, so the rows below ran into it; remove the stray quote or re-export the file"
        )
    if any(_VALUE.search(c) for c in header):
        # an id or a phone number among the column names: the first row lost its line break
        raise ShopscoreError(
            f"{path.name}: the header row (row {found.idx + 1}) holds values as well as column names "
            "(a lost line break after it?); fix the file or re-export it"
        )
    data_delim, row_width, overfull = _data_shape(head[end:], delim, len(header), whole)
    if overfull:
        # the header does not describe the rows: a line break inside it, or unnamed columns
        raise ShopscoreError(
            f"{path.name}: most rows have {row_width} cells but the header row (row {found.idx + 1}) "
            f"has {len(header)}, and the extra cells hold values (a line break inside the header "
            "row, or columns without a name?); fix the header or re-export the file"
        )
    offset = len(head[:end].encode("utf-8", "surrogateescape"))
    return _Layout([cells for cells, _ in recs[: found.idx + 1]], found, delim, data_delim, offset, row_width)


def _data_shape(rest: str, header_delim: str, width: int, whole: bool) -> tuple[str, int, bool]:
    """(delimiter, cells per row, whether those rows hold values past the header's cells)
    of the first data rows. The delimiter is the header's unless that cuts most rows into
    fewer cells than the header has while another cuts them into the header's cells (SPEC
    §1: a comma header over tab rows). The width is the rows' most common one, so that a
    file whose every row ends in a delimiter the header lacks is read in bulk."""
    cut: dict[str, list[list[str]]] = {}
    fit: dict[str, int] = {}
    for delim in DELIMITERS:
        recs = _records(rest, delim, _SCAN_ROWS + 1)
        if not whole:
            recs = recs[:-1]  # the last one may be cut by the window
        rows = [cells for cells, _ in recs if not all(_empty(c) for c in cells)]
        cut[delim] = rows
        fit[delim] = sum(1 for c in rows if len(c) >= width and all(_empty(x) for x in c[width:]))
    delim = header_delim
    widths = sorted(len(c) for c in cut[header_delim])
    if widths and widths[len(widths) // 2] < width:
        other = max(DELIMITERS, key=lambda d: (fit[d], d == header_delim))
        if fit[other] > fit[header_delim]:
            delim = other
    widths = [len(c) for c in cut[delim]]
    common = max(set(widths), key=lambda n: (widths.count(n), n == width), default=width)
    if widths.count(common) <= widths.count(width):
        return delim, width, False
    overfull = sum(1 for c in cut[delim] if len(c) == common and not all(_empty(x) for x in c[width:]))
    return delim, common, 2 * overfull > widths.count(common)


# --- the data rows -----------------------------------------------------------------------------


@dataclass
class _Rows:
    frame: pl.DataFrame
    rejects: dict[int, tuple[str | None, str]] = field(default_factory=dict)
    notes: list[tuple[int | None, str | None, str]] = field(default_factory=list)


def _names(width: int) -> list[str]:
    return [f"c{i}" for i in range(width)]


def _empty_frame(width: int) -> pl.DataFrame:
    return pl.DataFrame(schema=dict.fromkeys(_names(width), pl.String()))


def _arrow(data: memoryview, delimiter: str, width: int) -> tuple[pa.Table, list[tuple[int, str]]]:
    import pyarrow as pa  # imported where a file is read: a run served by the cache never needs it
    import pyarrow.csv as pacsv

    """pyarrow's reading of the rows: (the rows with ``width`` cells, the others as (row
    number from 1, text)). On one thread, which numbers the rows it hands back — and,
    measured on 200k-order shops, is as fast on a busy 2-core machine and keeps peak
    memory at the polars read's (threads leave freed memory in per-thread heaps)."""
    bad: list[tuple[int, str]] = []

    def handler(row: pacsv.InvalidRow) -> str:
        bad.append((row.number, row.text))
        return "skip"

    names = _names(width)
    block = min(_BLOCK_BYTES, len(data) + 1)  # a small file in one block: no 4 MB buffers
    while True:
        bad.clear()
        try:
            table = pacsv.read_csv(
                pa.BufferReader(data),
                read_options=pacsv.ReadOptions(column_names=names, use_threads=False, block_size=block),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter,
                    quote_char='"',
                    double_quote=True,
                    escape_char=False,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
                    invalid_row_handler=handler,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except pa.ArrowInvalid as exc:
            if "straddl" in str(exc) and block <= len(data):  # a row bigger than a block
                block = min(len(data) + 1, (1 << 31) - 1)
                continue
            raise
        return table, bad


@dataclass
class _Context:
    """What a ragged row is judged by."""

    header: list[str]
    delimiters: tuple[str, ...]  # the data rows', then the header's when different
    must: set[int]  # key and required columns
    read: set[int]  # mapped columns
    personal: list[int]  # buyer-data columns

    def moved(self, n: int, width: int) -> bool:
        """Could buyer data have moved into a column that is read? A row short by k cells
        may have lost k delimiters anywhere before a personal column (each cell after it
        moves left); a long one gained them (cells move right)."""
        k = abs(n - width)
        for p in self.personal:
            span = range(max(0, p - k), p) if n < width else range(p + 1, min(width, p + k + 1))
            if any(q in self.read for q in span):
                return True
        return False

    def swallowed(self, cells: list[str], width: int, delimiter: str) -> bool:
        """A read cell holding the row's delimiter or a line break: a quote that never
        closed on its cell may have swallowed the (buyer data) cells after it."""
        marks = ("\n", "\r", delimiter)
        return bool(self.personal) and any(
            i in self.read and any(m in c.strip(_STRIP) for m in marks) for i, c in enumerate(cells[:width])
        )

    def first_missing(self, n: int, width: int) -> int | None:
        """The first key or required column a row of ``n`` cells lacks."""
        return next((i for i in range(n, width) if i in self.must), None)


def _extra_reason(n: int, width: int) -> str:
    return messages.EXTRA_CELLS(n=n, width=width)


def _moved_reason(n: int, width: int) -> str:
    return messages.MOVED_CELLS(n=n, width=width)


def _missing_reason(n: int, width: int, header: str) -> str:
    return messages.MISSING_CELLS(n=n, width=width, header=header)


def _judge(
    text: str, width: int, row_width: int, ctx: _Context
) -> tuple[list[str | None], tuple[str | None, str] | None, bool]:
    """A row pyarrow could not cut into the file's ``row_width`` cells: (its cells, a
    rejection or None, whether missing trailing cells were read as empty). Reasons never
    quote cells."""
    delim = ctx.delimiters[0]
    cells = _cells(text, delim)
    if len(cells) < width and len(ctx.delimiters) > 1:  # a row in the header's delimiter
        other = _cells(text, ctx.delimiters[1])
        if len(other) == width:
            cells, delim = other, ctx.delimiters[1]
    if all(_empty(c) for c in cells):
        return [None] * width, None, False  # a blank row: counted nowhere
    n = len(cells)
    rejected: list[str | None] = [None] * width  # its cells are never read
    if n > width and not all(_empty(c) for c in cells[width:]):
        return rejected, (None, _extra_reason(n, width)), False
    missing = ctx.first_missing(n, width)
    if missing is not None:
        h = ctx.header[missing]
        return rejected, (h, _missing_reason(n, width, h)), False
    # out of step with the header, or with the file's other rows (a piece of a row?)
    if ctx.moved(n, width) or ctx.moved(n, row_width) or (n != width and ctx.swallowed(cells, width, delim)):
        return rejected, (None, _moved_reason(n, width)), False
    if n >= width:
        return list(cells[:width]), None, False
    return [*cells, *([None] * (width - n))], None, True


def _context(layout: _Layout, header: list[str], schema: Schema) -> _Context:
    match: HeaderMatch | None = layout.found.eligible
    delims = tuple(dict.fromkeys((layout.data_delimiter, layout.delimiter)))
    if match is None:
        return _Context(header, delims, set(), set(), [])
    ds = schema.datasets[match.dataset]
    needed = {*ds.required, *(c for g in ds.required_any for c in g), *(c for k in ds.keys for c in k)}
    read = set(match.mapping) | {j for js in match.fallbacks.values() for j in js}
    must = {i for i, c in match.mapping.items() if c in needed}
    personal = [i for i, h in enumerate(header) if i not in read and is_pii_header(h)]
    return _Context(header, delims, must, read, personal)


def _blank_rows(frame: pl.DataFrame) -> pl.Series:
    """Per row, whether every cell is empty once cleaned (cheap: only the rows whose first
    cell is empty are looked at whole)."""
    first = frame.columns[0]
    maybe = frame.with_row_index("__i").lazy().filter(~_filled(frame.select(first))[first]).collect()
    blank = pl.Series("__blank", [False] * frame.height, dtype=pl.Boolean)
    if maybe.height:
        empty = ~_filled(maybe.drop("__i")).select(pl.any_horizontal(pl.all())).to_series()
        hits = maybe["__i"].filter(empty)
        blank = blank.scatter(hits, True) if hits.len() else blank
    return blank


def _bulk_verdicts(frame: pl.DataFrame, width: int, ctx: _Context) -> pl.DataFrame:
    """:func:`_judge` over every row that has ``frame.width`` cells, the header ``width``
    (a file whose every row ends in a delimiter the header lacks, or lacks its last
    cells): ``__reason``/``__column`` (a rejection) and ``__padded``; the extra columns
    dropped, the missing ones added empty."""
    n = frame.width
    cols = frame.columns
    blank = _blank_rows(frame)
    reason: Any = pl.when(blank).then(pl.lit(None, pl.String))
    column: Any = pl.when(blank).then(pl.lit(None, pl.String))
    if n > width:
        extra = _filled(frame.select(cols[width:])).select(pl.any_horizontal(pl.all())).to_series()
        reason, column = (
            reason.when(extra).then(pl.lit(_extra_reason(n, width))),
            column.when(extra).then(None),
        )
    missing = ctx.first_missing(n, width)
    if missing is not None:
        h = ctx.header[missing]
        reason, column = reason.otherwise(pl.lit(_missing_reason(n, width, h))), column.otherwise(pl.lit(h))
    else:
        moved = pl.lit(ctx.moved(n, width))
        if ctx.personal:
            marks = ["\n", "\r", ctx.delimiters[0]]
            moved = moved | pl.any_horizontal(
                pl.col(cols[i]).str.strip_chars(_STRIP).str.contains_any(marks)
                for i in sorted(ctx.read)
                if i < min(n, width)
            )
        reason = reason.when(moved).then(pl.lit(_moved_reason(n, width))).otherwise(None)
        column = column.otherwise(None)
    frame = frame.with_columns(__reason=reason, __column=column)
    frame = frame.with_columns(__padded=pl.lit(n < width) & ~blank & pl.col("__reason").is_null())
    if n > width:
        return frame.drop(cols[width:])
    return frame.with_columns(pl.lit(None, pl.String).alias(f"c{i}") for i in range(n, width)).select(
        *_names(width), "__reason", "__column", "__padded"
    )


def _read_rows(data: memoryview, width: int, row_width: int, ctx: _Context) -> _Rows:
    """The data rows: pyarrow reads those with ``row_width`` cells (the header's, unless
    most rows have a trailing delimiter the header lacks…); the others are re-read with
    the csv module and kept, padded or rejected (:func:`_judge`), in place."""
    table, bad = _arrow(data, ctx.delimiters[0], row_width)
    good = pl.from_arrow(table)
    assert isinstance(good, pl.DataFrame)
    good = good.rechunk()  # one chunk per column: the normaliser's string passes run ~30% faster
    del table
    import pyarrow as pa

    pa.default_memory_pool().release_unused()  # the parser's scratch: polars allocates elsewhere
    if row_width != width:
        good = _bulk_verdicts(good, width, ctx)
    elif not bad:
        return _Rows(good)
    if any(n is None for n, _ in bad):  # row numbers are known single-threaded
        raise RuntimeError("pyarrow gave no row number for a ragged row")
    total = good.height + len(bad)
    numbers = pl.Series("__n", range(1, total + 1), dtype=pl.Int64)
    bad_numbers = pl.Series([n for n, _ in bad], dtype=pl.Int64)
    good = good.with_columns(numbers.filter(~numbers.is_in(bad_numbers.implode())))
    judged = [_judge(text, width, row_width, ctx) for _, text in bad]
    repaired = pl.DataFrame(
        [cells for cells, _, _ in judged], schema=dict.fromkeys(_names(width), pl.String()), orient="row"
    ).with_columns(
        bad_numbers.alias("__n"),
        pl.Series("__reason", [v[1] if v else None for _, v, _ in judged], dtype=pl.String),
        pl.Series("__column", [v[0] if v else None for _, v, _ in judged], dtype=pl.String),
        pl.Series("__padded", [p for _, _, p in judged], dtype=pl.Boolean),
    )
    frame = pl.concat([good, repaired], how="diagonal").sort("__n")
    if "__reason" not in frame.columns:
        return _Rows(frame.select(_names(width)))
    # a rejected row keeps one placeholder cell (so that it is counted) and nothing else:
    # its cells may be out of place, and buyer data must never reach a column that is read
    rejected = pl.col("__reason").is_not_null()
    out = _Rows(
        frame.select(
            pl.when(rejected)
            .then(pl.lit(_REJECTED_CELL if i == 0 else None, pl.String))
            .otherwise(pl.col(c))
            .alias(c)
            for i, c in enumerate(_names(width))
        )
    )
    verdicts = frame.select(
        pl.int_range(pl.len()).alias("i"), "__reason", "__column", pl.col("__padded").fill_null(False)
    )
    verdict_rows = verdicts.lazy().filter(pl.col("__reason").is_not_null()).collect()
    out.rejects = {i: (c, r) for i, r, c, _ in verdict_rows.iter_rows()}
    padded = verdicts.lazy().filter(pl.col("__padded")).select("i").collect().to_series()
    note = messages.PADDED_ROW(width=width)
    out.notes += [(int(i), None, note) for i in padded.head(_NOTES_PER_COLUMN)]
    if padded.len() > _NOTES_PER_COLUMN:
        more = padded.len() - _NOTES_PER_COLUMN
        out.notes.append((None, None, messages.MORE_PADDED(n=more)))
    return out


@dataclass
class _Verdict:
    """pyarrow's count of the rows (each with the header's cells) and their first cells."""

    rows: int
    first: pa.ChunkedArray


def _fast_check(data: memoryview, delimiter: str, width: int) -> _Verdict | None:
    """Whether every row has the header's ``width`` cells, by pyarrow's tokeniser alone
    (one column converted: about a tenth of reading them all); None: some row has not,
    or pyarrow cannot read the rows at all (the careful read says why)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = _names(width)
    ragged: list[int] = []

    def handler(row: pacsv.InvalidRow) -> str:
        ragged.append(row.number)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=True, block_size=_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=handler,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={names[0]: pa.string()},
                include_columns=[names[0]],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, UnicodeDecodeError):
        return None
    if ragged:
        return None
    return _Verdict(table.num_rows, table.column(0))


def _fast_rows(
    path: Path,
    source: Path | bytes,
    skip: int,
    stat: os.stat_result | None,
    ctx: _Context,
    width: int,
    verdict: _Verdict,
) -> _Rows | None:
    """The read columns (and the first, which says whether a row is empty or a total) of
    a file whose every row has the header's cells, by polars' own parallel reader from
    ``source`` (the file, its first ``skip`` lines skipped; or the rows' bytes); None
    when a row's first cell is blank (the whole row must be seen) or polars does not cut
    the rows as pyarrow did."""
    names = _names(width)
    keep = sorted({0, *ctx.read})
    try:
        frame = pl.read_csv(
            source,
            has_header=False,
            separator=ctx.delimiters[0],
            quote_char='"',
            skip_lines=skip,
            schema=dict.fromkeys(names, pl.String()),
            columns=keep,
            empty_string_is_null=False,
            truncate_ragged_lines=False,
            encoding="utf8",
            glob=False,
        )
    except Exception:  # a path polars cannot open, a cell it cuts otherwise: the careful read
        return None
    if isinstance(source, Path) and stat is not None:
        st = os.stat(path)
        if (st.st_size, st.st_mtime_ns) != (stat.st_size, stat.st_mtime_ns):
            raise ShopscoreError(
                f"{path.name}: changed while it was being read; re-run when the download/save has finished"
            )
    if frame.height != verdict.rows:
        return None
    first = pl.Series("c0", verdict.first, dtype=pl.String)
    if not frame.get_column("c0").equals(first) or not _filled(frame.select("c0"))["c0"].all():
        return None
    return _Rows(frame)


def _replacement_notes(rows: _Rows, header: list[str], encoding: str) -> None:
    """Name the row and column of each cell holding U+FFFD (first 20 per column)."""
    msg = messages.REPLACED_BYTES(encoding=encoding)
    for i, h in enumerate(header):
        if "\ufffd" in h:
            rows.notes.append((None, h, messages.HEADER_CELL(i=i + 1, msg=msg)))
    for i, col in enumerate(rows.frame.columns):
        hits = rows.frame.get_column(col).str.contains("\ufffd", literal=True).arg_true()
        for idx in hits.head(_NOTES_PER_COLUMN).to_list():
            rows.notes.append((int(idx), header[i], msg))
        if hits.len() > _NOTES_PER_COLUMN:
            more = hits.len() - _NOTES_PER_COLUMN
            rows.notes.append((None, header[i], messages.MORE_CELLS(n=more)))


# --- entry point -------------------------------------------------------------------------------


def read_text(path: Path, schema: Schema) -> RawTable:
    """A delimited text file: detect encoding and delimiter, find the header, read strings."""
    text = _load(path)
    try:
        return _read_decoded(path, schema, text)
    except _NotUtf8:
        data = _read_once(path)
        return _read_decoded(path, schema, _decode(data, _whole_file_encoding(data), validate=True))


def _load(path: Path) -> _Text:
    """The file decoded; the bytes are held by the result only (the fast read drops them)."""
    data = _read_once(path)
    head = data[:_SNIFF_BYTES]
    encoding, invalid = _sniff(head, truncated=len(data) > len(head))
    text = _decode(data, encoding, validate=invalid > 0)
    text.stat = os.stat(path)
    return text


def _arrow_error() -> type[Exception]:
    import pyarrow as pa

    return pa.ArrowException


def _read_decoded(path: Path, schema: Schema, text: _Text) -> RawTable:
    from shopscore.loaders.readers import _first_line, _table

    layout = _find_layout(path, text.body, schema)
    header = [c.strip() for c in layout.records[-1]]
    width = len(header)
    data = text.body[layout.data_offset :]
    ctx = _context(layout, header, schema)
    try:
        rows = None
        fast = FAST_READ and len(data) >= FAST_READ_BYTES
        if fast and layout.row_width == width and ctx.read and not text.replaced:
            verdict = _fast_check(data, ctx.delimiters[0], width)
            if verdict is not None:  # every row has the header's cells: the bytes are not needed
                # UTF-8: polars reads the file itself past the header's lines; else the rows decoded
                source = path if text.in_file else bytes(data)
                skip = text.body[: layout.data_offset].tobytes().count(b"\n") if text.in_file else 0
                del data
                text.drop()
                rows = _fast_rows(path, source, skip, text.stat, ctx, width, verdict)
                if rows is None:  # the two parsers disagree somewhere: read it the careful way
                    text = _load(path)
                    if text.replaced:
                        raise _NotUtf8
                    data = text.body[layout.data_offset :]
        if rows is None:
            rows = _read_rows(data, width, layout.row_width, ctx) if len(data) else _Rows(_empty_frame(width))
    except (_arrow_error(), pl.exceptions.PolarsError, UnicodeDecodeError, RuntimeError) as exc:
        if not text.checked and not _valid_utf8(text.body):
            raise _NotUtf8 from exc
        raise ShopscoreError(
            f"{path.name}: cannot be read as {text.encoding} delimited text ({_first_line(exc)}); "
            "re-export it as CSV or XLSX"
        ) from exc
    if text.replaced:
        _replacement_notes(rows, header, text.encoding)
    raw = _table(path, None, layout.records, rows.frame, layout.found)
    raw.rejects.update(rows.rejects)
    raw.notes.extend(rows.notes)
    return raw


def _valid_utf8(body: memoryview) -> bool:
    try:
        codecs.utf_8_decode(body, "strict", True)
    except UnicodeDecodeError:
        return False
    return True
