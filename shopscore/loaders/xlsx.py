"""Read XLSX/XLSM workbooks into raw string tables, whatever the file holds (SPEC §1).

A workbook is read from one snapshot of its bytes (a file still being downloaded or saved
is an error, never half a table). Every way a damaged or hostile file can fail inside the
zip, XML or calamine layers becomes a one-line :class:`ShopscoreError` naming the file (and
the sheet where known) and what to do."""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import polars as pl

from shopscore.errors import ShopscoreError
from shopscore.loaders.readers import HEADER_SCAN_ROWS, RawTable, _first_line, _pick_header, _table
from shopscore.loaders.schemas import Schema

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}

_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")  # an OLE compound file: .xls, or an encrypted .xlsx
_ENCRYPTED = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
_REL_TYPE = "/relationships/"
_SAVE_AGAIN = "open it in Excel/WPS and save it again as .xlsx"
_DOWNLOAD_AGAIN = "download the export again, or open it in Excel/WPS and save it again as .xlsx"


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
            yield name, f"{kind} (no table)"
            continue
        member = _member(zf, target)
        if member is None:
            raise ShopscoreError(
                f"{_shown(path)}: sheet {name}: its data is missing from the file (the workbook lists "
                "the sheet, the part holding it is absent); open it in Excel/WPS and save it again as "
                ".xlsx, or download the export again"
            )
        try:
            frame = book.load_sheet(name, header_row=None, dtypes="string", skip_rows=0).to_polars()
        except BaseException as exc:
            raise _unreadable(path, exc, name) from exc
        # skip_rows=0: frame row i is sheet row i + 1, blank rows above the data included
        start = _first_used_row(frame)
        if start is None:
            yield name, "empty sheet"
            continue
        frame = frame.rename({c: f"c{i}" for i, c in enumerate(frame.columns)})
        top = [[v if v is not None else "" for v in r] for r in frame.slice(start, HEADER_SCAN_ROWS).rows()]
        found = _pick_header(top, schema)
        if found is None:
            yield name, "no header row recognised"
            continue
        yield _table(path, name, top, frame.slice(start + found.idx + 1), found, start + 1)


# -- the file as a whole -------------------------------------------------------------------


def _shown(path: Path) -> str:
    """The file name for a message: bytes that are not UTF-8 (a name from another system's
    encoding) shown as �, never as lone surrogates that cannot be printed."""
    try:
        return path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeError:
        return path.name.encode("utf-8", "backslashreplace").decode("utf-8")


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
