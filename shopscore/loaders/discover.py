"""Find shops and their export files, read and normalise them: the loaders' entry point."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from shopscore.errors import ShopscoreError
from shopscore.loaders import merge
from shopscore.loaders.normalize import Table, combine, normalize_table
from shopscore.loaders.readers import TEXT_SUFFIXES, RawTable, Unrecognised, read_text
from shopscore.loaders.report import FileReport, LoadReport
from shopscore.loaders.schemas import DATASET_ORDER, Schema, load_schema, match_header
from shopscore.loaders.xlsx import EXCEL_SUFFIXES, read_excel

READABLE = TEXT_SUFFIXES | EXCEL_SUFFIXES
_IGNORED_NAMES = {".ds_store", "thumbs.db", "desktop.ini", "readme.md"}
#: the timestamp that dates each dataset's rows (for the report's date ranges)
DATE_COLUMN = {
    "orders": ("paid_at", "created_at"),
    "shipments": ("picked_up_at", "shipped_at"),
    "reviews": ("reviewed_at",),
    "im_sessions": ("started_at",),
    "im_daily": ("date",),
    "after_sales": ("applied_at",),
    "complaints": ("created_at",),
}
#: headers whose presence marks a file as an order export (SPEC §1, shipments)
_ORDER_MARKERS = ("status", "created_at", "product_id", "product_name", "sub_order_id")

Progress = Callable[[str], None]


@dataclass
class ShopData:
    """A shop's canonical data: one frame per dataset, the columns its files had, a report."""

    name: str
    path: Path
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    columns: dict[str, set[str]] = field(default_factory=dict)
    report: LoadReport = field(default_factory=LoadReport)

    def has(self, dataset: str, column: str | None = None) -> bool:
        if dataset not in self.frames:
            return False
        return column is None or column in self.columns.get(dataset, set())


def _is_export(p: Path) -> bool:
    return p.is_file() and p.suffix.lower() in READABLE and not p.name.startswith(("~$", "."))


def find_shops(path: Path) -> list[tuple[str, Path, list[Path]]]:
    """(shop name, folder, files) per shop: the folder itself when it holds export files,
    else each sub-folder that does (multi-shop mode)."""
    if not path.exists():
        raise ShopscoreError(f"{path}: no such file or folder; pass the folder of your exports")
    if path.is_file():
        return [(path.parent.resolve().name, path.parent, [path])]
    files = sorted(p for p in path.iterdir() if p.is_file())
    if any(_is_export(p) for p in files):
        return [(path.resolve().name, path, files)]
    shops = []
    for sub in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")):
        sub_files = sorted(p for p in sub.iterdir() if p.is_file())
        if any(_is_export(p) for p in sub_files):
            shops.append((sub.name, sub, sub_files))
    if not shops:
        old_excel = [p.name for p in files if p.suffix.lower() == ".xls"]
        hint = (
            f"{', '.join(old_excel)}: old .xls format: re-save as .xlsx"
            if old_excel
            else "download the 订单/评价/售后/飞鸽 exports from the 抖店 backend into this folder"
        )
        raise ShopscoreError(
            f"{path}: no export files (.csv, .tsv, .txt, .xlsx) here or in its sub-folders; {hint}"
        )
    return shops


def _read(path: Path, schema: Schema) -> tuple[list[RawTable], list[FileReport]]:
    suffix = path.suffix.lower()
    skipped: list[FileReport] = []
    if path.name.startswith("~$"):
        return [], [FileReport(str(path), None, skipped="Excel/WPS lock file (the workbook is open)")]
    if suffix == ".xls":
        return [], [FileReport(str(path), None, skipped="old .xls format: re-save as .xlsx")]
    if suffix not in READABLE:
        if path.name.lower() not in _IGNORED_NAMES and not path.name.startswith("."):
            skipped.append(FileReport(str(path), None, skipped=f"not an export ({suffix or 'no suffix'})"))
        return [], skipped
    if suffix in TEXT_SUFFIXES:
        try:
            return [read_text(path, schema)], []
        except Unrecognised:
            return [], [FileReport(str(path), None, skipped="no header row recognised")]
    tables: list[RawTable] = []
    for item in read_excel(path, schema):
        if isinstance(item, tuple):
            skipped.append(FileReport(str(path), None, sheet=item[0], skipped=item[1]))
        else:
            tables.append(item)
    return tables, skipped


