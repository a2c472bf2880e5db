"""Raw string tables → canonical frames per dataset, with every row accounted for.

Per table: clean cells, parse each mapped column by its type, reject rows whose key or a
required cell is empty or unparseable (and summary rows), record unparseable optional
cells as problems. Per dataset: read newest export first, de-duplicate by key, count
conflicts (a duplicate whose canonical values differ).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from shopscore.loaders import messages as msg
from shopscore.loaders import parse
from shopscore.loaders.privacy import is_pii_header, redact, redact_expr
from shopscore.loaders.readers import RawTable
from shopscore.loaders.report import PROBLEM_SCHEMA, FileReport, empty_problems
from shopscore.loaders.schemas import Dataset, HeaderMatch, Schema

_EXPORT_TIME = re.compile(r"^(1[0-9]{9})(?![0-9])")
_MAX_PROBLEMS_PER_COLUMN = 20
#: columns whose empty cell does not reject a row (SPEC §1 row rules exceptions)
_EMPTY_ALLOWED = {("orders", "paid_at"), ("orders", "created_at")}


@dataclass
class Table:
    """One normalised table: canonical columns plus bookkeeping columns ``__*``."""

    report: FileReport
    frame: pl.DataFrame
    rank: tuple[float, str]  # (export time, name): larger is newer
    present: list[str]  # canonical columns this file has
    problems: pl.DataFrame  # rejected rows and unparseable optional cells
    #: the day/month order the file's own slash dates decide (None: none decides), and
    #: whether it has such dates no value decided (read by the default, reported)
    year_last: str | None = None
    year_last_guessed: bool = False
    #: the columns that identify a row (de-duplication): joined into a key only when the
    #: shop's tables are combined, not held per file
    key: tuple[str, ...] = ()


def export_time(path: Path) -> float:
    """The unix time at the start of the file name, else the modification time."""
    m = _EXPORT_TIME.match(path.name)
    return float(m.group(1)) if m else float(int(path.stat().st_mtime))


def _by_value_type(ctype: str) -> bool:
    """Column types parsed once per distinct value: a few values over many rows (statuses,
    reasons, flags), each matched against word lists by regex."""
    return ctype == "bool" or ctype.startswith(("enum:", "flag:"))


def _by_value(df: pl.DataFrame, src: str, expr: pl.Expr) -> pl.Series:
    """``expr`` (of column ``src``) for every row, evaluated once per distinct value and
    joined back; a column of mostly distinct values is evaluated row by row instead."""
    column = df[src]
    values = column.unique()
    if values.len() * 4 > column.len():
        return df.select(expr).to_series()
    table = pl.DataFrame({src: values}).with_columns(expr.alias("__value"))
    joined = df.select(src).join(table, on=src, how="left", maintain_order="left", nulls_equal=True)
    return joined["__value"]


def _type_expr(col: str, ctype: str, schema: Schema, src: str) -> pl.Expr:
    e = pl.col(src)
    if ctype == "bool":
        return parse.parse_bool(e, schema.flags["bool"])
    if ctype in parse.SIMPLE_PARSERS:
        return parse.SIMPLE_PARSERS[ctype](e)
    kind, _, name = ctype.partition(":")
    if kind == "enum":
        return parse.value_alias(e, schema.values[name])
    if ctype == "flag:intervened":
        return parse.flag_intervened(e, schema.flags["intervened"])
    if ctype == "flag:responsible":
        return parse.flag_responsible(e, schema.flags["responsible"], schema.flags["bool"])
    if ctype == "parcels":
        return parse.parcels(e)
    raise ValueError(f"unknown column type {ctype!r} for {col}")


#: no export holds an event before this day (a 1970-01-01 is an empty cell in disguise)
EARLIEST = datetime(2000, 1, 1)
#: deadlines (ship_by, deliver_by) lie ahead of the export, but not this far
_DEADLINE_HORIZON = timedelta(days=2 * 366)
#: slack for time zones and clocks between an event's local time and the file's save time
_CLOCK_SLACK = timedelta(days=2)


def _saved_at(path: Path, exported: float) -> datetime:
    """When the file was written: the later of its name's export time and its mtime (an
    event in the file cannot be later than that)."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = exported
    return datetime.fromtimestamp(max(exported, mtime))


def _latest(ctype: str, saved: datetime) -> datetime:
    """The latest plausible value of a date column of a file saved at ``saved``."""
    return saved + (_DEADLINE_HORIZON if ctype == "deadline" else _CLOCK_SLACK)


