"""The Ray engine: the same scan and clean passes on Ray Data, on a local Ray instance or a cluster.

Pages and records flow through Ray Data (``from_items`` for ``.txt`` pages,
a line reader built on Ray's ``FileBasedDatasource`` for JSONL shards,
``read_parquet`` for Parquet), ``map_batches`` runs the very functions the
local engine runs (``process_source``, ``shards.scan_batch``,
``shards.clean_batch``) in actors that load the rules once, and the driver
streams the results back in input order (``preserve_order``) into the same
shard writer.  So the outputs and change logs are byte-identical to the
local engine's.  Ray's own ``read_text`` splits lines with ``str.splitlines``,
which also breaks at U+2028 and U+0085 inside JSON strings; hence the small
byte-line reader.  ``.txt`` pages are written by the workers, so on a cluster
the output directory must be on a shared filesystem.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cleaner.corpus import Source
from cleaner.formats import FieldSpec, Shard, record_site
from cleaner.pipeline import PageResult, make_context, process_source
from cleaner.shards import (
    BATCH_RECORDS,
    RecordBatch,
    RecordOut,
    RecordProgress,
    ShardSink,
    _name,
    clean_batch,
    merge_scan,
    scan_batch,
    shard_todo,
)
from cleaner.stages import build_stages

_STATE: dict[str, Any] = {}


def start(address: str | None, jobs: int) -> None:
    """Connect to ``address`` or start a local Ray instance with ``jobs`` CPUs."""
    import logging

    import ray
    import ray.data

    if not ray.is_initialized():
        import warnings

        warnings.filterwarnings("ignore", category=DeprecationWarning, module="ray")
        kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "ignore_reinit_error": True,
                                  "logging_level": logging.ERROR}
        if address:
            ray.init(address=address, **kwargs)
        else:
            ray.init(num_cpus=jobs, **kwargs)
    dctx = ray.data.DataContext.get_current()
    dctx.execution_options.preserve_order = True
    dctx.enable_progress_bars = False
    logging.getLogger("ray").setLevel(logging.ERROR)
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    with _suppress():
        dctx.print_on_execution_start = False
    _STATE["jobs"] = jobs if not address else max(1, int(ray.cluster_resources().get("CPU", jobs)))


class _suppress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return True


def _jobs() -> int:
    return int(_STATE.get("jobs", 1))


def _line_dataset(paths: list[str]) -> Any:
    """JSONL shards as rows ``{"line": bytes, "path": str}``, split at b"\\n" only, in file order."""
    import pyarrow as pa
    import ray.data
    from ray.data.datasource import FileBasedDatasource

    class JsonlLines(FileBasedDatasource):  # type: ignore[misc]
        _FILE_EXTENSIONS = ["jsonl", "gz", "zst"]

        def _read_stream(self, f: Any, path: str) -> Iterator[Any]:
            data = f.readall()
            lines = data.split(b"\n")
            for i in range(0, len(lines), 4096):
                chunk = lines[i : i + 4096]
                yield pa.table({"line": pa.array(chunk, pa.binary()), "path": pa.array([path] * len(chunk), pa.string())})

    return ray.data.read_datasource(JsonlLines(paths), num_cpus=0)


def _parquet_dataset(path: str, columns: list[str]) -> Any:
    """A Parquet shard's needed columns as rows, read by the workers.

    ``ray.data.read_parquet`` hung on this machine (Ray 2.60, no network) before yielding a row, so a
    small ``FileBasedDatasource`` reads the file with pyarrow in the read task instead.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq
    import ray.data
    from ray.data.datasource import FileBasedDatasource

    class ParquetColumns(FileBasedDatasource):  # type: ignore[misc]
        _FILE_EXTENSIONS = ["parquet"]

        def _read_stream(self, f: Any, path: str) -> Iterator[Any]:
            for rb in pq.ParquetFile(pa.BufferReader(f.readall())).iter_batches(batch_size=4096, columns=columns):
                t = pa.Table.from_batches([rb])
                yield t.append_column("path", pa.array([path] * t.num_rows, pa.string()))

    return ray.data.read_datasource(ParquetColumns([path]), num_cpus=0)


def _key(path: str) -> str:
    return os.path.realpath(path.split("://", 1)[-1])


