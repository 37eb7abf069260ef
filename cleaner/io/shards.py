"""Cleaning record shards: the per-batch work (run in any worker) and the per-shard driver.

The work on a batch of records is a pure function of (records, rules,
corpus statistics), like ``clean_page`` for a ``.txt`` page, so the local
engine's processes and Ray's tasks call the same functions here and write the
same bytes.  Output records keep every field, in the same order, with the
text replaced by the clean text; the change log has one line per record, in
the same order: ``{"page": {...header...}, "edits": [...]}``.

Resume works per shard: a shard is done when the manifest holds its key (the
shard file's hash with the rules' and options' digest) and both outputs
exist.  An interrupted shard is cleaned again from its start, so shards of a
few hundred MB at most are the sensible unit.
"""

from __future__ import annotations

import hashlib
import json
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner.core.page import Page
from cleaner.core.pipeline import STATE_DIR, PageResult, add_detector_counts, clean_page, count_edits, page_key
from cleaner.io.changelog import page_header, record_log, text_sha256
from cleaner.io.formats import (
    FieldSpec,
    PartialShard,
    Shard,
    ShardError,
    ShardWriter,
    _pyarrow_parquet,
    edits_rel,
    iter_jsonl_lines,
    iter_parquet,
    record_site,
)
from cleaner.io.pages import PageError, Source, decode
from cleaner.stages import Context, Stage

BATCH_RECORDS = 64


@dataclass
class RecordBatch:
    """A batch of one shard's records as a worker receives it: raw JSONL lines or (text, site, name) rows."""

    shard_rel: str
    fallback_site: str
    spec: FieldSpec
    lines: list[bytes] = field(default_factory=list)
    rows: list[tuple[str | None, str, str]] = field(default_factory=list)  # Parquet: text, site, name
    first: int = 0  # the shard's record number (0-based, blank lines not counted) of the batch's first record


