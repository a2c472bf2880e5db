"""The LoadReport: every input row accounted for (SPEC §1 row rules, §7 ``load``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

PROBLEM_SCHEMA = pl.Schema(
    {
        "path": pl.String(),
        "row": pl.Int64(),
        "column": pl.String(),
        "message": pl.String(),
        "kind": pl.String(),  # rejected | problem | note
    }
)


def safe_text(text: str) -> str:
    """``text`` printable in UTF-8: a file name whose bytes are not UTF-8 (Python keeps them
    as surrogates) is decoded as GB18030 (zips from Chinese Windows), else shown with �."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape")
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            return raw.decode("utf-8", "replace")


def empty_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


@dataclass
class FileReport:
    path: str
    dataset: str | None
    sheet: str | None = None
    header_row: int | None = None
    rows_read: int = 0
    rows_kept: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: int = 0
    unmapped_columns: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # canonical → header as written
    export_time: str | None = None
    skipped: str | None = None  # why a file was not read
    preamble_rows: int = 0  # title rows above the header (counted; their text is never shown)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "dataset": self.dataset,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "duplicates": self.duplicates,
            "conflicts": self.conflicts,
            "rejected": self.rejected,
            "unmapped_columns": self.unmapped_columns,
        }
        if self.sheet:
            out["sheet"] = self.sheet
        if self.columns:
            out["columns"] = self.columns  # canonical column → header as written
        if self.export_time:
            out["export_time"] = self.export_time  # decides which export wins a conflict
        if self.header_row is not None:
            out["header_row"] = self.header_row
        if self.preamble_rows:
            out["preamble_rows"] = self.preamble_rows  # rows above the header: not data
        if self.skipped:
            out["skipped"] = self.skipped
        return out


@dataclass(frozen=True)
class Layout:
    """How the given folder was read (SPEC §1 "Which folders are shops").

    ``mode``: ``one`` (the folder is one shop) or ``each`` (each direct sub-folder is one);
    ``why``: ``option`` (--shops), ``one-file``, ``no-sub-folders``, ``same-or-disjoint``
    (sub-folders hold the same orders or disjoint periods), ``one-holds-orders`` (fewer
    than two sub-folders hold orders), ``different-orders`` (``pair`` hold different
    orders over the same period: an agency folder)."""

    mode: str
    why: str
    sub_folders: list[str]
    pair: tuple[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        return {"mode": self.mode, "why": self.why, "sub_folders": self.sub_folders, "pair": self.pair}


@dataclass
class LoadReport:
    files: list[FileReport] = field(default_factory=list)
    orphans: dict[str, int] = field(default_factory=dict)
    problems: pl.DataFrame = field(default_factory=empty_problems)
    date_ranges: dict[str, tuple[str, str] | None] = field(default_factory=dict)
    layout: Layout | None = None  # how the given folder was read
    beside: list[FileReport] = field(default_factory=list)  # files beside shop folders

    def add_problems(self, frame: pl.DataFrame) -> None:
        if frame.height:
            from shopscore.loaders.privacy import HIDDEN, PHONE_RE

            # a last guard: no phone number reaches a message, whoever wrote it
            frame = frame.with_columns(pl.col("message").str.replace_all(PHONE_RE, f" {HIDDEN} "))
            self.problems = pl.concat([self.problems, frame.select(list(PROBLEM_SCHEMA))])

    @property
    def totals(self) -> dict[str, int]:
        keys = ("rows_read", "rows_kept", "duplicates", "conflicts", "rejected")
        return {k: sum(getattr(f, k) for f in self.files) for k in keys}

    def to_json(self) -> dict[str, Any]:
        problems = [
            {k: r[k] for k in ("path", "row", "column", "message")}
            for r in self.problems.iter_rows(named=True)
        ]
        return {
            "layout": self.layout.to_json() if self.layout else None,
            "files": [f.to_json() for f in self.files if not f.skipped],
            "skipped": [
                {"path": f.path, "sheet": f.sheet, "reason": f.skipped}
                for f in [*self.files, *self.beside]
                if f.skipped
            ],
            "orphans": self.orphans,
            "problems": problems,
            "date_ranges": {
                k: ({"start": v[0], "end": v[1]} if v else None) for k, v in self.date_ranges.items()
            },
        }
