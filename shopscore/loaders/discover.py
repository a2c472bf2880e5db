"""Find shops and their export files, read and normalise them: the loaders' entry point.

Which folders are shops (SPEC §1): exports are found in the given path and all its
sub-folders. The path is one shop whose sub-folders (订单/, 售后/, one per month…) belong to
it, unless two or more direct sub-folders each hold orders of overlapping periods that are
not the same shop's (an agency's folder): then each direct sub-folder is a shop.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import polars as pl

from shopscore.errors import ShopscoreError
from shopscore.loaders import cache as export_cache
from shopscore.loaders import merge, messages
from shopscore.loaders.cache import ExportCache
from shopscore.loaders.normalize import Table, combine, normalize_table
from shopscore.loaders.readers import TEXT_SUFFIXES, RawTable, Unrecognised, read_text
from shopscore.loaders.report import FileReport, Layout, LoadReport, safe_text
from shopscore.loaders.schemas import DATASET_ORDER, HeaderMatch, Schema, load_schema, match_header
from shopscore.loaders.xlsx import EXCEL_SUFFIXES, read_excel

READABLE = TEXT_SUFFIXES | EXCEL_SUFFIXES
_IGNORED_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
#: the timestamp that dates each dataset's rows (coverage and the report's date ranges)
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
#: two folders' orders in an overlapping period are the same shop when this share of the
#: smaller folder's order ids in the overlap also appear in the other
_SAME_SHOP_SHARE = 0.5

Progress = Callable[[str], None]
ShopsMode = Literal["auto", "one", "each"]


@dataclass
class ShopData:
    """A shop's canonical data: one frame per dataset, the columns its files had, a report.
    ``error`` is set (and frames empty) when the shop could not be read."""

    name: str
    path: Path
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    columns: dict[str, set[str]] = field(default_factory=dict)
    report: LoadReport = field(default_factory=LoadReport)
    error: str | None = None
    #: per dataset, the first and last day its kept rows cover (SPEC §3 coverage)
    spans: dict[str, tuple[date, date]] = field(default_factory=dict)
    #: the export cache's name for exactly these files (None: not read through the cache);
    #: two shops with the same key hold the same data, and a shop prepared for a profile is
    #: reused by it — code that changes ``frames`` after loading must set it to None
    cache_key: str | None = field(default=None, compare=False)

    def has(self, dataset: str, column: str | None = None) -> bool:
        if dataset not in self.frames:
            return False
        return column is None or column in self.columns.get(dataset, set())


@dataclass
class _FileRead:
    """One file's outcome: its normalised tables, or why it was skipped, or an input error."""

    path: Path
    tables: list[tuple[str, Table]] = field(default_factory=list)
    skipped: list[FileReport] = field(default_factory=list)
    error: str | None = None
    columns_file: Path | None = None  # the --columns file it was read with (to read it again)


# ---------------------------------------------------------------- finding files


def _walk(root: Path) -> list[Path]:
    """Every file under ``root`` (symlinks followed, each real folder visited once)."""
    seen: set[str] = set()
    out: list[Path] = []

    def visit(folder: Path) -> None:
        try:
            real = os.path.realpath(folder)
            if real in seen:
                return
            seen.add(real)
            entries = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError:
            return
        for p in entries:
            if p.name.startswith(".") or p.name.lower() in _IGNORED_NAMES:
                continue
            try:
                if p.is_dir():
                    visit(p)
                elif p.is_file():
                    out.append(p)
            except OSError:
                continue

    visit(root)
    return out


def _group(root: Path, files: list[Path]) -> tuple[list[Path], dict[str, list[Path]]]:
    """(files directly in ``root``, files per direct sub-folder name)."""
    loose: list[Path] = []
    subs: dict[str, list[Path]] = {}
    for p in files:
        rel = p.relative_to(root)
        if len(rel.parts) == 1:
            loose.append(p)
        else:
            subs.setdefault(rel.parts[0], []).append(p)
    return loose, dict(sorted(subs.items()))


# ---------------------------------------------------------------- reading one file


def _looks_like(match: HeaderMatch, schema: Schema) -> bool:
    """A header that matches a dataset closely enough that a missing required column is an
    input error (not another kind of file): three or more of its columns, one of them
    required and one a time."""
    ds = schema.datasets[match.dataset]
    cols = match.columns
    needed = set(ds.required) | {c for g in ds.required_any for c in g}
    timed = any(ds.columns[c].type in ("datetime", "deadline", "date") for c in cols)
    return len(cols) >= 3 and bool(cols & needed) and (timed or "status" in cols)