def _check_kind(raw: RawTable, schema: Schema) -> str:
    """The table's dataset, or a one-line error when it is one with a required column
    missing (SPEC §1: an order export without paid_at is not a package list)."""
    orders = schema.datasets["orders"]
    order_match = match_header(raw.header, orders)
    looks_like_orders = any(c in order_match.columns for c in _ORDER_MARKERS)
    if raw.match is not None and raw.match.dataset == "shipments" and looks_like_orders:
        missing = orders.missing_required(order_match.columns)
        if missing:
            raise _missing(raw, orders.name, [orders.header_hint(m) for m in missing])
    if raw.match is None:
        assert raw.rejected_match is not None
        ds = schema.datasets[raw.rejected_match.dataset]
        missing = ds.missing_required(raw.rejected_match.columns)
        raise _missing(raw, ds.name, [ds.header_hint(m) for m in missing])
    return raw.match.dataset


def _missing(raw: RawTable, dataset: str, headers: list[str]) -> ShopscoreError:
    return ShopscoreError(
        f"{raw.display}: looks like the {dataset} export but has no {', '.join(headers)} column "
        f"(header row {raw.header_row}); re-export with that column ticked, or map your header "
        "to it with --columns"
    )


def load_shop(
    name: str, folder: Path, files: list[Path], schema: Schema, progress: Progress | None = None
) -> ShopData:
    shop = ShopData(name=name, path=folder)
    report = shop.report
    tables: dict[str, list[Table]] = {}
    for path in files:
        if progress:
            progress(path.name)
        raws, skipped = _read(path, schema)
        report.files.extend(skipped)
        for raw in raws:
            kind = _check_kind(raw, schema)
            table = normalize_table(raw, schema.datasets[kind], schema)
            tables.setdefault(kind, []).append(table)
            report.files.append(table.report)
            report.add_problems(table.problems)
    if not tables:
        raise ShopscoreError(
            f"{folder}: no recognisable export file (checked {len(files)} file(s)); "
            "shopscore reads the 抖店 order, review, after-sales, 飞鸽 and logistics exports"
        )
    for f in report.files:  # paths as the seller sees them in the shop folder
        p = Path(f.path)
        f.path = str(p.relative_to(folder)) if p.is_relative_to(folder) else p.name
    for kind in DATASET_ORDER:
        if kind not in tables:
            continue
        frame, present = combine(tables[kind])
        shop.frames[kind] = frame
        shop.columns[kind] = set(present)
    _assemble(shop)
    _date_ranges(shop)
    return shop


def _assemble(shop: ShopData) -> None:
    """Sub-order lines → orders; ids resolved; packages merged (SPEC §1)."""
    f = shop.frames
    if "orders" in f:
        lines = f["orders"]
        orders, order_lines = merge.merge_order_lines(lines)
        f["orders"], f["order_lines"] = orders, order_lines
        ids = merge.id_map(orders, order_lines)
    else:
        ids = pl.DataFrame(schema={"__ref": pl.String, "__main": pl.String})
    for kind in merge.LINKED:
        if kind in f and "order_id" in f[kind].columns:
            f[kind] = merge.resolve_ids(f[kind], ids)
            n = int(f[kind]["orphan"].sum())
            if n:
                shop.report.orphans[kind] = n
    if "orders" in f and "shipments" in f:
        f["orders"] = merge.merge_shipments(f["orders"], f["shipments"])
        for c in merge.PACKAGE_COLUMNS:
            if c in shop.columns["shipments"]:
                shop.columns["orders"].add(c)


def _date_ranges(shop: ShopData) -> None:
    for kind, cols in DATE_COLUMN.items():
        if kind not in shop.frames:
            continue
        col = next((c for c in cols if c in shop.frames[kind].columns), None)
        if col is None:
            shop.report.date_ranges[kind] = None
            continue
        s = shop.frames[kind][col].drop_nulls()
        shop.report.date_ranges[kind] = (str(s.min())[:10], str(s.max())[:10]) if s.len() else None


def load(path: Path, columns_file: Path | None = None, progress: Progress | None = None) -> list[ShopData]:
    """Every shop under ``path``, loaded (SPEC §1)."""
    schema = load_schema(columns_file)
    return [load_shop(n, folder, files, schema, progress) for n, folder, files in find_shops(path)]
