"""The default engine: the two passes in this process or in a pool of worker processes.

Pages go to workers in batches so that small pages do not drown in
inter-process overhead; results come back in input order, so the output and
the manifest are the same whatever ``jobs`` is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from cleaner.corpus import PageError, Source, decode
from cleaner.pipeline import PageResult, make_context, process_source
from cleaner.stages import Context, Stage, build_stages

_WORKER: dict[str, Any] = {}


def _batches(items: list[Source], size: int) -> Iterator[list[Source]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# -- scan pass ------------------------------------------------------------------------
def _scan_init(rule_dirs: list[Path], options: dict[str, Any]) -> None:
    ctx = make_context(rule_dirs, options=options)
    _WORKER["ctx"] = ctx
    _WORKER["stages"] = build_stages()


def _scan_batch(batch: list[Source]) -> tuple[dict[str, Any], list[str]]:
    ctx: Context = _WORKER["ctx"]
    stages: list[Stage] = _WORKER["stages"]
    collectors = {s.name: c for s in stages if (c := s.collector(ctx)) is not None}
    shas: list[str] = []
    for src in batch:
        try:
            data = src.path.read_bytes()
        except OSError:
            continue
        shas.append(hashlib.sha256(data).hexdigest())
        try:
            text, _ = decode(data, str(src.path))
        except PageError:
            continue
        for col in collectors.values():
            col.add(text, src.site, src.rel)
    return collectors, shas


def scan(sources: list[Source], rule_dirs: list[Path], options: dict[str, Any], jobs: int,
         batch_size: int = 64) -> dict[str, Any]:
    """Corpus statistics for the stages that want them (empty when none does)."""
    probe = make_context(rule_dirs, options=options)
    if not any(s.collector(probe) is not None for s in build_stages()):
        return {}
    merged: dict[str, Any] = {}
    fingerprint = hashlib.sha256()
    for collectors, shas in _map(_scan_init, (rule_dirs, options), _scan_batch, list(_batches(sources, batch_size)), jobs):
        for sha in shas:
            fingerprint.update(sha.encode())
        for name, col in collectors.items():
            if name in merged:
                merged[name].merge(col)
            else:
                merged[name] = col
    stats = {name: col.finish() for name, col in merged.items()}
    stats["__fingerprint__"] = fingerprint.hexdigest()[:16]
    return stats


# -- clean pass -----------------------------------------------------------------------
def _clean_init(rule_dirs: list[Path], stats: dict[str, Any], options: dict[str, Any], outdir: Path,
                done: dict[str, str]) -> None:
    _WORKER["ctx"] = make_context(rule_dirs, stats=stats, options=options)
    _WORKER["stages"] = build_stages()
    _WORKER["outdir"] = outdir
    _WORKER["done"] = done


def _clean_batch(batch: list[Source]) -> list[PageResult]:
    return [process_source(src, _WORKER["outdir"], _WORKER["ctx"], _WORKER["stages"], _WORKER["done"]) for src in batch]


def clean(sources: list[Source], outdir: Path, rule_dirs: list[Path], stats: dict[str, Any], options: dict[str, Any],
          jobs: int, done: dict[str, str], batch_size: int = 16) -> Iterator[PageResult]:
    init_args = (rule_dirs, stats, options, outdir, done)
    for results in _map(_clean_init, init_args, _clean_batch, list(_batches(sources, batch_size)), jobs):
        yield from results


def _map(init: Callable[..., None], init_args: tuple[Any, ...], fn: Callable[[Any], Any], items: list[Any],
         jobs: int) -> Iterator[Any]:
    """Ordered map, in-process for one job, else on a process pool."""
    if jobs <= 1 or len(items) <= 1:
        init(*init_args)
        for item in items:
            yield fn(item)
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=init, initargs=init_args) as pool:
        yield from pool.map(fn, items)
