"""Canonical datasets and the header alias table (SPEC §1), loaded from ``columns.toml``.

The table is data: the shipped ``columns.toml`` plus, optionally, a user file passed with
``--columns`` in the same shape whose aliases are added to the shipped ones.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from shopscore.errors import ShopscoreError

_INVISIBLE = re.compile(r"[\s\ufeff\u200b\u200c\u200d\u2060\u3000]+")
_SUFFIX = re.compile(r"\([^()]*\)$")

#: The datasets in the order the engine and reports list them.
DATASET_ORDER = (
    "orders",
    "shipments",
    "reviews",
    "im_sessions",
    "im_daily",
    "after_sales",
    "complaints",
)


@lru_cache(maxsize=65536)
def normalize_header(text: str) -> str:
    """The form headers and aliases are compared in: no whitespace/BOM/zero-width, lower
    case, full-width parentheses as half-width."""
    text = _INVISIBLE.sub("", text).replace("（", "(").replace("）", ")")
    return text.lower()


@lru_cache(maxsize=65536)
def strip_suffix(norm: str) -> tuple[str, str | None]:
    """``退商品金额(元)`` → (``退商品金额``, ``元``); headers without a suffix come back as is."""
    m = _SUFFIX.search(norm)
    if not m or m.start() == 0:
        return norm, None
    return norm[: m.start()], m.group(0)[1:-1]


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    aliases: tuple[str, ...]
    per_row: bool = False  # when several aliases are present, later ones fill empty cells

    @cached_property
    def normalized(self) -> tuple[str, ...]:
        return tuple(normalize_header(a) for a in self.aliases)


@dataclass(frozen=True)
class Dataset:
    name: str
    label: str
    keys: tuple[tuple[str, ...], ...]
    required: tuple[str, ...]
    required_any: tuple[tuple[str, ...], ...]
    columns: dict[str, Column]

    @cached_property
    def lookup(self) -> dict[str, tuple[str, int]]:
        """Normalised alias → (column, alias rank); the earliest column claiming an alias
        keeps it."""
        found: dict[str, tuple[str, int]] = {}
        for column in self.columns.values():
            for rank, alias in enumerate(column.normalized):
                found.setdefault(alias, (column.name, rank))
        return found

    def missing_required(self, present: set[str]) -> list[str]:
        """Required columns (or alternatives, joined by '/') absent from ``present``."""
        missing = [c for c in self.required if c not in present]
        missing += ["/".join(g) for g in self.required_any if not any(c in present for c in g)]
        return missing

    def header_hint(self, column: str) -> str:
        """The first alias of each '/'-joined column: what a user should look for."""
        return " or ".join(self.columns[c].aliases[0] for c in column.split("/"))


@dataclass(frozen=True)
class Schema:
    datasets: dict[str, Dataset]
    values: dict[str, dict[str, Any]]
    flags: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: a hash of the alias tables this schema was built from (the export cache's salt)
    fingerprint: str = ""
    #: how slash dates with the year last are read when no value of a file decides it
    year_last: str = "day-first"
    #: the user's --columns file it extends the shipped table with, if any
    user_file: Path | None = None

    @cached_property
    def aliases(self) -> frozenset[str]:
        """Every dataset's normalised aliases: a row none of whose cells (nor their forms
        without a unit suffix) is one matches no dataset, and is passed over at once."""
        return frozenset(a for ds in self.datasets.values() for a in ds.lookup)

    def names_a_column(self, norm: list[str]) -> bool:
        """Whether any of these normalised cells is an alias of some dataset."""
        known = self.aliases
        return any(h in known or strip_suffix(h)[0] in known for h in norm if h)


@dataclass(frozen=True)
class HeaderMatch:
    """How a header row maps onto one dataset."""

    dataset: str
    mapping: dict[int, str]  # cell index → canonical column
    units: dict[str, str]  # canonical column → stripped unit suffix
    unmapped: list[str]
    fallbacks: dict[str, list[int]] = field(default_factory=dict)  # per_row columns' later cells

    @property
    def columns(self) -> set[str]:
        return set(self.mapping.values())


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ShopscoreError(f"{path}: file not found (--columns expects a TOML file)") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ShopscoreError(f"{path}: not valid TOML ({exc}); fix the file") from exc


def _merge_user(base: dict[str, Any], user: dict[str, Any], source: Path) -> None:
    for ds_name, ds in user.get("datasets", {}).items():
        if ds_name not in base["datasets"]:
            known = ", ".join(base["datasets"])
            raise ShopscoreError(f"{source}: unknown dataset '{ds_name}' (known: {known})")
        cols = base["datasets"][ds_name]["columns"]
        for col, spec in ds.get("columns", {}).items():
            if col not in cols:
                raise ShopscoreError(
                    f"{source}: dataset '{ds_name}' has no column '{col}' (known: {', '.join(cols)})"
                )
            extra = spec if isinstance(spec, list) else spec.get("aliases", [])
            cols[col]["aliases"] = list(cols[col]["aliases"]) + [
                a for a in extra if a not in cols[col]["aliases"]
            ]
    if "dates" in user:  # how undecided slash dates are read (the export's region)
        base.setdefault("dates", {}).update(user["dates"])
    for section in ("values", "flags"):  # word lists extend; single values replace
        for name, table in user.get(section, {}).items():
            target = base.setdefault(section, {}).setdefault(name, {})
            for key, aliases in table.items():
                if isinstance(aliases, list):
                    target[key] = list(target.get(key, [])) + list(aliases)
                else:
                    target[key] = aliases


@cache
def _shipped() -> str:
    return resources.files("shopscore.loaders").joinpath("columns.toml").read_text("utf-8")


def load_schema(user_file: Path | None = None) -> Schema:
    """The shipped alias table, extended with a user's ``--columns`` file if given (built
    once per process and file version: an agency's every shop asks for it)."""
    if user_file is None:
        return _schema(None, None)
    try:
        st = user_file.stat()
        version: tuple[int, int] | None = (st.st_size, st.st_mtime_ns)
    except OSError:
        version = None  # _read_toml says what is wrong with it
    return _schema(user_file, version) if version is not None else _build_schema(user_file)


