"""The score history: one row per shop, profile and as-of day, in SQLite (the standard
library's sqlite3, WAL mode) under the user data directory, so `summary` can say what
changed since the previous run.

Each write is one transaction (an interrupted run leaves the previous state intact), a
write waits for another process's (two overlapping cron runs both land), and re-recording
the same shop and day replaces its row (idempotent). The schema carries a version and is
migrated forward on open.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from shopscore.errors import ShopscoreError

#: each entry migrates the schema from version i to i + 1
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE runs (
        shop TEXT NOT NULL,
        profile TEXT NOT NULL,
        as_of TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        folder TEXT NOT NULL,
        status TEXT NOT NULL,
        score REAL,
        dimensions TEXT NOT NULL,
        metrics TEXT NOT NULL,
        thresholds TEXT NOT NULL,
        PRIMARY KEY (shop, profile, as_of)
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
#: how long a write waits for another run's transaction (ms)
BUSY_MS = 30_000


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("shopscore", appauthor=False) / "history.sqlite"


@dataclass(frozen=True)
class Entry:
    shop: str
    profile: str
    as_of: date
    recorded_at: str
    folder: str
    status: str
    score: float | None
    dimensions: dict[str, float | None]
    metrics: dict[str, float | None]
    thresholds: dict[str, bool | None]  # threshold id → passed

    def to_json(self) -> dict[str, Any]:
        return {
            "shop": self.shop,
            "profile": self.profile,
            "as_of": self.as_of.isoformat(),
            "recorded_at": self.recorded_at,
            "status": self.status,
            "score": self.score,
            "dimensions": self.dimensions,
            "metrics": self.metrics,
            "thresholds": self.thresholds,
        }


class History:
    """The history file, opened (created and migrated when needed)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None)
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise ShopscoreError(
                f"--history {self.path}: not a shopscore history ({exc}); move it away or pass another file"
            ) from None
        except OSError as exc:
            raise ShopscoreError(f"--history {self.path}: cannot open it ({exc.strerror or exc})") from None

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction, taken at once (BEGIN IMMEDIATE): all of it lands or none."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _migrate(self) -> None:
        with self._write() as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise ShopscoreError(
                    f"--history {self.path}: written by a newer shopscore (schema {version}); "
                    "upgrade shopscore"
                )
            for step in MIGRATIONS[version:]:
                for statement in step.split(";"):
                    if statement.strip():
                        conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def record(self, result: Any) -> None:
        """Upsert one shop's result (api.ShopScore) for its as-of day."""
        if result.as_of is None or result.status == "error":
            return
        row = (
            result.shop,
            result.profile.id,
            result.as_of.isoformat(),
            datetime.now(UTC).isoformat(timespec="seconds"),
            str(result.data.path),
            result.status,
            result.score,
            json.dumps({d.id: d.score for d in result.dimensions}),
            json.dumps({m.id: m.value for m in result.metrics}),
            json.dumps({t.id: t.passed for t in result.thresholds}),
        )
        with self._write() as conn:
            conn.execute(
                """
                INSERT INTO runs (shop, profile, as_of, recorded_at, folder, status, score,
                                  dimensions, metrics, thresholds)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (shop, profile, as_of) DO UPDATE SET
                    recorded_at = excluded.recorded_at, folder = excluded.folder,
                    status = excluded.status, score = excluded.score,
                    dimensions = excluded.dimensions, metrics = excluded.metrics,
                    thresholds = excluded.thresholds
                """,
                row,
            )

    def previous(self, shop: str, profile: str, as_of: date) -> Entry | None:
        """The latest entry with an earlier as-of day (SPEC §7 `previous`)."""
        row = self.conn.execute(
            "SELECT * FROM runs WHERE shop = ? AND profile = ? AND as_of < ? ORDER BY as_of DESC LIMIT 1",
            (shop, profile, as_of.isoformat()),
        ).fetchone()
        return _entry(row) if row else None

    def entries(self, shops: list[str] | None = None) -> list[Entry]:
        """Every entry (of ``shops``), by shop and as-of day."""
        rows = self.conn.execute("SELECT * FROM runs ORDER BY shop, profile, as_of").fetchall()
        found = [_entry(r) for r in rows]
        return [e for e in found if shops is None or e.shop in shops]


def _entry(row: tuple[Any, ...]) -> Entry:
    shop, profile, as_of, recorded, folder, status, score, dims, metrics, ths = row
    return Entry(
        shop,
        profile,
        date.fromisoformat(as_of),
        recorded,
        folder,
        status,
        score,
        json.loads(dims),
        json.loads(metrics),
        json.loads(ths),
    )