def _plausible(s: pl.Series, ctype: str, saved: datetime) -> pl.Series:
    """Dates no export can hold become null (reported as unparseable by the caller): before
    2000, or — for events — after the file was saved (a 9999-12-31 would otherwise move the
    default as-of day and overflow date arithmetic)."""
    latest = _latest(ctype, saved)
    return s.to_frame().select(
        pl.when(pl.col(s.name).is_between(EARLIEST, latest)).then(pl.col(s.name)).alias(s.name)
    )[s.name]


_PARSE_HINT = {
    "id": msg.HINT_ID(),
    "datetime": msg.HINT_DATETIME(),
    "deadline": msg.HINT_DEADLINE(),
    "rating": msg.HINT_RATING(),
    "duration": msg.HINT_DURATION(),
    "rate": msg.HINT_RATE(),
    "int": msg.HINT_INT(),
    "bool": msg.HINT_BOOL(),
}


def normalize_table(raw: RawTable, dataset: Dataset, schema: Schema, year_last: str | None = None) -> Table:
    """Parse one raw table into canonical columns and per-row status. ``year_last``: how
    the shop's other files read slash dates with the year last, for the columns no value
    of this file decides (else the schema's default, reported)."""
    assert raw.match is not None
    mapping = raw.match.mapping
    present = list(mapping.values())
    exported = export_time(raw.path)
    report = FileReport(
        path=str(raw.path),
        dataset=dataset.name,
        sheet=raw.sheet,
        header_row=raw.header_row,
        unmapped_columns=[redact(h) for h in raw.match.unmapped],
        columns={c: raw.header[i] for i, c in mapping.items()},
        preamble_rows=raw.preamble_rows,
        export_time=datetime.fromtimestamp(exported).isoformat(timespec="seconds"),
    )
    saved = _saved_at(raw.path, exported)
    df = raw.frame
    raw_cols = df.columns
    used = {f"c{i}" for i in mapping} | {f"c{j}" for js in raw.match.fallbacks.values() for j in js}
    df = parse.clean_frame(df, [c for c in raw_cols if c in used])
    df = df.with_row_index("__row", offset=raw.header_row + 1).with_columns(pl.col("__row").cast(pl.Int64))
    df = _reader_rejects(df, raw)
    # rows whose cells are all empty are counted nowhere; a row whose first non-empty cell
    # is 合计 / total is a totals row
    first = _first_cells(df, raw_cols, [c for c in raw_cols if c not in used])
    df = df.filter(first.is_not_null())
    first = first.filter(first.is_not_null())
    df = df.with_columns(__summary=first.str.to_lowercase().is_in(list(parse.SUMMARY_LABELS)))

    orders, guessed, decided = _year_last_orders(df, dataset, raw.match, year_last or schema.year_last)
    if year_last is not None:  # the shop's data decided it: nothing guessed
        guessed = {}
    parsed: list[pl.Expr | pl.Series] = []
    bad: list[pl.Expr] = []
    for idx, col in mapping.items():
        src = f"c{idx}"
        ctype = dataset.columns[col].type
        sources = [src, *(f"c{j}" for j in raw.match.fallbacks.get(col, []))]
        if ctype in ("datetime", "deadline") and len(sources) == 1:  # parsed within the plausible days
            bounds = (EARLIEST, _latest(ctype, saved))
            parsed.append(parse.datetime_series(df[src], ctype == "deadline", orders[src], bounds).alias(col))
        elif ctype in ("datetime", "deadline"):
            series = [parse.datetime_series(df[c], ctype == "deadline", orders[c]) for c in sources]
            series = [df.select(pl.coalesce(series).alias(col)).to_series()]
            parsed.append(_plausible(series[0], ctype, saved).alias(col))
        elif len(sources) == 1 and _by_value_type(ctype):
            parsed.append(_by_value(df, src, _type_expr(col, ctype, schema, src)).alias(col))
        else:
            exprs = [_type_expr(col, ctype, schema, c) for c in sources]
            parsed.append(pl.coalesce(exprs).alias(col) if len(exprs) > 1 else exprs[0].alias(col))
        if ctype in _PARSE_HINT or ctype.startswith("enum:"):
            bad.append((pl.col(src).is_not_null() & pl.col(col).is_null()).alias(f"__bad_{col}"))
    df = df.with_columns(parsed).with_columns(bad)

    if "parcels" in present:
        df = df.with_columns(
            *[
                (
                    pl.coalesce(pl.col(c), pl.col("parcels").struct.field(c))
                    if c in present
                    else pl.col("parcels").struct.field(c)
                ).alias(c)
                for c in ("carrier", "tracking_no")
            ],
            pl.col("parcels").struct.field("packages").alias("packages"),
        ).drop("parcels")
        present = [c for c in present if c != "parcels"] + [
            c for c in ("carrier", "tracking_no", "packages") if c not in present
        ]

    if dataset.name == "reviews" and "level" in present:
        level_score = pl.col("level").cast(pl.Int8, strict=False)
        rating = pl.col("product_rating") if "product_rating" in present else pl.lit(None)
        df = df.with_columns(product_rating=pl.coalesce(rating, level_score).cast(pl.Int8))
        if "product_rating" not in present:
            present.append("product_rating")

    key = _key_columns(dataset, present)
    reasons, reason_cols, problems = _row_rules(df, raw, dataset, mapping, key, present)
    df = df.with_columns(__reject=reasons, __reject_col=reason_cols)
    report.rows_read = df.height
    report.rejected = int(df["__reject"].is_not_null().sum())
    rejected = df.filter(pl.col("__reject").is_not_null()).select(
        pl.lit(raw.display).alias("path"),
        pl.col("__row").alias("row"),
        pl.col("__reject_col").alias("column"),
        pl.col("__reject").alias("message"),
        pl.lit("rejected").alias("kind"),
    )
    df = df.filter(pl.col("__reject").is_null())
    keep = [c for c in present if c in df.columns]
    frame = df.select(pl.col("__row"), *keep)
    guesses = pl.DataFrame(
        [
            {
                "path": raw.display,
                "row": None,
                "column": raw.header[int(c[1:])],
                "message": msg.DATE_ORDER_GUESSED(order=_ORDER_WORD[order], other=_ORDER_WORD[_OTHER[order]]),
                "kind": "problem",
            }
            for c, order in guessed.items()
        ],
        schema=PROBLEM_SCHEMA,
    )
    all_problems = pl.concat(
        [rejected.cast(PROBLEM_SCHEMA), problems.cast(PROBLEM_SCHEMA), guesses, _reader_notes(raw)]
    )
    # one name per file: a category (4 bytes a row), not the name repeated on every row
    frame = frame.with_columns(pl.lit(raw.display).cast(pl.Categorical).alias("__file"))
    return Table(
        report, frame, (exported, raw.path.name), keep, all_problems, decided, bool(guessed), tuple(key)
    )