def _check_kind(raw: RawTable, schema: Schema) -> str | None:
    """The table's dataset; None for a file that is no export (a product list, a fund
    statement); a one-line error for an export missing a required column (SPEC §1: an order
    export without paid_at is not a package list)."""
    orders = schema.datasets["orders"]
    order_match = match_header(raw.header, orders)
    looks_like_orders = any(c in order_match.columns for c in _ORDER_MARKERS)
    if raw.match is not None and raw.match.dataset == "shipments" and looks_like_orders:
        missing = orders.missing_required(order_match.columns)
        if missing and _looks_like(order_match, schema):
            raise _missing(raw, orders.name, [orders.header_hint(m) for m in missing])
    if raw.match is None:
        rejected = raw.rejected_match
        if rejected is None or not _looks_like(rejected, schema):
            return None
        ds = schema.datasets[rejected.dataset]
        missing = ds.missing_required(rejected.columns)
        raise _missing(raw, ds.name, [ds.header_hint(m) for m in missing])
    return raw.match.dataset


def _missing(raw: RawTable, dataset: str, headers: list[str]) -> ShopscoreError:
    return ShopscoreError(
        f"{safe_text(raw.display)}: looks like the {dataset} export but has no {', '.join(headers)} "
        f"column (header row {raw.header_row}); re-export with that column ticked, or map your "
        "header to it with --columns"
    )


_BESIDE = messages.SKIP_BESIDE()
_NO_EXPORT = messages.SKIP_NO_EXPORT()


def _read_tables(path: Path, schema: Schema) -> tuple[list[RawTable], list[FileReport]]:
    suffix = path.suffix.lower()
    name = str(path)
    if path.name.startswith("~$"):
        return [], [FileReport(name, None, skipped=messages.SKIP_LOCK_FILE())]
    if suffix == ".xls":
        return [], [FileReport(name, None, skipped=messages.SKIP_XLS())]
    if suffix not in READABLE:
        why = messages.SKIP_NOT_EXPORT(suffix=suffix or messages.NO_SUFFIX())
        return [], [FileReport(name, None, skipped=why)]
    if suffix in TEXT_SUFFIXES:
        try:
            return [read_text(path, schema)], []
        except Unrecognised:
            return [], [FileReport(name, None, skipped=messages.SKIP_NO_HEADER())]
    tables: list[RawTable] = []
    skipped: list[FileReport] = []
    for item in read_excel(path, schema):
        if isinstance(item, tuple):
            skipped.append(FileReport(name, None, sheet=item[0], skipped=item[1]))
        else:
            tables.append(item)
    return tables, skipped


def read_file(path: Path, schema: Schema, year_last: str | None = None) -> _FileRead:
    """Read and normalise every table of one file; input errors are kept, not raised.
    ``year_last``: how the shop's other files read slash dates with the year last."""
    out = _FileRead(path, columns_file=schema.user_file)
    try:
        raws, out.skipped = _read_tables(path, schema)
        for raw in raws:
            kind = _check_kind(raw, schema)
            if kind is None:
                out.skipped.append(FileReport(str(path), None, sheet=raw.sheet, skipped=_NO_EXPORT))
                continue
            out.tables.append((kind, normalize_table(raw, schema.datasets[kind], schema, year_last)))
    except ShopscoreError as exc:
        out.error = str(exc)
    except OSError as exc:
        out.error = f"{safe_text(path.name)}: cannot be read ({exc.strerror or exc}); check the file"
    return out


# ---------------------------------------------------------------- which folders are shops


def _distinct_shops(spans: dict[str, tuple[datetime, datetime, pl.DataFrame]]) -> tuple[str, str] | None:
    """Two folders whose orders overlap in time but are not the same orders, or None."""
    names = list(spans)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            lo = max(spans[a][0], spans[b][0])
            hi = min(spans[a][1], spans[b][1])
            if lo > hi:
                continue  # disjoint periods: one shop split by time
            ids_a = spans[a][2].filter(pl.col("t").is_between(lo, hi))["order_id"]
            ids_b = spans[b][2].filter(pl.col("t").is_between(lo, hi))["order_id"]
            smaller = min(ids_a.len(), ids_b.len())
            if smaller == 0:
                continue
            shared = ids_a.is_in(ids_b.implode()).sum()
            if shared < _SAME_SHOP_SHARE * smaller:
                return a, b
    return None


@dataclass(frozen=True)
class ShopPlan:
    """One shop found under the given path: its name, folder and files, how the path was
    read, and the files lying beside shop folders (relative display paths)."""

    name: str
    folder: Path
    files: tuple[Path, ...]
    layout: Layout
    beside: tuple[str, ...] = ()