# -- workers --------------------------------------------------------------------------
class _Worker:
    def __init__(self, rule_dirs: list[Path], options: dict[str, Any], stats: dict[str, Any] | None,
                 shards: dict[str, tuple[str, str]], spec: FieldSpec, outdir: Path | None = None,
                 done: dict[str, str] | None = None) -> None:
        self.ctx = make_context(rule_dirs, stats=stats, options=options)
        self.stages = build_stages()
        self.shards, self.spec, self.outdir, self.done = shards, spec, outdir, done or {}

    def _record_batches(self, batch: dict[str, Any]) -> Iterator[tuple[str, RecordBatch]]:
        """Consecutive rows of one shard, as the batches the shared functions take."""
        paths = [str(p) for p in batch["path"]]
        i = 0
        while i < len(paths):
            j = i
            while j < len(paths) and paths[j] == paths[i]:
                j += 1
            rel, site = self.shards[_key(paths[i])]
            if "line" in batch:
                yield paths[i], RecordBatch(rel, site, self.spec, lines=[bytes(x) for x in batch["line"][i:j]])
            else:
                rows = []
                b = RecordBatch(rel, site, self.spec)
                for k in range(i, j):
                    rec: dict[str, Any] = {c: batch[c][k] for c in ("site", "url") if c in batch}
                    if self.spec.id_field and self.spec.id_field in batch:
                        rec[self.spec.id_field] = batch[self.spec.id_field][k]
                    text = batch[self.spec.text_field][k]
                    rows.append((text if isinstance(text, str) else None, record_site(rec, site), _name(rec, b)))
                yield paths[i], RecordBatch(rel, site, self.spec, rows=rows)
            i = j


class _ScanWorker(_Worker):
    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        collectors = {s.name: c for s in self.stages if (c := s.collector(self.ctx)) is not None}
        shas: list[str] = []
        if "rel" in batch:  # .txt pages
            from cleaner.engines import local

            local._WORKER.update(ctx=self.ctx, stages=self.stages)
            srcs = [Source(Path(p), r, s) for p, r, s in zip(batch["path"], batch["rel"], batch["site"])]
            collectors, shas = local._scan_batch(srcs)
        else:
            for _, rb in self._record_batches(batch):
                shas.extend(scan_batch(rb, collectors))
        return {"blob": [pickle.dumps((collectors, shas))]}


class _CleanWorker(_Worker):
    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        if "rel" in batch:
            assert self.outdir is not None
            out = [process_source(Source(Path(p), r, s), self.outdir, self.ctx, self.stages, self.done)
                   for p, r, s in zip(batch["path"], batch["rel"], batch["site"])]
            return {"blob": [pickle.dumps(r) for r in out], "path": [""] * len(out)}
        blobs: list[bytes] = []
        paths: list[str] = []
        for path, rb in self._record_batches(batch):
            for ro in clean_batch(rb, self.ctx, self.stages):
                blobs.append(pickle.dumps(ro))
                paths.append(path)
        return {"blob": blobs, "path": paths}


def _map(ds: Any, worker: type[_Worker], args: tuple[Any, ...]) -> Any:
    import ray.data

    return ds.map_batches(worker, fn_constructor_args=args, batch_size=BATCH_RECORDS, compute=ray.data.ActorPoolStrategy(size=_jobs()),
                          num_cpus=1, batch_format="numpy")


