"""Many shops at once: a pool of worker processes, each scoring whole shops (an agency's
folder, SPEC §8). Nothing here imports polars: a worker's polars reads its thread count
(``POLARS_MAX_THREADS``) when it is first imported, after the pool has set it.

With more shops than cores every worker runs polars on one thread (the shops are the
parallelism); with fewer, polars keeps its threads. Each worker holds one shop at a time,
so memory is bounded by the largest shop, not the sum.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

ENV = "SHOPSCORE_WORKERS"


def cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def count(shops: int, requested: int | None = None) -> int:
    """How many worker processes for ``shops`` shops: ``requested`` (``--workers``, else
    SHOPSCORE_WORKERS), else one per core; never more than the shops; 1 means in-process."""
    if requested is None:
        env = os.environ.get(ENV, "")
        requested = int(env) if env.isdigit() else None
    n = requested if requested is not None else cores()
    return max(1, min(n, shops))


@contextmanager
def _polars_threads(threads: int | None) -> Iterator[None]:
    """``POLARS_MAX_THREADS`` for the workers started inside (they inherit the environment;
    this process's polars has its pool already and is not affected)."""
    key = "POLARS_MAX_THREADS"
    old = os.environ.get(key)
    if threads is not None:
        os.environ[key] = str(threads)
    try:
        yield
    finally:
        if threads is not None:
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def run(fn: Callable[[T], R], tasks: Iterable[T], workers: int, shops: int) -> list[R]:
    """``fn`` over ``tasks`` in ``workers`` processes, results in the order of ``tasks``
    (``fn`` must be a module-level function that never raises for a shop's own failure)."""
    items = list(tasks)
    if workers <= 1 or len(items) <= 1:
        return [fn(t) for t in items]
    threads = 1 if shops >= cores() else None
    context = multiprocessing.get_context("spawn")  # no fork of a threaded polars
    with (
        _polars_threads(threads),
        ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool,
    ):
        return list(pool.map(fn, items, chunksize=1))
