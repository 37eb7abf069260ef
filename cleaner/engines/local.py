"""The default engine: the two passes in this process or in a pool of worker processes.

Pages go to workers in batches so that small pages do not drown in
inter-process overhead; results come back in input order, so the output and
the manifest are the same whatever ``jobs`` is.
"""

from __future__ import annotations

import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from cleaner.core.pipeline import PageResult, make_context, process_source
from cleaner.io.formats import FieldSpec, Shard
from cleaner.io.pages import Source
from cleaner.io.shards import (
    RecordBatch,
    RecordOut,
    RecordProgress,
    ScanTotals,
    clean_batch,
    collectors_of,
    process_shards,
    scan_batch,
    scan_sources,
    shard_batches,
)
from cleaner.resources.memory import release_freed_memory
from cleaner.stages import stages_for

_WORKER: dict[str, Any] = {}


def _batches(items: list[Source], size: int) -> Iterator[list[Source]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# -- scan pass ------------------------------------------------------------------------
def _scan_init(rule_dirs: list[Path], options: dict[str, Any]) -> None:
    ctx = make_context(rule_dirs, options=options)
    _WORKER["ctx"] = ctx
    _WORKER["stages"] = stages_for(options)


def _scan_batch(batch: list[Source] | RecordBatch) -> tuple[dict[str, Any], list[str]]:
    collectors = collectors_of(_WORKER["stages"], _WORKER["ctx"])
    if isinstance(batch, RecordBatch):
        return collectors, scan_batch(batch, collectors)
    return collectors, scan_sources(batch, collectors)


def scan(sources: list[Source], rule_dirs: list[Path], options: dict[str, Any], jobs: int,
         batch_size: int = 64, shards: list[Shard] | None = None, spec: FieldSpec | None = None) -> dict[str, Any]:
    """Corpus statistics for the stages that want them (empty when none does); .txt pages first, then shards."""
    if not collectors_of(stages_for(options), make_context(rule_dirs, options=options)):
        return {}
    totals = ScanTotals()

    def items() -> Iterator[list[Source] | RecordBatch]:
        yield from _batches(sources, batch_size)
        for shard in shards or []:
            for batch, _ in shard_batches(shard, spec or FieldSpec()):
                yield batch

    for collectors, shas in _map(_scan_init, (rule_dirs, options), _scan_batch, items(), jobs):
        totals.add(collectors, shas)
    stats = totals.finish()
    release_freed_memory()  # the clean pass's workers are forked from this process next
    return stats


# -- clean pass -----------------------------------------------------------------------
def _clean_init(rule_dirs: list[Path], stats: dict[str, Any], options: dict[str, Any], outdir: Path,
                done: dict[str, str]) -> None:
    _WORKER["ctx"] = make_context(rule_dirs, stats=stats, options=options)
    _WORKER["stages"] = stages_for(options)
    _WORKER["outdir"] = outdir
    _WORKER["done"] = done


def _clean_batch(batch: list[Source] | RecordBatch) -> list[PageResult] | list[RecordOut]:
    if isinstance(batch, RecordBatch):
        return clean_batch(batch, _WORKER["ctx"], _WORKER["stages"])
    return [process_source(src, _WORKER["outdir"], _WORKER["ctx"], _WORKER["stages"], _WORKER["done"]) for src in batch]


def clean(sources: list[Source], outdir: Path, rule_dirs: list[Path], stats: dict[str, Any], options: dict[str, Any],
          jobs: int, done: dict[str, str], batch_size: int = 16, shards: list[Shard] | None = None,
          spec: FieldSpec | None = None, progress: RecordProgress | None = None) -> Iterator[PageResult]:
    """Clean .txt pages, then record shards (one result per shard), on one pool."""
    init_args = (rule_dirs, stats, options, outdir, done)
    with _Pool(_clean_init, init_args, jobs) as pool:
        for results in pool.map(_clean_batch, _batches(sources, batch_size)):
            yield from results  # type: ignore[misc]
        if shards:
            ctx = make_context(rule_dirs, stats=stats, options=options)
            yield from process_shards(shards, outdir, spec or FieldSpec(), ctx, done,
                                      lambda batches: pool.map(_clean_batch, batches), progress)  # type: ignore[arg-type,return-value]


def _worker_init(init: Callable[..., None], *args: Any) -> None:
    """Ctrl-C reaches the whole process group: the main process stops the run and saves what is done, so a
    worker ignores it (else one waiting for work dies with a traceback) and finishes its batch."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    init(*args)


class _Pool:
    """Ordered map over an iterator with a bounded number of batches in flight (memory stays flat).

    In-process for one job; else a process pool whose workers are initialised once.
    """

    def __init__(self, init: Callable[..., None], init_args: tuple[Any, ...], jobs: int) -> None:
        self.init, self.init_args, self.jobs = init, init_args, jobs
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> _Pool:
        if self.jobs <= 1:
            self.init(*self.init_args)
        else:
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=_worker_init,
                                            initargs=(self.init, *self.init_args))
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        if self.pool is None:
            for item in items:
                yield fn(item)
            return
        window: deque[Future[Any]] = deque()
        limit = 4 * self.jobs
        for item in items:
            window.append(self.pool.submit(fn, item))
            if len(window) >= limit:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


def _map(init: Callable[..., None], init_args: tuple[Any, ...], fn: Callable[[Any], Any], items: Iterable[Any],
         jobs: int) -> Iterator[Any]:
    """Ordered map, in-process for one job, else on a process pool."""
    with _Pool(init, init_args, jobs) as pool:
        yield from pool.map(fn, items)