def _txt_dataset(sources: list[Source]) -> Any:
    import ray.data

    return ray.data.from_items([{"path": str(s.path), "rel": s.rel, "site": s.site} for s in sources],
                               override_num_blocks=max(1, min(len(sources) // BATCH_RECORDS + 1, 4 * _jobs())))


def _shard_datasets(shards: list[Shard], spec: FieldSpec) -> Iterator[tuple[list[Shard], Any]]:
    """Consecutive JSONL shards in one dataset; each Parquet shard in its own (its columns may differ)."""

    run: list[Shard] = []
    for shard in shards:
        if shard.suffix == ".parquet":
            if run:
                yield run, _line_dataset([str(s.path) for s in run])
                run = []
            import pyarrow.parquet as pq

            names = pq.ParquetFile(shard.path).schema_arrow.names
            cols = [c for c in dict.fromkeys([spec.text_field, "site", "url", spec.id_field or ""]) if c and c in names]
            yield [shard], _parquet_dataset(str(shard.path), cols)
        else:
            run.append(shard)
    if run:
        yield run, _line_dataset([str(s.path) for s in run])


def _shard_map(shards: list[Shard]) -> dict[str, tuple[str, str]]:
    return {_key(str(s.path)): (s.rel, s.site) for s in shards}


# -- the two passes -------------------------------------------------------------------
def scan(sources: list[Source], rule_dirs: list[Path], options: dict[str, Any], jobs: int,
         shards: list[Shard] | None = None, spec: FieldSpec | None = None) -> dict[str, Any]:
    import hashlib

    probe = make_context(rule_dirs, options=options)
    if not any(s.collector(probe) is not None for s in build_stages()):
        return {}
    spec = spec or FieldSpec()
    shards = shards or []
    args = (rule_dirs, options, None, _shard_map(shards), spec)
    merged: dict[str, Any] = {}
    fingerprint = hashlib.sha256()
    def datasets() -> Iterator[Any]:
        if sources:
            yield _txt_dataset(sources)
        for _, ds in _shard_datasets(shards, spec):
            yield ds

    for ds in datasets():
        mapped = _map(ds, _ScanWorker, args)
        for row in mapped.iter_rows():
            merge_scan(merged, fingerprint, *pickle.loads(row["blob"]))
        del ds, mapped
        _release()
    stats = {name: col.finish() for name, col in merged.items()}
    stats["__fingerprint__"] = fingerprint.hexdigest()[:16]
    return stats


def clean(sources: list[Source], outdir: Path, rule_dirs: list[Path], stats: dict[str, Any], options: dict[str, Any],
          jobs: int, done: dict[str, str], shards: list[Shard] | None = None, spec: FieldSpec | None = None,
          progress: RecordProgress | None = None) -> Iterator[PageResult]:
    spec = spec or FieldSpec()
    shards = shards or []
    args = (rule_dirs, options, stats, _shard_map(shards), spec, outdir, done)
    if sources:
        for row in _map(_txt_dataset(sources), _CleanWorker, args).iter_rows():
            yield pickle.loads(row["blob"])
        _release()
    ctx = make_context(rule_dirs, stats=stats, options=options)
    todo: list[Shard] = []
    keys: dict[str, tuple[str, str]] = {}
    for shard in shards:
        state = shard_todo(shard, outdir, spec, ctx, done)
        if isinstance(state, PageResult):
            yield state
            continue
        keys[shard.rel] = state
        todo.append(shard)
    for group, ds in _shard_datasets(todo, spec):
        yield from _write_group(group, _map(ds, _CleanWorker, args), outdir, keys, spec, progress)
        del ds
        _release()


def _release() -> None:
    """Drop a finished dataset's actor pool now: the next dataset's actors need its CPUs."""
    import gc

    gc.collect()


def _write_group(group: list[Shard], ds: Any, outdir: Path, keys: dict[str, tuple[str, str]], spec: FieldSpec,
                 progress: RecordProgress | None = None) -> Iterator[PageResult]:
    """Stream a group's cleaned records, in order, into each shard's writer (Parquet: in the input's row groups)."""
    by_key = {_key(str(s.path)): s for s in group}
    sink: ShardSink | None = None
    pending: list[RecordOut] = []
    source_batches: Iterator[Any] | None = None
    current: Any = None

    def open_sink(shard: Shard) -> ShardSink:
        nonlocal source_batches, current
        schema = None
        source_batches, current = None, None
        if shard.suffix == ".parquet":
            import pyarrow.parquet as pq

            pf = pq.ParquetFile(shard.path)
            schema = pf.schema_arrow
            source_batches = pf.iter_batches(batch_size=BATCH_RECORDS)
        s = ShardSink(shard, outdir, *keys[shard.rel], parquet_schema=schema, progress=progress)
        s._text_field = spec.text_field
        return s

    def flush(s: ShardSink) -> None:
        nonlocal pending, current
        if source_batches is None:
            s.add(pending)
            pending = []
            return
        while True:  # Parquet: the same row groups as the local engine (one per input record batch)
            if current is None:
                current = next(source_batches, None)
                if current is None:
                    return
            n = current.num_rows
            if len(pending) < n:
                return
            s.add(pending[:n], current)
            pending, current = pending[n:], None

    finished: set[str] = set()
    for row in ds.iter_rows():
        shard = by_key[_key(str(row["path"]))]
        if sink is None or sink.shard is not shard:
            if sink is not None:
                flush(sink)
                finished.add(sink.shard.rel)
                yield sink.finish()
            sink = open_sink(shard)
        pending.append(pickle.loads(row["blob"]))
        if len(pending) >= BATCH_RECORDS:
            flush(sink)
    if sink is not None:
        flush(sink)
        finished.add(sink.shard.rel)
        yield sink.finish()
    for shard in group:  # an empty shard yields no rows: still write its (empty) outputs
        if shard.rel not in finished:
            yield open_sink(shard).finish()