@lru_cache(maxsize=8)
def _schema(user_file: Path | None, version: tuple[int, int] | None) -> Schema:
    return _build_schema(user_file)


def _build_schema(user_file: Path | None) -> Schema:
    raw = tomllib.loads(_shipped())
    digest = hashlib.blake2b(_shipped().encode("utf-8"), digest_size=16)
    if user_file is not None:
        user = _read_toml(user_file)
        digest.update(repr(user).encode("utf-8", "surrogateescape"))
        _merge_user(raw, user, user_file)
    datasets = {}
    for name, ds in raw["datasets"].items():
        columns = {
            col: Column(col, spec["type"], tuple(spec["aliases"]), bool(spec.get("per_row", False)))
            for col, spec in ds["columns"].items()
        }
        datasets[name] = Dataset(
            name=name,
            label=ds.get("label", name),
            keys=tuple(tuple(k) for k in ds["keys"]),
            required=tuple(ds.get("required", ())),
            required_any=tuple(tuple(g) for g in ds.get("required_any", ())),
            columns=columns,
        )
    year_last = str(raw.get("dates", {}).get("year_last", "day-first"))
    if year_last not in ("day-first", "month-first"):
        where = user_file or "columns.toml"
        raise ShopscoreError(f"{where}: [dates] year_last = '{year_last}': expected day-first or month-first")
    return Schema(
        datasets=datasets,
        values=raw.get("values", {}),
        flags=raw.get("flags", {}),
        fingerprint=digest.hexdigest(),
        year_last=year_last,
        user_file=user_file,
    )


def match_header(cells: list[str], dataset: Dataset) -> HeaderMatch:
    """Map a header row onto ``dataset``: exact (normalised) alias first, then without a
    trailing parenthesised suffix; the earliest alias of a column wins."""
    norm = [normalize_header(c) for c in cells]
    # (column, alias rank, is_stripped) per cell index
    candidates: dict[int, tuple[str, int, str | None]] = {}
    lookup = dataset.lookup
    for i, h in enumerate(norm):
        if not h:
            continue
        if h in lookup:
            candidates[i] = (*lookup[h], None)
            continue
        stripped, unit = strip_suffix(h)
        if unit is not None and stripped in lookup:
            candidates[i] = (*lookup[stripped], unit)
    best: dict[str, tuple[int, int]] = {}  # column → (rank, cell index)
    for i, (col, rank, _unit) in candidates.items():
        if col not in best or (rank, i) < best[col]:
            best[col] = (rank, i)
    mapping = {i: col for col, (_rank, i) in best.items()}
    fallbacks: dict[str, list[int]] = {}
    for i, (col, _rank, _unit) in sorted(candidates.items(), key=lambda kv: (kv[1][1], kv[0])):
        if dataset.columns[col].per_row and i not in mapping:
            fallbacks.setdefault(col, []).append(i)
    used = set(mapping) | {i for cells_ in fallbacks.values() for i in cells_}
    units = {
        col: unit for i, (col, _r, unit) in candidates.items() if unit is not None and mapping.get(i) == col
    }
    unmapped = [cells[i] for i in range(len(cells)) if i not in used and norm[i]]
    return HeaderMatch(dataset.name, mapping, units, unmapped, fallbacks)