_ORDER_WORD = {parse.DAY_FIRST: msg.ORDER_DAY_FIRST(), parse.MONTH_FIRST: msg.ORDER_MONTH_FIRST()}
_OTHER = {parse.DAY_FIRST: parse.MONTH_FIRST, parse.MONTH_FIRST: parse.DAY_FIRST}


def _year_last_orders(
    df: pl.DataFrame, dataset: Dataset, match: HeaderMatch, default: str
) -> tuple[dict[str, str], dict[str, str], str | None]:
    """(source column → the day/month order of its slash dates with the year last, the
    columns whose order no value of the file decided → the order taken, the order the
    file decides). SPEC §1: per column, day-first when a first field exceeds 12,
    month-first when a second does; a column no value decides follows the file's decided
    columns, else ``default``."""
    sources = [
        f"c{i}"
        for col in dict.fromkeys(match.mapping.values())
        if dataset.columns[col].type in ("datetime", "deadline")
        for i in (*(k for k, v in match.mapping.items() if v == col), *match.fallbacks.get(col, []))
    ]
    decided = {c: parse.year_last_order(df[c]) for c in sources}
    found = {o for o in decided.values() if o is not None}
    fallback = next(iter(found)) if len(found) == 1 else default
    orders = {c: decided.get(c) or fallback for c in df.columns if c.startswith("c")}
    guessed = {
        c: fallback for c in sources if decided[c] is None and not found and parse.has_year_last(df[c])
    }
    return orders, guessed, next(iter(found)) if len(found) == 1 else None


