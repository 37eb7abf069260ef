"""The Ray engine: the same scan and clean passes on Ray Data, on a local Ray instance or a cluster.

Pages and records flow through Ray Data (``from_items`` for ``.txt`` pages,
a line reader built on Ray's ``FileBasedDatasource`` for JSONL shards, one
that reads a Parquet shard's needed columns for Parquet), and ``map_batches``
runs the very functions the local engine runs (``process_source``,
``shards.scan_batch``, ``shards.clean_batch``) in actors that load the rules
once.  Ray's own ``read_text`` splits lines with ``str.splitlines``, which
also breaks at U+2028 and U+0085 inside JSON strings; hence the byte-line
reader.

Writing: JSONL shards go through Ray Data's writer API (``write_datasink``):
write tasks on the workers write each run of cleaned records as a part of its
shard (output lines, log lines, counts), and the driver joins the parts in
record order into the files the local engine writes, so the outputs and change
logs are byte-identical; an interrupted run's parts are reused by the next.
``.txt`` pages are written by the workers too.  Parquet shards are written by
the driver from the ordered stream, in the input's row groups: the workers see
only the columns cleaning needs.  On a cluster the output directory must be on
a shared filesystem.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import pickle
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cleaner.core.pipeline import STATE_DIR, PageResult, make_context, process_source
from cleaner.io.formats import FieldSpec, Shard
from cleaner.io.pages import Source, atomic_write
from cleaner.io.shards import (
    BATCH_RECORDS,
    RecordBatch,
    RecordOut,
    RecordProgress,
    ScanTotals,
    ShardSink,
    clean_batch,
    collectors_of,
    jsonl_bytes,
    parquet_rows,
    scan_batch,
    scan_sources,
    shard_todo,
    tally,
)
from cleaner.stages import stages_for

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
    """JSONL shards as rows ``{"line": bytes, "path": str, "record": int}``, split at b"\\n" only, in file order;
    blank lines are left out, as the local reader leaves them out, so records are numbered alike."""
    import pyarrow as pa
    import ray.data
    from ray.data.datasource import FileBasedDatasource

    class JsonlLines(FileBasedDatasource):  # type: ignore[misc]
        _FILE_EXTENSIONS = ["jsonl", "gz", "zst"]

        def _read_stream(self, f: Any, path: str) -> Iterator[Any]:
            data = f.readall()
            lines = [ln for ln in data.split(b"\n") if ln.strip()]
            for i in range(0, len(lines), 4096):
                chunk = lines[i : i + 4096]
                yield pa.table({"line": pa.array(chunk, pa.binary()), "path": pa.array([path] * len(chunk), pa.string()),
                                "record": pa.array(range(i, i + len(chunk)), pa.int64())})

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
            first = 0
            for rb in pq.ParquetFile(pa.BufferReader(f.readall())).iter_batches(batch_size=4096, columns=columns):
                t = pa.Table.from_batches([rb])
                t = t.append_column("path", pa.array([path] * t.num_rows, pa.string()))
                yield t.append_column("record", pa.array(range(first, first + t.num_rows), pa.int64()))
                first += t.num_rows

    return ray.data.read_datasource(ParquetColumns([path]), num_cpus=0)


def _key(path: str) -> str:
    return os.path.realpath(path.split("://", 1)[-1])


# -- workers --------------------------------------------------------------------------
class _Worker:
    def __init__(self, rule_dirs: list[Path], options: dict[str, Any], stats: dict[str, Any] | None,
                 shards: dict[str, tuple[str, str]], spec: FieldSpec, outdir: Path | None = None,
                 done: dict[str, str] | None = None, parts: dict[str, str] | None = None) -> None:
        self.ctx = make_context(rule_dirs, stats=stats, options=options)
        self.stages = stages_for(options)
        self.shards, self.spec, self.outdir, self.done = shards, spec, outdir, done or {}
        self.parts = parts or {}

    def _record_batches(self, batch: dict[str, Any]) -> Iterator[tuple[str, RecordBatch]]:
        """Consecutive rows of one shard, as the batches the shared functions take."""
        records = batch.get("record")
        paths = [str(p) for p in batch["path"]]
        i = 0
        while i < len(paths):
            j = i
            while j < len(paths) and paths[j] == paths[i]:
                j += 1
            rel, site = self.shards[_key(paths[i])]
            first = int(records[i]) if records is not None else 0
            if "line" in batch:
                yield paths[i], RecordBatch(rel, site, self.spec, lines=[bytes(x) for x in batch["line"][i:j]], first=first)
            else:
                cols = {c: batch[c][i:j] for c in (self.spec.text_field, "site", "url", self.spec.id_name) if c in batch}
                rows = parquet_rows(cols, rel, site, self.spec)
                yield paths[i], RecordBatch(rel, site, self.spec, rows=rows, first=first)
            i = j


class _ScanWorker(_Worker):
    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        collectors = collectors_of(self.stages, self.ctx)
        if "rel" in batch:  # .txt pages
            srcs = [Source(Path(p), r, s) for p, r, s in zip(batch["path"], batch["rel"], batch["site"])]
            shas = scan_sources(srcs, collectors)
        else:
            shas = []
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
        # one row per run of a shard's records: its first record's number and its RecordOuts (b"" when a
        # resumed run finds the part already written)
        blobs: list[bytes] = []
        paths: list[str] = []
        firsts: list[int] = []
        for path, rb in self._record_batches(batch):
            part = self.parts.get(_key(path))
            if part is not None and _part_done(Path(part), rb.first, len(rb.lines)):
                blobs.append(b"")
            else:
                blobs.append(pickle.dumps(clean_batch(rb, self.ctx, self.stages)))
            paths.append(path)
            firsts.append(rb.first)
        return {"blob": blobs, "path": paths, "first": firsts}


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
            cols = [c for c in dict.fromkeys([spec.text_field, "site", "url", spec.id_name]) if c and c in names]
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
    if not collectors_of(stages_for(options), make_context(rule_dirs, options=options)):
        return {}
    spec = spec or FieldSpec()
    shards = shards or []
    args = (rule_dirs, options, None, _shard_map(shards), spec)
    totals = ScanTotals()

    def datasets() -> Iterator[Any]:
        if sources:
            yield _txt_dataset(sources)
        for _, ds in _shard_datasets(shards, spec):
            yield ds

    for ds in datasets():
        mapped = _map(ds, _ScanWorker, args)
        for row in mapped.iter_rows():
            totals.add(*pickle.loads(row["blob"]))
        del ds, mapped
        _release()
    return totals.finish()


def clean(sources: list[Source], outdir: Path, rule_dirs: list[Path], stats: dict[str, Any], options: dict[str, Any],
          jobs: int, done: dict[str, str], shards: list[Shard] | None = None, spec: FieldSpec | None = None,
          progress: RecordProgress | None = None) -> Iterator[PageResult]:
    spec = spec or FieldSpec()
    shards = shards or []
    if sources:
        txt_args = (rule_dirs, options, stats, _shard_map(shards), spec, outdir, done)
        for row in _map(_txt_dataset(sources), _CleanWorker, txt_args).iter_rows():
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
    parts = {_key(str(s.path)): str(_parts_dir(outdir, s.rel, keys[s.rel][0])) for s in todo if s.suffix != ".parquet"}
    args = (rule_dirs, options, stats, _shard_map(shards), spec, outdir, done, parts)
    for group, ds in _shard_datasets(todo, spec):
        mapped = _map(ds, _CleanWorker, args)
        if group[0].suffix == ".parquet":  # a Parquet shard is a group of its own
            yield _write_parquet(group[0], mapped, outdir, keys, spec, progress)
        else:
            yield from _join_parts(group, mapped, outdir, keys, parts, progress)
        del ds, mapped
        _release()


def _release() -> None:
    """Drop a finished dataset's actor pool now: the next dataset's actors need its CPUs."""
    import gc

    gc.collect()


# -- writing JSONL shards: Ray Data's writer, parts joined in order -----------------------
def _parts_dir(outdir: Path, rel: str, key: str) -> Path:
    """Where the workers write a shard's parts; named by the shard's key, so parts of other rules are never reused."""
    return outdir / STATE_DIR / "parts" / f"{rel}.{key[:16]}"


def _part_files(part_dir: Path, first: int) -> tuple[Path, Path, Path]:
    stem = f"{first:012d}"
    return part_dir / f"{stem}.out", part_dir / f"{stem}.log", part_dir / f"{stem}.json"


def _part_done(part_dir: Path, first: int, records: int) -> bool:
    """Did an interrupted run already write this run of records (its tally, written last, says how many)?"""
    try:
        return int(json.loads(_part_files(part_dir, first)[2].read_bytes())["records"]) == records
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _write_part(part_dir: Path, first: int, outs: list[RecordOut]) -> None:
    part_dir.mkdir(parents=True, exist_ok=True)
    out_path, log_path, tally_path = _part_files(part_dir, first)
    out, log = jsonl_bytes(outs)
    atomic_write(out_path, out)
    atomic_write(log_path, log)
    atomic_write(tally_path, json.dumps(tally(outs)).encode())  # last: its presence means the part is whole


def _parts_sink(parts: dict[str, str]) -> Any:
    from ray.data.block import BlockAccessor
    from ray.data.datasource import Datasink

    class ShardParts(Datasink):  # type: ignore[misc]
        """Ray Data's writer for cleaned JSONL records: each write task writes its runs of records as part files
        of their shard; the driver only joins them, in record order, once all are written."""

        def __init__(self) -> None:
            self.written: list[tuple[str, int, bool]] = []

        def write(self, blocks: Any, ctx: Any) -> list[tuple[str, int, bool]]:
            done = []
            row: Any
            for block in blocks:
                for row in BlockAccessor.for_block(block).iter_rows(public_row_format=False):
                    path, first, blob = str(row["path"]), int(row["first"]), row["blob"]
                    if blob:  # b"": a part a previous run wrote
                        _write_part(Path(parts[_key(path)]), first, pickle.loads(blob))
                    done.append((path, first, not blob))
            return done

        def on_write_complete(self, write_result: Any) -> None:
            self.written = [w for ret in write_result.write_returns for w in ret]

    return ShardParts()


def _join_parts(group: list[Shard], ds: Any, outdir: Path, keys: dict[str, tuple[str, str]], parts: dict[str, str],
                progress: RecordProgress | None = None) -> Iterator[PageResult]:
    """Write a group of JSONL shards with Ray Data's ``write_datasink`` (the workers write), then join each
    shard's parts in record order into the same files the local engine writes.  Parts survive an interrupted
    run: the next run's workers find them and skip those records."""
    import threading

    sink = _parts_sink(parts)
    failed: list[BaseException] = []

    def write() -> None:
        try:
            # I/O only: no CPU reserved (the cleaning actors hold them), and few at a time, since writing a part
            # takes a thousandth of cleaning it and each extra task is one more worker process to start
            ds.write_datasink(sink, ray_remote_args={"num_cpus": 0}, concurrency=max(1, _jobs() // 8))
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            failed.append(exc)

    writer = threading.Thread(target=write, name="ray-write", daemon=True)
    writer.start()
    counted: set[Path] = set()
    while writer.is_alive():
        writer.join(0.5)
        if progress is not None:  # the bar follows the parts as the workers write them
            for shard in group:
                for tally_path in Path(parts[_key(str(shard.path))]).glob("*.json"):
                    if tally_path not in counted:
                        counted.add(tally_path)
                        with contextlib.suppress(OSError, ValueError, KeyError):
                            progress(shard.rel, int(json.loads(tally_path.read_bytes())["records"]))
    if failed:
        raise failed[0]
    firsts: dict[str, list[tuple[int, bool]]] = {}
    for path, first, reused in sink.written:
        firsts.setdefault(_key(path), []).append((first, reused))
    for shard in group:
        part_dir = Path(parts[_key(str(shard.path))])
        out = ShardSink(shard, outdir, *keys[shard.rel])
        expected = earlier = 0
        for first, reused in sorted(firsts.get(_key(str(shard.path)), [])):
            out_path, log_path, tally_path = _part_files(part_dir, first)
            part = json.loads(tally_path.read_bytes())
            if first != expected:
                raise RuntimeError(f"{shard.rel}: the cleaned parts skip from record {expected} to record {first}")
            out.add_written(out_path.read_bytes(), log_path.read_bytes(), part)
            expected += int(part["records"])
            earlier += int(part["records"]) if reused else 0
        result = out.finish()
        if earlier:
            result.resumed_at = earlier
            result.message = f"{out.records} records ({earlier} of them cleaned by the interrupted run)"
        yield result
        shutil.rmtree(part_dir, ignore_errors=True)


# -- writing Parquet shards: in the driver, in the input's row groups --------------------
def _write_parquet(shard: Shard, ds: Any, outdir: Path, keys: dict[str, tuple[str, str]], spec: FieldSpec,
                   progress: RecordProgress | None = None) -> PageResult:
    """Stream a Parquet shard's cleaned records, in order, into its writer, in the input's row groups (one per
    input record batch, as the local engine writes them), which the driver reads: the workers see only the
    columns cleaning needs."""
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(shard.path)
    sink = ShardSink(shard, outdir, *keys[shard.rel], parquet_schema=pf.schema_arrow, progress=progress)
    sink._text_field = spec.text_field
    cleaned = (out for row in ds.iter_rows() for out in pickle.loads(row["blob"]))
    for source in pf.iter_batches(batch_size=BATCH_RECORDS):
        sink.add(list(itertools.islice(cleaned, source.num_rows)), source)
    return sink.finish()