def _plan(root: Path, files: list[Path], mode: ShopsMode, reads: Mapping[Path, _FileRead]) -> list[ShopPlan]:
    """Which folders are shops; ``reads`` (auto mode with sub-folders only) holds each
    file's orders, whose periods and ids decide it."""
    loose, subs = _group(root, files)
    name = safe_text(root.resolve().name)
    folders = [safe_text(s) for s in subs]
    if mode == "one" or not subs:
        why = "option" if mode == "one" else "no-sub-folders"
        return [ShopPlan(name, root, tuple(files), Layout("one", why, folders))]
    if mode == "auto":
        spans: dict[str, tuple[datetime, datetime, pl.DataFrame]] = {}
        for sub, paths in subs.items():
            frames = [t.frame for p in paths for kind, t in reads[p].tables if kind == "orders"]
            span = _span(frames)
            if span is not None:
                spans[sub] = span
        pair = _distinct_shops(spans)
        if pair is None:
            why = "same-or-disjoint" if len(spans) >= 2 else "one-holds-orders"
            return [ShopPlan(name, root, tuple(files), Layout("one", why, folders))]
        layout = Layout("each", "different-orders", folders, (safe_text(pair[0]), safe_text(pair[1])))
    else:
        layout = Layout("each", "option", folders)
    beside = tuple(safe_text(str(p.relative_to(root))) for p in loose)
    return [ShopPlan(safe_text(sub), root / sub, tuple(paths), layout, beside) for sub, paths in subs.items()]


def needs_reads(root: Path, files: list[Path], mode: ShopsMode) -> bool:
    """Whether deciding which folders are shops reads the files (auto mode, sub-folders)."""
    return mode == "auto" and bool(_group(root, files)[1])


def _span(frames: list[pl.DataFrame]) -> tuple[datetime, datetime, pl.DataFrame] | None:
    parts = []
    for f in frames:
        col = next((c for c in DATE_COLUMN["orders"] if c in f.columns), None)
        if col is not None:
            parts.append(f.select("order_id", pl.col(col).alias("t")))
    if not parts:
        return None
    df = pl.concat(parts).drop_nulls()
    if df.height == 0:
        return None
    lo, hi = df["t"].min(), df["t"].max()
    assert isinstance(lo, datetime) and isinstance(hi, datetime)
    return lo, hi, df.unique("order_id")


# ---------------------------------------------------------------- one shop


def build_shop(name: str, folder: Path, reads: list[_FileRead]) -> ShopData:
    """Combine the files of one shop into canonical frames (SPEC §1)."""
    shop = ShopData(name=name, path=folder)
    report = shop.report
    tables: dict[str, list[Table]] = {}
    errors = [r.error for r in reads if r.error]
    for r in reads:
        report.files.extend(r.skipped)
        for kind, table in r.tables:
            tables.setdefault(kind, []).append(table)
            report.files.append(table.report)
            report.add_problems(table.problems)
    for f in report.files:  # paths as the seller sees them in the shop folder
        p = Path(f.path)
        f.path = safe_text(str(p.relative_to(folder)) if p.is_relative_to(folder) else p.name)
    if errors:
        shop.error = errors[0] + (f" (and {len(errors) - 1} more file error(s))" if len(errors) > 1 else "")
        return shop
    if not tables:
        seen = "; ".join(f"{f.path}: {f.skipped}" for f in report.files[:3])
        more = f" and {len(report.files) - 3} more" if len(report.files) > 3 else ""
        shop.error = (
            f"{safe_text(str(folder))}: no recognisable export file ({seen}{more}); shopscore reads "
            "the 抖店 order, review, after-sales, 飞鸽 and logistics exports"
        )
        return shop
    for kind in DATASET_ORDER:
        if kind not in tables:
            continue
        frame, present = combine(tables[kind])
        shop.frames[kind] = frame
        shop.columns[kind] = set(present)
        for table in tables[kind]:  # the reads are consumed: their rows live on in ``frame``
            table.frame = table.frame.clear()
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
    """Each dataset's span: its first and last calendar day among kept rows (SPEC §3)."""
    for kind, cols in DATE_COLUMN.items():
        if kind not in shop.frames:
            continue
        col = next((c for c in cols if c in shop.frames[kind].columns), None)
        s = shop.frames[kind][col].drop_nulls() if col else None
        lo, hi = (s.min(), s.max()) if s is not None and s.len() else (None, None)
        if isinstance(lo, datetime) and isinstance(hi, datetime):
            shop.spans[kind] = (lo.date(), hi.date())
            shop.report.date_ranges[kind] = (lo.date().isoformat(), hi.date().isoformat())
        else:
            shop.report.date_ranges[kind] = None