def _first_cells(df: pl.DataFrame, cols: list[str], raw_cols: list[str]) -> pl.Series:
    """Each row's first non-empty cell (null: the row is empty). ``raw_cols`` are not
    cleaned (nothing reads them): only the few rows whose first such cell is blank or ``-``
    are looked at again with those cells cleaned, not the whole file."""
    first = df.select(parse.blank(pl.coalesce([pl.col(c) for c in cols])).alias("f")).to_series()
    if not raw_cols:
        return first
    raw_first = df.select(pl.coalesce([pl.col(c) for c in cols]).is_not_null().alias("f")).to_series()
    again = first.is_null() & raw_first
    if not again.any():
        return first
    rows = parse.blank_frame(df.filter(again), raw_cols)
    fixed = rows.select(parse.blank(pl.coalesce([pl.col(c) for c in cols]))).to_series()
    return first.scatter(again.arg_true(), fixed)


def _reader_rejects(df: pl.DataFrame, raw: RawTable) -> pl.DataFrame:
    """Join the reader's verdicts on rows (``RawTable.rejects``) as ``__pre``/``__pre_col``."""
    first = raw.header_row + 1
    verdicts = pl.DataFrame(
        {
            "__row": [first + i for i in raw.rejects],
            "__pre_col": [c for c, _ in raw.rejects.values()],
            "__pre": [m for _, m in raw.rejects.values()],
        },
        schema={"__row": pl.Int64, "__pre_col": pl.String, "__pre": pl.String},
    )
    return df.join(verdicts, on="__row", how="left", maintain_order="left")


def _reader_notes(raw: RawTable) -> pl.DataFrame:
    """``RawTable.notes`` as problems (rows kept)."""
    first = raw.header_row + 1
    return pl.DataFrame(
        [
            {
                "path": raw.display,
                "row": None if i is None else first + i,
                "column": col,
                "message": msg,
                "kind": "problem",
            }
            for i, col, msg in raw.notes
        ],
        schema=PROBLEM_SCHEMA,
    )


def _key_columns(dataset: Dataset, present: list[str]) -> tuple[str, ...]:
    for key in dataset.keys:
        if all(k in present for k in key):
            return key
    # the last key's columns this file has (reviews without 商品ID: order and review time)
    return tuple(k for k in dataset.keys[-1] if k in present)


def _row_rules(
    df: pl.DataFrame,
    raw: RawTable,
    dataset: Dataset,
    mapping: dict[int, str],
    key: tuple[str, ...],
    present: list[str],
) -> tuple[pl.Series, pl.Series, pl.DataFrame]:
    """Per row: the rejection reason (or null), and the problems of optional cells."""
    header = {c: raw.header[i] for i, c in mapping.items()}
    header.setdefault("product_rating", header.get("level", "product_rating"))
    pii = [
        pl.col(f"c{i}")
        for i, h in enumerate(raw.header)
        if i not in mapping and is_pii_header(h) and f"c{i}" in df.columns
    ]
    src = {c: f"c{i}" for i, c in mapping.items()}
    no_column = pl.lit(None, pl.String)
    checks: list[tuple[pl.Expr, pl.Expr, pl.Expr]] = [
        (pl.col("__pre").is_not_null(), pl.col("__pre"), pl.col("__pre_col")),  # the reader's verdict
        (pl.col("__summary"), pl.lit(msg.SUMMARY_ROW()), no_column),
    ]
    must = list(dict.fromkeys([*key, *dataset.required]))
    # the order's payment time (or created_at standing in for it) must parse when present;
    # only an empty one is allowed (an unpaid order)
    stand_in = next((c for c in ("paid_at", "created_at") if c in present), None)
    if dataset.name == "orders" and stand_in:
        must.append(stand_in)
    for col in must:
        if col not in present:
            continue
        h = header.get(col, col)
        ctype = dataset.columns[col].type if col in dataset.columns else "str"
        if col in src:
            raw_cell = pl.col(src[col])
            bad_msg = pl.format(
                msg.BAD_REQUIRED(header=h, value="{}", what=_PARSE_HINT.get(ctype, msg.HINT_VALID())),
                redact_expr(raw_cell, pii),
            )
            checks.append((raw_cell.is_not_null() & pl.col(col).is_null(), bad_msg, pl.lit(h)))
        if (dataset.name, col) in _EMPTY_ALLOWED:
            continue
        empty_msg = msg.EMPTY_REQUIRED(header=h)
        checks.append((pl.col(col).is_null(), pl.lit(empty_msg), pl.lit(h)))
    reason: Any = pl.when(pl.lit(False)).then(pl.lit(None, pl.String))
    column: Any = pl.when(pl.lit(False)).then(pl.lit(None, pl.String))
    for cond, text, header_name in checks:
        reason = reason.when(cond).then(text)
        column = column.when(cond).then(header_name)
    out = df.select(reason.otherwise(None).alias("r"), column.otherwise(None).alias("c"))
    df_flags = df.with_columns(__r=out["r"])
    problems = [empty_problems()]
    for col in present:
        flag = f"__bad_{col}"
        if flag not in df_flags.columns or col in must:
            continue
        h = header.get(col, col)
        ctype = dataset.columns[col].type
        what = _PARSE_HINT.get(ctype, msg.HINT_KNOWN())
        bad_rows = df_flags.filter(pl.col(flag) & pl.col("__r").is_null())
        if not bad_rows.height:
            continue
        shown = bad_rows.head(_MAX_PROBLEMS_PER_COLUMN).select(
            pl.lit(raw.display).alias("path"),
            pl.col("__row").alias("row"),
            pl.lit(h).alias("column"),
            pl.format(msg.BAD_OPTIONAL(value="{}", what=what), redact_expr(pl.col(src[col]), pii)).alias(
                "message"
            ),
            pl.lit("problem").alias("kind"),
        )
        problems.append(shown.cast(PROBLEM_SCHEMA))
        more = bad_rows.height - shown.height
        if more > 0:
            problems.append(
                pl.DataFrame(
                    [
                        {
                            "path": raw.display,
                            "row": None,
                            "column": h,
                            "message": msg.MORE_CELLS(n=more),
                            "kind": "problem",
                        }
                    ],
                    schema=PROBLEM_SCHEMA,
                )
            )
    return out["r"], out["c"], pl.concat(problems)


