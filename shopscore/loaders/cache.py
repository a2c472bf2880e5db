"""The parsed-export cache: each export file's normalised tables, kept so that a second run on
unchanged exports does not read and clean them again.

An entry is keyed by the file's resolved path, size, modification time and content hash, the
alias table in force (shipped ``columns.toml`` plus any ``--columns`` file) and the shopscore
version: any change to the file, the aliases or the program reads the file afresh. Entries
hold the tables as Arrow IPC (polars frames pickle as IPC) and live under the user cache
directory (``SHOPSCORE_CACHE_DIR`` overrides it). Writes go through a temporary file renamed
into place, so two runs sharing the cache see either no entry or a whole one; an entry that
cannot be read is ignored and rewritten. The cache is pruned, oldest first, to
``SHOPSCORE_CACHE_MB`` (default 2048 MB).
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import TypeVar

from shopscore import __version__

T = TypeVar("T")

#: bump when what an entry holds changes shape
FORMAT = 1
ENV_DIR = "SHOPSCORE_CACHE_DIR"
ENV_MB = "SHOPSCORE_CACHE_MB"
ENV_OFF = "SHOPSCORE_NO_CACHE"
_SUFFIX = ".entry"
#: seconds between two prunes by one process
_PRUNE_EVERY = 60.0


def cache_dir() -> Path:
    """Where entries live: ``SHOPSCORE_CACHE_DIR``, else the platform's user cache dir."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    from platformdirs import user_cache_path

    return user_cache_path("shopscore", appauthor=False) / "exports"


def enabled(no_cache: bool = False) -> bool:
    """False with ``--no-cache`` or ``SHOPSCORE_NO_CACHE`` set to anything but 0/empty."""
    return not no_cache and os.environ.get(ENV_OFF, "") in ("", "0")


def _limit_bytes() -> int:
    try:
        return max(0, int(os.environ.get(ENV_MB, "2048"))) * 1024 * 1024
    except ValueError:
        return 2048 * 1024 * 1024


@cache
def code_hash() -> str:
    """A hash of the loaders' own source: a change to how files are read (even between two
    releases) reads them afresh."""
    h = hashlib.blake2b(digest_size=16)
    for source in sorted(Path(__file__).parent.glob("*.py")):
        h.update(source.read_bytes())
    return h.hexdigest()


def _digest(path: Path, st: os.stat_result, folder: Path | None) -> str:
    """The content hash of ``path``; remembered under ``folder`` by the file's identity and
    stat (inode, size, modification and change times: any write changes one), so an
    unchanged file is hashed once, not on every run."""
    memo = None
    if folder is not None:
        ident = (
            f"{path.resolve()}\0{st.st_dev}\0{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}"
        )
        name = hashlib.blake2b(ident.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
        memo = folder / "stat" / name[:2] / name
        with contextlib.suppress(OSError, UnicodeDecodeError):
            known = memo.read_text("ascii").strip()
            if len(known) == 128:
                return known
    with path.open("rb") as fh:
        content = hashlib.file_digest(fh, "blake2b").hexdigest()
    if memo is not None:
        with contextlib.suppress(OSError):
            memo.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=memo.parent, prefix=".", suffix=".part")
            with os.fdopen(fd, "w") as fh:
                fh.write(content)
            os.replace(tmp, memo)
    return content


def file_key(path: Path, salt: str, folder: Path | None = None) -> str | None:
    """The entry name for ``path`` as it is now, or None when it cannot be read
    (``folder``: the cache, where content hashes of unchanged files are remembered)."""
    try:
        st = path.stat()
        content = _digest(path, st, folder)
    except OSError:
        return None
    h = hashlib.blake2b(digest_size=20)
    # the file's name, not its folder: a copy elsewhere is the same entry (the caller puts its
    # path back); the name counts, as it dates the export
    parts = (FORMAT, __version__, code_hash(), salt, path.name, st.st_size, st.st_mtime_ns, content)
    for part in parts:
        h.update(str(part).encode("utf-8", "surrogateescape"))
        h.update(b"\0")
    return h.hexdigest()


class ExportCache:
    """Entries in one directory; every failure to use it falls back to reading the file."""

    #: when this process last pruned (it lists every entry: not after every write)
    _pruned_at: float = -math.inf

    def __init__(self, folder: Path | None = None, salt: str = "") -> None:
        self.folder = folder if folder is not None else cache_dir()
        self.salt = salt
        self.hits = 0
        self.misses = 0

    def _entry(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}{_SUFFIX}"

    def get(self, key: str) -> object | None:
        entry = self._entry(key)
        try:
            with entry.open("rb") as fh:
                value = pickle.load(fh)
        except OSError:  # no entry, or no usable cache folder
            return None
        except Exception:  # a truncated or foreign entry: read the file again
            with contextlib.suppress(OSError):
                entry.unlink(missing_ok=True)
            return None
        with contextlib.suppress(OSError):
            os.utime(entry)  # most recently used: pruned last
        return value

    def put(self, key: str, value: object) -> None:
        entry = self._entry(key)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".", suffix=".part")
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, entry)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return  # a read-only or full disk: the run goes on uncached
        now = time.monotonic()
        if now - ExportCache._pruned_at > _PRUNE_EVERY:  # a long-lived process prunes now and then
            ExportCache._pruned_at = now
            self.prune()

    def shop_key(self, files: Iterable[Path], plan: str) -> str | None:
        """The entry of a whole shop built from ``files`` (None: a file cannot be read)."""
        h = hashlib.blake2b(digest_size=20)
        h.update(f"shop\0{plan}\0".encode("utf-8", "surrogateescape"))
        for p in files:
            key = file_key(p, self.salt, self.folder)
            if key is None:
                return None
            h.update(key.encode("ascii"))
        return h.hexdigest()

    def read(self, path: Path, reader: Callable[[Path], T], keep: Callable[[T], bool]) -> T:
        """``reader(path)``, from the cache when an entry for this exact file exists; a
        result is stored only when ``keep`` says so (not a read that failed on I/O)."""
        key = file_key(path, self.salt, self.folder)
        if key is not None:
            value = self.get(key)
            if value is not None:
                self.hits += 1
                return value  # type: ignore[return-value]
        self.misses += 1
        result = reader(path)
        if key is not None and keep(result):
            self.put(key, result)
        return result

    def prune(self) -> None:
        """Delete the least recently used entries until the cache fits its limit."""
        limit = _limit_bytes()
        try:
            found = [*self.folder.glob(f"*/*{_SUFFIX}"), *self.folder.glob("stat/*/*")]
            entries = [(p.stat(), p) for p in found if not p.name.endswith(".part")]
        except OSError:
            return
        total = sum(st.st_size for st, _ in entries)
        for st, p in sorted(entries, key=lambda e: e[0].st_mtime_ns):
            if total <= limit:
                break
            try:
                p.unlink()
            except OSError:
                continue
            total -= st.st_size