def _settle_year_last(reads: list[_FileRead]) -> list[_FileRead]:
    """A file whose slash dates no value decides (a short export, all days ≤ 12) reads them
    as the shop's other files do, when those agree (SPEC §1: the export's region), instead
    of by the default: it is read again with that order (rare, so never cached)."""
    decided = {t.year_last for r in reads for _, t in r.tables if t.year_last is not None}
    if len(decided) != 1 or not any(t.year_last_guessed for r in reads for _, t in r.tables):
        return reads
    (order,) = decided
    return [
        read_file(r.path, load_schema(r.columns_file), order)
        if any(t.year_last_guessed for _, t in r.tables)
        else r
        for r in reads
    ]


# ---------------------------------------------------------------- entry point


def files_of(path: Path) -> list[Path]:
    """The files under ``path`` (``path`` itself when it is a file); one-line errors for a
    path that does not exist or holds nothing."""
    if not path.exists():
        raise ShopscoreError(
            f"{safe_text(str(path))}: no such file or folder; pass the folder of your exports"
        )
    if path.is_file():
        return [path]
    files = _walk(path)
    if not files:
        raise ShopscoreError(
            f"{safe_text(str(path))}: the folder is empty; download the 订单/评价/售后/飞鸽 exports "
            "from the 抖店 backend into it"
        )
    return files


class Reader:
    """Reads one file with a schema, through the parsed-export cache (``store``) if any."""

    def __init__(self, schema: Schema, store: ExportCache | None, progress: Progress | None = None) -> None:
        self.schema, self.store, self.progress = schema, store, progress

    def __call__(self, p: Path) -> _FileRead:
        if self.progress is not None:
            self.progress(safe_text(p.name))
        if self.store is None:
            return read_file(p, self.schema)
        found = self.store.read(p, lambda q: read_file(q, self.schema), lambda r: r.error is None)
        return _relocated(found, p)


def reader(schema: Schema, cache: bool = True, progress: Progress | None = None) -> Reader:
    """Read one file with ``schema``, through the parsed-export cache unless ``cache`` is
    False (or SHOPSCORE_NO_CACHE is set); ``progress`` is told each file's name."""
    store = ExportCache(salt=schema.fingerprint) if export_cache.enabled(not cache) else None
    return Reader(schema, store, progress)


def _relocated(read: _FileRead, path: Path) -> _FileRead:
    """A cached read of the same file under another folder (a copy: same name, content and
    time), given this path: the only place a read holds more than the file's name."""
    if read.path != path:
        read.path = path
        for _, table in read.tables:
            table.report.path = str(path)
        for skipped in read.skipped:
            skipped.path = str(path)
    return read


def plan_shops(
    path: Path,
    mode: ShopsMode,
    read_all: Callable[[list[Path]], Mapping[Path, _FileRead]],
) -> tuple[list[ShopPlan], Mapping[Path, _FileRead]]:
    """The shops under ``path`` and the files read to decide it (``read_all`` reads a
    list of files; only auto mode with sub-folders reads any)."""
    files = files_of(path)
    if path.is_file():
        folder = path.parent
        return [
            ShopPlan(safe_text(folder.resolve().name), folder, (path,), Layout("one", "one-file", []))
        ], {}
    reads = read_all(files) if needs_reads(path, files, mode) else {}
    return _plan(path, files, mode, reads), reads


def build_planned(
    plan: ShopPlan, read: Callable[[Path], _FileRead], reads: Mapping[Path, _FileRead]
) -> ShopData:
    """One planned shop, its files read (or taken from ``reads``) and combined; the whole
    shop comes from the cache when none of its files changed."""
    store = read.store if isinstance(read, Reader) else None
    key = store.shop_key(plan.files, repr((plan.name, plan.layout, plan.beside))) if store else None
    if store is not None and key is not None:
        cached = store.get(key)
        if isinstance(cached, ShopData):
            cached.path = plan.folder  # a copied shop: the same files elsewhere
            cached.cache_key = key
            return cached
    found = [reads[p] if p in reads else read(p) for p in plan.files]
    shop = build_shop(plan.name, plan.folder, _settle_year_last(found))
    shop.report.layout = plan.layout
    shop.report.beside = [FileReport(b, None, skipped=_BESIDE) for b in plan.beside]
    if store is not None and key is not None and shop.error is None:
        store.put(key, shop)
        shop.cache_key = key
    return shop


def load(
    path: Path,
    columns_file: Path | None = None,
    progress: Progress | None = None,
    shops: ShopsMode = "auto",
    cache: bool = True,
) -> list[ShopData]:
    """Every shop under ``path``, loaded (SPEC §1). A shop that cannot be read comes back
    with ``error`` set; only a path with no file at all is an error here. ``cache``: use
    the parsed-export cache (unless SHOPSCORE_NO_CACHE is set)."""
    read = reader(load_schema(columns_file), cache, progress)
    plans, reads = plan_shops(path, shops, lambda files: {p: read(p) for p in files})
    return [build_planned(plan, read, reads) for plan in plans]
