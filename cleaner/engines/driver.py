"""The two passes of a run, written once for every engine.

An engine supplies one thing: an ordered map of a worker function over batches, in workers that were set up
once (``Engine.pool``).  Everything else is here: which batches there are (``.txt`` pages in groups, record
shards in runs of records), what a worker does with one (``scan_batch``/``clean_batch``), how the statistics are
summed, and how record shards are written and resumed (`cleaner.io.shards.process_shards`, in this process).
So the local engine and Ray give the same bytes by construction, not by keeping two drivers alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

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

#: .txt pages per batch: small pages must not drown in the overhead of handing them to a worker
SCAN_PAGES = 64
CLEAN_PAGES = 16


class Pool(Protocol):
    """Workers set up once: ``map`` applies a module-level function to each item, results in input order, with a
    bounded number of items in flight (so memory stays flat)."""

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]: ...


class Engine(Protocol):
    """Where the work runs: ``pool(init, args)`` starts workers that each call ``init(*args)`` once."""

    def pool(self, init: Callable[..., None], init_args: tuple[Any, ...]) -> AbstractContextManager[Pool]: ...


# -- what a worker holds and does -----------------------------------------------------------------------------
_WORKER: dict[str, Any] = {}


def _scan_init(rule_dirs: list[Path], options: dict[str, Any]) -> None:
    _WORKER["ctx"] = make_context(rule_dirs, options=options)
    _WORKER["stages"] = stages_for(options)


def _scan_batch(batch: list[Source] | RecordBatch) -> tuple[dict[str, Any], list[str]]:
    collectors = collectors_of(_WORKER["stages"], _WORKER["ctx"])
    if isinstance(batch, RecordBatch):
        return collectors, scan_batch(batch, collectors)
    return collectors, scan_sources(batch, collectors)


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


def _groups(items: list[Source], size: int) -> Iterator[list[Source]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# -- the two passes -------------------------------------------------------------------------------------------
def scan(engine: Engine, sources: list[Source], rule_dirs: list[Path], options: dict[str, Any],
         shards: list[Shard] | None = None, spec: FieldSpec | None = None) -> dict[str, Any]:
    """Corpus statistics for the stages that want them (empty when none does); ``.txt`` pages first, then shards."""
    if not collectors_of(stages_for(options), make_context(rule_dirs, options=options)):
        return {}
    totals = ScanTotals()

    def items() -> Iterator[list[Source] | RecordBatch]:
        yield from _groups(sources, SCAN_PAGES)
        for shard in shards or []:
            for batch, _ in shard_batches(shard, spec or FieldSpec()):
                yield batch

    with engine.pool(_scan_init, (rule_dirs, options)) as pool:
        for collectors, shas in pool.map(_scan_batch, items()):
            totals.add(collectors, shas)
    stats = totals.finish()
    release_freed_memory()  # the clean pass's workers are started from this process next
    return stats


def clean(engine: Engine, sources: list[Source], outdir: Path, rule_dirs: list[Path], stats: dict[str, Any],
          options: dict[str, Any], done: dict[str, str], shards: list[Shard] | None = None,
          spec: FieldSpec | None = None, progress: RecordProgress | None = None) -> Iterator[PageResult]:
    """Clean ``.txt`` pages (the workers write them), then record shards (this process writes them, in record
    order, with checkpoints), on one set of workers; one result per page and per shard."""
    with engine.pool(_clean_init, (rule_dirs, stats, options, outdir, done)) as pool:
        for results in pool.map(_clean_batch, _groups(sources, CLEAN_PAGES)):
            yield from results
        if shards:
            ctx = make_context(rule_dirs, stats=stats, options=options)
            yield from process_shards(shards, outdir, spec or FieldSpec(), ctx, done,
                                      lambda batches: pool.map(_clean_batch, batches), progress)