@dataclass
class RecordOut:
    """One cleaned record: its output line (JSONL) or clean text (Parquet), its change-log line, its counts."""

    out: bytes | str | None
    log: bytes
    raw_chars: int = 0
    clean_chars: int = 0
    rules: dict[str, list[int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    problem: str = ""
    detectors: dict[str, list[float]] = field(default_factory=dict)


def _parse(line: bytes | str, batch: RecordBatch, n: int) -> tuple[dict[str, Any] | None, str | None, str, str, str]:
    """(record, text, site, name, problem) of one JSONL line."""
    where = f"{batch.shard_rel}: record {batch.first + n + 1}"
    try:
        rec = json.loads(line)
    except ValueError as exc:
        return None, None, batch.fallback_site, batch.shard_rel, f"{where}: not JSON ({exc}); copied unchanged"
    if not isinstance(rec, dict):
        return None, None, batch.fallback_site, batch.shard_rel, f"{where}: not a JSON object; copied unchanged"
    text = rec.get(batch.spec.text_field)
    site = record_site(rec, batch.fallback_site)
    name = _name(rec, batch)
    if not isinstance(text, str):
        return rec, None, site, name, f"{where}: no string field {batch.spec.text_field!r}; copied unchanged"
    return rec, text, site, name, ""


def _name(rec: dict[str, Any], batch: RecordBatch) -> str:
    """A record's page name: its id field (``--id-field``, else ``id`` when the record has one), else the shard's
    name (rules scoped to files match shards)."""
    if rec.get(batch.spec.id_name) is not None:
        return str(rec[batch.spec.id_name])
    return batch.shard_rel


def _norm_lines(lines: Iterable[bytes | str]) -> Iterator[bytes]:
    """Lines as bytes, without a trailing CR, blank ones dropped (every engine's reader gives the same)."""
    for line in lines:
        b = line.encode("utf-8", "surrogateescape") if isinstance(line, str) else line
        b = b.rstrip(b"\r")
        if b.strip():
            yield b


def record_key(batch: RecordBatch, n: int) -> str:
    """The page key of the batch's ``n``-th record: the shard and the record's number, unique in the run."""
    return f"{batch.shard_rel}#{batch.first + n + 1}"


def texts_of(batch: RecordBatch) -> Iterator[tuple[bytes, str | None, str, str, str]]:
    """(bytes for the fingerprint, text, site, name, key) of each record of the batch."""
    if batch.rows:
        for n, (text, site, name) in enumerate(batch.rows):
            yield (text or "").encode("utf-8", "surrogatepass"), text, site, name, record_key(batch, n)
        return
    for n, line in enumerate(_norm_lines(batch.lines)):
        _, text, site, name, _ = _parse(line, batch, n)
        yield line, text, site, name, record_key(batch, n)


# -- scan pass ------------------------------------------------------------------------
def scan_batch(batch: RecordBatch, collectors: dict[str, Any]) -> list[str]:
    """Feed a batch's pages to the collectors; return the records' hashes (the corpus fingerprint)."""
    shas: list[str] = []
    for data, text, site, name, key in texts_of(batch):
        shas.append(hashlib.sha256(data).hexdigest())
        if text is not None:
            for col in collectors.values():
                col.add(text, site, name, key)
    return shas


# -- clean pass -----------------------------------------------------------------------
def clean_batch(batch: RecordBatch, ctx: Context, stages: list[Stage]) -> list[RecordOut]:
    if batch.rows:
        return [_clean_one(None, text, site, name, batch, n, ctx, stages) for n, (text, site, name) in enumerate(batch.rows)]
    out: list[RecordOut] = []
    for n, line in enumerate(_norm_lines(batch.lines)):
        rec, text, site, name, problem = _parse(line, batch, n)
        if problem:
            header = {"name": name, "site": site, "problem": problem}
            out.append(RecordOut(line, record_log(header, []), problem=problem))
            continue
        out.append(_clean_one(rec, text, site, name, batch, n, ctx, stages, line))
    return out


def _clean_one(rec: dict[str, Any] | None, text: str | None, site: str, name: str, batch: RecordBatch, n: int,
               ctx: Context, stages: list[Stage], line: bytes | None = None) -> RecordOut:
    if text is None:
        problem = f"{batch.shard_rel}: record {batch.first + n + 1}: no text; copied unchanged"
        return RecordOut(line if rec is not None else None, record_log({"name": name, "site": site, "problem": problem}, []),
                         problem=problem)
    try:
        page = clean_page(Page(text, name=name, site=site, key=record_key(batch, n)), ctx, stages)
        clean = page.text
    except Exception as exc:  # a bug must not stop the corpus: the record is copied unchanged and reported
        where = traceback.extract_tb(exc.__traceback__)[-1]
        problem = (f"{batch.shard_rel}: record {batch.first + n + 1}: internal error {type(exc).__name__}: {exc} "
                   f"(at {Path(where.filename).name}:{where.lineno}); copied unchanged")
        return RecordOut(line if rec is not None else text, record_log({"name": name, "site": site, "problem": problem}, []),
                         problem=problem)
    fields: dict[str, Any] = {"raw_sha256": text_sha256(text)}
    if batch.spec.text_field != "text":  # so that the review tools find the clean text in the output record
        fields["text_field"] = batch.spec.text_field
    header = page_header(page, ctx.rules, **fields)
    result = RecordOut(None, record_log(header, page.edits), len(text), len(clean),
                       warnings=[f"{batch.shard_rel}: {name}: {w}" for w in page.warnings])
    count_edits(page.edits, result.rules)
    add_detector_counts(result.detectors, page.meta.get("detector_counts", {}))
    if rec is None:
        result.out = clean
    else:
        rec[batch.spec.text_field] = clean
        result.out = _dump(rec)
    return result


def _dump(rec: dict[str, Any]) -> bytes:
    try:
        return json.dumps(rec, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate in some field: keep it as a JSON escape
        return json.dumps(rec, ensure_ascii=True).encode("ascii")


# -- the per-shard driver -------------------------------------------------------------
def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def shard_batches(shard: Shard, spec: FieldSpec, size: int = BATCH_RECORDS) -> Iterator[tuple[RecordBatch, Any]]:
    """The shard's records in batches, with the Parquet record batch they came from (None for JSONL)."""
    first = 0
    if shard.suffix == ".parquet":
        for rb in iter_parquet(shard.path, spec, size):
            rows = parquet_rows(rb.to_pydict(), shard.rel, shard.site, spec)
            yield RecordBatch(shard.rel, shard.site, spec, rows=rows, first=first), rb
            first += len(rows)
        return
    for lines in iter_jsonl_lines(shard.path, size):
        yield RecordBatch(shard.rel, shard.site, spec, lines=lines, first=first), None
        first += len(lines)


def parquet_rows(cols: dict[str, list[Any]], shard_rel: str, site: str, spec: FieldSpec) -> list[tuple[str | None, str, str]]:
    """Columns of Parquet rows -> the (text, site, name) rows of a batch (every engine reads them so)."""
    b = RecordBatch(shard_rel, site, spec)
    rows = []
    for i, text in enumerate(cols[spec.text_field]):
        rec = {k: cols[k][i] for k in ("site", "url", spec.id_name) if k in cols}
        rows.append((text if isinstance(text, str) else None, record_site(rec, site), _name(rec, b)))
    return rows


def shard_key(raw_sha: str, spec: FieldSpec, ctx: Context) -> str:
    """A shard's output depends on its bytes, the rules and options, and which fields hold the text and id."""
    return page_key(f"{raw_sha}|{spec.text_field}|{spec.id_field or ''}", ctx)


def shard_is_done(shard: Shard, outdir: Path, key: str, done: dict[str, str]) -> bool:
    return done.get(shard.rel) == key and (outdir / shard.rel).exists() and (outdir / edits_rel(shard.rel)).exists()


#: told (shard, records) as each batch of a shard's records is written: the progress bar counts records, not shards
RecordProgress = Callable[[str, int], None]


def count_records(shard: Shard) -> int:
    """How many records the shard holds (Parquet: from its footer; JSONL: its non-blank lines), for the progress
    bar's total; 0 when it cannot be read (the clean pass reports why)."""
    try:
        if shard.suffix == ".parquet":
            return int(_pyarrow_parquet(shard.path).ParquetFile(shard.path).metadata.num_rows)
        return sum(len(lines) for lines in iter_jsonl_lines(shard.path, 4096))
    except Exception:  # noqa: BLE001 - a count for the bar only; the clean pass reports a bad shard properly
        return 0


class ShardSink:
    """Collects a shard's cleaned batches, in order, into its writer and its run-summary result."""

    def __init__(self, shard: Shard, outdir: Path, key: str, raw_sha: str, parquet_schema: Any = None,
                 progress: RecordProgress | None = None, resume: bool = False) -> None:
        self.shard = shard
        self.result = PageResult(shard.rel, "cleaned", key=key, raw_sha256=raw_sha)
        self.records = 0
        self.resumed_at = 0
        self.progress = progress
        # JSONL goes through a partial file (Parquet cannot be appended to): an interrupted run resumes inside the
        # shard from its last checkpoint
        partial = PartialShard(outdir / STATE_DIR, shard.rel) if shard.suffix != ".parquet" else None
        if partial is not None:
            state = partial.resume(key) if resume else None
            if state is None:
                partial.start()
            else:
                self.records = self.resumed_at = int(state["records"])
                r = self.result
                r.raw_chars, r.clean_chars = int(state["raw_chars"]), int(state["clean_chars"])
                r.rules, r.warnings = {k: list(v) for k, v in state["rules"].items()}, list(state["warnings"])
        self.writer = ShardWriter(outdir / shard.rel, outdir / edits_rel(shard.rel), parquet_schema, partial)

    def add(self, outs: list[RecordOut], source_batch: Any = None) -> None:
        logs = [o.log for o in outs]
        if source_batch is not None:
            import pyarrow as pa

            col = source_batch.schema.names.index(self._text_field)
            typ = source_batch.schema.field(col).type
            texts = pa.array([o.out if o.out is not None else source_batch.column(col)[i].as_py() for i, o in enumerate(outs)], type=typ)
            table = pa.Table.from_batches([source_batch]).set_column(col, source_batch.schema.field(col), texts)
            self.writer.write_table(table, logs)
        else:
            self.writer.write_bytes(*jsonl_bytes(outs))
        self._count(tally(outs))

    def _count(self, part: dict[str, Any]) -> None:
        self.records += part["records"]
        if self.progress is not None:
            self.progress(self.shard.rel, part["records"])
        r = self.result
        new_warnings = len(r.warnings)
        r.raw_chars += part["raw_chars"]
        r.clean_chars += part["clean_chars"]
        _add_rule_counts(r.rules, part["rules"])
        add_detector_counts(r.detectors, part.get("detectors", {}))
        r.warnings.extend(part["warnings"])
        self.writer.checkpoint({"key": r.key, "records": self.records, "raw_chars": r.raw_chars,
                                "clean_chars": r.clean_chars, "rules": r.rules}, r.warnings[new_warnings:])

    _text_field = "text"

    def finish(self) -> PageResult:
        self.writer.commit()
        self.result.resumed_at = self.resumed_at
        self.result.message = f"{self.records} records" + (f" (resumed after record {self.resumed_at})" if self.resumed_at else "")
        return self.result


def jsonl_bytes(outs: list[RecordOut]) -> tuple[bytes, bytes]:
    """The records' output lines and change-log lines, as they go into a JSONL shard and its log."""
    return (b"".join((o.out if isinstance(o.out, bytes) else b"") + b"\n" for o in outs),
            b"".join(o.log + b"\n" for o in outs))


def _add_rule_counts(into: dict[str, list[int]], counts: dict[str, list[int]]) -> None:
    """Per rule: edits, characters removed, characters added."""
    for k, (n, removed, added) in counts.items():
        c = into.setdefault(k, [0, 0, 0])
        c[0] += n
        c[1] += removed
        c[2] += added


def tally(outs: list[RecordOut]) -> dict[str, Any]:
    """What the run summary counts of these records: merged in record order, tallies give the same sums."""
    rules: dict[str, list[int]] = {}
    warnings: list[str] = []
    detectors: dict[str, list[float]] = {}
    for o in outs:
        _add_rule_counts(rules, o.rules)
        add_detector_counts(detectors, o.detectors)
        warnings.extend(o.warnings)
        if o.problem:
            warnings.append(o.problem)
    return {"records": len(outs), "raw_chars": sum(o.raw_chars for o in outs),
            "clean_chars": sum(o.clean_chars for o in outs), "rules": rules, "warnings": warnings, "detectors": detectors}


def shard_todo(shard: Shard, outdir: Path, spec: FieldSpec, ctx: Context, done: dict[str, str]) -> PageResult | tuple[str, str]:
    """The shard's (manifest key, raw SHA-256) when it needs cleaning, else its result (unreadable, or done)."""
    try:
        raw_sha = file_sha256(shard.path)
    except OSError as exc:
        return PageResult(shard.rel, "failed", f"{shard.path}: cannot read: {exc.strerror or exc}")
    key = shard_key(raw_sha, spec, ctx)
    if shard_is_done(shard, outdir, key, done):
        return PageResult(shard.rel, "resumed", key=key, raw_sha256=raw_sha)
    return key, raw_sha


class ScanTotals:
    """The scan pass's results as batches come in (in input order, from any engine): each stage's collector
    merged, and the pages' hashes folded into the corpus fingerprint; ``finish`` gives the statistics."""

    def __init__(self) -> None:
        self.merged: dict[str, Any] = {}
        self.fingerprint = hashlib.sha256()

    def add(self, collectors: dict[str, Any], shas: list[str]) -> None:
        for sha in shas:
            self.fingerprint.update(sha.encode())
        for name, col in collectors.items():
            if name in self.merged:
                self.merged[name].merge(col)
            else:
                self.merged[name] = col

    def finish(self) -> dict[str, Any]:
        stats = {name: col.finish() for name, col in self.merged.items()}
        stats["__fingerprint__"] = self.fingerprint.hexdigest()[:16]
        self.merged = {}
        return stats


def scan_sources(sources: list[Source], collectors: dict[str, Any]) -> list[str]:
    """Feed a batch of ``.txt`` pages to the collectors; return their hashes (the corpus fingerprint).  A page
    that cannot be read or decoded is passed over here: the clean pass reports it."""
    shas: list[str] = []
    for src in sources:
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
    return shas


def collectors_of(stages: list[Stage], ctx: Context) -> dict[str, Any]:
    """A fresh collector of each stage that wants corpus statistics."""
    return {s.name: c for s in stages if (c := s.collector(ctx)) is not None}


def process_shards(shards: list[Shard], outdir: Path, spec: FieldSpec, ctx: Context, done: dict[str, str],
                   run_batches: Callable[[Iterator[RecordBatch]], Iterator[list[RecordOut]]],
                   progress: RecordProgress | None = None) -> Iterator[PageResult]:
    """Clean each shard; ``run_batches`` is the engine's ordered map of ``clean_batch`` over batches."""
    for shard in shards:
        todo = shard_todo(shard, outdir, spec, ctx, done)
        if isinstance(todo, PageResult):
            yield todo
            continue
        key, raw_sha = todo
        sink: ShardSink | None = None
        try:
            schema = None
            if shard.suffix == ".parquet":
                schema = _pyarrow_parquet(shard.path).ParquetFile(shard.path).schema_arrow
            sink = ShardSink(shard, outdir, key, raw_sha, schema, progress, resume=True)
            sink._text_field = spec.text_field
            if sink.resumed_at and progress is not None:
                progress(shard.rel, sink.resumed_at)
            pending: list[Any] = []

            def batches(pending: list[Any] = pending, shard: Shard = shard, skip: int = sink.resumed_at) -> Iterator[RecordBatch]:
                for batch, source in shard_batches(shard, spec):
                    if skip >= len(batch.lines) > 0:  # cleaned before the interruption (checkpoints fall between batches)
                        skip -= len(batch.lines)
                        continue
                    pending.append(source)
                    yield batch

            for outs in run_batches(batches()):
                sink.add(outs, pending.pop(0))
            yield sink.finish()
        except (ShardError, OSError, ValueError) as exc:
            if sink is not None:
                sink.writer.abort()
            yield PageResult(shard.rel, "failed", f"{shard.path}: {exc}")
        except BaseException:  # interrupted: a JSONL shard keeps its checkpoint, and the next run resumes from it
            if sink is not None:
                sink.writer.suspend()
            raise