def combine(tables: list[Table]) -> tuple[pl.DataFrame, list[str]]:
    """Concatenate the tables of one dataset newest export first and de-duplicate by key.

    Returns the kept rows (with ``__file``/``__row``) and the canonical columns any file
    had. Updates each table's report with kept/duplicate/conflict counts."""
    tables = sorted(tables, key=lambda t: t.rank, reverse=True)
    present = list(dict.fromkeys(c for t in tables for c in t.present))
    bits = {c: 1 << i for i, c in enumerate(present)}
    frames = []
    for order, t in enumerate(tables):
        mask = sum(bits[c] for c in t.present)
        frames.append(
            t.frame.with_columns(
                pl.lit(order, pl.Int32).alias("__order"),
                pl.lit(mask, pl.Int64).alias("__cols"),
                pl.concat_str([pl.col(k).cast(pl.String) for k in t.key], separator="\x1f").alias("__key"),
            )
        )
    if not frames:
        return pl.DataFrame(), present
    # newest file first, each in its own row order: already sorted by (__order, __row), so
    # concatenated as they are (a sort would copy every row of the dataset)
    df = pl.concat(frames, how="diagonal_relaxed")
    df = df.with_columns(__dup=pl.col("__key").is_first_distinct().not_())
    if not df["__dup"].any():  # no row twice (one export per dataset, the usual case)
        for t, n in zip(tables, (f.height for f in frames), strict=True):
            t.report.duplicates, t.report.conflicts, t.report.rows_kept = 0, 0, n
        return df.drop("__dup", "__cols", "__key"), present
    # conflicts: compare each duplicate with the kept row of its key, over the canonical
    # columns both files have (only duplicate rows are compared: the overlap, not the file)
    dups = df.filter(pl.col("__dup")).select("__order", "__key", "__cols", *present)
    firsts = df.filter(~pl.col("__dup") & pl.col("__key").is_in(dups["__key"].implode()))
    pairs = dups.join(firsts.select("__key", "__cols", *present), on="__key", how="left", suffix="__kept")
    conflict = pl.lit(False)
    for c, bit in bits.items():
        both = ((pl.col("__cols") & bit) != 0) & ((pl.col("__cols__kept") & bit) != 0)
        conflict = conflict | (both & pl.col(c).ne_missing(pl.col(f"{c}__kept")))
    conflicts = pairs.group_by("__order").agg(conflict.sum().alias("c"))
    counts = (
        df.group_by("__order")
        .agg(pl.len().alias("n"), pl.col("__dup").sum().alias("d"))
        .join(conflicts, on="__order", how="left")
    )
    for order, n, d, c in counts.iter_rows():
        rep = tables[order].report
        rep.duplicates, rep.conflicts, rep.rows_kept = int(d), int(c or 0), int(n) - int(d)
    kept = df.filter(~pl.col("__dup"))
    return kept.drop("__dup", "__cols", "__key"), present
